"""`search`, `count` and `widen`: the filters, then the place (a radius, and the suppliers whose
declared intervention area covers the place), then the order of the results."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Final

import numpy as np

from sourcing import taxonomy
from sourcing.search.filters import FILTER_LABELS, Narrowing, active_filters, contracts_won, narrow
from sourcing.search.geo import box_positions, haversine_km, within_box
from sourcing.search.index import SearchIndex
from sourcing.search.query import SearchQuery, SearchResult, clean
from sourcing.search.words import area_code

if TYPE_CHECKING:
    import pyarrow as pa

MATCH_DISTANCE: Final[str] = "distance"
MATCH_AREA: Final[str] = "zone d'intervention"
MATCH_TEXT: Final[str] = "mots-clés dans la fiche"  # keywords found in the supplier's own texts or sector labels
REASON_SEPARATOR: Final[str] = " ; "
SORTS: Final[tuple[str, ...]] = ("distance", "name", "contracts")
WIDEN_RADII_KM: Final[tuple[float, ...]] = (30.0, 60.0, 100.0, 200.0)


@dataclass(frozen=True)
class _Selection:
    rows: np.ndarray  # matching rows, in result order once sorted
    distance: np.ndarray  # km per row of `rows` (NaN without a place)
    by_area: np.ndarray  # bool per row of `rows`: matched through the intervention area only
    narrowing: Narrowing


def _select(index: SearchIndex, query: SearchQuery, narrowing: Narrowing) -> _Selection:
    """Matching rows (unsorted), their distances and why they matched."""
    mask = narrowing.mask
    if query.near is None or query.radius_km is None:
        rows = np.arange(len(index), dtype=np.int64) if mask is None else np.flatnonzero(mask)
        if query.near is not None:
            distance = haversine_km(index.lat[rows], index.lon[rows], *(float(v) for v in query.near))
        else:
            distance = np.full(len(rows), np.nan)
        return _Selection(rows, distance, np.zeros(len(rows), dtype=bool), narrowing)
    lat0, lon0 = (float(v) for v in query.near)
    radius = max(float(query.radius_km), 0.0)
    positions = box_positions(index.geo_lat, index.geo_lon, lat0, lon0, radius)
    rows = index.geo_order[positions]
    if mask is not None:
        kept = mask[rows]
        positions, rows = positions[kept], rows[kept]
    distance = haversine_km(index.geo_lat[positions], index.geo_lon[positions], lat0, lon0)
    near = distance <= radius
    rows, distance = rows[near].astype(np.int64), distance[near]
    by_area = np.zeros(len(rows), dtype=bool)
    if query.include_intervention_area:
        area_rows = _area_rows(index, query, lat0, lon0, mask)
        area_rows = area_rows[~np.isin(area_rows, rows, kind="table")] if len(rows) else area_rows
        rows = np.concatenate([rows, area_rows])
        distance = np.concatenate([distance, haversine_km(index.lat[area_rows], index.lon[area_rows], lat0, lon0)])
        by_area = np.concatenate([by_area, np.ones(len(area_rows), dtype=bool)])
    return _Selection(rows, distance, by_area, narrowing)


def _area_rows(index: SearchIndex, query: SearchQuery, lat0: float, lon0: float, mask: np.ndarray | None) -> np.ndarray:
    """Rows (sorted) whose declared intervention area covers the buyer's place: national, the place's
    département or région listed, or the place within the supplier's own radius; and ``mask``."""
    covered = np.zeros(len(index), dtype=bool)
    covered[index.area_national] = True
    if query.near_department:
        covered[index.area_departments.rows_of(area_code(query.near_department))] = True
    if query.near_region:
        covered[index.area_regions.rows_of(area_code(query.near_region))] = True
    if len(index.area_radius_order):
        reach = index.area_radius_reach
        rows = within_box(index.area_radius_order, index.area_radius_lat, index.area_radius_lon, lat0, lon0, reach)
        if mask is not None:
            rows = rows[mask[rows]]
        distance = haversine_km(index.lat[rows], index.lon[rows], lat0, lon0)
        covered[rows[distance <= index.area_radius[rows]]] = True
    if mask is not None:
        covered &= mask
    return np.flatnonzero(covered)


