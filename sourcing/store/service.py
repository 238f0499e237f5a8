"""The directory store's use cases: add, replace, remove sources; build, read and export versions.

Used alike by the app (page "Annuaire"), the CLI (`python -m sourcing directory ...`) and tests.
Every process reads the version CURRENT names; a build publishes a new one atomically (see
`sourcing.store.files`), and a running app picks it up at its next rerun.

Invariant (tested): per source, rows read = rows loaded + rows rejected; per build, suppliers in
= suppliers out + merged; after any crash, `sync` makes the catalogue agree with the version.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import select

from sourcing import roles
from sourcing.contracts import stored as contracts_store
from sourcing.db import LOCAL_USER, audit, session_scope
from sourcing.db.engine import read
from sourcing.importer import import_bytes
from sourcing.model import CANONICAL_COLUMNS, KIND_BY_CODE
from sourcing.normalise import ImportReport
from sourcing.raw_rows import RawRows, raw_path
from sourcing.store import dates, faults, files
from sourcing.store.catalogue import DirectorySource
from sourcing.store.merge import MergeResult, SourceInput, merge_sources

Progress = Callable[[float, str], None]
NO_STATED_DATE = "0001-01-01"  # what rows without a date of their own get during import


def _silent(_fraction: float, _message: str) -> None:
    return None


@dataclass(frozen=True)
class SourceInfo:
    """A source as the catalogue and the current version know it."""

    id: int
    label: str
    kind: str
    filename: str
    format_label: str
    added_by: str
    added_at: str
    data_date: str | None
    data_date_origin: str
    licence: str
    query: str
    families: tuple[str, ...]
    kinds: dict
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    suppliers: int
    state: str
    uid: str = ""

    @property
    def display(self) -> str:
        """'liste SIAE 2019-07': the label and the month of its data, as cards and conflicts show it."""
        return f"{self.label} {self.data_date[:7]}" if self.data_date else f"{self.label} (date inconnue)"


@dataclass(frozen=True)
class Version:
    """The directory in use: its number (0: none built yet), the sources in it, its counts."""

    number: int
    sources: tuple[SourceInfo, ...]
    suppliers_in: int
    suppliers_out: int
    merged: int
    built_at: str

    @property
    def is_empty(self) -> bool:
        return not self.sources


def _info(row: DirectorySource) -> SourceInfo:
    return SourceInfo(
        row.id, row.label, row.kind, row.filename, row.format_label, row.added_by, row.added_at.isoformat(),
        row.data_date, row.data_date_origin, row.licence, row.query, tuple(row.families or ()), dict(row.kinds or {}),
        row.rows_read, row.rows_loaded, row.rows_rejected, row.suppliers, row.state, row.uid,
    )  # fmt: skip


def _source_paths(root: Path, uid: str) -> tuple[Path, Path, Path]:
    """The source's suppliers, its import report, and its source rows verbatim (`raw_rows`)."""
    sources = root / "sources"
    return sources / f"{uid}.parquet", sources / f"{uid}.report.json", raw_path(sources / f"{uid}.parquet")


def _kinds_count(frame: pd.DataFrame) -> dict[str, int]:
    return frame["kinds"].explode().dropna().value_counts().astype(int).to_dict()


def _families(kinds: dict[str, int]) -> list[str]:
    return sorted({KIND_BY_CODE[k].family for k in kinds if k in KIND_BY_CODE})


def add_source(
    content: bytes,
    filename: str,
    *,
    label: str | None = None,
    data_date: str | None = None,
    added_by: str = LOCAL_USER,
    kind: str = "file",
    licence: str = "",
    query: str = "",
    progress: Progress | None = None,
    root: Path | None = None,
) -> SourceInfo:
    """Import a file as a source and publish a version with it. A source already in the store
    with the same label is replaced (one source per label). Raises ImportFailure / DateError
    (French messages) before anything is written; PermissionError when `added_by` does not
    administer the directory (`sourcing.roles`)."""
    roles.require_admin(added_by, "ajouter ou remplacer une source")
    progress = progress or _silent
    buyer_date = dates.parse_buyer_date(data_date)
    result = import_bytes(content, filename, progress=lambda f, m: progress(f * 0.6, m), source_date=NO_STATED_DATE)
    del content  # the file's bytes (400 MB at 1,000,000 rows): not needed past the import
    frame = result.directory
    stated = frame["source_date"].where(frame["source_date"] != NO_STATED_DATE)
    when, origin = dates.data_date(buyer_date, stated, filename)
    frame["source_date"] = stated.fillna(when) if when else stated
    label = (label or "").strip() or f"{result.report.format_label} – {Path(filename).name}"
    entry = _Entry(label, kind, Path(filename).name, added_by, when, origin, licence, query)
    stored = _store_source(frame, result.report, entry, root, result.raw)
    del frame, result  # on disk now: the build reads the source back, not these
    return _build_with(stored, entry, progress, root)


