"""A year's purchasing programme as buyers keep it (XLSX, CSV or the page's grid), read into lines.

Columns are matched on their headers (`columns`); cells are read by `values`. Every data row of
the file is either a `PlanLine` or a rejection with its line and its reason in French:
``rows_read == len(lines) + len(rejected)``. A row is rejected when it has no object, no usable
amount, or is a total row; a cell that cannot be read but has a fallback (an unreadable date, a
CPV code that is not one, a missing duration) is a warning on a line that is still analysed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Final

import pandas as pd

from sourcing import taxonomy
from sourcing.formats.base import RawTable
from sourcing.plan import values
from sourcing.plan.columns import Field, has, match, rehead
from sourcing.reading import read_tables

DEFAULT_DURATION_MONTHS: Final[float] = 12.0
FIELDS: Final[tuple[Field, ...]] = (
    Field("reference", ("n", "no", "numero", "ref", "reference", "n de ligne", "id", "code achat", "n achat"),
          has("reference", "numero")),
    Field("need", ("objet", "objet du marche", "objet de l achat", "intitule", "designation", "libelle", "besoin",
                   "description du besoin", "objet de la consultation", "intitule du marche", "prestation"),
          has("objet", "intitule", "designation", "libelle", "besoin")),
    Field("cpv", ("cpv", "code cpv", "codes cpv", "cpv principal", "nomenclature cpv"), has("cpv")),
    Field("amount", ("montant", "montant estime", "montant estime ht", "montant ht", "estimation", "budget",
                     "montant previsionnel", "estimation ht", "montant total ht", "valeur estimee"),
          has("montant", "estimation", "budget", "valeur", "cout")),
    Field("duration", ("duree", "duree mois", "duree en mois", "duree du marche", "duree totale"), has("duree")),
    Field("place", ("lieu", "lieu d execution", "lieu de livraison", "commune", "site", "localisation", "territoire",
                    "lieu d execution principal"), has("lieu", "commune", "site", "localisation", "territoire")),
    Field("date", ("date", "date previsionnelle", "date de lancement", "lancement", "date prevue", "calendrier",
                   "date de publication", "publication", "trimestre", "periode", "echeance"),
          has("date", "lancement", "publication", "trimestre", "calendrier", "periode")),
    Field("nature", ("nature", "nature du marche", "type de marche", "type", "categorie", "famille d achat"),
          has("nature", "type")),
    Field("lots", ("lots", "nombre de lots", "nb lots", "nb de lots", "allotissement"), has("lots")),
)  # fmt: skip
LABELS: Final[dict[str, str]] = {
    "reference": "Référence", "need": "Objet", "cpv": "CPV", "amount": "Montant estimé (€ HT)",
    "duration": "Durée (mois)", "place": "Lieu d'exécution", "date": "Date prévue", "nature": "Nature",
    "lots": "Lots",
}  # fmt: skip
REQUIRED: Final[tuple[str, ...]] = ("need", "amount")
_TOTAL_WORDS: Final[tuple[str, ...]] = ("total", "sous total", "sous-total", "totaux", "montant total")


class ProgrammeError(ValueError):
    """A file that is not a purchasing programme at all; the message is French and says why."""


@dataclass(frozen=True)
class PlanLine:
    """One purchase of the programme, as read. ``line`` is the file's line (or the grid's row)."""

    line: int
    need: str
    amount_eur: float
    nature: str
    duration_months: float
    consultation_date: date
    cpv: str | None = None
    place: str = ""
    lots: int = 1
    reference: str = ""
    nature_guessed: bool = False
    warnings: tuple[str, ...] = ()


@dataclass
class RowReport:
    """What became of every data row: ``rows_read == analysed + len(rejected)``."""

    rows_read: int = 0
    analysed: int = 0
    rejected: list[dict] = field(default_factory=list)  # {"line", "reason"}
    warnings: list[dict] = field(default_factory=list)  # {"line", "message"}
    columns: dict[str, str] = field(default_factory=dict)  # field -> column of the file
    source: str = ""

    def reject(self, line: int, reason: str) -> None:
        self.rejected.append({"line": line, "reason": reason})

    def to_dict(self) -> dict:
        return {
            "rows_read": self.rows_read,
            "analysed": self.analysed,
            "rejected": len(self.rejected),
            "rejections": self.rejected,
            "warnings": self.warnings,
            "columns": self.columns,
            "source": self.source,
        }


@dataclass(frozen=True)
class Programme:
    lines: list[PlanLine]
    report: RowReport


def _cpv(text: str, warn: list[str]) -> str | None:
    for piece in text.replace(";", ",").replace("/", ",").split(","):
        if piece.strip():
            code = taxonomy.clean_cpv(piece.strip())
            if code is None:
                warn.append(f"code CPV « {piece.strip()} » invalide, ignoré (8 chiffres attendus)")
            return code
    return None


def _nature(text: str, cpv: str | None, need: str, warn: list[str]) -> tuple[str, bool]:
    if text.strip():
        try:
            return values.parse_nature(text), False
        except ValueError as exc:
            warn.append(f"{exc} ; nature déduite de l'objet")
    return values.guess_nature(cpv, need), True


def _date(text: str, today: date, warn: list[str]) -> date:
    if not text.strip():
        return today
    try:
        return values.parse_date(text)
    except ValueError as exc:
        warn.append(f"{exc} ; date du jour retenue")
        return today


def _duration(text: str, warn: list[str]) -> float:
    if not text.strip():
        return DEFAULT_DURATION_MONTHS
    try:
        return values.parse_duration(text)
    except ValueError as exc:
        warn.append(f"{exc} ; {DEFAULT_DURATION_MONTHS:g} mois retenus")
        return DEFAULT_DURATION_MONTHS


def _lots(text: str, warn: list[str]) -> int:
    key = values.fold(text)
    if not key or key in ("non", "1", "aucun", "sans"):
        return 1
    digits = "".join(ch for ch in key if ch.isdigit())
    if digits and 1 <= int(digits) <= 100:
        return int(digits)
    if key == "oui":
        return 2
    warn.append(f"nombre de lots illisible « {text} », 1 lot retenu")
    return 1


def _is_total(cells: dict[str, str]) -> bool:
    first = values.fold(cells.get("reference", "") or cells.get("need", ""))
    return any(first.startswith(word) for word in _TOTAL_WORDS)


def read_row(line: int, cells: dict[str, str], today: date) -> PlanLine:
    """One row's cells (field -> text) as a PlanLine; ValueError (French reason) when it is rejected."""
    if _is_total(cells):
        raise ValueError("ligne de total ou de sous-total, pas un achat")
    filled = [f for f, text in cells.items() if text.strip()]
    if len(filled) == 1 and filled[0] not in ("need", "amount"):
        raise ValueError("ligne de titre (une seule cellule remplie, hors objet et montant), pas un achat")
    need = " ".join(cells.get("need", "").split())
    if not need:
        raise ValueError("objet de l'achat manquant")
    amount = values.parse_amount(cells.get("amount", ""))
    warn: list[str] = []
    cpv = _cpv(cells.get("cpv", ""), warn)
    nature, guessed = _nature(cells.get("nature", ""), cpv, need, warn)
    return PlanLine(
        line=line,
        need=need,
        amount_eur=amount,
        nature=nature,
        duration_months=_duration(cells.get("duration", ""), warn),
        consultation_date=_date(cells.get("date", ""), today, warn),
        cpv=cpv,
        place=" ".join(cells.get("place", "").split()),
        lots=_lots(cells.get("lots", ""), warn),
        reference=cells.get("reference", "").strip(),
        nature_guessed=guessed,
        warnings=tuple(warn),
    )


