"""The data the map sends to the browser: one compact, columnar marker payload and the basemap, as safe JSON.

Safety rule: directory text is untrusted. Every string of the marker payload is HTML-escaped here
(`html.escape` semantics, vectorised), and `safe_json` escapes `<`, `>`, `&`, `$`, backtick, U+2028,
U+2029 and the `{` of Jinja tags, so the JSON can neither close the `<script>`, nor start a
template-literal substitution, nor be read as a template tag by folium's Jinja.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sourcing.model import KINDS

# Metropolitan France (with Corsica): the view frames these points when they are the majority, so
# one overseas supplier does not zoom the map out to the whole Atlantic.
METRO_BOX: Final = (41.0, -5.6, 51.6, 10.0)  # south, west, north, east

# Family -> (letter, shape, colour). Colours keep white text at a contrast ratio >= 4.5:1.
FAMILY_ORDER: Final[tuple[str, ...]] = ("handicap", "insertion", "ess")
FAMILY_STYLE: Final[dict[str, tuple[str, str, str]]] = {
    "handicap": ("H", "rond", "#2f55a4"),
    "insertion": ("I", "carré", "#a33b00"),
    "ess": ("E", "losange", "#18753c"),
}
_FAMILY_RANK: Final[dict[str, int]] = {k.code: FAMILY_ORDER.index(k.family) for k in KINDS}
_ESS_RANK: Final = FAMILY_ORDER.index("ess")
_RANK_CODES: Final = pa.array(list(_FAMILY_RANK), type=pa.string())
_RANK_VALUES: Final = np.array([*_FAMILY_RANK.values(), _ESS_RANK], dtype=np.int8)

REQUIRED_COLUMNS: Final[tuple[str, ...]] = (
    "id", "siret", "name", "trade_name", "kinds", "city", "postal_code", "department", "lat", "lon",
    "distance_km",
)  # fmt: skip

_JINJA_OPEN: Final = re.compile(r"\{(?=[{%#])")


# --- Safe JSON and markers ---------------------------------------------------------------------


def safe_json(obj: Any) -> str:
    """JSON that is safe inside a <script> element, a JavaScript template literal and a Jinja template.

    `<`, `>` and `&` are escaped so `</script>` or `<!--` cannot appear; `$` and backtick so a copy into
    a template literal can never start `${...}`; U+2028/U+2029 because older engines end a line there;
    the `{` of `{{`, `{%` and `{#` so no template engine on the way sees a tag.
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escaped in (
        ("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("$", "\\u0024"), ("`", "\\u0060"),
        ("\u2028", "\\u2028"), ("\u2029", "\\u2029"),
    ):  # fmt: skip
        text = text.replace(char, escaped)
    # "{{", "{%" and "{#" only occur inside JSON strings: escaping that "{" keeps Jinja (folium renders
    # through it) from ever seeing a template tag in directory text.
    return _JINJA_OPEN.sub(r"\\u007b", text)


def _text(series: pd.Series) -> pd.Series:
    """Trimmed strings, missing values as ''."""
    return series.astype("string[pyarrow]").fillna("").str.strip()


def _escaped(values: pd.Series | pa.Array) -> list[str]:
    """`html.escape(value, quote=True)` for a whole column, vectorised (Arrow); missing -> ''."""
    arr = values if isinstance(values, pa.Array) else pa.array(_text(values), type=pa.string())
    arr = pc.fill_null(arr, "")
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;")):
        arr = pc.replace_substring(arr, char, entity)
    return arr.to_pylist()


def _kinds_arrow(kinds: pd.Series) -> pa.ListArray:
    """The kinds column as an Arrow list<string> array (lists, tuples, arrays or missing values)."""
    # Arrow would read a bare string as a list of characters: such columns take the slow path.
    if not any(isinstance(x, str) for x in kinds):
        try:
            return pa.array(kinds, type=pa.list_(pa.string()), from_pandas=True)
        except pa.ArrowException:  # rare: non-string items or an all-missing column
            pass
    cleaned = [
        [x]
        if isinstance(x, str)
        else [str(v) for v in x if v is not None and v == v]  # v == v drops NaN
        if isinstance(x, list | tuple | np.ndarray)
        else None
        for x in kinds
    ]
    return pa.array(cleaned, type=pa.list_(pa.string()))


def _family_and_kinds(kinds: pd.Series) -> tuple[np.ndarray, pa.StringArray]:
    """Per row: the family index (handicap before insertion before ESS) and the kind codes joined.

    A supplier with kinds of two families takes the first in FAMILY_ORDER (reserved markets first);
    no kind or an unknown kind counts as ESS, "everything else". Vectorised with Arrow.
    """
    lists = _kinds_arrow(kinds)
    flat = pc.utf8_trim_whitespace(pc.list_flatten(lists))
    parents = pc.list_parent_indices(lists).to_numpy()
    keep = pc.fill_null(pc.not_equal(flat, ""), False)
    flat = flat.filter(keep)
    parents = parents[keep.to_numpy(zero_copy_only=False)]
    known = pc.index_in(pc.utf8_upper(flat), value_set=_RANK_CODES)
    rank = _RANK_VALUES[pc.fill_null(known, len(_RANK_CODES)).to_numpy()]
    family = np.full(len(kinds), _ESS_RANK, dtype=np.int8)
    np.minimum.at(family, parents, rank)
    offsets = np.zeros(len(kinds) + 1, dtype=np.int32)
    np.cumsum(np.bincount(parents, minlength=len(kinds)), out=offsets[1:])
    joined = pc.binary_join(pa.ListArray.from_arrays(pa.array(offsets), flat), ", ")
    return family, joined


def _place(rows: pd.DataFrame) -> pd.Series:
    """'Commune (code postal)', falling back to the postal code or the département."""
    city, postal, dept = _text(rows["city"]), _text(rows["postal_code"]), _text(rows["department"])
    with_postal = city + " (" + postal + ")"
    place = city.where(postal.eq(""), with_postal)
    place = place.where(city.ne(""), postal)
    return place.where(place.ne(""), dept.where(dept.eq(""), "Département " + dept))


def _coords(results: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    lat = pd.to_numeric(results["lat"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    lon = pd.to_numeric(results["lon"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return lat, lon


def located_mask(results: pd.DataFrame) -> np.ndarray:
    """Rows that can be drawn: finite latitude in [-90, 90] and longitude in [-180, 180]."""
    lat, lon = _coords(results)
    with np.errstate(invalid="ignore"):
        return np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)


def marker_payload(results: pd.DataFrame) -> dict[str, list]:
    """The columnar marker data sent to the browser, for the rows with coordinates.

    Keys: lat, lon (5 decimals, about 1 m), f (family index in FAMILY_ORDER), id, n (name), t (trade
    name when it differs from the name), k (kind codes), c (commune and postal code), s (SIRET) — all
    strings HTML-escaped — and d (distance in km, 1 decimal, or null).
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in results.columns]
    if missing:
        raise ValueError(f"Colonnes manquantes pour la carte : {', '.join(missing)}")
    ok = located_mask(results)
    lat, lon = (a[ok] for a in _coords(results))
    rows = results.loc[ok].reset_index(drop=True)
    family, kinds = _family_and_kinds(rows["kinds"])
    name, trade = _text(rows["name"]), _text(rows["trade_name"])
    trade = trade.where(trade.str.casefold().ne(name.str.casefold()), "")
    dist = pd.to_numeric(rows["distance_km"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    dist_out = np.round(dist, 1).astype(object)
    dist_out[~np.isfinite(dist)] = None
    return {
        "lat": np.round(lat, 5).tolist(),
        "lon": np.round(lon, 5).tolist(),
        "f": family.tolist(),
        "id": _escaped(rows["id"]),
        "n": _escaped(name),
        "t": _escaped(trade),
        "k": _escaped(kinds),
        "c": _escaped(_place(rows)),
        "s": _escaped(rows["siret"]),
        "d": dist_out.tolist(),
    }


def view_bounds(lat: np.ndarray, lon: np.ndarray) -> list[list[float]] | None:
    """Bounds to frame: the metropolitan points when they are at least half, else all points."""
    if lat.size == 0:
        return None
    south, west, north, east = METRO_BOX
    metro = (lat >= south) & (lat <= north) & (lon >= west) & (lon <= east)
    if metro.sum() * 2 >= lat.size:
        lat, lon = lat[metro], lon[metro]
    return [[float(lat.min()), float(lon.min())], [float(lat.max()), float(lon.max())]]


# --- Basemap -----------------------------------------------------------------------------------


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
