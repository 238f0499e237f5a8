"""Files of an analysed programme: the workbook for Excel (one sheet per view, formulas neutralised
by `sourcing.exports.tables`) and the summary for the elected officials (DOCX or PDF, from the same
blocks as the meeting documents)."""

from __future__ import annotations

from datetime import date

from sourcing.exports.blocks import Block, Bullets, Heading, Para, Table
from sourcing.exports.documents import DocFormat, render
from sourcing.exports.tables import tables_to_xlsx
from sourcing.frenchfmt import format_eur, french_date, french_number
from sourcing.plan import views
from sourcing.plan.analysis import PlanAnalysis

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIME = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
# Sheet name -> view, in the workbook's order.
SHEETS = ("Synthèse", "Lignes", "Leviers", "Priorités", "Fournisseurs à rencontrer", "Rapport de lecture")
SUMMARY_TITLE = "Programme d'achats : leviers d'achat socialement responsable"


def plan_sheets(analysis: PlanAnalysis) -> dict[str, object]:
    return dict(
        zip(
            SHEETS,
            (
                views.summary_table(analysis),
                views.lines_table(analysis),
                views.levers_table(analysis),
                views.priorities_table(analysis),
                views.suppliers_table(analysis),
                views.report_table(analysis.report),
            ),
            strict=True,
        )
    )


def plan_xlsx(analysis: PlanAnalysis) -> bytes:
    """The workbook: one sheet per view (see `SHEETS`), amounts and counts as numbers."""
    return tables_to_xlsx(plan_sheets(analysis), numbers=views.NUMBERS | {"Valeur"})


def _figures(analysis: PlanAnalysis) -> list[str]:
    report = analysis.report
    reservable = sum(1 for a in analysis.lines if any("réservable" in o for o in a.opportunities))
    return [
        f"{report.analysed} achats analysés sur {report.rows_read} lignes lues "
        f"({len(report.rejected)} écartées, détail dans le classeur).",
        f"Montant total estimé : {format_eur(analysis.total_amount)} HT.",
        f"Part du montant pouvant porter une considération sociale : "
        f"{french_number(100 * analysis.social_share, 1)} % ({format_eur(analysis.social_amount)} HT).",
        f"{reservable} achat(s) où un marché ou un lot réservé est envisageable au vu des structures proches.",
    ]


def summary_blocks(analysis: PlanAnalysis, *, buyer: str = "", today: date | None = None) -> list[Block]:
    """The summary for the elected officials: figures, levers, priorities and suppliers to meet."""
    today = today or date.today()
    levers = views.levers_table(analysis)
    priorities = views.priorities_table(analysis, limit=10)
    suppliers = views.suppliers_table(analysis, limit=15)
    blocks: list[Block] = [
        Heading(SUMMARY_TITLE, 1),
        Para(f"{buyer + ' — ' if buyer else ''}synthèse établie le {french_date(today)}.", italic=True),
        Heading("Le programme en chiffres", 2),
        Bullets(tuple(_figures(analysis))),
        Heading("Leviers mobilisables", 2),
        Table(
            ("Levier", "Articles", "Achats", "Montant concerné"),
            tuple(
                (r["Levier"], r["Articles"], str(r["Lignes"]), format_eur(r["Montant concerné (€ HT)"]))
                for r in levers.to_dict("records")
                if r["Lignes"]
            ),
        ),
        Heading("Achats à traiter en priorité", 2),
        Table(
            ("Rang", "Objet", "Montant", "Lancement", "Opportunité"),
            tuple(
                (
                    str(int(r["Rang"])),
                    r["Objet"],
                    format_eur(r[views.AMOUNT]),
                    r["Date prévue"],
                    r["Opportunités"].split(" ; ")[0],
                )
                for r in priorities.to_dict("records")
            ),
        ),
        Heading("Structures à rencontrer", 2),
        Table(
            ("Structure", "Types", "Commune", "Achats concernés"),
            tuple(
                (r["Raison sociale"], r["Types"], r["Commune"], str(r["Lignes concernées"]))
                for r in suppliers.to_dict("records")
            ),
        ),
        Para(
            "Analyse indicative établie à partir de l'annuaire de l'équipe et des règles du code de la commande "
            "publique en vigueur à la date prévue de chaque achat ; à confirmer par le service juridique.",
            italic=True,
        ),
    ]
    return blocks


def plan_summary(fmt: DocFormat, analysis: PlanAnalysis, *, buyer: str = "", today: date | None = None) -> bytes:
    """The summary as a DOCX or PDF file."""
    return render(fmt, summary_blocks(analysis, buyer=buyer, today=today), SUMMARY_TITLE)
