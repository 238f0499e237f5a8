"""Faults of the lists' database: it turns read-only. Every kind of list write is refused with a
French `DatabaseReadOnlyError` saying where (the SQLite file, the PostgreSQL server and base),
nothing of it is written, and what was saved stays readable (also through the page).

Really read-only, no mock: SQLite on a small tmpfs the test remounts read-only (as root, as
`make test` runs in CI); PostgreSQL with `default_transaction_read_only` set on the database or on
the app's role, as an operator does for maintenance. (PostgreSQL restarting: test_db_restart.py.)"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
import psycopg
import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from sourcing.db import audit, service
from sourcing.db.engine import database_url, dispose_engines, read, session_scope, upgrade_database
from sourcing.db.faults import DatabaseFullError, DatabaseReadOnlyError, DatabaseUnavailableError, translate
from sourcing.directory import load_any
from sourcing.store import service as store
from tests.helpers import LISTS_PAGE, open_page
from ui import texts as T

USER = "local"


@dataclass
class ReadOnlyDatabase:
    url: str
    where: str  # what the message must name
    list_id: int
    entry_id: int
    set_read_only: Callable[[bool], None]


@pytest.fixture(scope="module")
def directory() -> pd.DataFrame:
    frame = load_any(None)
    return frame[frame["siret"].notna()].reset_index(drop=True)


def _sqlite_on_tmpfs(tmp_path, monkeypatch) -> Iterator[tuple[str, str, Callable[[bool], None]]]:
    if os.geteuid() != 0:
        pytest.fail("the read-only SQLite test mounts a tmpfs: run it as root (as `make test` does in CI)")
    mount = tmp_path / "mnt"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)], check=True)
    monkeypatch.setenv("SOURCING_DB_PATH", str(mount / "sourcing.db"))

    def set_read_only(on: bool) -> None:
        dispose_engines()  # a folder with files open for writing cannot turn read-only
        subprocess.run(["mount", "-o", f"remount,{'ro' if on else 'rw'}", str(mount)], check=True)

    try:
        yield database_url(), str(mount / "sourcing.db"), set_read_only
    finally:
        dispose_engines()
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _postgres_database(
    server_url: str, monkeypatch, *, by_role: bool
) -> Iterator[tuple[str, str, Callable[[bool], None]]]:
    """A new database owned by its own role; read-only set on the database, or on the role."""
    server = make_url(server_url)
    name = f"ro{'r' if by_role else 'd'}{os.getpid()}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{name}"')
        conn.exec_driver_sql(f'CREATE ROLE "{name}" LOGIN')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" OWNER "{name}"')
    url = server.set(database=name, username=name).render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url)
    target = f'ROLE "{name}"' if by_role else f'DATABASE "{name}"'

    def set_read_only(on: bool) -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"ALTER {target} SET default_transaction_read_only = {'on' if on else 'off'}")
        dispose_engines()  # the setting applies to new sessions

    try:
        yield url, f"serveur PostgreSQL {server.host}:{server.port}, base « {name} »", set_read_only
    finally:
        dispose_engines()
        admin.dispose()


def saved_list(url: str, directory: pd.DataFrame, *, shared: bool = True) -> tuple[int, int]:
    """A migrated database with what a buyer saved: a list of two suppliers, a status, a note, a
    contact, a meeting, a share (an audited event; `shared=False`: none, so that `_writes`' share
    writes something); returns the list's and first entry's ids."""
    upgrade_database(url)
    with session_scope(url) as s:
        list_id = service.create_shortlist(s, USER, "Espaces verts").id
        service.add_suppliers(s, USER, list_id, directory.iloc[:2])
        entry_id = service.entries(s, USER, list_id)[0].id
        service.set_status(s, USER, entry_id, "contacté")
        service.set_notes(s, USER, entry_id, "Rappeler en janvier")
        service.add_contact(s, USER, entry_id, "téléphone", "Premier appel")
        service.create_meeting(s, USER, title="Rencontre", start=datetime(2027, 1, 12, 9), slot_minutes=20)
        if shared:
            service.share_shortlist(s, USER, list_id, "collegue@example.org")
    return list_id, entry_id


@pytest.fixture(params=["sqlite", "postgresql-database", "postgresql-role"])
def read_only_db(request, tmp_path, monkeypatch, directory) -> Iterator[ReadOnlyDatabase]:
    """A database with a saved list (two suppliers, a status, a note, a contact, a meeting), then
    made read-only."""
    if request.param == "sqlite":
        backend = _sqlite_on_tmpfs(tmp_path, monkeypatch)
    else:
        by_role = request.param == "postgresql-role"
        backend = _postgres_database(request.getfixturevalue("pg_server_url"), monkeypatch, by_role=by_role)
    url, where, set_read_only = next(backend)
    list_id, entry_id = saved_list(url, directory)
    set_read_only(True)
    yield ReadOnlyDatabase(url, where, list_id, entry_id, set_read_only)
    set_read_only(False)
    next(backend, None)


def _saved(session: Session) -> tuple:
    """What a buyer relies on: their lists, each list's rows, contacts and meetings."""
    lists = service.list_shortlists(session, USER)
    rows = [service.entries_frame(session, USER, i.id)[["id", "status", "notes", "version"]] for i in lists]
    contacts = [
        (c.channel, c.text)
        for i in lists
        for e in service.entries(session, USER, i.id)
        for c in service.contact_log(session, USER, e.id)
    ]
    meetings = [(m.title, m.start) for m in service.list_meetings(session, USER)]
    return [(i.name, i.entries) for i in lists], [r.to_dict("records") for r in rows], contacts, meetings


