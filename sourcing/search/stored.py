"""A `SearchIndex` kept on disk next to the directory it indexes, so a new process searches at once.

`SearchIndex.build` takes seconds at a million suppliers (words cut and sorted, categories
factorised...); what it computes is arrays and short lists of keys. A store version gets its index
when it is published (`save_for_version`); a version published before that, or a Parquet file named
on the command line, gets it at its first search (`load_or_build`). `save` writes them in a folder
(one ``.npy`` per array, the keys in ``keys.json``) with the directory itself as an Arrow IPC file;
`load` maps the arrays read-only (`numpy.load(mmap_mode="r")`: nothing is read before a query
touches it) and leaves the directory on disk: the few result rows a search shows are taken from the
memory-mapped Arrow file, the whole table is only converted to pandas when some code asks for
``index.frame`` (the app does, the CLI does not).

The folder is written under a temporary name and renamed into place: readers see a complete
index or none. `FORMAT` changes when the layout or `SearchIndex` changes; an index of another
format is rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from sourcing.search.flatlist import CHART_LISTS, FlatList
from sourcing.search.index import SearchIndex
from sourcing.search.postings import Category, Postings, Vocabulary

FORMAT = 2  # 2: the directory's Arrow file in record batches of BATCH_ROWS rows
# A search reads the record batches of the rows it shows (pread), not pages of a mapped file: on a
# kernel that maps page-cache folios of megabytes, 50 rows spread over a 1,000,000-row table made the
# first query of a process fault in most of the file (0.4 s); 50 batches of 256 rows are ~10 MB read.
BATCH_ROWS = 256
# More rows than this: one take on the whole mapped table. Reading by record batch costs about 85 µs a
# row (a batch read and a slice each), the mapped take about 80 ms whatever the count (999,000 rows in
# 3,903 chunks; after the map's take of the same query, page cache cold or warm): they meet near 1,000
# rows, so the search page's table of 2,000 rows takes the mapped path (160 -> 80 ms per new query) and the
# CLI's 50 rows the batches (2.5 ms, where a cold process would fault in most of the file).
FEW_ROWS = 1_000
INDEX_FOLDER = "search-index"
TABLE_FILE = "directory.arrow"
_POSTINGS = ("sectors", "area_departments", "area_regions")
_VOCABULARIES = ("words", "label_words")
_CATEGORIES = ("naf", "departments", "regions", "epcis", "headcounts")
# The charts' list columns are kept flattened (`FlatList`): a new process reads them instead of flattening
# a million lists (0.7-0.85 s of its first page at 1,000,000 suppliers). Optional: an index saved without
# them (before 2026-12-03) flattens them at first use.
FLAT_LISTS = CHART_LISTS


def index_dir(version_folder: Path) -> Path:
    return Path(version_folder) / INDEX_FOLDER


def save(index: SearchIndex, folder: Path, stamp: str | None = None) -> Path:
    """Write ``index`` (and its directory) to ``folder``, atomically; returns ``folder``."""
    folder = Path(folder)
    tmp = folder.with_name(f".{folder.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    keys: dict[str, object] = {"format": FORMAT, "stamp": stamp, "rows": len(index), "batch_rows": BATCH_ROWS}
    keys["area_radius_reach"] = index.area_radius_reach
    arrays: dict[str, np.ndarray] = {}
    for f in fields(SearchIndex):
        value = getattr(index, f.name) if f.name != "frame" else None
        if isinstance(value, np.ndarray):
            arrays[f.name] = value
    for name in (*_POSTINGS, *(f"{v}" for v in _VOCABULARIES)):
        postings = getattr(index, name).postings if name in _VOCABULARIES else getattr(index, name)
        keys[name] = postings.keys
        arrays[f"{name}.offsets"], arrays[f"{name}.rows"] = postings.offsets, postings.rows
    for name in _VOCABULARIES:
        arrays[f"{name}.lengths"] = getattr(index, name).lengths
    for name in _CATEGORIES:
        keys[name] = getattr(index, name).uniques
        arrays[f"{name}.codes"] = getattr(index, name).codes
    keys["label_sectors"] = [a.tolist() for a in index.label_sectors]
    handled = {*arrays, *keys, "frame", "build_seconds"}
    unknown = [f.name for f in fields(SearchIndex) if f.name not in handled]
    if unknown:  # a new part of the index: teach save and load about it (and bump FORMAT)
        raise TypeError(f"SearchIndex fields not saved: {', '.join(unknown)}")
    try:
        table = _write_table(index.frame, tmp / TABLE_FILE)
        keys["flat_lists"] = {}
        for name in (n for n in FLAT_LISTS if n in table.column_names):
            flat = FlatList.of_arrow(table.column(name))
            arrays[f"flat.{name}.rows"], arrays[f"flat.{name}.codes"] = flat.rows, flat.codes
            keys["flat_lists"][name] = flat.values.tolist()
        del table
        for name, array in arrays.items():
            np.save(tmp / f"{name}.npy", np.ascontiguousarray(array), allow_pickle=False)
        (tmp / "keys.json").write_text(json.dumps(keys, ensure_ascii=False), encoding="utf-8")
    except BaseException:  # a full disk, say: no part of an index left beside the directory's files
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    shutil.rmtree(folder, ignore_errors=True)
    try:
        os.rename(tmp, folder)
    except OSError:  # another process put its copy in place first: the same index
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


def _write_table(frame: pd.DataFrame, path: Path) -> pa.Table:
    """Write the directory as the index's Arrow file; returns the table written."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table, max_chunksize=BATCH_ROWS)
    return table


