"""The import report: what happened to every row of a file, as the CLI's JSON and as a table.

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
    rejected: list[dict] = field(default_factory=list)  # {line, reason}
    warnings: list[dict] = field(default_factory=list)  # {line, field, code, message}
    geocoded: dict[str, int] = field(default_factory=lambda: dict.fromkeys(GEO_PRECISIONS, 0))

    def to_dict(self) -> dict:
        """Every field by name, in declaration order (the values themselves, not copies)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def rows_frame(self) -> pd.DataFrame:
        """One line per rejection or warning, for display and download (French headers)."""
        rej = pd.DataFrame(self.rejected, columns=["line", "reason"])
        rej = rej.assign(niveau="rejetée", champ="", code="rejected").rename(columns={"reason": "message"})
        warn = pd.DataFrame(self.warnings, columns=["line", "field", "code", "message"])
        warn = warn.assign(niveau="avertissement").rename(columns={"field": "champ"})
        out = pd.concat([rej, warn], ignore_index=True)
        out = out.rename(columns={"line": "ligne"})[["ligne", "niveau", "champ", "code", "message"]]
        return out.sort_values(["ligne", "niveau"], kind="stable").reset_index(drop=True)


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