def _order(index: SearchIndex, selection: _Selection, query: SearchQuery, first: int | None = None) -> np.ndarray:
    """Positions in `selection.rows` in result order: by distance (unknown last; ties by row),
    by name (case- and accent-insensitive; ties by row), by public contracts won (most first) or by row.
    With ``first``, only the first ``first`` of them (what a page shows: the others are not sorted)."""
    rows = selection.rows
    sort = query.sort if query.sort in SORTS else None
    if sort == "name":
        if len(rows) > len(index) // 16:  # many rows: walk the precomputed name order once
            position = np.full(len(index), -1, dtype=np.int64)
            position[rows] = np.arange(len(rows))
            found = position[index.name_order]
            return found[found >= 0][:first]
        return np.argsort(index.name_rank[rows], kind="stable")[:first]
    if sort != "contracts" and query.near is not None:
        return _by_distance(rows, selection.distance, first)
    by_row = np.argsort(rows, kind="stable")
    if query.near is not None:
        by_row = by_row[np.argsort(selection.distance[by_row], kind="stable")]
    if sort == "contracts":  # most public contracts won first; ties by distance (with a place), else by row
        by_row = by_row[np.argsort(-contracts_won(index)[rows[by_row]], kind="stable")]
    return by_row[:first]


def _by_distance(rows: np.ndarray, distance: np.ndarray, first: int | None) -> np.ndarray:
    """Positions by increasing distance (unknown last), ties by row; only the first ``first`` sorted:
    a partition finds the ``first``-th distance, then the rows up to it (every tie included) are sorted."""
    key = np.where(np.isnan(distance), np.inf, distance)
    candidates = np.arange(len(rows))
    if first is not None and first < len(rows) // 4:
        if first <= 0:
            return candidates[:0]
        cut = np.partition(key, first - 1)[first - 1]
        candidates = np.flatnonzero(key <= cut)
    return candidates[np.lexsort((rows[candidates], key[candidates]))][:first]


def search(index: SearchIndex, query: SearchQuery) -> SearchResult:
    """Suppliers matching every filter of ``query``, sorted, with ``distance_km`` (NaN without a
    place or location) and ``match_reason``: "distance" or "zone d'intervention" with a place, then
    with keywords why they matched (see `keyword_reasons`), joined by " ; "; "" for neither. A query
    that lists its ``columns`` gets ``match_reason`` only when it names it."""
    query, selection, order = _found(index, query)
    rows = selection.rows[order]
    total = len(selection.rows)
    results = index.take(rows, query.columns)
    results["distance_km"] = selection.distance[order]
    if query.columns is None or "match_reason" in query.columns:
        results["match_reason"] = _match_reasons(index, selection, order, query)
    return SearchResult(
        total=total,
        results=results,
        sectors_used=selection.narrowing.sectors_used,
        rows=rows,
        corrections=selection.narrowing.corrections,
        words=selection.narrowing.words,
    )


def search_table(index: SearchIndex, query: SearchQuery) -> tuple[pa.Table, int]:
    """`search(index, query).results` as an Arrow table (the query's columns, then ``distance_km``; no
    ``match_reason``) and the total: the same rows in the same order, for code that reads them column by
    column (the map's markers) without a Python object per cell (`SearchIndex.take_table`)."""
    import pyarrow as pa  # here: the CLI's cold search never needs it

    query, selection, order = _found(index, query)
    columns = None if query.columns is None else [c for c in query.columns if c not in ("distance_km", "match_reason")]
    table = index.take_table(selection.rows[order], columns)
    distance = pa.array(np.asarray(selection.distance[order], dtype=np.float64))
    return table.append_column("distance_km", distance), len(selection.rows)


def result_rows(index: SearchIndex, query: SearchQuery) -> tuple[np.ndarray, np.ndarray]:
    """The rows of `search(index, query).results` (positions in the index, in result order) and their
    ``distance_km``, without taking a row: for code that reads them a part at a time (a file of every
    result of a national search)."""
    query, selection, order = _found(index, query)
    return selection.rows[order], np.asarray(selection.distance[order], dtype=np.float64)


