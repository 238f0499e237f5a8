"""Shortlists and meetings: the rules, whoever calls (Streamlit page, CLI, tests).

Every function takes an open `Session` (see `session_scope`) and the acting `user`; it never
commits itself, so that a caller can group several calls in one transaction.

Access rule: a shortlist is readable and editable by its owner and by the users it is shared
with; only the owner renames, deletes or (un)shares it. Anyone else gets a PermissionError with
a French message. A missing shortlist or entry is a `NotFoundError` (a LookupError).

Concurrency rule: edits are single-row statements (INSERT … ON CONFLICT DO NOTHING, UPDATE …
WHERE id = …), never a read-modify-write of a whole list, so two sessions editing the same list
at once lose nothing. An edit may also pass `expected_version`: it is then applied only if
nobody changed the entry since it was read, else `ConcurrentEditError`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import delete, func, inspect, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sourcing.db.models import (
    DEFAULT_STATUS,
    STATUSES,
    ContactLog,
    Meeting,
    MeetingInvite,
    Shortlist,
    ShortlistEntry,
    ShortlistShare,
    utcnow,
)
from sourcing.model import CANONICAL_COLUMNS, LIST_COLUMNS

NAME_MAX = 200
CHANNELS: tuple[str, ...] = ("courriel", "téléphone", "courrier", "rencontre", "autre")


class NotFoundError(LookupError):
    """The shortlist, entry or meeting does not exist; the message is French."""


class ConcurrentEditError(RuntimeError):
    """Someone else changed the entry since it was read; the message is French."""


# --- Snapshots ---------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    """A JSON-safe Python value: numpy scalars and arrays unwrapped, NaN / NA / NaT -> None."""
    if value is None:
        return None
    if hasattr(value, "tolist") and not isinstance(value, str):
        value = value.tolist()  # numpy arrays (list columns read from Parquet) and numpy scalars
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, bool | int | str):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, pd.Timestamp | datetime):
        return value.isoformat()
    return str(value)


def supplier_snapshot(row: Mapping[str, Any] | pd.Series) -> dict[str, Any]:
    """The supplier's canonical fields as JSON (raw source columns left out, lists as lists)."""
    get = row.get
    snap: dict[str, Any] = {}
    for col in CANONICAL_COLUMNS:
        value = _json_value(get(col))
        if col in LIST_COLUMNS and value is None:
            value = []
        snap[col] = value
    return snap


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, float) and isinstance(new, float):
        return math.isclose(old, new, rel_tol=0, abs_tol=1e-9)
    if isinstance(old, int | float) and isinstance(new, int | float) and not isinstance(old, bool):
        return float(old) == float(new)
    return old == new


def changes_since_snapshot(
    entry: ShortlistEntry | Mapping[str, Any], current_row: Mapping[str, Any] | pd.Series
) -> dict[str, tuple[Any, Any]]:
    """Fields whose value differs between the snapshot taken when the supplier was added and
    its row in the directory now: ``{field: (old, new)}`` (empty when nothing changed)."""
    snapshot = entry.snapshot if isinstance(entry, ShortlistEntry) else entry
    current = supplier_snapshot(current_row)
    changes: dict[str, tuple[Any, Any]] = {}
    for col in CANONICAL_COLUMNS:
        old, new = snapshot.get(col), current.get(col)
        if col in LIST_COLUMNS:
            old = old or []
        if not _same(old, new):
            changes[col] = (old, new)
    return changes


# --- Access ------------------------------------------------------------------------------


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValueError("Donnez un nom à la liste.")
    if len(name) > NAME_MAX:
        raise ValueError(f"Le nom de la liste est trop long ({len(name)} caractères, {NAME_MAX} au plus).")
    return name


def _visible(user: str):
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
    name = _clean_name(name)
    rows = session.scalars(
        select(Shortlist)
        .where(_visible(user), Shortlist.name == name)
        .order_by((Shortlist.owner != user), Shortlist.id)
    ).all()
    if not rows:
        raise NotFoundError(f"Aucune liste « {name} ».")
    return rows[0]


