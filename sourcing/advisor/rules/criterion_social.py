"""Lever "criterion-social": a social award criterion, whenever the purchase is put out to competition."""

from __future__ import annotations

from sourcing.advisor.purchase import Purchase
from sourcing.advisor.rules.base import Advice, Example, Rule, RuleContext, sample_purchase
from sourcing.advisor.rules.law import CCP_IN_FORCE, beyond_note, confidence_of, direct_award_threshold
from sourcing.frenchfmt import format_eur

SAMPLE_CLAUSE = (
    "Critère n° … – Performance en matière d'insertion professionnelle des publics en difficulté "
    "(pondération : …%) : apprécié au regard du nombre d'heures d'insertion proposées au-delà du minimum "
    "exigé et des modalités d'accompagnement, d'encadrement et de formation des personnes (articles R2152-7 "
    "et R2152-12 du code de la commande publique)."
)


def check(p: Purchase, ctx: RuleContext) -> Advice:
    threshold = direct_award_threshold(p, ctx)
    if threshold is not None and p.amount_eur < threshold.value_eur:
        return Advice(
            applies=False,
            rationale=f"Montant inférieur au seuil de dispense de procédure ({format_eur(threshold.value_eur)}) : "
            "pas de mise en concurrence obligatoire, donc pas de critères d'attribution à pondérer (un critère "
            f"social reste possible si vous mettez en concurrence).{beyond_note(threshold)}",
            sample_clause=SAMPLE_CLAUSE,
            confidence=confidence_of(threshold),
        )
    return Advice(
        applies=True,
        rationale="Le marché sera mis en concurrence avec plusieurs critères : un critère social (insertion "
        "professionnelle des publics en difficulté) peut être retenu s'il est lié à l'objet ; il est pondéré en "
        f"procédure formalisée.{beyond_note(threshold)}",
        sample_clause=SAMPLE_CLAUSE,
        confidence=confidence_of(threshold),
    )


RULE = Rule(
    id="criterion-social",
    order=6,
    title="Critère d'attribution social",
    legal_refs=("CCP R2152-7", "CCP R2152-12"),
    valid_from=CCP_IN_FORCE,
    check=check,
    examples=(
        Example(sample_purchase(), applies=True),
        Example(sample_purchase(amount_eur=20_000), applies=False),
    ),
)
