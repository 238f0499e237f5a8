"""What the buyer describes: the purchase the advisor reasons about."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Final

from sourcing import taxonomy, vocabulary
from sourcing.advisor.cpv import cpv_exists, cpv_nature
from sourcing.advisor.thresholds import BUYER_CATEGORIES, BUYER_TYPES, CATEGORY_ASKED, NATURES, load_thresholds
from sourcing.frenchfmt import format_eur, french_date

MONTHS_PER_YEAR: Final[int] = 12
# Beyond this amount (100 billion euros, more than the State's yearly purchases) the figure is a typo.
MAX_AMOUNT_EUR: Final[float] = 1e11
# Dates this many years past the last known thresholds are refused (a typo, or no rule can be trusted).
MAX_YEARS_PAST_HORIZON: Final[int] = 10


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

    ``framework``: an accord-cadre, whose ``amount_eur`` is the maximum of every order over its whole
    duration (R2121-8). ``defence_contract``: a defence or security contract (L1113-1), which is not
    the same as a defence buyer. ``central_authority``: for a public establishment or another buyer,
    whether it is a central public authority (central-government EU thresholds); None = not said.
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
    framework: bool = False
    defence_contract: bool = False
    central_authority: bool | None = None
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
        if not isinstance(self.amount_eur, (int, float)) or math.isnan(self.amount_eur) or self.amount_eur <= 0:
            raise AdviceInputError(
                "le montant estimé (HT, sur toute la durée) doit être strictement positif : un achat de 0 € "
                "n'est pas un marché."
            )
        if math.isinf(self.amount_eur):
            raise AdviceInputError("le montant estimé doit être un nombre fini.")
        if self.amount_eur > MAX_AMOUNT_EUR:
            raise AdviceInputError(
                f"montant estimé hors de toute mesure ({format_eur(self.amount_eur)}, plus de "
                f"{format_eur(MAX_AMOUNT_EUR)}) : vérifiez la saisie (montant HT en euros, sur toute la durée)."
            )
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
        unknown = [c for c in self.cpv if not cpv_exists(taxonomy.clean_cpv(c) or "")]
        if unknown:
            raise AdviceInputError(
                f"code CPV inconnu : {', '.join(unknown)} (absent de la nomenclature CPV 2008 ; vérifiez-le, "
                "ex. 90911200 pour le nettoyage de locaux)."
            )
        if not isinstance(self.consultation_date, date):
            raise AdviceInputError("la date de consultation doit être une date (AAAA-MM-JJ).")
        horizon = load_thresholds().horizon
        if self.consultation_date.year > horizon.year + MAX_YEARS_PAST_HORIZON:
            raise AdviceInputError(
                f"date de consultation trop lointaine ({french_date(self.consultation_date)}) : les seuils connus "
                f"s'arrêtent au {french_date(horizon)} et aucun conseil n'est donné au-delà de "
                f"{horizon.year + MAX_YEARS_PAST_HORIZON}. Vérifiez l'année."
            )

    # --- derived values --------------------------------------------------------------------

    @property
    def date(self) -> date:
        return self.consultation_date  # type: ignore[return-value]  # set in __post_init__

    @property
    def category(self) -> str:
        """EU threshold category: "central", "local" or "utilities-defence". A defence or security contract
        has its own; a public establishment or another buyer that did not say whether it is a central
        authority gets the stricter (central) reading, see `category_asked`."""
        if self.defence_contract:
            return "utilities-defence"
        if self.buyer_type in CATEGORY_ASKED and self.central_authority is not None:
            return "central" if self.central_authority else "local"
        if self.category_asked:
            return "central"
        return BUYER_CATEGORIES[self.buyer_type]

    @property
    def category_asked(self) -> bool:
        """The buyer type alone does not settle the EU category and the buyer did not say."""
        return not self.defence_contract and self.buyer_type in CATEGORY_ASKED and self.central_authority is None

    @property
    def threshold_categories(self) -> tuple[str, ...]:
        """Every EU category the buyer may be in (both when it did not say: the strictest is applied)."""
        return ("central", "local") if self.category_asked else (self.category,)

    @property
    def object_natures(self) -> tuple[str, ...]:
        """Natures the CPV codes give the object, in the order of `NATURES`."""
        found = {cpv_nature(c) for c in self.cpv}
        return tuple(n for n in NATURES if n in found)

    @property
    def threshold_natures(self) -> tuple[str, ...]:
        """The chosen nature and those its CPV codes say: the nature follows the object (L1111-2 to
        L1111-4), so thresholds are read for each and the strictest is applied."""
        return (self.nature, *(n for n in self.object_natures if n != self.nature))

    @property
    def is_defence(self) -> bool:
        """A defence or security contract (L1113-1), whoever the buyer."""
        return self.defence_contract

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
    return tuple(vocabulary.sectors_for_description(need))


@lru_cache(maxsize=1)
def _social_services_codes() -> frozenset[str]:
    cpv = taxonomy.load_taxonomy().cpv
    return frozenset(cpv.loc[cpv["social_services"], "code8"])


def is_social_services(purchase: Purchase) -> bool:
    """Every CPV code of the purchase is a "social and other specific service" (exact codes)."""
    return bool(purchase.cpv) and all(c in _social_services_codes() for c in purchase.cpv)
