"""What the search page shows beside the result list, computed over ALL results (not only the shown
rows): counts by kind, by sector and by distance band; the row of the supplier whose card is open;
every column of a few shown results (the page takes only its grid's columns for its rows).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from sourcing.search.choices import sector_names
from sourcing.search.engine import search
from sourcing.search.flatlist import FlatList
from sourcing.search.geo import haversine_km
from sourcing.search.index import SearchIndex
from sourcing.search.query import SearchQuery, SearchResult

DISTANCE_BAND_EDGES_KM: tuple[float, ...] = (0, 10, 30, 60, 100, 200, np.inf)
TOP_SECTORS = 10


def _value_counts(values: Sequence[object], counts: Sequence[int], name: str) -> pd.Series:
    """What `Series(items, name=name).value_counts()` gives, from the distinct items in the order they
    first appear and their counts (pandas sorts those counts, stably, in decreasing order)."""
    if not len(values):  # the dtypes pandas gives an empty count
        return pd.Series(np.array([], dtype=object), name=name).value_counts()
    counted = pd.Series(np.asarray(counts, dtype=np.int64), index=pd.Index(list(values), name=name), name="count")
    return counted.sort_values(ascending=False, kind="stable")


def _sector_counts(values: Sequence[object], counts: Sequence[int], top: int) -> pd.Series:
    """The counts of `values` (sector ids, in first-appearance order) by sector label, the `top` most
    frequent: what `items.map(sector_names()).value_counts().head(top)` gives (unknown ids left out)."""
    names = sector_names()
    by_label: dict[str, int] = {}
    for value, count in zip(values, counts, strict=True):
        label = names.get(value) if isinstance(value, str) else None
        if label is not None:
            by_label[label] = by_label.get(label, 0) + int(count)
    if not by_label:  # nothing counted: the dtypes pandas gives the empty count of these (few) items
        items = pd.Series(list(values) if len(values) else np.array([], dtype=object), name="sectors")
        return items.map(names).value_counts().head(top)
    return _value_counts(list(by_label), list(by_label.values()), "sectors").head(top)


@dataclass(frozen=True)
class Facets:
    """Result counts: by kind code, by sector label (the most frequent first), by distance band
    (None without a place). Each a Series of counts indexed by the kind, sector or band."""

    kinds: pd.Series
    sectors: pd.Series
    bands: pd.Series | None


def facet_counts(
    index: SearchIndex,
    query: SearchQuery,
    band_labels: Sequence[str],
    top_sectors: int = TOP_SECTORS,
    lists: Mapping[str, FlatList] | None = None,
) -> Facets:
    """Counts over every result of ``query``; ``band_labels`` names the bands between consecutive
    `DISTANCE_BAND_EDGES_KM` ("0-10 km"…, the caller's wording), all shown even when empty. With
    ``lists`` (the index's "kinds" and "sectors" as `FlatList`), the same counts without taking
    those columns of every result."""
    if len(band_labels) != len(DISTANCE_BAND_EDGES_KM) - 1:
        raise ValueError(f"{len(DISTANCE_BAND_EDGES_KM) - 1} band labels expected, got {len(band_labels)}")
    columns = ("distance_km",) if lists is not None else ("kinds", "sectors", "distance_km")
    found = search(index, replace(query, limit=None, columns=columns))
    results = found.results
    if lists is not None:
        kinds = _value_counts(*lists["kinds"].counted(found.rows, len(index)), name="kinds")
        sectors = _sector_counts(*lists["sectors"].counted(found.rows, len(index)), top=top_sectors)
    else:
        kind_items, sector_items = results["kinds"].explode().dropna(), results["sectors"].explode().dropna()
        kinds = kind_items.value_counts()
        sectors = sector_items.map(sector_names()).value_counts().head(top_sectors)
    bands = None
    if query.near is not None:
        labels = list(band_labels)
        cut = pd.cut(results["distance_km"], list(DISTANCE_BAND_EDGES_KM), labels=labels, include_lowest=True)
        bands = cut.value_counts().reindex(labels, fill_value=0)
    return Facets(kinds, sectors, bands)


def supplier_row(
    index: SearchIndex, results: pd.DataFrame, supplier_id: str | None, near: tuple[float, float] | None
) -> pd.Series | None:
    """The row of supplier ``supplier_id``: from the shown ``results`` when there, else (a map marker
    beyond them) from the directory, with its ``distance_km`` from ``near`` (NaN without a place)."""
    if not supplier_id:
        return None
    rows = results[results["id"] == supplier_id]
    if len(rows):
        return rows.iloc[0]
    ids = index.directory_column("id")  # one column: a saved index never loads its whole directory for a card
    if ids is None:
        return None
    rows = index.take(np.flatnonzero(ids.to_numpy(dtype=object) == supplier_id))
    if not len(rows):
        return None
    row = rows.iloc[0].copy()
    row["distance_km"] = (
        float(haversine_km(np.array([row["lat"]]), np.array([row["lon"]]), *near)[0]) if near else np.nan
    )
    return row


def full_rows(index: SearchIndex, found: SearchResult, ids: Sequence[str]) -> pd.DataFrame:
    """The shown results whose id is in ``ids`` (in the results' order), with every column of the
    directory and their ``distance_km`` and ``match_reason``, when ``found`` holds only some columns:
    at a million suppliers the 2,000 shown rows with all columns cost 0.3 to 1.2 s to read (rows spread
    over the whole stored table), their grid's columns 0.1 s, a checked row or the open card's a few ms."""
    positions = np.flatnonzero(found.results["id"].astype(str).isin(list(ids)).to_numpy())
    if not len(positions):  # none checked, no card open: nothing to read (an empty table costs ms per column)
        return found.results.iloc[:0]
    rows = index.take(found.rows[positions])
    for name in ("distance_km", "match_reason"):
        rows[name] = found.results[name].to_numpy()[positions]
    return rows
