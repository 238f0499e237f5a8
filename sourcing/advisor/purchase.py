"""What the buyer describes: the purchase the advisor reasons about."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Final

import pandas as pd

from sourcing import taxonomy
from sourcing.advisor.thresholds import BUYER_CATEGORIES, BUYER_TYPES, NATURES

MONTHS_PER_YEAR: Final[int] = 12


class AdviceInputError(ValueError):
    """A purchase the advisor cannot reason about; the message is French, for the buyer."""


def _as_tuple(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,) if value.strip() else ()
    return tuple(str(v) for v in value if v is not None and str(v).strip())  # type: ignore[union-attr]


@dataclass(frozen=True)
class Purchase:
    """A purchase as the buyer describes it. Amounts are HT over the whole duration of the contract.

    ``cpv`` and ``sectors`` accept one value or several; ``consultation_date`` None means today.
    ``reserve_sep`` says the buyer plans a reservation for work in prison (L2113-13-1), which can
    never be combined with the mixed reservation. ``labour_share``, ``insertion_rate`` and
    ``hourly_cost`` override the insertion-hours defaults.
    """

    need: str
    nature: str
    amount_eur: float
    duration_months: float
    buyer_type: str = "commune"
    cpv: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    place: str | None = None
    radius_km: float | None = None
    consultation_date: date | None = None
    lots: int = 1
    reserve_sep: bool = False
    labour_share: float | None = None
    insertion_rate: float | None = None
    hourly_cost: float | None = None
    _resolved_sectors: tuple[str, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "cpv", _as_tuple(self.cpv))
        set_(self, "sectors", _as_tuple(self.sectors))
        set_(self, "nature", str(self.nature or "").strip().lower())
        set_(self, "buyer_type", str(self.buyer_type or "").strip().lower())
        if self.consultation_date is None:
            set_(self, "consultation_date", date.today())
        self._validate()
        set_(self, "cpv", tuple(taxonomy.clean_cpv(c) or c for c in self.cpv))
        set_(self, "_resolved_sectors", _sectors_of(self.cpv, self.sectors, self.need))

    def _validate(self) -> None:
        if self.nature not in NATURES:
            raise AdviceInputError(
                f"nature du marché inconnue : « {self.nature} ». Valeurs possibles : {', '.join(NATURES)}."
            )
        if self.buyer_type not in BUYER_CATEGORIES:
            raise AdviceInputError(
                f"type d'acheteur inconnu : « {self.buyer_type} ». Valeurs possibles : {', '.join(BUYER_TYPES)}."
            )
        if not isinstance(self.amount_eur, (int, float)) or math.isnan(self.amount_eur) or self.amount_eur < 0:
            raise AdviceInputError("le montant estimé (HT, sur toute la durée) doit être un nombre positif.")
        if math.isinf(self.amount_eur):
            raise AdviceInputError("le montant estimé doit être un nombre fini.")
        if not isinstance(self.duration_months, (int, float)) or not self.duration_months > 0:
            raise AdviceInputError("la durée du marché (en mois) doit être strictement positive.")
        if not isinstance(self.lots, int) or self.lots < 1:
            raise AdviceInputError("le nombre de lots doit être un entier au moins égal à 1.")
        if self.radius_km is not None and (math.isnan(self.radius_km) or self.radius_km < 0):
            raise AdviceInputError("la distance (km) doit être positive.")
        if self.radius_km is not None and not self.place:
            raise AdviceInputError("une distance demande un lieu (commune, code postal, département...).")
        bad = [c for c in self.cpv if taxonomy.clean_cpv(c) is None]
        if bad:
            raise AdviceInputError(f"code CPV invalide : {', '.join(bad)} (8 chiffres attendus, ex. 90911200).")
        if not isinstance(self.consultation_date, date):
            raise AdviceInputError("la date de consultation doit être une date (AAAA-MM-JJ).")

    # --- derived values --------------------------------------------------------------------

    @property
    def date(self) -> date:
        return self.consultation_date  # type: ignore[return-value]  # set in __post_init__

    @property
    def category(self) -> str:
        """EU threshold category of the buyer: "central", "local" or "utilities-defence"."""
        return BUYER_CATEGORIES[self.buyer_type]

    @property
    def is_defence(self) -> bool:
        return self.buyer_type == "defense"

    @property
    def is_contracting_authority(self) -> bool:
        """Pouvoir adjudicateur (as opposed to a utility, entité adjudicatrice)."""
        return self.buyer_type != "entite-adjudicatrice"

    @property
    def resolved_sectors(self) -> tuple[str, ...]:
        """Sectors of the purchase: those given, else those of its CPV codes, else those read in the need."""
        return self._resolved_sectors

    @property
    def lot_amount(self) -> float:
        return self.amount_eur / self.lots

    @property
    def lot_amount_per_year(self) -> float:
        """Amount of one lot per year of execution; a contract shorter than a year counts as one year
        (the work still has to be absorbed by the structure, but not faster than that)."""
        years = max(self.duration_months, MONTHS_PER_YEAR) / MONTHS_PER_YEAR
        return self.lot_amount / years

    @property
    def has_labour(self) -> bool:
        """Works and services involve labour; pure supplies do not, unless the buyer gives a labour share."""
        if self.labour_share is not None:
            return self.labour_share > 0
        return self.nature != "fournitures"


@lru_cache(maxsize=1024)
def _sectors_of(cpv: tuple[str, ...], sectors: tuple[str, ...], need: str) -> tuple[str, ...]:
    if sectors:
        return sectors
    out: list[str] = []
    for code in cpv:
        out += [s for s in taxonomy.sectors_for_cpv(code) if s not in out]
    if out:
        return tuple(out)
    found = taxonomy.sectors_for_text(pd.Series([need or ""]))[0]
    return tuple(found)


@lru_cache(maxsize=1)
def _social_services_codes() -> frozenset[str]:
    cpv = taxonomy.load_taxonomy().cpv
    return frozenset(cpv.loc[cpv["social_services"], "code8"])


def is_social_services(purchase: Purchase) -> bool:
    """Every CPV code of the purchase is a "social and other specific service" (exact codes)."""
    return bool(purchase.cpv) and all(c in _social_services_codes() for c in purchase.cpv)
