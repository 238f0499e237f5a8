"""Vectorised search over a canonical directory.

`SearchIndex.build(directory)` precomputes, once per directory, what every search needs
(coordinate arrays, a bit mask of kinds, an inverted index of sectors, folded text);
`search(index, query)` then combines boolean masks with numpy: no Python loop per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sourcing import taxonomy
from sourcing.kinds import fold
from sourcing.model import KIND_CODES

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat: np.ndarray, lon: np.ndarray, lat0: float, lon0: float) -> np.ndarray:
    """Great-circle distance in km from one point to many (NaN where a point is unknown)."""
    phi1, phi2 = np.radians(lat0), np.radians(lat)
    dphi = phi2 - phi1
    dlmb = np.radians(lon) - np.radians(lon0)
    a = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _naf_key(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


@dataclass
class SearchIndex:
    frame: pd.DataFrame
    lat: np.ndarray
    lon: np.ndarray
    kind_bits: np.ndarray
    sector_rows: dict[str, np.ndarray]
    naf_keys: np.ndarray
    department: np.ndarray
    region: np.ndarray
    epci: np.ndarray
    text: pd.Series

    @classmethod
    def build(cls, directory: pd.DataFrame) -> SearchIndex:
        frame = directory.reset_index(drop=True)
        bit = {code: np.int64(1) << i for i, code in enumerate(KIND_CODES)}
        kinds = frame["kinds"].explode()
        kind_bits = np.zeros(len(frame), dtype=np.int64)
        present = kinds.dropna()
        if len(present):
            np.bitwise_or.at(kind_bits, present.index.to_numpy(), present.map(bit).fillna(0).astype(np.int64).to_numpy())
        sectors = frame["sectors"].explode().dropna()
        sector_rows = {s: rows.to_numpy() for s, rows in sectors.index.to_series().groupby(sectors.to_numpy())}
        tax = taxonomy.load_taxonomy()
        labels = dict(zip(tax.sectors["sector_id"], tax.sectors["label"], strict=True))
        sector_words = frame["sectors"].map(lambda ss: " ".join(labels.get(s, s) for s in ss))
        raw_text = (
            frame["name"].fillna("") + " " + frame["trade_name"].fillna("") + " "
            + frame["description"].fillna("") + " " + sector_words
        )  # fmt: skip
        text = raw_text.map(fold)
        return cls(
            frame=frame,
            lat=frame["lat"].to_numpy(dtype=float),
            lon=frame["lon"].to_numpy(dtype=float),
            kind_bits=kind_bits,
            sector_rows=sector_rows,
            naf_keys=frame["naf"].fillna("").map(_naf_key).to_numpy(dtype=object),
            department=frame["department"].fillna("").to_numpy(dtype=object),
            region=frame["region"].fillna("").to_numpy(dtype=object),
            epci=frame["epci"].fillna("").to_numpy(dtype=object),
            text=text,
        )


@dataclass(frozen=True)
class SearchQuery:
    near: tuple[float, float] | None = None  # (lat, lon) of the buyer's place
    radius_km: float | None = None
    departments: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    epcis: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    naf: str | None = None
    cpv: str | None = None
    q: str | None = None
    headcount_bands: tuple[str, ...] = ()
    limit: int | None = None


@dataclass
class SearchResult:
    total: int
    results: pd.DataFrame  # matching rows (up to limit) with a distance_km column
    sectors_used: tuple[str, ...] = field(default=())  # sectors searched (from CPV too)


def search(index: SearchIndex, query: SearchQuery) -> SearchResult:
    n = len(index.frame)
    mask = np.ones(n, dtype=bool)
    if query.kinds:
        wanted = 0
        for code in query.kinds:
            wanted |= 1 << KIND_CODES.index(code)
        mask &= (index.kind_bits & wanted) != 0
    sectors = tuple(query.sectors)
    if query.cpv:
        sectors += tuple(s for s in taxonomy.sectors_for_cpv(query.cpv) if s not in sectors)
    if query.sectors or query.cpv:
        in_sector = np.zeros(n, dtype=bool)
        for s in sectors:
            rows = index.sector_rows.get(s)
            if rows is not None:
                in_sector[rows] = True
        mask &= in_sector
    if query.naf:
        key = _naf_key(query.naf)
        mask &= np.char.startswith(index.naf_keys.astype(str), key)
    if query.departments:
        mask &= np.isin(index.department, list(query.departments))
    if query.regions:
        mask &= np.isin(index.region, list(query.regions))
    if query.epcis:
        mask &= np.isin(index.epci, list(query.epcis))
    if query.headcount_bands:
        mask &= index.frame["headcount_band"].isin(query.headcount_bands).to_numpy()
    distance = np.full(n, np.nan)
    if query.near is not None:
        lat0, lon0 = query.near
        if query.radius_km is not None:
            # A cheap bounding box first: haversine only on what can be within the radius.
            dlat = query.radius_km / 111.0
            dlon = query.radius_km / (111.0 * max(np.cos(np.radians(lat0)), 0.05))
            mask &= (np.abs(index.lat - lat0) <= dlat) & (np.abs(index.lon - lon0) <= dlon)
        rows = np.flatnonzero(mask)
        distance[rows] = haversine_km(index.lat[rows], index.lon[rows], lat0, lon0)
        if query.radius_km is not None:
            mask &= distance <= query.radius_km
    if query.q and query.q.strip():
        rows = np.flatnonzero(mask)
        sub = index.text.iloc[rows]
        keep = np.ones(len(rows), dtype=bool)
        for token in fold(query.q).split():
            keep &= sub.str.contains(token, regex=False).to_numpy()
        mask[rows[~keep]] = False
    rows = np.flatnonzero(mask)
    if query.near is not None:
        rows = rows[np.argsort(distance[rows], kind="stable")]
    total = len(rows)
    if query.limit is not None:
        rows = rows[: query.limit]
    results = index.frame.iloc[rows].copy()
    results["distance_km"] = distance[rows]
    return SearchResult(total=total, results=results, sectors_used=sectors)
