"""What the rules share of the law: the dates levers hold from, the kinds of supplier each reservation
is open to, and the direct-award threshold two levers compare against."""

from __future__ import annotations

from datetime import date
from typing import Final

from sourcing.advisor.purchase import Purchase
from sourcing.advisor.rules.base import Advice, RuleContext
from sourcing.advisor.thresholds import CONFIRMED, TO_CONFIRM, Threshold
from sourcing.model import KINDS

# The Code de la commande publique entered into force on 2019-04-01: no lever is claimed before.
CCP_IN_FORCE: Final[date] = date(2019, 4, 1)
# Loi ASAP 2020-1525 of 2020-12-07 (JO 2020-12-08) opened the mixed reservation (L2113-14);
# entry into force taken as the day after publication.
ASAP_IN_FORCE: Final[date] = date(2020, 12, 9)

HANDICAP_KINDS: Final[tuple[str, ...]] = ("ESAT", "EA", "EATT")
# SIAE and the experimental EITI (as "equivalent structure"); GEIQ cannot answer a reservation, SEP
# only L2113-13-1.
INSERTION_KINDS: Final[tuple[str, ...]] = ("EI", "ETTI", "AI", "ACI", "EITI")
ESS_KINDS: Final[tuple[str, ...]] = tuple(k.code for k in KINDS if k.family == "ess")


def open_reservation(*, rationale: str, sample_clause: str, kinds: tuple[str, ...]) -> Advice:
    """A reservation lever that applies: its rationale ends with how the reservation is announced and
    why the count of eligible suppliers matters."""
    return Advice(
        applies=True,
        rationale=rationale + " La réservation est annoncée dans l'avis de publicité (ou les documents de la "
        "consultation). Elle n'a de sens que si assez de structures éligibles peuvent répondre : voir le décompte.",
        sample_clause=sample_clause,
        eligible_kinds=kinds,
    )


def confidence_of(*thresholds: Threshold | None) -> str:
    """ "à confirmer" as soon as one of the thresholds a rule used is; "vérifié" otherwise."""
    return TO_CONFIRM if any(t is not None and t.confidence == TO_CONFIRM for t in thresholds) else CONFIRMED


def direct_award_threshold(p: Purchase, ctx: RuleContext) -> Threshold | None:
    """R2122-8 threshold in force at the consultation date for the purchase's nature."""
    return ctx.thresholds.get("direct-award", p.date, p.nature, p.category)
