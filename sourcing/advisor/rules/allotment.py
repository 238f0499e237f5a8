"""Lever "allotment": dividing the purchase into lots is the rule (L2113-10); lots sized for small
structures open it to ESAT, EA and SIAE. Always applies, always mandatory (or justified)."""

from __future__ import annotations

from sourcing.advisor.purchase import Purchase
from sourcing.advisor.rules.base import BEFORE_CCP, Advice, Example, Rule, RuleContext, sample_purchase
from sourcing.advisor.rules.law import CCP_IN_FORCE, small_lots_note
from sourcing.frenchfmt import format_eur


def _why(p: Purchase) -> str:
    if p.lots > 1:
        return (
            f"Achat prévu en {p.lots} lots (≈ {format_eur(p.lot_amount)} par lot) : vérifiez que leur taille, "
            "leur géographie et leurs métiers sont à la portée des ESAT, EA et SIAE ; un lot peut leur être "
            "réservé."
        )
    if p.is_defence:
        return (
            "Achat prévu en un seul lot : pour un marché de défense ou de sécurité, l'allotissement est facultatif "
            "(L2313-5) ; des lots par métier ou par secteur géographique restent le moyen d'ouvrir le marché "
            "aux petites structures."
        )
    return (
        "Achat prévu en un seul lot : l'allotissement est la règle ; si vous n'allotissez pas, motivez-le "
        "(prestations non distinctes, risque de restreindre la concurrence, difficulté technique ou "
        "financière). Des lots par métier ou par secteur géographique ouvrent le marché aux petites "
        "structures."
    )


def check(p: Purchase, ctx: RuleContext) -> Advice:
    """Allotment is the rule (mandatory, or the refusal justified), optional for a defence or security
    contract (L2313-5); the small lots an allotted purchase may carve out are mentioned."""
    defence = " Marché de défense ou de sécurité : l'allotissement y est facultatif (L2313-5)." if p.is_defence else ""
    why = _why(p) + (defence if p.lots > 1 else "") + small_lots_note(p, ctx)
    return Advice(
        applies=True,
        mandatory=not p.is_defence,
        rationale=why,
        sample_clause="Le marché est décomposé en … lots, définis par corps de métier et par secteur "
        "géographique, de taille adaptée aux capacités des petites et moyennes structures, notamment de "
        "l'économie sociale et solidaire (articles L2113-10 et L2113-11 du code de la commande publique).",
    )


RULE = Rule(
    id="allotment",
    order=7,
    title="Allotir pour ouvrir le marché aux petites structures",
    legal_refs=("CCP L2113-10", "CCP L2113-11", "CCP L2313-5"),
    valid_from=CCP_IN_FORCE,
    check=check,
    examples=(
        Example(sample_purchase(), applies=True, mandatory=True),
        Example(sample_purchase(lots=4), applies=True, mandatory=True),
        Example(sample_purchase(defence_contract=True), applies=True, note="défense ou sécurité : facultatif"),
        Example(sample_purchase(buyer_type="defense"), applies=True, mandatory=True, note="acheteur de la défense"),
        Example(sample_purchase(consultation_date=BEFORE_CCP), applies=False),
    ),
)
