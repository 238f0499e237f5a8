"""Lever "sourcing": meet the local ESAT, EA, SIAE and ESS enterprises before launching (R2111-1),
without distorting competition."""

from __future__ import annotations

from sourcing.advisor.purchase import Purchase
from sourcing.advisor.rules.base import BEFORE_CCP, Advice, Example, Rule, RuleContext, sample_purchase
from sourcing.advisor.rules.law import CCP_IN_FORCE


def check(p: Purchase, ctx: RuleContext) -> Advice:
    return Advice(
        applies=True,
        rationale="Avant de lancer la consultation, rencontrez les ESAT, EA, SIAE et entreprises de l'ESS du "
        "territoire pour vérifier ce qu'elles peuvent faire : c'est permis si cela ne fausse pas la concurrence "
        "(mêmes informations pour tous, comptes rendus, aucun engagement sur le prix ni les volumes).",
        sample_clause=f"Avis de sourcing – [acheteur] prépare un marché portant sur : {p.need.strip() or '[objet]'}. "
        "Il souhaite échanger avec les opérateurs économiques, notamment les ESAT, entreprises adaptées, "
        "structures d'insertion par l'activité économique et entreprises de l'économie sociale et solidaire du "
        "territoire, avant de lancer la consultation (articles R2111-1 et R2111-2 du code de la commande "
        "publique). Les informations communiquées sont identiques pour tous, chaque échange fait l'objet d'un "
        "compte rendu, et ces échanges n'engagent l'acheteur ni sur les prix ni sur les volumes.",
    )


RULE = Rule(
    id="sourcing",
    order=11,
    title="Sourcing : rencontrer les structures avant de lancer",
    legal_refs=("CCP R2111-1", "CCP R2111-2"),
    valid_from=CCP_IN_FORCE,
    check=check,
    examples=(
        Example(sample_purchase(), applies=True),
        Example(sample_purchase(amount_eur=10_000_000, nature="travaux"), applies=True),
        Example(sample_purchase(consultation_date=BEFORE_CCP), applies=False),
    ),
)