def _touch(session: Session, shortlist_id: int) -> None:
    session.execute(update(Shortlist).where(Shortlist.id == shortlist_id).values(updated_at=utcnow()))


# --- Shortlists ----------------------------------------------------------------------------


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
    return _insert_shortlist(session, user, _clean_name(name))


def rename_shortlist(session: Session, user: str, shortlist_id: int, new_name: str) -> Shortlist:
    """Rename (owner only)."""
    shortlist = get_shortlist(session, user, shortlist_id, owner_only=True, lock=True)
    name = _clean_name(new_name)
    if _name_taken(session, user, name, exclude_id=shortlist_id):
        raise ValueError(f"Vous avez déjà une liste « {name} » : choisissez un autre nom.")
    shortlist.name = name
    shortlist.updated_at = utcnow()
    session.flush()
    return shortlist


def duplicate_shortlist(session: Session, user: str, shortlist_id: int, new_name: str | None = None) -> Shortlist:
    """A copy owned by `user` (entries with their status, notes, snapshot and contact log;
    not the shares). Default name: "<name> (copie)", "(copie 2)"…"""
    source = get_shortlist(session, user, shortlist_id)
    if new_name is None:
        base, n = f"{source.name} (copie)", 1
        new_name = base
        while _name_taken(session, user, new_name):
            n += 1
            new_name = f"{source.name} (copie {n})"
    copy = _insert_shortlist(session, user, _clean_name(new_name))
    entries = session.scalars(select(ShortlistEntry).where(ShortlistEntry.shortlist_id == source.id)).all()
    for entry in entries:
        new_entry = ShortlistEntry(
            shortlist_id=copy.id,
            supplier_id=entry.supplier_id,
            status=entry.status,
            notes=entry.notes,
            added_at=entry.added_at,
            snapshot=dict(entry.snapshot),
        )
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
        .where(_visible(user))
        .order_by((Shortlist.owner != user), func.lower(Shortlist.name), Shortlist.id)
    ).all()
    return [ShortlistInfo(s.id, s.name, s.owner, s.owner != user, int(n), s.created_at, s.updated_at) for s, n in rows]


def share_shortlist(session: Session, user: str, shortlist_id: int, with_user: str) -> None:
    """Let `with_user` read and edit the list (owner only; sharing twice is harmless)."""
    get_shortlist(session, user, shortlist_id, owner_only=True, lock=True)
    with_user = (with_user or "").strip()
    if not with_user or with_user == user:
        raise ValueError("Indiquez un autre utilisateur avec qui partager la liste.")
    _insert_ignore(session, ShortlistShare, [{"shortlist_id": shortlist_id, "user": with_user, "created_at": utcnow()}])


def unshare_shortlist(session: Session, user: str, shortlist_id: int, with_user: str) -> None:
    """Withdraw the sharing (owner only)."""
    get_shortlist(session, user, shortlist_id, owner_only=True, lock=True)
    session.execute(
        delete(ShortlistShare).where(ShortlistShare.shortlist_id == shortlist_id, ShortlistShare.user == with_user)
    )


def shared_with(session: Session, user: str, shortlist_id: int) -> list[str]:
    """The users the list is shared with."""
    get_shortlist(session, user, shortlist_id)
    return list(
        session.scalars(
            select(ShortlistShare.user).where(ShortlistShare.shortlist_id == shortlist_id).order_by(ShortlistShare.user)
        )
    )


# --- Entries -------------------------------------------------------------------------------


def _insert_ignore(session: Session, model, rows: list[dict[str, Any]]) -> int:
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


def _supplier_ids(rows: pd.DataFrame) -> pd.Series:
    """`id`, else `siret`, as text; a row without either cannot be added."""
    ids = rows["id"].astype("string") if "id" in rows.columns else pd.Series(pd.NA, index=rows.index, dtype="string")
    if "siret" in rows.columns:
        ids = ids.fillna(rows["siret"].astype("string"))
    if ids.isna().any():
        raise ValueError("Un fournisseur sans identifiant ni SIRET ne peut pas être ajouté à une liste.")
    return ids.astype(str)


