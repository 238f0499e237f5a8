"""Turn what directories write about a supplier's kind and legal form into our kind codes.

Directories say "ACI", "Atelier chantier d'insertion", "EA/ESAT", "SARL coopérative ouvrière
de production (SCOP)", "Association déclarée" or an INSEE legal category code ("9220").
All of it maps onto the one vocabulary of `sourcing.model.KINDS`. Work is done once per
distinct text, so a 100,000-row file with 20 distinct values costs 20 matches.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np
import pandas as pd

from sourcing.model import KIND_CODES

# Phrases first (longest wins), then bare codes. Patterns run on upper-case ASCII text
# where every non-alphanumeric character became a space.
_PHRASES: tuple[tuple[str, str], ...] = (
    (r"ENTREPRISES? ADAPTEES? DE TRAVAIL TEMPORAIRE", "EATT"),
    (r"ENTREPRISES? ADAPTEES?", "EA"),
    (r"ENTREPRISES? D INSERTION PAR LE TRAVAIL INDEPENDANT", "EITI"),
    (r"ENTREPRISES? DE TRAVAIL TEMPORAIRE D INSERTION", "ETTI"),
    (r"ENTREPRISES? D INSERTION", "EI"),
    (r"ASSOCIATIONS? INTERMEDIAIRES?", "AI"),
    (r"ATELIERS?( ET| OU)?( LES)? CHANTIERS? D INSERTION", "ACI"),
    (r"CHANTIERS? D INSERTION", "ACI"),
    (r"ATELIERS? D INSERTION", "ACI"),
    (r"ETABLISSEMENTS?( ET SERVICES?)? D (AIDE|ACCOMPAGNEMENT) PAR LE TRAVAIL", "ESAT"),
    (r"GROUPEMENTS? D EMPLOYEURS POUR L INSERTION( ET LA QUALIFICATION)?", "GEIQ"),
    (r"(SERVICE DE L EMPLOI PENITENTIAIRE|TRAVAIL PENITENTIAIRE|PRODUCTION EN DETENTION)", "SEP"),
    (r"(ENTREPRISES? SOLIDAIRES? D UTILITE SOCIALE|AGREMENT ESUS)", "ESUS"),
    (r"SOCIETES? COOPERATIVES? D INTERET COLLECTIF", "SCIC"),
    (r"SOCIETES? COOPERATIVES?( ET| OUVRIERES?)? (PARTICIPATIVES?|DE PRODUCTION)", "SCOP"),
    (r"COOPERATIVES? OUVRIERES? DE PRODUCTION", "SCOP"),
    (r"ECONOMIE SOCIALE ET SOLIDAIRE", "ESS"),
    (r"MUTUELLES?|MUTUALISTES?|A FORME MUTUELLE", "MUTUELLE"),
    (r"FONDATIONS?", "FONDATION"),
    (r"ASSOCIATIONS?", "ASSOCIATION"),
    (r"COOPERATIVES?", "COOPERATIVE"),
)
_CODES: tuple[tuple[str, str], ...] = (
    *((code, code) for code in KIND_CODES),
    ("SIAE", ""),  # a family, not a kind: says nothing precise alone
    ("ASSO", "ASSOCIATION"),
    ("ASS", "ASSOCIATION"),
    ("SCOOP", "SCOP"),
    ("CHANTIER", "ACI"),
)
_PATTERN = re.compile("|".join(f"(?P<p{i}>\\b(?:{p})\\b)" for i, (p, _) in enumerate(_PHRASES + _CODES)))
_TARGETS = [k for _, k in _PHRASES + _CODES]


def fold(text: str) -> str:
    """Upper-case ASCII with every non-alphanumeric character turned into one space."""
    s = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().upper()
    return " ".join(re.sub(r"[^A-Z0-9]+", " ", s).split())


@lru_cache(maxsize=65536)
def kinds_from_text(text: str) -> tuple[str, ...]:
    """Kind codes named in a free text, in vocabulary order, without repeats."""
    if not text:
        return ()
    found = set()
    for match in _PATTERN.finditer(fold(text)):
        target = _TARGETS[int(match.lastgroup[1:])]
        if target:
            found.add(target)
    # "Association intermédiaire" is an AI; do not also call it an association here
    # (the legal form, read separately, still says ASSOCIATION when it is one).
    return tuple(k for k in KIND_CODES if k in found)


# INSEE "catégorie juridique" (niveau III) -> kind. Cooperative codes are the 54xx/55xx/56xx
# "coopérative" categories, agricultural ones, and civil cooperatives.
_SCOP_CODES = {"5458", "5558", "5658"}
_COOP_CODES = {
    "5443", "5451", "5453", "5454", "5455", "5459", "5460", "5543", "5547", "5551", "5552",
    "5553", "5554", "5555", "5559", "5560", "5643", "5647", "5651", "5652", "5653", "5654",
    "5655", "5659", "5660", "6316", "6317", "6318", "6543", "6551", "6554", "6558", "6560",
}  # fmt: skip


@lru_cache(maxsize=65536)
def kinds_from_legal_form(text: str) -> tuple[str, ...]:
    """Kinds implied by a legal form, given as text or as an INSEE 4-digit code."""
    code = text.strip()
    if re.fullmatch(r"\d{4}", code):
        if code in _SCOP_CODES:
            return ("SCOP",)
        if code in _COOP_CODES:
            return ("COOPERATIVE",)
        if code.startswith("92"):
            return ("ASSOCIATION",)
        if code.startswith("93"):
            return ("FONDATION",)
        if code.startswith("82") or code == "6411":
            return ("MUTUELLE",)
        return ()
    kinds = set(kinds_from_text(code))
    # In a legal form, "association intermédiaire" is both an AI and an association.
    if "AI" in kinds:
        kinds.add("ASSOCIATION")
    kinds &= {"SCOP", "SCIC", "ASSOCIATION", "MUTUELLE", "FONDATION", "COOPERATIVE", "AI"}
    if kinds & {"SCOP", "SCIC"}:
        kinds.discard("COOPERATIVE")
    return tuple(k for k in KIND_CODES if k in kinds)


def map_unique(values: pd.Series, func) -> pd.Series:
    """Apply `func` once per distinct value of a text Series (None/NA as ""); rows of one value share
    its result (never mutated). Text results come back as str, booleans as bool, others as objects."""
    text = values.fillna("").astype(str)
    codes, uniques = pd.factorize(text)
    mapped = np.empty(len(uniques), dtype=object)
    for i, u in enumerate(uniques):
        mapped[i] = func(u)
    kinds_of_results = {type(v) for v in mapped}
    dtype = "str" if kinds_of_results == {str} else bool if kinds_of_results == {bool} else object
    return pd.Series(mapped[codes], index=text.index, dtype=dtype)