def add_frame(
    frame: pd.DataFrame,
    report: ImportReport,
    *,
    label: str,
    data_date: str,
    query: str,
    added_by: str = LOCAL_USER,
    kind: str = "fetch",
    licence: str = "",
    filename: str = "",
    date_origin: str = dates.ORIGIN_FETCH,
    progress: Progress | None = None,
    root: Path | None = None,
) -> SourceInfo:
    """Add an already-canonical directory (a live fetch: the normaliser's output and its report) as a
    source, through the same catalogue, merge and publish path as a file. `query` records what was
    asked and when; `data_date` is the fetch date. A source with the same label is replaced.
    Raises ValueError (French) on a frame that is not canonical, PermissionError when `added_by`
    does not administer the directory, before anything is written."""
    roles.require_admin(added_by, "ajouter ou remplacer une source")
    missing = [c for c in CANONICAL_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"Colonnes manquantes pour l'annuaire : {', '.join(missing)}.")
    when = dates.parse_buyer_date(data_date)
    if not (label or "").strip():
        raise ValueError("Donnez un nom à la source.")
    frame = frame.copy()
    frame["source_date"] = frame["source_date"].fillna(when)
    entry = _Entry(label.strip(), kind, filename, added_by, when, date_origin, licence, query)
    stored = _store_source(frame, report, entry, root)
    del frame
    return _build_with(stored, entry, progress or _silent, root)


@dataclass(frozen=True)
class _Entry:
    """What the catalogue records about a source beside its counts."""

    label: str
    kind: str
    filename: str
    added_by: str
    data_date: str | None
    date_origin: str
    licence: str
    query: str


@dataclass(frozen=True)
class _Stored:
    """A source written to the store and catalogued (pending), before the build that publishes it."""

    store: Path
    uid: str
    source_id: int
    replaced: list[int]


def _store_source(
    frame: pd.DataFrame, report: ImportReport, entry: _Entry, root: Path | None, raw: RawRows | None = None
) -> _Stored:
    """Write the source's files and catalogue it (replacing a source of the same label). A refused write
    (full disk, read-only folder): StoreWriteError (French), nothing left behind."""
    store = files.store_dir(root)
    uid = uuid.uuid4().hex
    parquet, report_path, raw_parquet = _source_paths(store, uid)
    try:
        parquet.parent.mkdir(parents=True, exist_ok=True)  # a folder store_dir could not make: the reason why
        files.write_parquet(frame, parquet)
        if raw is not None:
            raw.write_parquet(raw_parquet)
        files.atomic_write_bytes(report_path, json.dumps(report.to_dict(), ensure_ascii=False).encode())
    except OSError as exc:
        _forget_files(store, uid)
        raise faults.write_error(exc, store) from exc
    source_id, replaced = _catalogue_source(frame, report, entry, uid)
    return _Stored(store, uid, source_id, replaced)


def _build_with(stored: _Stored, entry: _Entry, progress: Progress, root: Path | None) -> SourceInfo:
    """Build and publish the version with the stored source. The build reads every source back from its
    files: the caller lets go of the imported frame first (at 1,000,000 rows it held 1.5 GB through the
    merge and the search index). A refused write: StoreWriteError (French), the catalogue put back."""
    progress(0.65, "Fusion avec les autres sources de l'annuaire")
    try:
        build(progress=lambda f, m: progress(0.65 + 0.35 * f, m), root=root)
    except (OSError, faults.SourceFilesUnusable) as exc:
        _undo_add(stored.source_id, stored.replaced)
        _forget_files(stored.store, stored.uid)
        if isinstance(exc, faults.SourceFilesUnusable):
            raise
        raise faults.write_error(exc, stored.store) from exc
    with session_scope() as session:  # recorded once the source is in the directory in use
        audit.record(session, entry.added_by, "source_added", entry.label, entry.filename or entry.query)
    return next(s for s in sources(root=root) if s.id == stored.source_id)


def _catalogue_source(frame: pd.DataFrame, report: ImportReport, entry: _Entry, uid: str) -> tuple[int, list[int]]:
    """The new source's row (pending), and the ids of the sources of the same label it replaces."""
    kinds = _kinds_count(frame)
    with session_scope() as session:
        replaced = []
        for old in session.scalars(select(DirectorySource).where(DirectorySource.label == entry.label)):
            old.state = "removing"  # replaced by the newer source of the same label
            replaced.append(old.id)
        row = DirectorySource(
            uid=uid, label=entry.label, kind=entry.kind, filename=entry.filename, format=report.format or "",
            format_label=report.format_label or "", added_by=entry.added_by, data_date=entry.data_date,
            data_date_origin=entry.date_origin, licence=entry.licence, query=entry.query,
            families=_families(kinds), kinds=kinds, rows_read=report.rows_read, rows_loaded=report.rows_loaded,
            rows_rejected=report.rows_rejected, suppliers=len(frame), state="pending",
        )  # fmt: skip
        session.add(row)
        session.flush()
        return row.id, replaced


