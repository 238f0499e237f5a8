"""Vectorised supplier search over a canonical directory.

`SearchIndex.build(directory)` does, once per directory, everything that does not depend on
the query, so that `search(index, query)` only combines integer arrays with numpy:

- list columns (kinds, sectors, intervention départements and régions) become inverted
  indexes ("postings": value -> sorted int32 row numbers); kinds also become a bit mask;
- text columns (département, région, EPCI, headcount band, NAF) become small integer
  category codes, so a filter is one table lookup per row, never a string comparison;
- name, trade name and description are cut into folded words (lower case, no accents,
  plural ``s``/``x`` dropped) and indexed word -> rows over a sorted vocabulary, so a prefix
  is one contiguous slice of the postings and a typo is a fuzzy match over the vocabulary
  (a few thousand words), not over a million texts; sector labels are matched the same way
  through the sectors' postings;
- rows are ordered by latitude, so the rows within a radius are found in a latitude band
  (two binary searches) before any distance is computed; names get a precomputed rank.

Keyword rules (`query_words`, `search_words`, `fuzzy_budget`, `FUZZY_RATIO`): accents, case and
punctuation do not matter; stop words (« de », « la », « et »…) and one-letter words are neither
indexed nor searched; indexed words lose a plural ``s``/``x``. Every query word must match (AND)
a word of the supplier's name, trade name, description or sector labels: a word that starts with
it (« menuis » finds « menuiserie »), or its singular (« espaces » finds « espace »), or, for typos,
a word with the same first letter within 1 edit (4 to 7 letters) or 2 edits (8 letters or more;
an edit is an insertion, deletion, substitution or swap of two neighbouring letters) that is
found in at least `FUZZY_RATIO` times as many rows as the typed word: « menuserie » (found
nowhere) finds « menuiserie », but « vert » does not also find « vent ».
"""

from __future__ import annotations

import math
import sys
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import chain
from typing import Final

import numpy as np
import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import OSA

from sourcing import taxonomy
from sourcing.kinds import kinds_from_text
from sourcing.model import HEADCOUNT_BANDS, KIND_CODES

EARTH_RADIUS_KM = 6371.0088
MATCH_DISTANCE: Final[str] = "distance"
MATCH_AREA: Final[str] = "zone d'intervention"
SORTS: Final[tuple[str, ...]] = ("distance", "name")
WIDEN_RADII_KM: Final[tuple[float, ...]] = (30.0, 60.0, 100.0, 200.0)
# French labels of the filters `widen` drops one at a time (shown to buyers).
FILTER_LABELS: Final[dict[str, str]] = {
    "kinds": "types de structure",
    "sectors": "secteurs",
    "cpv": "code CPV",
    "q": "mots-clés",
    "naf": "code NAF",
    "departments": "départements",
    "regions": "régions",
    "epcis": "EPCI",
    "headcount_bands": "effectif",
}
STOP_WORDS: Final[frozenset[str]] = frozenset(
    "au aux avec ce ces dans de des du en et il la le les leur ou par pour sa se ses son sur un une".split()
)
FUZZY_RATIO: Final[int] = 10  # a close word counts as a typo fix when found in 10 times as many rows
_PAST_LAST = "{"  # sorts after every folded word ([a-z0-9] only): vocab[lo:hi] of a prefix


# --- Words ------------------------------------------------------------------------------------


def _stem(word: str) -> str:
    """Plural-insensitive word: a final ``s`` or ``x`` is dropped from words of 4 letters or more.

    Applied the same way to every indexed word, so it only has to be consistent, not correct French."""
    return word[:-1] if len(word) > 3 and word[-1] in "sx" else word


def query_words(text: str | None) -> list[str]:
    """The words of a query, as typed but folded: lower case, accents removed, anything but letters and
    digits separates words; stop words and one-letter words dropped; repeats dropped.
    ``"Entretien d'Espaces-Verts"`` -> ``["entretien", "espaces", "verts"]``."""
    if not text:
        return []
    return list(dict.fromkeys(w for w in taxonomy.fold(text).split() if len(w) > 1 and w not in STOP_WORDS))


def search_words(text: str | None) -> list[str]:
    """The words of a text as indexed: `query_words` (repeats kept), plural stemmed (`_stem`).
    ``"Entretien d'Espaces-Verts"`` -> ``["entretien", "espace", "vert"]``."""
    if not text:
        return []
    return [_stem(w) for w in taxonomy.fold(text).split() if len(w) > 1 and w not in STOP_WORDS]


def fuzzy_budget(word: str) -> int:
    """Typos forgiven in a (stemmed) searched word: none under 4 letters, 1 up to 7, 2 from 8 letters."""
    return 0 if len(word) < 4 else 1 if len(word) < 8 else 2


