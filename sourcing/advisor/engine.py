"""`advise`: every lever for one purchase, with who can answer nearby.

For each reservation lever the eligible suppliers are counted by legal family in the purchase's
sectors and area (one vectorised search over the directory, intervention areas included), the
count is graded (whole-contract reservation, reserved lot, execution clause, not viable) and a
rough capacity check compares the lot amount per year with the suppliers' headcount.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Final

import numpy as np
import pandas as pd

from sourcing import taxonomy
from sourcing.advisor.cautions import Caution, purchase_cautions
from sourcing.advisor.coverage import (
    FAMILY_NAMES,
    families_present,
    none_near_message,
    not_covered_message,
    partly_covered_message,
)
from sourcing.advisor.hours import InsertionHours, purchase_insertion_hours
from sourcing.advisor.purchase import AdviceInputError, Purchase
from sourcing.advisor.rules import (
    ESS_KINDS,
    HANDICAP_KINDS,
    INSERTION_KINDS,
    RULES,
    Rule,
    RuleContext,
)
from sourcing.advisor.thresholds import (
    BUYER_LABELS,
    CATEGORY_LABELS,
    load_capacity,
    load_thresholds,
)
from sourcing.frenchfmt import format_eur, or_list
from sourcing.model import HEADCOUNT_BANDS, KIND_CODES

# Radius used when the buyer gives a commune without a distance.
DEFAULT_RADIUS_KM: Final[float] = 50.0
# Grading of the number of eligible suppliers, after the Marché de l'inclusion's public rules
# ("inclusive potential": > 30 whole contract, > 10 reserved lot, ≥ 1 execution clause).
WHOLE_CONTRACT_MIN: Final[int] = 30
RESERVED_LOT_MIN: Final[int] = 10
CLAUSE_MIN: Final[int] = 1

FAMILY_KINDS: Final[dict[str, tuple[str, ...]]] = {
    "handicap": HANDICAP_KINDS,
    "insertion": INSERTION_KINDS,
    "ess": ESS_KINDS,
}
LEVER_FAMILIES: Final[dict[str, tuple[str, ...]]] = {
    "reserve-handicap": ("handicap",),
    "reserve-insertion": ("insertion",),
    "reserve-mixed": ("handicap", "insertion"),
    "reserve-ess": ("ess",),
}
# Upper bound of each INSEE headcount band (employees); unknown bands are left out.
_BAND_MAX: Final[dict[str, int]] = {
    "00": 0, "01": 2, "02": 5, "03": 9, "11": 19, "12": 49, "21": 99, "22": 199, "31": 249, "32": 499,
    "41": 999, "42": 1999, "51": 4999, "52": 9999, "53": 10**9,
}  # fmt: skip
_BAND_OF_TEXT: Final[dict[str, str]] = {
    **{taxonomy.fold(label): code for code, label in HEADCOUNT_BANDS.items()},
    **{code: code for code in HEADCOUNT_BANDS},
}


def _kind_mask(kinds: tuple[str, ...]) -> int:
    return sum(1 << KIND_CODES.index(k) for k in kinds)


@dataclass(frozen=True)
class LeverAdvice:
    id: str
    title: str
    legal_refs: tuple[str, ...]
    applies: bool
    mandatory: bool
    eligible_suppliers: dict[str, int] | None  # family -> count, reservations only
    rationale: str
    confidence: str
    sample_clause: str
    eligible_kinds: tuple[str, ...] = ()
    viability: dict | None = None  # reservations only: level, message, total, capacity check
    valid_from: date | None = None
    valid_to: date | None = None

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "legal_refs": list(self.legal_refs),
            "applies": self.applies,
            "mandatory": self.mandatory,
            "eligible_suppliers": self.eligible_suppliers,
            "rationale": self.rationale,
            "confidence": self.confidence,
            "sample_clause": self.sample_clause,
            "eligible_kinds": list(self.eligible_kinds),
            "viability": self.viability,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
        }


@dataclass(frozen=True)
class AdviceReport:
    levers: list[LeverAdvice]  # all levers, always in the order of `rules.RULES`
    insertion_hours: InsertionHours | None  # None for pure supplies (no labour)
    thresholds: dict[str, dict]  # threshold id -> row in force for that date, nature and buyer
    area: dict = field(default_factory=dict)  # where suppliers were counted (French description)
    sectors: tuple[str, ...] = ()  # sectors used to count suppliers
    cautions: tuple[Caution, ...] = ()  # points to check before relying on the advice (French)

    def lever(self, lever_id: str) -> LeverAdvice:
        return next(lv for lv in self.levers if lv.id == lever_id)

    def to_dict(self) -> dict:
        return {
            "levers": [lv.to_dict() for lv in self.levers],
            "insertion_hours": self.insertion_hours.to_dict() if self.insertion_hours else None,
            "thresholds": self.thresholds,
            "area": self.area,
            "sectors": list(self.sectors),
            "cautions": [c.to_dict() for c in self.cautions],
        }


# --- Area and counting --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Area:
    query_kw: dict
    description: str


def _area(purchase: Purchase, gazetteer=None) -> _Area:
    """Search filters for the purchase's place; raises AdviceInputError (French) when it is unknown or
    ambiguous (with the candidates)."""
    if not purchase.place:
        return _Area({}, "toute la France (aucun lieu indiqué)")
    from sourcing.gazetteer import Gazetteer

    place = (gazetteer or Gazetteer.load()).resolve(purchase.place)
    if place.status != "ok":
        message = place.message
        if place.candidates:
            message += " Choix possibles : " + " ; ".join(c.label for c in place.candidates[:10]) + "."
        raise AdviceInputError(message)
    if place.kind in ("department", "region") and purchase.radius_km is None:
        key = "departments" if place.kind == "department" else "regions"
        return _Area({key: (place.code,)}, f"{place.label} (structures implantées dans ce territoire)")
    radius = purchase.radius_km if purchase.radius_km is not None else DEFAULT_RADIUS_KM
    return _Area(
        {
            "near": (place.lat, place.lon),
            "radius_km": radius,
            "near_department": place.department,
            "near_region": place.region,
            "include_intervention_area": True,
        },
        f"à moins de {radius:g} km de {place.label}, ou dont la zone d'intervention déclarée la couvre"
        + (" (distance par défaut)" if purchase.radius_km is None else ""),
    )


@lru_cache(maxsize=1)
def _demo_index():
    from sourcing.directory import load_any
    from sourcing.search import SearchIndex

    return SearchIndex.build(load_any(None))


def _index_of(directory):
    from sourcing.search import SearchIndex

    if directory is None:
        return _demo_index()
    if isinstance(directory, SearchIndex):
        return directory
    return SearchIndex.build(directory)


def _capacity_per_row(bands: np.ndarray) -> np.ndarray:
    """Rule-of-thumb annual amount (€) each supplier can absorb, from its headcount band; NaN if unknown."""
    # Few distinct bands: fold each once, then broadcast (no Python work per row).
    codes_of, uniques = pd.factorize(pd.Series(bands, dtype=object), use_na_sentinel=True)
    upper_of = np.array(
        [_BAND_MAX.get(_BAND_OF_TEXT.get(taxonomy.fold(v), ""), np.nan) if isinstance(v, str) else np.nan
         for v in uniques] + [np.nan],
        dtype=float,
    )  # fmt: skip
    upper = upper_of[codes_of]  # sentinel -1 picks the trailing NaN
    caps = load_capacity()
    limits = np.array([b.max_headcount for b in caps], dtype=float)
    amounts = np.array([b.max_lot_eur_per_year for b in caps], dtype=float)
    pos = np.searchsorted(limits, np.nan_to_num(upper, nan=0.0), side="left").clip(0, len(caps) - 1)
    return np.where(np.isnan(upper), np.nan, amounts[pos])


@dataclass(frozen=True)
class _Found:
    kind_bits: np.ndarray
    capacity: np.ndarray  # € per year, NaN unknown


def _found(index, purchase: Purchase, area: _Area) -> _Found:
    from sourcing.search import SearchQuery, search

    kinds = tuple(dict.fromkeys(k for ks in FAMILY_KINDS.values() for k in ks))
    query = SearchQuery(kinds=kinds, sectors=purchase.resolved_sectors, **area.query_kw)
    result = search(index, query)
    rows = result.rows
    # One column, not `index.frame`: a saved index would load the whole directory for it (10 s and 1.3 GB at
    # 1,000,000 suppliers).
    headcounts = index.directory_column("headcount_band")
    bands = (
        headcounts.to_numpy(dtype=object)[rows] if headcounts is not None else np.full(len(rows), None, dtype=object)
    )
    return _Found(index.kind_bits[rows], _capacity_per_row(bands))


def _grade(total: int) -> tuple[str, str]:
    if total >= WHOLE_CONTRACT_MIN:
        return "marche-entier", (
            f"{total} structures éligibles (≥ {WHOLE_CONTRACT_MIN}) : réserver le marché entier est envisageable."
        )
    if total >= RESERVED_LOT_MIN:
        return "lot-reserve", (
            f"{total} structures éligibles (≥ {RESERVED_LOT_MIN}, < {WHOLE_CONTRACT_MIN}) : "
            "réservez plutôt un ou plusieurs lots."
        )
    if total >= CLAUSE_MIN:
        return "clause", (
            f"{total} structure(s) éligible(s) seulement (< {RESERVED_LOT_MIN}) : une réservation "
            "risque d'être infructueuse ; préférez une clause d'exécution (heures d'insertion, "
            "sous-traitance ou cotraitance) et rencontrez ces structures."
        )
    return "non-viable", none_near_message()


def _viability_grade(total: int, missing: tuple[str, ...], families: tuple[str, ...]) -> tuple[str, str]:
    """Level and French message of a reservation lever. ``missing``: its families the directory holds
    no supplier of at all ("non-couvert" when all are: the directory cannot tell, it is not "none near
    you"); a partial count says which family it leaves out."""
    if missing and len(missing) == len(families):
        return "non-couvert", not_covered_message(missing)
    if missing and total == 0:
        others = or_list([FAMILY_NAMES[f] for f in families if f not in missing])
        return (
            "non-couvert",
            f"{not_covered_message(missing)} Aucune {others} n'est éligible dans ce secteur et cette zone.",
        )
    level, message = _grade(total)
    return level, f"{message} {partly_covered_message(missing)}" if missing else message


def _capacity_check(purchase: Purchase, capacity: np.ndarray) -> dict:
    """Compare one lot per year with each supplier's rule-of-thumb capacity; suggest lots when too few can."""
    per_year = purchase.lot_amount_per_year
    known = capacity[~np.isnan(capacity)]
    capable = int((known >= per_year).sum())
    out: dict = {
        "lot_amount_per_year": round(per_year, 2),
        "capable": capable,
        "unknown_size": int(len(capacity) - len(known)),
        "median_capacity_per_year": float(np.median(known)) if len(known) else None,
        "rule_of_thumb": "; ".join(f"{b.label} : ≤ {format_eur(b.max_lot_eur_per_year)}/an" for b in load_capacity())
        + " (règle empirique, à ajuster)",
        "suggested_lots": None,
        "message": "",
    }
    if not len(known):
        out["message"] = "Taille des structures inconnue : capacité non vérifiée."
        return out
    if capable * 2 >= len(known):
        out["message"] = (
            f"La plupart des structures trouvées peuvent absorber un lot de ≈ {format_eur(per_year)}"
            " par an (règle empirique selon l'effectif)."
        )
        return out
    median = float(np.median(known))
    years = max(purchase.duration_months, 12) / 12
    lots = max(purchase.lots + 1, math.ceil(purchase.amount_eur / years / median))
    out["suggested_lots"] = lots
    out["message"] = (
        f"Seules {capable} structure(s) sur {len(known)} de taille connue peuvent absorber un lot de "
        f"≈ {format_eur(per_year)} par an (règle empirique : capacité médiane ≈ "
        f"{format_eur(median)} par an) : découpez en ≈ {lots} lots par métier ou par secteur "
        "géographique, ou encouragez les groupements."
    )
    return out


# --- The advisor ------------------------------------------------------------------------------------


def thresholds_in_force(purchase: Purchase) -> dict[str, dict]:
    """Thresholds that hold at the consultation date for the purchase: the strictest of the readings its
    answers leave open (natures, buyer categories); after the known data, the last ones, flagged."""
    table = load_thresholds()
    return {
        t.id: t.to_dict()
        for t in table.applicable(purchase.date, purchase.threshold_natures, purchase.threshold_categories)
    }


def advise(purchase: Purchase, directory=None, *, gazetteer=None, rules: tuple[Rule, ...] = RULES) -> AdviceReport:
    """Evaluate every lever for ``purchase``.

    ``directory``: a directory DataFrame, a prebuilt ``SearchIndex`` (reuse it across calls on big
    directories) or None for the demo directory. Raises `AdviceInputError` (French message) when
    the place is unknown or ambiguous.
    """
    area = _area(purchase, gazetteer)
    index = _index_of(directory)
    found = _found(index, purchase, area)
    covered = families_present(index.kind_bits, FAMILY_KINDS)
    family_rows = {f: (found.kind_bits & _kind_mask(k)) != 0 for f, k in FAMILY_KINDS.items()}
    any_rows = np.logical_or.reduce(list(family_rows.values())) if len(found.kind_bits) else np.zeros(0, bool)
    known_caps = found.capacity[any_rows & ~np.isnan(found.capacity)]
    context = RuleContext(
        thresholds=load_thresholds(),
        local_capacity_eur_per_year=float(np.median(known_caps)) if len(known_caps) else None,
    )
    sector_note = (
        "Secteur(s) : " + ", ".join(taxonomy.sector_label(s) or s for s in purchase.resolved_sectors)
        if purchase.resolved_sectors
        else "Secteur non déterminé (ni secteur, ni code CPV reconnu, ni mot-clé) : comptage tous secteurs"
    )
    levers = []
    for rule in rules:
        advice = rule.evaluate(purchase, context)
        counts = viability = None
        rationale = advice.rationale
        if rule.id in LEVER_FAMILIES:
            families = LEVER_FAMILIES[rule.id]
            mask = np.logical_or.reduce([family_rows[f] for f in families])
            counts = {f: int(family_rows[f].sum()) for f in families}
            total = int(mask.sum())
            missing = tuple(f for f in families if f not in covered)
            level, message = _viability_grade(total, missing, families)
            viability = {
                "level": level,
                "total": total,
                "message": message,
                "not_covered": list(missing),
                "area": area.description,
                "sectors": list(purchase.resolved_sectors),
                "capacity": _capacity_check(purchase, found.capacity[mask]) if total else None,
            }
            if advice.applies:
                rationale = f"{rationale} {message} ({sector_note} ; zone : {area.description}.)"
        levers.append(
            LeverAdvice(
                id=rule.id,
                title=rule.title,
                legal_refs=rule.legal_refs,
                applies=advice.applies,
                mandatory=advice.mandatory,
                eligible_suppliers=counts,
                rationale=rationale,
                confidence=advice.confidence or rule.confidence,
                sample_clause=advice.sample_clause,
                eligible_kinds=advice.eligible_kinds or rule.eligible_kinds,
                viability=viability,
                valid_from=rule.valid_from,
                valid_to=rule.valid_to,
            )
        )
    return AdviceReport(
        levers=levers,
        insertion_hours=purchase_insertion_hours(purchase),
        thresholds=thresholds_in_force(purchase),
        area={
            "description": area.description,
            "buyer": BUYER_LABELS[purchase.buyer_type],
            "eu_category": CATEGORY_LABELS[purchase.category],
            "date": purchase.date.isoformat(),
        },
        sectors=purchase.resolved_sectors,
        cautions=purchase_cautions(purchase, context.thresholds),
    )