def _writes(db: ReadOnlyDatabase, rows: pd.DataFrame) -> dict[str, Callable[[Session], object]]:
    """Every kind of list write a buyer makes, each in its own transaction."""
    sid, eid = db.list_id, db.entry_id
    return {
        "create list": lambda s: service.create_shortlist(s, USER, "Nouvelle liste"),
        "add entry": lambda s: service.add_suppliers(s, USER, sid, rows),
        "status": lambda s: service.set_status(s, USER, eid, "invité"),
        "note": lambda s: service.set_notes(s, USER, eid, "Ne plus appeler"),
        "contact": lambda s: service.add_contact(s, USER, eid, "courriel", "Relance"),
        "meeting": lambda s: service.create_meeting(
            s, USER, title="Autre", start=datetime(2027, 2, 2, 9), slot_minutes=30, shortlist_id=sid
        ),
        "rename": lambda s: service.rename_shortlist(s, USER, sid, "Espaces verts 2027"),
        "duplicate": lambda s: service.duplicate_shortlist(s, USER, sid),
        "share": lambda s: service.share_shortlist(s, USER, sid, "collegue@example.org"),
        "remove entry": lambda s: service.remove_entry(s, USER, eid),
        "delete list": lambda s: service.delete_shortlist(s, USER, sid, confirm=True),
    }


def test_every_list_write_is_refused_in_french_naming_where(read_only_db, directory):
    db = read_only_db
    before = read(_saved, url=db.url)
    assert before[0] == [("Espaces verts", 2)]  # saved before: still readable
    for kind, write in _writes(db, directory.iloc[5:7]).items():
        with pytest.raises(DatabaseReadOnlyError) as refused, session_scope(db.url) as s:
            write(s)
        message = str(refused.value)
        assert "refuse les écritures" in message and "lecture seule" in message, kind
        assert db.where in message, kind
        assert "n'a pas été enregistrée" in message and "restent consultables" in message, kind
        assert read(_saved, url=db.url) == before, f"{kind}: something was half-written"


def test_app_starts_on_a_read_only_database_and_writes_again_once_writable(read_only_db, directory):
    db = read_only_db
    upgrade_database(db.url)  # the schema is current: starting the app needs no write
    db.set_read_only(False)
    with session_scope(db.url) as s:
        service.add_suppliers(s, USER, db.list_id, directory.iloc[5:6])
    assert read(_saved, url=db.url)[0] == [("Espaces verts", 3)]
    db.set_read_only(True)


def test_the_page_shows_the_saved_list_and_refuses_a_new_one_in_french(read_only_db):
    db = read_only_db
    at = open_page(LISTS_PAGE)
    assert any("Espaces verts" in option for option in at.selectbox(key="shortlist_pick").options)
    at.text_input(key="new_list_name").input("Nettoyage")
    at.button(key=f"FormSubmitter:new_list-{T.LIST_CREATE}").click().run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "refuse les écritures" in errors and db.where in errors
    assert [i.name for i in read(service.list_shortlists, USER, url=db.url)] == ["Espaces verts"]


