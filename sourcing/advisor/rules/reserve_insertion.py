"""Lever "reserve-insertion": reserve the contract or lots for integration enterprises (SIAE)."""

from __future__ import annotations

from sourcing.advisor.purchase import Purchase
from sourcing.advisor.rules.base import BEFORE_CCP, Advice, Example, Rule, RuleContext, sample_purchase
from sourcing.advisor.rules.law import CCP_IN_FORCE, INSERTION_KINDS, open_reservation


def check(p: Purchase, ctx: RuleContext) -> Advice:
    return open_reservation(
        rationale="Quel que soit le montant, le marché ou certains de ses lots peuvent être réservés aux "
        "structures d'insertion par l'activité économique (EI, ETTI, AI, ACI) et aux structures équivalentes "
        "employant au moins 50 % de travailleurs défavorisés (les GEIQ ne sont pas éligibles).",
        sample_clause="En application de l'article L2113-13 du code de la commande publique, le présent marché "
        "[ou : le lot n° …] est réservé aux structures d'insertion par l'activité économique mentionnées à "
        "l'article L5132-4 du code du travail, ainsi qu'aux structures équivalentes, qui emploient une "
        "proportion minimale de 50 % de travailleurs défavorisés.",
        kinds=INSERTION_KINDS,
    )


RULE = Rule(
    id="reserve-insertion",
    order=2,
    title="Réserver le marché ou des lots aux structures d'insertion (SIAE)",
    legal_refs=("CCP L2113-13", "CCP R2113-7"),
    valid_from=CCP_IN_FORCE,
    check=check,
    eligible_kinds=INSERTION_KINDS,
    reservation=True,
    examples=(
        Example(sample_purchase(), applies=True),
        Example(sample_purchase(consultation_date=BEFORE_CCP), applies=False),
    ),
)
