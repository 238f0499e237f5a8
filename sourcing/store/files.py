"""The directory store on disk: sources and versions in the data folder, written atomically.

Layout of `<data dir>/store/` (data dir: `SOURCING_DATA_DIR`, default `<project>/.cache`):
    sources/<uid>.parquet        a source's suppliers as imported (raw columns kept here only)
    sources/<uid>.report.json    its import report
    versions/<n>/                one merged directory: directory.parquet, provenance.parquet,
                                 conflicts.parquet, manifest.json, and search-index/ (its search
                                 index, `sourcing.search.stored`, built before the version is published)
    CURRENT                      the number of the version in use
    .lock                        held while a version is being built (one builder at a time)

Invariant (tested by killing builders with SIGKILL): CURRENT always names a complete version.
A version is written in a temporary folder, fsynced, renamed into place, and only then does
CURRENT change, by an atomic rename of a fsynced file; a crash at any point leaves the previous
version in use, and the leftovers are removed by the next build.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from sourcing import PROJECT_DIR

if TYPE_CHECKING:
    import pyarrow as pa

KEEP_VERSIONS = 3
MANIFEST = "manifest.json"


def data_dir() -> Path:
    """`SOURCING_DATA_DIR`, else `<project>/.cache`."""
    env = os.environ.get("SOURCING_DATA_DIR", "").strip()
    return Path(env) if env else PROJECT_DIR / ".cache"


def store_dir(root: Path | None = None) -> Path:
    """The store's folder, its `sources` and `versions` made when missing. A data folder that refuses them
    (read-only, no access) is given as it is: a read finds no version there (the demo is searched), and a
    write says why in French (StoreWriteError), instead of every page failing on the mkdir."""
    path = (root or data_dir()) / "store"
    with contextlib.suppress(OSError):
        (path / "sources").mkdir(parents=True, exist_ok=True)
        (path / "versions").mkdir(parents=True, exist_ok=True)
    return path


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, content: bytes) -> None:
    """Write a file so that readers see the old content or the new one, never a part."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        # A full disk fails the write half-way: the part written goes too, nothing is left beside the
        # store's files (a later listing would take it for an orphan source).
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Parquet written then fsynced (the caller renames its folder into place)."""
    frame.to_parquet(path, index=False)
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def read_parquet(path: Path, columns: list[str] | None = None, lists: bool = False) -> pd.DataFrame:
    """Read back in one chunk per column: search code may use pyarrow compute on the columns,
    which refuses the several chunks a large file comes back in. With `lists`, list columns come
    back as Python lists ([] for none), converted by Arrow in one pass rather than cell by cell."""
    import pyarrow as pa  # here: a search of a saved index does not read Parquet (pyarrow.parquet: 0.1 s)
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    table = pq.read_table(path, columns=columns).combine_chunks()
    list_columns = [f.name for f in table.schema if pa.types.is_list(f.type) or pa.types.is_large_list(f.type)]
    frame = table.drop_columns(list_columns).to_pandas(types_mapper=_types_mapper) if lists else None
    if frame is None:
        return table.to_pandas(types_mapper=_types_mapper)
    for name in list_columns:
        column = table.column(name)
        frame[name] = pd.Series(pc.fill_null(column, pa.scalar([], column.type)).to_pylist(), dtype=object)
    return frame[table.column_names]


def _types_mapper(dtype: pa.DataType):
    return None  # pandas' defaults (str for strings, float64, object lists)


@contextlib.contextmanager
def build_lock(root: Path) -> Iterator[None]:
    """One builder at a time across processes (the lock dies with its process, even on SIGKILL)."""
    with open(root / ".lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def current_version(root: Path) -> int | None:
    """The version CURRENT names; None when there is none, or when that version's folder is gone (a
    backup restored without it, a folder deleted by hand): the catalogue's sources then build a new
    version (`service.sync`) instead of every page failing on the missing manifest."""
    try:
        number = int((root / "CURRENT").read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    return number if (version_dir(root, number) / MANIFEST).exists() else None


MISSING, UNREADABLE = "introuvable", "illisible"


def parquet_problem(path: Path) -> str | None:
    """Why `path` cannot be read as a Parquet file (French: MISSING, UNREADABLE), None when its footer
    reads (a file cut short, by a full disk or a copy, has none)."""
    import pyarrow.parquet as pq  # here, as in read_parquet

    if not path.exists():
        return MISSING
    try:
        pq.read_metadata(path)
    except (OSError, ValueError):  # pyarrow's ArrowInvalid is a ValueError
        return UNREADABLE
    return None


def version_dir(root: Path, number: int) -> Path:
    return root / "versions" / str(number)


def read_manifest(root: Path, number: int) -> dict:
    return json.loads((version_dir(root, number) / MANIFEST).read_text(encoding="utf-8"))


def next_version_number(root: Path) -> int:
    numbers = [int(p.name) for p in (root / "versions").iterdir() if p.name.isdigit()]
    return max([*numbers, current_version(root) or 0]) + 1


def publish_version(root: Path, number: int, files: dict[str, pd.DataFrame], manifest: dict) -> None:
    """Write a version in a temporary folder, rename it into place, then point CURRENT at it."""
    tmp = root / "versions" / f".tmp-{number}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        tmp.mkdir()
        for name, frame in files.items():
            write_parquet(frame, tmp / f"{name}.parquet")
        if "directory" in files:  # the search index goes with the version: no buyer waits for it
            from sourcing.search import stored

            stored.save_for_version(tmp)
        atomic_write_bytes(tmp / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
        _fsync_dir(tmp)
        os.rename(tmp, version_dir(root, number))
        _fsync_dir(root / "versions")
        atomic_write_bytes(root / "CURRENT", str(number).encode())
    except OSError:  # full disk, read-only folder: leave no part of the version behind
        shutil.rmtree(tmp, ignore_errors=True)
        if current_version(root) != number:
            shutil.rmtree(version_dir(root, number), ignore_errors=True)
        for leftover in root.glob(".CURRENT.*.tmp"):
            with contextlib.suppress(OSError):
                leftover.unlink()
        raise


def clean_leftovers(root: Path) -> None:
    """Remove interrupted builds and versions older than the last few (never the current one)."""
    current = current_version(root)
    versions = root / "versions"
    for path in versions.iterdir():
        if path.name.startswith(".tmp-"):
            shutil.rmtree(path, ignore_errors=True)
    numbers = sorted(int(p.name) for p in versions.iterdir() if p.name.isdigit())
    for number in numbers[:-KEEP_VERSIONS]:
        if number != current:
            shutil.rmtree(version_dir(root, number), ignore_errors=True)
    for number in numbers:
        if current is not None and number > current:  # renamed into place but never published
            shutil.rmtree(version_dir(root, number), ignore_errors=True)
