"""Words and codes as the search compares them, the same on the directory side and the query side.

Words: folded (lower case, no accents, anything but letters and digits separates words), stop words
and one-letter words dropped, a plural ``s``/``x`` dropped when indexed. Codes: NAF, département
and région, headcount band and kind written in any of their spellings become one key.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from sourcing import taxonomy
from sourcing.kinds import kinds_from_text
from sourcing.model import HEADCOUNT_BANDS, KIND_CODES

STOP_WORDS: Final[frozenset[str]] = taxonomy.STOP_WORDS
FUZZY_RATIO: Final[int] = 10  # a close word counts as a typo fix when found in 10 times as many rows
PAST_LAST: Final[str] = "{"  # sorts after every folded word ([a-z0-9] only): vocab[lo:hi] of a prefix


# --- Words ------------------------------------------------------------------------------------


def stem(word: str) -> str:
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
    """The words of a text as indexed: `query_words` (repeats kept), plural stemmed (`stem`).
    ``"Entretien d'Espaces-Verts"`` -> ``["entretien", "espace", "vert"]``."""
    if not text:
        return []
    return [stem(w) for w in taxonomy.fold(text).split() if len(w) > 1 and w not in STOP_WORDS]


def fuzzy_budget(word: str) -> int:
    """Typos forgiven in a (stemmed) searched word: none under 4 letters, 1 up to 7, 2 from 8 letters."""
    return 0 if len(word) < 4 else 1 if len(word) < 8 else 2


# --- Codes ------------------------------------------------------------------------------------


def naf_key(code: str) -> str:
    """NAF code without its punctuation, upper case: ``"88.10c"`` -> ``"8810C"``."""
    return "".join(ch for ch in str(code).upper() if ch.isalnum())


def area_code(value: object) -> str:
    """Département or région code as stored: ``" 1 "`` -> ``"01"``, ``"2a"`` -> ``"2A"``."""
    if not isinstance(value, str):
        return ""
    code = value.strip().upper()
    return code.zfill(2) if code.isdigit() and len(code) == 1 else code


def stripped(value: object) -> str:
    """A code compared as written, white space aside (EPCI SIREN)."""
    return str(value).strip()


_HEADCOUNT_KEYS: Final[dict[str, str]] = {
    **{taxonomy.fold(label): code for code, label in HEADCOUNT_BANDS.items()},
    **{code.lower(): code for code in HEADCOUNT_BANDS},
}


def headcount_key(value: object) -> str:
    """INSEE band code for a band code or label (``"12"`` and ``"20 à 49 salariés"`` -> ``"12"``);
    other text folded, so that it still matches itself."""
    if not isinstance(value, str) or not value.strip():
        return ""
    folded = taxonomy.fold(value)
    return _HEADCOUNT_KEYS.get(folded, _HEADCOUNT_KEYS.get(value.strip().lower(), folded))


def kind_codes(values: Iterable[str]) -> list[str]:
    """Kind codes from codes in any case or from wording (« Entreprise adaptée » -> EA)."""
    out: list[str] = []
    for value in values:
        code = str(value).strip().upper()
        found = [code] if code in KIND_CODES else list(kinds_from_text(str(value)))
        out.extend(c for c in found if c not in out)
    return out


def kind_code_each(values: Iterable[object]) -> list[str]:
    """One kind code per value (first found; "" if none), for the directory side."""
    out = []
    for v in values:
        found = kind_codes([str(v)]) if v is not None else []
        out.append(found[0] if found else "")
    return out


def kind_mask_bits(values: Iterable[str]) -> int:
    """The kinds asked for as bits: bit i set for kind KIND_CODES[i] (as `SearchIndex.kind_bits`)."""
    bits = 0
    for code in kind_codes(values):
        bits |= 1 << KIND_CODES.index(code)
    return bits
