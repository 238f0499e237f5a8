"""The views of an analysed programme as tables with French headers: what the page shows, the
workbook's sheets and the summary for the elected officials all read these.

- `lines_table`: one row per line (levers, eligible suppliers by family, hours, opportunities);
- `levers_table`: totals by lever (lines, amount, share of the programme);
- `priorities_table`: the lines to prioritise (amount weighted by what the line allows);
- `suppliers_table`: the suppliers to meet, those who could answer the most lines first;
- `line_levers` / `line_suppliers`: the drill-down of one line;
- `report_table`: the row report (rejections and warnings, with their lines).
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from sourcing import taxonomy
from sourcing.advisor.thresholds import NATURE_TITLES
from sourcing.frenchfmt import french_date
from sourcing.plan.analysis import RESERVATIONS, SOCIAL_LEVERS, VIABLE, LineAnalysis, PlanAnalysis
from sourcing.plan.programme import RowReport

AMOUNT: Final[str] = "Montant estimé (€ HT)"
HOURS: Final[str] = "Heures d'insertion"
SHARE: Final[str] = "Part du programme (%)"
# Number columns of every view (the workbook writes them as numbers).
NUMBERS: Final[frozenset[str]] = frozenset({
    AMOUNT, HOURS, SHARE, "Ligne", "Lignes", "Durée (mois)", "Handicap", "Insertion", "ESS",
    "Structures éligibles", "dont obligatoire", "dont structures en nombre suffisant", "Montant concerné (€ HT)",
    "Lignes concernées",
    "Montant des lignes (€ HT)", "Distance (km)", "Priorité", "Rang",
})  # fmt: skip
FAMILY_LABELS: Final[dict[str, str]] = {"handicap": "Handicap", "insertion": "Insertion", "ess": "ESS"}
YES, NO = "oui", "non"
# What the suppliers view shows of each supplier.
SUPPLIER_COLUMNS: Final[tuple[str, ...]] = ("siret", "name", "kinds", "city", "postal_code", "email", "phone")
LINE_COLUMNS: Final[list[str]] = [
    "Ligne", "Référence", "Objet", "Nature", "CPV", AMOUNT, "Durée (mois)", "Date prévue", "Lieu retenu", "Secteurs",
    "Leviers applicables", "Articles", *FAMILY_LABELS.values(), "Structures éligibles", HOURS, "Opportunités",
    "Considération sociale possible", "Rang", "Avertissements",
]  # fmt: skip


def _sectors(line: LineAnalysis) -> str:
    return ", ".join(taxonomy.sector_label(s) or s for s in line.sectors)


def _line_row(line: LineAnalysis, rank: int | None) -> dict:
    plan = line.line
    applicable = line.applicable
    return {
        "Ligne": plan.line,
        "Référence": plan.reference,
        "Objet": plan.need,
        "Nature": NATURE_TITLES.get(plan.nature, plan.nature) + (" (déduite)" if plan.nature_guessed else ""),
        "CPV": plan.cpv or "",
        AMOUNT: plan.amount_eur,
        "Durée (mois)": plan.duration_months,
        "Date prévue": french_date(plan.consultation_date),
        "Lieu retenu": line.place or "toute la France",
        "Secteurs": _sectors(line),
        "Leviers applicables": " ; ".join(lv.title + (" (obligatoire)" if lv.mandatory else "") for lv in applicable),
        "Articles": " ; ".join(dict.fromkeys(ref for lv in applicable for ref in lv.legal_refs)),
        **{label: line.families.get(family, 0) for family, label in FAMILY_LABELS.items()},
        "Structures éligibles": line.supplier_total,
        HOURS: round(line.hours, 1) if line.hours is not None else np.nan,
        "Opportunités": " ; ".join(line.opportunities),
        "Considération sociale possible": YES if line.social else NO,
        "Rang": rank if rank is not None else np.nan,
        "Avertissements": " ; ".join(plan.warnings + line.warnings),
    }


def ranks(analysis: PlanAnalysis) -> dict[int, int]:
    """File line -> rank among the lines to prioritise (1 = first); lines with no lever are left out."""
    ordered = sorted((a for a in analysis.lines if a.priority > 0), key=lambda a: (-a.priority, a.line.line))
    return {a.line.line: i for i, a in enumerate(ordered, start=1)}


def lines_table(analysis: PlanAnalysis) -> pd.DataFrame:
    rank = ranks(analysis)
    return pd.DataFrame([_line_row(a, rank.get(a.line.line)) for a in analysis.lines], columns=LINE_COLUMNS)


def levers_table(analysis: PlanAnalysis) -> pd.DataFrame:
    """Totals by lever, in the advisor's order: how many lines it opens, on what amount."""
    total = analysis.total_amount
    rows = []
    levers = analysis.lines[0].report.levers if analysis.lines else []
    for position, lever in enumerate(levers):
        applying = [a for a in analysis.lines if a.report.levers[position].applies]
        amount = sum(a.line.amount_eur for a in applying)
        rows.append({
            "Levier": lever.title,
            "Articles": ", ".join(lever.legal_refs),
            "En vigueur depuis": french_date(lever.valid_from) if lever.valid_from else "",
            "Lignes": len(applying),
            "dont obligatoire": sum(a.report.levers[position].mandatory for a in applying),
            "dont structures en nombre suffisant": sum(
                (a.report.levers[position].viability or {}).get("level") in VIABLE for a in applying
            ) if lever.id in RESERVATIONS else np.nan,
            "Montant concerné (€ HT)": amount,
            SHARE: round(100 * amount / total, 1) if total else 0.0,
            "Considération sociale": YES if lever.id in SOCIAL_LEVERS else NO,
        })  # fmt: skip
    return pd.DataFrame(rows)


