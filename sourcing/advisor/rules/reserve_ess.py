"""Lever "reserve-ess": reserve a contract for ESS enterprises (L2113-15): social, health and cultural
services of the listed CPV codes only, bought by a contracting authority, for three years at most."""

from __future__ import annotations

from typing import Final

from sourcing import taxonomy
from sourcing.advisor.cpv import l2113_15_parent
from sourcing.advisor.purchase import Purchase
from sourcing.advisor.rules.base import Advice, Example, Rule, RuleContext, sample_purchase
from sourcing.advisor.rules.law import CCP_IN_FORCE, ESS_KINDS
from sourcing.advisor.thresholds import TO_CONFIRM

# L2113-15: a contract reserved for ESS enterprises lasts at most three years.
ESS_RESERVATION_MAX_MONTHS: Final[int] = 36


def obstacles(p: Purchase) -> list[str]:
    """Why the purchase cannot be reserved for ESS enterprises (French), empty when it can."""
    reasons = []
    if not p.cpv:
        reasons.append(
            "indiquez les codes CPV du marché : la réservation n'est possible que pour les services "
            "de la liste de l'article L2113-15"
        )
    else:
        outside = [c for c in p.cpv if not taxonomy.is_l2113_15(c) and l2113_15_parent(c) is None]
        if outside:
            reasons.append(
                f"le(s) code(s) CPV {', '.join(outside)} ne figurent pas dans la liste des services "
                "sociaux, de santé et culturels de l'article L2113-15 (tous les codes doivent y être)"
            )
    if p.nature != "services":
        reasons.append("seuls des marchés de services peuvent être réservés à ce titre")
    if not p.is_contracting_authority:
        reasons.append("seul un pouvoir adjudicateur peut utiliser cette réservation (pas une entité adjudicatrice)")
    if p.duration_months > ESS_RESERVATION_MAX_MONTHS:
        reasons.append(f"la durée ({p.duration_months:g} mois) dépasse le maximum de 3 ans")
    return reasons


def _sub_code_note(p: Purchase) -> str:
    """Codes that are not listed themselves but fall under a listed code: possible, to check."""
    subs = [(c, parent) for c in p.cpv if (parent := l2113_15_parent(c)) is not None]
    if not subs:
        return ""
    pairs = ", ".join(f"{c} (sous-code de {parent})" for c, parent in subs)
    return (
        f" À vérifier : {pairs} ne figure(nt) pas tel(s) quel(s) dans la liste, mais sous un code qui y "
        "figure ; que la liste couvre ses sous-codes n'est pas établi : vérifiez avant de réserver."
    )


def check(p: Purchase, ctx: RuleContext) -> Advice:
    reasons = obstacles(p)
    if reasons:
        return Advice(
            applies=False,
            rationale="Réservation aux entreprises de l'ESS impossible : " + " ; ".join(reasons) + ".",
            eligible_kinds=ESS_KINDS,
        )
    return Advice(
        applies=True,
        rationale="Tous les codes CPV du marché relèvent de la liste de l'article L2113-15, l'acheteur est un "
        "pouvoir adjudicateur et la durée n'excède pas 3 ans : le marché peut être réservé aux entreprises de "
        "l'ESS (loi 2014-856 art. 1) remplissant les conditions de l'article L2113-16. Un opérateur ayant "
        "obtenu de cet acheteur un marché réservé à ce titre dans les 3 années précédentes ne peut pas être "
        f"retenu. L'avis doit citer l'article (rédaction française et liste à confirmer).{_sub_code_note(p)}",
        sample_clause="En application des articles L2113-15 et L2113-16 du code de la commande publique, le "
        "présent marché est réservé aux entreprises de l'économie sociale et solidaire mentionnées à l'article "
        "1er de la loi n° 2014-856 du 31 juillet 2014 qui remplissent les conditions de l'article L2113-16. "
        "Sa durée n'excède pas trois ans. Ne peut être attributaire un opérateur qui s'est vu attribuer par "
        "l'acheteur, au cours des trois années précédentes, un marché réservé en application de ces articles.",
        eligible_kinds=ESS_KINDS,
    )


RULE = Rule(
    id="reserve-ess",
    order=4,
    title="Réserver aux entreprises de l'ESS (services sociaux, de santé et culturels)",
    legal_refs=("CCP L2113-15", "CCP L2113-16", "CCP R2113-8", "loi 2014-856 art. 1"),
    valid_from=CCP_IN_FORCE,
    confidence=TO_CONFIRM,
    check=check,
    eligible_kinds=ESS_KINDS,
    reservation=True,
    examples=(
        Example(sample_purchase(need="Hébergement social", cpv=("85311000",)), applies=True),
        Example(sample_purchase(cpv=("85311000", "92500000"), duration_months=36), applies=True),
        Example(sample_purchase(cpv=("85311000",), duration_months=48), applies=False, note="plus de 3 ans"),
        Example(sample_purchase(cpv=("85311000", "77310000")), applies=False, note="un code hors liste"),
        Example(sample_purchase(cpv=("85311000",), buyer_type="entite-adjudicatrice"), applies=False),
        Example(sample_purchase(cpv=("45000000",), nature="travaux"), applies=False),
        Example(sample_purchase(), applies=False, note="sans CPV"),
        Example(sample_purchase(cpv=("92511000",)), applies=True, note="sous-code d'un code listé : à vérifier"),
    ),
)
