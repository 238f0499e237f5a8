"""The annual report of a buyer's socially responsible purchasing, from their own list of contracts.

The buyer's file (XLSX or CSV, one row per notified contract: object, amount, date, CPV, social
clause yes/no, social criterion yes/no, reserved yes/no, insertion hours) is read like a programme
(headers matched, a row report where ``rows_read == counted + rejected``). The indicators are those
of a SPASER annual report (schéma de promotion des achats socialement et écologiquement
responsables, CCP L2111-3): by year, the share of contracts and of spend with a social clause, a
social criterion, a reservation, any of them, and the insertion hours planned; the same by family
of purchase (the sector of the CPV code, else of the object).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

import pandas as pd

from sourcing import taxonomy
from sourcing.exports.tables import tables_to_xlsx
from sourcing.plan import values
from sourcing.plan.columns import Field, has, match, rehead
from sourcing.plan.programme import ProgrammeError, RowReport
from sourcing.reading import read_tables

FIELDS: Final[tuple[Field, ...]] = (
    Field("need", ("objet", "objet du marche", "intitule", "designation", "libelle", "objet du contrat"),
          has("objet", "intitule", "designation", "libelle")),
    Field("amount", ("montant", "montant ht", "montant notifie", "montant notifie ht", "montant total ht",
                     "montant du marche", "montant attribue"), has("montant")),
    Field("date", ("date", "date de notification", "notification", "date notification", "date d attribution",
                   "annee", "date de signature"), has("date", "notification", "annee")),
    Field("cpv", ("cpv", "code cpv", "cpv principal"), has("cpv")),
    Field("clause", ("clause sociale", "clause d insertion", "clause sociale d execution", "clause"),
          has("clause")),
    Field("criterion", ("critere social", "critere", "critere d attribution social", "critere sociale"),
          has("critere")),
    Field("reserved", ("marche reserve", "reserve", "reservation", "lot reserve", "marche ou lot reserve"),
          has("reserve", "reservation")),
    Field("hours", ("heures d insertion", "nombre d heures d insertion", "heures", "heures prevues",
                    "heures d insertion prevues"), has("heures", "heure")),
)  # fmt: skip
REQUIRED: Final[dict[str, str]] = {"need": "Objet", "amount": "Montant", "date": "Date"}
OTHER_FAMILY: Final[str] = "Autres achats"
MEASURES: Final[dict[str, str]] = {"clause": "clause sociale", "criterion": "critère social", "reserved": "réservé"}
COLUMNS: Final[tuple[str, ...]] = ("line", "need", "amount", "year", "family", *MEASURES, "hours")
SPASER_SHEETS: Final[tuple[str, ...]] = ("Indicateurs SPASER", "Par famille d'achats", "Marchés", "Rapport de lecture")


@dataclass(frozen=True)
class Contracts:
    """The contracts read (one row each: line, need, amount, year, family, clause, criterion, reserved,
    hours) and the row report."""

    frame: pd.DataFrame
    report: RowReport


def purchase_family(cpv: str | None, need: str) -> str:
    """The family of purchase: the sector of the CPV code, else of the object, else `OTHER_FAMILY`."""
    sectors = taxonomy.sectors_for_cpv(cpv) if cpv else []
    if not sectors:
        sectors = list(taxonomy.sectors_for_text(pd.Series([need]))[0])
    return (taxonomy.sector_label(sectors[0]) or sectors[0]) if sectors else OTHER_FAMILY


def _flag(text: str, name: str) -> bool:
    try:
        return values.parse_yes_no(text)
    except ValueError as exc:
        raise ValueError(f"{MEASURES[name]} : {exc}") from None


def _hours(text: str) -> float:
    if not text.strip():
        return 0.0
    try:
        return float(text.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".").rstrip("h"))
    except ValueError:
        raise ValueError(f"heures d'insertion illisibles « {text} » (un nombre est attendu)") from None


def read_row(line: int, cells: dict[str, str]) -> dict:
    """One contract; ValueError (French reason) when the row cannot be counted."""
    need = " ".join(cells.get("need", "").split())
    if not need:
        raise ValueError("objet du marché manquant")
    if values.fold(need).startswith(("total", "sous total", "sous-total")):
        raise ValueError("ligne de total ou de sous-total, pas un marché")
    amount = values.parse_amount(cells.get("amount", ""))
    when = values.parse_date(cells.get("date", ""))
    cpv = taxonomy.clean_cpv(cells.get("cpv", "").strip()) if cells.get("cpv", "").strip() else None
    flags = {name: _flag(cells.get(name, ""), name) for name in MEASURES}
    hours = _hours(cells.get("hours", ""))
    return {"line": line, "need": need, "amount": amount, "year": when.year, "family": purchase_family(cpv, need),
            **flags, "hours": hours}  # fmt: skip


def read_contracts(content: bytes, filename: str = "") -> Contracts:
    """The buyer's contracts file; ReadError or ProgrammeError (French) when it is not one."""
    errors = []
    for table in read_tables(content, filename):
        table = rehead(table, FIELDS)
        found = match(table.columns, FIELDS)
        missing = [label for f, label in REQUIRED.items() if f not in found]
        if missing:
            errors.append(f"« {filename or 'tableau'} » : colonne(s) introuvable(s) : {', '.join(missing)}.")
            continue
        report = RowReport(columns=dict(found), source=filename)
        positions = {f: table.columns.index(col) for f, col in found.items()}
        rows = []
        for line, row in zip(table.lines, table.rows, strict=True):
            report.rows_read += 1
            try:
                rows.append(read_row(line, {f: str(row[i]) for f, i in positions.items()}))
            except ValueError as exc:
                report.reject(line, str(exc))
        report.analysed = len(rows)
        return Contracts(pd.DataFrame(rows, columns=list(COLUMNS)), report)
    raise ProgrammeError(" ".join(errors))


