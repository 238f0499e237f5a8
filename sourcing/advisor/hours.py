"""Insertion hours: the facilitators' formula.

    hours = amount HT × labour share × insertion rate ÷ hourly labour cost

Defaults (labour share per sector, rate, hourly cost) are read from
``data/rules/insertion_defaults.csv`` with their source; every one can be overridden.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Final

from sourcing.advisor.purchase import Purchase
from sourcing.advisor.thresholds import CONFIRMED, RULES_DIR, TO_CONFIRM
from sourcing.frenchfmt import percent


@dataclass(frozen=True)
class Default:
    """One default of the formula (a row of insertion_defaults.csv) and where it comes from."""

    value: float
    source: str
    confidence: str


# Key of the generic default, for any sector.
ANY: Final[str] = "*"
# Source shown for a parameter the buyer typed instead of taking the default.
OVERRIDDEN: Final[str] = "valeur saisie par l'acheteur"


@lru_cache(maxsize=1)
def load_defaults() -> dict[str, dict[str, Default]]:
    """parameter -> key (sector id or "*") -> Default."""
    out: dict[str, dict[str, Default]] = {}
    with (RULES_DIR / "insertion_defaults.csv").open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            out.setdefault(r["parameter"], {})[r["key"]] = Default(float(r["value"]), r["source"], r["confidence"])
    return out


@dataclass(frozen=True)
class InsertionHours:
    hours: float
    amount: float
    labour_share: float
    rate: float
    hourly_cost: float
    sources: dict[str, str] = field(default_factory=dict)  # parameter -> where the value comes from
    confidence: str = CONFIRMED  # "à confirmer" as soon as one default used is
    sector: str | None = None  # the sector whose labour share was used, if any

    def to_dict(self) -> dict:
        return {
            "hours": round(self.hours, 1),
            "amount": self.amount,
            "labour_share": self.labour_share,
            "rate": self.rate,
            "hourly_cost": self.hourly_cost,
            "sources": dict(self.sources),
            "confidence": self.confidence,
            "sector": self.sector,
        }


def default_labour_share(sectors: tuple[str, ...] = ()) -> tuple[Default, str | None]:
    """The labour share of the first sector that has one, else the generic default."""
    shares = load_defaults()["labour_share"]
    for s in sectors:
        if s in shares:
            return shares[s], s
    return shares[ANY], None


def _check_fraction(name: str, value: float) -> None:
    if not 0 <= value <= 1:
        raise ValueError(f"{name} doit être compris entre 0 et 1 (par exemple 0,05 pour 5 %), reçu {value}.")


def insertion_hours(
    amount_eur: float,
    sectors: tuple[str, ...] = (),
    *,
    labour_share: float | None = None,
    rate: float | None = None,
    hourly_cost: float | None = None,
) -> InsertionHours:
    """Insertion hours to require for a purchase of ``amount_eur`` HT over its whole duration.

    Each parameter left to None takes its default (labour share from the first of ``sectors``
    that has one). Raises ValueError (French message) on a negative amount, a share or rate
    outside [0, 1] or a non-positive hourly cost.
    """
    if amount_eur < 0:
        raise ValueError("Le montant doit être positif ou nul.")
    defaults = load_defaults()
    share_default, share_sector = default_labour_share(tuple(sectors))
    given_and_default = {
        "labour_share": (labour_share, share_default),
        "rate": (rate, defaults["rate"][ANY]),
        "hourly_cost": (hourly_cost, defaults["hourly_cost"][ANY]),
    }
    values = {key: d.value if given is None else given for key, (given, d) in given_and_default.items()}
    sources = {key: d.source if given is None else OVERRIDDEN for key, (given, d) in given_and_default.items()}
    defaults_used = [d for given, d in given_and_default.values() if given is None]
    _check_fraction("La part de main-d'œuvre", values["labour_share"])
    _check_fraction("Le taux d'insertion", values["rate"])
    if values["hourly_cost"] <= 0:
        raise ValueError("Le coût horaire doit être strictement positif.")
    return InsertionHours(
        hours=amount_eur * values["labour_share"] * values["rate"] / values["hourly_cost"],
        amount=float(amount_eur),
        labour_share=values["labour_share"],
        rate=values["rate"],
        hourly_cost=float(values["hourly_cost"]),
        sources=sources,
        confidence=TO_CONFIRM if any(d.confidence == TO_CONFIRM for d in defaults_used) else CONFIRMED,
        sector=share_sector if labour_share is None else None,
    )


def purchase_insertion_hours(purchase: Purchase) -> InsertionHours | None:
    """The insertion hours of ``purchase`` with the buyer's overrides; None for pure supplies (no labour)."""
    if not purchase.has_labour:
        return None
    return insertion_hours(
        purchase.amount_eur,
        purchase.resolved_sectors,
        labour_share=purchase.labour_share,
        rate=purchase.insertion_rate,
        hourly_cost=purchase.hourly_cost,
    )


def generic_defaults() -> tuple[Default, Default, Default]:
    """The defaults of the labour share, the insertion rate and the hourly cost when no sector gives one."""
    defaults = load_defaults()
    return defaults["labour_share"][ANY], defaults["rate"][ANY], defaults["hourly_cost"][ANY]


def labour_share_examples(count: int = 3) -> str:
    """A few sector labour shares to illustrate the default, e.g. ``"nettoyage-locaux 85 %, ..."``
    (the first ``count`` rows of the file, the generic one left out)."""
    shares = list(load_defaults()["labour_share"].items())[:count]
    return ", ".join(f"{sector} {percent(d.value)}" for sector, d in shares if sector != ANY)
