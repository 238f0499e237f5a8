"""PostgreSQL restarting under load. Writers save to their lists in a loop, each commit recorded by
the test; the server is stopped (fast: transactions rolled back, clients told; immediate: cut off
like a crash), left down a second, and started again. Then:

- every write acknowledged before, during or after the restart is in the database;
- a write refused during the outage got a French `DatabaseUnavailableError`, and was not saved
  unless the connection was lost while committing (`maybe_saved`: the buyer is asked to check);
- nothing is retried silently (no duplicate) and nothing is half-written (a supplier and its
  meeting go together);
- the app's engine recovers by itself: writes and reads succeed again on the same engine.

The server is the test's own (restarting the session's one would cut other tests' connections)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from types import ModuleType

import pandas as pd
import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.engine import make_url

from sourcing.db import service
from sourcing.db.engine import dispose_engines, read, session_scope, upgrade_database
from sourcing.db.faults import DatabaseUnavailableError
from sourcing.db.models import Meeting, ShortlistEntry
from tests.helpers import postgres_helper_or_skip

WRITERS = 3
ACKS_BEFORE = 5  # per writer, before the server stops
ACKS_AFTER = 5  # per writer, after it is back: the engine recovered
PATIENCE_S = 60.0


@dataclass
class Server:
    """A database on the test module's own PostgreSQL server, and that server's switch."""

    url: str
    cluster_url: str
    helper: ModuleType

    def stop(self, mode: str) -> None:
        self.helper.stop(self.cluster_url, mode)

    def start(self) -> None:
        self.helper.start(self.cluster_url)

    def restart(self, mode: str, down_for: float) -> None:
        self.helper.restart(self.cluster_url, mode, down_for)


@pytest.fixture(scope="module")
def server_of_our_own():
    helper = postgres_helper_or_skip("test de redémarrage non exécuté")
    with helper.throwaway_postgres("restart") as url:
        yield helper, url


_databases = iter(range(1, 1_000))


@pytest.fixture
def own_server(server_of_our_own) -> Server:
    helper, cluster_url = server_of_our_own
    name = f"r{next(_databases)}"
    admin = create_engine(cluster_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    url = make_url(cluster_url).set(database=name).render_as_string(hide_password=False)
    upgrade_database(url)
    yield Server(url, cluster_url, helper)
    dispose_engines()


@dataclass
class Writer:
    """One buyer saving a supplier and a meeting for it in one transaction, again and again."""

    url: str
    number: int
    list_id: int = 0
    attempts: int = 0
    acked: list[int] = field(default_factory=list)
    refused: dict[int, DatabaseUnavailableError] = field(default_factory=dict)
    other: list[BaseException] = field(default_factory=list)

    def name(self, i: int) -> str:
        return f"w{self.number}-{i}"

    def write(self, session, i: int) -> None:
        row = pd.DataFrame([{"id": self.name(i), "name": f"Fournisseur {self.name(i)}"}])
        service.add_suppliers(session, "local", self.list_id, row)
        service.create_meeting(session, "local", title=self.name(i), start=datetime(2027, 1, 1, 9), slot_minutes=20)

    def run(self, stop: threading.Event) -> None:
        with session_scope(self.url) as s:
            self.list_id = service.create_shortlist(s, "local", f"Liste {self.number}").id
        while not stop.is_set():
            i = self.attempts
            self.attempts += 1
            try:
                with session_scope(self.url) as s:
                    self.write(s, i)
                self.acked.append(i)
            except DatabaseUnavailableError as exc:
                self.refused[i] = exc
                time.sleep(0.05)
            except BaseException as exc:  # any other failure fails the test below
                self.other.append(exc)
                return


def _wait(condition, what: str) -> None:
    deadline = time.monotonic() + PATIENCE_S
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def _saved(session) -> tuple[list[str], list[str]]:
    suppliers = session.scalars(select(ShortlistEntry.supplier_id)).all()
    return list(suppliers), list(session.scalars(select(Meeting.title)).all())


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_writes_survive_a_restart_and_the_engine_recovers(own_server, mode):
    url = own_server.url
    writers = [Writer(url, n) for n in range(WRITERS)]
    stop = threading.Event()
    threads = [threading.Thread(target=w.run, args=(stop,), daemon=True) for w in writers]
    for t in threads:
        t.start()
    try:
        _wait(lambda: all(len(w.acked) >= ACKS_BEFORE or w.other for w in writers), "writes before the restart")
        own_server.restart(mode, down_for=1.0)
        after = {w.number: w.attempts for w in writers}
        _wait(
            lambda: all(sum(i >= after[w.number] for i in w.acked) >= ACKS_AFTER or w.other for w in writers),
            "writes after the restart",
        )
    finally:
        stop.set()
        for t in threads:
            t.join(PATIENCE_S)
    assert [w.other for w in writers] == [[]] * WRITERS  # only the typed, French fault

    suppliers, meetings = read(_saved, url=url)  # the same engine, no dispose: it recovered
    assert len(suppliers) == len(set(suppliers)) and len(meetings) == len(set(meetings))  # no duplicate
    assert sorted(suppliers) == sorted(meetings)  # a supplier and its meeting together, or neither
    saved = set(suppliers)
    refusals = [exc for w in writers for exc in w.refused.values()]
    assert refusals, "no write met the outage"
    for w in writers:
        assert {w.name(i) for i in w.acked} <= saved  # nothing acknowledged is lost
        for i, exc in w.refused.items():
            if exc.maybe_saved:
                assert "a peut-être été enregistrée" in str(exc)
            else:
                assert "momentanément indisponible" in str(exc) and "n'a pas été enregistrée" in str(exc)
                assert w.name(i) not in saved  # refused means not saved
        assert saved >= {w.name(i) for i in w.acked}
        unknown = {w.name(i) for i in range(w.attempts)} - {w.name(i) for i in w.acked}
        assert saved & unknown <= {w.name(i) for i, exc in w.refused.items() if exc.maybe_saved}


def test_a_read_after_a_restart_is_answered_without_an_error(own_server):
    """Pooled connections died with the server: the next page read reconnects by itself."""
    url = own_server.url
    with session_scope(url) as s:
        list_id = service.create_shortlist(s, "local", "Avant le redémarrage").id
    assert [i.id for i in read(service.list_shortlists, "local", url=url)] == [list_id]
    own_server.restart("immediate", down_for=0.2)
    assert [i.id for i in read(service.list_shortlists, "local", url=url)] == [list_id]


def test_while_the_server_is_down_a_buyer_is_told_in_french(own_server):
    url = own_server.url
    own_server.stop("fast")
    try:
        with pytest.raises(DatabaseUnavailableError, match="momentanément indisponible") as down:
            with session_scope(url) as s:
                service.create_shortlist(s, "local", "Pendant la panne")
        assert "serveur PostgreSQL 127.0.0.1" in str(down.value) and not down.value.maybe_saved
        with pytest.raises(DatabaseUnavailableError, match="momentanément indisponible"):
            read(service.list_shortlists, "local", url=url)
    finally:
        own_server.start()
    with session_scope(url) as s:
        service.create_shortlist(s, "local", "Après la panne")
    assert [i.name for i in read(service.list_shortlists, "local", url=url)] == ["Après la panne"]


def test_a_write_cut_while_committing_is_not_retried_and_the_buyer_is_asked_to_check(own_server):
    """The connection is cut during COMMIT (a deferred trigger holds the commit while another
    session terminates it): the change may or may not be saved, so it is not retried behind the
    buyer's back; they are told to check. It is never saved twice."""
    url = own_server.url
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(
            "CREATE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN PERFORM pg_sleep(8); RETURN NULL; END $$"
        )
        conn.exec_driver_sql(
            "CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON meetings DEFERRABLE INITIALLY DEFERRED "
            "FOR EACH ROW EXECUTE FUNCTION slow_commit()"
        )

    def cut_the_commit() -> None:
        with admin.connect() as conn:
            _wait(
                lambda: conn.exec_driver_sql(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE state = 'active' AND query = 'COMMIT' AND pid <> pg_backend_pid()"
                ).all(),
                "the commit to hold",
            )

    cutter = threading.Thread(target=cut_the_commit, daemon=True)
    cutter.start()
    try:
        with pytest.raises(DatabaseUnavailableError, match="a peut-être été enregistrée") as cut:
            with session_scope(url) as s:
                service.create_meeting(s, "local", title="Coupée", start=datetime(2027, 1, 1, 9), slot_minutes=20)
    finally:
        cutter.join(PATIENCE_S)
        admin.dispose()
    assert cut.value.maybe_saved and "vérifiez avant de recommencer" in str(cut.value)
    titles = read(lambda s: list(s.scalars(select(Meeting.title))), url=url)
    assert titles.count("Coupée") <= 1  # never written twice
