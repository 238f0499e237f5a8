"""Downloadable files for buyers: supplier tables (CSV, XLSX), meeting calendars (ICS),
meeting documents (DOCX, PDF). Pure functions returning bytes; no Streamlit here.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from sourcing.exports.calendar import meeting_ics
from sourcing.exports.documents import meeting_pack_docx, meeting_pack_pdf
from sourcing.exports.tables import supplier_table, to_csv, to_xlsx
from sourcing.schedule import MeetingPlan, build_schedule

Format = Literal["csv", "xlsx", "ics", "docx", "pdf"]

MIME: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ics": "text/calendar; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
EXTENSIONS: dict[str, str] = {fmt: f".{fmt}" for fmt in MIME}


def export_suppliers(frame: pd.DataFrame, fmt: Literal["csv", "xlsx"]) -> bytes:
    """Supplier rows as a CSV (French Excel) or XLSX table with French headers."""
    if fmt == "csv":
        return to_csv(frame)
    if fmt == "xlsx":
        return to_xlsx(frame)
    raise ValueError(f"Format d'export inconnu pour un annuaire : « {fmt} » (attendu : csv ou xlsx).")


def export_shortlist(entries_frame: pd.DataFrame, fmt: Format, meeting: MeetingPlan | None = None) -> bytes:
    """A shortlist (supplier columns plus `status` and `notes`) as a table (csv, xlsx) or, with
    a `meeting`, as its calendar (ics) or meeting pack (docx, pdf). Slots follow the shortlist's
    order ("given"): the buyer has already arranged it."""
    if fmt in ("csv", "xlsx"):
        return export_suppliers(entries_frame, fmt)  # type: ignore[arg-type]
    if fmt not in MIME:
        raise ValueError(f"Format d'export inconnu : « {fmt} » (attendu : csv, xlsx, ics, docx ou pdf).")
    if meeting is None:
        raise ValueError("Renseignez la rencontre (titre, date, lieu, durée des créneaux) pour cet export.")
    slots = build_schedule(meeting, entries_frame, order="given")
    if fmt == "ics":
        return meeting_ics(meeting, slots)
    if fmt == "docx":
        return meeting_pack_docx(meeting, slots, entries_frame)
    return meeting_pack_pdf(meeting, slots, entries_frame)


__all__ = [
    "EXTENSIONS",
    "MIME",
    "Format",
    "export_shortlist",
    "export_suppliers",
    "supplier_table",
    "to_csv",
    "to_xlsx",
]
