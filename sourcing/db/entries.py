"""The suppliers of a shortlist: add and remove them, their follow-up (status, notes, version),
the snapshot taken when added, and the log of contacts with each.

Every function takes an open `Session` and the acting `user`, and never commits itself (see
`sourcing.db.service` for the access and concurrency rules every module here keeps).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import pandas as pd
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from sourcing.db.access import ConcurrentEditError, NotFoundError, get_shortlist, insert_ignore, touch_shortlist
from sourcing.db.models import DEFAULT_STATUS, STATUSES, ContactLog, ShortlistEntry, utcnow
from sourcing.db.snapshots import snapshots_frame, supplier_snapshot
from sourcing.model import CANONICAL_COLUMNS

CHANNELS: tuple[str, ...] = ("courriel", "téléphone", "courrier", "rencontre", "autre")
# `entries_frame`'s columns after the supplier's: frame column -> entry column.
_FRAME_COLUMNS: Final[dict[str, str]] = {
    "status": "status", "notes": "notes", "entry_id": "id", "added_at": "added_at", "version": "version",
    "id": "supplier_id",  # the supplier's id as the list knows it, whatever the snapshot says
}  # fmt: skip


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
    added = insert_ignore(session, ShortlistEntry, values)
    if added:
        touch_shortlist(session, shortlist_id)
    return added


def remove_entry(session: Session, user: str, entry_id: int) -> None:
    """Take a supplier off the list (its notes and contact log go with it)."""
    entry = get_entry(session, user, entry_id, lock=True)
    session.execute(delete(ShortlistEntry).where(ShortlistEntry.id == entry_id))
    session.expunge(entry)
    touch_shortlist(session, entry.shortlist_id)


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
    return snapshots_frame(rows, _FRAME_COLUMNS)


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
    touch_shortlist(session, entry.shortlist_id)
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


@dataclass(frozen=True)
class FollowUpEdit:
    """A buyer's new status and notes for one entry, made on the `version` they read."""

    entry_id: int
    version: int
    status: str
    notes: str


def save_follow_ups(session: Session, user: str, edits: Sequence[FollowUpEdit]) -> int:
    """Save each edit's status then notes; an entry changed by someone else since it was read
    refuses the whole batch (`ConcurrentEditError`: the caller's transaction is rolled back)."""
    for edit in edits:
        entry = set_status(session, user, edit.entry_id, edit.status, expected_version=edit.version)
        set_notes(session, user, edit.entry_id, edit.notes, expected_version=entry.version)
    return len(edits)


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
    touch_shortlist(session, entry.shortlist_id)
    return log


def contact_log(session: Session, user: str, entry_id: int) -> list[ContactLog]:
    """The entry's contacts, oldest first."""
    get_entry(session, user, entry_id)
    return list(
        session.scalars(
            select(ContactLog).where(ContactLog.entry_id == entry_id).order_by(ContactLog.at, ContactLog.id)
        )
    )