def test_the_directory_catalogue_and_the_audit_trail_stay_readable(read_only_db):
    assert store.sources() == []  # the directory page lists its sources from the database
    events = audit.recent_events(USER, url=read_only_db.url)
    assert [(e.action, e.subject, e.detail) for e in events] == [
        ("list_shared", "Espaces verts", "collegue@example.org")
    ]


# --- Which driver errors are which fault (every class of case) ---------------------------------

SQLITE_URL = "sqlite:////srv/sourcing/sourcing.db"
PG_URL = "postgresql+psycopg://sourcing:secret@db.example.fr:5433/listes"


def _sqlite_error(code: int) -> DBAPIError:
    orig = sqlite3.OperationalError("driver text")
    orig.sqlite_errorcode = code
    return OperationalError("COMMIT", None, orig)


def _pg_error(sqlstate: str | None, *, invalidated: bool = False) -> DBAPIError:
    orig = psycopg.errors.lookup(sqlstate)() if sqlstate else psycopg.OperationalError("connection refused")
    wrapper = OperationalError if isinstance(orig, psycopg.OperationalError) else DBAPIError
    return wrapper("INSERT", None, orig, connection_invalidated=invalidated)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (8, DatabaseReadOnlyError),  # SQLITE_READONLY
        (8 | (1 << 8), DatabaseReadOnlyError),  # SQLITE_READONLY_RECOVERY, any extended read-only code
        (8 | (6 << 8), DatabaseReadOnlyError),  # SQLITE_READONLY_DIRECTORY
        (13, DatabaseFullError),  # SQLITE_FULL: the disk under the file is full
        (5, DatabaseUnavailableError),  # SQLITE_BUSY after the busy timeout
        (6, DatabaseUnavailableError),  # SQLITE_LOCKED
        (14, DatabaseUnavailableError),  # SQLITE_CANTOPEN, the folder being writable
        (19, type(None)),  # SQLITE_CONSTRAINT: not a fault, keeps its own type
        (1, type(None)),  # SQLITE_ERROR (a bug)
    ],
)
def test_sqlite_errors_are_classified(code, expected, tmp_path):
    fault = translate(_sqlite_error(code), f"sqlite:///{tmp_path / 'sourcing.db'}")
    assert type(fault) is expected
    if fault is not None:
        assert str(tmp_path / "sourcing.db") in str(fault) and not getattr(fault, "maybe_saved", False)


@pytest.mark.parametrize(
    ("sqlstate", "invalidated", "committing", "expected", "maybe_saved"),
    [
        ("25006", False, False, DatabaseReadOnlyError, False),  # read_only_sql_transaction
        ("25006", False, True, DatabaseReadOnlyError, False),
        ("53100", False, False, DatabaseFullError, False),  # disk_full: could not extend a table
        ("53100", False, True, DatabaseFullError, False),  # ... at COMMIT: rolled back, not saved
        (None, False, False, DatabaseUnavailableError, False),  # refused at connect
        ("57P01", True, False, DatabaseUnavailableError, False),  # admin shutdown, mid-transaction
        ("57P01", True, True, DatabaseUnavailableError, True),  # ... during COMMIT: maybe saved
        ("57P03", False, False, DatabaseUnavailableError, False),  # starting up
        ("08006", True, True, DatabaseUnavailableError, True),  # connection failure during COMMIT
        ("23505", False, True, type(None), False),  # unique violation: not a fault
        ("40001", False, True, type(None), False),  # serialization failure: the caller's matter
    ],
)
def test_postgresql_errors_are_classified(sqlstate, invalidated, committing, expected, maybe_saved):
    fault = translate(_pg_error(sqlstate, invalidated=invalidated), PG_URL, committing=committing)
    assert type(fault) is expected
    if fault is not None:
        assert "serveur PostgreSQL db.example.fr:5433, base « listes »" in str(fault)
        assert "secret" not in str(fault) and "sourcing:" not in str(fault)  # never the credentials
        assert getattr(fault, "maybe_saved", False) is maybe_saved


def test_the_command_line_says_it_in_french_too(read_only_db, capsys):
    from sourcing.cli import EXIT_DATABASE, main

    assert main(["shortlist", "create", "Nouvelle liste"]) == EXIT_DATABASE
    err = capsys.readouterr().err
    assert err.startswith("Erreur : La base de données des listes refuse les écritures")
    assert read_only_db.where in err and "Traceback" not in err
