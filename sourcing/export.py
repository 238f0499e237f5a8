"""Exports for French Excel users, safe against formula injection.

Safety rule: any cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is
prefixed with an apostrophe, so that Excel or LibreOffice shows it as text instead of
evaluating it (OWASP "CSV injection"). Applied to every exported text cell.
"""

from __future__ import annotations

import pandas as pd

_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_DANGEROUS_START):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise_cell)
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV for French Excel: `;` separator, UTF-8 with BOM, formulas neutralised."""
    # CRLF line ends (what Excel writes) also make the csv module quote cells holding a bare CR.
    return neutralise_frame(frame).to_csv(sep=";", index=False, lineterminator="\r\n").encode("utf-8-sig")
