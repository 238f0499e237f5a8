"""The levers of socially responsible public purchasing, one `Rule` each.

Every rule carries its legal references, the dates between which it holds, a confidence flag
("vérifié" or "à confirmer": not checked in a primary text) and `examples`, positive and negative,
that one generic test runs. Rules read amounts from `thresholds.csv` (via `RuleContext`), never
from literals. Source of truth: shared/domain/commande-publique.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Final

from sourcing import taxonomy
from sourcing.advisor.hours import insertion_hours
from sourcing.advisor.purchase import Purchase, is_social_services
from sourcing.advisor.thresholds import (
    CATEGORY_LABELS,
    CONFIRMED,
    TO_CONFIRM,
    Threshold,
    ThresholdTable,
    format_eur,
    load_capacity,
    load_thresholds,
)
from sourcing.model import KINDS

# The Code de la commande publique entered into force on 2019-04-01: no lever is claimed before.
CCP_IN_FORCE: Final[date] = date(2019, 4, 1)
# Loi ASAP 2020-1525 of 2020-12-07 (JO 2020-12-08) opened the mixed reservation (L2113-14);
# entry into force taken as the day after publication.
ASAP_IN_FORCE: Final[date] = date(2020, 12, 9)
# Loi Climat et résilience art. 35: social execution condition mandatory above EU thresholds for
# consultations launched from this date (L2112-2-1).
MANDATORY_SOCIAL_CLAUSE_FROM: Final[date] = date(2026, 8, 22)
# L2113-15: a contract reserved for ESS enterprises lasts at most three years.
ESS_RESERVATION_MAX_MONTHS: Final[int] = 36

HANDICAP_KINDS: Final[tuple[str, ...]] = ("ESAT", "EA", "EATT")
# SIAE and the experimental EITI (as "equivalent structure"); GEIQ cannot answer a reservation, SEP
# only L2113-13-1.
INSERTION_KINDS: Final[tuple[str, ...]] = ("EI", "ETTI", "AI", "ACI", "EITI")
ESS_KINDS: Final[tuple[str, ...]] = tuple(k.code for k in KINDS if k.family == "ess")
CLAUSE_PARTNER_KINDS: Final[tuple[str, ...]] = (*INSERTION_KINDS, "GEIQ", "EA", "ESAT")

# Words (accent- and case-folded, whole words) and CPV prefixes that suggest fair-trade or
# ecological products for which labels exist.
FAIR_TRADE_WORDS: Final[frozenset[str]] = frozenset(
    "cafe cafes the thes tisane tisanes cacao chocolat chocolats sucre banane bananes jus riz epices "
    "quinoa coton textile textiles vetement vetements tenue tenues uniforme uniformes linge t-shirt "
    "t-shirts tee-shirt polo polos alimentaire alimentaires denree denrees fruits fleurs bio biologique "
    "biologiques equitable equitables restauration repas".split()
)
FAIR_TRADE_CPV_PREFIXES: Final[tuple[str, ...]] = (
    "03",  # agricultural products
    "15",  # food and drinks (coffee, tea: 1586)
    "18",  # clothing
    "19",  # textiles
    "392",  # furnishing textiles
    "395",  # textile articles
    "553",  # restaurant services
    "555",  # canteen and catering services
)


@dataclass(frozen=True)
class RuleContext:
    """What rules need beyond the purchase: the threshold table, and the rough annual capacity of the
    local eligible suppliers (median of their headcount band) when a directory was searched."""

    thresholds: ThresholdTable = field(default_factory=load_thresholds)
    local_capacity_eur_per_year: float | None = None


@dataclass(frozen=True)
class Advice:
    applies: bool
    mandatory: bool
    rationale: str  # French
    sample_clause: str = ""  # French: a clause or notice wording the buyer can paste
    eligible_kinds: tuple[str, ...] = ()
    confidence: str | None = None  # overrides the rule's (e.g. a threshold "à confirmer" was used)
    thresholds_used: tuple[str, ...] = ()


@dataclass(frozen=True)
class Example:
    purchase: Purchase
    applies: bool
    mandatory: bool = False
    note: str = ""


@dataclass(frozen=True)
class Rule:
    id: str
    title: str  # French
    legal_refs: tuple[str, ...]
    valid_from: date | None
    valid_to: date | None
    confidence: str
    check: Callable[[Purchase, RuleContext], Advice] = field(repr=False)
    eligible_kinds: tuple[str, ...] = ()
    reservation: bool = False  # eligible suppliers are counted for reservations
    examples: tuple[Example, ...] = field(default=(), repr=False)

    def valid_on(self, on: date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or on <= self.valid_to)

    def evaluate(self, purchase: Purchase, context: RuleContext | None = None) -> Advice:
        """The advice of this rule for ``purchase``; a rule never applies outside its validity dates."""
        context = context or RuleContext()
        if not self.valid_on(purchase.date):
            span = f"du {_fr_date(self.valid_from)}" if self.valid_from else ""
            span += f" au {_fr_date(self.valid_to)}" if self.valid_to else (" sans date de fin" if span else "")
            return Advice(
                applies=False,
                mandatory=False,
                rationale=f"Règle non applicable à une consultation du {_fr_date(purchase.date)} : en vigueur {span}.",
                eligible_kinds=self.eligible_kinds,
            )
        advice = self.check(purchase, context)
        if advice.mandatory and not advice.applies:  # a lever that is not open cannot be required
            raise AssertionError(f"rule {self.id}: mandatory without applying")
        return advice


def _fr_date(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else "?"


def _confidence(*thresholds: Threshold | None) -> str:
    return TO_CONFIRM if any(t is not None and t.confidence == TO_CONFIRM for t in thresholds) else CONFIRMED


# --- Threshold helpers ----------------------------------------------------------------------------


def direct_award_threshold(p: Purchase, ctx: RuleContext) -> Threshold | None:
    """R2122-8 threshold in force at the consultation date for the purchase's nature."""
    return ctx.thresholds.get("direct-award", p.date, p.nature, p.category)


