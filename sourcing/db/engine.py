"""Where the shortlists live, and how a connection is opened.

- `DATABASE_URL` (e.g. ``postgresql://user:pw@host/db``) selects a shared PostgreSQL server;
  otherwise a SQLite file, ``<project>/.cache/sourcing.db`` or `SOURCING_DB_PATH`.
- SQLite connections use WAL (readers never block the writer), foreign keys (cascades are
  enforced) and synchronous=FULL (a committed write survives a crash or power loss), and every
  transaction starts with BEGIN IMMEDIATE: it takes the write lock up front, waiting up to
  `SQLITE_BUSY_TIMEOUT_S`, instead of failing half-way when two sessions write at once.
- PostgreSQL connections are checked before use (`pool_pre_ping`): after a server restart the
  pool reconnects by itself; connecting gives up after `CONNECT_TIMEOUT_S`.
- `session_scope` (writes) turns a database fault into a French `sourcing.db.faults` error and
  never retries: a write cut while committing may have been saved (`maybe_saved`). `read` runs an
  idempotent read, retried once on a lost connection, and falls back to an immutable reading of a
  SQLite file whose folder turned read-only, so that what was saved stays readable.
- `upgrade_database` applies the Alembic migrations (idempotent), at startup.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final, TypeVar
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from sourcing.db import faults

PROJECT_DIR: Final[Path] = Path(__file__).resolve().parents[2]
MIGRATIONS_DIR: Final[Path] = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_S: Final[float] = 30.0
CONNECT_TIMEOUT_S: Final[int] = 5
READ_ATTEMPTS: Final[int] = 2
# Execution option of the engine `read` uses: a plain (deferred) BEGIN on SQLite, no write lock.
_READING: Final[str] = "sourcing_read"

R = TypeVar("R")

_engines: dict[str, Engine] = {}
_lock = threading.Lock()
_upgrading = threading.Lock()  # upgrade_database: one Alembic run at a time in a process


def default_sqlite_path() -> Path:
    """`SOURCING_DB_PATH` if set, else ``<project>/.cache/sourcing.db``."""
    env = os.environ.get("SOURCING_DB_PATH")
    return Path(env) if env else PROJECT_DIR / ".cache" / "sourcing.db"


def normalise_url(url: str) -> str:
    """Plain ``postgres://`` / ``postgresql://`` URLs (as hosts give them) use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def database_url() -> str:
    """The database of the app and the CLI: `DATABASE_URL`, else the SQLite file."""
    env = os.environ.get("DATABASE_URL", "").strip()
    if env:
        return normalise_url(env)
    return f"sqlite:///{default_sqlite_path()}"


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_engine(url: str) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Take transaction control from the sqlite3 module: it would otherwise BEGIN lazily
        # (DEFERRED), and a read that later writes can then fail at once with "database is locked".
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        connection.exec_driver_sql("BEGIN" if connection.get_execution_options().get(_READING) else "BEGIN IMMEDIATE")

    return engine


def _postgres_engine(url: str) -> Engine:
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": CONNECT_TIMEOUT_S})


def _immutable_sqlite_engine(url: str) -> Engine:
    """A reader of a SQLite file that cannot change (its folder is read-only): no lock, no WAL index."""
    path = quote(str(make_url(url).database))
    return create_engine(
        "sqlite://",
        creator=lambda: sqlite3.connect(f"file:{path}?immutable=1", uri=True, check_same_thread=False),
    )


def get_engine(url: str | None = None) -> Engine:
    """The engine for `url` (default `database_url()`), created once per process and URL."""
    url = normalise_url(url or database_url())
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _sqlite_engine(url) if is_sqlite(url) else _postgres_engine(url)
            _engines[url] = engine
        return engine


def dispose_engines() -> None:
    """Close every pooled connection (tests, or before a database is dropped)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back if it raises. A database fault
    raises a `faults.DatabaseFault` with a French message (never retried here).

    Objects stay readable after the block (expire_on_commit=False), not lazily loadable."""
    url = normalise_url(url or database_url())
    session = Session(get_engine(url), expire_on_commit=False)
    committing = False
    try:
        session.begin()
        yield session
        committing = True
        session.commit()
    except DBAPIError as exc:
        fault = faults.translate(exc, url, committing=committing)
        if fault is None:
            raise
        raise fault from exc
    finally:
        session.close()


