"""Lever "reserve-handicap": reserve the contract or lots for disability employers (EA, EATT, ESAT)."""

from __future__ import annotations

from sourcing.advisor.purchase import Purchase
from sourcing.advisor.rules.base import BEFORE_CCP, Advice, Example, Rule, RuleContext, sample_purchase
from sourcing.advisor.rules.law import CCP_IN_FORCE, HANDICAP_KINDS, open_reservation


def check(p: Purchase, ctx: RuleContext) -> Advice:
    return open_reservation(
        rationale="Quel que soit le montant, le marché ou certains de ses lots peuvent être réservés aux "
        "entreprises adaptées (EA, EATT), aux ESAT et aux structures équivalentes employant au moins 50 % "
        "de travailleurs handicapés.",
        sample_clause="En application de l'article L2113-12 du code de la commande publique, le présent marché "
        "[ou : le lot n° …] est réservé aux entreprises adaptées, aux établissements et services "
        "d'accompagnement par le travail mentionnés à l'article L344-2 du code de l'action sociale et des "
        "familles, ainsi qu'aux structures équivalentes, qui emploient une proportion minimale de 50 % de "
        "travailleurs handicapés.",
        kinds=HANDICAP_KINDS,
    )


RULE = Rule(
    id="reserve-handicap",
    order=1,
    title="Réserver le marché ou des lots aux structures du handicap (EA, EATT, ESAT)",
    legal_refs=("CCP L2113-12", "CCP R2113-7"),
    valid_from=CCP_IN_FORCE,
    check=check,
    eligible_kinds=HANDICAP_KINDS,
    reservation=True,
    examples=(
        Example(sample_purchase(), applies=True),
        Example(sample_purchase(amount_eur=3_000_000, nature="travaux"), applies=True),
        Example(sample_purchase(consultation_date=BEFORE_CCP), applies=False, note="avant le CCP"),
    ),
)
