"""Lever "reserve-mixed": one reservation open to both disability and integration employers (L2113-14),
never combined with a reservation for work in prison."""

from __future__ import annotations

from datetime import date

from sourcing.advisor.purchase import Purchase
from sourcing.advisor.rules.base import Advice, Example, Rule, RuleContext, sample_purchase
from sourcing.advisor.rules.law import ASAP_IN_FORCE, HANDICAP_KINDS, INSERTION_KINDS, open_reservation

MIXED_KINDS = (*HANDICAP_KINDS, *INSERTION_KINDS)


def check(p: Purchase, ctx: RuleContext) -> Advice:
    if p.reserve_sep:
        return Advice(
            applies=False,
            rationale="Une réservation ouverte à la fois aux structures du handicap et de l'insertion ne peut "
            "jamais être combinée avec une réservation au travail pénitentiaire (L2113-13-1), prévue ici.",
            eligible_kinds=MIXED_KINDS,
        )
    return open_reservation(
        rationale="Une même réservation peut être ouverte à la fois aux structures du handicap (EA, EATT, ESAT) "
        "et de l'insertion (SIAE), ce qui élargit le nombre de répondants possibles ; elle ne se combine "
        "jamais avec la réservation au travail pénitentiaire (L2113-13-1).",
        sample_clause="En application de l'article L2113-14 du code de la commande publique, le présent marché "
        "[ou : le lot n° …] est réservé à la fois aux opérateurs économiques mentionnés à l'article L2113-12 "
        "(entreprises adaptées, ESAT et structures équivalentes) et à ceux mentionnés à l'article L2113-13 "
        "(structures d'insertion par l'activité économique et structures équivalentes).",
        kinds=MIXED_KINDS,
    )


RULE = Rule(
    id="reserve-mixed",
    order=3,
    title="Réserver à la fois aux structures du handicap et de l'insertion",
    legal_refs=("CCP L2113-14", "loi 2020-1525 (ASAP)"),
    valid_from=ASAP_IN_FORCE,
    check=check,
    eligible_kinds=MIXED_KINDS,
    reservation=True,
    examples=(
        Example(sample_purchase(), applies=True),
        Example(sample_purchase(reserve_sep=True), applies=False, note="jamais combiné avec SEP"),
        Example(sample_purchase(consultation_date=date(2020, 6, 1)), applies=False, note="avant la loi ASAP"),
    ),
)
