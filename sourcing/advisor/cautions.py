"""Points the buyer must check before relying on the advice, whatever lever they read: thresholds applied
past the known data, a nature the CPV codes contradict, defence buyers and contracts, a buyer category
left open, frameworks, an amount out of proportion. Every message is French, for the buyer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from sourcing.advisor.purchase import Purchase
from sourcing.advisor.thresholds import ThresholdTable
from sourcing.frenchfmt import format_eur, french_date

# Above this amount, the figure is worth checking (euros, not cents; HT; the whole duration).
LARGE_AMOUNT_EUR: Final[float] = 1e9
# R2162-4: an accord-cadre lasts at most 4 years (8 for an entité adjudicatrice), save exceptions
# duly justified; a defence or security framework at most 7 years (to confirm).
FRAMEWORK_MAX_MONTHS: Final[int] = 48
FRAMEWORK_MAX_MONTHS_UTILITIES: Final[int] = 96
FRAMEWORK_MAX_MONTHS_DEFENCE: Final[int] = 84


@dataclass(frozen=True)
class Caution:
    id: str
    message: str  # French

    def to_dict(self) -> dict:
        return {"id": self.id, "message": self.message}


def _beyond_known(p: Purchase, table: ThresholdTable) -> Caution | None:
    late = [t for t in table.applicable(p.date, p.threshold_natures, p.threshold_categories) if t.extrapolated]
    if not late:
        return None
    periods = ", ".join(dict.fromkeys(t.period for t in late))
    return Caution(
        "seuils-apres-donnees",
        f"Aucun seuil européen n'est encore connu pour une consultation du {french_date(p.date)} : seuils "
        f"{periods} appliqués, à vérifier sur Légifrance. Une obligation qui vaut au dernier jour connu "
        "n'est jamais présentée comme facultative après.",
    )


def _nature(p: Purchase) -> Caution | None:
    others = [n for n in p.object_natures if n != p.nature]
    if not others:
        return None
    return Caution(
        "nature-objet",
        f"Vous avez choisi « {p.nature} », mais le(s) code(s) CPV décrivent aussi des {' et des '.join(others)} : "
        "la nature d'un marché suit son objet, pas l'intitulé choisi (articles L1111-2 à L1111-4 du code de la "
        "commande publique). Les seuils les plus stricts des deux lectures sont appliqués (par exemple, la "
        "dispense de procédure des fournitures et services est plus basse que celle des travaux). Vérifiez la "
        "nature retenue ; pour un marché mixte, c'est l'objet principal qui la fixe.",
    )


def _defence(p: Purchase) -> Caution | None:
    if p.defence_contract:
        return Caution(
            "marche-defense",
            "Marché de défense ou de sécurité (article L1113-1) : seuils européens propres, pas d'obligation de "
            "condition d'exécution sociale (L2112-2-1), allotissement facultatif (L2313-5). Vérifiez que l'objet "
            "relève bien de cette catégorie (équipements, travaux ou services destinés à la défense ou sensibles "
            "pour la sécurité) : être un acheteur de la défense ne suffit pas.",
        )
    if p.buyer_type == "defense":
        return Caution(
            "acheteur-defense",
            "Acheteur de la défense ou de la sécurité : un tel acheteur ne passe pas que des marchés de défense ou "
            "de sécurité. Cet achat est traité comme un marché ordinaire de l'État (seuils des autorités "
            "publiques centrales, condition sociale obligatoire au-delà, allotissement obligatoire). S'il relève "
            "de l'article L1113-1, indiquez-le : les règles propres à ces marchés s'appliqueront.",
        )
    return None


def _category(p: Purchase, table: ThresholdTable) -> Caution | None:
    if not p.category_asked:
        return None
    values = {
        c: table.pick("eu-threshold", p.date, p.threshold_natures, (c,)) for c in p.threshold_categories
    }  # fmt: skip
    if any(t is None for t in values.values()):
        return None
    return Caution(
        "categorie-acheteur",
        "Précisez si vous êtes une autorité publique centrale (l'État et certains de ses établissements "
        "publics nationaux, à vérifier) : les seuils européens en dépendent. Autorité centrale : "
        f"{format_eur(values['central'].value_eur)} ; autre acheteur (établissement local, hôpital, CCAS, "
        f"office HLM…) : {format_eur(values['local'].value_eur)}. En attendant, le seuil le plus bas est appliqué.",
    )


def _framework(p: Purchase) -> Caution | None:
    if not p.framework:
        return None
    limit, basis = FRAMEWORK_MAX_MONTHS, "R2162-4"
    if p.is_defence:
        limit, basis = FRAMEWORK_MAX_MONTHS_DEFENCE, "marchés de défense ou de sécurité, durée à vérifier"
    elif not p.is_contracting_authority:
        limit = FRAMEWORK_MAX_MONTHS_UTILITIES
    message = (
        f"Accord-cadre : le montant indiqué ({format_eur(p.amount_eur)}) est pris comme son montant maximum, "
        "c'est-à-dire la valeur de tous les bons de commande et marchés subséquents sur toute sa durée ; c'est "
        "lui qui fixe la procédure et les seuils (R2121-8). Les heures d'insertion sont calculées sur ce "
        "maximum : proportionnez-les aux commandes. Les petits lots et les réservations valent aussi pour un "
        "accord-cadre."
    )
    if p.duration_months > limit:
        message += (
            f" Sa durée ({p.duration_months:g} mois) dépasse le maximum de {limit // 12} ans ({basis}) : elle "
            "n'est possible que dans des cas exceptionnels, dûment justifiés (objet, investissements à amortir "
            "sur une durée plus longue)."
        )
    return Caution("accord-cadre", message)


def _amount(p: Purchase) -> Caution | None:
    if p.amount_eur < LARGE_AMOUNT_EUR:
        return None
    return Caution(
        "montant-eleve",
        f"Montant très élevé ({format_eur(p.amount_eur)}) : vérifiez qu'il s'agit bien d'euros hors taxes sur "
        "toute la durée (et non de centimes).",
    )


def purchase_cautions(p: Purchase, table: ThresholdTable) -> tuple[Caution, ...]:
    """Every caution that holds for the purchase, most consequential first."""
    found = (_beyond_known(p, table), _nature(p), _defence(p), _category(p, table), _framework(p), _amount(p))
    return tuple(c for c in found if c is not None)
