"""Lever "clause-insertion": a social execution condition (insertion hours, L2112-2), mandatory above
the EU threshold for consultations launched from 2026-08-22 (L2112-2-1), defence aside."""

from __future__ import annotations

from datetime import date
from typing import Final

from sourcing.advisor.hours import purchase_insertion_hours
from sourcing.advisor.purchase import Purchase, is_social_services
from sourcing.advisor.rules.base import Advice, Example, Rule, RuleContext, sample_purchase
from sourcing.advisor.rules.law import CCP_IN_FORCE, INSERTION_KINDS, confidence_of
from sourcing.advisor.thresholds import CATEGORY_LABELS, TO_CONFIRM, Threshold
from sourcing.frenchfmt import format_eur, french_date, french_number

# Loi Climat et résilience art. 35: social execution condition mandatory above EU thresholds for
# consultations launched from this date (L2112-2-1).
MANDATORY_SOCIAL_CLAUSE_FROM: Final[date] = date(2026, 8, 22)
# Who can help the holder meet the clause: integration and disability employers, and GEIQ.
CLAUSE_PARTNER_KINDS: Final[tuple[str, ...]] = (*INSERTION_KINDS, "GEIQ", "EA", "ESAT")


def eu_threshold(p: Purchase, ctx: RuleContext) -> Threshold | None:
    """EU threshold for the buyer's category and the nature at the consultation date; for social and
    other specific services (every CPV code in that list), the 750 000 € threshold (to confirm)."""
    if p.nature == "services" and is_social_services(p):
        return ctx.thresholds.get("eu-threshold-social-services", p.date, p.nature, p.category)
    return ctx.thresholds.get("eu-threshold", p.date, p.nature, p.category)


def _labour_sentence(p: Purchase) -> str:
    if p.has_labour:
        return (
            "L'exécution du marché mobilise de la main-d'œuvre : une condition d'exécution peut imposer "
            "des heures d'insertion de personnes éloignées de l'emploi (L2112-2)."
        )
    return (
        "Achat de fournitures sans main-d'œuvre d'exécution : une clause d'heures d'insertion est "
        "peu pertinente (indiquez une part de main-d'œuvre s'il y a livraison, pose ou installation)."
    )


def _obligation_sentence(p: Purchase, eu: Threshold | None, mandatory: bool) -> str:
    """Whether L2112-2-1 makes the condition mandatory, and why (French)."""
    if eu is None:
        return (
            f"Seuil européen inconnu au {french_date(p.date)} (pas de donnée) : le caractère obligatoire "
            "n'a pas pu être vérifié."
        )
    if p.is_defence:
        return "Marché de défense ou de sécurité : l'obligation de l'article L2112-2-1 ne s'applique pas."
    if p.date < MANDATORY_SOCIAL_CLAUSE_FROM:
        return (
            f"Consultation lancée avant le {french_date(MANDATORY_SOCIAL_CLAUSE_FROM)} : la condition "
            "sociale reste facultative quel que soit le montant."
        )
    if mandatory:
        return (
            f"Montant ({format_eur(p.amount_eur)}) supérieur ou égal au seuil européen "
            f"({format_eur(eu.value_eur)}, {eu.label.lower()}) pour une consultation lancée à partir du "
            f"{french_date(MANDATORY_SOCIAL_CLAUSE_FROM)} : une condition d'exécution sociale ou relative à "
            "l'emploi est OBLIGATOIRE (L2112-2-1). Si vous l'écartez, motivez-le (absence de lien "
            "suffisant avec l'objet, atteinte à la concurrence, difficulté technique ou économique — "
            "rédaction des exceptions à confirmer). Une condition environnementale et un critère "
            "environnemental sont aussi obligatoires."
        )
    return (
        f"Montant ({format_eur(p.amount_eur)}) inférieur au seuil européen "
        f"({format_eur(eu.value_eur)}, {CATEGORY_LABELS[p.category]}) : la condition sociale est "
        "facultative mais recommandée."
    )