def eu_threshold(p: Purchase, ctx: RuleContext) -> Threshold | None:
    """EU threshold for the buyer's category and the nature at the consultation date; for social and
    other specific services (every CPV code in that list), the 750 000 € threshold (to confirm)."""
    if p.nature == "services" and is_social_services(p):
        return ctx.thresholds.get("eu-threshold-social-services", p.date, p.nature, p.category)
    return ctx.thresholds.get("eu-threshold", p.date, p.nature, p.category)


def below_direct_award(p: Purchase, ctx: RuleContext) -> bool | None:
    t = direct_award_threshold(p, ctx)
    return None if t is None else p.amount_eur < t.value_eur


# --- Checks ----------------------------------------------------------------------------------------

_RESERVE_TAIL = (
    " La réservation est annoncée dans l'avis de publicité (ou les documents de la consultation). "
    "Elle n'a de sens que si assez de structures éligibles peuvent répondre : voir le décompte."
)


def _reserve_handicap(p: Purchase, ctx: RuleContext) -> Advice:
    return Advice(
        applies=True,
        mandatory=False,
        rationale="Quel que soit le montant, le marché ou certains de ses lots peuvent être réservés aux "
        "entreprises adaptées (EA, EATT), aux ESAT et aux structures équivalentes employant au moins 50 % "
        "de travailleurs handicapés." + _RESERVE_TAIL,
        sample_clause="En application de l'article L2113-12 du code de la commande publique, le présent marché "
        "[ou : le lot n° …] est réservé aux entreprises adaptées, aux établissements et services "
        "d'accompagnement par le travail mentionnés à l'article L344-2 du code de l'action sociale et des "
        "familles, ainsi qu'aux structures équivalentes, qui emploient une proportion minimale de 50 % de "
        "travailleurs handicapés.",
        eligible_kinds=HANDICAP_KINDS,
    )


def _reserve_insertion(p: Purchase, ctx: RuleContext) -> Advice:
    return Advice(
        applies=True,
        mandatory=False,
        rationale="Quel que soit le montant, le marché ou certains de ses lots peuvent être réservés aux "
        "structures d'insertion par l'activité économique (EI, ETTI, AI, ACI) et aux structures équivalentes "
        "employant au moins 50 % de travailleurs défavorisés (les GEIQ ne sont pas éligibles)." + _RESERVE_TAIL,
        sample_clause="En application de l'article L2113-13 du code de la commande publique, le présent marché "
        "[ou : le lot n° …] est réservé aux structures d'insertion par l'activité économique mentionnées à "
        "l'article L5132-4 du code du travail, ainsi qu'aux structures équivalentes, qui emploient une "
        "proportion minimale de 50 % de travailleurs défavorisés.",
        eligible_kinds=INSERTION_KINDS,
    )


