"""Place names as files and buyers write them, brought to one canonical spelling and a matching key.

``normalise_place_name`` / ``normalise_place_names``: canonical upper-case ASCII spelling of a place name;
``place_key`` / ``place_keys``: the same without articles and CEDEX, for matching. The vectorised forms
follow the very same rules as the scalar ones and work once per distinct value (``per_distinct``, also
used for codes).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Final

import numpy as np
import pandas as pd

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


def ascii_upper(s: str) -> str:
    """Upper-case ASCII letters: accents dropped, ligatures spelt out ("Œ" -> "OE")."""
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
    out = ascii_upper(str(s))
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


def factorised(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Codes and unique non-null values as a string Series, so per-value work runs once per distinct value."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes, pd.Series(np.asarray(uniques, dtype=object), dtype="string")


def spread_distinct(codes: np.ndarray, uniques_out: pd.Series, index: pd.Index, fill: str | None) -> pd.Series:
    """The answers computed per distinct value (``factorised``) spread back to every row; nulls get ``fill``."""
    out = np.asarray(uniques_out.to_numpy(dtype=object, na_value=fill), dtype=object)
    result = np.where(codes >= 0, out[np.clip(codes, 0, None)] if len(out) else fill, fill)
    return pd.Series(result, index=index, dtype="object")


def per_distinct(values: pd.Series, of_unique: Callable[[pd.Series], pd.Series], fill: str | None) -> pd.Series:
    """``of_unique`` (a vectorised rule) applied once per distinct value of ``values``; nulls give ``fill``."""
    codes, uniques = factorised(values)
    return spread_distinct(codes, of_unique(uniques), values.index, fill)


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
    return per_distinct(values, _normalise_unique, "")


def _keys_of_unique(u: pd.Series) -> pd.Series:
    out = _normalise_unique(u).str.replace(_CEDEX_RE, "", regex=True).str.strip()
    articles = "|".join(sorted(_ARTICLES))
    # No look-around: pyarrow's RE2 engine has none.
    out = out.str.replace(rf"^(?:{articles}) ([^ ])", r"\1", regex=True)
    return out.str.replace(rf"([^ ]) (?:{articles})$", r"\1", regex=True)


def place_keys(values: pd.Series) -> pd.Series:
    """Vectorised ``place_key``; nulls give ""."""
    return per_distinct(values, _keys_of_unique, "")
