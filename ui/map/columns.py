"""The columns of the map's results, as Arrow arrays: from a search's DataFrame or from the same rows as an
Arrow table (`sourcing.search.search_table`), the same values.

Safety rule: `escaped` is `html.escape(value, quote=True)` for a whole column; every text the marker
payload sends goes through it (`payload.markers`).
"""

from __future__ import annotations

import html
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# The results the map reads: a search's DataFrame, or the same rows as an Arrow table (`search_table`).
Results = pd.DataFrame | pa.Table
_MARKUP_BYTES: Final = np.zeros(256, dtype=bool)  # & < > " ' (`rows_with_markup`)
_MARKUP_BYTES[[ord(char) for char in "&<>\"'"]] = True


def is_text(data_type: pa.DataType) -> bool:
    """An Arrow string type (32- or 64-bit offsets)."""
    return pa.types.is_string(data_type) or pa.types.is_large_string(data_type)


def column(results: Results, name: str) -> pd.Series | pa.ChunkedArray:
    """Column ``name`` of either form, as it is."""
    return results[name] if isinstance(results, pd.DataFrame) else results.column(name)


def numbers(results: Results, name: str) -> np.ndarray:
    """Column ``name`` as floats, NaN where missing or not a number."""
    values = column(results, name)
    if isinstance(values, pa.ChunkedArray):
        if pa.types.is_floating(values.type) or pa.types.is_integer(values.type):
            return pc.fill_null(values.cast(pa.float64()), np.nan).to_numpy()
        values = values.to_pandas()
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def texts(results: Results, name: str) -> pa.Array:
    """Column ``name`` as trimmed strings, missing values as '' (`text`); an Arrow text column without
    pandas (the same Arrow trim `text` calls through pandas)."""
    if isinstance(results, pd.DataFrame):
        return arrow_text(results[name])
    values = results.column(name).combine_chunks()
    if is_text(values.type):
        return pc.utf8_trim_whitespace(pc.fill_null(values.cast(pa.string()), ""))
    return arrow_text(values.to_pandas())  # another type: as pandas reads it


def text(series: pd.Series) -> pd.Series:
    """Trimmed strings, missing values as ''."""
    return series.astype("string[pyarrow]").fillna("").str.strip()


def arrow_text(series: pd.Series) -> pa.Array:
    """`text(series)` as one Arrow string array."""
    values = pa.array(text(series), type=pa.string())
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def escaped(values: pd.Series | pa.Array) -> pa.Array:
    """`html.escape(value, quote=True)` for a whole column; missing -> ''.

    The rows holding one of `&<>"'` are found on the column's UTF-8 bytes at once (none of these bytes is
    ever part of another character), and only they go through `html.escape`: most columns (ids, SIRET,
    postal codes) hold none, a name column a tenth (a probe on 20,000 rows: 5-10 ms a column with five
    Arrow replacements, under 1 ms for those without markup)."""
    arr = values if isinstance(values, pa.Array | pa.ChunkedArray) else arrow_text(values)
    arr = pc.fill_null(arr, "").cast(pa.string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    rows = rows_with_markup(arr)
    if rows.size == 0:
        return arr
    mask = np.zeros(len(arr), dtype=bool)
    mask[rows] = True
    done = [html.escape(value, quote=True) for value in arr.take(pa.array(rows)).to_pylist()]
    return pc.replace_with_mask(arr, pa.array(mask), pa.array(done, type=pa.string()))


def rows_with_markup(arr: pa.StringArray) -> np.ndarray:
    """The rows (sorted, once each) of a string array without nulls that hold `&`, `<`, `>`, `"` or `'`."""
    _, offsets_buffer, data_buffer = arr.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int32)[arr.offset : arr.offset + len(arr) + 1]
    if data_buffer is None or len(offsets) < 2 or offsets[-1] == offsets[0]:
        return np.zeros(0, dtype=np.int64)
    data = np.frombuffer(data_buffer, dtype=np.uint8)[offsets[0] : offsets[-1]]
    positions = np.flatnonzero(_MARKUP_BYTES[data]) + offsets[0]
    return np.unique(np.searchsorted(offsets, positions, side="right") - 1)
