"""Alembic environment: the app passes its own connection (with the SQLite pragmas); the
`alembic` command line connects to `database_url()`."""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context

from sourcing.db.engine import get_engine
from sourcing.db.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:
    # render_as_batch: SQLite cannot ALTER most things; batch mode copies the table instead.
    # transactional_ddl: SQLite does roll DDL back, so a failed upgrade leaves the schema untouched.
    context.configure(
        connection=connection, target_metadata=target_metadata, render_as_batch=True, transactional_ddl=True
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Two app instances starting together: the second waits, then finds the schema current.
            # (On SQLite, BEGIN IMMEDIATE already serialises them.)
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(727001)")
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    if config.config_file_name is not None:
        fileConfig(config.config_file_name)
    with get_engine().connect() as conn:
        _run(conn)
        conn.commit()