def _found(index: SearchIndex, query: SearchQuery) -> tuple[SearchQuery, _Selection, np.ndarray]:
    """The query cleaned, what it selects, and the positions of the selected rows in result order (only
    the first ``limit`` of them with a limit)."""
    query = clean(query)
    selection = _select(index, query, narrow(index, query))
    return query, selection, _order(index, selection, query, None if query.limit is None else max(int(query.limit), 0))


def _match_reasons(index: SearchIndex, selection: _Selection, order: np.ndarray, query: SearchQuery) -> np.ndarray:
    """Why each result matched (see `search`); the keywords' reasons cost a pass over each sector of
    their phrases, so only results that show them are given one."""
    if query.near is None:
        reason = np.full(len(order), "", dtype=object)
    else:
        reason = np.where(selection.by_area[order], MATCH_AREA, MATCH_DISTANCE).astype(object)
    words = keyword_reasons(index, selection.rows[order], selection.narrowing)
    if words is not None:
        reason = np.where(reason == "", words, reason + REASON_SEPARATOR + words)
    return reason


def _words(phrase_text: str) -> str:
    return f"{'mots' if len(phrase_text.split()) > 1 else 'mot'} « {phrase_text} »"


def keyword_reasons(index: SearchIndex, rows: np.ndarray, narrowing: Narrowing) -> np.ndarray | None:
    """Why each of ``rows`` matched the keywords (None without keywords): « SIRET » or « SIREN »;
    « secteur Création et entretien d'espaces verts (mot « tonte ») » for each vocabulary phrase
    whose sector the supplier is in; else `MATCH_TEXT`."""
    if narrowing.identifier:
        return np.full(len(rows), "SIRET" if len(narrowing.identifier) == 14 else "SIREN", dtype=object)
    if not narrowing.words:
        return None
    reasons = np.full(len(rows), "", dtype=object)
    for phrase in narrowing.phrases:
        done = np.zeros(len(rows), dtype=bool)
        for sector in phrase.sectors:
            if sector not in index.sectors.position:
                continue
            inside = np.isin(rows, index.sectors.rows_of(sector)) & ~done
            text = f"secteur {taxonomy.sector_label(sector) or sector} ({_words(phrase.text)})"
            before = reasons[inside]
            reasons[inside] = np.where(before == "", text, before + REASON_SEPARATOR + text)
            done |= inside
    reasons[reasons == ""] = MATCH_TEXT
    return reasons


def count(index: SearchIndex, query: SearchQuery) -> int:
    """Number of matches (what `search(...).total` says, without building the result table)."""
    query = clean(query)
    return len(_select(index, query, narrow(index, query)).rows)


class Widening(list):
    """Counts that explain an empty (or small) result.

    The list itself holds ``(radius_km, count)`` for the radii of `WIDEN_RADII_KM` wider than the
    query's (empty without a place and a radius). ``filters`` holds ``(French filter label, count)``
    with each active filter dropped in turn (the others kept), ``by_filter`` the same keyed by the
    `SearchQuery` field name. ``get("radius")`` and ``get("filters")`` read it like a dict."""

    def __init__(self, radius: list[tuple[float, int]], by_filter: dict[str, int]) -> None:
        super().__init__(radius)
        self.by_filter = by_filter
        self.filters = [(FILTER_LABELS[name], n) for name, n in by_filter.items()]

    @property
    def radius(self) -> list[tuple[float, int]]:
        return list(self)

    def get(self, key: str, default=None):
        return {"radius": self.radius, "filters": self.filters}.get(key, default)


def widen(index: SearchIndex, query: SearchQuery, radii: Sequence[float] = WIDEN_RADII_KM) -> Widening:
    """How many suppliers a wider radius, or the query without one of its filters, would find:
    "aucun résultat à 30 km, 12 à 60 km", "sans le filtre « mots-clés » : 40 résultats"."""
    query = clean(query)
    radius_counts: list[tuple[float, int]] = []
    if query.near is not None and query.radius_km is not None:
        narrowing = narrow(index, query)  # the same for every radius
        for r in radii:
            if r > query.radius_km:
                radius_counts.append((float(r), len(_select(index, replace(query, radius_km=r), narrowing).rows)))
    by_filter = {
        f.name: len(_select(index, query, narrow(index, query, skip={f.name})).rows) for f in active_filters(query)
    }
    return Widening(radius_counts, by_filter)
