"""Persistence of shortlists and meetings, on SQLite and on a real (throwaway) PostgreSQL."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from datetime import datetime

import pandas as pd
import pytest
from sqlalchemy import inspect, select, text

from sourcing.db import service
from sourcing.db.engine import MIGRATIONS_DIR, database_url, get_engine, session_scope, upgrade_database
from sourcing.db.models import STATUSES, ContactLog, ShortlistEntry
from sourcing.directory import load_any
from sourcing.model import CANONICAL_COLUMNS
from tests.helpers import PROJECT_DIR

TABLES = {"shortlists", "shortlist_shares", "shortlist_entries", "contact_logs", "meetings", "meeting_invites"}


@pytest.fixture(scope="module")
def directory() -> pd.DataFrame:
    """The demo directory, as the app loads it (list columns as numpy arrays from Parquet)."""
    frame = load_any(None)
    return frame[frame["siret"].notna()].reset_index(drop=True)


def _create(url: str, user: str, name: str) -> int:
    with session_scope(url) as s:
        return service.create_shortlist(s, user, name).id


# --- Configuration ---------------------------------------------------------------------------


def test_database_url_from_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SOURCING_DB_PATH", raising=False)
    assert database_url() == f"sqlite:///{PROJECT_DIR / '.cache' / 'sourcing.db'}"
    monkeypatch.setenv("SOURCING_DB_PATH", str(tmp_path / "x.db"))
    assert database_url() == f"sqlite:///{tmp_path / 'x.db'}"
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.example/sourcing")
    assert database_url() == "postgresql+psycopg://u:p@db.example/sourcing"


def test_sqlite_pragmas(tmp_path):
    url = f"sqlite:///{tmp_path / 'p.db'}"
    with get_engine(url).connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


# --- Migrations ----------------------------------------------------------------------------------


def test_migrations_create_tables_and_are_idempotent(db_url):
    """db_url is already upgraded once: a second and third run change nothing."""
    engine = get_engine(db_url)
    assert TABLES <= set(inspect(engine).get_table_names())
    sid = _create(db_url, "local", "Gardée")
    upgrade_database(db_url)
    upgrade_database(db_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [_head_revision()]
    with session_scope(db_url) as s:
        assert [i.id for i in service.list_shortlists(s, "local")] == [sid]


def _alembic_config():
    """Alembic's configuration as the `alembic` command line builds it: env.py then connects to
    `database_url()` itself."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def _head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def test_upgrade_from_first_schema_keeps_saved_work(tmp_path, monkeypatch):
    """A database left by the first release (schema 0001) upgrades in place: lists, meetings and
    invitations survive; invitations made before the upgrade have no known invitation date."""
    from alembic import command

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SOURCING_DB_PATH", str(tmp_path / "old.db"))
    url = database_url()
    command.upgrade(_alembic_config(), "0001")  # through the command line's path of env.py
    with get_engine(url).begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO meetings (id, owner, title, purpose, start, place_or_link, slot_minutes, break_minutes,"
            " created_at) VALUES (1, 'local', 'Ancienne', '', '2026-12-01 09:00:00', 'Mairie', 20, 0,"
            " '2026-11-01 10:00:00+00:00')"
        )
        conn.exec_driver_sql(
            "INSERT INTO meeting_invites (meeting_id, supplier_id, snapshot, info_given)"
            " VALUES (1, 's1', '{\"name\": \"Ancien fournisseur\"}', '')"
        )
    upgrade_database(url)
    with session_scope(url) as s:
        (invite,) = service.invites(s, "local", 1)
        assert (invite.snapshot["name"], invite.invited_at) == ("Ancien fournisseur", None)
        service.invite_suppliers(s, "local", 1, [("s2", {"name": "Nouveau"})])
    with session_scope(url) as s:
        new = next(i for i in service.invites(s, "local", 1) if i.supplier_id == "s2")
        assert new.invited_at is not None