def _sample_clause(p: Purchase) -> str:
    """Insertion hours to require when the work needs labour; ILO conventions for pure supplies."""
    hours = purchase_insertion_hours(p)
    if hours is None:
        return (
            "Le titulaire s'engage à respecter, pour la fabrication et l'acheminement des fournitures, les "
            "conventions fondamentales de l'Organisation internationale du travail et à en justifier sur demande "
            "(condition d'exécution à caractère social, article L2112-2 du code de la commande publique)."
        )
    hours_text = f"{french_number(hours.hours)} heures"
    return (
        "Le titulaire s'engage à réaliser, pour l'exécution du présent marché, une action d'insertion permettant "
        "l'accès ou le retour à l'emploi de personnes rencontrant des difficultés sociales ou professionnelles "
        f"particulières, représentant au minimum {hours_text} de travail. Il peut recourir à l'embauche directe, "
        "à la mise à disposition de personnel par une structure d'insertion (ETTI, AI) ou un GEIQ, ou à la "
        "sous-traitance ou cotraitance avec une SIAE ou une entreprise adaptée. Le facilitateur des clauses "
        "sociales du territoire accompagne le titulaire et contrôle l'exécution (article L2112-2 du code de la "
        "commande publique ; voir aussi l'article 16.1 du CCAG-FCS 2021)."
    )


def check(p: Purchase, ctx: RuleContext) -> Advice:
    """Open when the execution needs labour; mandatory at or above the EU threshold for consultations
    launched from 2026-08-22, defence aside (then open even for pure supplies)."""
    eu = eu_threshold(p, ctx)
    mandatory_period = p.date >= MANDATORY_SOCIAL_CLAUSE_FROM and not p.is_defence
    mandatory = bool(mandatory_period and eu is not None and p.amount_eur >= eu.value_eur)
    return Advice(
        applies=p.has_labour or mandatory,
        mandatory=mandatory,
        rationale=f"{_labour_sentence(p)} {_obligation_sentence(p, eu, mandatory)}",
        sample_clause=_sample_clause(p),
        eligible_kinds=CLAUSE_PARTNER_KINDS,
        confidence=TO_CONFIRM if mandatory else confidence_of(eu),
        thresholds_used=(eu.id,) if eu else (),
    )


RULE = Rule(
    id="clause-insertion",
    order=5,
    title="Clause sociale d'exécution (heures d'insertion)",
    legal_refs=("CCP L2112-2", "CCP L2112-2-1", "loi 2021-1104 art. 35"),
    valid_from=CCP_IN_FORCE,
    check=check,
    eligible_kinds=CLAUSE_PARTNER_KINDS,
    examples=(
        Example(sample_purchase(amount_eur=300_000), applies=True, mandatory=True),
        Example(sample_purchase(amount_eur=300_000, consultation_date=date(2026, 8, 1)), applies=True),
        Example(sample_purchase(amount_eur=180_000, buyer_type="etat"), applies=True, mandatory=True),
        Example(sample_purchase(amount_eur=180_000, buyer_type="commune"), applies=True),
        Example(
            purchase=sample_purchase(amount_eur=300_000, buyer_type="defense"), applies=True, note="défense exclue"
        ),
        Example(
            purchase=sample_purchase(amount_eur=50_000, nature="fournitures"),
            applies=False,
            note="fournitures sans main-d'œuvre",
        ),
        Example(
            purchase=sample_purchase(amount_eur=500_000, nature="fournitures", need="Papier"),
            applies=True,
            mandatory=True,
        ),
        Example(
            purchase=sample_purchase(amount_eur=6_000_000, nature="travaux", need="Rénovation"),
            applies=True,
            mandatory=True,
        ),
        Example(
            purchase=sample_purchase(amount_eur=600_000, cpv=("85311000",)),
            applies=True,
            note="seuil services sociaux 750 k€",
        ),
    ),
)
