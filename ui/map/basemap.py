"""The offline basemap the map sends to the browser: département outlines and labels, commune names by
size, as safe JSON read once per file (cached by path and modification time).

Safety rule: names reach the page through `safe_json` and are shown as text (textContent), never HTML.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Final

import pandas as pd

from ui.map.payload import safe_json


@lru_cache(maxsize=4)
def _outlines_json(path: str, mtime_ns: int) -> str:
    del mtime_ns  # part of the cache key only: a rebuilt file is read again
    return safe_json(json.loads(Path(path).read_text(encoding="utf-8")))


@lru_cache(maxsize=4)
def _labels_json(path: str, mtime_ns: int) -> str:
    del mtime_ns
    frame = pd.read_csv(path, dtype={"code": str, "name": str})
    return safe_json({
        "code": frame["code"].tolist(), "name": frame["name"].tolist(),
        "lat": frame["lat"].round(4).tolist(), "lon": frame["lon"].round(4).tolist(),
    })  # fmt: skip


def outlines_payload(path: Path) -> str | None:
    """Safe JSON of the département outlines, or None if the file is not there (the map still works)."""
    try:
        return _outlines_json(str(path), path.stat().st_mtime_ns)
    except FileNotFoundError:
        return None


def labels_payload(path: Path) -> str | None:
    """Safe JSON of the département label points (code, name, lat, lon), or None without the file."""
    try:
        return _labels_json(str(path), path.stat().st_mtime_ns)
    except FileNotFoundError:
        return None


# Communes named on the offline basemap: the largest first, none under this population (the map's
# offline zoom stops where even these would be too sparse to help).
PLACE_MIN_POPULATION: Final = 2000


@lru_cache(maxsize=4)
def _places_json(path: str, mtime_ns: int, min_population: int) -> str:
    del mtime_ns
    frame = pd.read_csv(path, dtype={"name": str, "type": str}, usecols=["name", "type", "population", "lat", "lon"])
    frame = frame[frame["type"].eq("commune")].dropna(subset=["population", "lat", "lon"])
    frame = frame[frame["population"] >= min_population].sort_values("population", ascending=False, kind="stable")
    return safe_json({
        "name": frame["name"].tolist(), "pop": frame["population"].astype(int).tolist(),
        "lat": frame["lat"].round(4).tolist(), "lon": frame["lon"].round(4).tolist(),
    })  # fmt: skip


def places_payload(path: Path, min_population: int = PLACE_MIN_POPULATION) -> str | None:
    """Safe JSON of the communes to name offline (name, pop, lat, lon; largest first), or None without
    the file. Names go through safe_json and reach the page as text (textContent), never as HTML."""
    try:
        return _places_json(str(path), path.stat().st_mtime_ns, min_population)
    except FileNotFoundError:
        return None