def add_suppliers(session: Session, user: str, shortlist_id: int, rows: pd.DataFrame) -> int:
    """Add suppliers (directory rows) to the list with status « à contacter » and a snapshot.
    Suppliers already in the list are left as they are (idempotent). Returns how many were new."""
    get_shortlist(session, user, shortlist_id, lock=True)
    if rows.empty:
        return 0
    ids = _supplier_ids(rows)
    now = utcnow()
    values = []
    seen: set[str] = set()
    # Plain dicts, not `iterrows`: a Series lookup per field was half the time of a 2,000-row add.
    records = rows.reindex(columns=list(CANONICAL_COLUMNS)).to_dict("records")
    for supplier_id, row in zip(ids, records, strict=True):
        if supplier_id in seen:
            continue
        seen.add(supplier_id)
        values.append(
            {
                "shortlist_id": shortlist_id,
                "supplier_id": supplier_id,
                "status": DEFAULT_STATUS,
                "notes": "",
                "added_at": now,
                "updated_at": now,
                "version": 1,
                "snapshot": supplier_snapshot(row),
            }
        )
    added = _insert_ignore(session, ShortlistEntry, values)
    if added:
        _touch(session, shortlist_id)
    return added


def remove_entry(session: Session, user: str, entry_id: int) -> None:
    """Take a supplier off the list (its notes and contact log go with it)."""
    entry = get_entry(session, user, entry_id, lock=True)
    session.execute(delete(ShortlistEntry).where(ShortlistEntry.id == entry_id))
    session.expunge(entry)
    _touch(session, entry.shortlist_id)


def get_entry(session: Session, user: str, entry_id: int, *, lock: bool = False) -> ShortlistEntry:
    """The entry if `user` may see its shortlist (`lock`: see `get_shortlist`)."""
    entry = session.get(ShortlistEntry, entry_id)
    if entry is None:
        raise NotFoundError(
            f"Fournisseur introuvable dans la liste (entrée n° {entry_id}) : il a peut-être été retiré."
        )
    get_shortlist(session, user, entry.shortlist_id, lock=lock)
    return entry


def entries(session: Session, user: str, shortlist_id: int) -> list[ShortlistEntry]:
    """The list's entries, in the order they were added."""
    get_shortlist(session, user, shortlist_id)
    return list(
        session.scalars(
            select(ShortlistEntry)
            .where(ShortlistEntry.shortlist_id == shortlist_id)
            .order_by(ShortlistEntry.added_at, ShortlistEntry.id)
        )
    )


def entries_frame(session: Session, user: str, shortlist_id: int) -> pd.DataFrame:
    """The list as a table: the canonical supplier columns (from the snapshots), then
    `status`, `notes`, `entry_id`, `added_at`, `version`. What exports and the page show."""
    get_shortlist(session, user, shortlist_id)
    # Columns, not ORM objects: the page reads the list on every rerun.
    rows = session.execute(
        select(
            ShortlistEntry.id,
            ShortlistEntry.supplier_id,
            ShortlistEntry.snapshot,
            ShortlistEntry.status,
            ShortlistEntry.notes,
            ShortlistEntry.added_at,
            ShortlistEntry.version,
        )
        .where(ShortlistEntry.shortlist_id == shortlist_id)
        .order_by(ShortlistEntry.added_at, ShortlistEntry.id)
    ).all()
    records = [
        {
            **{c: e.snapshot.get(c) for c in CANONICAL_COLUMNS},
            "status": e.status,
            "notes": e.notes,
            "entry_id": e.id,
            "added_at": e.added_at,
            "version": e.version,
        }
        for e in rows
    ]
    columns = [*CANONICAL_COLUMNS, "status", "notes", "entry_id", "added_at", "version"]
    frame = pd.DataFrame.from_records(records, columns=columns)
    for col in LIST_COLUMNS:
        frame[col] = frame[col].map(lambda v: v if isinstance(v, list) else [])
    frame["id"] = [e.supplier_id for e in rows]
    return frame