def haversine_km(lat: np.ndarray, lon: np.ndarray, lat0: float, lon0: float) -> np.ndarray:
    """Great-circle distance in km from one point to many (NaN where a point is unknown)."""
    phi1, phi2 = np.radians(lat0), np.radians(lat)
    dphi = phi2 - phi1
    dlmb = np.radians(lon) - np.radians(lon0)
    a = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


# --- Code normalisation (the same on the directory side and on the query side) ------------------


def _naf_key(code: str) -> str:
    return "".join(ch for ch in str(code).upper() if ch.isalnum())


def _area_code(value: object) -> str:
    """Département or région code as stored: ``" 1 "`` -> ``"01"``, ``"2a"`` -> ``"2A"``."""
    if not isinstance(value, str):
        return ""
    code = value.strip().upper()
    return code.zfill(2) if code.isdigit() and len(code) == 1 else code


_HEADCOUNT_KEYS: Final[dict[str, str]] = {
    **{taxonomy.fold(label): code for code, label in HEADCOUNT_BANDS.items()},
    **{code.lower(): code for code in HEADCOUNT_BANDS},
}


def _headcount_key(value: object) -> str:
    """INSEE band code for a band code or label (``"12"`` and ``"20 à 49 salariés"`` -> ``"12"``);
    other text folded, so that it still matches itself."""
    if not isinstance(value, str) or not value.strip():
        return ""
    folded = taxonomy.fold(value)
    return _HEADCOUNT_KEYS.get(folded, _HEADCOUNT_KEYS.get(value.strip().lower(), folded))


def _kind_codes(values: Iterable[str]) -> list[str]:
    """Kind codes from codes in any case or from wording (« Entreprise adaptée » -> EA)."""
    out: list[str] = []
    for value in values:
        code = str(value).strip().upper()
        found = [code] if code in KIND_CODES else list(kinds_from_text(str(value)))
        out.extend(c for c in found if c not in out)
    return out


# --- Index building blocks -------------------------------------------------------------------------


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def _list_cells(values: pd.Series) -> np.ndarray:
    """A list column as an object array of sequences: missing cells empty, a bare string one item."""
    cells = values.to_numpy(dtype=object)
    if set(map(type, cells)) <= {list, np.ndarray, tuple}:
        return cells
    fixed = np.empty(len(cells), dtype=object)
    fixed[:] = [c if type(c) in (list, np.ndarray, tuple) else ([c] if isinstance(c, str) and c else []) for c in cells]
    return fixed