def _read_once(url: str, engine: Engine, action: Callable[..., R], args: tuple, kwargs: dict) -> R:
    session = Session(engine, expire_on_commit=False)
    try:
        session.begin()
        return action(session, *args, **kwargs)  # never committed: a read leaves nothing behind
    except DBAPIError as exc:
        fault = faults.translate(exc, url)
        if fault is None:
            raise
        raise fault from exc
    finally:
        session.close()


def read(action: Callable[..., R], *args, url: str | None = None, **kwargs) -> R:
    """`action(session, *args, **kwargs)` for an idempotent read, in a transaction rolled back at
    the end. A lost connection (a server restart) is retried once on a fresh one; a SQLite file
    whose folder refuses writes is read as an immutable file."""
    url = normalise_url(url or database_url())
    engine = get_engine(url).execution_options(**{_READING: True})
    for attempt in range(1, READ_ATTEMPTS + 1):
        try:
            return _read_once(url, engine, action, args, kwargs)
        except faults.DatabaseUnavailableError:
            if attempt == READ_ATTEMPTS:
                raise
        except faults.DatabaseReadOnlyError:
            if not is_sqlite(url):
                raise
            return _read_once(url, _immutable_engine(url), action, args, kwargs)
    raise AssertionError("unreachable")


def _immutable_engine(url: str) -> Engine:
    with _lock:
        key = f"immutable:{url}"
        engine = _engines.get(key)
        if engine is None:
            engine = _engines[key] = _immutable_sqlite_engine(url)
        return engine


def _current_revision(session: Session) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(session.connection()).get_current_revision()


def _head_revision() -> str | None:
    """The newest migration's revision, read from the files' `revision` / `down_revision` lines
    (what Alembic reads, without importing Alembic and every migration: a third of a second at each
    app start). None when the files do not name exactly one head (Alembic then decides)."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        found = re.search(r"^revision\s*=\s*['\"]([^'\"]+)['\"]", text, flags=re.M)
        parent = re.search(r"^down_revision\s*=\s*(?:['\"]([^'\"]+)['\"]|None)", text, flags=re.M)
        if found is None or parent is None:
            return None
        revisions.add(found.group(1))
        parents.add(parent.group(1))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _is_current(url: str) -> bool:
    """Whether the database is already at the head revision (one small read; False when unsure)."""
    head = _head_revision()
    if head is None:
        return False
    try:
        with get_engine(url).connect() as connection:
            found = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all()
    except DBAPIError as exc:
        fault = faults.translate(exc, url)
        if fault is not None and not isinstance(fault, faults.DatabaseReadOnlyError):
            raise fault from exc  # unreachable, refused...: what Alembic would have raised, without waiting twice
        return False  # no alembic_version table yet: a new database, Alembic creates it
    return found == [head]


def upgrade_database(url: str | None = None) -> None:
    """Apply every Alembic migration not yet applied (`alembic upgrade head`); a no-op when current.
    A database that refuses writes but is already current is fine (its lists stay readable); one
    that would need a migration raises `faults.DatabaseReadOnlyError`.

    Alembic runs on our engine's connection, which env.py takes from `config.attributes`."""
    url = normalise_url(url or database_url())
    if _is_current(url):  # the usual case at each process start: no Alembic import, no migration loaded
        return
    # One thread at a time: Alembic's `context` is a module-wide proxy that each run installs and removes,
    # so the app's warm-up and a first page migrating a new database at once crashed one of them (seen
    # with a buyer opening the page as soon as `make run` printed its address). The second finds it current.
    with _upgrading:
        if not _is_current(url):
            _upgrade(url)


def _upgrade(url: str) -> None:
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    try:
        with get_engine(url).connect() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            connection.commit()
    except DBAPIError as exc:
        fault = faults.translate(exc, url)
        if fault is None:
            raise
        if not isinstance(fault, faults.DatabaseReadOnlyError):
            raise fault from exc
        if read(_current_revision, url=url) != ScriptDirectory.from_config(config).get_current_head():
            raise fault from exc
