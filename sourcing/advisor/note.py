"""The "note d'opportunité": the advisor's report as a Word document the buyer can file and share.

Built with python-docx, text runs only: buyer and directory text is inserted as plain text (the
library escapes it), never as XML or field codes. Characters XML cannot hold (control
characters) are dropped first, so hostile text cannot break the document either.
"""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Final

from docx import Document
from docx.shared import Pt

from sourcing import taxonomy
from sourcing.advisor.engine import AdviceReport, LeverAdvice
from sourcing.advisor.french import format_eur
from sourcing.advisor.purchase import Purchase
from sourcing.advisor.thresholds import BUYER_LABELS, TO_CONFIRM

DOCX_MIME: Final[str] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DEMO_SOURCE: Final[str] = "données fictives de démonstration"

TITLE: Final[str] = "Note d'opportunité : ouverture de l'achat aux structures de l'ESS"
GENERATED_ON: Final[str] = "Note établie le {date}."
H_INPUTS: Final[str] = "L'achat"
H_LEVERS: Final[str] = "Leviers juridiques"
H_DETAILS: Final[str] = "Leviers applicables : justification et clause type"
H_HOURS: Final[str] = "Heures d'insertion"
H_THRESHOLDS: Final[str] = "Seuils en vigueur"
H_SOURCE: Final[str] = "Source des données et avertissement"
INPUT_LABELS: Final[dict[str, str]] = {
    "need": "Objet de l'achat",
    "nature": "Nature du marché",
    "amount": "Montant estimé HT (toute la durée)",
    "duration": "Durée",
    "buyer": "Type d'acheteur",
    "cpv": "Code(s) CPV",
    "sectors": "Secteur(s) d'activité",
    "place": "Lieu d'exécution",
    "area": "Zone de recherche des structures",
    "date": "Date de la consultation",
    "lots": "Nombre de lots",
}
NONE_GIVEN: Final[str] = "non renseigné"
MONTHS: Final[str] = "{n} mois"
RADIUS: Final[str] = "{place} (rayon de {radius} km)"
LEVER_COLUMNS: Final[tuple[str, ...]] = ("Levier", "S'applique", "Obligatoire", "Références", "Fiabilité")
YES: Final[str] = "oui"
NO: Final[str] = "non"
RATIONALE: Final[str] = "Pourquoi : "
CLAUSE: Final[str] = "Clause type :"
SUPPLIERS: Final[str] = "Structures éligibles : "
FAMILY_LABELS: Final[dict[str, str]] = {
    "handicap": "handicap (EA, EATT, ESAT)",
    "insertion": "insertion (SIAE)",
    "ess": "ESS",
}
CAPACITY: Final[str] = "Capacité : "
HOURS_RESULT: Final[str] = "Volume à exiger : ≈ {hours} heures d'insertion."
HOURS_FORMULA: Final[str] = (
    "Calcul : {amount} HT × part de main-d'œuvre {share} × taux d'insertion {rate} ÷ coût horaire {cost}."
)
HOURS_SOURCES: Final[dict[str, str]] = {
    "labour_share": "Part de main-d'œuvre",
    "rate": "Taux d'insertion",
    "hourly_cost": "Coût horaire chargé",
}
HOURS_NONE: Final[str] = "Achat de fournitures sans main-d'œuvre : pas d'heures d'insertion calculées."
CONFIDENCE: Final[str] = "Fiabilité : {confidence}."
THRESHOLD_COLUMNS: Final[tuple[str, ...]] = ("Seuil", "Montant HT", "Référence", "En vigueur", "Fiabilité")
SINCE: Final[str] = "depuis le {date}"
UNTIL: Final[str] = "jusqu'au {date}"
ALWAYS: Final[str] = "sans date connue"
SOURCE: Final[str] = "Annuaire utilisé pour compter les structures : {name}."
DISCLAIMER: Final[str] = (
    "Cette note est une aide à la décision, pas un avis juridique. Les règles et seuils marqués "
    "« à confirmer » doivent être vérifiés sur Légifrance (Code de la commande publique) avant "
    "toute décision ; les nombres de structures dépendent de l'annuaire utilisé."
)

# XML 1.0 forbids these characters; python-docx would refuse them.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: object) -> str:
    """Plain text safe for a Word run: XML-invalid control characters removed."""
    return _XML_INVALID.sub("", str(text))


def french_date(d: date) -> str:
    """``2026-09-01`` -> ``"01/09/2026"``."""
    return d.strftime("%d/%m/%Y")


def _percent(x: float) -> str:
    return f"{x * 100:g} %".replace(".", ",")


def _eur(x: float) -> str:
    return format_eur(x)


def _hours_text(hours: float) -> str:
    return f"{hours:,.0f}".replace(",", "\u202f")


