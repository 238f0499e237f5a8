"""`SearchIndex`: everything a search needs that does not depend on the query, built once per directory.

- list columns (kinds, sectors, intervention départements and régions) become inverted indexes
  (`Postings`: value -> sorted int32 row numbers); kinds also become a bit mask;
- text columns (département, région, EPCI, headcount band, NAF) become small integer category
  codes (`Category`), so a filter is one table lookup per row, never a string comparison;
- name, trade name and description are cut into folded words indexed word -> rows over a sorted
  `Vocabulary`; sector labels are indexed the same way, word -> sectors;
- located rows are ordered by latitude (a radius is first a latitude band: two binary searches);
  names get a precomputed alphabetical rank.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sourcing.model import KIND_CODES
from sourcing.search.columns import column, flatten, label_words, name_order, text_words
from sourcing.search.postings import Category, Postings, Vocabulary
from sourcing.search.words import area_code, headcount_key, kind_code_each, naf_key, stripped

if TYPE_CHECKING:
    import pyarrow as pa

    from sourcing.search.flatlist import FlatList

TEXT_COLUMNS = ("name", "trade_name", "description")  # where keywords are searched


@dataclass
class SearchIndex:
    """Everything `search` needs that does not depend on the query. Build once per directory."""

    frame: pd.DataFrame  # the directory, index reset to 0..n-1 (result rows are positions in it)
    lat: np.ndarray
    lon: np.ndarray
    kind_bits: np.ndarray  # bit i set: the supplier is of kind KIND_CODES[i]
    sectors: Postings
    words: Vocabulary  # name, trade name, description
    label_words: Vocabulary  # sector labels -> sector numbers in `sectors`
    label_sectors: list[np.ndarray]
    naf: Category
    departments: Category
    regions: Category
    epcis: Category
    headcounts: Category
    geo_order: np.ndarray  # located rows by increasing latitude
    geo_lat: np.ndarray  # their latitudes, sorted
    geo_lon: np.ndarray  # and longitudes
    area_national: np.ndarray  # rows serving the whole country
    area_departments: Postings  # département code -> rows that serve it
    area_regions: Postings
    area_radius: np.ndarray  # km, NaN where none
    area_radius_order: np.ndarray  # located rows with a radius, by increasing latitude
    area_radius_lat: np.ndarray
    area_radius_lon: np.ndarray
    area_radius_reach: float  # the largest radius (km), 0 without any
    name_order: np.ndarray  # rows in name order
    name_rank: np.ndarray  # position of each row in name_order
    build_seconds: dict[str, float] = field(default_factory=dict)

    @classmethod
    def build(cls, directory: pd.DataFrame) -> SearchIndex:
        """Index a canonical directory (columns of `sourcing.model.CANONICAL_COLUMNS`; missing
        columns count as empty). About 5 s for a million suppliers on 2 CPU; the time of each
        step is kept in `build_seconds` (the benchmark reports it)."""
        frame = directory.reset_index(drop=True)
        stopwatch = _Stopwatch()
        parts: dict[str, Any] = {"frame": frame, **_geo_parts(frame)}
        stopwatch.lap("geo")
        parts["kind_bits"] = _kind_bits(frame)
        stopwatch.lap("kinds")
        parts.update(_sector_parts(frame))
        stopwatch.lap("sectors")
        parts["words"] = Vocabulary.of(text_words([column(frame, c) for c in TEXT_COLUMNS]))
        stopwatch.lap("words")
        parts.update(_category_parts(frame))
        stopwatch.lap("categories")
        parts.update(_area_parts(frame, parts["lat"], parts["lon"]))
        stopwatch.lap("areas")
        parts.update(_name_parts(frame))
        stopwatch.lap("names")
        return cls(**parts, build_seconds=stopwatch.laps)

    @classmethod
    def lazy(
        cls, parts: dict[str, Any], *, rows: int, take: Callable, load_frame: Callable[[], pd.DataFrame]
    ) -> SearchIndex:
        """An index whose directory stays on disk (`sourcing.search.stored`): ``take(rows, columns)``
        gives result rows, ``load_frame()`` the whole table the first time ``index.frame`` is read."""
        index = cls.__new__(cls)
        index.__dict__.update(parts, build_seconds={}, _rows=rows, _take=take, _load_frame=load_frame)
        return index

    def __getattr__(self, name: str) -> Any:
        # Only called for a missing attribute: `frame` of an index made by `lazy`, read at first use.
        loader = self.__dict__.get("_load_frame")
        if name != "frame" or loader is None:
            raise AttributeError(name)
        frame = self.__dict__["frame"] = loader()
        return frame

    def directory_column(self, name: str) -> pd.Series | None:
        """One column of the directory (None when it has none), without loading a lazy index's table:
        a filter on one column (fresh data, contracts, a SIRET) does not convert the million rows."""
        if "frame" not in self.__dict__ and "_column" in self.__dict__:
            return self.__dict__["_column"](name)
        return self.frame[name] if name in self.frame.columns else None

    def arrow_column(self, name: str) -> Any:
        """A column of a saved index's mapped table, as Arrow holds it (a `pyarrow.ChunkedArray`, no
        copy); None for an index built in memory, or a column the table lacks."""
        reader = self.__dict__.get("_arrow_column")
        return None if reader is None else reader(name)

    def flat_list(self, name: str) -> FlatList | None:
        """The list column ``name`` (kinds, sectors) flattened as a saved index keeps it (a
        `sourcing.search.flatlist.FlatList` read from the index's folder); None for an index built in memory, one
        saved without it, or another column: the caller then flattens `arrow_column(name)`."""
        reader = self.__dict__.get("_flat_list")
        return None if reader is None else reader(name)

    def hold_columns(self, columns: Sequence[str]) -> None:
        """Keep these columns of a saved index's table in memory, each in one chunk, for the takes to come.

        The saved table is mapped in record batches of 256 rows (a cold process reads a few rows without
        faulting in the file); a take of many rows then costs Arrow a gather over every batch: at
        999,000 suppliers (3,903 batches) 145-260 ms for the 20,000 rows of a map, against 15-27 ms from
        columns in one chunk (a probe: the map's ten columns, 163 MB, combined in about 0.4 s). For a
        long-lived process (the app); each call adds the columns not yet held (the app holds one at a
        time, between buyers' searches); an index built in memory already holds its frame."""
        hold = self.__dict__.get("_hold")
        if hold is not None:
            hold(list(columns))

    @property
    def held_columns(self) -> tuple[str, ...]:
        """The columns `hold_columns` keeps in memory (none for an index built in memory)."""
        held = self.__dict__.get("_held")
        return () if held is None else held()

    def take(self, rows: np.ndarray, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """``frame.take(rows)`` (only ``columns`` when given), without loading a lazy index's table."""
        if "frame" not in self.__dict__ and "_take" in self.__dict__:
            return self.__dict__["_take"](rows, None if columns is None else list(columns))
        frame = self.frame
        if columns is not None:  # fewer columns, less to copy: each costs about 1.5 ms per 40,000 rows
            frame = frame[[c for c in dict.fromkeys(columns) if c in frame.columns]]
        return frame.take(rows)

    def take_table(self, rows: np.ndarray, columns: Sequence[str] | None = None) -> pa.Table:
        """`take(rows, columns)` as an Arrow table (no index; list columns as Arrow lists): a saved index's
        rows straight from its mapped table, never through a Python object per cell (for code that reads
        them column by column: the map's markers); an index built in memory converts its frame's rows."""
        take_table = self.__dict__.get("_take_table")
        if take_table is not None:
            return take_table(rows, None if columns is None else list(columns))
        import pyarrow as pa  # here: a cold process that never asks for a table does not pay the import

        return pa.Table.from_pandas(self.take(rows, columns), preserve_index=False)

    def __len__(self) -> int:
        return self.__dict__["_rows"] if "_rows" in self.__dict__ else len(self.frame)

    def __repr__(self) -> str:
        return f"SearchIndex({len(self):,} suppliers, {len(self.vocabulary):,} words)"

    # Earlier attribute names, kept for callers written against them.
    @property
    def sector_rows(self) -> dict[str, np.ndarray]:
        return {k: self.sectors.rows_of(k) for k in self.sectors.keys}

    @property
    def department(self) -> np.ndarray:
        return self.departments.values()

    @property
    def region(self) -> np.ndarray:
        return self.regions.values()

    @property
    def epci(self) -> np.ndarray:
        return self.epcis.values()

    @property
    def vocabulary(self) -> list[str]:
        """The indexed words of names, trade names and descriptions, sorted."""
        return self.words.postings.keys


class _Stopwatch:
    """Seconds spent in each named step of a build."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._clock = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self._clock
        self._clock = now


def _coordinates(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Latitudes, longitudes (NaN where unknown) and the located rows."""
    lat = pd.to_numeric(column(frame, "lat"), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    lon = pd.to_numeric(column(frame, "lon"), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return lat, lon, np.flatnonzero(~(np.isnan(lat) | np.isnan(lon)))


def _geo_parts(frame: pd.DataFrame) -> dict[str, Any]:
    lat, lon, located = _coordinates(frame)
    geo_order = located[np.argsort(lat[located], kind="stable")].astype(np.int32)
    return {"lat": lat, "lon": lon, "geo_order": geo_order, "geo_lat": lat[geo_order], "geo_lon": lon[geo_order]}


def _kind_bits(frame: pd.DataFrame) -> np.ndarray:
    rows, items = flatten(column(frame, "kinds"))
    codes, uniques = pd.factorize(items)
    bit_of = np.array([1 << KIND_CODES.index(k) if k in KIND_CODES else 0 for k in kind_code_each(uniques)])
    kind_bits = np.zeros(len(frame), dtype=np.int32)
    if len(codes):
        np.bitwise_or.at(kind_bits, rows[codes >= 0], bit_of[codes[codes >= 0]].astype(np.int32))
    return kind_bits


def _sector_parts(frame: pd.DataFrame) -> dict[str, Any]:
    rows, items = flatten(column(frame, "sectors"))
    codes, uniques = pd.factorize(items)
    sectors = Postings.build(codes, rows, [str(u) for u in uniques])
    words, word_sectors = label_words(sectors.keys)
    return {"sectors": sectors, "label_words": words, "label_sectors": word_sectors}


def _category_parts(frame: pd.DataFrame) -> dict[str, Category]:
    return {
        "naf": Category.build(column(frame, "naf"), naf_key),
        "departments": Category.build(column(frame, "department"), area_code),
        "regions": Category.build(column(frame, "region"), area_code),
        "epcis": Category.build(column(frame, "epci"), stripped),
        "headcounts": Category.build(column(frame, "headcount_band"), headcount_key),
    }


def _area_postings(values: pd.Series) -> Postings:
    """Area code -> rows that declare it, codes as `area_code` writes them ("1" and "01" are one)."""
    rows, items = flatten(values)
    codes, uniques = pd.factorize(items)
    keys, remap = pd.factorize(pd.Series([area_code(u) for u in uniques], dtype=object))
    return Postings.build(np.append(keys, -1)[codes], rows, [str(k) for k in remap])


def _area_parts(frame: pd.DataFrame, lat: np.ndarray, lon: np.ndarray) -> dict[str, Any]:
    """The declared intervention areas: national, départements, régions, a radius around the supplier."""
    located = np.flatnonzero(~(np.isnan(lat) | np.isnan(lon)))
    national = column(frame, "area_national").fillna(False).to_numpy(dtype=bool)
    radius = pd.to_numeric(column(frame, "area_radius_km"), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    with_radius = located[radius[located] >= 0]
    order = with_radius[np.argsort(lat[with_radius], kind="stable")].astype(np.int32)
    return {
        "area_national": np.flatnonzero(national).astype(np.int32),
        "area_departments": _area_postings(column(frame, "area_departments")),
        "area_regions": _area_postings(column(frame, "area_regions")),
        "area_radius": radius,
        "area_radius_order": order,
        "area_radius_lat": lat[order],
        "area_radius_lon": lon[order],
        "area_radius_reach": float(radius[order].max()) if len(order) else 0.0,
    }


def _name_parts(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    order = name_order(column(frame, "name"))
    rank = np.empty(len(frame), dtype=np.int32)
    rank[order] = np.arange(len(frame), dtype=np.int32)
    return {"name_order": order, "name_rank": rank}
