"""The buyer-friendly sector taxonomy, and how NAF codes, CPV codes and free text map onto it.

Data lives in ``data/taxonomy/`` (see ``SOURCES.md`` there): ``sectors.csv`` (about 20
groups, 160 sectors, French labels and keywords), ``naf_sectors.csv`` (NAF prefix ->
sectors, longest prefix wins), ``naf.csv`` (all NAF rév. 2 codes and labels) and
``cpv.csv`` (curated CPV 2008 codes with their sectors and the L2113-15 flag).

Everything is read once per process (``load_taxonomy`` is cached). The Series functions
work on unique values only, so a million rows cost what their distinct values cost.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

TAXONOMY_DIR = Path(__file__).resolve().parents[1] / "data" / "taxonomy"

_NAF_RE = re.compile(r"^(\d{2})\.?(\d{2})([A-Z])$")
_CPV_RE = re.compile(r"^(\d{8})(?:-\d)?$")
_PIECE_SPLIT = re.compile(r"[;|\n\r\t]+")
# Words that never tell a trade: left out of keyword phrases on both sides, so that "ménage des
# bureaux" is the keyword "ménage de bureaux". Also the search's stop words (sourcing.search.words).
STOP_WORDS: frozenset[str] = frozenset(
    "au aux avec ce ces dans de des du en et il la le les leur ou par pour sa se ses son sur un une".split()
)


# --- Text folding ----------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower-case, accents removed, ligatures expanded, anything but letters and digits
    turned into single spaces: ``"Bâtiment-2d Œuvre"`` -> ``"batiment 2d oeuvre"``."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _stem(token: str) -> str:
    """Plural-insensitive token: a final ``s`` or ``x`` is dropped from words of four
    letters or more (``espaces`` -> ``espace``, ``travaux`` -> ``travau``). Applied the
    same way to keywords and texts, so it only has to be consistent, not correct French."""
    if len(token) > 3 and token[-1] in "sx":
        return token[:-1]
    return token


def content_word(token: str) -> bool:
    """A folded word that may tell a trade: not a stop word, not a lone letter (the "d" of "d'arbres")."""
    return token not in STOP_WORDS and not (len(token) == 1 and token.isalpha())


def _tokens(text: str) -> list[str]:
    return [_stem(t) for t in fold(text).split() if content_word(t)]


# --- Unique-value mapping -------------------------------------------------------------


def _map_unique(values: pd.Series, func: Callable[[Hashable], object]) -> np.ndarray:
    """``func`` applied once per distinct value; missing values get ``func(None)``."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = np.empty(len(uniques) + 1, dtype=object)
    for i, u in enumerate(uniques):
        mapped[i] = func(u)
    mapped[-1] = func(None)  # index -1 (missing) lands on the last slot
    return mapped[codes]


def _fresh_lists(items: np.ndarray, index: pd.Index) -> pd.Series:
    # Each row gets its own list: callers may append to a row without touching the others.
    return pd.Series([list(x) for x in items], index=index, dtype=object)


# --- Keyword matcher --------------------------------------------------------------------


