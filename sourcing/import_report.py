"""The import report: what happened to every row of a file, as the CLI's JSON and as a table.

Rows are numbered as a buyer finds them: the row a spreadsheet shows (Excel, LibreOffice) for CSV and
XLSX, the record number for JSON (``line_unit``); when a CSV record does not start on the physical
line of that number (a cell with line breaks above it), the physical line is given too (``file_line``).

`RowWarnings` collects the normaliser's warnings column-wise (one block per check) so that a
100,000-row file with many warnings costs one concat, not one dict per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import pandas as pd

from sourcing.model import GEO_PRECISIONS


@dataclass
class ImportReport:
    """What happened to every row of a file. Serialisable as the CLI's JSON."""

    filename: str = ""
    format: str = ""
    format_label: str = ""
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    suppliers: int = 0
    duplicates: int = 0
    rejected: list[dict] = field(default_factory=list)  # {line, reason[, file_line]}
    warnings: list[dict] = field(default_factory=list)  # {line, field, code, message[, file_line]}
    geocoded: dict[str, int] = field(default_factory=lambda: dict.fromkeys(GEO_PRECISIONS, 0))
    line_unit: str = "ligne"  # what `line` counts: "ligne" (a spreadsheet row) or "enregistrement" (JSON)

    def to_dict(self) -> dict:
        """Every field by name, in declaration order (the values themselves, not copies)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def where(self, item: dict) -> str:
        """Where a rejected or warned row is, in French: "ligne 5 (ligne 7 du fichier)", "enregistrement n° 3"."""
        return where_text(self.line_unit, item["line"], item.get("file_line"))

    def line_column(self) -> str:
        """The header of the row number column: « ligne » or « enregistrement n° »."""
        return "enregistrement n°" if self.line_unit == "enregistrement" else "ligne"

    def rows_frame(self) -> pd.DataFrame:
        """One line per rejection or warning, for display and download (French headers); a column
        « ligne dans le fichier » when some rows do not start on the file's line of their number."""
        rej = pd.DataFrame(self.rejected, columns=["line", "file_line", "reason"])
        rej = rej.assign(niveau="rejetée", champ="", code="rejected").rename(columns={"reason": "message"})
        warn = pd.DataFrame(self.warnings, columns=["line", "file_line", "field", "code", "message"])
        warn = warn.assign(niveau="avertissement").rename(columns={"field": "champ"})
        out = pd.concat([rej, warn], ignore_index=True)
        out = out.sort_values(["line", "niveau"], kind="stable").reset_index(drop=True)
        number = self.line_column()
        out = out.rename(columns={"line": number, "file_line": FILE_LINE_COLUMN})
        columns = [number, FILE_LINE_COLUMN, "niveau", "champ", "code", "message"]
        if out[FILE_LINE_COLUMN].notna().any():
            out[FILE_LINE_COLUMN] = out[FILE_LINE_COLUMN].astype("Int64")
        else:
            columns.remove(FILE_LINE_COLUMN)
        return out[columns]

    def add_file_lines(self, file_lines: dict[int, int]) -> None:
        """Give each rejected or warned row the physical line where it starts, where it differs."""
        if not file_lines:
            return
        for item in (*self.rejected, *self.warnings):
            physical = file_lines.get(int(item["line"]))
            if physical is not None:
                item["file_line"] = physical


FILE_LINE_COLUMN = "ligne dans le fichier"


def where_text(unit: str, line: int, file_line: int | None = None) -> str:
    """« ligne 5 », « ligne 5 (ligne 7 du fichier) » or « enregistrement n° 3 »."""
    if unit == "enregistrement":
        return f"enregistrement n° {line}"
    if file_line is not None and file_line != line:
        return f"ligne {line} (ligne {file_line} du fichier)"
    return f"ligne {line}"


class RowWarnings:
    """Collects warnings column-wise: one (lines, field, code, messages) block per check."""

    def __init__(self) -> None:
        self.blocks: list[pd.DataFrame] = []

    def add(self, lines: pd.Series, field_name: str, code: str, message: str | pd.Series) -> None:
        if len(lines) == 0:
            return
        self.blocks.append(
            pd.DataFrame({"line": lines.to_numpy(), "field": field_name, "code": code, "message": message})
        )

    def records(self) -> list[dict]:
        if not self.blocks:
            return []
        frame = pd.concat(self.blocks, ignore_index=True).sort_values("line", kind="stable")
        frame["line"] = frame["line"].astype(int)
        return frame.to_dict("records")
