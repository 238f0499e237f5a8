"""Downloadable files for buyers: supplier tables (CSV, XLSX), meeting calendars (ICS),
meeting documents (DOCX, PDF). Pure functions returning bytes; no Streamlit here.

Every kind of file is declared once, in `sourcing.exports.registry`.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from sourcing.exports.registry import (
    BRIEFS,
    EXTENSIONS,
    MEETING_FILES,
    MIME,
    SHORTLIST_EXPORTS,
    TABLES,
    Export,
    Selection,
    shortlist_file_name,
    slug,
)
from sourcing.exports.tables import csv_bytes, neutralise_cell, neutralise_frame, supplier_table, to_csv, to_xlsx
from sourcing.frenchfmt import or_list
from sourcing.schedule import MeetingPlan

Format = Literal["csv", "xlsx", "ics", "docx", "pdf"]


def check_table_format(fmt: str) -> None:
    """ValueError in French unless `fmt` is a supplier table's format (`TABLES`)."""
    if fmt not in TABLES:
        raise ValueError(f"Format d'export inconnu pour un annuaire : « {fmt} » (attendu : {or_list(list(TABLES))}).")


def export_suppliers(frame: pd.DataFrame, fmt: Literal["csv", "xlsx"]) -> bytes:
    """Supplier rows as a CSV (French Excel) or XLSX table with French headers."""
    check_table_format(fmt)
    return TABLES[fmt].build(Selection(frame))


def export_shortlist(entries_frame: pd.DataFrame, fmt: Format, meeting: MeetingPlan | None = None) -> bytes:
    """A shortlist (supplier columns plus `status` and `notes`) as a table (csv, xlsx) or, with
    a `meeting`, as its calendar (ics) or meeting pack (docx, pdf). Slots follow the shortlist's
    order ("given"): the buyer has already arranged it."""
    if fmt not in SHORTLIST_EXPORTS:
        raise ValueError(f"Format d'export inconnu : « {fmt} » (attendu : {or_list(list(SHORTLIST_EXPORTS))}).")
    return SHORTLIST_EXPORTS[fmt].build(Selection(entries_frame, meeting))


__all__ = [
    "BRIEFS",
    "EXTENSIONS",
    "MEETING_FILES",
    "MIME",
    "SHORTLIST_EXPORTS",
    "TABLES",
    "Export",
    "Format",
    "Selection",
    "check_table_format",
    "csv_bytes",
    "export_shortlist",
    "export_suppliers",
    "neutralise_cell",
    "neutralise_frame",
    "shortlist_file_name",
    "slug",
    "supplier_table",
    "to_csv",
    "to_xlsx",
]