@dataclass(frozen=True)
class _Matcher:
    """Keyword phrases (as stemmed token tuples joined by spaces) -> sectors."""

    phrases: dict[str, tuple[str, ...]]
    max_len: int

    @classmethod
    def build(cls, pairs: list[tuple[str, str]]) -> _Matcher:
        found: dict[str, list[str]] = {}
        for phrase, sector in pairs:
            key = " ".join(_tokens(phrase))
            if key and sector not in found.setdefault(key, []):
                found[key].append(sector)
        return cls({k: tuple(v) for k, v in found.items()}, max(len(k.split()) for k in found))

    def spans(self, toks: list[str]) -> list[tuple[int, int, tuple[str, ...]]]:
        """Keyword phrases found in stemmed content words ``toks``: (start, end, sectors), in order.

        At each word the longest keyword starting there is taken; a keyword whose words
        all lie inside a longer one found elsewhere is dropped, so that "collecte des
        déchets textiles" means textile collection, not also textile manufacturing."""
        spans: list[tuple[int, int, tuple[str, ...]]] = []
        for i in range(len(toks)):
            for n in range(min(self.max_len, len(toks) - i), 0, -1):
                sectors = self.phrases.get(" ".join(toks[i : i + n]))
                if sectors is not None:
                    spans.append((i, i + n, sectors))
                    break
        return [
            (s, e, sectors)
            for s, e, sectors in spans
            if not any(s2 <= s and e <= e2 and (s2, e2) != (s, e) for s2, e2, _ in spans)
        ]

    def match(self, text: str) -> list[str]:
        """Sectors of the keywords found in ``text``, in order of appearance (see `spans`)."""
        out: list[str] = []
        for _, _, sectors in self.spans(_tokens(text)):
            out.extend(x for x in sectors if x not in out)
        return out


# --- The taxonomy -----------------------------------------------------------------------


@dataclass(frozen=True)
class Taxonomy:
    """The loaded taxonomy. DataFrames are shared: copy before modifying them.

    - ``sectors``: ``sector_id, group_id, group_label, label, keywords`` (keywords as a list);
    - ``groups``: ``group_id, group_label, sector_ids`` (list, taxonomy order);
    - ``cpv``: ``code8, label_fr, sector_ids`` (list), ``l2113_15``, ``social_services`` (bool);
    - ``naf``: ``code, level, label`` for divisions, groupes, classes and sous-classes;
    - ``naf_sectors``: ``naf_prefix, sector_id`` as authored.
    """

    sectors: pd.DataFrame
    groups: pd.DataFrame
    cpv: pd.DataFrame
    naf: pd.DataFrame
    naf_sectors: pd.DataFrame
    sector_labels: dict[str, str] = field(repr=False)
    naf_labels: dict[str, str] = field(repr=False)
    naf_subclasses: frozenset[str] = field(repr=False)
    naf_prefix_sectors: dict[str, tuple[str, ...]] = field(repr=False)
    cpv_sectors: dict[str, tuple[str, ...]] = field(repr=False)
    cpv_labels: dict[str, str] = field(repr=False)
    cpv_l2113_15: frozenset[str] = field(repr=False)
    label_index: dict[str, str] = field(repr=False)  # folded label -> sector id
    matcher: _Matcher = field(repr=False)
    search_text: dict[str, tuple[str, str]] = field(repr=False)  # id -> (folded label, folded rest)


def _read(name: str, directory: Path) -> pd.DataFrame:
    return pd.read_csv(directory / name, dtype=str, keep_default_na=False, encoding="utf-8")