def _undo_add(source_id: int, replaced: list[int]) -> None:
    """A build that could not be written: the catalogue as it was (the replaced sources active again)."""
    with session_scope() as session:
        row = session.get(DirectorySource, source_id)
        if row is not None:
            session.delete(row)
        for old_id in replaced:
            old = session.get(DirectorySource, old_id)
            if old is not None:
                old.state = "active"


def _forget_files(store: Path, uid: str) -> None:
    for path in _source_paths(store, uid):
        try:
            path.unlink(missing_ok=True)
        except OSError:  # a read-only folder: nothing was written there anyway
            pass


def remove_source(
    source_id: int, *, removed_by: str = LOCAL_USER, progress: Progress | None = None, root: Path | None = None
) -> None:
    """Remove a source: the next version is built without it (see `remove_sources`)."""
    remove_sources([source_id], removed_by=removed_by, progress=progress, root=root)


def remove_sources(
    source_ids: list[int], *, removed_by: str = LOCAL_USER, progress: Progress | None = None, root: Path | None = None
) -> None:
    """Remove sources in one new version (sources whose files are unusable go together: removed one by one,
    each build would still lack the others'). Unknown id: KeyError (French); PermissionError when
    `removed_by` does not administer the directory. A refused build puts every state back."""
    roles.require_admin(removed_by, "retirer une source")
    with session_scope() as session:
        rows = [session.get(DirectorySource, i) for i in source_ids]
        if None in rows:
            raise KeyError(f"Aucune source n° {source_ids[rows.index(None)]} dans l'annuaire.")
        previous = {r.id: r.state for r in rows}
        named = [(r.label, r.filename) for r in rows]
        for row in rows:
            row.state = "removing"
    try:
        build(progress=progress, root=root)
    except (OSError, faults.SourceFilesUnusable) as exc:
        with session_scope() as session:
            for source_id, state in previous.items():
                if (row := session.get(DirectorySource, source_id)) is not None:
                    row.state = state  # still in the directory in use
        if isinstance(exc, faults.SourceFilesUnusable):
            raise
        raise faults.write_error(exc, files.store_dir(root)) from exc
    with session_scope() as session:
        for label, filename in named:
            audit.record(session, removed_by, "source_removed", label, filename)


def sources(root: Path | None = None) -> list[SourceInfo]:
    """The sources of the directory, oldest added first (pending ones included, with their state)."""

    def listed(session) -> list[SourceInfo]:
        rows = session.scalars(select(DirectorySource).order_by(DirectorySource.id)).all()
        return [_info(r) for r in rows if r.state != "removing"]

    return read(listed)  # a read: still answered when the database refuses writes


def _wanted(session) -> list[DirectorySource]:
    return list(
        session.scalars(
            select(DirectorySource).where(DirectorySource.state.in_(("pending", "active"))).order_by(DirectorySource.id)
        )
    )


def _check_source_files(store: Path, rows: list[DirectorySource]) -> None:
    """Every source's file is there and its footer reads, before the build reads or writes anything:
    SourceFilesUnusable (French, naming each one and why) otherwise."""
    unusable = [(r.id, r.label, path, problem) for r in rows
                if (problem := files.parquet_problem(path := _source_paths(store, r.uid)[0]))]  # fmt: skip
    if unusable:
        raise faults.unusable_files_error(unusable, store)


def _load_inputs(store: Path, rows: list[DirectorySource], progress: Progress) -> list[SourceInput]:
    inputs = []
    for i, row in enumerate(rows):
        progress(0.1 + 0.4 * i / max(len(rows), 1), f"Lecture de la source « {row.label} »")
        path = _source_paths(store, row.uid)[0]
        try:  # canonical columns only: sources added before the raw rows were kept apart still hold them
            frame = files.read_parquet(path, columns=list(CANONICAL_COLUMNS))
        except OSError as exc:  # damaged past its footer (not ValueError: a column missing is a bug, not the file)
            raise faults.unusable_files_error([(row.id, row.label, path, files.UNREADABLE)], store) from exc
        inputs.append(
            SourceInput(row.id, SourceInfo.display.fget(_info(row)), row.format, row.data_date, row.id, frame)
        )
    return inputs


