"""Which families of suppliers the directory covers at all, and what to say when it covers none.

"No supplier near you" and "your directory has no list of this family" are different answers: a
SIAE list holds no ESAT or EA, so counting zero ESAT in it says nothing about the buyer's area.
The advisor counts, for each family, the suppliers of the whole directory (one bitwise OR over the
search index's kind bits) and, for a family it has none of, names the list that would cover it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import numpy as np

from sourcing.frenchfmt import or_list
from sourcing.model import KIND_CODES

# What a buyer reads for each family (French), and the lists that hold such suppliers.
FAMILY_NAMES: Final[dict[str, str]] = {
    "handicap": "structure du handicap (ESAT, EA, EATT)",
    "insertion": "structure d'insertion (SIAE : EI, ETTI, AI, ACI)",
    "ess": "entreprise de l'ESS (SCOP, SCIC, associations, entreprises ESUS…)",
}
FAMILY_SOURCES: Final[dict[str, str]] = {
    "handicap": "l'extrait FINESS des ESAT et entreprises adaptées (catégories 246 et 247) "
    "ou la liste des ESAT et EA du Marché de l'inclusion",
    "insertion": "la liste des SIAE de l'ASP ou celle du Marché de l'inclusion",
    "ess": "la liste des entreprises de l'ESS de la CRESS de votre région",
}
NOT_COVERED_LABEL: Final[str] = "non couvert par l'annuaire"


def families_present(kind_bits: np.ndarray, family_kinds: Mapping[str, tuple[str, ...]]) -> frozenset[str]:
    """Families of ``family_kinds`` with at least one supplier of one of their kinds among ``kind_bits``
    (bit i: kind KIND_CODES[i]); e.g. a list of SIAE gives ``{"insertion"}``."""
    present = int(np.bitwise_or.reduce(kind_bits)) if len(kind_bits) else 0
    return frozenset(
        family
        for family, kinds in family_kinds.items()
        if any(present >> KIND_CODES.index(k) & 1 for k in kinds if k in KIND_CODES)
    )


def not_covered_message(families: tuple[str, ...] | list[str]) -> str:
    """What the advice says when the directory holds no supplier of ``families`` (French)."""
    names = or_list([FAMILY_NAMES[f] for f in families])
    sources = or_list([FAMILY_SOURCES[f] for f in families])
    return (
        f"L'annuaire utilisé ne contient aucune {names} : il ne couvre pas cette famille et ne dit donc "
        f"pas s'il en existe près de chez vous. Pour le savoir, ajoutez à l'annuaire {sources}."
    )


def partly_covered_message(missing: tuple[str, ...] | list[str]) -> str:
    """The addition to a count when the directory covers only some of the lever's families (French)."""
    names = or_list([FAMILY_NAMES[f] for f in missing])
    sources = or_list([FAMILY_SOURCES[f] for f in missing])
    return f"Ce nombre ne compte aucune {names} : l'annuaire n'en contient pas (ajoutez {sources})."


def none_near_message() -> str:
    """The directory has this family, but none in the sector and area asked (French)."""
    return (
        "Aucune structure éligible dans ce secteur et cette zone, alors que l'annuaire en contient "
        "ailleurs : réservation non viable (le marché serait infructueux). Élargissez la zone, revoyez "
        "le secteur ou passez par une clause d'exécution."
    )
