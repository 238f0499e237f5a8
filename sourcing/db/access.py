"""Who may see and change a shortlist, and the row-level writes every rule module shares.

Access rule: a shortlist is readable and editable by its owner and by the users it is shared
with; only the owner renames, deletes or (un)shares it. Anyone else gets a PermissionError with
a French message. A missing shortlist or entry is a `NotFoundError` (a LookupError).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from sourcing.db.models import Shortlist, ShortlistShare, utcnow

NAME_MAX = 200


class NotFoundError(LookupError):
    """The shortlist, entry or meeting does not exist; the message is French."""


class ConcurrentEditError(RuntimeError):
    """Someone else changed the entry since it was read; the message is French."""


def clean_list_name(name: str) -> str:
    """The list name with its spaces collapsed; empty or too long: ValueError (French)."""
    name = " ".join((name or "").split())
    if not name:
        raise ValueError("Donnez un nom à la liste.")
    if len(name) > NAME_MAX:
        raise ValueError(f"Le nom de la liste est trop long ({len(name)} caractères, {NAME_MAX} au plus).")
    return name


def visible_to(user: str) -> ColumnElement[bool]:
    """The SQL condition "the shortlist is `user`'s own or shared with them"."""
    shared = select(ShortlistShare.shortlist_id).where(ShortlistShare.user == user)
    return or_(Shortlist.owner == user, Shortlist.id.in_(shared))


def get_shortlist(
    session: Session, user: str, shortlist_id: int, *, owner_only: bool = False, lock: bool = False
) -> Shortlist:
    """The shortlist if `user` may see it (owns it, or it is shared with them; owner only for
    rename, delete and sharing).

    `lock`: every write first locks the shortlist's row (PostgreSQL SELECT … FOR NO KEY UPDATE;
    SQLite's BEGIN IMMEDIATE already serialises writers). Writers of one list thus queue in the
    same order, which rules out deadlocks between two sessions inserting the same suppliers."""
    if lock:
        shortlist = session.get(Shortlist, shortlist_id, with_for_update={"key_share": True})
    else:
        shortlist = session.get(Shortlist, shortlist_id)
    if shortlist is None:
        raise NotFoundError(f"Liste introuvable (n° {shortlist_id}) : elle a peut-être été supprimée.")
    if shortlist.owner == user:
        return shortlist
    if owner_only:
        raise PermissionError(
            f"Seul son propriétaire ({shortlist.owner}) peut faire cela sur la liste « {shortlist.name} »."
        )
    shared = session.get(ShortlistShare, (shortlist_id, user))
    if shared is None:
        raise PermissionError("Cette liste appartient à un autre utilisateur et ne vous a pas été partagée.")
    return shortlist


def find_shortlist(session: Session, user: str, name: str) -> Shortlist:
    """The shortlist called `name` among those `user` can see (their own first)."""
    name = clean_list_name(name)
    rows = session.scalars(
        select(Shortlist)
        .where(visible_to(user), Shortlist.name == name)
        .order_by((Shortlist.owner != user), Shortlist.id)
    ).all()
    if not rows:
        raise NotFoundError(f"Aucune liste « {name} ».")
    return rows[0]


def touch_shortlist(session: Session, shortlist_id: int) -> None:
    """Mark the list as changed now (what "my lists" sorts and shows by)."""
    session.execute(update(Shortlist).where(Shortlist.id == shortlist_id).values(updated_at=utcnow()))


def insert_ignore(session: Session, model, rows: list[dict[str, Any]]) -> int:
    """INSERT rows, skipping those that hit a unique constraint (rows already there, possibly
    added by a concurrent session a moment ago). Returns how many were inserted."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # RETURNING counts the inserted rows on both backends (rowcount is not reliable for
    # multi-row INSERT … ON CONFLICT with every driver).
    # One statement compiled once and sent as executemany (SQLAlchemy batches it into multi-row
    # VALUES itself): compiling a single VALUES clause of thousands of rows took most of the time.
    table = model.__table__
    key = inspect(model).primary_key[0]
    statement = insert(table).on_conflict_do_nothing().returning(table.c[key.name])
    result = session.connection().execute(statement, rows)
    return len(result.all())
