"""Exports for French Excel users, safe against formula injection.

Safety rule: any cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is
prefixed with an apostrophe, so that Excel or LibreOffice shows it as text instead of
evaluating it (OWASP "CSV injection"). Applied to every exported text cell.
"""

from __future__ import annotations

import pandas as pd

_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """The value, with a leading apostrophe if it is text that a spreadsheet would evaluate."""
    if isinstance(value, str) and value.startswith(_DANGEROUS_START):
        return "'" + value
    return value


def _formula_mask(series: pd.Series) -> pd.Series:
    """True where the cell is text starting with a dangerous character."""
    try:
        # Non-text cells (lists, numbers, missing) give NA here, hence na=False.
        return series.str.startswith(_DANGEROUS_START, na=False).astype(bool)
    except AttributeError:  # object column holding no text at all (booleans, lists only...)
        return pd.Series(False, index=series.index)


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with every text cell neutralised (see `neutralise_cell`).

    Vectorised: one `str.startswith` per column, so a million rows cost milliseconds."""
    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if series.dtype == object or pd.api.types.is_string_dtype(series):
            mask = _formula_mask(series)
            if mask.any():
                fixed = series.copy()
                fixed.loc[mask.to_numpy()] = "'" + series.loc[mask.to_numpy()].astype(str)
                out[col] = fixed
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV for French Excel: `;` separator, decimal comma, UTF-8 with BOM, CRLF, formulas neutralised."""
    # CRLF line ends (what Excel writes) also make the csv module quote cells holding a bare CR.
    # Decimal comma: French Excel reads "12.5" as text (or a date), "12,5" as a number.
    text = neutralise_frame(frame).to_csv(sep=";", index=False, lineterminator="\r\n", decimal=",")
    return text.encode("utf-8-sig")
