"""Rows of the consolidated DECP (données essentielles de la commande publique) -> our contracts table.

The consolidated DECP (data.gouv.fr dataset "Données essentielles de la commande publique
consolidées (format tabulaire)", built by the decp-processing project, schema `schema_base.json`)
has one row per contract x holder x modification. The columns read here:

    uid                     the contract's national id (buyer SIRET + the buyer's own id)
    titulaire_id            the holder's id; a SIRET when titulaire_typeIdentifiant is "SIRET"
    titulaire_typeIdentifiant
    acheteur_id, acheteur_nom, acheteur_commune_nom, acheteur_latitude, acheteur_longitude
    dateNotification        ISO date of the contract or of one of its modifications
    montant                 amount awarded, euros excluding VAT (a maximum for framework agreements)
    codeCPV, objet
    considerationsSociales  "Clause sociale", "Critère social", "Marché réservé" or "Sans objet"
                            (several may be listed)
    marcheInnovant, donneesActuelles, modification_id

One contract per (uid, holder SIRET): its attributes from the current row (donneesActuelles, else
the highest modification_id), its date the EARLIEST dateNotification of all its rows (a
modification's row carries the modification's date). Rows of holders outside the directory are
counted, never kept; rows without a usable SIRET or date are rejected with their reason.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

DATASET_TITLE = "Données essentielles de la commande publique consolidées (format tabulaire)"
LICENCE = "Licence Ouverte / Open Licence 2.0 (Etalab) : DECP consolidées (projet decp-processing, data.gouv.fr)"
READ_COLUMNS: tuple[str, ...] = (
    "uid", "titulaire_id", "titulaire_typeIdentifiant", "titulaire_nom", "acheteur_id", "acheteur_nom",
    "acheteur_commune_nom", "acheteur_latitude", "acheteur_longitude", "dateNotification", "montant",
    "codeCPV", "objet", "considerationsSociales", "marcheInnovant", "donneesActuelles", "modification_id",
)  # fmt: skip
CONTRACT_COLUMNS: tuple[str, ...] = (
    "supplier_siret", "uid", "notified", "amount", "cpv", "object", "buyer_siret", "buyer_name", "buyer_commune",
    "buyer_lat", "buyer_lon", "social", "innovative", "fetched_at", "origin",
)  # fmt: skip
# Our wording of each social consideration, and how the DECP spells it once folded.
SOCIAL_KINDS: tuple[tuple[str, str], ...] = (
    ("clause sociale", "clause sociale"),
    ("critère social", "critere social"),
    ("marché réservé", "marche reserve"),
)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def social_considerations(value: object) -> tuple[str, ...]:
    """The social considerations a DECP cell names, in our wording: "Clause sociale, Marché réservé"
    -> ("clause sociale", "marché réservé"); "Sans objet", empty or unknown -> ()."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ()
    folded = _fold(str(value))
    return tuple(ours for ours, spelled in SOCIAL_KINDS if spelled in folded)


def holder_siret(value: object, id_type: object = "SIRET") -> str:
    """The holder's SIRET (14 digits, a lost leading zero put back), "" when the id is not a SIRET."""
    if id_type not in (None, "", "SIRET") and not (isinstance(id_type, float) and math.isnan(id_type)):
        return ""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value).strip()
    text = re.sub(r"[\s.]", "", text[:-2] if text.endswith(".0") else text)
    if not text.isdigit() or len(text) not in (13, 14):
        return ""
    return text.zfill(14)


def _date(value: object) -> str:
    try:
        return date.fromisoformat(str(value)[:10]).isoformat()
    except ValueError:
        return ""


def _amount(value: object) -> float:
    try:
        number = float(str(value).replace(",", ".").replace(" ", "").replace("\u202f", ""))
    except ValueError:
        return math.nan
    return number if math.isfinite(number) and number >= 0 else math.nan


def _coordinate(value: object) -> float:
    try:
        number = float(str(value).replace(",", "."))
    except ValueError:
        return math.nan
    return number if math.isfinite(number) else math.nan


