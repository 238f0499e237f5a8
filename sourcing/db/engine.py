"""Where the shortlists live, and how a connection is opened.

- `DATABASE_URL` (e.g. ``postgresql://user:pw@host/db``) selects a shared PostgreSQL server;
  otherwise a SQLite file, ``<project>/.cache/sourcing.db`` or `SOURCING_DB_PATH`.
- SQLite connections use WAL (readers never block the writer), foreign keys (cascades are
  enforced) and synchronous=FULL (a committed write survives a crash or power loss), and every
  transaction starts with BEGIN IMMEDIATE: it takes the write lock up front, waiting up to
  `SQLITE_BUSY_TIMEOUT_S`, instead of failing half-way when two sessions write at once.
- `upgrade_database` applies the Alembic migrations (idempotent), at startup.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

PROJECT_DIR: Final[Path] = Path(__file__).resolve().parents[2]
MIGRATIONS_DIR: Final[Path] = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_S: Final[float] = 30.0

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


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
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def get_engine(url: str | None = None) -> Engine:
    """The engine for `url` (default `database_url()`), created once per process and URL."""
    url = normalise_url(url or database_url())
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _sqlite_engine(url) if is_sqlite(url) else create_engine(url, pool_pre_ping=True)
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
    """One transaction: committed when the block ends, rolled back if it raises.

    Objects stay readable after the block (expire_on_commit=False), not lazily loadable."""
    session = Session(get_engine(url), expire_on_commit=False)
    try:
        with session.begin():
            yield session
    finally:
        session.close()


def upgrade_database(url: str | None = None) -> None:
    """Apply every Alembic migration not yet applied (`alembic upgrade head`); a no-op when current.

    Alembic runs on our engine's connection, which env.py takes from `config.attributes`."""
    from alembic import command
    from alembic.config import Config

    with get_engine(url).connect() as connection:
        config = Config(attributes={"connection": connection})
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        command.upgrade(config, "head")
        connection.commit()
