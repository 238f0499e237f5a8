"""Shared fixtures. The real public extracts the tests read are vendored in tests/data/ (see its
README for source, date, licence and what was changed), so the suite runs from any clone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers import TEST_DATA_DIR, postgres_helper_or_skip


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The folder holding realdata/ and reference/: the vendored copy in tests/data/."""
    return TEST_DATA_DIR


@pytest.fixture(scope="session")
def realdata(shared_dir: Path) -> Path:
    return shared_dir / "realdata"


# --- Persistence: a database per test, on SQLite and on a throwaway PostgreSQL ---------------------


@pytest.fixture(scope="session")
def pg_server_url():
    """URL of a throwaway PostgreSQL started for this test session. Missing PostgreSQL: skipped
    locally, a failure in CI (env CI=true), where `make test` installs it."""
    helper = postgres_helper_or_skip("tests PostgreSQL non exécutés")
    with helper.throwaway_postgres() as url:
        yield url


_pg_db_counter = iter(range(1, 1_000_000))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """An empty, migrated database: a SQLite file in tmp_path, or a new PostgreSQL database."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from sourcing.db.engine import dispose_engines, upgrade_database

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'sourcing.db'}"
    else:
        server = make_url(request.getfixturevalue("pg_server_url"))
        name = f"t{os.getpid()}_{next(_pg_db_counter)}"
        admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        admin.dispose()
        url = server.set(database=name).render_as_string(hide_password=False)
    upgrade_database(url)
    yield url
    dispose_engines()


@pytest.fixture(autouse=True)
def _own_database(tmp_path, monkeypatch):
    """Each test gets its own SQLite file: no test reads or writes the buyer's `.cache/sourcing.db`."""
    if not os.environ.get("DATABASE_URL"):
        monkeypatch.setenv("SOURCING_DB_PATH", str(tmp_path / "sourcing-app.db"))
    # ... and its own directory store: nothing read from or written to the buyer's `.cache/store`.
    monkeypatch.setenv("SOURCING_DATA_DIR", str(tmp_path / "data"))
