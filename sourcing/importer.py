"""Import a directory file: read it, recognise its format, normalise it.

The one entry point shared by the app, the CLI and the tests:
`import_bytes(content, filename)` / `import_path(path)` -> `ImportResult`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sourcing import formats
from sourcing.formats.base import RawTable
from sourcing.import_report import ImportReport
from sourcing.normalise import normalise_apart
from sourcing.raw_rows import RawRows
from sourcing.reading import ReadError, read_path, read_tables

MIN_SCORE = 0.5
Progress = Callable[[float, str], None]


class ImportFailure(ValueError):
    """The file cannot be imported at all. The message is French and says why and where."""


@dataclass
class ImportResult:
    directory: pd.DataFrame  # the canonical suppliers (what is searched)
    report: ImportReport
    raw: RawRows | None = None  # the source row of each supplier, verbatim, kept apart (`raw.frame()`)


@functools.cache
def return_freed_memory() -> None:
    """Arrow's buffers from jemalloc, freed pages handed back to the system at once (decay 0).

    An import allocates and frees hundreds of MB of Arrow columns; Arrow's default pool (mimalloc) keeps
    what was freed for reuse, so a 1,000,000-row import peaked 17 % higher than what it held (300,000 rows:
    792 -> 655 MiB). Process-wide and once: later allocations of the process (searches) use the same pool.
    """
    import pyarrow as pa

    try:
        pool = pa.jemalloc_memory_pool()
    except NotImplementedError:  # a pyarrow built without jemalloc: keep its default pool
        return
    pa.set_memory_pool(pool)
    pa.jemalloc_set_decay_ms(0)


def _choose(tables: list[RawTable], format_name: str | None):
    """Pick the table (sheet) and format: the named one, or the best-scoring pair."""
    if format_name:
        try:
            module = formats.get_format(format_name)
        except KeyError as exc:
            names = ", ".join(formats.FORMAT_NAMES)
            raise ImportFailure(f"Format inconnu : « {format_name} ». Formats possibles : {names}.") from exc
        best = max(tables, key=module.score)
        return best, module
    scored = []
    for table in tables:
        module, score = formats.detect(table)
        scored.append((score, table, module))
    score, table, module = max(scored, key=lambda s: s[0])
    if module is None or score < MIN_SCORE:
        first = tables[0]
        shown = ", ".join(first.original_columns[:12]) or "(aucune)"
        raise ImportFailure(
            f"Format non reconnu pour « {first.filename} » : colonnes lues ligne 1 : {shown}. "
            "Il faut au moins une colonne de nom (raison sociale) et une colonne SIRET, code postal ou commune. "
            f"Formats reconnus : {', '.join(m.LABEL for m in formats.FORMATS)}."
        )
    return table, module


def import_tables(
    tables: list[RawTable],
    format_name: str | None = None,
    progress: Progress | None = None,
    source_date: str | None = None,
    **options,
) -> ImportResult:
    return_freed_memory()
    progress = progress or (lambda _f, _m: None)
    table, module = _choose(tables, format_name)
    progress(0.3, f"Format reconnu : {module.LABEL}")
    progress(0.5, "Contrôle des lignes et localisation des fournisseurs")
    # The staging frame is handed over, not kept here: normalise_apart lets it go once read.
    directory, raw, report = normalise_apart(
        module.to_staging(table, **options), table, source_name=module.SOURCE_NAME, source_date=source_date
    )
    report.format = module.NAME
    report.format_label = module.LABEL
    progress(1.0, f"{report.rows_loaded} lignes chargées, {report.rows_rejected} rejetées")
    return ImportResult(directory, report, raw)


def import_bytes(
    content: bytes,
    filename: str,
    format_name: str | None = None,
    progress: Progress | None = None,
    **options,
) -> ImportResult:
    return_freed_memory()
    try:
        tables = read_tables(content, filename)
    except ReadError as exc:
        raise ImportFailure(str(exc)) from exc
    if progress:
        progress(0.2, "Fichier lu")
    return import_tables(tables, format_name, progress, **options)


def import_path(path: str | Path, format_name: str | None = None, progress: Progress | None = None, **options):
    return_freed_memory()
    try:
        tables = read_path(path)
    except ReadError as exc:
        raise ImportFailure(str(exc)) from exc
    return import_tables(tables, format_name, progress, **options)
