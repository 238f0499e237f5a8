"""What the rules share of the law: the dates levers hold from, the kinds of supplier each reservation
is open to, and the direct-award threshold two levers compare against."""

from __future__ import annotations

from datetime import date
from typing import Final

from sourcing.advisor.purchase import Purchase
from sourcing.advisor.rules.base import Advice, RuleContext
from sourcing.advisor.thresholds import CONFIRMED, TO_CONFIRM, Threshold
from sourcing.frenchfmt import format_eur, percent
from sourcing.model import KINDS

# The Code de la commande publique entered into force on 2019-04-01: no lever is claimed before.
CCP_IN_FORCE: Final[date] = date(2019, 4, 1)
# Loi ASAP 2020-1525 of 2020-12-07 (JO 2020-12-08) opened the mixed reservation (L2113-14);
# entry into force taken as the day after publication.
ASAP_IN_FORCE: Final[date] = date(2020, 12, 9)

HANDICAP_KINDS: Final[tuple[str, ...]] = ("ESAT", "EA", "EATT")
# SIAE and the experimental EITI (as "equivalent structure"); GEIQ cannot answer a reservation, SEP
# only L2113-13-1.
INSERTION_KINDS: Final[tuple[str, ...]] = ("EI", "ETTI", "AI", "ACI", "EITI")
ESS_KINDS: Final[tuple[str, ...]] = tuple(k.code for k in KINDS if k.family == "ess")


def open_reservation(*, rationale: str, sample_clause: str, kinds: tuple[str, ...]) -> Advice:
    """A reservation lever that applies: its rationale ends with how the reservation is announced and
    why the count of eligible suppliers matters."""
    return Advice(
        applies=True,
        rationale=rationale + " La réservation est annoncée dans l'avis de publicité (ou les documents de la "
        "consultation). Elle n'a de sens que si assez de structures éligibles peuvent répondre : voir le décompte.",
        sample_clause=sample_clause,
        eligible_kinds=kinds,
    )


def confidence_of(*thresholds: Threshold | None) -> str:
    """ "à confirmer" as soon as one of the thresholds a rule used is; "vérifié" otherwise."""
    return TO_CONFIRM if any(t is not None and t.confidence == TO_CONFIRM for t in thresholds) else CONFIRMED


def threshold(p: Purchase, ctx: RuleContext, threshold_id: str) -> Threshold | None:
    """The threshold ``threshold_id`` for the purchase at its consultation date: the strictest of the
    readings its answers leave open (nature chosen or given by the CPV codes, central or local buyer),
    the last known one (flagged) after the data runs out."""
    return ctx.thresholds.pick(threshold_id, p.date, p.threshold_natures, p.threshold_categories)


def direct_award_threshold(p: Purchase, ctx: RuleContext) -> Threshold | None:
    """R2122-8 threshold in force at the consultation date for the purchase's nature (strictest reading)."""
    return threshold(p, ctx, "direct-award")


def beyond_note(*thresholds: Threshold | None) -> str:
    """A French sentence when one of the thresholds was applied after its last known period, else ""."""
    late = [t for t in thresholds if t is not None and t.extrapolated]
    if not late:
        return ""
    periods = ", ".join(dict.fromkeys(t.period for t in late))
    return f" Aucun seuil n'est connu à cette date : seuils {periods} appliqués, à vérifier."


def small_lots_note(p: Purchase, ctx: RuleContext) -> str:
    """For an allotted purchase above the direct-award threshold: the small lots exempt from competition
    (R2122-8), and inside a formalised purchase (at or above the EU threshold) those passed under adapted
    procedure (R2123-1 2°), each kind within 20 % of the total value; "" where they do not apply."""
    direct_award = direct_award_threshold(p, ctx)
    if p.lots < 2 or (direct_award is not None and p.amount_eur < direct_award.value_eur):
        return ""
    direct, mapa, eu = (threshold(p, ctx, i) for i in ("small-lot-direct", "small-lot-mapa", "eu-threshold"))
    parts = []
    if direct is not None:
        parts.append(
            f"les lots de moins de {format_eur(direct.value_eur)} HT peuvent être attribués sans publicité ni "
            "mise en concurrence (R2122-8 ; plafond à confirmer)"
        )
    if mapa is not None and (eu is None or p.amount_eur >= eu.value_eur):
        parts.append(f"ceux de moins de {format_eur(mapa.value_eur)} HT, en procédure adaptée (R2123-1 2°)")
    if not parts:
        return ""
    share = percent(min(t.max_share or 1.0 for t in (direct, mapa) if t is not None))
    fits = ""
    if direct is not None and p.lot_amount < direct.value_eur:
        fits = f" Vos lots (≈ {format_eur(p.lot_amount)} chacun) sont sous ce premier plafond."
    return (
        f" Petits lots : {' ; '.join(parts)}, tant que leur montant cumulé ne dépasse pas {share} de la valeur "
        f"totale de l'achat.{fits}"
    )