def test_migration_matches_models(db_url):
    """The migration creates what the models declare (nothing for autogenerate to add)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from sourcing.db.models import Base

    with get_engine(db_url).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


# --- Round trip ----------------------------------------------------------------------------------


def test_round_trip(db_url, directory):
    three = directory.iloc[:3]
    with session_scope(db_url) as s:
        sl = service.create_shortlist(s, "local", "  Nettoyage   2026 ")
        assert sl.name == "Nettoyage 2026"
        assert service.add_suppliers(s, "local", sl.id, three) == 3
        assert service.add_suppliers(s, "local", sl.id, directory.iloc[1:4]) == 1  # idempotent on supplier id
        sid = sl.id
    with session_scope(db_url) as s:
        found = service.entries(s, "local", sid)
        assert [e.supplier_id for e in found] == directory["id"].iloc[:4].astype(str).tolist()
        assert {e.status for e in found} == {"à contacter"}
        first, second = found[0], found[1]
        service.set_status(s, "local", first.id, "contacté")
        service.set_status(s, "local", second.id, "décliné")
        service.set_notes(s, "local", first.id, "Rappeler lundi ; intéressé par le lot 2")
        service.add_contact(s, "local", first.id, "téléphone", "Premier appel")
        service.add_contact(s, "local", first.id, "Courriel", "Envoi du dossier")
        with pytest.raises(ValueError, match="Statut inconnu"):
            service.set_status(s, "local", first.id, "perdu")
        with pytest.raises(ValueError, match="Canal de contact inconnu"):
            service.add_contact(s, "local", first.id, "pigeon", "")
    with session_scope(db_url) as s:
        frame = service.entries_frame(s, "local", sid)
        assert frame["status"].tolist() == ["contacté", "décliné", "à contacter", "à contacter"]
        assert frame["notes"].iloc[0] == "Rappeler lundi ; intéressé par le lot 2"
        assert frame["name"].tolist() == directory["name"].iloc[:4].tolist()
        assert frame["kinds"].iloc[0] == list(directory["kinds"].iloc[0])
        assert frame["version"].tolist() == [3, 2, 1, 1]
        log = service.contact_log(s, "local", int(frame["entry_id"].iloc[0]))
        assert [(c.channel, c.text) for c in log] == [("téléphone", "Premier appel"), ("courriel", "Envoi du dossier")]
        assert all(c.at.tzinfo is not None for c in log)

        service.rename_shortlist(s, "local", sid, "Nettoyage des locaux 2026")
        copy = service.duplicate_shortlist(s, "local", sid)
        assert copy.name == "Nettoyage des locaux 2026 (copie)"
        assert service.duplicate_shortlist(s, "local", sid).name == "Nettoyage des locaux 2026 (copie 2)"
        copy_id = copy.id
    with session_scope(db_url) as s:
        copied = service.entries_frame(s, "local", copy_id)
        assert copied[["id", "status", "notes"]].equals(frame[["id", "status", "notes"]])
        assert len(service.contact_log(s, "local", int(copied["entry_id"].iloc[0]))) == 2
        infos = service.list_shortlists(s, "local")
        assert sorted((i.name, i.entries) for i in infos) == sorted(
            [
                ("Nettoyage des locaux 2026", 4),
                ("Nettoyage des locaux 2026 (copie)", 4),
                ("Nettoyage des locaux 2026 (copie 2)", 4),
            ]
        )
        with pytest.raises(ValueError, match="déjà une liste"):
            service.rename_shortlist(s, "local", copy_id, "Nettoyage des locaux 2026")
        with pytest.raises(ValueError, match="Confirmez la suppression"):
            service.delete_shortlist(s, "local", sid)
    with session_scope(db_url) as s:  # still there after the refused deletion
        assert len(service.entries(s, "local", sid)) == 4
        service.delete_shortlist(s, "local", sid, confirm=True)
    with session_scope(db_url) as s:
        with pytest.raises(service.NotFoundError):
            service.get_shortlist(s, "local", sid)
        # cascades: the deleted list's entries and contact log are gone, the copy's remain
        assert s.scalar(select(ContactLog.id).join(ShortlistEntry).where(ShortlistEntry.shortlist_id == sid)) is None
        assert len(service.entries(s, "local", copy_id)) == 4


def test_duplicate_name_refused(db_url):
    _create(db_url, "local", "Achats")
    with pytest.raises(ValueError, match="déjà une liste « Achats »"):
        _create(db_url, "local", "Achats")
    assert _create(db_url, "bob", "Achats")  # unique per owner only
    with pytest.raises(ValueError, match="Donnez un nom"):
        _create(db_url, "local", "   ")


def test_failed_transaction_rolls_back(db_url, directory):
    sid = _create(db_url, "local", "Atomique")
    with pytest.raises(RuntimeError), session_scope(db_url) as s:
        service.add_suppliers(s, "local", sid, directory.iloc[:2])
        raise RuntimeError("boom")
    with session_scope(db_url) as s:
        assert service.entries(s, "local", sid) == []


# --- Snapshot and changes -------------------------------------------------------------------------


def test_snapshot_and_changes_after_reload(db_url, directory):
    row = directory.iloc[0]
    sid = _create(db_url, "local", "Suivi")
    with session_scope(db_url) as s:
        service.add_suppliers(s, "local", sid, directory.iloc[[0]])
    reloaded = directory.iloc[[0]].copy()
    reloaded["email"] = "nouveau@example.org"
    reloaded["kinds"] = [["EI"]]
    reloaded["raw:Courriel"] = "ignored"
    with session_scope(db_url) as s:
        entry = service.entries(s, "local", sid)[0]
        assert set(entry.snapshot) == set(CANONICAL_COLUMNS)  # no raw columns
        assert entry.snapshot["kinds"] == list(row["kinds"])
        assert service.changes_since_snapshot(entry, row) == {}
        changes = service.changes_since_snapshot(entry, reloaded.iloc[0])
        assert changes == {"email": (row["email"], "nouveau@example.org"), "kinds": (list(row["kinds"]), ["EI"])}
        service.refresh_snapshot(s, "local", entry.id, reloaded.iloc[0])
    with session_scope(db_url) as s:
        entry = service.entries(s, "local", sid)[0]
        assert service.changes_since_snapshot(entry, reloaded.iloc[0]) == {}
        assert entry.snapshot["email"] == "nouveau@example.org"


# --- Permissions ----------------------------------------------------------------------------------


def test_permissions_and_sharing(db_url, directory):
    alice = _create(db_url, "alice", "Restauration")
    with session_scope(db_url) as s:
        service.add_suppliers(s, "alice", alice, directory.iloc[:2])
        entry_id = service.entries(s, "alice", alice)[0].id
    refused = [
        lambda s: service.entries(s, "bob", alice),
        lambda s: service.add_suppliers(s, "bob", alice, directory.iloc[2:3]),
        lambda s: service.set_status(s, "bob", entry_id, "contacté"),
        lambda s: service.set_notes(s, "bob", entry_id, "piraté"),
        lambda s: service.add_contact(s, "bob", entry_id, "courriel", "x"),
        lambda s: service.rename_shortlist(s, "bob", alice, "À moi"),
        lambda s: service.delete_shortlist(s, "bob", alice, confirm=True),
        lambda s: service.duplicate_shortlist(s, "bob", alice),
        lambda s: service.share_shortlist(s, "bob", alice, "bob"),
    ]
    for call in refused:
        with pytest.raises(PermissionError, match=r"autre utilisateur|propriétaire"), session_scope(db_url) as s:
            call(s)
    with session_scope(db_url) as s:
        assert service.list_shortlists(s, "bob") == []
        service.share_shortlist(s, "alice", alice, "bob")
        service.share_shortlist(s, "alice", alice, "bob")  # harmless twice
        assert service.shared_with(s, "alice", alice) == ["bob"]
    with session_scope(db_url) as s:
        [info] = service.list_shortlists(s, "bob")
        assert (info.name, info.owner, info.shared, info.entries) == ("Restauration", "alice", True, 2)
        assert service.add_suppliers(s, "bob", alice, directory.iloc[2:3]) == 1
        service.set_status(s, "bob", entry_id, "invité")
        assert service.find_shortlist(s, "bob", "Restauration").id == alice
        with pytest.raises(PermissionError, match="propriétaire"):  # shared users edit, they do not delete
            service.delete_shortlist(s, "bob", alice, confirm=True)
    with session_scope(db_url) as s:
        assert service.get_entry(s, "alice", entry_id).status == "invité"
        service.unshare_shortlist(s, "alice", alice, "bob")
    with pytest.raises(PermissionError), session_scope(db_url) as s:
        service.entries(s, "bob", alice)


# --- Concurrency ----------------------------------------------------------------------------------


def _run_threads(*targets) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(targets))

    def wrap(fn):
        def run():
            try:
                barrier.wait()
                fn()
            except BaseException as exc:  # re-raised in the test thread
                errors.append(exc)

        return run

    threads = [threading.Thread(target=wrap(fn)) for fn in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors


def test_concurrent_sessions_lose_nothing(db_url, directory):
    sid = _create(db_url, "local", "Partagée")
    with session_scope(db_url) as s:
        service.add_suppliers(s, "local", sid, directory.iloc[[0]])
        shared_entry = service.entries(s, "local", sid)[0].id
    rows = directory.iloc[1:41]
    halves = (rows.iloc[0::2], rows.iloc[1::2])
    rounds = 20

    def worker(k: int):
        def run():
            mine = halves[k]
            for i in range(len(mine)):
                with session_scope(db_url) as s:  # one transaction per edit, interleaved with the other thread
                    service.add_suppliers(s, "local", sid, mine.iloc[[i]])
                    service.add_suppliers(s, "local", sid, rows.iloc[[i]])  # both threads add these: no duplicate
                    service.add_contact(s, "local", shared_entry, "courriel", f"t{k}-{i}")
                    service.set_status(s, "local", shared_entry, STATUSES[i % len(STATUSES)])
            for i in range(rounds):
                with session_scope(db_url) as s:
                    entry = service.entries(s, "local", sid)[1 + k]
                    service.set_notes(s, "local", entry.id, f"thread {k} round {i}")

        return run

    _run_threads(worker(0), worker(1))
    with session_scope(db_url) as s:
        found = service.entries(s, "local", sid)
        assert sorted(e.supplier_id for e in found) == sorted(directory["id"].iloc[:41].astype(str))
        log = service.contact_log(s, "local", shared_entry)
        assert sorted(c.text for c in log) == sorted(f"t{k}-{i}" for k in (0, 1) for i in range(len(halves[k])))
        assert found[0].version == 1 + len(rows)  # every status update counted, none overwritten
        assert {found[1].notes, found[2].notes} == {f"thread 0 round {rounds - 1}", f"thread 1 round {rounds - 1}"}


def test_concurrent_creation_of_same_name(db_url):
    results: list[object] = []

    def make():
        try:
            results.append(_create(db_url, "local", "Course"))
        except ValueError as exc:
            results.append(exc)

    _run_threads(make, make)
    assert sum(isinstance(r, int) for r in results) == 1
    assert sum(isinstance(r, ValueError) for r in results) == 1


def test_stale_edit_is_refused(db_url, directory):
    sid = _create(db_url, "local", "Versions")
    with session_scope(db_url) as s:
        service.add_suppliers(s, "local", sid, directory.iloc[[0]])
        entry = service.entries(s, "local", sid)[0]
    read_version = entry.version
    with session_scope(db_url) as s:  # someone else saves first
        service.set_notes(s, "local", entry.id, "Note de Bob", expected_version=read_version)
    with pytest.raises(service.ConcurrentEditError, match="modifié par quelqu'un d'autre"), session_scope(db_url) as s:
        service.set_notes(s, "local", entry.id, "Ma note", expected_version=read_version)
    with session_scope(db_url) as s:
        assert service.get_entry(s, "local", entry.id).notes == "Note de Bob"


# --- Meetings -------------------------------------------------------------------------------------


def test_meeting_round_trip(db_url, directory):
    sid = _create(db_url, "local", "Rencontre espaces verts")
    start = datetime(2026, 12, 3, 9, 0)
    with session_scope(db_url) as s:
        service.add_suppliers(s, "local", sid, directory.iloc[:3])
        meeting = service.create_meeting(
            s, "local", title="Sourcing espaces verts", start=start, slot_minutes=20, place_or_link="Mairie",
            shortlist_id=sid,
        )  # fmt: skip
        assert service.invite_from_shortlist(s, "local", meeting.id, sid) == 3
        assert service.invite_from_shortlist(s, "local", meeting.id, sid) == 0
        ids = directory["id"].iloc[:3].astype(str).tolist()
        service.set_slots(
            s, "local", meeting.id, {ids[2]: datetime(2026, 12, 3, 9, 0), ids[0]: datetime(2026, 12, 3, 9, 20)}
        )
        mid = meeting.id
    with session_scope(db_url) as s:
        found = service.invites(s, "local", mid)
        assert [i.supplier_id for i in found] == [ids[2], ids[0], ids[1]]
        service.record_attendance(s, "local", found[0].id, attended=True, info_given="Cahier des charges v1")
        with pytest.raises(PermissionError):
            service.get_meeting(s, "bob", mid)
        schedule_meeting = service.meeting_plan(service.get_meeting(s, "local", mid))
        assert (schedule_meeting.start, schedule_meeting.slot_minutes) == (start, 20)
    with session_scope(db_url) as s:
        service.delete_shortlist(s, "local", sid, confirm=True)
    with session_scope(db_url) as s:
        kept = service.get_meeting(s, "local", mid)
        assert kept.shortlist_id is None  # meetings outlive the list they were prepared from
        first = service.invites(s, "local", mid)[0]
        assert (first.attended, first.info_given, first.snapshot["name"]) == (
            True, "Cahier des charges v1", directory["name"].iloc[2],
        )  # fmt: skip


# --- Crash safety (SQLite) --------------------------------------------------------------------------

_CHILD = textwrap.dedent(
    """
    import sys
    from sourcing.db.engine import session_scope
    from sourcing.db.models import Shortlist, ShortlistEntry
    url, prefix = sys.argv[1], sys.argv[2]
    i = 0
    while True:
        with session_scope(url) as s:
            sl = Shortlist(owner="crash", name=f"{prefix}-{i}")
            sl.entries = [ShortlistEntry(supplier_id=str(k), snapshot={"name": "x" * 200, "k": k}) for k in range(3)]
            s.add(sl)
        print(f"{prefix}-{i}", flush=True)  # only after the commit returned
        i += 1
    """
)


def test_sqlite_survives_sigkill(tmp_path):
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    upgrade_database(url)
    rng = random.Random(20261128)
    committed: list[str] = []
    env = {**os.environ, "PYTHONPATH": str(PROJECT_DIR)}
    for iteration in range(20):
        child = subprocess.Popen(
            [sys.executable, "-c", _CHILD, url, f"k{iteration}"], stdout=subprocess.PIPE, text=True, env=env
        )
        first = child.stdout.readline()  # writing has started
        assert first, "the writer child died before its first commit"
        # Not a wait for something: the kill must land at a random moment of the writer's loop.
        time.sleep(rng.uniform(0.0, 0.25))
        os.kill(child.pid, signal.SIGKILL)
        reported = [first.strip(), *(line.strip() for line in child.stdout.read().splitlines() if line.strip())]
        child.wait()
        committed.extend(reported)
        with sqlite3.connect(tmp_path / "crash.db") as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            names = {n for (n,) in conn.execute("SELECT name FROM shortlists WHERE owner = 'crash'")}
            counts = set(conn.execute("SELECT COUNT(*) FROM shortlist_entries GROUP BY shortlist_id").fetchall())
        missing = set(committed) - names
        assert not missing, f"iteration {iteration}: committed writes lost: {sorted(missing)[:5]}"
        assert counts <= {(3,)}, "a shortlist was saved without all its entries"
    assert len(committed) > 20


def test_concurrent_upgrades_on_a_fresh_database(db_url, tmp_path):
    """Two app processes starting at once on an empty database: both succeed, one schema."""
    from sqlalchemy.engine import make_url

    url = db_url
    if make_url(db_url).get_backend_name() == "sqlite":
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
    else:  # a fresh database on the same server
        from sqlalchemy import create_engine

        admin = create_engine(make_url(db_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{make_url(db_url).database}_fresh"')
        admin.dispose()
        url = make_url(db_url).set(database=f"{make_url(db_url).database}_fresh").render_as_string(hide_password=False)
    code = "import sys; from sourcing.db.engine import upgrade_database; upgrade_database(sys.argv[1])"
    env = {**os.environ, "PYTHONPATH": str(PROJECT_DIR)}
    procs = [subprocess.Popen([sys.executable, "-c", code, url], env=env, stderr=subprocess.PIPE) for _ in range(3)]
    for proc in procs:
        assert proc.wait(60) == 0, proc.stderr.read().decode()
    assert TABLES <= set(inspect(get_engine(url)).get_table_names())


def test_threads_migrating_a_fresh_database_at_once_all_succeed(tmp_path):
    """The app's warm-up and a first page (two threads of one process) migrating a new database at the
    same moment: Alembic's context is module-wide, so both used to run it and one crashed (the race is
    Alembic's, whatever the database: fresh SQLite files here)."""
    import threading

    for attempt in range(4):  # the race needs both in Alembic at once: a few fresh databases make it likely
        url = f"sqlite:///{tmp_path / f'fresh-{attempt}.db'}"
        start, errors = threading.Barrier(4), []

        def migrate(url: str = url, start: threading.Barrier = start, errors: list = errors) -> None:
            start.wait()
            try:
                upgrade_database(url)
            except Exception as exc:  # what a page would have shown the buyer
                errors.append(repr(exc))

        threads = [threading.Thread(target=migrate) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert errors == []
        assert TABLES <= set(inspect(get_engine(url)).get_table_names())


def test_empty_shortlist_frame(db_url):
    sid = _create(db_url, "local", "Vide")
    with session_scope(db_url) as s:
        frame = service.entries_frame(s, "local", sid)
    assert frame.empty
    assert {"status", "notes", "entry_id", *CANONICAL_COLUMNS} <= set(frame.columns)


# --- Command line ---------------------------------------------------------------------------------


def _cli(*args: str, db_path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_DIR), "SOURCING_DB_PATH": str(db_path)}
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "sourcing", "shortlist", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_cli_shortlist(tmp_path, directory):
    db = tmp_path / "cli.db"
    sirets = directory["siret"].iloc[:2].tolist()
    assert _cli("create", "Nettoyage 2026", db_path=db).returncode == 0
    added = _cli("add", "Nettoyage 2026", "--siret", sirets[0], "--siret", sirets[1], db_path=db)
    assert added.returncode == 0, added.stderr
    assert "2 fournisseur(s) ajouté(s)" in added.stdout
    unknown = _cli("add", "Nettoyage 2026", "--siret", "00000000000000", db_path=db)
    assert unknown.returncode == 2
    assert "SIRET absent de l'annuaire : 00000000000000" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    assert _cli("add", "Inconnue", "--siret", sirets[0], db_path=db).returncode == 2
    assert _cli("create", "Nettoyage 2026", db_path=db).returncode == 2
    listed = _cli("list", "--json", db_path=db)
    payload = __import__("json").loads(listed.stdout)
    assert [(p["name"], p["entries"], p["owner"]) for p in payload] == [("Nettoyage 2026", 2, "local")]
    out = tmp_path / "liste.csv"
    exported = _cli("export", "Nettoyage 2026", "--format", "csv", "--out", str(out), db_path=db)
    assert exported.returncode == 0, exported.stderr
    content = out.read_bytes().decode("utf-8-sig")
    assert content.splitlines()[0].startswith("Raison sociale;SIRET")
    assert all(s in content for s in sirets)
    assert "à contacter" in content
    no_meeting = _cli("export", "Nettoyage 2026", "--format", "ics", "--out", str(tmp_path / "x.ics"), db_path=db)
    assert no_meeting.returncode == 2
    ics = _cli(
        "export", "Nettoyage 2026", "--format", "ics", "--out", str(tmp_path / "x.ics"),
        "--title", "Rencontre", "--start", "2026-12-03T09:00", "--place", "Mairie", db_path=db,
    )  # fmt: skip
    assert ics.returncode == 0, ics.stderr
    assert (tmp_path / "x.ics").read_bytes().count(b"BEGIN:VEVENT") >= 2
    # the app's own API sees what the CLI wrote (same database)
    with session_scope(f"sqlite:///{db}") as s:
        [info] = service.list_shortlists(s, "local")
        assert info.entries == 2


def test_the_head_revision_read_from_the_files_is_alembics(tmp_path):
    # upgrade_database skips Alembic when the database is at this head (each app start): it must be Alembic's own.
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from sourcing.db.engine import _head_revision, _is_current

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert _head_revision() == ScriptDirectory.from_config(config).get_current_head()
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert not _is_current(url)  # a new database: Alembic creates the tables
    upgrade_database(url)
    assert _is_current(url)