def _reserve_mixed(p: Purchase, ctx: RuleContext) -> Advice:
    if p.reserve_sep:
        return Advice(
            applies=False,
            mandatory=False,
            rationale="Une réservation ouverte à la fois aux structures du handicap et de l'insertion ne peut "
            "jamais être combinée avec une réservation au travail pénitentiaire (L2113-13-1), prévue ici.",
            eligible_kinds=(*HANDICAP_KINDS, *INSERTION_KINDS),
        )
    return Advice(
        applies=True,
        mandatory=False,
        rationale="Une même réservation peut être ouverte à la fois aux structures du handicap (EA, EATT, ESAT) "
        "et de l'insertion (SIAE), ce qui élargit le nombre de répondants possibles ; elle ne se combine "
        "jamais avec la réservation au travail pénitentiaire (L2113-13-1)." + _RESERVE_TAIL,
        sample_clause="En application de l'article L2113-14 du code de la commande publique, le présent marché "
        "[ou : le lot n° …] est réservé à la fois aux opérateurs économiques mentionnés à l'article L2113-12 "
        "(entreprises adaptées, ESAT et structures équivalentes) et à ceux mentionnés à l'article L2113-13 "
        "(structures d'insertion par l'activité économique et structures équivalentes).",
        eligible_kinds=(*HANDICAP_KINDS, *INSERTION_KINDS),
    )


def _reserve_ess(p: Purchase, ctx: RuleContext) -> Advice:
    kinds = ESS_KINDS
    reasons = []
    if not p.cpv:
        reasons.append(
            "indiquez les codes CPV du marché : la réservation n'est possible que pour les services "
            "de la liste de l'article L2113-15"
        )
    else:
        outside = [c for c in p.cpv if not taxonomy.is_l2113_15(c)]
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
    if reasons:
        return Advice(
            applies=False,
            mandatory=False,
            rationale="Réservation aux entreprises de l'ESS impossible : " + " ; ".join(reasons) + ".",
            eligible_kinds=kinds,
        )
    return Advice(
        applies=True,
        mandatory=False,
        rationale="Tous les codes CPV du marché figurent dans la liste de l'article L2113-15, l'acheteur est un "
        "pouvoir adjudicateur et la durée n'excède pas 3 ans : le marché peut être réservé aux entreprises de "
        "l'ESS (loi 2014-856 art. 1) remplissant les conditions de l'article L2113-16. Un opérateur ayant "
        "obtenu de cet acheteur un marché réservé à ce titre dans les 3 années précédentes ne peut pas être "
        "retenu. L'avis doit citer l'article (rédaction française et liste à confirmer).",
        sample_clause="En application des articles L2113-15 et L2113-16 du code de la commande publique, le "
        "présent marché est réservé aux entreprises de l'économie sociale et solidaire mentionnées à l'article "
        "1er de la loi n° 2014-856 du 31 juillet 2014 qui remplissent les conditions de l'article L2113-16. "
        "Sa durée n'excède pas trois ans. Ne peut être attributaire un opérateur qui s'est vu attribuer par "
        "l'acheteur, au cours des trois années précédentes, un marché réservé en application de ces articles.",
        eligible_kinds=kinds,
    )


