"""Faults of the lists' database: the disk under it fills up. A write that needs room is refused
with a French `DatabaseFullError` saying the disk is full and where (the SQLite file, the
PostgreSQL server and base), nothing of it is written, what was saved stays readable, and writes
succeed again once room is freed.

Really full, no mock: a small tmpfs filled to its last byte by a filler file (as root, as
`make test` runs in CI). SQLite keeps its file there. PostgreSQL keeps the test database in a
tablespace there (its WAL stays on the server's own disk: a full WAL disk stops the whole server,
which is the "unavailable" case of test_db_restart.py); a write that must grow a table is refused
(`could not extend file`, SQLSTATE 53100), while one that fits in a page already there may succeed
— nothing is lost either way."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from sourcing.db import service
from sourcing.db.engine import database_url, dispose_engines, read, session_scope
from sourcing.db.faults import DatabaseFullError
from sourcing.directory import load_any
from tests.helpers import LISTS_PAGE, open_page
from tests.test_db_faults import USER, ReadOnlyDatabase, _saved, _writes, saved_list
from ui import texts as T


@dataclass
class FullDisk:
    url: str
    where: str  # what the message must name
    list_id: int
    entry_id: int
    mount: Path

    def fill(self) -> None:
        """Write a filler file until the disk refuses a single byte more."""
        with open(self.mount / "filler", "ab", buffering=0) as filler:
            for chunk in (1 << 20, 1 << 16, 1 << 12, 1 << 9, 1):
                try:
                    while True:
                        filler.write(b"\0" * chunk)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC
        assert os.statvfs(self.mount).f_bavail == 0

    def free(self) -> None:
        (self.mount / "filler").unlink()


@pytest.fixture(scope="module")
def directory() -> pd.DataFrame:
    frame = load_any(None)
    return frame[frame["siret"].notna()].reset_index(drop=True)


def _tmpfs(size: str, owner: str | None = None) -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.fail("the full-disk tests mount a tmpfs: run them as root (as `make test` does in CI)")
    # Under /tmp itself, not pytest's tmp_path (mode 700, root's): PostgreSQL runs as `postgres`.
    parent = Path(tempfile.mkdtemp(prefix="full-disk-", dir="/tmp"))
    parent.chmod(0o755)
    mount = parent / "mnt"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(mount)], check=True)
    if owner:
        shutil.chown(mount, owner, owner)
    try:
        yield mount
    finally:
        dispose_engines()
        subprocess.run(["umount", "-l", str(mount)], check=False)
        shutil.rmtree(parent, ignore_errors=True)


def _sqlite(monkeypatch) -> Iterator[tuple[str, str, Path]]:
    for mount in _tmpfs("4m"):
        monkeypatch.setenv("SOURCING_DB_PATH", str(mount / "sourcing.db"))
        yield database_url(), f"fichier {mount / 'sourcing.db'}", mount


def _postgres(server_url: str, monkeypatch) -> Iterator[tuple[str, str, Path]]:
    server = make_url(server_url)
    name = f"full{os.getpid()}"
    for mount in _tmpfs("24m", owner="postgres"):
        admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
            conn.exec_driver_sql(f'DROP TABLESPACE IF EXISTS "{name}"')
            conn.exec_driver_sql(f"CREATE TABLESPACE \"{name}\" LOCATION '{mount}'")
            conn.exec_driver_sql(f'CREATE DATABASE "{name}" TABLESPACE "{name}"')
        url = server.set(database=name).render_as_string(hide_password=False)
        monkeypatch.setenv("DATABASE_URL", url)
        try:
            yield url, f"serveur PostgreSQL {server.host}:{server.port}, base « {name} »", mount
        finally:
            dispose_engines()
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
                conn.exec_driver_sql(f'DROP TABLESPACE IF EXISTS "{name}"')
            admin.dispose()


def _filled(backend: Iterator[tuple[str, str, Path]], directory: pd.DataFrame) -> Iterator[FullDisk]:
    """A database with a saved list (see `saved_list`) on a disk then filled."""
    url, where, mount = next(backend)
    list_id, entry_id = saved_list(url, directory, shared=False)  # sharing again writes nothing
    disk = FullDisk(url, where, list_id, entry_id, mount)
    disk.fill()
    yield disk
    next(backend, None)


@pytest.fixture(params=["sqlite", "postgresql"])
def full_disk(request, monkeypatch, directory) -> Iterator[FullDisk]:
    if request.param == "sqlite":
        yield from _filled(_sqlite(monkeypatch), directory)
    else:
        yield from _filled(_postgres(request.getfixturevalue("pg_server_url"), monkeypatch), directory)


@pytest.fixture
def sqlite_full_disk(monkeypatch, directory) -> Iterator[FullDisk]:
    """SQLite appends every change to its WAL file: on a full disk, every write is refused."""
    yield from _filled(_sqlite(monkeypatch), directory)


def _assert_full_message(message: str, where: str) -> None:
    assert "disque" in message and "plein" in message, message
    assert where in message, message
    assert "n'a pas été enregistrée" in message and "n'est pas perdu" in message, message
    assert "libérer de la place" in message, message


def test_sqlite_every_list_write_is_refused_in_french_and_nothing_is_half_written(sqlite_full_disk, directory):
    full_disk = sqlite_full_disk
    before = read(_saved, url=full_disk.url)
    assert before[0] == [("Espaces verts", 2)]  # saved before the disk filled: still readable
    ids = ReadOnlyDatabase(full_disk.url, full_disk.where, full_disk.list_id, full_disk.entry_id, lambda on: None)
    for kind, write in _writes(ids, directory.iloc[5:7]).items():
        with pytest.raises(DatabaseFullError) as refused, session_scope(full_disk.url) as s:
            write(s)
        _assert_full_message(str(refused.value), full_disk.where)
        assert read(_saved, url=full_disk.url) == before, f"{kind}: something was half-written"


def test_a_write_that_needs_room_is_refused_then_succeeds_once_room_is_freed(full_disk, directory):
    before = read(_saved, url=full_disk.url)
    many = directory.iloc[10:1510]  # 1,500 suppliers: the entries table must grow, on any backend
    with pytest.raises(DatabaseFullError) as refused, session_scope(full_disk.url) as s:
        service.add_suppliers(s, USER, full_disk.list_id, many)
    _assert_full_message(str(refused.value), full_disk.where)
    assert read(_saved, url=full_disk.url) == before  # none of the 1,500, not a part of them
    full_disk.free()
    with session_scope(full_disk.url) as s:
        service.add_suppliers(s, USER, full_disk.list_id, many)
    assert read(_saved, url=full_disk.url)[0] == [("Espaces verts", 2 + len(many))]


def test_the_command_line_says_the_disk_is_full_in_french(sqlite_full_disk, capsys):
    from sourcing.cli import EXIT_DATABASE, main

    full_disk = sqlite_full_disk
    assert main(["shortlist", "create", "Nouvelle liste"]) == EXIT_DATABASE
    err = capsys.readouterr().err
    assert err.startswith("Erreur : Le disque de la base de données des listes est plein")
    assert full_disk.where in err and "Traceback" not in err


def test_the_lists_page_shows_the_saved_list_and_says_the_disk_is_full(sqlite_full_disk):
    at = open_page(LISTS_PAGE)
    assert any("Espaces verts" in option for option in at.selectbox(key="shortlist_pick").options)
    at.text_input(key="new_list_name").input("Nettoyage")
    at.button(key=f"FormSubmitter:new_list-{T.LIST_CREATE}").click().run()
    assert not at.exception
    _assert_full_message(" ".join(e.value for e in at.error), sqlite_full_disk.where)
    assert [i.name for i in read(service.list_shortlists, USER, url=sqlite_full_disk.url)] == ["Espaces verts"]