@lru_cache(maxsize=1)
def load_taxonomy() -> Taxonomy:
    """Read ``data/taxonomy/*.csv`` once per process and build the lookups."""
    d = TAXONOMY_DIR
    sectors = _read("sectors.csv", d)
    sectors["keywords"] = sectors["keywords"].map(lambda s: [k.strip() for k in s.split("|") if k.strip()])
    groups = (
        sectors.groupby("group_id", sort=False)
        .agg(group_label=("group_label", "first"), sector_ids=("sector_id", list))
        .reset_index()
    )
    cpv = _read("cpv.csv", d)
    cpv["sector_ids"] = cpv["sector_ids"].str.split().map(list)
    cpv["l2113_15"] = cpv["l2113_15"] == "1"
    cpv["social_services"] = cpv["social_services"] == "1"
    naf = _read("naf.csv", d)
    naf_sectors = _read("naf_sectors.csv", d)

    prefix_sectors: dict[str, list[str]] = {}
    for prefix, sector in zip(naf_sectors["naf_prefix"], naf_sectors["sector_id"], strict=True):
        prefix_sectors.setdefault(prefix, []).append(sector)

    pairs: list[tuple[str, str]] = []
    for sid, label, kws in zip(sectors["sector_id"], sectors["label"], sectors["keywords"], strict=True):
        pairs += [(label, sid), (sid.replace("-", " "), sid)] + [(k, sid) for k in kws]
    search_text = {
        sid: (fold(label), fold(" ".join([glabel, *kws])))
        for sid, label, glabel, kws in zip(
            sectors["sector_id"], sectors["label"], sectors["group_label"], sectors["keywords"], strict=True
        )
    }
    return Taxonomy(
        sectors=sectors,
        groups=groups,
        cpv=cpv,
        naf=naf,
        naf_sectors=naf_sectors,
        sector_labels=dict(zip(sectors["sector_id"], sectors["label"], strict=True)),
        naf_labels=dict(zip(naf["code"], naf["label"], strict=True)),
        naf_subclasses=frozenset(naf.loc[naf["level"] == "sous-classe", "code"]),
        naf_prefix_sectors={k: tuple(v) for k, v in prefix_sectors.items()},
        cpv_sectors=dict(zip(cpv["code8"], map(tuple, cpv["sector_ids"]), strict=True)),
        cpv_labels=dict(zip(cpv["code8"], cpv["label_fr"], strict=True)),
        cpv_l2113_15=frozenset(cpv.loc[cpv["l2113_15"], "code8"]),
        label_index={fold(label): sid for sid, label in zip(sectors["sector_id"], sectors["label"], strict=True)},
        matcher=_Matcher.build(pairs),
        search_text=search_text,
    )


# --- NAF --------------------------------------------------------------------------------


def normalise_naf_code(value: object) -> str | None:
    """A NAF rév. 2 sous-classe in INSEE form (``"88.10C"``), or None.

    Spaces, dots, dashes and case are forgiven (``"8810c"``, ``" 8810 C"``, ``"88-10C"``);
    the code must exist in the NAF rév. 2 list (``"99.99Z"`` or a NAF rév. 1 ``"852A"`` is None)."""
    if not isinstance(value, str):
        return None
    m = _NAF_RE.match(re.sub(r"[\s\-_]", "", value).upper())
    if m is None:
        return None
    code = f"{m[1]}.{m[2]}{m[3]}"
    return code if code in load_taxonomy().naf_subclasses else None


def normalise_naf(values: pd.Series) -> pd.Series:
    """``normalise_naf_code`` over a Series (object dtype, None where invalid or empty)."""
    return pd.Series(_map_unique(values, normalise_naf_code), index=values.index, dtype=object)


def _naf_sectors_of(code: str | None) -> tuple[str, ...]:
    """Sectors of the longest prefix of ``code`` in naf_sectors.csv (division ``88``,
    groupe ``88.1``, classe ``88.10``, sous-classe ``88.10C``), or ()."""
    if not code:
        return ()
    table = load_taxonomy().naf_prefix_sectors
    for prefix in (code, code[:5], code[:4], code[:2]):
        if prefix in table:
            return table[prefix]
    return ()


def sectors_for_naf(naf: pd.Series) -> pd.Series:
    """Lists of sector ids for NAF codes (any spelling ``normalise_naf`` accepts)."""
    tax = load_taxonomy()

    def one(value: object) -> tuple[str, ...]:
        code = value if isinstance(value, str) and value in tax.naf_subclasses else normalise_naf_code(value)
        return _naf_sectors_of(code)

    return _fresh_lists(_map_unique(naf, one), naf.index)


def naf_label(code: object) -> str | None:
    """French label of a NAF code of any level: ``"88.10C"``, ``"8810c"``, ``"88.10"``,
    ``"8810"``, ``"88.1"``, ``"88"``; None if unknown."""
    if not isinstance(code, str):
        return None
    labels = load_taxonomy().naf_labels
    sub = normalise_naf_code(code)
    if sub is not None:
        return labels[sub]
    raw = re.sub(r"[\s.\-_]", "", code)
    if raw.isdigit() and 2 <= len(raw) <= 4:
        dotted = raw if len(raw) == 2 else f"{raw[:2]}.{raw[2:]}"
        return labels.get(dotted)
    return None


