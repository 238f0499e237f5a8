"""Lever "direct-award": below the R2122-8 threshold, award without publicity or competition to a
relevant ESS supplier."""

from __future__ import annotations

from datetime import date

from sourcing.advisor.purchase import Purchase
from sourcing.advisor.rules.base import Advice, Example, Rule, RuleContext, sample_purchase
from sourcing.advisor.rules.law import (
    CCP_IN_FORCE,
    ESS_KINDS,
    HANDICAP_KINDS,
    INSERTION_KINDS,
    beyond_note,
    confidence_of,
    direct_award_threshold,
    small_lots_note,
)
from sourcing.frenchfmt import format_eur, french_date

DIRECT_AWARD_KINDS = (*HANDICAP_KINDS, *INSERTION_KINDS, *ESS_KINDS)


def _framework_note(p: Purchase) -> str:
    return " Pour un accord-cadre, la valeur comparée est son montant maximum (R2121-8)." if p.framework else ""


def check(p: Purchase, ctx: RuleContext) -> Advice:
    t = direct_award_threshold(p, ctx)
    if t is None:
        return Advice(applies=False, rationale="Seuil de dispense de procédure inconnu à cette date (pas de donnée).")
    nature = "travaux" if "travaux" in t.natures else "fournitures et services"
    comparison = f"{format_eur(t.value_eur)} ({nature}, en vigueur au {french_date(p.date)}"
    notes = _framework_note(p) + beyond_note(t)
    if p.amount_eur >= t.value_eur:
        return Advice(
            applies=False,
            rationale=f"Montant ({format_eur(p.amount_eur)}) supérieur ou égal au seuil de {comparison}) : une "
            f"procédure de publicité et de mise en concurrence est nécessaire.{notes}{small_lots_note(p, ctx)}",
            confidence=confidence_of(t),
            thresholds_used=(t.id,),
        )
    return Advice(
        applies=True,
        rationale=f"Montant ({format_eur(p.amount_eur)}) inférieur au seuil de {comparison}, {t.reference}) : le "
        "marché peut être attribué sans publicité ni mise en concurrence à une structure de l'ESS pertinente, en "
        "choisissant une offre pertinente, en faisant bon usage des deniers publics et sans contracter "
        f"systématiquement avec le même opérateur.{notes}",
        sample_clause="Attribution sans publicité ni mise en concurrence préalables (article R2122-8 du code "
        "de la commande publique) : l'acheteur a sollicité un devis auprès de [nom de la structure], "
        "[ESAT / entreprise adaptée / structure d'insertion] du territoire, dont l'offre répond au besoin ; "
        "il veille à ne pas contracter systématiquement avec un même opérateur lorsque plusieurs offres "
        "sont susceptibles de répondre au besoin.",
        eligible_kinds=DIRECT_AWARD_KINDS,
        confidence=confidence_of(t),
        thresholds_used=(t.id,),
    )


RULE = Rule(
    id="direct-award",
    order=8,
    title="Attribuer sans publicité ni mise en concurrence à une structure de l'ESS",
    legal_refs=("CCP R2122-8",),
    valid_from=CCP_IN_FORCE,
    check=check,
    eligible_kinds=DIRECT_AWARD_KINDS,
    examples=(
        Example(sample_purchase(amount_eur=50_000, consultation_date=date(2026, 5, 1)), applies=True),
        Example(sample_purchase(amount_eur=50_000, consultation_date=date(2026, 3, 15)), applies=False),
        Example(sample_purchase(amount_eur=80_000, nature="travaux"), applies=True),
        Example(sample_purchase(amount_eur=80_000, nature="fournitures"), applies=False),
        Example(
            purchase=sample_purchase(amount_eur=60_000, consultation_date=date(2026, 5, 1)),
            applies=False,
            note="seuil exclu",
        ),
        Example(
            purchase=sample_purchase(amount_eur=80_000, nature="travaux", cpv=("77310000",)),
            applies=False,
            note="objet de services (CPV) : seuil des services, le plus strict",
        ),
        Example(
            purchase=sample_purchase(amount_eur=80_000, nature="travaux", consultation_date=date(2025, 12, 31)),
            applies=True,
            note="travaux : 100 000 € jusqu'au 31/12/2025 (loi ASAP puis décrets de prolongation)",
        ),
    ),
)