def _indicators(group: pd.DataFrame) -> dict:
    total, spend = len(group), float(group["amount"].sum())
    social = group["clause"] | group["criterion"] | group["reserved"]
    out: dict = {"Marchés": total, "Montant (€ HT)": round(spend, 2)}
    for name, label in (*MEASURES.items(), ("social", "au moins une considération sociale")):
        mask = social if name == "social" else group[name]
        out[f"Part des marchés : {label} (%)"] = round(100 * mask.sum() / total, 1) if total else 0.0
        out[f"Part du montant : {label} (%)"] = (
            round(100 * group.loc[mask, "amount"].sum() / spend, 1) if spend else 0.0
        )
    out["Heures d'insertion prévues"] = round(float(group["hours"].sum()), 1)
    return out


def by_year(contracts: Contracts) -> pd.DataFrame:
    """One row per year: counts, amounts, shares with each social consideration, hours."""
    frame = contracts.frame
    rows = [{"Année": int(year), **_indicators(group)} for year, group in frame.groupby("year", sort=True)]
    return pd.DataFrame(rows)


def by_family(contracts: Contracts) -> pd.DataFrame:
    """One row per year and family of purchase, the largest spend first within a year."""
    frame = contracts.frame
    rows = [
        {"Année": int(year), "Famille d'achats": family, **_indicators(group)}
        for (year, family), group in frame.groupby(["year", "family"], sort=True)
    ]
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    return table.sort_values(["Année", "Montant (€ HT)"], ascending=[True, False]).reset_index(drop=True)


def spaser_table(contracts: Contracts) -> pd.DataFrame:
    """The SPASER annual report's indicators: one row per indicator, one column per year."""
    years = by_year(contracts)
    if years.empty:
        return pd.DataFrame({"Indicateur": []})
    table = years.set_index("Année").T
    table.columns = [str(c) for c in table.columns]
    return table.rename_axis("Indicateur").reset_index()


def contracts_table(contracts: Contracts) -> pd.DataFrame:
    yes_no = {True: "oui", False: "non"}
    frame = contracts.frame
    return pd.DataFrame({
        "Ligne": frame["line"], "Objet": frame["need"], "Montant (€ HT)": frame["amount"], "Année": frame["year"],
        "Famille d'achats": frame["family"], **{f"Marché {label}" if name == "reserved" else label.capitalize():
                                                frame[name].map(yes_no) for name, label in MEASURES.items()},
        "Heures d'insertion prévues": frame["hours"],
    })  # fmt: skip


def report_xlsx(contracts: Contracts, today: date | None = None) -> bytes:
    """The annual report as a workbook in the SPASER report's shape (see `SPASER_SHEETS`)."""
    rejected = pd.DataFrame(contracts.report.rejected, columns=["line", "reason"]).rename(
        columns={"line": "Ligne", "reason": "Motif du rejet"}
    )
    years = by_year(contracts)
    numbers = frozenset(years.columns) | {"Ligne", "Année", "Heures d'insertion prévues"}
    spaser = spaser_table(contracts)
    sheets = dict(zip(SPASER_SHEETS, (spaser, by_family(contracts), contracts_table(contracts), rejected), strict=True))
    return tables_to_xlsx(sheets, numbers=numbers | frozenset(c for c in spaser.columns if c != "Indicateur"))
