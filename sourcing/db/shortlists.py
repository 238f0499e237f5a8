"""Shortlists as a whole: create, rename, duplicate, delete, list "my lists", and team sharing.

Every function takes an open `Session` and the acting `user`, and never commits itself (see
`sourcing.db.service` for the rules every module here keeps).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sourcing.db.access import clean_list_name, get_shortlist, insert_ignore, visible_to
from sourcing.db.audit import record
from sourcing.db.models import ContactLog, Shortlist, ShortlistEntry, ShortlistShare, utcnow

# What a copy of an entry takes over from the original (the snapshot is copied apart, as a new dict).
_COPIED_ENTRY_FIELDS = ("supplier_id", "status", "notes", "added_at")


def _name_taken(session: Session, owner: str, name: str, exclude_id: int | None = None) -> bool:
    query = select(Shortlist.id).where(Shortlist.owner == owner, Shortlist.name == name)
    if exclude_id is not None:
        query = query.where(Shortlist.id != exclude_id)
    return session.scalar(query) is not None


def _insert_shortlist(session: Session, owner: str, name: str) -> Shortlist:
    if _name_taken(session, owner, name):
        raise ValueError(f"Vous avez déjà une liste « {name} » : choisissez un autre nom.")
    shortlist = Shortlist(owner=owner, name=name)
    try:
        with session.begin_nested():  # the unique constraint decides if a concurrent session won the race
            session.add(shortlist)
            session.flush()
    except IntegrityError as exc:
        raise ValueError(f"Vous avez déjà une liste « {name} » : choisissez un autre nom.") from exc
    return shortlist


def create_shortlist(session: Session, user: str, name: str) -> Shortlist:
    """A new empty shortlist owned by `user`; names are unique per owner."""
    return _insert_shortlist(session, user, clean_list_name(name))


def rename_shortlist(session: Session, user: str, shortlist_id: int, new_name: str) -> Shortlist:
    """Rename (owner only)."""
    shortlist = get_shortlist(session, user, shortlist_id, owner_only=True, lock=True)
    name = clean_list_name(new_name)
    if _name_taken(session, user, name, exclude_id=shortlist_id):
        raise ValueError(f"Vous avez déjà une liste « {name} » : choisissez un autre nom.")
    shortlist.name = name
    shortlist.updated_at = utcnow()
    session.flush()
    return shortlist


def _copy_name(session: Session, user: str, name: str) -> str:
    """ "<name> (copie)", else "(copie 2)", "(copie 3)"… the first the user has no list called."""
    candidate, n = f"{name} (copie)", 1
    while _name_taken(session, user, candidate):
        n += 1
        candidate = f"{name} (copie {n})"
    return candidate


def duplicate_shortlist(session: Session, user: str, shortlist_id: int, new_name: str | None = None) -> Shortlist:
    """A copy owned by `user` (entries with their status, notes, snapshot and contact log;
    not the shares). Default name: "<name> (copie)", "(copie 2)"…"""
    source = get_shortlist(session, user, shortlist_id)
    if new_name is None:
        new_name = _copy_name(session, user, source.name)
    copy = _insert_shortlist(session, user, clean_list_name(new_name))
    entries = session.scalars(select(ShortlistEntry).where(ShortlistEntry.shortlist_id == source.id)).all()
    for entry in entries:
        fields = {name: getattr(entry, name) for name in _COPIED_ENTRY_FIELDS}
        new_entry = ShortlistEntry(shortlist_id=copy.id, snapshot=dict(entry.snapshot), **fields)
        new_entry.contacts = [
            ContactLog(at=c.at, channel=c.channel, text=c.text, author=c.author) for c in entry.contacts
        ]
        session.add(new_entry)
    session.flush()
    return copy


def delete_shortlist(session: Session, user: str, shortlist_id: int, *, confirm: bool = False) -> None:
    """Delete a shortlist with its entries and contact log (owner only, and only with
    `confirm=True`: the page asks first). Meetings prepared from it are kept, detached."""
    shortlist = get_shortlist(session, user, shortlist_id, owner_only=True, lock=True)
    if not confirm:
        raise ValueError(
            f"Confirmez la suppression de la liste « {shortlist.name} » : ses fournisseurs, notes et "
            "historique de contacts seront perdus."
        )
    record(session, user, "list_deleted", shortlist.name)
    session.execute(delete(Shortlist).where(Shortlist.id == shortlist_id))
    session.expunge(shortlist)


@dataclass(frozen=True)
class ShortlistInfo:
    """One line of "my lists": what a picker shows."""

    id: int
    name: str
    owner: str
    shared: bool  # True when it belongs to someone else and is shared with the user
    entries: int
    created_at: datetime
    updated_at: datetime


def list_shortlists(session: Session, user: str) -> list[ShortlistInfo]:
    """The user's own shortlists, then those shared with them; each with its entry count."""
    counts = (
        select(ShortlistEntry.shortlist_id, func.count().label("n")).group_by(ShortlistEntry.shortlist_id).subquery()
    )
    rows = session.execute(
        select(Shortlist, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.shortlist_id == Shortlist.id)
        .where(visible_to(user))
        .order_by((Shortlist.owner != user), func.lower(Shortlist.name), Shortlist.id)
    ).all()
    return [ShortlistInfo(s.id, s.name, s.owner, s.owner != user, int(n), s.created_at, s.updated_at) for s, n in rows]


# --- Sharing ---------------------------------------------------------------------------------


def share_shortlist(session: Session, user: str, shortlist_id: int, with_user: str) -> None:
    """Let `with_user` read and edit the list (owner only; sharing twice is harmless)."""
    shortlist = get_shortlist(session, user, shortlist_id, owner_only=True, lock=True)
    with_user = (with_user or "").strip()
    if not with_user or with_user == user:
        raise ValueError("Indiquez un autre utilisateur avec qui partager la liste.")
    rows = [{"shortlist_id": shortlist_id, "user": with_user, "created_at": utcnow()}]
    if insert_ignore(session, ShortlistShare, rows):
        record(session, user, "list_shared", shortlist.name, with_user)


def unshare_shortlist(session: Session, user: str, shortlist_id: int, with_user: str) -> None:
    """Withdraw the sharing (owner only)."""
    shortlist = get_shortlist(session, user, shortlist_id, owner_only=True, lock=True)
    done = session.execute(
        delete(ShortlistShare).where(ShortlistShare.shortlist_id == shortlist_id, ShortlistShare.user == with_user)
    )
    if done.rowcount:
        record(session, user, "list_unshared", shortlist.name, with_user)


def shared_with(session: Session, user: str, shortlist_id: int) -> list[str]:
    """The users the list is shared with."""
    get_shortlist(session, user, shortlist_id)
    return list(
        session.scalars(
            select(ShortlistShare.user).where(ShortlistShare.shortlist_id == shortlist_id).order_by(ShortlistShare.user)
        )
    )