def _flatten(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(row of each item, items) of a list column."""
    cells = _list_cells(values)
    lengths = np.fromiter(map(len, cells), dtype=np.int64, count=len(cells))
    items = np.empty(int(lengths.sum()), dtype=object)
    items[:] = list(chain.from_iterable(cells))
    return np.repeat(np.arange(len(cells), dtype=np.int64), lengths), items


def _small_codes(codes: np.ndarray, n_uniques: int) -> np.ndarray:
    return codes.astype(np.int16 if n_uniques < 2**15 - 1 else np.int32)


@dataclass(frozen=True)
class _Postings:
    """An inverted index: ``keys[i]`` -> ``rows[offsets[i]:offsets[i + 1]]`` (sorted, no repeats)."""

    keys: list[str]
    offsets: np.ndarray
    rows: np.ndarray

    @classmethod
    def build(cls, key_codes: np.ndarray, rows: np.ndarray, keys: Sequence[str]) -> _Postings:
        """From parallel arrays (key number, row); negative key numbers are dropped."""
        packed = key_codes.astype(np.int64)
        packed <<= 32
        packed |= rows
        return cls.from_packed(packed, keys)

    @classmethod
    def from_packed(cls, packed: np.ndarray, keys: Sequence[str]) -> _Postings:
        """From ``key << 32 | row`` values (int64, sorted here in place; negative keys dropped).

        One sort (numpy's SIMD sort) groups by key with rows ascending; repeats (a word twice in
        one text) are dropped. Few large temporaries: at a million rows there are tens of millions
        of values, and every large allocation costs."""
        packed.sort()
        offsets = np.searchsorted(packed, np.arange(len(keys) + 1, dtype=np.int64) << 32)
        keep = np.empty(len(packed), dtype=bool)
        keep[:1] = True
        np.not_equal(packed[1:], packed[:-1], out=keep[1:])
        keep[: offsets[0]] = False
        low = packed.view(np.int32)[0::2] if sys.byteorder == "little" else (packed & 0xFFFFFFFF).astype(np.int32)
        rows = low[keep]
        repeats = np.flatnonzero(~keep[offsets[0] :]) + offsets[0]  # few: count them per key
        kept = (
            np.diff(offsets)
            - np.bincount(np.searchsorted(offsets, repeats, side="right") - 1, minlength=len(keys))[: len(keys)]
        )
        return cls(list(keys), np.concatenate(([0], np.cumsum(kept))), rows)

    @cached_property
    def position(self) -> dict[str, int]:
        return {k: i for i, k in enumerate(self.keys)}

    def rows_of(self, key: str) -> np.ndarray:
        i = self.position.get(key)
        return self.rows[:0] if i is None else self.rows[self.offsets[i] : self.offsets[i + 1]]

    def span(self, lo: int, hi: int) -> np.ndarray:
        """Rows of keys ``lo`` to ``hi - 1`` (repeats possible across keys)."""
        return self.rows[self.offsets[lo] : self.offsets[hi]]

    def mark(self, mask: np.ndarray, key_numbers: Iterable[int]) -> None:
        for i in key_numbers:
            mask[self.rows[self.offsets[i] : self.offsets[i + 1]]] = True


@dataclass(frozen=True)
class _Category:
    """A text column as integer codes (-1 missing) and its distinct normalised values."""

    codes: np.ndarray
    uniques: list[str]

    @classmethod
    def build(cls, values: pd.Series, normalise=None) -> _Category:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        keys = [normalise(u) if normalise else str(u).strip() for u in uniques]
        # Different spellings of one value ("1" and "01") share one code.
        merged, remap = pd.factorize(pd.Series(keys, dtype=object))
        remap_codes = np.append(merged, -1)  # code -1 (missing) stays -1
        return cls(_small_codes(remap_codes[codes], len(remap)), [str(k) for k in remap])

    def mask(self, wanted: Iterable[str]) -> np.ndarray:
        """Rows whose value is one of ``wanted`` (already normalised)."""
        table = np.zeros(len(self.uniques) + 1, dtype=bool)  # last slot: missing (-1)
        position = {u: i for i, u in enumerate(self.uniques)}
        for w in wanted:
            if w in position:
                table[position[w]] = True
        return table[self.codes]

    def values(self) -> np.ndarray:
        """The column back as an object array of strings ("" where missing)."""
        return np.append(np.array(self.uniques, dtype=object), "")[self.codes]


@dataclass(frozen=True)
class _Vocabulary:
    """Sorted folded words with their postings; prefix and fuzzy lookups."""

    postings: _Postings
    lengths: np.ndarray

    @classmethod
    def of(cls, postings: _Postings) -> _Vocabulary:
        return cls(postings, np.fromiter(map(len, postings.keys), dtype=np.int16, count=len(postings.keys)))

    def prefix_range(self, word: str) -> tuple[int, int]:
        words = self.postings.keys
        return bisect_left(words, word), bisect_left(words, word + _PAST_LAST)

    def fuzzy(self, word: str) -> list[int]:
        """Numbers of the words with the same first letter within `fuzzy_budget` typos of ``word``."""
        budget = fuzzy_budget(word)
        if not budget:
            return []
        words = self.postings.keys
        lo, hi = bisect_left(words, word[0]), bisect_left(words, word[0] + _PAST_LAST)
        near = lo + np.flatnonzero(np.abs(self.lengths[lo:hi].astype(np.int32) - len(word)) <= budget)
        if not len(near):
            return []
        candidates = [words[i] for i in near]
        found = process.extract(word, candidates, scorer=OSA.distance, score_cutoff=budget, limit=None)
        return [int(near[i]) for _, _, i in found]


def _pa_strings(values: pd.Series):
    import pyarrow as pa

    try:
        array = pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        array = pa.array([v if isinstance(v, str) else None for v in values.to_numpy(dtype=object)])
    return array.cast(pa.large_string())


def _text_words(columns: Sequence[pd.Series]) -> _Postings:
    """Word -> rows over the text columns, words as `search_words` makes them.

    pyarrow cuts the texts at white space and numbers the distinct pieces in C++; the Python
    folding then runs once per distinct piece (``"d'Espaces-Verts,"`` -> espace, vert), a few
    thousand to a few hundred thousand times, never once per row."""
    import pyarrow as pa
    import pyarrow.compute as pc

    splits = [pc.ascii_split_whitespace(_pa_strings(values)) for values in columns]
    pieces = [pc.list_flatten(x) for x in splits]
    encoded = pc.dictionary_encode(pa.chunked_array(pieces, type=pa.large_string()))
    dictionary = encoded.chunks[-1].dictionary if encoded.num_chunks else pa.array([], pa.large_string())
    # One dictionary for all chunks; chunk boundaries are not promised (empty ones vanish): re-cut by length.
    all_ids = np.concatenate(
        [np.zeros(0, np.int32)] + [c.indices.to_numpy(zero_copy_only=False) for c in encoded.chunks]
    )
    ids = np.split(all_ids, np.cumsum([len(p) for p in pieces])[:-1])
    folded = [search_words(w) for w in dictionary.to_pylist()]
    vocabulary = sorted({w for ws in folded for w in ws})
    number = {w: i for i, w in enumerate(vocabulary)}
    first = np.array([number[ws[0]] if ws else -1 for ws in folded], dtype=np.int64)
    # Pieces of several words ("d'espaces-verts"): their other words, flat, piece by piece.
    n_extra = np.array([max(len(ws) - 1, 0) for ws in folded], dtype=np.int64)
    extra_start = np.concatenate(([0], np.cumsum(n_extra)[:-1])) if len(n_extra) else n_extra
    extra_words = np.array([number[w] for ws in folded for w in ws[1:]], dtype=np.int64)
    rows = [pc.list_parent_indices(split).to_numpy() for split in splits]
    extras = []
    for i, r in zip(ids, rows, strict=True):
        at = np.flatnonzero(n_extra[i] > 0) if len(extra_words) else i[:0]
        counts = n_extra[i[at]]
        within = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        extras.append((extra_words[np.repeat(extra_start[i[at]], counts) + within], np.repeat(r[at], counts)))
    # The (word << 32 | row) values are written straight into one array, column by column.
    packed = np.empty(sum(map(len, ids)) + sum(len(w) for w, _ in extras), dtype=np.int64)
    start = 0
    for i, r, (extra, extra_rows) in zip(ids, rows, extras, strict=True):
        for table, idx, row in ((first, i, r), (None, extra, extra_rows)):
            part = packed[start : start + len(idx)]
            if table is None:
                part[:] = idx
            else:
                np.take(table, idx, out=part, mode="clip")  # "raise" would buffer a copy
            part <<= 32
            part |= row
            start += len(idx)
    return _Postings.from_packed(packed, vocabulary)


def _label_words(sector_keys: Sequence[str]) -> tuple[_Vocabulary, list[np.ndarray]]:
    """Word -> sectors (numbers in ``sector_keys``) over the sectors' French labels (or the id
    itself for a sector the taxonomy does not know)."""
    labels = taxonomy.load_taxonomy().sector_labels
    word_sectors: dict[str, set[int]] = {}
    for i, sector in enumerate(sector_keys):
        for w in search_words(labels.get(sector, sector)):
            word_sectors.setdefault(w, set()).add(i)
    words = sorted(word_sectors)
    postings = _Postings(words, np.arange(len(words) + 1), np.arange(len(words), dtype=np.int32))
    return _Vocabulary.of(postings), [np.array(sorted(word_sectors[w]), dtype=np.int64) for w in words]


def _name_order(names: pd.Series) -> np.ndarray:
    """Row numbers in alphabetical order of name, case- and accent-insensitive, ties by row."""
    import pyarrow.compute as pc

    keys = pc.utf8_lower(_pa_strings(names).fill_null(""))
    accented = pc.invert(pc.string_is_ascii(keys))
    if pc.any(accented).as_py():  # only names with non-ASCII letters: "Élan" sorts with "elan"
        folded = pc.filter(keys, accented)
        for ligature, letters in (("œ", "oe"), ("æ", "ae")):
            if pc.any(pc.match_substring(folded, ligature)).as_py():
                folded = pc.replace_substring(folded, ligature, letters)
        folded = pc.replace_substring_regex(pc.utf8_normalize(folded, "NFKD"), r"[^\x00-\x7f]", "")
        keys = pc.replace_with_mask(keys, accented, folded.cast(keys.type))
    return pc.sort_indices(keys).to_numpy().astype(np.int32)  # a stable sort


# --- The index --------------------------------------------------------------------------------


@dataclass
class SearchIndex:
    """Everything `search` needs that does not depend on the query. Build once per directory."""

    frame: pd.DataFrame  # the directory, index reset to 0..n-1 (result rows are positions in it)
    lat: np.ndarray
    lon: np.ndarray
    kind_bits: np.ndarray  # bit i set: the supplier is of kind KIND_CODES[i]
    sectors: _Postings
    words: _Vocabulary  # name, trade name, description
    label_words: _Vocabulary  # sector labels -> sector numbers in `sectors`
    label_sectors: list[np.ndarray]
    naf: _Category
    departments: _Category
    regions: _Category
    epcis: _Category
    headcounts: _Category
    geo_order: np.ndarray  # located rows by increasing latitude
    geo_lat: np.ndarray  # their latitudes, sorted
    geo_lon: np.ndarray  # and longitudes
    area_national: np.ndarray  # rows serving the whole country
    area_departments: _Postings  # département code -> rows that serve it
    area_regions: _Postings
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
        columns count as empty). About 5 s for a million suppliers on 2 CPU."""
        import time

        clock, steps = time.perf_counter(), {}

        def step(name: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            steps[name] = now - clock
            clock = now

        frame = directory.reset_index(drop=True)
        n = len(frame)
        lat = pd.to_numeric(_column(frame, "lat"), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        lon = pd.to_numeric(_column(frame, "lon"), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        located = np.flatnonzero(~(np.isnan(lat) | np.isnan(lon)))
        geo_order = located[np.argsort(lat[located], kind="stable")].astype(np.int32)
        step("geo")

        rows, items = _flatten(_column(frame, "kinds"))
        codes, uniques = pd.factorize(items)
        bit_of = np.array([1 << KIND_CODES.index(k) if k in KIND_CODES else 0 for k in _kind_codes_each(uniques)])
        kind_bits = np.zeros(n, dtype=np.int32)
        if len(codes):
            np.bitwise_or.at(kind_bits, rows[codes >= 0], bit_of[codes[codes >= 0]].astype(np.int32))
        step("kinds")

        rows, items = _flatten(_column(frame, "sectors"))
        codes, uniques = pd.factorize(items)
        sectors = _Postings.build(codes, rows, [str(u) for u in uniques])
        label_words, label_sectors = _label_words(sectors.keys)
        step("sectors")

        words = _Vocabulary.of(_text_words([_column(frame, c) for c in ("name", "trade_name", "description")]))
        step("words")

        categories = {
            "naf": _Category.build(_column(frame, "naf"), _naf_key),
            "departments": _Category.build(_column(frame, "department"), _area_code),
            "regions": _Category.build(_column(frame, "region"), _area_code),
            "epcis": _Category.build(_column(frame, "epci")),
            "headcounts": _Category.build(_column(frame, "headcount_band"), _headcount_key),
        }
        step("categories")

        area_lists = {}
        for column in ("area_departments", "area_regions"):
            rows, items = _flatten(_column(frame, column))
            codes, uniques = pd.factorize(items)
            keys, remap = pd.factorize(pd.Series([_area_code(u) for u in uniques], dtype=object))
            area_lists[column] = _Postings.build(np.append(keys, -1)[codes], rows, [str(k) for k in remap])
        national = _column(frame, "area_national").fillna(False).to_numpy(dtype=bool)
        radius = pd.to_numeric(_column(frame, "area_radius_km"), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        with_radius = located[radius[located] >= 0]
        area_radius_order = with_radius[np.argsort(lat[with_radius], kind="stable")].astype(np.int32)
        step("areas")

        name_order = _name_order(_column(frame, "name"))
        name_rank = np.empty(n, dtype=np.int32)
        name_rank[name_order] = np.arange(n, dtype=np.int32)
        step("names")

        return cls(
            frame=frame,
            lat=lat,
            lon=lon,
            kind_bits=kind_bits,
            sectors=sectors,
            words=words,
            label_words=label_words,
            label_sectors=label_sectors,
            **categories,
            geo_order=geo_order,
            geo_lat=lat[geo_order],
            geo_lon=lon[geo_order],
            area_national=np.flatnonzero(national).astype(np.int32),
            area_departments=area_lists["area_departments"],
            area_regions=area_lists["area_regions"],
            area_radius=radius,
            area_radius_order=area_radius_order,
            area_radius_lat=lat[area_radius_order],
            area_radius_lon=lon[area_radius_order],
            area_radius_reach=float(radius[area_radius_order].max()) if len(area_radius_order) else 0.0,
            name_order=name_order,
            name_rank=name_rank,
            build_seconds=steps,
        )

    def __len__(self) -> int:
        return len(self.frame)

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


def _kind_codes_each(values: Iterable[object]) -> list[str]:
    """One kind code per value (first found; "" if none), for the directory side."""
    out = []
    for v in values:
        found = _kind_codes([str(v)]) if v is not None else []
        out.append(found[0] if found else "")
    return out


# --- Queries ------------------------------------------------------------------------------------


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
    limit: int | None = None  # rows returned; `total` counts them all
    near_department: str | None = None  # département of the buyer's place (for intervention areas)
    near_region: str | None = None  # région of the buyer's place
    include_intervention_area: bool = False  # also suppliers farther away whose declared area covers the place
    sort: str | None = None  # "distance", "name"; None: distance with a place, else directory order
    columns: tuple[str, ...] | None = None  # result columns (None: all); unknown names are ignored


@dataclass
class SearchResult:
    total: int  # all matches, whatever the limit
    results: pd.DataFrame  # matching rows (up to limit), with `distance_km` and `match_reason` columns
    sectors_used: tuple[str, ...] = field(default=())  # sectors searched (from CPV too)
    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # positions in index.frame
    corrections: dict[str, tuple[str, ...]] = field(default_factory=dict)  # typed word -> words found by typo
    words: tuple[str, ...] = ()  # the keywords searched (after folding, stop words dropped)


@dataclass(frozen=True)
class _Selection:
    rows: np.ndarray  # matching rows, in result order once sorted
    distance: np.ndarray  # km per row of `rows` (NaN without a place)
    by_area: np.ndarray  # bool per row of `rows`: matched through the intervention area only
    sectors_used: tuple[str, ...]
    corrections: dict[str, tuple[str, ...]]
    words: tuple[str, ...]


def _values(values: object) -> tuple[str, ...]:
    """Non-empty stripped strings of a filter; a bare string counts as one value (not as its letters)."""
    if values is None:
        return ()
    if isinstance(values, str):
        values = (values,)
    return tuple(v for v in (str(x).strip() for x in values if x is not None) if v)


def _clean(query: SearchQuery) -> SearchQuery:
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
        kinds=_values(query.kinds),
        sectors=_values(query.sectors),
        departments=_values(query.departments),
        regions=_values(query.regions),
        epcis=_values(query.epcis),
        headcount_bands=_values(query.headcount_bands),
        **text,
    )


def _and(mask: np.ndarray | None, other: np.ndarray) -> np.ndarray:
    if mask is None:
        return other
    mask &= other
    return mask


def _sectors_of(index: SearchIndex, query: SearchQuery, skip: frozenset[str]) -> tuple[str, ...]:
    labels = taxonomy.load_taxonomy().label_index
    sectors: list[str] = []
    if "sectors" not in skip:
        for s in query.sectors:
            s = str(s).strip()
            s = s if s in index.sectors.position else labels.get(taxonomy.fold(s), s)
            if s not in sectors:
                sectors.append(s)
    if query.cpv and "cpv" not in skip:
        sectors += [s for s in taxonomy.sectors_for_cpv(query.cpv) if s not in sectors]
    return tuple(sectors)


def _word_rows(index: SearchIndex, mask: np.ndarray, vocabulary: str, numbers: Iterable[int]) -> None:
    """Mark the rows of words of the texts' (``"text"``) or sector labels' (``"label"``) vocabulary."""
    if vocabulary == "text":
        index.words.postings.mark(mask, numbers)
    else:
        sectors = set(chain.from_iterable(index.label_sectors[i].tolist() for i in numbers))
        index.sectors.mark(mask, sorted(sectors))


def _keyword_mask(index: SearchIndex, words: Sequence[str]) -> tuple[np.ndarray, dict[str, tuple[str, ...]]]:
    """Rows where every query word matches a word of the texts or of the sector labels.

    A query word ``w`` matches an indexed (stemmed) word ``v`` that starts with ``w`` or equals
    ``_stem(w)``; and, for typos, a word ``v`` with the first letter of ``_stem(w)`` within
    `fuzzy_budget` edits (OSA distance) of it, when ``v`` alone is found in at least
    `FUZZY_RATIO` times as many rows as ``w`` (so a word found nowhere is always corrected, and a
    common word is not "corrected" into a rarer one: "vert" does not also find "vent")."""
    n = len(index)
    mask = np.ones(n, dtype=bool)
    corrections: dict[str, tuple[str, ...]] = {}
    vocabularies = {"text": index.words, "label": index.label_words}
    for word in words:
        stem = _stem(word)
        hits = np.zeros(n, dtype=bool)
        matched: dict[str, tuple[int, int, int | None]] = {}
        for name, vocab in vocabularies.items():
            lo, hi = vocab.prefix_range(word)
            exact = vocab.postings.position.get(stem)
            matched[name] = (lo, hi, exact)
            if name == "text":
                hits[vocab.postings.span(lo, hi)] = True
            else:
                _word_rows(index, hits, name, range(lo, hi))
            if exact is not None and not lo <= exact < hi:
                _word_rows(index, hits, name, [exact])
        found = int(np.count_nonzero(hits))
        candidates: dict[str, dict[str, int]] = {}  # close word -> vocabulary -> number
        for name, vocab in vocabularies.items():
            lo, hi, exact = matched[name]
            for i in vocab.fuzzy(stem):
                if not lo <= i < hi and i != exact:
                    candidates.setdefault(vocab.postings.keys[i], {})[name] = i
        used = []
        for close, where in sorted(candidates.items()):
            if set(where) == {"text"}:  # the postings say how many rows: no need to mark them to count
                i = where["text"]
                size = int(index.words.postings.offsets[i + 1] - index.words.postings.offsets[i])
                if size >= FUZZY_RATIO * found:
                    _word_rows(index, hits, "text", [i])
                    used.append(close)
                continue
            rows = np.zeros(n, dtype=bool)
            for name, i in where.items():
                _word_rows(index, rows, name, [i])
            if np.count_nonzero(rows) >= FUZZY_RATIO * found:
                hits |= rows
                used.append(close)
        if used:
            corrections[word] = tuple(used)
        mask &= hits
    return mask, corrections


def _filter_mask(index: SearchIndex, query: SearchQuery, skip: frozenset[str] = frozenset()):
    """The non-geographic filters as one boolean mask over the rows (None: no filter)."""
    n = len(index)
    mask: np.ndarray | None = None
    if query.kinds and "kinds" not in skip:
        wanted = 0
        for code in _kind_codes(query.kinds):
            wanted |= 1 << KIND_CODES.index(code)
        mask = _and(mask, (index.kind_bits & wanted) != 0)
    sectors = _sectors_of(index, query, skip)
    if (query.sectors and "sectors" not in skip) or (query.cpv and "cpv" not in skip):
        in_sector = np.zeros(n, dtype=bool)
        index.sectors.mark(in_sector, [index.sectors.position[s] for s in sectors if s in index.sectors.position])
        mask = _and(mask, in_sector)
    if query.naf and "naf" not in skip:
        key = _naf_key(query.naf)
        mask = _and(mask, index.naf.mask([u for u in index.naf.uniques if u.startswith(key)]))
    for name, category, normalise in (
        ("departments", index.departments, _area_code),
        ("regions", index.regions, _area_code),
        ("epcis", index.epcis, lambda v: str(v).strip()),
        ("headcount_bands", index.headcounts, _headcount_key),
    ):
        values = getattr(query, name)
        wanted = {normalise(v) for v in values} - {""} if name not in skip else set()
        if wanted:  # empty strings alone are no filter
            mask = _and(mask, category.mask(wanted))
    words: list[str] = []
    corrections: dict[str, tuple[str, ...]] = {}
    if query.q and "q" not in skip:
        words = query_words(query.q)
        if words:
            keyword_mask, corrections = _keyword_mask(index, words)
            mask = _and(mask, keyword_mask)
    return mask, sectors, corrections, tuple(words)


def _within_box(
    order: np.ndarray, lats: np.ndarray, lons: np.ndarray, lat0: float, lon0: float, reach_km: float
) -> np.ndarray:
    """Rows of ``order`` (sorted by latitude, with their ``lats`` and ``lons``) that can be within
    ``reach_km`` of the point: a latitude band (two binary searches), then the widest longitude span
    of a spherical cap (``sin Δλ = sin d / cos φ0``), across the ±180° meridian too. A superset of the
    disc (margins of 0.1 %); the caller computes distances on what is left."""
    d = reach_km / EARTH_RADIUS_KM
    dlat = math.degrees(d) * 1.001 + 1e-9
    lo = int(np.searchsorted(lats, lat0 - dlat, side="left"))
    hi = int(np.searchsorted(lats, lat0 + dlat, side="right"))
    cos0 = math.cos(math.radians(lat0))
    if d >= math.pi / 2 or math.sin(d) >= cos0:  # the cap reaches a pole: every longitude
        return order[lo:hi]
    dlon = math.degrees(math.asin(math.sin(d) / cos0)) * 1.001 + 1e-9
    delta = np.abs(lons[lo:hi] - lon0)
    return order[lo:hi][np.minimum(delta, 360.0 - delta) <= dlon]


def _select(index: SearchIndex, query: SearchQuery, skip: frozenset[str] = frozenset(), prepared=None) -> _Selection:
    """Matching rows (unsorted), their distances and why they matched."""
    mask, sectors, corrections, words = prepared or _filter_mask(index, query, skip)
    if query.near is not None and query.radius_km is not None:
        lat0, lon0 = (float(v) for v in query.near)
        radius = max(float(query.radius_km), 0.0)
        rows = _within_box(index.geo_order, index.geo_lat, index.geo_lon, lat0, lon0, radius)
        if mask is not None:
            rows = rows[mask[rows]]
        distance = haversine_km(index.lat[rows], index.lon[rows], lat0, lon0)
        near = distance <= radius
        rows, distance = rows[near].astype(np.int64), distance[near]
        by_area = np.zeros(len(rows), dtype=bool)
        if query.include_intervention_area:
            area_rows = _area_rows(index, query, lat0, lon0, mask)
            area_rows = area_rows[~np.isin(area_rows, rows, kind="table")] if len(rows) else area_rows
            rows = np.concatenate([rows, area_rows])
            distance = np.concatenate([distance, haversine_km(index.lat[area_rows], index.lon[area_rows], lat0, lon0)])
            by_area = np.concatenate([by_area, np.ones(len(area_rows), dtype=bool)])
        return _Selection(rows, distance, by_area, sectors, corrections, words)
    rows = np.arange(len(index), dtype=np.int64) if mask is None else np.flatnonzero(mask)
    if query.near is not None:
        distance = haversine_km(index.lat[rows], index.lon[rows], *(float(v) for v in query.near))
    else:
        distance = np.full(len(rows), np.nan)
    return _Selection(rows, distance, np.zeros(len(rows), dtype=bool), sectors, corrections, words)


def _area_rows(index: SearchIndex, query: SearchQuery, lat0: float, lon0: float, mask: np.ndarray | None) -> np.ndarray:
    """Rows (sorted) whose declared intervention area covers the buyer's place: national, the place's
    département or région listed, or the place within the supplier's own radius; and ``mask``."""
    covered = np.zeros(len(index), dtype=bool)
    covered[index.area_national] = True
    if query.near_department:
        covered[index.area_departments.rows_of(_area_code(query.near_department))] = True
    if query.near_region:
        covered[index.area_regions.rows_of(_area_code(query.near_region))] = True
    if len(index.area_radius_order):
        reach = index.area_radius_reach
        rows = _within_box(index.area_radius_order, index.area_radius_lat, index.area_radius_lon, lat0, lon0, reach)
        if mask is not None:
            rows = rows[mask[rows]]
        distance = haversine_km(index.lat[rows], index.lon[rows], lat0, lon0)
        covered[rows[distance <= index.area_radius[rows]]] = True
    if mask is not None:
        covered &= mask
    return np.flatnonzero(covered)


def _order(index: SearchIndex, selection: _Selection, query: SearchQuery) -> np.ndarray:
    """Positions in `selection.rows` in result order: by distance (unknown last; ties by row),
    by name (case- and accent-insensitive; ties by row) or by row."""
    rows = selection.rows
    sort = query.sort if query.sort in SORTS else None
    if sort == "name":
        if len(rows) > len(index) // 16:  # many rows: walk the precomputed name order once
            position = np.full(len(index), -1, dtype=np.int64)
            position[rows] = np.arange(len(rows))
            found = position[index.name_order]
            return found[found >= 0]
        return np.argsort(index.name_rank[rows], kind="stable")
    by_row = np.argsort(rows, kind="stable")
    if query.near is None:
        return by_row
    return by_row[np.argsort(selection.distance[by_row], kind="stable")]


def search(index: SearchIndex, query: SearchQuery) -> SearchResult:
    """Suppliers matching every filter of ``query``, sorted, with ``distance_km`` (NaN without a
    place or location) and ``match_reason`` ("distance", "zone d'intervention", "" without a place)."""
    query = _clean(query)
    selection = _select(index, query)
    order = _order(index, selection, query)
    total = len(order)
    if query.limit is not None:
        order = order[: max(int(query.limit), 0)]
    rows = selection.rows[order]
    frame = index.frame
    if query.columns is not None:  # fewer columns, less to copy: each costs about 1.5 ms per 40,000 rows
        frame = frame[[c for c in dict.fromkeys(query.columns) if c in frame.columns]]
    results = frame.take(rows)
    results["distance_km"] = selection.distance[order]
    if query.near is None:
        reason = np.full(len(rows), "", dtype=object)
    else:
        reason = np.where(selection.by_area[order], MATCH_AREA, MATCH_DISTANCE).astype(object)
    results["match_reason"] = reason
    return SearchResult(
        total=total,
        results=results,
        sectors_used=selection.sectors_used,
        rows=rows,
        corrections=selection.corrections,
        words=selection.words,
    )


def count(index: SearchIndex, query: SearchQuery) -> int:
    """Number of matches (what `search(...).total` says, without building the result table)."""
    return len(_select(index, _clean(query)).rows)


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
    query = _clean(query)
    radius_counts: list[tuple[float, int]] = []
    if query.near is not None and query.radius_km is not None:
        prepared = _filter_mask(index, query)
        for r in radii:
            if r > query.radius_km:
                radius_counts.append(
                    (float(r), len(_select(index, replace(query, radius_km=r), prepared=prepared).rows))
                )
    active = {
        "kinds": bool(query.kinds),
        "sectors": bool(query.sectors),
        "cpv": bool(query.cpv),
        "q": bool(query_words(query.q)),
        "naf": bool(query.naf),
        "departments": bool(query.departments),
        "regions": bool(query.regions),
        "epcis": bool(query.epcis),
        "headcount_bands": bool(query.headcount_bands),
    }
    by_filter = {name: len(_select(index, query, skip=frozenset({name})).rows) for name, on in active.items() if on}
    return Widening(radius_counts, by_filter)
