"""What the search page shows beside the result list, computed over ALL results (not only the shown
rows): counts by kind, by sector and by distance band; and the row of the supplier whose card is open.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from sourcing.search.choices import sector_names
from sourcing.search.engine import search
from sourcing.search.geo import haversine_km
from sourcing.search.index import SearchIndex
from sourcing.search.query import SearchQuery

DISTANCE_BAND_EDGES_KM: tuple[float, ...] = (0, 10, 30, 60, 100, 200, np.inf)
TOP_SECTORS = 10


@dataclass(frozen=True)
class Facets:
    """Result counts: by kind code, by sector label (the most frequent first), by distance band
    (None without a place). Each a Series of counts indexed by the kind, sector or band."""

    kinds: pd.Series
    sectors: pd.Series
    bands: pd.Series | None


def facet_counts(
    index: SearchIndex, query: SearchQuery, band_labels: Sequence[str], top_sectors: int = TOP_SECTORS
) -> Facets:
    """Counts over every result of ``query``; ``band_labels`` names the bands between consecutive
    `DISTANCE_BAND_EDGES_KM` ("0-10 km"…, the caller's wording), all shown even when empty."""
    if len(band_labels) != len(DISTANCE_BAND_EDGES_KM) - 1:
        raise ValueError(f"{len(DISTANCE_BAND_EDGES_KM) - 1} band labels expected, got {len(band_labels)}")
    found = search(index, replace(query, limit=None, columns=("kinds", "sectors", "distance_km")))
    results = found.results
    kinds = results["kinds"].explode().dropna().value_counts()
    sectors = results["sectors"].explode().dropna().map(sector_names()).value_counts().head(top_sectors)
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
    rows = index.frame[index.frame["id"] == supplier_id]
    if not len(rows):
        return None
    row = rows.iloc[0].copy()
    row["distance_km"] = (
        float(haversine_km(np.array([row["lat"]]), np.array([row["lon"]]), *near)[0]) if near else np.nan
    )
    return row
