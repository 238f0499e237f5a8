"""Lever "joint-bid": suggest that small structures bid together when one lot per year exceeds what
they can absorb (rule of thumb on headcount, `capacity.csv`)."""

from __future__ import annotations

from sourcing.advisor.purchase import Purchase
from sourcing.advisor.rules.base import Advice, Example, Rule, RuleContext, sample_purchase
from sourcing.advisor.rules.law import CCP_IN_FORCE
from sourcing.advisor.thresholds import load_capacity
from sourcing.frenchfmt import format_eur

SAMPLE_CLAUSE = (
    "Les candidats peuvent se présenter seuls ou en groupement conjoint ou solidaire ; aucune forme de "
    "groupement n'est imposée pour la remise des candidatures et des offres (articles R2142-19 à R2142-27 "
    "du code de la commande publique). Les petites structures, notamment de l'ESS, peuvent se grouper pour "
    "répondre aux lots les plus importants."
)


def check(p: Purchase, ctx: RuleContext) -> Advice:
    capacity = ctx.local_capacity_eur_per_year
    basis = "capacité médiane des structures éligibles proches"
    if capacity is None:  # no directory searched: the smallest band of the rule of thumb
        small = load_capacity()[0]
        capacity, basis = small.max_lot_eur_per_year, f"capacité d'une structure de {small.label}"
    per_year = p.lot_amount_per_year
    if per_year > capacity:
        return Advice(
            applies=True,
            rationale=f"Un lot représente ≈ {format_eur(per_year)} par an, plus que la {basis} "
            f"(≈ {format_eur(capacity)} par an, règle empirique) : suggérez aux petites structures de "
            "répondre en groupement (conjoint ou solidaire), ou découpez en lots plus petits.",
            sample_clause=SAMPLE_CLAUSE,
        )
    return Advice(
        applies=False,
        rationale=f"Un lot représente ≈ {format_eur(per_year)} par an, dans la {basis} "
        f"(≈ {format_eur(capacity)} par an, règle empirique) : un groupement n'est pas nécessaire "
        "(il reste toujours permis).",
        sample_clause=SAMPLE_CLAUSE,
    )


RULE = Rule(
    id="joint-bid",
    order=10,
    title="Suggérer une candidature en groupement",
    legal_refs=("CCP R2142-19", "CCP R2142-27"),
    valid_from=CCP_IN_FORCE,
    check=check,
    examples=(
        Example(sample_purchase(amount_eur=2_000_000, duration_months=24), applies=True),
        Example(sample_purchase(amount_eur=2_000_000, duration_months=24, lots=20), applies=False),
        Example(sample_purchase(amount_eur=100_000, duration_months=24), applies=False),
    ),
)