# --- Free text --------------------------------------------------------------------------


def _text_sectors(value: object) -> tuple[str, ...]:
    """Sectors for one free text: sector ids and exact labels first, then keywords."""
    if not isinstance(value, str) or not value.strip():
        return ()
    tax = load_taxonomy()
    out: list[str] = []
    for piece in _PIECE_SPLIT.split(value):
        piece = piece.strip()
        if not piece:
            continue
        words = piece.replace(",", " ").split()
        if words and all(w in tax.sector_labels for w in words):  # "espaces-verts nettoyage-locaux"
            found = words
        elif fold(piece) in tax.label_index:
            found = [tax.label_index[fold(piece)]]
        else:
            found = tax.matcher.match(piece)
        out.extend(s for s in found if s not in out)
    return tuple(out)


def sectors_for_text(text: pd.Series) -> pd.Series:
    """Lists of sector ids read from free text (directory "secteur d'activité" cells,
    Marché de l'inclusion sector names, sector ids or labels), accent- and case-insensitive,
    on whole words; pieces separated by ``;``, ``|`` or line breaks are read separately."""
    return _fresh_lists(_map_unique(text, _text_sectors), text.index)


def search_sectors(query: str) -> list[str]:
    """Sector ids whose label, group label or keywords contain ``query`` (accent- and
    case-insensitive substring), label matches first, taxonomy order otherwise. An empty
    query returns every sector."""
    tax = load_taxonomy()
    q = fold(query or "")
    if not q:
        return list(tax.sector_labels)
    in_label = [sid for sid, (label, _) in tax.search_text.items() if q in label]
    in_rest = [sid for sid, (label, rest) in tax.search_text.items() if q not in label and q in rest]
    return in_label + in_rest


def sector_label(sector_id: str) -> str | None:
    """French label of a sector id, or None."""
    return load_taxonomy().sector_labels.get(sector_id)


# --- CPV --------------------------------------------------------------------------------


def clean_cpv(code: object) -> str | None:
    """The 8-digit CPV code of ``"90911200"``, ``"90911200-8"`` (check digit dropped),
    ``" 9091 1200 "`` or the integer ``3000000`` (leading zero restored); None otherwise."""
    if isinstance(code, (int, np.integer)) and not isinstance(code, bool):
        code = f"{int(code):08d}"
    if not isinstance(code, str):
        return None
    m = _CPV_RE.match(re.sub(r"\s", "", code))
    return m[1] if m else None


def cpv_parents(code8: str) -> list[str]:
    """``90911200`` -> ``[90911000, 90910000, 90900000, 90000000]``: the last non-zero
    digit is zeroed in turn, down to the division (two first digits)."""
    digits = list(code8)
    out = []
    for i in range(7, 1, -1):
        if digits[i] != "0":
            digits[i] = "0"
            out.append("".join(digits))
    return out


def sectors_for_cpv(code: object) -> list[str]:
    """Sector ids of a CPV code: the code itself if it is in our list, else its nearest
    parent that is (a listed code with no sector gives [] without looking further up)."""
    code8 = clean_cpv(code)
    if code8 is None:
        return []
    table = load_taxonomy().cpv_sectors
    for candidate in [code8, *cpv_parents(code8)]:
        if candidate in table:
            return list(table[candidate])
    return []


def cpv_label(code: object) -> str | None:
    """French label (CPV 2008 reference) of a code of our list, or None."""
    code8 = clean_cpv(code)
    return load_taxonomy().cpv_labels.get(code8) if code8 else None


def is_l2113_15(code: object) -> bool:
    """True if the code itself is in the L2113-15 list (services that may be reserved for
    ESS enterprises). Exact codes only: whether the sub-codes of a listed code are covered
    is not settled, so the advisor must not assume it."""
    code8 = clean_cpv(code)
    return code8 is not None and code8 in load_taxonomy().cpv_l2113_15