def _inputs(purchase: Purchase, report: AdviceReport) -> list[tuple[str, str]]:
    sectors = ", ".join(taxonomy.sector_label(s) or s for s in (purchase.sectors or report.sectors))
    place = NONE_GIVEN
    if purchase.place:
        place = (
            RADIUS.format(place=purchase.place, radius=f"{purchase.radius_km:g}")
            if purchase.radius_km is not None
            else purchase.place
        )
    values = {
        "need": purchase.need or NONE_GIVEN,
        "nature": purchase.nature,
        "amount": _eur(purchase.amount_eur),
        "duration": MONTHS.format(n=f"{purchase.duration_months:g}"),
        "buyer": BUYER_LABELS.get(purchase.buyer_type, purchase.buyer_type),
        "cpv": ", ".join(f"{c} ({taxonomy.cpv_label(c) or '?'})" for c in purchase.cpv) or NONE_GIVEN,
        "sectors": sectors or NONE_GIVEN,
        "place": place,
        "area": report.area.get("description", NONE_GIVEN),
        "date": french_date(purchase.date),
        "lots": str(purchase.lots),
    }
    return [(INPUT_LABELS[k], values[k]) for k in INPUT_LABELS]


def _table(doc, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(_clean(text)).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = _clean(text)


def _lever_details(doc, lever: LeverAdvice) -> None:
    doc.add_heading(_clean(lever.title), level=2)
    doc.add_paragraph(_clean(", ".join(lever.legal_refs)))
    p = doc.add_paragraph()
    p.add_run(RATIONALE).bold = True
    p.add_run(_clean(lever.rationale))
    if lever.confidence == TO_CONFIRM:
        doc.add_paragraph(CONFIDENCE.format(confidence=TO_CONFIRM))
    if lever.eligible_suppliers is not None:
        counts = ", ".join(f"{FAMILY_LABELS.get(f, f)} : {n}" for f, n in lever.eligible_suppliers.items())
        p = doc.add_paragraph()
        p.add_run(SUPPLIERS).bold = True
        p.add_run(_clean(counts))
        if lever.viability:
            doc.add_paragraph(_clean(lever.viability.get("message", "")))
            capacity = lever.viability.get("capacity") or {}
            if capacity.get("message"):
                p = doc.add_paragraph()
                p.add_run(CAPACITY).bold = True
                p.add_run(_clean(capacity["message"]))
    if lever.sample_clause:
        doc.add_paragraph().add_run(CLAUSE).bold = True
        quote = doc.add_paragraph(_clean(lever.sample_clause))
        quote.paragraph_format.left_indent = Pt(18)
        for run in quote.runs:
            run.italic = True


def _validity(row: dict) -> str:
    parts = []
    if row.get("valid_from"):
        parts.append(SINCE.format(date=french_date(date.fromisoformat(row["valid_from"]))))
    if row.get("valid_to"):
        parts.append(UNTIL.format(date=french_date(date.fromisoformat(row["valid_to"]))))
    return ", ".join(parts) or ALWAYS


def note_docx(purchase: Purchase, report: AdviceReport, *, directory_label: str, generated_on: date) -> bytes:
    """The note d'opportunité of ``report`` (computed for ``purchase``) as DOCX bytes.

    Sections: inputs, lever table (all levers), rationale and sample clause of each applicable
    lever with its eligible supplier counts and viability, insertion hours with parameters and
    sources, thresholds in force, data source and disclaimer. ``directory_label`` names the
    directory; pass ``DEMO_SOURCE`` for the demo one.
    """
    doc = Document()
    doc.add_heading(TITLE, level=0)
    doc.add_paragraph(GENERATED_ON.format(date=french_date(generated_on)))

    doc.add_heading(H_INPUTS, level=1)
    _table(doc, ("", ""), _inputs(purchase, report))

    doc.add_heading(H_LEVERS, level=1)
    rows = [
        (lv.title, YES if lv.applies else NO, YES if lv.mandatory else NO, ", ".join(lv.legal_refs), lv.confidence)
        for lv in report.levers
    ]
    _table(doc, LEVER_COLUMNS, rows)

    doc.add_heading(H_DETAILS, level=1)
    for lever in sorted((lv for lv in report.levers if lv.applies), key=lambda lv: not lv.mandatory):
        _lever_details(doc, lever)

    doc.add_heading(H_HOURS, level=1)
    hours = report.insertion_hours
    if hours is None:
        doc.add_paragraph(HOURS_NONE)
    else:
        doc.add_paragraph().add_run(HOURS_RESULT.format(hours=_hours_text(hours.hours))).bold = True
        doc.add_paragraph(
            HOURS_FORMULA.format(
                amount=_eur(hours.amount),
                share=_percent(hours.labour_share),
                rate=_percent(hours.rate),
                cost=_eur(hours.hourly_cost),
            )
        )
        for key, label in HOURS_SOURCES.items():
            if key in hours.sources:
                doc.add_paragraph(_clean(f"{label} : {hours.sources[key]}"), style="List Bullet")
        doc.add_paragraph(CONFIDENCE.format(confidence=hours.confidence))

    doc.add_heading(H_THRESHOLDS, level=1)
    _table(
        doc,
        THRESHOLD_COLUMNS,
        [
            (t["label"], _eur(t["value_eur"]), t["reference"], _validity(t), t["confidence"])
            for t in report.thresholds.values()
        ],
    )

    doc.add_heading(H_SOURCE, level=1)
    doc.add_paragraph(_clean(SOURCE.format(name=directory_label)))
    doc.add_paragraph(DISCLAIMER)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
