"""Database faults a buyer can meet, as typed errors with a French message saying what and where.

- `DatabaseReadOnlyError`: the database refuses writes (a SQLite file or folder on a read-only
  disk, a PostgreSQL server or database set `default_transaction_read_only`). Nothing of the
  refused change is written; what was saved stays readable (see `engine.read`).
- `DatabaseUnavailableError`: the server cannot be reached or the connection was cut (PostgreSQL
  restarting, a SQLite file locked for too long). `maybe_saved` is True when the connection was
  lost while committing: the change may or may not have been saved, so it is never retried
  silently and the buyer is asked to check before doing it again.
- `DatabaseFullError`: the disk under the database is full (SQLite `SQLITE_FULL`, PostgreSQL
  `disk_full`, 53100). The change is rolled back whole; what was saved stays readable; the message
  says the disk is full and where, so that the administrator knows what to free.

`translate` turns a SQLAlchemy `DBAPIError` into one of these, or None for any other error
(a constraint, a bug): those keep their own type.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

# SQLite primary result codes (https://www.sqlite.org/rescode.html).
_SQLITE_BUSY: Final = 5
_SQLITE_LOCKED: Final = 6
_SQLITE_READONLY: Final = 8
_SQLITE_FULL: Final = 13
_SQLITE_CANTOPEN: Final = 14
# PostgreSQL SQLSTATE: 25006 read_only_sql_transaction; class 08 connection exceptions; 57P01-03
# admin/crash shutdown, cannot connect now (starting up or shutting down).
_PG_READ_ONLY: Final = "25006"
_PG_DISK_FULL: Final = "53100"
_PG_UNAVAILABLE_PREFIXES: Final = ("08", "57P")


class DatabaseFault(RuntimeError):
    """A database fault the buyer is told about in French (`str(error)`)."""


class DatabaseReadOnlyError(DatabaseFault):
    """The database refuses writes."""


class DatabaseFullError(DatabaseFault):
    """The disk under the database is full: nothing of the change was written."""


class DatabaseUnavailableError(DatabaseFault):
    """The database cannot be reached or the connection was lost."""

    def __init__(self, message: str, *, maybe_saved: bool = False) -> None:
        super().__init__(message)
        self.maybe_saved = maybe_saved


def where(url: str) -> str:
    """Where the database is, in French, without any password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"fichier {parsed.database}"
    server = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
    return f"serveur PostgreSQL {server}, base « {parsed.database} »"


def read_only_error(url: str) -> DatabaseReadOnlyError:
    return DatabaseReadOnlyError(
        f"La base de données des listes refuse les écritures : elle est en lecture seule ({where(url)}). "
        "Votre modification n'a pas été enregistrée ; vos listes restent consultables. "
        "Prévenez l'administrateur."
    )


def full_error(url: str) -> DatabaseFullError:
    return DatabaseFullError(
        f"Le disque de la base de données des listes est plein ({where(url)}) : votre modification n'a pas été "
        "enregistrée. Ce qui était déjà enregistré n'est pas perdu et reste consultable. "
        "Prévenez l'administrateur : il faut libérer de la place sur ce disque."
    )


def unavailable_error(url: str, *, maybe_saved: bool) -> DatabaseUnavailableError:
    if maybe_saved:
        message = (
            f"La connexion à la base de données des listes a été coupée pendant l'enregistrement ({where(url)}) : "
            "votre modification a peut-être été enregistrée. Rechargez la page et vérifiez avant de recommencer."
        )
    else:
        message = (
            f"La base de données des listes est momentanément indisponible ({where(url)}) : votre modification "
            "n'a pas été enregistrée. Ce qui était déjà enregistré n'est pas perdu : réessayez dans un instant."
        )
    return DatabaseUnavailableError(message, maybe_saved=maybe_saved)


def _sqlite_folder_read_only(url: str) -> bool:
    database = make_url(url).database
    if not database or database == ":memory:":
        return False
    folder = Path(database).parent
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY) or not os.access(folder, os.W_OK)
    except OSError:
        return False


def _sqlite_fault(code: int, url: str) -> DatabaseFault | None:
    primary = code & 0xFF
    if primary == _SQLITE_READONLY or (primary == _SQLITE_CANTOPEN and _sqlite_folder_read_only(url)):
        return read_only_error(url)
    if primary == _SQLITE_FULL:
        return full_error(url)
    if primary in (_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_CANTOPEN):
        return unavailable_error(url, maybe_saved=False)  # SQLite commits atomically or not at all
    return None


def translate(error: DBAPIError, url: str, *, committing: bool = False) -> DatabaseFault | None:
    """The fault `error` means for a buyer, or None when it is not a database fault.

    `committing`: the error came from COMMIT, so a lost connection may have saved the change."""
    original = error.orig
    code = getattr(original, "sqlite_errorcode", None)
    if code is not None:
        return _sqlite_fault(int(code), url)
    sqlstate = getattr(original, "sqlstate", None) or ""
    if sqlstate == _PG_READ_ONLY:
        return read_only_error(url)
    if sqlstate == _PG_DISK_FULL:
        return full_error(url)
    lost = error.connection_invalidated or sqlstate.startswith(_PG_UNAVAILABLE_PREFIXES)
    if lost or (isinstance(error, OperationalError) and not sqlstate):  # refused, reset, timed out
        return unavailable_error(url, maybe_saved=committing)
    return None