def _update_entry(
    session: Session, user: str, entry_id: int, values: dict[str, Any], expected_version: int | None
) -> ShortlistEntry:
    entry = get_entry(session, user, entry_id, lock=True)
    condition = [ShortlistEntry.id == entry_id]
    if expected_version is not None:
        condition.append(ShortlistEntry.version == expected_version)
    result = session.execute(
        update(ShortlistEntry)
        .where(*condition)
        .values(**values, version=ShortlistEntry.version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 0:
        raise ConcurrentEditError(
            "Ce fournisseur a été modifié par quelqu'un d'autre entre-temps : rechargez la liste puis recommencez."
        )
    _touch(session, entry.shortlist_id)
    session.refresh(entry)
    return entry


def set_status(
    session: Session, user: str, entry_id: int, status: str, *, expected_version: int | None = None
) -> ShortlistEntry:
    """Set the follow-up status; it must be one of `STATUSES`."""
    if status not in STATUSES:
        raise ValueError(f"Statut inconnu : « {status} ». Statuts possibles : {', '.join(STATUSES)}.")
    return _update_entry(session, user, entry_id, {"status": status}, expected_version)


def set_notes(
    session: Session, user: str, entry_id: int, notes: str, *, expected_version: int | None = None
) -> ShortlistEntry:
    """Replace the entry's free notes."""
    return _update_entry(session, user, entry_id, {"notes": notes or ""}, expected_version)


def refresh_snapshot(
    session: Session, user: str, entry_id: int, current_row: Mapping[str, Any] | pd.Series
) -> ShortlistEntry:
    """Accept the directory's current data for the supplier (after reviewing the changes)."""
    return _update_entry(session, user, entry_id, {"snapshot": supplier_snapshot(current_row)}, None)


def add_contact(
    session: Session, user: str, entry_id: int, channel: str, text: str, *, at: datetime | None = None
) -> ContactLog:
    """Log a contact with the supplier (channel: courriel, téléphone, courrier, rencontre, autre)."""
    entry = get_entry(session, user, entry_id, lock=True)
    channel = (channel or "").strip().lower()
    if channel not in CHANNELS:
        raise ValueError(f"Canal de contact inconnu : « {channel} ». Canaux possibles : {', '.join(CHANNELS)}.")
    log = ContactLog(entry_id=entry.id, channel=channel, text=text or "", author=user, at=at or utcnow())
    session.add(log)
    session.flush()
    _touch(session, entry.shortlist_id)
    return log


def contact_log(session: Session, user: str, entry_id: int) -> list[ContactLog]:
    """The entry's contacts, oldest first."""
    get_entry(session, user, entry_id)
    return list(
        session.scalars(
            select(ContactLog).where(ContactLog.entry_id == entry_id).order_by(ContactLog.at, ContactLog.id)
        )
    )


# --- Meetings ------------------------------------------------------------------------------


def create_meeting(
    session: Session,
    user: str,
    *,
    title: str,
    start: datetime,
    slot_minutes: int,
    purpose: str = "",
    place_or_link: str = "",
    break_minutes: int = 0,
    shortlist_id: int | None = None,
) -> Meeting:
    """A meeting owned by `user`, optionally prepared from a shortlist they can see."""
    if not (title or "").strip():
        raise ValueError("Donnez un titre à la rencontre.")
    if slot_minutes <= 0 or break_minutes < 0:
        raise ValueError("La durée des créneaux doit être positive (et la pause, positive ou nulle).")
    if shortlist_id is not None:
        get_shortlist(session, user, shortlist_id)
    meeting = Meeting(
        owner=user,
        title=title.strip(),
        purpose=purpose or "",
        start=start.replace(tzinfo=None),
        place_or_link=place_or_link or "",
        slot_minutes=slot_minutes,
        break_minutes=break_minutes,
        shortlist_id=shortlist_id,
    )
    session.add(meeting)
    session.flush()
    return meeting


def get_meeting(session: Session, user: str, meeting_id: int) -> Meeting:
    """The meeting if `user` owns it."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFoundError(f"Rencontre introuvable (n° {meeting_id}).")
    if meeting.owner != user:
        raise PermissionError("Cette rencontre appartient à un autre utilisateur.")
    return meeting


def list_meetings(session: Session, user: str) -> list[Meeting]:
    """The user's meetings, soonest first."""
    return list(session.scalars(select(Meeting).where(Meeting.owner == user).order_by(Meeting.start, Meeting.id)))


def delete_meeting(session: Session, user: str, meeting_id: int, *, confirm: bool = False) -> None:
    """Delete a meeting and its invitation record (only with `confirm=True`)."""
    meeting = get_meeting(session, user, meeting_id)
    if not confirm:
        raise ValueError(f"Confirmez la suppression de la rencontre « {meeting.title} » et de ses invitations.")
    session.execute(delete(Meeting).where(Meeting.id == meeting_id))
    session.expunge(meeting)


def invite_suppliers(
    session: Session, user: str, meeting_id: int, suppliers: Iterable[tuple[str, Mapping[str, Any]]]
) -> int:
    """Invite suppliers given as (supplier_id, snapshot) pairs; already invited ones are kept.
    Returns how many were new."""
    get_meeting(session, user, meeting_id)
    now = utcnow()
    rows = [
        {"meeting_id": meeting_id, "supplier_id": sid, "snapshot": dict(snap), "info_given": "", "invited_at": now}
        for sid, snap in suppliers
    ]
    return _insert_ignore(session, MeetingInvite, rows)


def invite_from_shortlist(session: Session, user: str, meeting_id: int, shortlist_id: int) -> int:
    """Invite every supplier of the shortlist (with its snapshot); returns how many were new."""
    found = entries(session, user, shortlist_id)
    return invite_suppliers(session, user, meeting_id, [(e.supplier_id, e.snapshot) for e in found])


def invites(session: Session, user: str, meeting_id: int) -> list[MeetingInvite]:
    """The invitations, by slot then supplier name."""
    get_meeting(session, user, meeting_id)
    found = session.scalars(select(MeetingInvite).where(MeetingInvite.meeting_id == meeting_id)).all()
    return sorted(
        found, key=lambda i: (i.slot_start is None, i.slot_start or datetime.min, str(i.snapshot.get("name") or ""))
    )


def set_slots(session: Session, user: str, meeting_id: int, slots: Mapping[str, datetime | None]) -> None:
    """Record each invited supplier's slot start (supplier_id -> Paris wall-clock time)."""
    get_meeting(session, user, meeting_id)
    for supplier_id, start in slots.items():
        session.execute(
            update(MeetingInvite)
            .where(MeetingInvite.meeting_id == meeting_id, MeetingInvite.supplier_id == supplier_id)
            .values(slot_start=start.replace(tzinfo=None) if start else None)
        )


def record_attendance(
    session: Session, user: str, invite_id: int, *, attended: bool | None, info_given: str = ""
) -> MeetingInvite:
    """Trace whether the supplier came and what information was given to them (equal treatment)."""
    invite = session.get(MeetingInvite, invite_id)
    if invite is None:
        raise NotFoundError(f"Invitation introuvable (n° {invite_id}).")
    get_meeting(session, user, invite.meeting_id)
    invite.attended = attended
    invite.info_given = info_given or ""
    session.flush()
    return invite


def to_schedule_meeting(meeting: Meeting):
    """The `sourcing.meetings.Meeting` (schedule builder, exports) for a stored meeting."""
    from sourcing.meetings import Meeting as ScheduleMeeting

    return ScheduleMeeting(
        title=meeting.title,
        purpose=meeting.purpose,
        start=meeting.start,
        place_or_link=meeting.place_or_link,
        slot_minutes=meeting.slot_minutes,
        break_minutes=meeting.break_minutes,
    )
