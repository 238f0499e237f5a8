"""The public contracts won by the directory's suppliers, kept in the store beside the sources.

Layout of `<data dir>/store/contracts/`:
    contracts.parquet   every contract known (`decp.CONTRACT_COLUMNS`), each with `fetched_at` and
                        `origin` (the API query or the file it came from)
    checked.parquet     the SIRETs whose contracts were looked up: siret, checked_at, origin
    history.json        each fetch or import: when, what (query or file), its row counts

A fetch or an import replaces the contracts of the SIRETs it checked (a contract seen again is
not doubled), then builds a new version of the directory (`sourcing.store.service.build`). Each
version carries `contracts.parquet` (the contracts of its suppliers) and, in its directory, the
columns `contracts_won` (number of contracts), `contracts_social` (of which with a social
consideration) and `contracts_checked` (date of the look-up, "" when never looked up): the search
filters and sorts on them without network, cards and briefs read the version's contracts.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd

from sourcing.contracts.decp import CONTRACT_COLUMNS
from sourcing.store import files

CHECKED_COLUMNS = ("siret", "checked_at", "origin")
DIRECTORY_COLUMNS = ("contracts_won", "contracts_social", "contracts_checked")
VERSION_PART = "contracts"


def contracts_dir(root: Path | None = None) -> Path:
    """The folder of the contracts kept (not created by readers: `record` makes it)."""
    return (root or files.data_dir()) / "store" / "contracts"


def _read(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    if not path.exists():
        return pd.DataFrame(columns=list(columns))
    return pd.read_parquet(path)


def read_contracts(root: Path | None = None) -> pd.DataFrame:
    return _read(contracts_dir(root) / "contracts.parquet", CONTRACT_COLUMNS)


def read_checked(root: Path | None = None) -> pd.DataFrame:
    return _read(contracts_dir(root) / "checked.parquet", CHECKED_COLUMNS)


def history(root: Path | None = None) -> list[dict]:
    """Every fetch and import of contracts, oldest first (when, what, counts)."""
    path = contracts_dir(root) / "history.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    buffer = io.BytesIO()
    frame.reset_index(drop=True).to_parquet(buffer, index=False)
    files.atomic_write_bytes(path, buffer.getvalue())


def record(
    contracts: pd.DataFrame, checked: set[str], *, origin: str, fetched_at: str, event: dict,
    root: Path | None = None, progress=None,
):  # fmt: skip
    """Keep `contracts` as the contracts of the SIRETs in `checked` (their earlier ones replaced),
    note the look-up, and publish a new version of the directory with them. Returns the Version."""
    from sourcing.store import service

    folder = contracts_dir(root)
    folder.mkdir(parents=True, exist_ok=True)
    known = read_contracts(root)
    known = known[~known["supplier_siret"].isin(checked)]
    merged = pd.concat([known, contracts[list(CONTRACT_COLUMNS)]], ignore_index=True) if len(known) else contracts
    merged = merged.drop_duplicates(["uid", "supplier_siret"], keep="last")
    seen = read_checked(root)
    seen = seen[~seen["siret"].isin(checked)]
    fresh = pd.DataFrame({"siret": sorted(checked), "checked_at": fetched_at, "origin": origin})
    _write_parquet(merged[list(CONTRACT_COLUMNS)], folder / "contracts.parquet")
    _write_parquet(pd.concat([seen, fresh], ignore_index=True) if len(seen) else fresh, folder / "checked.parquet")
    events = [*history(root), event]
    files.atomic_write_bytes(folder / "history.json", json.dumps(events, ensure_ascii=False, indent=1).encode())
    return service.build(progress=progress, root=root)


def annotate(directory: pd.DataFrame, root: Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The directory with its contracts columns, and the contracts of its suppliers (the version's part)."""
    sirets = directory["siret"].fillna("").astype(str) if "siret" in directory else pd.Series([""] * len(directory))
    contracts = read_contracts(root)
    part = contracts[contracts["supplier_siret"].isin(set(sirets) - {""})].reset_index(drop=True)
    won = part.groupby("supplier_siret").size()
    social = part[part["social"].fillna("") != ""].groupby("supplier_siret").size()
    checked = read_checked(root).drop_duplicates("siret", keep="last").set_index("siret")["checked_at"]
    annotated = directory.assign(
        contracts_won=sirets.map(won).fillna(0).astype("int64").to_numpy(),
        contracts_social=sirets.map(social).fillna(0).astype("int64").to_numpy(),
        contracts_checked=sirets.map(checked).astype(object).fillna("").astype(str).str[:10].to_numpy(),
    )
    return annotated, part


def version_contracts(number: int, siret: str | None = None, root: Path | None = None) -> pd.DataFrame:
    """The contracts of a published version (of one supplier with `siret`); empty for a version
    built before contracts were kept."""
    import pyarrow.parquet as pq

    path = files.version_dir((root or files.data_dir()) / "store", number) / f"{VERSION_PART}.parquet"
    if not path.exists():
        return pd.DataFrame(columns=list(CONTRACT_COLUMNS))
    filters = [("supplier_siret", "=", str(siret))] if siret else None
    return pq.read_table(path, filters=filters).to_pandas()
