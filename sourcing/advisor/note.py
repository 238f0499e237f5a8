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
from sourcing.advisor import note_texts as T
from sourcing.advisor.coverage import NOT_COVERED_LABEL
from sourcing.advisor.cpv import cpv_label
from sourcing.advisor.engine import AdviceReport, LeverAdvice
from sourcing.advisor.hours import InsertionHours
from sourcing.advisor.note_texts import DEMO_SOURCE
from sourcing.advisor.purchase import Purchase
from sourcing.advisor.thresholds import BUYER_LABELS, CATEGORY_ASKED, TO_CONFIRM, validity_text
from sourcing.exports.blocks import french_docx_setup
from sourcing.frenchfmt import format_eur, french_date, french_number, percent

DOCX_MIME: Final[str] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# XML 1.0 forbids these characters; python-docx would refuse them.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: object) -> str:
    """Plain text safe for a Word run: XML-invalid control characters removed."""
    return _XML_INVALID.sub("", str(text))


def _capitalised(label: str) -> str:
    """A label as a table value: « Commune », never the code « commune »."""
    return label[:1].upper() + label[1:]


def _inputs(purchase: Purchase, report: AdviceReport) -> list[tuple[str, str]]:
    sectors = ", ".join(taxonomy.sector_label(s) or s for s in (purchase.sectors or report.sectors))
    place = T.NONE_GIVEN
    if purchase.place:
        place = (
            T.RADIUS.format(place=purchase.place, radius=f"{purchase.radius_km:g}")
            if purchase.radius_km is not None
            else purchase.place
        )
    values = {
        "need": purchase.need or T.NONE_GIVEN,
        "nature": T.NATURES.get(purchase.nature, purchase.nature),
        "amount": format_eur(purchase.amount_eur),
        "duration": T.MONTHS.format(n=f"{purchase.duration_months:g}"),
        "buyer": _capitalised(BUYER_LABELS.get(purchase.buyer_type, purchase.buyer_type)),
        "cpv": ", ".join(f"{c} ({cpv_label(c) or '?'})" for c in purchase.cpv) or T.NONE_GIVEN,
        "sectors": sectors or T.NONE_GIVEN,
        "place": place,
        "area": report.area.get("description", T.NONE_GIVEN),
        "date": french_date(purchase.date),
        "lots": str(purchase.lots),
        "framework": T.FRAMEWORK[purchase.framework],
        "defence": T.APPLIES[purchase.defence_contract],
        "central": T.CENTRAL[purchase.central_authority]
        if purchase.buyer_type in CATEGORY_ASKED
        else T.CENTRAL_NOT_ASKED,
    }
    return [(T.INPUT_LABELS[k], values[k]) for k in T.INPUT_LABELS]


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
    p.add_run(T.RATIONALE).bold = True
    p.add_run(_clean(lever.rationale))
    if lever.confidence == TO_CONFIRM:
        doc.add_paragraph(T.CONFIDENCE.format(confidence=TO_CONFIRM))
    if lever.eligible_suppliers is not None:
        missing = (lever.viability or {}).get("not_covered", ())
        counts = ", ".join(
            f"{T.FAMILY_LABELS.get(f, f)} : {NOT_COVERED_LABEL if f in missing else french_number(n)}"
            for f, n in lever.eligible_suppliers.items()
        )
        p = doc.add_paragraph()
        p.add_run(T.SUPPLIERS).bold = True
        p.add_run(_clean(counts))
        if lever.viability:
            doc.add_paragraph(_clean(lever.viability.get("message", "")))
            capacity = lever.viability.get("capacity") or {}
            if capacity.get("message"):
                p = doc.add_paragraph()
                p.add_run(T.CAPACITY).bold = True
                p.add_run(_clean(capacity["message"]))
    if lever.sample_clause:
        doc.add_paragraph().add_run(T.CLAUSE).bold = True
        quote = doc.add_paragraph(_clean(lever.sample_clause))
        quote.paragraph_format.left_indent = Pt(18)
        for run in quote.runs:
            run.italic = True


def _hours_section(doc, hours: InsertionHours | None) -> None:
    if hours is None:
        doc.add_paragraph(T.HOURS_NONE)
        return
    doc.add_paragraph().add_run(T.HOURS_RESULT.format(hours=french_number(hours.hours))).bold = True
    formula = T.HOURS_FORMULA.format(
        amount=format_eur(hours.amount),
        share=percent(hours.labour_share),
        rate=percent(hours.rate),
        cost=format_eur(hours.hourly_cost),
    )
    doc.add_paragraph(formula)
    for key, label in T.HOURS_SOURCES.items():
        if key in hours.sources:
            doc.add_paragraph(_clean(f"{label} : {hours.sources[key]}"), style="List Bullet")
    doc.add_paragraph(T.CONFIDENCE.format(confidence=hours.confidence))


def _threshold_row(row: dict) -> tuple[str, ...]:
    validity = validity_text(row, since=T.SINCE, until=T.UNTIL, always=T.ALWAYS)
    return (row["label"], format_eur(row["value_eur"]), row["reference"], validity, row["confidence"])


def note_docx(
    purchase: Purchase,
    report: AdviceReport,
    *,
    directory_label: str = DEMO_SOURCE,
    generated_on: date,
    author: str | None = None,
) -> bytes:
    """The note d'opportunité of ``report`` (computed for ``purchase``) as DOCX bytes.

    Sections: inputs, points to check (cautions), lever table (all levers), rationale and sample clause
    of each applicable lever with its eligible supplier counts and viability, insertion hours with
    parameters and sources, thresholds in force, data source and disclaimer. ``directory_label`` names the
    directory (by default, the demo one); ``author`` the buyer's organisation (by default, the product).
    Page: A4, 2.5 cm margins.
    """
    doc = Document()
    french_docx_setup(doc, T.TITLE, author)
    doc.add_heading(T.TITLE, level=0)
    doc.add_paragraph(T.GENERATED_ON.format(date=french_date(generated_on)))

    doc.add_heading(T.H_INPUTS, level=1)
    _table(doc, ("", ""), _inputs(purchase, report))

    if report.cautions:
        doc.add_heading(T.H_CAUTIONS, level=1)
        for caution in report.cautions:
            doc.add_paragraph(_clean(caution.message), style="List Bullet")

    doc.add_heading(T.H_LEVERS, level=1)
    rows = [
        (lv.title, T.APPLIES[lv.applies], T.APPLIES[lv.mandatory], ", ".join(lv.legal_refs), lv.confidence)
        for lv in report.levers
    ]
    _table(doc, T.LEVER_COLUMNS, rows)

    doc.add_heading(T.H_DETAILS, level=1)
    for lever in sorted((lv for lv in report.levers if lv.applies), key=lambda lv: not lv.mandatory):
        _lever_details(doc, lever)

    doc.add_heading(T.H_HOURS, level=1)
    _hours_section(doc, report.insertion_hours)

    doc.add_heading(T.H_THRESHOLDS, level=1)
    _table(doc, T.THRESHOLD_COLUMNS, [_threshold_row(t) for t in report.thresholds.values()])

    doc.add_heading(T.H_SOURCE, level=1)
    doc.add_paragraph(_clean(T.SOURCE.format(name=directory_label)))
    doc.add_paragraph(T.DISCLAIMER)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
