"""A list column of the directory (kinds, sectors) flattened once into arrays, for counting its values
over any set of rows without a Python list per row (`FlatList`). The search page's charts count kinds
and sectors over every result (`sourcing.search.facets`); a saved index keeps both flattened beside its
arrays (`sourcing.search.stored`), so a new process reads them instead of flattening a million lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np

if TYPE_CHECKING:
    from sourcing.search.index import SearchIndex

# The list columns the search page's charts count over every result (the saved index keeps them flattened).
CHART_LISTS: Final = ("kinds", "sectors")


@dataclass(frozen=True)
class FlatList:
    """A list column of the directory (kinds, sectors) flattened once: each item's row (rows in order,
    then each list's order) and its value. Counting a search's items then needs no Python list per row
    (at a million suppliers, taking them from the stored table and exploding them took 20 s)."""

    rows: np.ndarray  # row of each item, non-decreasing
    codes: np.ndarray  # each item's position in `values`
    values: np.ndarray  # the distinct values (objects)

    @classmethod
    def of_arrow(cls, column) -> FlatList:
        """From an Arrow list column (null lists and null items are left out, as `dropna` does), chunk
        by chunk as the stored table holds it: the items are encoded where they lie (one dictionary
        for all chunks), never copied (at a million suppliers, combining the chunks and filtering the
        strings held 460 MB more at once, beside the fresh page the warm-up has just made)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        chunked = column if isinstance(column, pa.ChunkedArray) else pa.chunked_array([column])
        if pa.types.is_null(chunked.type):  # nothing but missing lists (an empty directory's column)
            empty = np.zeros(0, dtype=np.int64)
            return cls(rows=empty, codes=empty.copy(), values=np.array([], dtype=object))
        lengths = pc.fill_null(pc.list_value_length(chunked), 0).to_numpy()
        item_rows = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
        encoded = pc.dictionary_encode(pc.list_flatten(chunked)).unify_dictionaries()
        indices = [chunk.indices.fill_null(-1).to_numpy() for chunk in encoded.chunks]
        codes = np.concatenate(indices).astype(np.int64) if indices else np.zeros(0, dtype=np.int64)
        valid = codes >= 0
        dictionary = encoded.chunk(0).dictionary.to_pylist() if encoded.num_chunks else []
        return cls(rows=item_rows[valid], codes=codes[valid], values=np.array(dictionary, dtype=object))

    def counted(self, rows: np.ndarray, n_rows: int) -> tuple[list[object], np.ndarray]:
        """The distinct values among the items of `rows` (positions among `n_rows`, in the results'
        order), in the order they first appear (rows in the order `rows` gives, then each list's order),
        and how often each appears: what `value_counts` finds in `take(rows)[column].explode().dropna()`
        before it sorts. Counted on the values' codes, with no string per item (at a million suppliers
        the search page's charts took 1.7 s with one, 0.2 s now)."""
        position = np.full(n_rows, -1, dtype=np.int64)
        position[rows] = np.arange(len(rows))
        item_position = position[self.rows]
        kept = np.flatnonzero(item_position >= 0)
        codes = self.codes[kept]
        counts = np.bincount(codes, minlength=len(self.values))
        # An item's place in that order: its row's place in `rows`, then its own index (a row's items are
        # consecutive, in list order); each value is placed where it first appears.
        first = np.full(len(self.values), np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(first, codes, item_position[kept] * max(len(self.rows), 1) + kept)
        present = np.flatnonzero(counts)
        order = present[np.argsort(first[present], kind="stable")]
        return self.values[order].tolist(), counts[order]


def saved_or_flattened(index: SearchIndex, names: Sequence[str] = CHART_LISTS) -> dict[str, FlatList] | None:
    """The list columns ``names`` of a saved index flattened: as the
    index keeps them (read from its folder, nothing computed), else flattened now from its mapped table (an index saved
    before they were kept: 0.7-0.85 s at 1,000,000 suppliers); None for an index built in memory, whose
    counts then take the results' rows."""
    lists: dict[str, FlatList] = {}
    for name in names:
        flat = index.flat_list(name)
        if flat is None:
            column = index.arrow_column(name)
            if column is None:
                return None
            flat = FlatList.of_arrow(column)
        lists[name] = flat
    return lists