def read_table(table: RawTable, today: date | None = None) -> Programme:
    """Every data row of a raw table as a line or a rejection (see the module docstring)."""
    today = today or date.today()
    table = rehead(table, FIELDS)
    found = match(table.columns, FIELDS)
    missing = [LABELS[f] for f in REQUIRED if f not in found]
    if missing:
        raise ProgrammeError(
            f"« {table.filename or 'tableau'} » : colonne(s) introuvable(s) : {', '.join(missing)}. "
            f"Colonnes lues : {', '.join(table.columns)}."
        )
    report = RowReport(columns={f: col for f, col in found.items()}, source=table.filename)
    positions = {f: table.columns.index(col) for f, col in found.items()}
    lines: list[PlanLine] = []
    for line, row in zip(table.lines, table.rows, strict=True):
        report.rows_read += 1
        cells = {f: str(row[i]) if i < len(row) else "" for f, i in positions.items()}
        try:
            plan_line = read_row(line, cells, today)
        except ValueError as exc:
            report.reject(line, str(exc))
            continue
        lines.append(plan_line)
        report.warnings += [{"line": line, "message": w} for w in plan_line.warnings]
    report.analysed = len(lines)
    return Programme(lines, report)


def read_programme(content: bytes, filename: str = "", today: date | None = None) -> Programme:
    """A programme file (CSV or XLSX; of a workbook, the first sheet that names an object and an
    amount). Raises `ReadError` or `ProgrammeError` (French) for a file that is not one."""
    tables = read_tables(content, filename)
    errors = []
    for table in tables:
        try:
            return read_table(table, today)
        except ProgrammeError as exc:
            errors.append(str(exc))
    raise ProgrammeError(" ".join(errors))


def read_frame(frame: pd.DataFrame, today: date | None = None) -> Programme:
    """The page's grid (columns named as `LABELS`), read like a file: its rows are lines 1, 2…"""
    columns = [str(c) for c in frame.columns]
    rows = [["" if pd.isna(v) else str(v) for v in row] for row in frame.itertuples(index=False)]
    keep = [(i, r) for i, r in enumerate(rows, start=1) if any(c.strip() for c in r)]
    table = RawTable(columns=columns, rows=[r for _, r in keep], lines=[i for i, _ in keep], filename="grille")
    return read_table(table, today)


def empty_grid() -> pd.DataFrame:
    """The grid a buyer types a programme into: one text column per field."""
    return pd.DataFrame({LABELS[f]: pd.Series([""] * 3, dtype="string") for f in LABELS if f != "reference"})