def _clause_insertion(p: Purchase, ctx: RuleContext) -> Advice:
    eu = eu_threshold(p, ctx)
    mandatory_period = p.date >= MANDATORY_SOCIAL_CLAUSE_FROM and not p.is_defence
    mandatory = bool(mandatory_period and eu is not None and p.amount_eur >= eu.value_eur)
    applies = p.has_labour or mandatory
    parts: list[str] = []
    if p.has_labour:
        parts.append(
            "L'exécution du marché mobilise de la main-d'œuvre : une condition d'exécution peut imposer "
            "des heures d'insertion de personnes éloignées de l'emploi (L2112-2)."
        )
    else:
        parts.append(
            "Achat de fournitures sans main-d'œuvre d'exécution : une clause d'heures d'insertion est "
            "peu pertinente (indiquez une part de main-d'œuvre s'il y a livraison, pose ou installation)."
        )
    if eu is None:
        parts.append(
            f"Seuil européen inconnu au {_fr_date(p.date)} (pas de donnée) : le caractère obligatoire "
            "n'a pas pu être vérifié."
        )
    elif p.is_defence:
        parts.append("Marché de défense ou de sécurité : l'obligation de l'article L2112-2-1 ne s'applique pas.")
    elif p.date < MANDATORY_SOCIAL_CLAUSE_FROM:
        parts.append(
            f"Consultation lancée avant le {_fr_date(MANDATORY_SOCIAL_CLAUSE_FROM)} : la condition "
            "sociale reste facultative quel que soit le montant."
        )
    elif mandatory:
        parts.append(
            f"Montant ({format_eur(p.amount_eur)}) supérieur ou égal au seuil européen "
            f"({format_eur(eu.value_eur)}, {eu.label.lower()}) pour une consultation lancée à partir du "
            f"{_fr_date(MANDATORY_SOCIAL_CLAUSE_FROM)} : une condition d'exécution sociale ou relative à "
            "l'emploi est OBLIGATOIRE (L2112-2-1). Si vous l'écartez, motivez-le (absence de lien "
            "suffisant avec l'objet, atteinte à la concurrence, difficulté technique ou économique — "
            "rédaction des exceptions à confirmer). Une condition environnementale et un critère "
            "environnemental sont aussi obligatoires."
        )
    else:
        parts.append(
            f"Montant ({format_eur(p.amount_eur)}) inférieur au seuil européen "
            f"({format_eur(eu.value_eur)}, {CATEGORY_LABELS[p.category]}) : la condition sociale est "
            "facultative mais recommandée."
        )
    hours_text = "[nombre] heures"
    if p.has_labour:
        h = insertion_hours(
            p.amount_eur,
            p.resolved_sectors,
            labour_share=p.labour_share,
            rate=p.insertion_rate,
            hourly_cost=p.hourly_cost,
        )
        hours_text = f"{round(h.hours):,} heures".replace(",", "\u202f")
    clause = (
        "Le titulaire s'engage à réaliser, pour l'exécution du présent marché, une action d'insertion permettant "
        "l'accès ou le retour à l'emploi de personnes rencontrant des difficultés sociales ou professionnelles "
        f"particulières, représentant au minimum {hours_text} de travail. Il peut recourir à l'embauche directe, "
        "à la mise à disposition de personnel par une structure d'insertion (ETTI, AI) ou un GEIQ, ou à la "
        "sous-traitance ou cotraitance avec une SIAE ou une entreprise adaptée. Le facilitateur des clauses "
        "sociales du territoire accompagne le titulaire et contrôle l'exécution (article L2112-2 du code de la "
        "commande publique ; voir aussi l'article 16.1 du CCAG-FCS 2021)."
    )
    if not p.has_labour:
        clause = (
            "Le titulaire s'engage à respecter, pour la fabrication et l'acheminement des fournitures, les "
            "conventions fondamentales de l'Organisation internationale du travail et à en justifier sur demande "
            "(condition d'exécution à caractère social, article L2112-2 du code de la commande publique)."
        )
    confidence = TO_CONFIRM if mandatory else _confidence(eu)
    return Advice(
        applies=applies,
        mandatory=mandatory,
        rationale=" ".join(parts),
        sample_clause=clause,
        eligible_kinds=CLAUSE_PARTNER_KINDS,
        confidence=confidence,
        thresholds_used=(eu.id,) if eu else (),
    )


def _criterion_social(p: Purchase, ctx: RuleContext) -> Advice:
    below = below_direct_award(p, ctx)
    t = direct_award_threshold(p, ctx)
    clause = (
        "Critère n° … – Performance en matière d'insertion professionnelle des publics en difficulté "
        "(pondération : …%) : apprécié au regard du nombre d'heures d'insertion proposées au-delà du minimum "
        "exigé et des modalités d'accompagnement, d'encadrement et de formation des personnes (articles R2152-7 "
        "et R2152-12 du code de la commande publique)."
    )
    if below:
        return Advice(
            applies=False,
            mandatory=False,
            rationale=f"Montant inférieur au seuil de dispense de procédure ({format_eur(t.value_eur)}) : pas de "
            "mise en concurrence obligatoire, donc pas de critères d'attribution à pondérer (un critère social "
            "reste possible si vous mettez en concurrence).",
            sample_clause=clause,
            confidence=_confidence(t),
        )
    return Advice(
        applies=True,
        mandatory=False,
        rationale="Le marché sera mis en concurrence avec plusieurs critères : un critère social (insertion "
        "professionnelle des publics en difficulté) peut être retenu s'il est lié à l'objet ; il est pondéré en "
        "procédure formalisée.",
        sample_clause=clause,
        confidence=_confidence(t),
    )