def build(*, progress: Progress | None = None, root: Path | None = None) -> Version:
    """Merge every wanted source into a new version, publish it, then settle the catalogue."""
    progress = progress or _silent
    store = files.store_dir(root)
    with files.build_lock(store):
        with session_scope() as session:
            rows = _wanted(session)
            snapshot = [(r.id, r.uid) for r in rows]
            infos = [_info(r) for r in rows]
        _check_source_files(store, rows)
        files.clean_leftovers(store)
        inputs = _load_inputs(store, rows, progress)
        progress(0.55, "Fusion des sources (même SIRET = même fournisseur)")
        merged = merge_sources(inputs)
        directory, contracts = contracts_store.annotate(merged.directory, root)  # public contracts won
        number = files.next_version_number(store)
        manifest = _manifest(number, infos, merged)
        progress(0.8, "Écriture de la nouvelle version de l'annuaire")
        files.publish_version(
            store, number, {"directory": directory, "provenance": merged.provenance,
                            "conflicts": merged.conflicts, contracts_store.VERSION_PART: contracts}, manifest,
        )  # fmt: skip
        _settle_catalogue(store, {sid for sid, _ in snapshot})
        files.clean_leftovers(store)
    progress(1.0, f"Annuaire à jour : {merged.suppliers_out} fournisseurs")
    return current_version(root)


def _manifest(number: int, infos: list[SourceInfo], merged: MergeResult) -> dict:
    return {
        "version": number,
        "built_at": pd.Timestamp.now(tz="UTC").isoformat(),
        "sources": [{**info.__dict__, "families": list(info.families), "display": info.display} for info in infos],
        "suppliers_in": merged.suppliers_in,
        "suppliers_out": merged.suppliers_out,
        "merged": merged.merged,
        "per_source": {str(k): int(v) for k, v in merged.per_source.items()},
    }


def _settle_catalogue(store: Path, published: set[int]) -> None:
    """After a publish: pending sources in it become active; removed ones are deleted with their files."""
    with session_scope() as session:
        for row in session.scalars(select(DirectorySource)):
            if row.id in published and row.state == "pending":
                row.state = "active"
            elif row.state == "removing" and row.id not in published:
                for path in _source_paths(store, row.uid):
                    path.unlink(missing_ok=True)
                session.delete(row)


def sync(root: Path | None = None) -> Version:
    """Make the catalogue and the current version agree (after a crash, or another process's
    change): rebuild when the wanted sources differ from the published ones."""
    store = files.store_dir(root)
    version = current_version(root)
    # A read (no write lock): a database that refuses writes still starts the app when all agrees.
    states = read(lambda session: {r.id: r.state for r in session.scalars(select(DirectorySource))})
    wanted = {i for i, state in states.items() if state in ("pending", "active")}
    published = {s.id for s in version.sources}
    if wanted != published or "removing" in states.values() or (version.number == 0 and wanted):
        return build(root=root)
    if "pending" in states.values():
        _settle_catalogue(store, published)
    return version


def current_version(root: Path | None = None) -> Version:
    """The version in use, from its manifest (cheap: a small file read)."""
    number = files.current_version(files.store_dir(root))
    return Version(0, (), 0, 0, 0, "") if number is None else version_info(number, root)


def version_info(number: int, root: Path | None = None) -> Version:
    """Any published version (the current one or one still kept), from its manifest."""
    manifest = files.read_manifest(files.store_dir(root), number)
    infos = tuple(
        SourceInfo(**{k: v for k, v in s.items() if k != "display"} | {"families": tuple(s["families"])})
        for s in manifest["sources"]
    )
    return Version(number, infos, manifest["suppliers_in"], manifest["suppliers_out"], manifest["merged"],
                   manifest["built_at"])  # fmt: skip


def current_number(root: Path | None = None) -> int:
    """The number of the version in use (0: none). One small file read: cheap at every rerun."""
    return files.current_version(files.store_dir(root)) or 0


def read_version(number: int, part: str = "directory", root: Path | None = None) -> pd.DataFrame:
    """One part of a published version: directory, provenance or conflicts."""
    path = files.version_dir(files.store_dir(root), number) / f"{part}.parquet"
    return files.read_parquet(path, lists=part == "directory")


def read_supplier(number: int, supplier_id: str, part: str = "directory", root: Path | None = None) -> pd.DataFrame:
    """One supplier's row of a version part, read with a filter (not the whole directory)."""
    import pyarrow.parquet as pq

    path = files.version_dir(files.store_dir(root), number) / f"{part}.parquet"
    return pq.read_table(path, filters=[("id", "=", str(supplier_id))]).to_pandas()


def source_report(source: SourceInfo, root: Path | None = None) -> dict | None:
    """The import report of a source (as `ImportReport.to_dict()`), None when its files are gone."""
    path = _source_paths(files.store_dir(root), source.uid)[1]
    return json.loads(path.read_text(encoding="utf-8")) if source.uid and path.exists() else None


def remove_all_files(root: Path | None = None) -> None:
    """Tests and `make clean`: forget the store on disk (the catalogue rows stay)."""
    shutil.rmtree(files.store_dir(root), ignore_errors=True)
