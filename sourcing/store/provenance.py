"""Where each value of a supplier comes from, and where sources disagree, in words a buyer reads.

Safety rule: values are directory text (untrusted); these functions return plain strings and
DataFrames, which the pages show as text (never HTML) and the exports neutralise.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from sourcing.model import CANONICAL_COLUMNS
from sourcing.store import dates
from sourcing.store.merge import NO_SOURCE
from sourcing.store.service import Version, read_supplier, read_version, version_info

CONFLICT_COLUMNS = {
    "id": "Identifiant",
    "name": "Fournisseur",
    "field": "Information",
    "values": "Valeurs selon les sources",
    "chosen": "Valeur retenue",
}


def _label(field: str) -> str:
    return CANONICAL_COLUMNS[field][1]


def _shown(value) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value)


def supplier_provenance(version: Version, supplier: pd.Series, root=None) -> pd.DataFrame:
    """One row per field with a value: the field's French label, the value, its source and the
    date and age of that source's data (marked when older than a year)."""
    row = read_supplier(version.number, str(supplier["id"]), "provenance", root)
    by_id = {s.id: s for s in version.sources}
    out = []
    for field in row.columns:
        if field == "id" or row.empty:
            continue
        source = by_id.get(int(row.iloc[0][field]))
        value = _shown(supplier.get(field))
        if source is None or row.iloc[0][field] == NO_SOURCE or not value:
            continue
        age = dates.age_days(source.data_date)
        out.append(
            {
                "Information": _label(field),
                "Valeur": value,
                "Source": source.label,
                "Données du": dates.french_date(source.data_date),
                "Ancienneté": dates.french_age(age),
                "À vérifier": "oui" if dates.is_stale(source.data_date) else "",
            }
        )
    return pd.DataFrame(out, columns=["Information", "Valeur", "Source", "Données du", "Ancienneté", "À vérifier"])


def supplier_sources(number: int, supplier_id: str, root=None) -> pd.DataFrame:
    """`supplier_provenance` of one supplier of version `number`, by id (what a card shows)."""
    version = version_info(number, root)
    rows = read_supplier(number, supplier_id, root=root)
    supplier = rows.iloc[0] if len(rows) else pd.Series({"id": supplier_id})
    return supplier_provenance(version, supplier, root)


def conflicts_table(
    version: Version, directory: pd.DataFrame | Callable[[list[str]], pd.DataFrame], root=None
) -> pd.DataFrame:
    """Every disagreement between sources, one row per supplier and field:
    'CRESS 2026-03 : ACI · liste SIAE 2026-10 : EI', with the value the merge kept. `directory` holds the
    version's rows, or gives those of a list of ids (`sourcing.search.overview.rows_of`: only the suppliers
    in disagreement are read)."""
    conflicts = read_version(version.number, "conflicts", root)
    if conflicts.empty:
        return pd.DataFrame(columns=list(CONFLICT_COLUMNS.values()))
    if callable(directory):
        directory = directory(conflicts["id"].unique().tolist())
    display = {s.id: s.display for s in version.sources}
    conflicts["said"] = conflicts["source_id"].map(display).fillna("?") + " : " + conflicts["value"].astype(str)
    grouped = conflicts.groupby(["id", "field"], sort=False)["said"].agg(" · ".join).reset_index()
    indexed = directory.set_index("id")
    grouped["name"] = grouped["id"].map(indexed["name"])
    grouped["chosen"] = [_shown(indexed.at[i, f]) if i in indexed.index else "" for i, f in
                         zip(grouped["id"], grouped["field"], strict=True)]  # fmt: skip
    grouped["values"] = grouped.pop("said")
    grouped["field"] = grouped["field"].map(_label)
    return grouped[list(CONFLICT_COLUMNS)].rename(columns=CONFLICT_COLUMNS)
