"""What a buyer asks (`SearchQuery`) and what a search answers (`SearchResult`)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class SearchQuery:
    """What a buyer asks. Every filter is optional; filters combine with AND, the values of one
    filter with OR ("any of"). Hashable, so it can key a cache."""

    near: tuple[float, float] | None = None  # (lat, lon) of the buyer's place
    radius_km: float | None = None  # with `near`: keep suppliers at most this far (inclusive)
    departments: tuple[str, ...] = ()  # where the supplier is
    regions: tuple[str, ...] = ()
    epcis: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()  # kind codes (any case) or wording
    sectors: tuple[str, ...] = ()  # sector ids (or their French labels)
    naf: str | None = None  # NAF code or its beginning, any spelling ("88.10C", "8810c", "88.1", "88")
    cpv: str | None = None  # CPV code: searched as the sectors it maps to (added to `sectors`)
    q: str | None = None  # keywords (see the module docstring)
    headcount_bands: tuple[str, ...] = ()  # INSEE band codes ("12") or labels ("20 à 49 salariés")
    fresh_only: bool = False  # hide suppliers whose newest source data is over a year old, or undated
    won_contracts: bool = False  # only suppliers that already won a public contract (DECP, sourcing.contracts)
    limit: int | None = None  # rows returned; `total` counts them all
    near_department: str | None = None  # département of the buyer's place (for intervention areas)
    near_region: str | None = None  # région of the buyer's place
    include_intervention_area: bool = False  # also suppliers farther away whose declared area covers the place
    sort: str | None = None  # "distance", "name", "contracts"; None: distance with a place, else directory order
    columns: tuple[str, ...] | None = None  # result columns (None: all); unknown names are ignored


@dataclass
class SearchResult:
    total: int  # all matches, whatever the limit
    results: pd.DataFrame  # matching rows (up to limit), with `distance_km` and (see `search`) `match_reason`
    sectors_used: tuple[str, ...] = field(default=())  # sectors searched (from CPV too)
    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # positions in index.frame
    corrections: dict[str, tuple[str, ...]] = field(default_factory=dict)  # typed word -> words found by typo
    words: tuple[str, ...] = ()  # the keywords searched (after folding, stop words dropped)


# The fields that hold a list of values, any of which a supplier may match (their default is ()).
VALUE_LISTS: tuple[str, ...] = tuple(f.name for f in fields(SearchQuery) if f.default == ())


def filter_values(values: object) -> tuple[str, ...]:
    """Non-empty stripped strings of a filter; a bare string counts as one value (not as its letters)."""
    if values is None:
        return ()
    if isinstance(values, str):
        values = (values,)
    return tuple(v for v in (str(x).strip() for x in values if x is not None) if v)


def clean(query: SearchQuery) -> SearchQuery:
    """The query with what cannot filter removed: empty values (a filter with only empty values is
    no filter), a place without usable coordinates (then no place at all)."""
    near = query.near
    try:
        if near is not None and not all(math.isfinite(float(v)) for v in near):
            near = None
    except (TypeError, ValueError):
        near = None
    text = {name: (getattr(query, name) or "").strip() or None for name in ("naf", "cpv")}
    return replace(
        query,
        near=None if near is None else (float(near[0]), float(near[1])),
        **{name: filter_values(getattr(query, name)) for name in VALUE_LISTS},
        **text,
    )