def _allotment(p: Purchase, ctx: RuleContext) -> Advice:
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


def _direct_award(p: Purchase, ctx: RuleContext) -> Advice:
    t = direct_award_threshold(p, ctx)
    if t is None:
        return Advice(False, False, "Seuil de dispense de procédure inconnu à cette date (pas de donnée).")
    nature = "travaux" if p.nature == "travaux" else "fournitures et services"
    if p.amount_eur < t.value_eur:
        return Advice(
            applies=True,
            mandatory=False,
            rationale=f"Montant ({format_eur(p.amount_eur)}) inférieur au seuil de {format_eur(t.value_eur)} "
            f"({nature}, en vigueur au {_fr_date(p.date)}, {t.reference}) : le marché peut être attribué sans "
            "publicité ni mise en concurrence à une structure de l'ESS pertinente, en choisissant une offre "
            "pertinente, en faisant bon usage des deniers publics et sans contracter systématiquement avec le "
            "même opérateur.",
            sample_clause="Attribution sans publicité ni mise en concurrence préalables (article R2122-8 du code "
            "de la commande publique) : l'acheteur a sollicité un devis auprès de [nom de la structure], "
            "[ESAT / entreprise adaptée / structure d'insertion] du territoire, dont l'offre répond au besoin ; "
            "il veille à ne pas contracter systématiquement avec un même opérateur lorsque plusieurs offres "
            "sont susceptibles de répondre au besoin.",
            eligible_kinds=(*HANDICAP_KINDS, *INSERTION_KINDS, *ESS_KINDS),
            confidence=_confidence(t),
            thresholds_used=(t.id,),
        )
    return Advice(
        applies=False,
        mandatory=False,
        rationale=f"Montant ({format_eur(p.amount_eur)}) supérieur ou égal au seuil de {format_eur(t.value_eur)} "
        f"({nature}, en vigueur au {_fr_date(p.date)}) : une procédure de publicité et de mise en concurrence "
        "est nécessaire.",
        confidence=_confidence(t),
        thresholds_used=(t.id,),
    )


def fair_trade_hints(p: Purchase) -> list[str]:
    """Words of the need and CPV codes that suggest labelled (fair-trade, organic) products."""
    words = set(taxonomy.fold(p.need or "").replace("'", " ").split())
    hits = sorted(words & FAIR_TRADE_WORDS)
    hits += [f"CPV {c}" for c in p.cpv if c.startswith(FAIR_TRADE_CPV_PREFIXES)]
    return hits


def _label_fair_trade(p: Purchase, ctx: RuleContext) -> Advice:
    hints = fair_trade_hints(p)
    clause = (
        "Les produits [café, thé, cacao, textiles…] fournis sont issus du commerce équitable. L'acheteur exige "
        "le label [nom du label] ou tout label équivalent dont les exigences sont liées à l'objet du marché, "
        "reposent sur des critères objectifs et ont été établies par une procédure ouverte ; le candidat peut "
        "aussi prouver par tout moyen approprié que ses produits remplissent ces exigences (articles R2111-12 à "
        "R2111-17 du code de la commande publique)."
    )
    if not hints:
        return Advice(
            False,
            False,
            "Rien dans le besoin n'évoque des produits couverts par un label de commerce "
            "équitable ou écologique (café, thé, textiles, alimentation…).",
            clause,
        )
    return Advice(
        applies=True,
        mandatory=False,
        rationale=f"Le besoin évoque des produits pour lesquels existent des labels ({', '.join(hints)}) : "
        "vous pouvez exiger un label de commerce équitable ou écologique lié à l'objet, en acceptant les "
        "labels équivalents.",
        sample_clause=clause,
    )


