"""Every result of a search as the buyer's CSV or XLSX file, at any directory size.

A search of a national directory can find a million suppliers. Taking them all as one DataFrame of every
directory column, then building the file, held 2.4 GB more than the index and 3.9 GB at its peak for a CSV
of 999,000 results (docs/performance.md, "Exports of search results"): in the app, one process
holding the directory would have doubled. Here the file reads only the columns it shows
(`EXPORT_COLUMNS`) and, for a CSV, takes the rows `CHUNK_ROWS` at a time, each part written to the file
before the next is read.

Invariant (tested): the file holds the same bytes as `export_suppliers(search(index, query).results, fmt)`
for a CSV, and the same cells for an XLSX (whose metadata carries its creation time), whatever the
chunk size.
"""

from __future__ import annotations

import io
from dataclasses import replace
from typing import Literal

import numpy as np
import pandas as pd

from sourcing.exports import check_table_format
from sourcing.exports.tables import HEADERS, OPTIONAL, csv_bytes, supplier_table, table_to_xlsx
from sourcing.search import SearchIndex, SearchQuery, result_rows

# What the supplier table shows and the directory holds; `data_stale` is derived from `source_date`, the
# distance comes with the search.
EXPORT_COLUMNS: tuple[str, ...] = tuple(c for c in HEADERS if c not in OPTIONAL and c != "data_stale")
# Rows per part of a CSV: about 40 MB of DataFrame at a time, where the 999,000 rows at once held 1.8 GB.
CHUNK_ROWS = 100_000


def export_search(
    index: SearchIndex, query: SearchQuery, fmt: Literal["csv", "xlsx"], *, chunk_rows: int = CHUNK_ROWS
) -> bytes:
    """Every result of `query` (its limit ignored), in result order, as the supplier table's CSV or XLSX."""
    check_table_format(fmt)
    rows, distance = result_rows(index, replace(query, limit=None))
    if fmt == "xlsx":  # one table: the columns' widths are those of the longest cell of each
        return table_to_xlsx(supplier_table(_part(index, rows, distance)))
    out = io.BytesIO()
    out.write(csv_bytes(supplier_table(_part(index, rows[:chunk_rows], distance[:chunk_rows]))))
    for start in range(chunk_rows, len(rows), chunk_rows):
        part = supplier_table(_part(index, rows[start : start + chunk_rows], distance[start : start + chunk_rows]))
        out.write(csv_bytes(part, header=False))
    return out.getvalue()


def _part(index: SearchIndex, rows: np.ndarray, distance: np.ndarray) -> pd.DataFrame:
    frame = index.take(rows, EXPORT_COLUMNS)
    frame["distance_km"] = distance
    return frame
