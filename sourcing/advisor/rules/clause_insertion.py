"""Lever "clause-insertion": a social execution condition (insertion hours, L2112-2), mandatory above
the EU threshold for consultations launched from 2026-08-22 (L2112-2-1), defence and security contracts
aside (L1113-1: the contract, not the buyer). After the last known EU thresholds, the last ones keep
applying (flagged "à vérifier"): a date past the data never makes the condition optional."""

from __future__ import annotations

from datetime import date
from typing import Final

from sourcing.advisor.hours import purchase_insertion_hours
from sourcing.advisor.purchase import Purchase, is_social_services
from sourcing.advisor.rules.base import Advice, Example, Rule, RuleContext, sample_purchase
from sourcing.advisor.rules.law import CCP_IN_FORCE, INSERTION_KINDS, beyond_note, confidence_of
from sourcing.advisor.thresholds import TO_CONFIRM, Threshold
from sourcing.frenchfmt import format_eur, french_date, french_number

# Loi Climat et résilience art. 35: social execution condition mandatory above EU thresholds for
# consultations launched from this date (L2112-2-1).
MANDATORY_SOCIAL_CLAUSE_FROM: Final[date] = date(2026, 8, 22)
# Who can help the holder meet the clause: integration and disability employers, and GEIQ.
CLAUSE_PARTNER_KINDS: Final[tuple[str, ...]] = (*INSERTION_KINDS, "GEIQ", "EA", "ESAT")


def eu_threshold(p: Purchase, ctx: RuleContext, categories: tuple[str, ...] | None = None) -> Threshold | None:
    """EU threshold at the consultation date, strictest of the readings left open (natures, buyer
    categories, or the ``categories`` given); for social and other specific services (every CPV code in
    that list), the 750 000 € threshold (to confirm)."""
    found = []
    for nature in p.threshold_natures:
        threshold_id = (
            "eu-threshold-social-services" if nature == "services" and is_social_services(p) else "eu-threshold"
        )
        t = ctx.thresholds.pick(threshold_id, p.date, (nature,), categories or p.threshold_categories)
        found += [t] if t is not None else []
    return min(found, key=lambda t: (t.value_eur, t.extrapolated)) if found else None


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


def is_mandatory(p: Purchase, eu: Threshold | None) -> bool:
    """L2112-2-1: consultation launched from 2026-08-22, not a defence or security contract, value at or
    above the EU threshold; with no threshold known at all, the prudent reading (mandatory)."""
    if p.is_defence or p.date < MANDATORY_SOCIAL_CLAUSE_FROM:
        return False
    return eu is None or p.amount_eur >= eu.value_eur


def _category_sentence(p: Purchase, ctx: RuleContext) -> str:
    """When the buyer did not say whether it is a central authority: both thresholds, the strictest applied."""
    if not p.category_asked:
        return ""
    central, local = eu_threshold(p, ctx, ("central",)), eu_threshold(p, ctx, ("local",))
    if central is None or local is None or central.value_eur == local.value_eur:
        return ""
    return (
        f" Vous n'avez pas précisé si vous êtes une autorité publique centrale : le seuil est de "
        f"{format_eur(central.value_eur)} si c'est le cas, de {format_eur(local.value_eur)} sinon ; le plus bas "
        "est appliqué ici."
    )


def _label(t: Threshold) -> str:
    """The threshold's label inside a sentence: first letter lowered ("Seuil européen" -> "seuil européen")."""
    return t.label[:1].lower() + t.label[1:]


def _obligation_sentence(p: Purchase, eu: Threshold | None, mandatory: bool) -> str:
    """Whether L2112-2-1 makes the condition mandatory, and why (French)."""
    if p.is_defence:
        return "Marché de défense ou de sécurité : l'obligation de l'article L2112-2-1 ne s'applique pas."
    if p.date < MANDATORY_SOCIAL_CLAUSE_FROM:
        return (
            f"Consultation lancée avant le {french_date(MANDATORY_SOCIAL_CLAUSE_FROM)} : la condition "
            "sociale reste facultative quel que soit le montant."
        )
    if eu is None:
        return (
            f"Seuil européen inconnu au {french_date(p.date)} : la condition sociale est traitée comme "
            "OBLIGATOIRE (lecture la plus prudente, L2112-2-1), à vérifier."
        )
    if mandatory:
        return (
            f"Montant ({format_eur(p.amount_eur)}) supérieur ou égal au seuil européen "
            f"({format_eur(eu.value_eur)}, {_label(eu)}) pour une consultation lancée à partir du "
            f"{french_date(MANDATORY_SOCIAL_CLAUSE_FROM)} : une condition d'exécution sociale ou relative à "
            "l'emploi est OBLIGATOIRE (L2112-2-1). Si vous l'écartez, motivez-le (absence de lien "
            "suffisant avec l'objet, atteinte à la concurrence, difficulté technique ou économique — "
            "rédaction des exceptions à confirmer). Une condition environnementale et un critère "
            "environnemental sont aussi obligatoires."
        )
    return (
        f"Montant ({format_eur(p.amount_eur)}) inférieur au seuil européen "
        f"({format_eur(eu.value_eur)}, {_label(eu)}) : la condition sociale est "
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
    launched from 2026-08-22, defence and security contracts aside (then open even for pure supplies)."""
    eu = eu_threshold(p, ctx)
    mandatory = is_mandatory(p, eu)
    obligation = _obligation_sentence(p, eu, mandatory)
    if not p.is_defence and p.date >= MANDATORY_SOCIAL_CLAUSE_FROM:
        obligation += _category_sentence(p, ctx) + beyond_note(eu)
    return Advice(
        applies=p.has_labour or mandatory,
        mandatory=mandatory,
        rationale=f"{_labour_sentence(p)} {obligation}",
        sample_clause=_sample_clause(p),
        eligible_kinds=CLAUSE_PARTNER_KINDS,
        confidence=TO_CONFIRM if mandatory or eu is None else confidence_of(eu),
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
            purchase=sample_purchase(amount_eur=300_000, defence_contract=True),
            applies=True,
            note="marché de défense ou de sécurité exclu",
        ),
        Example(
            purchase=sample_purchase(amount_eur=300_000, buyer_type="defense"),
            applies=True,
            mandatory=True,
            note="un acheteur de la défense qui passe un marché ordinaire n'est pas exclu",
        ),
        Example(
            purchase=sample_purchase(amount_eur=300_000, consultation_date=date(2031, 6, 1)),
            applies=True,
            mandatory=True,
            note="après les seuils connus : derniers seuils appliqués, jamais facultatif",
        ),
        Example(
            purchase=sample_purchase(amount_eur=180_000, buyer_type="etablissement-public"),
            applies=True,
            mandatory=True,
            note="autorité centrale ou non : non précisé, seuil le plus bas",
        ),
        Example(
            purchase=sample_purchase(amount_eur=180_000, buyer_type="etablissement-public", central_authority=False),
            applies=True,
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