def _truthy(value: object) -> bool:
    return str(value).strip().lower() in ("true", "1", "oui", "yes", "vrai")


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


@dataclass
class ContractsRead:
    """What a set of DECP rows gave: the contracts kept, and the row report (read = kept + outside +
    rejected, where "outside" are rows of holders that are not suppliers of the directory)."""

    contracts: pd.DataFrame
    rows_read: int = 0
    rows_kept: int = 0
    rows_outside: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (row number, French reason)

    def to_dict(self) -> dict:
        return {"rows_read": self.rows_read, "rows_kept": self.rows_kept, "rows_outside": self.rows_outside,
                "rows_rejected": len(self.rejected), "contracts": len(self.contracts),
                "rejected": [{"row": n, "reason": r} for n, r in self.rejected[:200]]}  # fmt: skip


def _row(record: Mapping[str, object], siret: str, notified: str) -> dict:
    return {
        "supplier_siret": siret, "uid": _text(record.get("uid")), "notified": notified,
        "amount": _amount(record.get("montant")), "cpv": _text(record.get("codeCPV")),
        "object": _text(record.get("objet"))[:300], "buyer_siret": holder_siret(record.get("acheteur_id")),
        "buyer_name": _text(record.get("acheteur_nom")), "buyer_commune": _text(record.get("acheteur_commune_nom")),
        "buyer_lat": _coordinate(record.get("acheteur_latitude")),
        "buyer_lon": _coordinate(record.get("acheteur_longitude")),
        "social": "; ".join(social_considerations(record.get("considerationsSociales"))),
        "innovative": _truthy(record.get("marcheInnovant")),
        "current": _truthy(record.get("donneesActuelles")), "rank": _amount(record.get("modification_id")),
    }  # fmt: skip


def read_records(
    records: Iterable[Mapping[str, object]],
    wanted: set[str] | None,
    *,
    origin: str,
    fetched_at: str,
    first: int = 1,
    holder_required: bool = True,
) -> ContractsRead:
    """DECP rows (dicts of the columns above) -> one contract per (uid, holder SIRET) of `wanted`
    (None: every SIRET holder). `origin` (the query or the file) and `fetched_at` go on each row.
    `holder_required=False` (a buyer's own report): a holder without a SIRET (foreign company, VAT
    number) is kept with an empty `supplier_siret` instead of rejected."""
    rows, report = [], ContractsRead(pd.DataFrame(columns=list(CONTRACT_COLUMNS)))
    for number, record in enumerate(records, start=first):
        report.rows_read += 1
        siret = holder_siret(record.get("titulaire_id"), record.get("titulaire_typeIdentifiant", "SIRET"))
        if not siret and holder_required:
            report.rejected.append((number, "titulaire sans SIRET utilisable"))
            continue
        if wanted is not None and siret not in wanted:
            report.rows_outside += 1
            continue
        notified = _date(record.get("dateNotification"))
        if not notified or not _text(record.get("uid")):
            report.rejected.append((number, "date de notification ou identifiant du marché illisible"))
            continue
        report.rows_kept += 1
        rows.append(_row(record, siret, notified))
    report.contracts = one_per_contract(pd.DataFrame(rows), origin, fetched_at)
    return report


def one_per_contract(rows: pd.DataFrame, origin: str, fetched_at: str) -> pd.DataFrame:
    """One row per (uid, supplier): attributes of the current row, date of the earliest row."""
    if rows.empty:
        return pd.DataFrame(columns=list(CONTRACT_COLUMNS))
    earliest = rows.groupby(["uid", "supplier_siret"])["notified"].transform("min")
    ordered = rows.assign(notified=earliest, _rank=rows["rank"].fillna(-1))
    ordered = ordered.sort_values(["current", "_rank"], ascending=[False, False], kind="stable")
    kept = ordered.drop_duplicates(["uid", "supplier_siret"]).assign(fetched_at=fetched_at, origin=origin)
    kept = kept.sort_values(["supplier_siret", "notified", "uid"], kind="stable")
    return kept[list(CONTRACT_COLUMNS)].reset_index(drop=True)