def _joint_bid(p: Purchase, ctx: RuleContext) -> Advice:
    small = load_capacity()[0]
    capacity = ctx.local_capacity_eur_per_year
    basis = "capacité médiane des structures éligibles proches"
    if capacity is None:
        capacity, basis = small.max_lot_eur_per_year, f"capacité d'une structure de {small.label}"
    per_year = p.lot_amount_per_year
    clause = (
        "Les candidats peuvent se présenter seuls ou en groupement conjoint ou solidaire ; aucune forme de "
        "groupement n'est imposée pour la remise des candidatures et des offres (articles R2142-19 à R2142-27 "
        "du code de la commande publique). Les petites structures, notamment de l'ESS, peuvent se grouper pour "
        "répondre aux lots les plus importants."
    )
    if per_year > capacity:
        return Advice(
            applies=True,
            mandatory=False,
            rationale=f"Un lot représente ≈ {format_eur(per_year)} par an, plus que la {basis} "
            f"(≈ {format_eur(capacity)} par an, règle empirique) : suggérez aux petites structures de "
            "répondre en groupement (conjoint ou solidaire), ou découpez en lots plus petits.",
            sample_clause=clause,
        )
    return Advice(
        applies=False,
        mandatory=False,
        rationale=f"Un lot représente ≈ {format_eur(per_year)} par an, dans la {basis} "
        f"(≈ {format_eur(capacity)} par an, règle empirique) : un groupement n'est pas nécessaire "
        "(il reste toujours permis).",
        sample_clause=clause,
    )


