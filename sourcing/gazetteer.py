"""Offline French gazetteer: communes, postal codes, départements, régions and EPCI.

Everything here works from the committed CSV files under ``data/geo/`` (built by
``data/build_gazetteer.py``); nothing touches the network.

Public API:

- ``normalise_place_name`` / ``normalise_place_names``: canonical upper-case ASCII spelling of a place name;
  ``place_key`` / ``place_keys``: the same without articles and CEDEX, for matching.
- ``normalise_postal_code(s)``, ``normalise_department(s)``, ``normalise_insee_code(s)``: tolerant code
  cleaning, scalar and vectorised; ``department_of_postal_code(s)``.
- ``Gazetteer.load()``: the tables (``communes``, ``departments``, ``regions``, ``epcis``, ``postal_codes``),
  loaded once per process, with ``resolve`` (what a buyer types -> ``Resolution``), ``suggest``
  (autocomplete -> ``Candidate`` list) and ``geocode`` (vectorised cascade for imported supplier lists).
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

GEO_DIR_ENV: Final[str] = "SOURCING_GEO_DIR"
DEFAULT_GEO_DIR: Final[Path] = Path(__file__).resolve().parents[1] / "data" / "geo"

# --- Name normalisation -------------------------------------------------------------------

# Abbreviations found in La Poste "libellés d'acheminement" and in hand-typed lists.
_ABBREVIATIONS: Final[dict[str, str]] = {
    "ST": "SAINT",
    "STE": "SAINTE",
    "STS": "SAINTS",
    "STES": "SAINTES",
    "MT": "MONT",
    "MTS": "MONTS",
    "GD": "GRAND",
    "GDE": "GRANDE",
    "GDS": "GRANDS",
    "GDES": "GRANDES",
}
# Replaced before upper-casing: Python and pyarrow upper-case "ß" differently.
_LIGATURES: Final[dict[str, str]] = {"Œ": "OE", "œ": "OE", "Æ": "AE", "æ": "AE", "ß": "SS", "ẞ": "SS"}
_ARTICLES: Final[frozenset[str]] = frozenset({"LE", "LA", "LES", "L"})

# Each step is (pattern, replacement) so the scalar and vectorised paths apply the very same rules.
_STEPS: Final[tuple[tuple[str, str], ...]] = (
    (r"[^A-Z0-9/]+", " "),  # hyphens, apostrophes, dots, parentheses... (the text is ASCII from here on)
    (r"\bS ?/", " SUR "),  # "BAR S/ AUBE"
    (r"/", " "),
    (r"\bARR(?:ONDISSEMENT|T)?\b", " "),  # "Paris 15e Arrondissement" -> "PARIS 15"
    (r"\b0*(\d+)(?:E|EME|ER|ERE|IEME)\b", r"\1"),  # ordinals: 1ER, 15E, 03EME -> 1, 15, 3
    (r"\b0+(\d)", r"\1"),  # "MARSEILLE 07" -> "MARSEILLE 7"
    *((rf"\b{short}\b", long) for short, long in _ABBREVIATIONS.items()),
    (r" +", " "),  # no \s: pandas would leave pyarrow's RE2 for Python's re
)
_COMPILED_STEPS: Final[tuple[tuple[re.Pattern[str], str], ...]] = tuple((re.compile(p), r) for p, r in _STEPS)
_CEDEX_RE: Final[str] = r"\bCEDEX\b.*$"
_COMBINING_RE: Final[str] = "[\u0300-\u036f]"  # real characters: RE2 (pyarrow) has no \\u escape


def _ascii_upper(s: str) -> str:
    decomposed = unicodedata.normalize("NFKD", s)
    stripped = re.sub(_COMBINING_RE, "", decomposed)
    for lig, rep in _LIGATURES.items():
        stripped = stripped.replace(lig, rep)
    return stripped.upper()


def normalise_place_name(s: str | None) -> str:
    """Canonical spelling of a place name, for comparisons.

    Rule: accents removed, upper-case ASCII, every non-alphanumeric run (hyphen, apostrophe, dot,
    parenthesis...) becomes one space, "S/" becomes "SUR", ST/STE/MT/GD... are expanded, ordinals and
    arrondissement words are reduced ("Paris 15e Arrondissement" -> "PARIS 15", "MARSEILLE 07" ->
    "MARSEILLE 7"), spaces are collapsed. Articles are kept. ``None`` gives "".
    """
    if s is None or (isinstance(s, float) and np.isnan(s)):
        return ""
    out = _ascii_upper(str(s))
    for pattern, repl in _COMPILED_STEPS:
        out = pattern.sub(repl, out)
    return out.strip()


def _strip_articles(name: str) -> str:
    """Drop one leading and one trailing article: "LE PLESSIS GASSOT", "TARDIERE LA" -> core name."""
    tokens = name.split(" ")
    if len(tokens) > 1 and tokens[0] in _ARTICLES:
        tokens = tokens[1:]
    if len(tokens) > 1 and tokens[-1] in _ARTICLES:
        tokens = tokens[:-1]
    return " ".join(tokens)


def place_key(s: str | None) -> str:
    """Matching key of a place name: normalised, CEDEX mention removed, leading/trailing article dropped.

    Two spellings of the same commune ("Le Plessis-Gassot", "PLESSIS GASSOT", "Plessis-Gassot (Le)",
    "LE PLESSIS GASSOT CEDEX 2") share one key.
    """
    name = re.sub(_CEDEX_RE, "", normalise_place_name(s)).strip()
    return _strip_articles(name)


def _factorised(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Codes and unique non-null values as a string Series, so per-value work runs once per distinct value."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes, pd.Series(np.asarray(uniques, dtype=object), dtype="string")


def _expand(codes: np.ndarray, uniques_out: pd.Series, index: pd.Index, fill: str | None) -> pd.Series:
    out = np.asarray(uniques_out.to_numpy(dtype=object, na_value=fill), dtype=object)
    result = np.where(codes >= 0, out[np.clip(codes, 0, None)] if len(out) else fill, fill)
    return pd.Series(result, index=index, dtype="object")


def _normalise_unique(u: pd.Series) -> pd.Series:
    out = u.str.normalize("NFKD").str.replace(_COMBINING_RE, "", regex=True)
    for lig, rep in _LIGATURES.items():
        out = out.str.replace(lig, rep, regex=False)
    out = out.str.upper()
    for pattern, repl in _STEPS:
        out = out.str.replace(pattern, repl, regex=True)
    return out.str.strip()


def normalise_place_names(values: pd.Series) -> pd.Series:
    """Vectorised ``normalise_place_name``: same rules, computed once per distinct value; nulls give ""."""
    codes, uniques = _factorised(values)
    return _expand(codes, _normalise_unique(uniques), values.index, "")


def _keys_of_unique(u: pd.Series) -> pd.Series:
    out = _normalise_unique(u).str.replace(_CEDEX_RE, "", regex=True).str.strip()
    articles = "|".join(sorted(_ARTICLES))
    # No look-around: pyarrow's RE2 engine has none.
    out = out.str.replace(rf"^(?:{articles}) ([^ ])", r"\1", regex=True)
    return out.str.replace(rf"([^ ]) (?:{articles})$", r"\1", regex=True)


def place_keys(values: pd.Series) -> pd.Series:
    """Vectorised ``place_key``; nulls give ""."""
    codes, uniques = _factorised(values)
    return _expand(codes, _keys_of_unique(uniques), values.index, "")


# --- Code normalisation -------------------------------------------------------------------

_POSTAL_RE: Final[re.Pattern[str]] = re.compile(r"^\d{5}$")
_INSEE_RE: Final[re.Pattern[str]] = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
# Départements of metropolitan France and the five DROM; COM codes (975, 977, 978, 984, 986-989) are real
# codes too but the gazetteer has no commune geometry for them.
_DEPARTMENTS: Final[frozenset[str]] = frozenset(
    [f"{i:02d}" for i in range(1, 96) if i != 20]
    + ["2A", "2B", "971", "972", "973", "974", "976", "975", "977", "978", "984", "986", "987", "988", "989"]
)


def _clean_code(s: object) -> str:
    if s is None or (isinstance(s, float) and np.isnan(s)) or s is pd.NA:
        return ""
    text = str(s).strip().upper()
    return re.sub(r"[\s.\-]", "", text)


def normalise_postal_code(s: object) -> str | None:
    """Five-digit postal code, or None.

    Rule: spaces/dots removed, a "F-"/"FR" prefix dropped, a float rendering ("1500.0") and a lost
    leading zero ("1500" from a spreadsheet) repaired; anything else that is not five digits is None.
    """
    if s is None or (isinstance(s, float) and np.isnan(s)) or s is pd.NA:
        return None
    text = re.sub(r"^(\d{4,5})[.,]0$", r"\1", str(s).strip())
    text = re.sub(r"^(?:FR|F)", "", _clean_code(text))
    if re.fullmatch(r"\d{4}", text):
        text = "0" + text
    return text if _POSTAL_RE.match(text) else None


def normalise_postal_codes(values: pd.Series) -> pd.Series:
    """Vectorised ``normalise_postal_code`` (object Series of str/None), once per distinct value."""
    codes, uniques = _factorised(values.astype(object))
    return _expand(codes, _postal_codes_of_unique(uniques), values.index, None)


def _postal_codes_of_unique(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip().str.upper()
    text = text.str.replace(r"\.0$|,0$", "", regex=True).str.replace(r"[\s.\-]", "", regex=True)
    text = text.str.replace(r"^(?:FR|F)", "", regex=True)
    text = text.where(~text.str.fullmatch(r"\d{4}").fillna(False), "0" + text)
    ok = text.str.fullmatch(r"\d{5}").fillna(False)
    return pd.Series(np.where(ok, text.to_numpy(dtype=object, na_value=None), None), index=values.index, dtype="object")


def department_of_postal_code(postal_code: str | None) -> str | None:
    """Département implied by a postal code's leading digits (Corsica: 200xx/201xx -> 2A, else 2B).

    A postal code can cross a département border (05110 serves communes of the 04): the result is only
    a hint, used when nothing better is known.
    """
    if not postal_code or not _POSTAL_RE.match(postal_code):
        return None
    if postal_code in _COM_POSTAL_CODES:
        code = _COM_POSTAL_CODES[postal_code]
    elif postal_code.startswith("97") or postal_code.startswith("98"):
        code = postal_code[:3]
    elif postal_code.startswith("20"):
        code = "2A" if postal_code[2] in "01" else "2B"
    else:
        code = postal_code[:2]
    return code if code in _DEPARTMENTS else None


# Saint-Barthélemy and Saint-Martin kept Guadeloupe's 971xx postal codes when they left it in 2007.
_COM_POSTAL_CODES: Final[dict[str, str]] = {"97133": "977", "97150": "978"}
# Overseas collectivities: real codes, but no commune of theirs is in the gazetteer.
OVERSEAS_COLLECTIVITIES: Final[frozenset[str]] = frozenset({"975", "977", "978", "984", "986", "987", "988", "989"})


def normalise_department(s: object, postal_code: str | None = None) -> str | None:
    """Département code ("01", "2A", "971") from what a file holds, or None.

    Rule: "1"/"001" -> "01", "2a"/"02A" -> "2A", ASP sub-codes such as "59L"/"59V" -> "59", "971" kept;
    "20" (pre-1976 Corsica) becomes 2A or 2B from the postal code when one is given, else None; a code that
    is not a département is None.
    """
    text = _clean_code(s)
    if re.fullmatch(r"0\d{2}|0\d[AB]", text):
        text = text[1:]
    if re.fullmatch(r"\d", text):
        text = "0" + text
    match = re.fullmatch(r"(\d{2})[C-Z]", text)
    if match:
        text = match.group(1)
    if text == "20":
        return department_of_postal_code(normalise_postal_code(postal_code)) if postal_code else None
    return text if text in _DEPARTMENTS else None


def normalise_departments(values: pd.Series, postal_codes: pd.Series | None = None) -> pd.Series:
    """Vectorised ``normalise_department``; ``postal_codes`` (same index) settles "20"."""
    codes, uniques = _factorised(values)
    cleaned = pd.Series(
        [normalise_department(v) for v in uniques.to_numpy(dtype=object, na_value=None)], dtype="object"
    )
    out = _expand(codes, cleaned, values.index, None)
    if postal_codes is not None:
        is_corsica = _expand(
            codes, uniques.str.strip().str.fullmatch(r"0?20").fillna(False).astype(object), values.index, False
        ).astype(bool)
        if is_corsica.any():
            hints = departments_of_postal_codes(normalise_postal_codes(postal_codes[is_corsica]))
            out[is_corsica] = hints
    return out


def departments_of_postal_codes(postal_codes: pd.Series) -> pd.Series:
    """Vectorised ``department_of_postal_code`` on already normalised postal codes."""
    pc = postal_codes.astype("string")
    dom = pc.str.slice(0, 3)
    metro = pc.str.slice(0, 2)
    corsica = np.where(pc.str.slice(2, 3).isin(["0", "1"]).fillna(False), "2A", "2B")
    guess = np.where(
        pc.str.match(r"9[78]").fillna(False),
        dom.to_numpy(dtype=object, na_value=None),
        np.where(
            metro.to_numpy(dtype=object, na_value="") == "20", corsica, metro.to_numpy(dtype=object, na_value=None)
        ),
    )
    guess = np.where(
        pc.isin(list(_COM_POSTAL_CODES)).fillna(False),
        pc.map(_COM_POSTAL_CODES).to_numpy(dtype=object, na_value=None),
        guess,
    )
    valid = pd.Series(guess, index=postal_codes.index, dtype="object").isin(_DEPARTMENTS)
    return pd.Series(np.where(valid & pc.notna().to_numpy(), guess, None), index=postal_codes.index, dtype="object")


def normalise_insee_code(s: object) -> str | None:
    """INSEE commune code ("59350", "2A004"), a lost leading zero repaired ("1001" -> "01001"), else None."""
    text = _clean_code(s)
    if re.fullmatch(r"\d{4}", text):
        text = "0" + text
    return text if _INSEE_RE.match(text) else None


def normalise_insee_codes(values: pd.Series) -> pd.Series:
    """Vectorised ``normalise_insee_code``, once per distinct value."""
    codes, uniques = _factorised(values.astype(object))
    return _expand(codes, _insee_codes_of_unique(uniques), values.index, None)


def _insee_codes_of_unique(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip().str.upper().str.replace(r"[\s.\-]", "", regex=True)
    text = text.where(~text.str.fullmatch(r"\d{4}").fillna(False), "0" + text)
    ok = text.str.fullmatch(r"\d{5}|2[AB]\d{3}").fillna(False)
    return pd.Series(np.where(ok, text.to_numpy(dtype=object, na_value=None), None), index=values.index, dtype="object")


# --- Records ------------------------------------------------------------------------------

Status = Literal["ok", "ambiguous", "not_found"]
PlaceKind = Literal["commune", "postal_code", "department", "region"]
CURRENT_TYPES: Final[tuple[str, ...]] = ("commune", "arrondissement")
_TYPE_RANK: Final[dict[str, int]] = {"commune": 0, "arrondissement": 1, "deleguee": 2, "associee": 3, "ancienne": 4}
_TYPE_LABELS: Final[dict[str, str]] = {
    "deleguee": "commune déléguée",
    "associee": "commune associée",
    "ancienne": "ancienne commune",
}


@dataclass(frozen=True)
class Candidate:
    """One place offered to the buyer: an ambiguity candidate, a suggestion or an autocomplete entry."""

    kind: PlaceKind
    code: str  # INSEE code, postal code, département or région code
    label: str  # French, e.g. "Saint-Denis (93)"
    lat: float
    lon: float
    insee_code: str | None = None
    department: str | None = None
    region: str | None = None
    population: int | None = None
    former_name: str | None = None  # a delegated/former commune's own name, when the match went through it
    current_name: str | None = None  # official name of the current commune (or arrondissement)


@dataclass(frozen=True)
class Resolution:
    """What a typed place resolved to. ``candidates`` lists the choices when ambiguous (or suggestions)."""

    status: Status
    kind: PlaceKind | None = None
    code: str | None = None
    label: str | None = None
    lat: float | None = None
    lon: float | None = None
    department: str | None = None
    region: str | None = None
    insee_code: str | None = None
    candidates: tuple[Candidate, ...] = ()
    message: str = ""


GEOCODE_COLUMNS: Final[tuple[str, ...]] = (
    "insee_code",
    "city",
    "postal_code",
    "department",
    "region",
    "epci",
    "lat",
    "lon",
    "geo_precision",
)


def _dept_of_insee(code: str | None) -> str | None:
    if not code:
        return None
    return code[:3] if code.startswith("97") else code[:2]


def _pipe(*parts: pd.Series) -> pd.Series:
    """Element-wise "a|b" join of string Series (missing parts as "")."""
    out = parts[0].fillna("").astype(str)
    for part in parts[1:]:
        out = out + "|" + part.fillna("").astype(str)
    return out


# --- The gazetteer ------------------------------------------------------------------------


def _cache_file(directory: Path) -> Path | None:
    """Where the built gazetteer of `directory` is cached, named by a hash of what it is built from."""
    try:
        files = sorted(p for p in directory.iterdir() if p.suffix in (".csv", ".geojson"))
        digest = hashlib.sha1(Path(__file__).read_bytes())
        for f in files:
            st = f.stat()
            digest.update(f"{f.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    except OSError:
        return None
    return Path(__file__).resolve().parents[1] / ".cache" / f"gazetteer-{digest.hexdigest()[:16]}.pickle"


class Gazetteer:
    """Communes, départements, régions and EPCI, with the indexes that resolve and geocode use.

    ``communes`` holds one row per (code, type, name): types "commune" and "arrondissement" are current,
    "deleguee"/"associee"/"ancienne" carry ``parent_insee``, the current commune they now belong to, and
    their own point when one is known.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.communes = self._read_communes(directory)
        self.departments = self._read_areas(directory / "departements.csv")
        self.regions = self._read_areas(directory / "regions.csv")
        self.epcis = pd.read_csv(directory / "epci.csv", dtype=str, keep_default_na=False)
        self.postal_names = pd.read_csv(directory / "postal_names.csv", dtype=str, keep_default_na=False)
        self._build_targets()
        self._build_indexes()
        # The name lookup (resolve) and the autocomplete index (suggest) are built on first use:
        # an import that only geocodes does not pay for them (about 0.5 s at start-up).

    _LAZY: Final[dict[str, str]] = {
        **dict.fromkeys(
            ("_rows_by_key", "_pn_rows_by_key", "_dept_by_key", "_region_by_key", "_dept_pos", "_postal_sets"),
            "_build_name_lookup",
        ),
        **dict.fromkeys(
            ("_sg_names", "_sg_rows", "_sg_pop", "_sg_postal", "_sg_insee", "_sg_insee_rows", "_sg_areas"),
            "_build_suggest",
        ),
    }

    def __getattr__(self, name: str):
        # Only called when normal lookup fails, i.e. for a lazily built index not built yet.
        builder = Gazetteer._LAZY.get(name)
        if builder is None:
            raise AttributeError(name)
        getattr(self, builder)()
        return self.__dict__[name]

    @classmethod
    @functools.lru_cache(maxsize=4)
    def load(cls, directory: str | None = None) -> Gazetteer:
        """The gazetteer of ``directory`` (default: $SOURCING_GEO_DIR, else data/geo), loaded once per process.

        Building the indexes takes about 1 s; the built object is kept in the project's `.cache/`
        (a pickle written by this code only, keyed on the data files and this module's source), so a
        new process (the CLI, a benchmark run) loads it in about 0.05 s.
        """
        path = Path(directory or os.environ.get(GEO_DIR_ENV) or DEFAULT_GEO_DIR)
        cache = _cache_file(path)
        if cache is not None and cache.exists():
            try:
                with open(cache, "rb") as fh:
                    loaded = pickle.load(fh)
                if isinstance(loaded, cls):
                    return loaded
            except Exception:  # a stale or damaged cache is rebuilt, never trusted
                pass
        built = cls(path)
        if cache is not None:
            try:
                cache.parent.mkdir(parents=True, exist_ok=True)
                tmp = cache.with_suffix(f".{os.getpid()}.tmp")
                with open(tmp, "wb") as fh:
                    pickle.dump(built, fh, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, cache)  # atomic: a concurrent reader never sees half a file
            except OSError:
                pass
        return built

    # --- loading ------------------------------------------------------------------------

    @staticmethod
    def _read_communes(directory: Path) -> pd.DataFrame:
        df = pd.read_csv(directory / "communes.csv", dtype=str, keep_default_na=False, na_values=[""])
        df["population"] = pd.to_numeric(df["population"]).astype("Int64")
        df["lat"] = df["lat"].astype(float)
        df["lon"] = df["lon"].astype(float)
        df["key"] = place_keys(df["name"]).astype(str)
        return df

    @staticmethod
    def _read_areas(path: Path) -> pd.DataFrame:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        df["population"] = pd.to_numeric(df["population"]).astype("Int64")
        df["lat"] = df["lat"].astype(float)
        df["lon"] = df["lon"].astype(float)
        df["key"] = place_keys(df["name"]).astype(str)
        return df

    def _build_targets(self) -> None:
        """Per communes row: the current entity it stands for (its own code, or its parent's)."""
        c = self.communes
        current = c["type"].isin(CURRENT_TYPES).to_numpy()
        self._is_current = current
        target = np.where(current, c["insee_code"].to_numpy(dtype=object), c["parent_insee"].to_numpy(dtype=object))
        self._t_insee = target.astype(object)
        cur = c[current]
        name_of = pd.Series(cur["name"].to_numpy(), index=cur["insee_code"].to_numpy())
        self._t_name = name_of.reindex(target).to_numpy(dtype=object)
        self._rank = c["type"].map(_TYPE_RANK).to_numpy() * 10**9 - c["population"].fillna(0).to_numpy(
            dtype=np.int64
        ).clip(0, 10**9 - 1)
        # Postal code of the entity when it has exactly one (filled in geocode output if none was given).
        pcs = c["postal_codes"].fillna("")
        self._t_postal = np.where(pcs.str.contains(" ") | (pcs == ""), None, pcs).astype(object)
        # Communes split into arrondissements (Paris, Lyon, Marseille) give way to them on postal codes.
        self._plm = set(c.loc[c["type"] == "arrondissement", "parent_insee"])
        self._row_of_current = pd.Series(np.flatnonzero(current), index=cur["insee_code"].to_numpy())

    def _build_indexes(self) -> None:
        c = self.communes
        rows = np.arange(len(c))
        order = np.lexsort((rows, self._rank))  # best row first within any key

        def index_of(keys: pd.Series, row_ids: np.ndarray, rank: np.ndarray) -> tuple[pd.Index, np.ndarray]:
            frame = pd.DataFrame({"k": keys.to_numpy(dtype=object), "row": row_ids, "rank": rank})
            frame = frame.sort_values(["rank", "row"], kind="stable").drop_duplicates("k")
            return pd.Index(frame["k"].to_numpy(dtype=object)), frame["row"].to_numpy()

        self._idx_insee = index_of(c["insee_code"].iloc[order], rows[order], self._rank[order])
        self._idx_insee_key = index_of(_pipe(c["insee_code"], c["key"]), rows, self._rank)

        # (postal code, key): the rows' own postal codes first, then La Poste names of current entities.
        own = c.loc[~c["insee_code"].isin(self._plm) | ~self._is_current, ["postal_codes", "key"]].copy()
        own["row"] = own.index.to_numpy()
        own = own.assign(postal=own["postal_codes"].str.split(" ")).explode("postal").dropna(subset=["postal"])
        pn = self.postal_names
        pn_rows = self._row_of_current.reindex(pn["insee_code"].to_numpy()).to_numpy()
        ok = ~np.isnan(pn_rows)
        pn_frame = pd.DataFrame(
            {
                "postal": pn["postal_code"].to_numpy()[ok],
                "key": place_keys(pn["name"]).to_numpy()[ok],
                "row": pn_rows[ok].astype(np.int64),
            }
        )
        # A La Poste name can cover several communes ("PARIS" under 75015 also names Issy-les-Moulineaux,
        # "MARSEILLE" under 13004 also the 12e): prefer the commune whose own postal codes include that code.
        own_pairs = pd.Index(_pipe(own["postal"], own["row"].astype(str)))
        foreign = ~_pipe(pn_frame["postal"], pn_frame["row"].astype(str)).isin(own_pairs)
        pk = pd.concat(
            [own[["postal", "key", "row"]].assign(src=0), pn_frame.assign(src=1 + foreign.to_numpy(dtype=np.int64))],
            ignore_index=True,
        )
        pk["rank"] = pk["src"] * 10**12 + self._rank[pk["row"].to_numpy()]
        self._pk_frame = pk
        self._idx_postal_key = index_of(_pipe(pk["postal"], pk["key"]), pk["row"].to_numpy(), pk["rank"].to_numpy())

        # (département, key): unique current entity only; former names only where no current name exists.
        dk = pd.concat(
            [
                pd.DataFrame({"dept": c["department"].to_numpy(), "key": c["key"].to_numpy(), "row": rows}),
                pn_frame.assign(dept=c["department"].to_numpy()[pn_frame["row"].to_numpy()])[["dept", "key", "row"]],
            ],
            ignore_index=True,
        )
        dk["k"] = _pipe(dk["dept"], dk["key"])
        dk["t"] = self._t_insee[dk["row"].to_numpy()]
        dk["current"] = self._is_current[dk["row"].to_numpy()] & (
            c["key"].to_numpy()[dk["row"].to_numpy()] == dk["key"].to_numpy()
        )
        dk["rank"] = self._rank[dk["row"].to_numpy()]
        has_current = dk.groupby("k")["current"].transform("any")
        dk = dk[dk["current"] | ~has_current]
        unique = dk.groupby("k")["t"].transform("nunique") == 1
        self._dk_frame = dk
        self._idx_dept_key = index_of(
            dk.loc[unique, "k"], dk.loc[unique, "row"].to_numpy(), dk.loc[unique, "rank"].to_numpy()
        )
        # Name alone, for rows with neither postal code nor département: only names unique in France.
        nk = dk[["key", "row", "t", "current", "rank"]]
        nk = nk[nk["current"] | ~nk.groupby("key")["current"].transform("any")]
        unique = nk.groupby("key")["t"].transform("nunique") == 1
        self._idx_key = index_of(
            nk.loc[unique, "key"], nk.loc[unique, "row"].to_numpy(), nk.loc[unique, "rank"].to_numpy()
        )

        # Postal code alone: the current entities that use it.
        cur = c[self._is_current & ~c["insee_code"].isin(self._plm).to_numpy()]
        ex = cur.assign(postal=cur["postal_codes"].str.split(" ")).explode("postal").dropna(subset=["postal"])
        ex = ex.assign(row=ex.index.to_numpy())
        g = ex.groupby("postal", sort=True)
        first = g[["row", "department", "region", "epci"]].first()
        table = pd.DataFrame(
            {"n": g["insee_code"].nunique(), "lat": g["lat"].mean(), "lon": g["lon"].mean(), "row": first["row"]}
        )
        for col in ("department", "region", "epci"):
            table[col] = first[col].where(g[col].nunique() == 1, None).astype(object)
        members: dict[str, list[int]] = {}
        for pc, r in zip(ex["postal"].to_numpy(dtype=object), ex["row"].to_numpy(), strict=True):
            members.setdefault(pc, []).append(int(r))
        names = c["name"].to_numpy(dtype=object)
        table["rows"] = [tuple(members[pc]) for pc in table.index]
        table["names"] = [tuple(names[r] for r in members[pc]) for pc in table.index]
        self.postal_codes = table
        self._idx_postal = pd.Index(table.index.to_numpy(dtype=object))
        self._dept_index = pd.Index(self.departments["code"].to_numpy(dtype=object))

    @staticmethod
    def _grouped(frame: pd.DataFrame, by: str) -> dict[str, tuple[list[str], np.ndarray]]:
        keys = frame["key"].to_numpy(dtype=object)
        rows = frame["row"].to_numpy()
        return {g: (keys[i].tolist(), rows[i]) for g, i in frame.groupby(by, sort=False).indices.items()}

    @functools.cached_property
    def _fuzzy_by_postal(self) -> dict[str, tuple[list[str], np.ndarray]]:
        return self._grouped(self._pk_frame, "postal")

    @functools.cached_property
    def _fuzzy_by_dept(self) -> dict[str, tuple[list[str], np.ndarray]]:
        return self._grouped(self._dk_frame, "dept")

    # --- geocode ------------------------------------------------------------------------

    def geocode(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Locate every row of ``frame`` (columns insee_code, postal_code, city, department; any missing).

        Cascade, first hit wins: INSEE code (current commune, arrondissement, delegated or former code; with
        the city name to pick a delegated commune sharing its parent's code) -> postal code + city name
        (tolerant key: accents, ST/SAINT, CEDEX, articles) -> city name + département (given, else implied
        by the postal code; with neither, a name unique in France) -> fuzzy city name among the communes of
        that postal code, then of that département -> postal code alone (one commune: "commune" precision;
        several: "postal_code" at their mean point) -> département point -> "none".
        Work is done once per distinct key combination.
        Output columns: insee_code, city (official name when located at commune precision, else the input
        city), postal_code, department, region, epci, lat, lon, geo_precision.
        """
        index = frame.index

        def column(name: str) -> pd.Series:
            if name in frame.columns:
                return frame[name].astype(object)
            return pd.Series(None, index=index, dtype=object)

        postal = normalise_postal_codes(column("postal_code"))
        keys = pd.DataFrame(
            {
                "insee": normalise_insee_codes(column("insee_code")),
                "postal": postal,
                "key": place_keys(column("city")),
                "dept": normalise_departments(column("department"), postal),
                "city": column("city"),
            },
            index=index,
        ).fillna("")
        group = keys.groupby(["insee", "postal", "key", "dept", "city"], sort=False).ngroup().to_numpy()
        uniq = keys.drop_duplicates().reset_index(drop=True)
        result = self._geocode_unique(uniq)
        out = result.iloc[group].set_axis(index)
        return out

    def _lookup(self, idx: tuple[pd.Index, np.ndarray], keys: pd.Series) -> np.ndarray:
        pos = idx[0].get_indexer(keys.to_numpy(dtype=object))
        return np.where(pos >= 0, idx[1][np.clip(pos, 0, None)] if len(idx[1]) else -1, -1)

    def _geocode_unique(self, u: pd.DataFrame) -> pd.DataFrame:
        n = len(u)
        row = np.full(n, -1, dtype=np.int64)
        has_key = (u["key"] != "").to_numpy()

        def fill(found: np.ndarray, mask: np.ndarray | None = None) -> None:
            take = (row < 0) & (found >= 0)
            if mask is not None:
                take &= mask
            row[take] = found[take]

        has_insee = (u["insee"] != "").to_numpy()
        fill(self._lookup(self._idx_insee_key, _pipe(u["insee"], u["key"])), has_insee & has_key)
        fill(self._lookup(self._idx_insee, u["insee"]), has_insee)
        fill(self._lookup(self._idx_postal_key, _pipe(u["postal"], u["key"])), has_key)
        postal_dept = departments_of_postal_codes(u["postal"].replace("", None))
        dept_eff = u["dept"].where(u["dept"] != "", postal_dept.fillna(""))
        dept_eff = dept_eff.where(dept_eff != "", u["insee"].map(_dept_of_insee).fillna(""))
        fill(self._lookup(self._idx_dept_key, _pipe(dept_eff, u["key"])), has_key)
        fill(self._lookup(self._idx_dept_key, _pipe(postal_dept.fillna(""), u["key"])), has_key)
        nothing_else = has_key & (u["postal"] == "").to_numpy() & (dept_eff == "").to_numpy()
        fill(self._lookup(self._idx_key, u["key"]), nothing_else)
        todo = np.flatnonzero((row < 0) & has_key & (u["key"].str.len() >= 3).to_numpy())
        if len(todo):
            self._fuzzy(u, dept_eff, todo, row)

        c = self.communes
        located = row >= 0
        r = np.clip(row, 0, None)
        out = pd.DataFrame(index=u.index)
        out["insee_code"] = np.where(located, self._t_insee[r], None)
        out["city"] = np.where(located, self._t_name[r], u["city"].replace("", None).to_numpy(dtype=object))
        given_postal = u["postal"].replace("", None).to_numpy(dtype=object)
        out["postal_code"] = np.where(located & pd.isna(given_postal), self._t_postal[r], given_postal)
        for col in ("department", "region", "epci"):
            out[col] = np.where(located, c[col].to_numpy(dtype=object)[r], None)
        out["lat"] = np.where(located, c["lat"].to_numpy()[r], np.nan)
        out["lon"] = np.where(located, c["lon"].to_numpy()[r], np.nan)
        precision = np.where(located, "commune", "none").astype(object)

        # Postal code alone.
        pos = self._idx_postal.get_indexer(u["postal"].to_numpy(dtype=object))
        by_postal = ~located & (pos >= 0)
        if by_postal.any():
            t = self.postal_codes.iloc[pos[by_postal]]
            single = (t["n"] == 1).to_numpy()
            sel = np.flatnonzero(by_postal)
            one = sel[single]
            one_rows = t["row"].to_numpy()[single]
            out.loc[one, "insee_code"] = self._t_insee[one_rows]
            out.loc[one, "city"] = self._t_name[one_rows]
            precision[sel] = np.where(single, "commune", "postal_code")
            out.loc[sel, "lat"] = t["lat"].to_numpy()
            out.loc[sel, "lon"] = t["lon"].to_numpy()
            for col in ("department", "region", "epci"):
                out.loc[sel, col] = t[col].to_numpy()
            located = located | by_postal

        # Département point, unless the postal code belongs to an overseas collectivity (the ASP still files
        # Saint-Martin under 971: Guadeloupe's point would be 250 km off).
        dpos = self._dept_index.get_indexer(dept_eff.to_numpy(dtype=object))
        by_dept = ~located & (dpos >= 0) & ~postal_dept.isin(OVERSEAS_COLLECTIVITIES).to_numpy()
        if by_dept.any():
            d = self.departments.iloc[dpos[by_dept]]
            sel = np.flatnonzero(by_dept)
            out.loc[sel, "department"] = d["code"].to_numpy()
            out.loc[sel, "region"] = d["region"].to_numpy()
            out.loc[sel, "lat"] = d["lat"].to_numpy()
            out.loc[sel, "lon"] = d["lon"].to_numpy()
            precision[sel] = "department"
        out["geo_precision"] = precision
        # Text columns as object arrays with None for "unknown" (pandas would otherwise infer its str dtype).
        for col in ("insee_code", "city", "postal_code", "department", "region", "epci"):
            values = out[col].to_numpy(dtype=object)
            out[col] = pd.Series(np.where(pd.isna(values), None, values), index=out.index, dtype=object)
        return out[list(GEOCODE_COLUMNS)]

    def _fuzzy(self, u: pd.DataFrame, dept_eff: pd.Series, todo: np.ndarray, row: np.ndarray) -> None:
        """Tolerant match of the rows left over (once per distinct key, not per input row).

        Among the communes of the row's postal code: closest spelling (score >= 85), else a name that is
        a whole-word prefix of the other ("BERCK SUR MER" for Berck). Then among the communes of its
        département: closest spelling (score >= 90). Two different communes tied is no match.
        """
        keys = u["key"].to_numpy(dtype=object)
        postals = u["postal"].to_numpy(dtype=object)
        depts = dept_eff.to_numpy(dtype=object)

        def single(rows: np.ndarray, picks: list[int]) -> int | None:
            targets = {self._t_insee[rows[j]] for j in picks}
            return int(rows[picks[0]]) if len(targets) == 1 else None

        for i in todo:
            key = keys[i]
            for table, group, cutoff in ((self._fuzzy_by_postal, postals[i], 85), (self._fuzzy_by_dept, depts[i], 90)):
                if not group or group not in table:
                    continue
                choices, rows = table[group]
                best = process.extract(key, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=5)
                found = single(rows, [m[2] for m in best if m[1] == best[0][1]]) if best else None
                if found is None and table is self._fuzzy_by_postal:
                    prefixed = [j for j, k in enumerate(choices) if k.startswith(key + " ") or key.startswith(k + " ")]
                    found = single(rows, prefixed) if prefixed else None
                if found is not None:
                    row[i] = found
                    break

    # --- resolve --------------------------------------------------------------------------

    def _build_name_lookup(self) -> None:
        c = self.communes
        self._rows_by_key = {k: np.asarray(v) for k, v in c.groupby("key", sort=False).indices.items()}
        pk = self._pk_frame[self._pk_frame["src"] >= 1]
        pn_rows: dict[str, set[int]] = {}
        self._pn_postals: dict[str, set[str]] = {}
        for k, pc, r in zip(
            pk["key"].to_numpy(dtype=object), pk["postal"].to_numpy(dtype=object), pk["row"].to_numpy(), strict=True
        ):
            pn_rows.setdefault(k, set()).add(int(r))
            self._pn_postals.setdefault(k, set()).add(pc)
        self._pn_rows_by_key = {k: np.array(sorted(v), dtype=np.int64) for k, v in pn_rows.items()}
        self._dept_by_key = {k: list(v) for k, v in self.departments.groupby("key").indices.items()}
        self._region_by_key = {k: list(v) for k, v in self.regions.groupby("key").indices.items()}
        self._dept_pos = {code: i for i, code in enumerate(self.departments["code"])}
        self._postal_sets = [set(p.split(" ")) if isinstance(p, str) else set() for p in c["postal_codes"]]

    def _commune_candidate(self, r: int) -> Candidate:
        c = self.communes
        t = self._t_insee[r]
        dept = c["department"].iat[r]
        if self._is_current[r]:
            label = f"{c['name'].iat[r]} ({dept})"
            pop = c["population"].iat[r]
        else:
            label = f"{c['name'].iat[r]} ({_TYPE_LABELS[c['type'].iat[r]]} de {self._t_name[r]}, {dept})"
            cur = self._row_of_current.get(t)
            pop = c["population"].iat[int(cur)] if cur is not None else None
        return Candidate(
            kind="commune",
            code=t,
            label=label,
            lat=float(c["lat"].iat[r]),
            lon=float(c["lon"].iat[r]),
            insee_code=t,
            department=dept,
            region=c["region"].iat[r],
            population=None if pd.isna(pop) else int(pop),
            former_name=None if self._is_current[r] else c["name"].iat[r],
            current_name=self._t_name[r],
        )

    def _area_candidate(self, kind: PlaceKind, i: int) -> Candidate:
        table = self.departments if kind == "department" else self.regions
        row = table.iloc[i]
        label = f"{row['name']} ({row['code']})" if kind == "department" else str(row["name"])
        return Candidate(
            kind=kind,
            code=row["code"],
            label=label,
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            department=row["code"] if kind == "department" else None,
            region=row["region"] if kind == "department" else row["code"],
            population=int(row["population"]),
        )

    def _postal_candidate(self, postal: str) -> Candidate:
        t = self.postal_codes.loc[postal]
        names = list(t["names"])
        shown = ", ".join(names[:3]) + (" …" if len(names) > 3 else "")
        single = int(t["n"]) == 1
        return Candidate(
            kind="postal_code",
            code=postal,
            label=f"{postal} {shown}",
            lat=float(t["lat"]),
            lon=float(t["lon"]),
            insee_code=self._t_insee[int(t["row"])] if single else None,
            department=t["department"],
            region=t["region"],
        )

    @staticmethod
    def _ok(cand: Candidate, message: str = "", candidates: tuple[Candidate, ...] = ()) -> Resolution:
        return Resolution(
            status="ok",
            kind=cand.kind,
            code=cand.code,
            label=cand.label,
            lat=cand.lat,
            lon=cand.lon,
            department=cand.department,
            region=cand.region,
            insee_code=cand.insee_code,
            candidates=candidates,
            message=message,
        )

    def resolve(self, text: str) -> Resolution:
        """Resolve what a buyer typed: a commune ("Lille", "ST MAURICE DE BEYNOST", "Saint-Denis (974)",
        "Paris 15e"), a postal code ("59000"), an INSEE code ("2A004"), a département ("Nord", "2A") or a
        région. Several matching places give status "ambiguous" with the candidates (never a silent guess);
        nothing gives "not_found" with close suggestions. Messages are in French.
        """
        raw = (text or "").strip()
        if not raw:
            return Resolution(
                status="not_found", message="Saisissez une commune, un code postal, un département ou une région."
            )
        compact = re.sub(r"[\s.:]", "", raw.upper())
        code = re.fullmatch(r"(CP|CODEPOSTAL|INSEE|CODEINSEE)?(\d{5}|2[AB]\d{3})", compact)
        if code:
            mode = "postal" if code.group(1) in ("CP", "CODEPOSTAL") else "insee" if code.group(1) else "any"
            return self._resolve_code(code.group(2), mode)
        if re.fullmatch(r"\d{4}", compact):
            return self._resolve_code("0" + compact, "postal")
        if re.fullmatch(r"0?20", compact):
            cands = tuple(self._area_candidate("department", self._dept_pos[d]) for d in ("2A", "2B"))
            return Resolution(
                status="ambiguous", candidates=cands, message="« 20 » : précisez Corse-du-Sud (2A) ou Haute-Corse (2B)."
            )
        if re.fullmatch(r"0?\d{1,2}|0?2[AB]|9[78]\d", compact):
            dept = normalise_department(compact)
            if dept in self._dept_pos:
                return self._ok(self._area_candidate("department", self._dept_pos[dept]))
            return self._not_found(raw, f"« {raw} » n'est pas un code de département connu.")
        return self._resolve_name(raw)

    def _resolve_code(self, code: str, mode: str) -> Resolution:
        as_postal = mode != "insee" and code in self._idx_postal
        pos = self._idx_insee[0].get_indexer([code])[0] if mode != "postal" else -1
        insee_row = int(self._idx_insee[1][pos]) if pos >= 0 else None
        if as_postal:
            pc = self._postal_candidate(code)
            t = self.postal_codes.loc[code]
            members = tuple(
                sorted((self._commune_candidate(int(r)) for r in t["rows"]), key=lambda x: -(x.population or 0))
            )
            if len(members) == 1:
                message = f"Code postal {code} : {members[0].label}."
            else:
                names = ", ".join(m.label for m in members[:5]) + (" …" if len(members) > 5 else "")
                message = (
                    f"Le code postal {code} dessert {len(members)} communes ({names}) : le point central est utilisé."
                )
            if insee_row is not None and {m.insee_code for m in members} != {self._t_insee[insee_row]}:
                # Buyers type postal codes far more often than INSEE codes: the postal reading wins, the
                # other one is offered, never dropped silently.
                insee = self._commune_candidate(insee_row)
                members += (Candidate(**{**insee.__dict__, "label": f"{insee.label} – code INSEE {code}"}),)
                message += (
                    f" « {code} » est aussi le code INSEE de {self._t_name[insee_row]} : "
                    f"saisissez « INSEE {code} » pour cette commune."
                )
            return self._ok(pc, message, members)
        if insee_row is not None:
            cand = self._commune_candidate(insee_row)
            message = (
                ""
                if self._is_current[insee_row]
                else (
                    f"Le code INSEE {code} ({self.communes['name'].iat[insee_row]}) correspond aujourd'hui à "
                    f"{self._t_name[insee_row]}."
                )
            )
            return self._ok(cand, message)
        what = {"postal": "code postal", "insee": "code INSEE"}.get(mode, "code postal ni code INSEE")
        return self._not_found(code, f"Aucun {what} « {code} » connu.", by_prefix=code[:3])

    def _name_candidates(self, key: str, dept: str | None = None, postal: str | None = None) -> list[Candidate]:
        c = self.communes
        rows = self._rows_by_key.get(key, np.empty(0, dtype=np.int64))
        if dept:
            rows = rows[c["department"].to_numpy(dtype=object)[rows] == dept]
        if postal:
            rows = rows[[postal in self._postal_sets[r] for r in rows]]
        current = rows[self._is_current[rows]]
        chosen = current if len(current) else rows
        if not len(chosen):
            chosen = self._pn_rows_by_key.get(key, np.empty(0, dtype=np.int64))
            if dept:
                chosen = chosen[c["department"].to_numpy(dtype=object)[chosen] == dept]
            if postal:
                chosen = chosen if postal in self._pn_postals.get(key, set()) else chosen[:0]
        best: dict[str, int] = {}
        for r in sorted(chosen.tolist(), key=lambda r: self._rank[r]):
            best.setdefault(self._t_insee[r], r)
        communes = sorted((self._commune_candidate(r) for r in best.values()), key=lambda x: -(x.population or 0))
        areas: list[Candidate] = []
        if not postal:
            areas += [
                self._area_candidate("department", i)
                for i in self._dept_by_key.get(key, [])
                if not dept or self.departments["code"].iat[i] == dept
            ]
        if not postal and not dept:
            areas += [self._area_candidate("region", i) for i in self._region_by_key.get(key, [])]
        # "Paris" is both the commune and the département: one place. "Guadeloupe" is a région of one
        # département of the same name: one place too.
        areas = [
            a
            for a in areas
            if not (
                a.kind == "department"
                and self.departments["chef_lieu"].iat[self._dept_pos[a.code]] in {x.insee_code for x in communes}
            )
        ]
        dept_regions = {a.region for a in areas if a.kind == "department"}
        areas = [a for a in areas if not (a.kind == "region" and a.code in dept_regions)]
        return areas + communes

    def _resolve_name(self, raw: str) -> Resolution:
        key = place_key(raw)
        cands = self._name_candidates(key)
        if not cands:
            qual = re.fullmatch(r"(.*?)[\s,;(\[-]*\(?\s*(\d{5}|\d{1,3}|2[AaBb])\s*[)\]]?\s*", raw)
            if qual and qual.group(1).strip():
                name_key = place_key(qual.group(1))
                q = qual.group(2).upper()
                if len(q) == 5:
                    cands = self._name_candidates(name_key, postal=q)
                else:
                    dept = normalise_department(q)
                    cands = self._name_candidates(name_key, dept=dept) if dept else []
        if not cands:
            # "Saint-Denis (La Réunion)", "Saint-Denis, Seine-Saint-Denis": a département name as qualifier.
            qual = re.fullmatch(r"(.+?)\s*[,(]\s*([^(),]+?)\s*\)?\s*", raw)
            if qual:
                for i in self._dept_by_key.get(place_key(qual.group(2)), []):
                    cands += self._name_candidates(place_key(qual.group(1)), dept=self.departments["code"].iat[i])
        if not cands:
            return self._not_found(
                raw, f"Aucune commune, aucun département ni aucune région ne correspond à « {raw} »."
            )
        if len(cands) == 1:
            cand = cands[0]
            message = ""
            if cand.kind == "commune" and cand.former_name:
                message = f"{cand.former_name} fait aujourd'hui partie de la commune de {cand.current_name}."
            return self._ok(cand, message)
        return Resolution(
            status="ambiguous",
            candidates=tuple(cands),
            message=f"« {raw} » désigne {len(cands)} lieux : choisissez-en un ou précisez le "
            f"département, par exemple « {raw} ({cands[0].department or cands[0].code}) ».",
        )

    @functools.cached_property
    def _fuzzy_choices(self) -> tuple[list[str], list[tuple[PlaceKind, int]]]:
        """Names offered as suggestions: départements, régions, then every commune name (current names
        first, most populated first), one entry per distinct key."""
        c = self.communes
        keys = self.departments["key"].tolist() + self.regions["key"].tolist()
        refs: list[tuple[PlaceKind, int]] = [("department", i) for i in range(len(self.departments))]
        refs += [("region", i) for i in range(len(self.regions))]
        pops = c["population"].fillna(0).to_numpy(dtype=np.int64)
        order = np.lexsort((np.arange(len(c)), -pops, ~self._is_current))
        ckeys = c["key"].to_numpy(dtype=object)[order]
        _, first = np.unique(ckeys, return_index=True)
        rows = order[np.sort(first)]
        known = set(keys)
        for r, k in zip(rows.tolist(), c["key"].to_numpy(dtype=object)[rows].tolist(), strict=True):
            if k not in known:
                keys.append(k)
                refs.append(("commune", r))
        return keys, refs

    def _not_found(self, raw: str, message: str, by_prefix: str | None = None) -> Resolution:
        if by_prefix:
            suggestions = tuple(self.suggest(by_prefix, limit=5))
        else:
            keys, refs = self._fuzzy_choices
            key = place_key(raw)
            # Names that start with what was typed come first ("Hellemmes" -> "Hellemmes-Lille"), then
            # the closest spellings.
            picked = [i for i, k in enumerate(keys) if k.startswith(key + " ")][:3] if key else []
            hits = process.extract(key, keys, scorer=fuzz.WRatio, limit=5, score_cutoff=80)
            picked += [h[2] for h in hits if h[2] not in picked]
            suggestions = tuple(
                self._commune_candidate(refs[i][1])
                if refs[i][0] == "commune"
                else self._area_candidate(refs[i][0], refs[i][1])
                for i in picked[:5]
            )
        if suggestions:
            message += " Vouliez-vous dire : " + ", ".join(s.label for s in suggestions) + " ?"
        return Resolution(status="not_found", candidates=suggestions, message=message)

    # --- suggest --------------------------------------------------------------------------

    def _build_suggest(self) -> None:
        c = self.communes
        cur = np.flatnonzero(self._is_current)
        norm = normalise_place_names(c["name"]).to_numpy(dtype=object)
        names = np.concatenate([norm[cur], c["key"].to_numpy(dtype=object)[cur]]).astype(str)
        rows = np.concatenate([cur, cur])
        order = np.argsort(names, kind="stable")
        self._sg_names = names[order]
        self._sg_rows = rows[order]
        self._sg_pop = c["population"].fillna(0).to_numpy(dtype=np.int64)
        self._sg_postal = np.asarray(self.postal_codes.index.to_numpy(dtype=str))
        insee = c["insee_code"].to_numpy(dtype=object)[cur].astype(str)
        order = np.argsort(insee, kind="stable")
        self._sg_insee = insee[order]
        self._sg_insee_rows = cur[order]
        self._sg_areas = [
            ("department", i, k) for i, k in enumerate(normalise_place_names(self.departments["name"]))
        ] + [("region", i, k) for i, k in enumerate(normalise_place_names(self.regions["name"]))]

    @staticmethod
    def _prefix_range(arr: np.ndarray, prefix: str) -> slice:
        return slice(int(np.searchsorted(arr, prefix, "left")), int(np.searchsorted(arr, prefix + "~", "left")))

    def suggest(self, prefix: str, limit: int = 10) -> list[Candidate]:
        """Autocomplete: postal codes then INSEE codes for a code prefix; otherwise départements/régions
        whose name starts with the prefix, then communes (name or name without article), most populated first.
        """
        text = (prefix or "").strip()
        if not text or limit <= 0:
            return []
        compact = re.sub(r"\s", "", text.upper())
        if re.fullmatch(r"\d{1,5}|2[AB]\d{0,3}", compact):
            out: list[Candidate] = []
            for pc in self._sg_postal[self._prefix_range(self._sg_postal, compact)][:limit]:
                out.append(self._postal_candidate(str(pc)))
            rng = self._prefix_range(self._sg_insee, compact)
            for r in self._sg_insee_rows[rng][: max(0, limit - len(out))]:
                cand = self._commune_candidate(int(r))
                out.append(Candidate(**{**cand.__dict__, "label": f"{cand.code} {cand.label}"}))
            return out[:limit]
        plain = re.sub(r"\s+", " ", re.sub(r"[^A-Z0-9]+", " ", _ascii_upper(text))).strip()
        variants = {normalise_place_name(text), plain}
        variants.discard("")
        out = [
            self._area_candidate(kind, i)
            for kind, i, name in self._sg_areas  # type: ignore[arg-type]
            if any(name.startswith(v) for v in variants)
        ][: min(3, limit)]
        rows = np.unique(np.concatenate([self._sg_rows[self._prefix_range(self._sg_names, v)] for v in variants]))
        if len(rows):
            pops = self._sg_pop[rows]
            k = min(limit, len(rows))
            top = rows[np.argpartition(-pops, k - 1)[:k]] if len(rows) > k else rows
            top = top[np.lexsort((top, -self._sg_pop[top]))]
            out += [self._commune_candidate(int(r)) for r in top]
        return out[:limit]
