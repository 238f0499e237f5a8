"""Thresholds of the Code de la commande publique, read from ``data/rules/thresholds.csv``.

Every amount the advisor compares against lives in that file, with its validity dates, the
natures and buyer categories it applies to, its legal reference and a confidence flag. Rule
code asks this module for "the threshold ``id`` in force on a date for a nature and a buyer";
it never writes an amount itself.

After the last known period of a threshold (e.g. EU thresholds after 2027, not yet published), the
last known row keeps applying, flagged ``extrapolated`` and "à confirmer": a date past the data
never turns an obligation into an option.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Final

from sourcing.frenchfmt import iso_date

RULES_DIR: Final[Path] = Path(__file__).resolve().parents[2] / "data" / "rules"

NATURES: Final[tuple[str, ...]] = ("travaux", "fournitures", "services")
NATURE_LABELS: Final[dict[str, str]] = {"travaux": "travaux", "fournitures": "fournitures", "services": "services"}
# As a table cell or a value on its own (documents, workbooks): capitalised, never the code.
NATURE_TITLES: Final[dict[str, str]] = {"travaux": "Travaux", "fournitures": "Fournitures", "services": "Services"}

# Buyer type (what the buyer says) -> EU threshold category (what annexe 2 of the CCP distinguishes).
BUYER_CATEGORIES: Final[dict[str, str]] = {
    "commune": "local",
    "epci": "local",
    "departement": "local",
    "region": "local",
    "etat": "central",
    # Public establishments and other buyers are local or central depending on who they answer to:
    # the buyer says so (`Purchase.central_authority`); until then the stricter (central) reading holds.
    "etablissement-public": "local",
    "autre": "local",
    "entite-adjudicatrice": "utilities-defence",
    # A defence buyer is a State service: central thresholds, unless the contract itself is a defence or
    # security contract (L1113-1, `Purchase.defence_contract`).
    "defense": "central",
}
# Buyer types whose EU category the type alone does not settle.
CATEGORY_ASKED: Final[tuple[str, ...]] = ("etablissement-public", "autre")
BUYER_TYPES: Final[tuple[str, ...]] = tuple(BUYER_CATEGORIES)
BUYER_LABELS: Final[dict[str, str]] = {
    "commune": "commune",
    "epci": "EPCI",
    "departement": "département",
    "region": "région",
    "etat": "État",
    "etablissement-public": "établissement public",
    "autre": "autre acheteur",
    "entite-adjudicatrice": "entité adjudicatrice (réseaux)",
    "defense": "acheteur de la défense ou de la sécurité",
}
CATEGORY_LABELS: Final[dict[str, str]] = {
    "central": "État (autorités publiques centrales)",
    "local": "collectivités territoriales et autres acheteurs",
    "utilities-defence": "entités adjudicatrices et marchés de défense ou de sécurité",
}

# Confidence flags of every rule, threshold and default: "à confirmer" = not checked in a primary text.
CONFIRMED: Final[str] = "vérifié"
TO_CONFIRM: Final[str] = "à confirmer"


@dataclass(frozen=True)
class Threshold:
    """One row of thresholds.csv. ``valid_from``/``valid_to`` None = no known bound."""

    id: str
    value_eur: float
    max_share: float | None
    natures: tuple[str, ...]  # ("*",) = every nature
    buyers: tuple[str, ...]  # EU categories, ("*",) = every buyer
    valid_from: date | None
    valid_to: date | None
    reference: str
    confidence: str
    label: str
    extrapolated: bool = False  # applied after its last known period (see `ThresholdTable.get`)

    @property
    def period(self) -> str:
        """``"2026-2027"`` for a row valid from 2026 to 2027; the years its dates give, else ""."""
        years = [str(d.year) for d in (self.valid_from, self.valid_to) if d is not None]
        return "-".join(dict.fromkeys(years))

    def in_force(self, on: date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or on <= self.valid_to)

    def covers(self, nature: str, category: str) -> bool:
        return ("*" in self.natures or nature in self.natures) and ("*" in self.buyers or category in self.buyers)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "value_eur": self.value_eur,
            "max_share": self.max_share,
            "label": f"{self.label} (seuils {self.period} appliqués, à vérifier)" if self.extrapolated else self.label,
            "reference": self.reference,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "confidence": self.confidence,
            "extrapolated": self.extrapolated,
        }


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text.strip() else None


@dataclass(frozen=True)
class ThresholdTable:
    rows: tuple[Threshold, ...]

    def in_force(self, on: date, nature: str, category: str) -> list[Threshold]:
        """Every threshold in force on ``on`` for that nature and EU buyer category, file order."""
        return [t for t in self.rows if t.in_force(on) and t.covers(nature, category)]

    def get(self, threshold_id: str, on: date, nature: str, category: str) -> Threshold | None:
        """The threshold ``threshold_id`` in force on that date for that nature and buyer. After the last
        known period (no row in force, the latest one ended before ``on``), that latest row, flagged
        `extrapolated` and "à confirmer". None when no row covers that date (e.g. not yet in force)."""
        found = [t for t in self.in_force(on, nature, category) if t.id == threshold_id]
        if len(found) > 1:
            raise ValueError(f"thresholds.csv: several rows for {threshold_id} on {on} ({nature}, {category})")
        if found:
            return found[0]
        ended = [
            t for t in self.rows
            if t.id == threshold_id and t.covers(nature, category) and t.valid_to is not None and t.valid_to < on
        ]  # fmt: skip
        if not ended:
            return None
        last = max(ended, key=lambda t: t.valid_to or on)
        return replace(last, extrapolated=True, confidence=TO_CONFIRM)

    def pick(
        self, threshold_id: str, on: date, natures: tuple[str, ...], categories: tuple[str, ...]
    ) -> Threshold | None:
        """The strictest (lowest) ``threshold_id`` among the readings the buyer's answers leave open (several
        natures when the CPV codes contradict the chosen nature, several categories when the buyer did
        not say whether it is a central authority); a row in force wins a tie with an extrapolated one."""
        found = [t for n in natures for c in categories if (t := self.get(threshold_id, on, n, c)) is not None]
        return min(found, key=lambda t: (t.value_eur, t.extrapolated)) if found else None

    def applicable(self, on: date, natures: tuple[str, ...], categories: tuple[str, ...]) -> list[Threshold]:
        """Every threshold that holds on ``on`` (`pick` for each id of the file, file order)."""
        ids = dict.fromkeys(t.id for t in self.rows)
        return [t for i in ids if (t := self.pick(i, on, natures, categories)) is not None]

    @property
    def horizon(self) -> date:
        """The last day any dated row of the table covers (after it, thresholds are extrapolated)."""
        return max(t.valid_to for t in self.rows if t.valid_to is not None)


@lru_cache(maxsize=4)
def load_thresholds(path: str | None = None) -> ThresholdTable:
    """Read thresholds.csv once per process (``path`` overrides the default file, for tests)."""
    file = Path(path) if path else RULES_DIR / "thresholds.csv"
    rows = []
    with file.open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            rows.append(
                Threshold(
                    id=r["id"],
                    value_eur=float(r["value_eur"]),
                    max_share=float(r["max_share"]) if r["max_share"].strip() else None,
                    natures=tuple(r["natures"].split("|")),
                    buyers=tuple(r["buyers"].split("|")),
                    valid_from=_date(r["valid_from"]),
                    valid_to=_date(r["valid_to"]),
                    reference=r["reference"],
                    confidence=r["confidence"],
                    label=r["label"],
                )
            )
    return ThresholdTable(tuple(rows))


@dataclass(frozen=True)
class CapacityBand:
    max_headcount: int
    max_lot_eur_per_year: float
    label: str
    source: str


@lru_cache(maxsize=1)
def load_capacity() -> tuple[CapacityBand, ...]:
    """Rule-of-thumb capacity per headcount (data/rules/capacity.csv), smallest band first."""
    with (RULES_DIR / "capacity.csv").open(encoding="utf-8", newline="") as f:
        bands = [
            CapacityBand(int(r["max_headcount"]), float(r["max_lot_eur_per_year"]), r["label"], r["source"])
            for r in csv.DictReader(f)
        ]
    return tuple(sorted(bands, key=lambda b: b.max_headcount))


def validity_text(row: dict, *, since: str, until: str, always: str) -> str:
    """When a threshold row (``valid_from``/``valid_to`` ISO dates or None) holds, from the caller's
    French templates: ``since`` and ``until`` take ``{date}``, ``always`` says no bound is known."""
    parts = []
    if row.get("valid_from"):
        parts.append(since.format(date=iso_date(row["valid_from"])))
    if row.get("valid_to"):
        parts.append(until.format(date=iso_date(row["valid_to"])))
    return ", ".join(parts) or always
