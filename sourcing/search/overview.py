"""What page « Annuaire » shows of a directory (its counts, its first rows, the rows its sources disagree
on), read from the directory's search index: a saved index gives them from its memory-mapped table, column
by column, where the page loaded the whole directory as a DataFrame (at 1,000,000 suppliers 10.9 s and
1.3 GB at the page's first run, docs/performance.md).

Invariant (tested): the same figures and rows as read from the whole directory, for an index saved with
its version and one built in memory.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sourcing.search.index import SearchIndex

LOCATED = ("address", "commune")  # precise enough for a distance search
# The columns of the page's table of suppliers.
TABLE_COLUMNS = ("id", "name", "kinds", "sectors", "postal_code", "city", "department", "siret", "geo_precision")


@dataclass(frozen=True)
class Overview:
    suppliers: int
    located_share: float  # located at the address or the commune (0 for an empty directory)
    siret_share: float | None  # with a SIRET (None for an empty directory)
    first_rows: pd.DataFrame  # the first rows, in the directory's order, `TABLE_COLUMNS`


def overview(index: SearchIndex, first: int) -> Overview:
    """The directory's counts and its first `first` rows."""
    n = len(index)
    if n == 0:
        return Overview(0, 0.0, None, index.take(np.arange(0), TABLE_COLUMNS))
    precision, siret = index.directory_column("geo_precision"), index.directory_column("siret")
    located = float(precision.isin(LOCATED).mean()) if precision is not None else 0.0
    with_siret = float(siret.notna().mean()) if siret is not None else 0.0
    return Overview(n, located, with_siret, index.take(np.arange(min(first, n)), TABLE_COLUMNS))


def rows_of(index: SearchIndex, ids: Iterable[str]) -> pd.DataFrame:
    """Every column of the directory's rows whose id is one of `ids`, in the directory's order."""
    column = index.directory_column("id")
    wanted = list(ids)
    rows = np.flatnonzero(column.isin(wanted).to_numpy()) if column is not None and wanted else np.arange(0)
    return index.take(rows)
