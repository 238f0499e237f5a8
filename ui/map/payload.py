"""The data the map sends to the browser: one compact, columnar marker payload, as safe JSON (the basemap:
`basemap.py`).

Safety rule: directory text is untrusted. Every string of the marker payload is HTML-escaped by
`markers` (`columns.escaped`: `html.escape` semantics, a column at a time), and `safe_json` escapes `<`,
`>`, `&`, `$`, backtick, U+2028, U+2029 and the `{` of Jinja tags, so the JSON can neither close the
`<script>`, nor start a template-literal substitution, nor be read as a template tag by folium's Jinja.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import orjson
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sourcing.model import KINDS
from ui.map import columns

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

_JINJA_OPEN: Final = re.compile(rb"\{(?=[{%#])")
_SAFE_ESCAPES: Final = tuple(
    (char.encode(), escaped.encode())
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("$", "\\u0024"), ("`", "\\u0060"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))
)  # fmt: skip


# --- Safe JSON and markers ---------------------------------------------------------------------


def safe_json(obj: Any) -> str:
    """JSON that is safe inside a <script> element, a JavaScript template literal and a Jinja template.

    `<`, `>` and `&` are escaped so `</script>` or `<!--` cannot appear; `$` and backtick so a copy into
    a template literal can never start `${...}`; U+2028/U+2029 because older engines end a line there;
    the `{` of `{{`, `{%` and `{#` so no template engine on the way sees a tag. Written by orjson (the
    20,000 markers of a map in a quarter of `json`'s time, the same text; NaN becomes null), then
    escaped on its UTF-8 bytes, where none of these characters can be part of another one.
    """
    try:
        data = orjson.dumps(obj, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY)
    except orjson.JSONEncodeError:  # what orjson refuses and json writes: a lone surrogate, an int over 64 bits
        data = json.dumps(obj, separators=(",", ":"), allow_nan=False).encode()
    for raw, escaped in _SAFE_ESCAPES:
        data = data.replace(raw, escaped)
    # "{{", "{%" and "{#" only occur inside JSON strings: escaping that "{" keeps Jinja (folium renders
    # through it) from ever seeing a template tag in directory text.
    return _JINJA_OPEN.sub(rb"\\u007b", data).decode()


def _kinds_arrow(kinds: pd.Series | pa.Array | pa.ChunkedArray) -> pa.ListArray:
    """The kinds column as an Arrow list<string> array (lists, tuples, arrays or missing values; or an
    Arrow list column, taken as it is)."""
    if isinstance(kinds, pa.ChunkedArray):
        kinds = kinds.combine_chunks()
    if isinstance(kinds, pa.Array):
        listed = pa.types.is_list(kinds.type) or pa.types.is_large_list(kinds.type)
        if listed and columns.is_text(kinds.type.value_type):
            return kinds.cast(pa.list_(pa.string()))
        kinds = kinds.to_pandas()  # another type: read as the table's rows would be, cell by cell
    # Arrow would read a bare string as a list of characters: such columns take the slow path. (The
    # types seen, then theirs checked: a tenth of the time of isinstance on each cell.)
    if not any(issubclass(kind, str) for kind in set(map(type, kinds))):
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


def _family_and_kinds(kinds: pd.Series | pa.ChunkedArray) -> tuple[np.ndarray, pa.StringArray]:
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


def _place(city: pa.Array, postal: pa.Array, dept: pa.Array) -> pa.Array:
    """'Commune (code postal)', falling back to the postal code or the département (trimmed texts)."""
    with_postal = pc.binary_join_element_wise(city, " (", postal, ")", "")
    place = pc.if_else(pc.equal(postal, ""), city, with_postal)
    place = pc.if_else(pc.not_equal(city, ""), place, postal)
    named = pc.if_else(pc.equal(dept, ""), dept, pc.binary_join_element_wise("Département ", dept, ""))
    return pc.if_else(pc.not_equal(place, ""), place, named)


def _unless_same(trade: pa.Array, name: pa.Array) -> pa.Array:
    """The trade name, or '' where it is the name but for case (`str.casefold`, as Python compares)."""
    given = np.flatnonzero(pc.not_equal(trade, "").to_numpy(zero_copy_only=False))
    if given.size == 0:
        return trade
    pairs = zip(trade.take(given).to_pylist(), name.take(given).to_pylist(), strict=True)
    same = np.zeros(len(trade), dtype=bool)
    same[given] = [t.casefold() == n.casefold() for t, n in pairs]
    return pc.if_else(pa.array(same), "", trade)


def _coords(results: columns.Results) -> tuple[np.ndarray, np.ndarray]:
    return columns.numbers(results, "lat"), columns.numbers(results, "lon")


def _located(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)


# The payload's keys, in the order the browser's JSON has them.
PAYLOAD_KEYS: Final = ("lat", "lon", "f", "id", "n", "t", "k", "c", "s", "d")


@dataclass(frozen=True)
class MarkerPayload:
    """The markers of the located results, column by column (`as_lists` says what the browser reads).

    Numbers as numpy arrays (lat, lon rounded to 5 decimals, about 1 m; the family index; the distance
    in km, NaN when unknown); each text column an Arrow string array, already HTML-escaped.
    """

    lat: np.ndarray
    lon: np.ndarray
    family: np.ndarray
    distance: np.ndarray
    texts: dict[str, pa.Array]  # id, n, t, k, c, s

    def __len__(self) -> int:
        return len(self.lat)

    def _numbers(self) -> dict[str, list]:
        dist = np.round(self.distance, 1).astype(object)
        dist[~np.isfinite(self.distance)] = None
        return {"lat": self.lat.tolist(), "lon": self.lon.tolist(), "f": self.family.tolist(), "d": dist.tolist()}

    def as_lists(self) -> dict[str, list]:
        """Keys lat, lon, f (family index in FAMILY_ORDER), id, n (name), t (trade name when it differs
        from the name), k (kind codes), c (commune and postal code), s (SIRET) — all strings HTML-escaped
        — and d (distance in km, 1 decimal, or null)."""
        numbers = self._numbers()
        return {key: numbers[key] if key in numbers else self.texts[key].to_pylist() for key in PAYLOAD_KEYS}

    def to_json(self) -> str:
        """The payload as safe JSON (`safe_json`)."""
        return safe_json(self.as_lists())


def markers(results: columns.Results) -> MarkerPayload:
    """The markers of the rows with coordinates (`MarkerPayload`), made column by column with Arrow; from
    a DataFrame or an Arrow table of the same rows, the same markers."""
    names = results.columns if isinstance(results, pd.DataFrame) else results.column_names
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise ValueError(f"Colonnes manquantes pour la carte : {', '.join(missing)}")
    lat, lon = _coords(results)
    ok = _located(lat, lon)
    if not ok.all():
        results = results[ok] if isinstance(results, pd.DataFrame) else results.filter(pa.array(ok))

    def text(column: str) -> pa.Array:
        return columns.texts(results, column)

    family, kinds = _family_and_kinds(columns.column(results, "kinds"))
    name = text("name")
    dist = columns.numbers(results, "distance_km")
    place = _place(text("city"), text("postal_code"), text("department"))
    texts = {"id": text("id"), "n": name, "t": _unless_same(text("trade_name"), name), "k": kinds, "c": place,
             "s": text("siret")}  # fmt: skip
    return MarkerPayload(lat=np.round(lat[ok], 5), lon=np.round(lon[ok], 5), family=family, distance=dist,
                         texts={key: columns.escaped(values) for key, values in texts.items()})  # fmt: skip


def view_bounds(lat: np.ndarray, lon: np.ndarray) -> list[list[float]] | None:
    """Bounds to frame: the metropolitan points when they are at least half, else all points."""
    if lat.size == 0:
        return None
    south, west, north, east = METRO_BOX
    metro = (lat >= south) & (lat <= north) & (lon >= west) & (lon <= east)
    if metro.sum() * 2 >= lat.size:
        lat, lon = lat[metro], lon[metro]
    return [[float(lat.min()), float(lon.min())], [float(lat.max()), float(lon.max())]]