def load(
    folder: Path, frame_loader: Callable[[], pd.DataFrame] | None = None, stamp: str | None = None
) -> SearchIndex | None:
    """The index saved in ``folder``, arrays memory-mapped; None when missing or of another format.

    ``frame_loader`` gives the directory when some code reads ``index.frame`` (default: the Arrow
    file of the folder, converted as the store reads a version: list columns as lists). With
    ``stamp``, an index saved with another stamp (its directory file changed since) is not loaded."""
    folder = Path(folder)
    try:
        keys = json.loads((folder / "keys.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if keys.get("format") != FORMAT or (stamp is not None and keys.get("stamp") != stamp):
        return None

    def array(name: str) -> np.ndarray:
        # A plain ndarray over the mapped file: numpy.memmap's subclass hooks cost on every small slice.
        return np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False).view(np.ndarray)

    parts: dict[str, object] = {}
    for f in fields(SearchIndex):
        if (folder / f"{f.name}.npy").exists():
            parts[f.name] = array(f.name)
    for name in _POSTINGS:
        parts[name] = Postings(keys[name], array(f"{name}.offsets"), array(f"{name}.rows"))
    for name in _VOCABULARIES:
        postings = Postings(keys[name], array(f"{name}.offsets"), array(f"{name}.rows"))
        parts[name] = Vocabulary(postings, array(f"{name}.lengths"))
    for name in _CATEGORIES:
        parts[name] = Category(array(f"{name}.codes"), keys[name])
    parts["label_sectors"] = [np.asarray(a, dtype=np.int64) for a in keys["label_sectors"]]
    parts["area_radius_reach"] = float(keys["area_radius_reach"])
    table, batches = _open_table(folder / TABLE_FILE), _Batches(folder / TABLE_FILE, int(keys["batch_rows"]))
    batches.open()  # the file's footer, read now: loading, not the first query

    rows = _Rows(table, batches)
    parts["_hold"] = rows.hold
    parts["_take_table"] = rows.take_table
    parts["_held"] = rows.held_names
    parts["_column"] = lambda name: _directory_column(table(), name)
    parts["_arrow_column"] = lambda name: table().column(name) if name in table().column_names else None
    flat_values: dict[str, list] = keys.get("flat_lists") or {}

    def flat_list(name: str) -> FlatList | None:
        if name not in flat_values:
            return None
        # Read, not mapped: every count goes over all of them, and faulting in 60 MB of mapped pages cost
        # the first count 0.35 s at 1,000,000 suppliers, against 30 ms to read them (the memory is the
        # same as flattening them in the process).
        rows, codes = (np.load(folder / f"flat.{name}.{part}.npy", allow_pickle=False) for part in ("rows", "codes"))
        return FlatList(rows, codes, np.array(flat_values[name], dtype=object))

    parts["_flat_list"] = flat_list
    return SearchIndex.lazy(parts, rows=int(keys["rows"]), take=rows.take,
                            load_frame=frame_loader or (lambda: _as_directory(table().combine_chunks())))  # fmt: skip


class _Rows:
    """Rows of a saved index's table: from the columns held in memory (`SearchIndex.hold_columns`, one
    chunk each), else from the mapped file (a few rows by record batch, many by one take)."""

    def __init__(self, table: Callable[[], pa.Table], batches: _Batches) -> None:
        self.table, self.batches = table, batches
        self.held: list[pa.Table] = []  # at most one table, replaced whole (see `hold`)

    def held_names(self) -> tuple[str, ...]:
        return tuple(self.held[0].column_names) if self.held else ()

    def _from_file(self, rows: np.ndarray, columns: list[str] | None) -> pa.Table:
        if len(rows) > FEW_ROWS:
            return _columns(self.table(), columns).take(pa.array(rows))
        return _columns(self.batches.rows(rows, columns), columns)

    def take_table(self, rows: np.ndarray, columns: list[str] | None) -> pa.Table:
        """``rows`` (file row numbers, in that order) with ``columns`` (all without), as Arrow."""
        rows = np.asarray(rows, dtype=np.int64)
        kept = self.held[0] if self.held and columns is not None else None
        wanted = list(dict.fromkeys(columns or ()))
        from_kept = [] if kept is None else [c for c in wanted if c in kept.column_names]
        if not from_kept:
            return self._from_file(rows, columns)
        taken = kept.select(from_kept).take(pa.array(rows))
        rest = [c for c in wanted if c not in from_kept and c in self.table().column_names]
        if rest:
            other = self._from_file(rows, rest)
            for name in rest:
                taken = taken.append_column(other.schema.field(name), other.column(name))
        return _columns(taken, wanted)

    def take(self, rows: np.ndarray, columns: list[str] | None) -> pd.DataFrame:
        """The same rows as the directory's DataFrame, indexed by their row numbers."""
        rows = np.asarray(rows, dtype=np.int64)
        return _rows_frame(self.take_table(rows, columns), rows)

    def hold(self, columns: list[str]) -> None:
        kept = self.held[0] if self.held else None
        have = () if kept is None else kept.column_names
        new = [c for c in dict.fromkeys(columns) if c in self.table().column_names and c not in have]
        if not new:  # held already, or not a column of the table (the search's distance)
            return
        part = _columns(self.table(), new).combine_chunks()
        if kept is None:
            self.held.append(part)
            return
        for name in part.column_names:
            kept = kept.append_column(part.schema.field(name), part.column(name))
        self.held[0] = kept  # one assignment: a take running meanwhile reads the old table or the new one


def _directory_column(table: pa.Table, name: str) -> pd.Series | None:
    """One column of the mapped table as the whole frame would hold it (None when missing)."""
    if name not in table.column_names:
        return None
    return _as_directory(table.select([name]).combine_chunks())[name]


def _open_table(path: Path) -> Callable[[], pa.Table]:
    """The Arrow file, memory-mapped at the first call (zero copy)."""
    opened: list[pa.Table] = []

    def table() -> pa.Table:
        if not opened:
            opened.append(pa.ipc.open_file(pa.memory_map(str(path), "r")).read_all())
        return opened[0]

    return table


def _as_directory(table: pa.Table) -> pd.DataFrame:
    """The table as the store reads a version: list columns as Python lists ([] for none), made by
    Arrow in one pass per column (cell by cell from numpy arrays: 30 s for a million rows)."""
    from sourcing.model import LIST_COLUMNS

    lists = [c for c in LIST_COLUMNS if c in table.column_names]
    frame = table.drop_columns(lists).to_pandas()
    for name in lists:
        cells = table.column(name).to_pylist()
        frame[name] = pd.Series([[] if v is None else v for v in cells], index=frame.index, dtype=object)
    return frame[table.column_names]


class _Batches:
    """The rows of the Arrow file read by record batch (only the batches holding them, and only the
    columns asked for: the file is opened once per set of columns)."""

    def __init__(self, path: Path, batch_rows: int) -> None:
        self.path, self.batch_rows = path, batch_rows
        self._readers: dict[tuple[str, ...] | None, pa.ipc.RecordBatchFileReader] = {}

    def open(self) -> None:
        """Read the file's footer and schema, and make pandas ready for Arrow tables (its first
        conversion in a process costs ~10 ms): a cold process's first query pays neither."""
        if None not in self._readers:
            self._readers[None] = pa.ipc.open_file(pa.OSFile(str(self.path)))
            self._readers[None].schema.empty_table().to_pandas()

    def _reader(self, columns: list[str] | None) -> pa.ipc.RecordBatchFileReader:
        self.open()
        names = self._readers[None].schema.names
        key = None if columns is None else tuple(sorted({c for c in columns if c in names}, key=names.index))
        if key not in self._readers:
            options = pa.ipc.IpcReadOptions(included_fields=[names.index(c) for c in key])
            self._readers[key] = pa.ipc.open_file(pa.OSFile(str(self.path)), options=options)
        return self._readers[key]

    def rows(self, rows: np.ndarray, columns: list[str] | None = None) -> pa.Table:
        """A table of ``rows``, in that order (row ``i`` of the result is file row ``rows[i]``), with
        ``columns`` at least (all without)."""
        reader = self._reader(columns)
        read: dict[int, pa.RecordBatch] = {}
        picked = []
        for row in np.asarray(rows, dtype=np.int64).tolist():
            number, offset = divmod(row, self.batch_rows)
            if number not in read:
                read[number] = reader.get_batch(number)
            picked.append(read[number].slice(offset, 1))
        if not picked:
            return self._readers[None].schema.empty_table()
        return pa.Table.from_batches(picked).combine_chunks()


def _columns(table: pa.Table, columns: list[str] | None) -> pa.Table:
    """``table[columns]`` (all without ``columns``)."""
    if columns is None:
        return table
    table = table.select([c for c in dict.fromkeys(columns) if c in table.column_names])
    return table.replace_schema_metadata(None)  # the pandas metadata of every column costs ms per call


def _rows_frame(table: pa.Table, rows: np.ndarray) -> pd.DataFrame:
    """The taken rows as the directory's DataFrame, indexed by their row numbers."""
    frame = _as_directory(table)
    frame.index = pd.Index(rows)
    return frame


def load_or_build(
    folder: Path,
    load_directory: Callable[[], pd.DataFrame],
    *,
    stamp: str | None = None,
    frame_loader: Callable[[], pd.DataFrame] | None = None,
) -> SearchIndex:
    """The index saved in ``folder`` (with ``stamp``); else built from ``load_directory()`` and saved
    there (a folder that cannot be written only costs the next process a rebuild)."""
    found = load(folder, frame_loader, stamp)
    if found is not None:
        return found
    index = SearchIndex.build(load_directory())
    try:
        save(index, folder, stamp)
    except OSError:
        pass
    return index


def save_for_version(version_folder: Path) -> Path:
    """Build and save the index of a store version's directory (`sourcing.store.files.publish_version`
    calls it before the version is published, so no buyer pays for the build). The directory is read
    back from its Parquet file: the index is the one a search would build (list cells stay Arrow's numpy
    arrays, half the reading time; the index and the saved table are the same as with Python lists)."""
    from sourcing.store.files import read_parquet

    parquet = Path(version_folder) / "directory.parquet"
    index = SearchIndex.build(read_parquet(parquet))
    return save(index, index_dir(version_folder), file_stamp(parquet))


def file_stamp(path: Path) -> str:
    """Changes when the file does (size and modification time)."""
    info = Path(path).stat()
    return f"{info.st_size}-{info.st_mtime_ns}"


def index_of(path: str | Path | None, load_directory: Callable[[str | Path | None], pd.DataFrame]) -> SearchIndex:
    """The index of a directory as the CLI names it (`sourcing.directory.load_any`): None for the
    team's directory (saved in its store version, or next to the demo's cache), a Parquet file
    (saved in the cache folder), anything else built in memory. ``load_directory(path)`` reads it."""
    if path is None:
        parquet, folder = current_paths()
        return load_or_build(folder, lambda: load_directory(path), stamp=file_stamp(parquet))
    from sourcing.directory import cache_dir, is_parquet  # (its imports: not needed for the team's directory)

    if is_parquet(path):
        parquet = Path(path).resolve()
        key = hashlib.sha1(str(parquet).encode()).hexdigest()[:16]
        folder = cache_dir() / "search-index" / key
    else:
        return SearchIndex.build(load_directory(path))
    return load_or_build(folder, lambda: load_directory(path), stamp=file_stamp(parquet))


def current_paths() -> tuple[Path, Path]:
    """The team's directory file (the store's current version, or the demo's cache while the store
    has no source) and where its index is kept."""
    from sourcing.store import files

    store = files.store_dir()
    number = files.current_version(store)
    if number is None:
        # No usable version: the catalogue (the database) says whether there should be one. Sources there
        # but the version lost: rebuilt from them, as the app does at start; sources' files lost with the
        # folder: SourceFilesUnusable, never the demo's results given as the team's. Only on this path
        # (the demo, or a folder in trouble) does a search open the database (brought to its schema first,
        # as the app's start and every other command do).
        from sourcing.db import upgrade_database
        from sourcing.store import service

        upgrade_database()
        number = service.sync().number or None
    if number is not None and files.read_manifest(store, number).get("sources"):
        folder = files.version_dir(store, number)
        return folder / "directory.parquet", index_dir(folder)
    from sourcing.directory import demo_parquet

    parquet = demo_parquet()
    return parquet, parquet.with_suffix(".search-index")
