"""The canonical directory on disk (Parquet) and the bundled demo directory.

A directory is the DataFrame the normaliser returns. It is stored as Parquet, with list
columns as Parquet lists, so that the app, the CLI and the benchmarks share one file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from sourcing import DATA_DIR
from sourcing.model import CANONICAL_COLUMNS, LIST_COLUMNS
from sourcing.raw_rows import RawRows, raw_path

DEMO_CSV = DATA_DIR / "demo" / "annuaire-demo.csv"
DEMO_LABEL = "données fictives de démonstration"
# The date the demo file was generated: its data's date (never the day it is imported).
DEMO_DATA_DATE = "2026-11-28"
PARQUET_MAGIC = b"PAR1"


def save_parquet(directory: pd.DataFrame, path: str | Path, raw: RawRows | None = None) -> Path:
    """The directory as Parquet; with `raw`, the source rows verbatim beside it (`raw_rows.raw_path`),
    read only when asked (`raw_rows.read_raw`)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    directory.to_parquet(path, index=False)
    if raw is not None:
        raw.frame().to_parquet(raw_path(path), index=False)
    return path


def load_parquet(path: str | Path) -> pd.DataFrame:
    from sourcing.store.files import read_parquet

    frame = read_parquet(Path(path))  # one chunk per column, whatever the file's row groups
    missing = [c for c in CANONICAL_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"« {path} » n'est pas un annuaire de l'outil : colonnes manquantes {', '.join(missing)}.")
    for col in LIST_COLUMNS:
        # Parquet gives numpy arrays back; lists keep the rest of the code simple.
        frame[col] = frame[col].map(lambda v: list(v) if v is not None else [])
    return frame


def is_parquet(path: str | Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == PARQUET_MAGIC
    except OSError:
        return False


def cache_dir() -> Path:
    """Where derived files (the demo directory's Parquet) are kept; not in the repository."""
    path = DATA_DIR.parent / ".cache"
    path.mkdir(exist_ok=True)
    return path


def _demo_cache() -> tuple[Path, Path]:
    # The data date in the name: a cache built by an earlier version of this rule is never read.
    stem = f"annuaire-demo-{DEMO_DATA_DATE}"
    return cache_dir() / f"{stem}.parquet", cache_dir() / f"{stem}.report.json"


def _ensure_demo_cache() -> None:
    """Import the demo CSV once; later loads read the Parquet (rebuilt if the CSV changed)."""
    from sourcing.importer import import_path

    parquet, report = _demo_cache()
    if parquet.exists() and report.exists() and parquet.stat().st_mtime >= DEMO_CSV.stat().st_mtime:
        return
    result = import_path(DEMO_CSV, source_date=DEMO_DATA_DATE)
    save_parquet(result.directory, parquet)
    report.write_text(json.dumps(result.report.to_dict(), ensure_ascii=False))


def demo_parquet() -> Path:
    """The demo directory's Parquet cache (made when missing or older than the CSV)."""
    _ensure_demo_cache()
    return _demo_cache()[0]


def load_demo() -> pd.DataFrame:
    """The demo directory, imported once from its CSV and then read from a Parquet cache."""
    _ensure_demo_cache()
    return load_parquet(_demo_cache()[0])


def demo_report() -> dict:
    """The import report of the demo directory (as `ImportReport.to_dict()`)."""
    _ensure_demo_cache()
    return json.loads(_demo_cache()[1].read_text())


def load_current() -> pd.DataFrame:
    """The team's directory (the store's current version), or the demo while it has no source."""
    from sourcing.store import service

    version = service.current_version()
    return load_demo() if version.is_empty else service.read_version(version.number)


def load_any(path: str | Path | None) -> pd.DataFrame:
    """A Parquet written by `import --out`, any importable file, or (None) the team's directory."""
    if path is None:
        return load_current()
    if is_parquet(path):
        return load_parquet(path)
    from sourcing.importer import import_path

    return import_path(path).directory