def _sourcing(p: Purchase, ctx: RuleContext) -> Advice:
    return Advice(
        applies=True,
        mandatory=False,
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


# --- Examples (run by tests/test_advisor.py::test_rule_examples) -------------------------------------


def _p(**kw) -> Purchase:
    base = dict(
        need="Entretien des espaces verts",
        nature="services",
        amount_eur=100_000,
        duration_months=24,
        buyer_type="commune",
        consultation_date=date(2026, 9, 1),
    )
    base.update(kw)
    return Purchase(**base)


_OLD = date(2018, 6, 1)  # before the CCP: no rule applies

RULES: Final[tuple[Rule, ...]] = (
    Rule(
        "reserve-handicap",
        "Réserver le marché ou des lots aux structures du handicap (EA, EATT, ESAT)",
        ("CCP L2113-12", "CCP R2113-7"),
        CCP_IN_FORCE,
        None,
        CONFIRMED,
        _reserve_handicap,
        HANDICAP_KINDS,
        True,
        (
            Example(_p(), True),
            Example(_p(amount_eur=3_000_000, nature="travaux"), True),
            Example(_p(consultation_date=_OLD), False, note="avant le CCP"),
        ),
    ),
    Rule(
        "reserve-insertion",
        "Réserver le marché ou des lots aux structures d'insertion (SIAE)",
        ("CCP L2113-13", "CCP R2113-7"),
        CCP_IN_FORCE,
        None,
        CONFIRMED,
        _reserve_insertion,
        INSERTION_KINDS,
        True,
        (Example(_p(), True), Example(_p(consultation_date=_OLD), False)),
    ),
    Rule(
        "reserve-mixed",
        "Réserver à la fois aux structures du handicap et de l'insertion",
        ("CCP L2113-14", "loi 2020-1525 (ASAP)"),
        ASAP_IN_FORCE,
        None,
        CONFIRMED,
        _reserve_mixed,
        (*HANDICAP_KINDS, *INSERTION_KINDS),
        True,
        (
            Example(_p(), True),
            Example(_p(reserve_sep=True), False, note="jamais combiné avec SEP"),
            Example(_p(consultation_date=date(2020, 6, 1)), False, note="avant la loi ASAP"),
        ),
    ),
    Rule(
        "reserve-ess",
        "Réserver aux entreprises de l'ESS (services sociaux, de santé et culturels)",
        ("CCP L2113-15", "CCP L2113-16", "CCP R2113-8", "loi 2014-856 art. 1"),
        CCP_IN_FORCE,
        None,
        TO_CONFIRM,
        _reserve_ess,
        ESS_KINDS,
        True,
        (
            Example(_p(need="Hébergement social", cpv=("85311000",)), True),
            Example(_p(cpv=("85311000", "92500000"), duration_months=36), True),
            Example(_p(cpv=("85311000",), duration_months=48), False, note="plus de 3 ans"),
            Example(_p(cpv=("85311000", "77310000")), False, note="un code hors liste"),
            Example(_p(cpv=("85311000",), buyer_type="entite-adjudicatrice"), False),
            Example(_p(cpv=("45000000",), nature="travaux"), False),
            Example(_p(), False, note="sans CPV"),
        ),
    ),
    Rule(
        "clause-insertion",
        "Clause sociale d'exécution (heures d'insertion)",
        ("CCP L2112-2", "CCP L2112-2-1", "loi 2021-1104 art. 35"),
        CCP_IN_FORCE,
        None,
        CONFIRMED,
        _clause_insertion,
        CLAUSE_PARTNER_KINDS,
        examples=(
            Example(_p(amount_eur=300_000), True, True),
            Example(_p(amount_eur=300_000, consultation_date=date(2026, 8, 1)), True, False),
            Example(_p(amount_eur=180_000, buyer_type="etat"), True, True),
            Example(_p(amount_eur=180_000, buyer_type="commune"), True, False),
            Example(_p(amount_eur=300_000, buyer_type="defense"), True, False, note="défense exclue"),
            Example(_p(amount_eur=50_000, nature="fournitures"), False, False, note="fournitures sans main-d'œuvre"),
            Example(_p(amount_eur=500_000, nature="fournitures", need="Papier"), True, True),
            Example(_p(amount_eur=6_000_000, nature="travaux", need="Rénovation"), True, True),
            Example(_p(amount_eur=600_000, cpv=("85311000",)), True, False, note="seuil services sociaux 750 k€"),
        ),
    ),
    Rule(
        "criterion-social",
        "Critère d'attribution social",
        ("CCP R2152-7", "CCP R2152-12"),
        CCP_IN_FORCE,
        None,
        CONFIRMED,
        _criterion_social,
        examples=(Example(_p(), True), Example(_p(amount_eur=20_000), False)),
    ),
    Rule(
        "allotment",
        "Allotir pour ouvrir le marché aux petites structures",
        ("CCP L2113-10", "CCP L2113-11"),
        CCP_IN_FORCE,
        None,
        CONFIRMED,
        _allotment,
        examples=(
            Example(_p(), True, True),
            Example(_p(lots=4), True, True),
            Example(_p(consultation_date=_OLD), False),
        ),
    ),
    Rule(
        "direct-award",
        "Attribuer sans publicité ni mise en concurrence à une structure de l'ESS",
        ("CCP R2122-8",),
        CCP_IN_FORCE,
        None,
        CONFIRMED,
        _direct_award,
        (*HANDICAP_KINDS, *INSERTION_KINDS, *ESS_KINDS),
        examples=(
            Example(_p(amount_eur=50_000, consultation_date=date(2026, 5, 1)), True),
            Example(_p(amount_eur=50_000, consultation_date=date(2026, 3, 15)), False),
            Example(_p(amount_eur=80_000, nature="travaux"), True),
            Example(_p(amount_eur=80_000, nature="fournitures"), False),
            Example(_p(amount_eur=60_000, consultation_date=date(2026, 5, 1)), False, note="seuil exclu"),
        ),
    ),
    Rule(
        "label-fair-trade",
        "Exiger un label (commerce équitable, écologique)",
        ("CCP R2111-12", "CCP R2111-17"),
        CCP_IN_FORCE,
        None,
        CONFIRMED,
        _label_fair_trade,
        examples=(
            Example(_p(need="Fourniture de café et de thé pour les services", nature="fournitures"), True),
            Example(_p(need="Vêtements de travail", cpv=("18100000",), nature="fournitures"), True),
            Example(_p(need="Nettoyage des locaux", cpv=("90910000",)), False),
        ),
    ),
    Rule(
        "joint-bid",
        "Suggérer une candidature en groupement",
        ("CCP R2142-19", "CCP R2142-27"),
        CCP_IN_FORCE,
        None,
        CONFIRMED,
        _joint_bid,
        examples=(
            Example(_p(amount_eur=2_000_000, duration_months=24), True),
            Example(_p(amount_eur=2_000_000, duration_months=24, lots=20), False),
            Example(_p(amount_eur=100_000, duration_months=24), False),
        ),
    ),
    Rule(
        "sourcing",
        "Sourcing : rencontrer les structures avant de lancer",
        ("CCP R2111-1", "CCP R2111-2"),
        CCP_IN_FORCE,
        None,
        CONFIRMED,
        _sourcing,
        examples=(
            Example(_p(), True),
            Example(_p(amount_eur=10_000_000, nature="travaux"), True),
            Example(_p(consultation_date=_OLD), False),
        ),
    ),
)
RULE_BY_ID: Final[dict[str, Rule]] = {r.id: r for r in RULES}
LEVER_IDS: Final[tuple[str, ...]] = tuple(r.id for r in RULES)
# (rule id, purchase, expected applies, expected mandatory), for the generic test.
EXAMPLES: Final[tuple[tuple[str, Purchase, bool, bool], ...]] = tuple(
    (r.id, e.purchase, e.applies, e.mandatory) for r in RULES for e in r.examples
)
