"""What every rule module provides, and the purchase its examples start from.

A rule module (one per lever, in this package) declares ``RULE``: a `Rule` built with keyword
arguments, whose ``check(purchase, context) -> Advice`` says whether the lever is open for a
purchase, and whose ``examples`` (positive and negative) one generic test runs.

Rules read amounts from ``thresholds.csv`` (via `RuleContext`), never from literals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass, field
from datetime import date
from typing import Final

from sourcing.advisor.purchase import Purchase
from sourcing.advisor.thresholds import CONFIRMED, ThresholdTable, load_thresholds
from sourcing.frenchfmt import french_date


@dataclass(frozen=True)
class RuleContext:
    """What rules need beyond the purchase: the threshold table, and the rough annual capacity of the
    local eligible suppliers (median of their headcount band) when a directory was searched."""

    thresholds: ThresholdTable = field(default_factory=load_thresholds)
    local_capacity_eur_per_year: float | None = None


@dataclass(frozen=True, kw_only=True)
class Advice:
    """What one rule says about one purchase (texts in French)."""

    applies: bool
    mandatory: bool = False  # a lever that does not apply is never mandatory (checked by `Rule.evaluate`)
    rationale: str
    sample_clause: str = ""  # a clause or notice wording the buyer can paste
    eligible_kinds: tuple[str, ...] = ()
    confidence: str | None = None  # overrides the rule's (e.g. a threshold "à confirmer" was used)
    thresholds_used: tuple[str, ...] = ()


@dataclass(frozen=True)
class Example:
    """A purchase and what the rule must answer for it; ``note`` says what the example pins (French)."""

    purchase: Purchase
    _: KW_ONLY
    applies: bool
    mandatory: bool = False
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class Rule:
    """One lever: its legal references, the dates between which it holds (None = no known bound), a
    confidence flag ("vérifié" or "à confirmer": not checked in a primary text) and its check.

    ``order`` is the lever's place in every report (the package sorts the rules by it).
    """

    id: str
    order: int
    title: str  # French
    legal_refs: tuple[str, ...]
    valid_from: date | None
    valid_to: date | None = None
    confidence: str = CONFIRMED
    check: Callable[[Purchase, RuleContext], Advice] = field(repr=False)
    eligible_kinds: tuple[str, ...] = ()
    reservation: bool = False  # eligible suppliers are counted for reservations
    examples: tuple[Example, ...] = field(default=(), repr=False)

    def valid_on(self, on: date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or on <= self.valid_to)

    def evaluate(self, purchase: Purchase, context: RuleContext | None = None) -> Advice:
        """The advice of this rule for ``purchase``; a rule never applies outside its validity dates."""
        context = context or RuleContext()
        if not self.valid_on(purchase.date):
            out_of_force = self._out_of_force(purchase.date)
            return Advice(applies=False, rationale=out_of_force, eligible_kinds=self.eligible_kinds)
        advice = self.check(purchase, context)
        if advice.mandatory and not advice.applies:  # a lever that is not open cannot be required
            raise AssertionError(f"rule {self.id}: mandatory without applying")
        return advice

    def _out_of_force(self, on: date) -> str:
        span = f"du {french_date(self.valid_from)}" if self.valid_from else ""
        span += f" au {french_date(self.valid_to)}" if self.valid_to else (" sans date de fin" if span else "")
        return f"Règle non applicable à une consultation du {french_date(on)} : en vigueur {span}."


# --- Examples -------------------------------------------------------------------------------------

# Before the CCP: no rule applies.
BEFORE_CCP: Final[date] = date(2018, 6, 1)


def sample_purchase(**changes: object) -> Purchase:
    """The purchase rule examples start from (green-space upkeep for a commune, 100 k€ over 2 years,
    consulted on 2026-09-01), with ``changes`` applied."""
    fields: dict[str, object] = {
        "need": "Entretien des espaces verts",
        "nature": "services",
        "amount_eur": 100_000,
        "duration_months": 24,
        "buyer_type": "commune",
        "consultation_date": date(2026, 9, 1),
    }
    return Purchase(**{**fields, **changes})  # type: ignore[arg-type]
