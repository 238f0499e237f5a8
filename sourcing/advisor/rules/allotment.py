"""Lever "allotment": dividing the purchase into lots is the rule (L2113-10); lots sized for small
structures open it to ESAT, EA and SIAE. Always applies, always mandatory (or justified)."""

from __future__ import annotations

from sourcing.advisor.purchase import Purchase
from sourcing.advisor.rules.base import BEFORE_CCP, Advice, Example, Rule, RuleContext, sample_purchase
from sourcing.advisor.rules.law import CCP_IN_FORCE
from sourcing.frenchfmt import format_eur


def check(p: Purchase, ctx: RuleContext) -> Advice:
    if p.lots > 1:
        why = (
            f"Achat prévu en {p.lots} lots (≈ {format_eur(p.lot_amount)} par lot) : vérifiez que leur taille, "
            "leur géographie et leurs métiers sont à la portée des ESAT, EA et SIAE ; un lot peut leur être "
            "réservé."
        )
    else:
        why = (
            "Achat prévu en un seul lot : l'allotissement est la règle ; si vous n'allotissez pas, motivez-le "
            "(prestations non distinctes, risque de restreindre la concurrence, difficulté technique ou "
            "financière). Des lots par métier ou par secteur géographique ouvrent le marché aux petites "
            "structures."
        )
    return Advice(
        applies=True,
        mandatory=True,
        rationale=why,
        sample_clause="Le marché est décomposé en … lots, définis par corps de métier et par secteur "
        "géographique, de taille adaptée aux capacités des petites et moyennes structures, notamment de "
        "l'économie sociale et solidaire (articles L2113-10 et L2113-11 du code de la commande publique).",
    )


RULE = Rule(
    id="allotment",
    order=7,
    title="Allotir pour ouvrir le marché aux petites structures",
    legal_refs=("CCP L2113-10", "CCP L2113-11"),
    valid_from=CCP_IN_FORCE,
    check=check,
    examples=(
        Example(sample_purchase(), applies=True, mandatory=True),
        Example(sample_purchase(lots=4), applies=True, mandatory=True),
        Example(sample_purchase(consultation_date=BEFORE_CCP), applies=False),
    ),
)