def priorities_table(analysis: PlanAnalysis, limit: int = 15) -> pd.DataFrame:
    """The lines to prioritise: the largest amounts where a reservation, then a clause, is possible."""
    table = lines_table(analysis)
    table = table[table["Rang"].notna()].sort_values("Rang").head(limit)
    return table[["Rang", "Ligne", "Référence", "Objet", AMOUNT, "Date prévue", "Opportunités", "Structures éligibles"]]


def suppliers_table(analysis: PlanAnalysis, limit: int = 50) -> pd.DataFrame:
    """The suppliers to meet: eligible near the most lines, then for the largest amount."""
    lines_of: dict[int, list[LineAnalysis]] = {}
    for a in analysis.lines:
        for row in a.supplier_rows.tolist():
            lines_of.setdefault(row, []).append(a)
    ordered = sorted(lines_of.items(), key=lambda kv: (-len(kv[1]), -sum(a.line.amount_eur for a in kv[1]), kv[0]))
    ordered = ordered[:limit]
    # The rows taken from the index (a saved one reads them from its table, never the whole directory).
    picked = analysis.index.take(np.array([row for row, _ in ordered], dtype=np.int64), SUPPLIER_COLUMNS)
    keep = [c for c in SUPPLIER_COLUMNS if c in picked.columns]
    table = pd.DataFrame({
        "Raison sociale": picked["name"].tolist() if "name" in keep else [],
        "SIRET": picked["siret"].tolist() if "siret" in keep else [],
        "Types": [", ".join(k) if isinstance(k, (list, tuple, np.ndarray)) else str(k or "")
                  for k in (picked["kinds"] if "kinds" in keep else [])],
        "Commune": picked["city"].tolist() if "city" in keep else [],
        "Lignes concernées": [len(lines) for _, lines in ordered],
        "Montant des lignes (€ HT)": [sum(a.line.amount_eur for a in lines) for _, lines in ordered],
        "Objets": [" ; ".join(dict.fromkeys(a.line.need for a in lines[:5])) for _, lines in ordered],
        "Courriel": picked["email"].tolist() if "email" in keep else [],
        "Téléphone": picked["phone"].tolist() if "phone" in keep else [],
    })  # fmt: skip
    return table


def line_levers(line: LineAnalysis) -> pd.DataFrame:
    """The drill-down of one line: every lever, applicable ones first, with its articles and dates."""
    levers = sorted(line.report.levers, key=lambda lv: (not lv.applies, not lv.mandatory))
    return pd.DataFrame([{
        "Levier": lv.title,
        "S'applique": YES if lv.applies else NO,
        "Obligatoire": YES if lv.mandatory else NO,
        "Articles": ", ".join(lv.legal_refs),
        "En vigueur depuis": french_date(lv.valid_from) if lv.valid_from else "",
        "Jusqu'au": french_date(lv.valid_to) if lv.valid_to else "",
        "Justification": lv.rationale,
    } for lv in levers])  # fmt: skip


def line_suppliers(analysis: PlanAnalysis, line: LineAnalysis) -> pd.DataFrame:
    """The eligible suppliers of one line as directory rows (all columns), nearest first."""
    return analysis.index.take(np.asarray(line.supplier_rows, dtype=np.int64))


def report_table(report: RowReport) -> pd.DataFrame:
    rows = [{"Ligne": r["line"], "Statut": "rejetée", "Motif": r["reason"]} for r in report.rejected]
    rows += [
        {"Ligne": w["line"], "Statut": "analysée avec avertissement", "Motif": w["message"]} for w in report.warnings
    ]
    table = pd.DataFrame(rows, columns=["Ligne", "Statut", "Motif"])
    return table.sort_values(["Ligne", "Statut"], kind="stable").reset_index(drop=True)


def summary_table(analysis: PlanAnalysis) -> pd.DataFrame:
    """The programme in a few figures (the first sheet of the workbook)."""
    report = analysis.report
    hours = sum(a.hours or 0 for a in analysis.lines if any(lv.applies and lv.id == "clause-insertion"
                                                             for lv in a.report.levers))  # fmt: skip
    figures = [
        ("Lignes lues", report.rows_read),
        ("Lignes analysées", report.analysed),
        ("Lignes rejetées", len(report.rejected)),
        ("Montant total analysé (€ HT)", round(analysis.total_amount, 2)),
        ("Montant pouvant porter une considération sociale (€ HT)", round(analysis.social_amount, 2)),
        ("Part du montant pouvant porter une considération sociale (%)", round(100 * analysis.social_share, 1)),
        ("Lignes où un marché ou un lot réservé est envisageable",
         sum(1 for a in analysis.lines if any("réservable" in o for o in a.opportunities))),
        ("Heures d'insertion possibles (lignes avec clause d'insertion)", round(hours, 1)),
    ]  # fmt: skip
    return pd.DataFrame({"Indicateur": [f for f, _ in figures], "Valeur": [v for _, v in figures]})
