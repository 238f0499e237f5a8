"""A DECP file the buyer downloaded (consolidated DECP: CSV, Parquet or JSON) -> the contracts of
the directory's suppliers, with a row report, then published with a new version of the directory.

The national file is large (millions of rows): CSV is read by chunks and Parquet with a filter
on `titulaire_id`, only the columns used (`decp.READ_COLUMNS`) are read, and only rows of the
directory's suppliers are kept. JSON: a list of rows, or an object with the list under "data"
(an answer of the tabular API) or "marches".
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from sourcing.contracts import decp, stored
from sourcing.contracts.fetch import NO_SUPPLIERS, NoSuppliers, supplier_sirets

CSV_CHUNK = 200_000


NOT_DECP = "« {name} » n'a pas de colonne titulaire_id : ce n'est pas un fichier des DECP consolidées."


class ContractsFileError(ValueError):
    """A file that is not a DECP file we can read. The message is French and names the file."""


def _frames_csv(content: bytes, name: str):
    from sourcing.reading import decode, sniff_delimiter

    text, _encoding = decode(content)
    sep = sniff_delimiter(text[:20_000])
    header = pd.read_csv(io.StringIO(text), sep=sep, nrows=0).columns
    if "titulaire_id" not in header:
        raise ContractsFileError(NOT_DECP.format(name=name))
    usecols = [c for c in decp.READ_COLUMNS if c in header]
    yield from pd.read_csv(io.StringIO(text), sep=sep, usecols=usecols, dtype=str, chunksize=CSV_CHUNK)


def _frames_parquet(content: bytes, name: str, wanted: set[str]):
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    try:
        table_file = pq.ParquetFile(io.BytesIO(content))
    except (pa.ArrowInvalid, OSError) as exc:
        raise ContractsFileError(f"« {name} » n'est pas un fichier Parquet lisible ({exc}).") from exc
    names = table_file.schema_arrow.names
    if "titulaire_id" not in names:
        raise ContractsFileError(NOT_DECP.format(name=name))
    columns = [c for c in decp.READ_COLUMNS if c in names]
    keys = pa.array(sorted(wanted) + sorted(s.lstrip("0") for s in wanted))
    for batch in table_file.iter_batches(columns=columns, batch_size=CSV_CHUNK):
        ids = pc.cast(batch.column("titulaire_id"), pa.string())
        # Rows of the directory's suppliers, and rows whose holder id is no SIRET (rejected with their reason).
        mask = pc.or_(pc.is_in(ids, value_set=keys), pc.invert(pc.match_substring_regex(ids, r"^\d{13,14}$")))
        mask = pc.fill_null(mask, True)
        outside = len(batch) - pc.sum(mask).as_py() if len(batch) else 0
        yield batch.filter(mask).to_pandas().astype(object), outside


def _frames_json(content: bytes, name: str):
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ContractsFileError(f"« {name} » n'est pas un JSON lisible ({exc}).") from exc
    if isinstance(data, dict):
        data = data.get("data", data.get("marches"))
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise ContractsFileError(f"« {name} » : une liste de marchés (lignes des DECP consolidées) était attendue.")
    yield pd.DataFrame(data)


def read_file(content: bytes, name: str, wanted: set[str], *, origin: str, fetched_at: str) -> decp.ContractsRead:
    """The contracts of `wanted` SIRETs in a DECP file, with the row report. ContractsFileError (French)."""
    suffix = Path(name).suffix.lower()
    total = decp.ContractsRead(pd.DataFrame(columns=list(decp.CONTRACT_COLUMNS)))
    parts, first = [], 1
    if suffix == ".parquet":
        chunks = _frames_parquet(content, name, wanted)
    elif suffix == ".json":
        chunks = ((frame, 0) for frame in _frames_json(content, name))
    elif suffix in (".csv", ".txt"):
        chunks = ((frame, 0) for frame in _frames_csv(content, name))
    else:
        raise ContractsFileError(f"« {name} » : format non reconnu (attendu : .csv, .parquet ou .json).")
    for frame, outside in chunks:
        frame = frame.astype(object).where(frame.notna(), None)
        read = decp.read_records(frame.to_dict("records"), wanted, origin=origin, fetched_at=fetched_at, first=first)
        first += len(frame) + outside
        total.rows_read += read.rows_read + outside
        total.rows_kept += read.rows_kept
        total.rows_outside += read.rows_outside + outside
        total.rejected += read.rejected
        parts.append(read.contracts)
    kept = [p for p in parts if len(p)]
    total.contracts = pd.concat(kept, ignore_index=True) if kept else total.contracts
    total.contracts = total.contracts.drop_duplicates(["uid", "supplier_siret"], keep="last").reset_index(drop=True)
    return total


def import_contracts(
    content: bytes, name: str, *, root: Path | None = None, progress=None
) -> tuple[decp.ContractsRead, int]:
    """Read a DECP file and publish the contracts of the directory's suppliers with a new version.
    Returns (the row report, the version number). The suppliers looked up are all the directory's:
    a supplier absent from the file is recorded as having no contract in it."""
    wanted = set(supplier_sirets(root))
    if not wanted:
        raise NoSuppliers(NO_SUPPLIERS)
    fetched_at = datetime.now(UTC).isoformat(timespec="seconds")
    origin = json.dumps({"file": Path(name).name, "imported_at": fetched_at}, ensure_ascii=False)
    read = read_file(content, Path(name).name, wanted, origin=origin, fetched_at=fetched_at)
    event = {"kind": "file", "at": fetched_at, "file": Path(name).name, **read.to_dict()}
    version = stored.record(read.contracts, wanted, origin=origin, fetched_at=fetched_at, event=event, root=root,
                            progress=progress)  # fmt: skip
    return read, version.number
