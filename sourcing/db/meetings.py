"""Stored buyer–supplier meetings: create one (from a shortlist, in one call), invite suppliers,
plan and keep the day's schedule, record who came and what they were told.

The rules of the day itself (slot lengths, lunch) are `sourcing.schedule`; the documents built
from a stored meeting are `sourcing.db.meeting_files`. A meeting is its owner's only. Every
function takes an open `Session` and the acting `user`, and never commits itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime, timedelta
from typing import Any, Final

import pandas as pd
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from sourcing.db.access import NotFoundError, get_shortlist, insert_ignore
from sourcing.db.entries import entries
from sourcing.db.models import STATUSES, Meeting, MeetingInvite, utcnow
from sourcing.db.snapshots import snapshots_frame
from sourcing.schedule import MeetingPlan, Order, Slot, build_schedule

# Who is invited when a meeting is prepared from a list, unless the buyer says otherwise.
DEFAULT_INVITED_STATUSES: Final[tuple[str, ...]] = tuple(s for s in STATUSES if s != "décliné")
# `invited_suppliers`' columns after the supplier's: frame column -> invitation column.
_FRAME_COLUMNS: Final[dict[str, str]] = {
    "id": "supplier_id", "invite_id": "id", "slot_start": "slot_start", "attended": "attended",
    "info_given": "info_given", "invited_at": "invited_at",
}  # fmt: skip


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


def meeting_plan(meeting: Meeting) -> MeetingPlan:
    """What the schedule and the documents need to know of a stored meeting (the plan's fields
    are columns of the stored meeting, under the same names)."""
    return MeetingPlan(**{f.name: getattr(meeting, f.name) for f in fields(MeetingPlan)})


# --- Invitations and attendance -----------------------------------------------------------------


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
    return insert_ignore(session, MeetingInvite, rows)


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


def invited_suppliers(session: Session, user: str, meeting_id: int) -> pd.DataFrame:
    """The invited suppliers as directory rows (from the snapshots taken when invited), in
    schedule order, with `invite_id`, `slot_start`, `attended`, `info_given`, `invited_at`."""
    found = invites(session, user, meeting_id)
    return snapshots_frame(found, _FRAME_COLUMNS)


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


@dataclass(frozen=True)
class Attendance:
    """Whether one invited supplier came (None: not known yet) and what they were told."""

    invite_id: int
    attended: bool | None
    info_given: str


def record_attendances(session: Session, user: str, records: Sequence[Attendance]) -> int:
    """`record_attendance` for each record, all or nothing (one transaction); returns how many."""
    for record in records:
        record_attendance(session, user, record.invite_id, attended=record.attended, info_given=record.info_given)
    return len(records)


# --- Schedule -----------------------------------------------------------------------------------


def set_slots(session: Session, user: str, meeting_id: int, slots: Mapping[str, datetime | None]) -> None:
    """Record each invited supplier's slot start (supplier_id -> Paris wall-clock time)."""
    get_meeting(session, user, meeting_id)
    for supplier_id, start in slots.items():
        session.execute(
            update(MeetingInvite)
            .where(MeetingInvite.meeting_id == meeting_id, MeetingInvite.supplier_id == supplier_id)
            .values(slot_start=start.replace(tzinfo=None) if start else None)
        )


def plan_schedule(session: Session, user: str, meeting_id: int, order: Order = "distance") -> list[Slot]:
    """Build the one-to-one slots for every invited supplier (see `build_schedule`) and store
    each supplier's slot, so that the pack, the calendar and the page agree afterwards."""
    meeting = get_meeting(session, user, meeting_id)
    suppliers = invited_suppliers(session, user, meeting_id)
    slots = build_schedule(meeting_plan(meeting), suppliers, order=order)
    set_slots(session, user, meeting_id, {s.supplier_id: s.start for s in slots})
    return slots


def stored_schedule(session: Session, user: str, meeting_id: int) -> list[Slot]:
    """The slots as stored; invited suppliers without a slot yet (invited after the schedule
    was planned) get the next free slots at the end of the day, in invitation order."""
    meeting = get_meeting(session, user, meeting_id)
    suppliers = invited_suppliers(session, user, meeting_id)
    if suppliers.empty:
        return []
    length = timedelta(minutes=meeting.slot_minutes)
    planned = suppliers[suppliers["slot_start"].notna()]
    if planned.empty:
        return plan_schedule(session, user, meeting_id)
    slots = []
    for r in planned.itertuples():
        start = pd.Timestamp(r.slot_start).to_pydatetime()
        slots.append(Slot(str(r.id), str(r.name or "(sans nom)"), start, start + length))
    unplanned = suppliers[suppliers["slot_start"].isna()]
    if len(unplanned):
        pause = timedelta(minutes=meeting.break_minutes)
        later = replace(meeting_plan(meeting), start=max(s.end for s in slots) + pause)
        extra = build_schedule(later, unplanned, order="given")
        set_slots(session, user, meeting_id, {s.supplier_id: s.start for s in extra})
        slots += extra
    return sorted(slots, key=lambda s: (s.start, s.supplier_name))


# --- A meeting prepared from a list, in one call ---------------------------------------------------


@dataclass(frozen=True)
class PreparedMeeting:
    """A meeting just created from a list: the stored meeting and its planned day."""

    meeting: Meeting
    slots: list[Slot]

    @property
    def invited(self) -> int:
        return len(self.slots)


def create_meeting_from_shortlist(
    session: Session,
    user: str,
    shortlist_id: int,
    plan: MeetingPlan,
    *,
    statuses: Iterable[str] = DEFAULT_INVITED_STATUSES,
    order: Order = "distance",
) -> PreparedMeeting:
    """Create the meeting `plan` describes, invite the list's suppliers whose follow-up status is
    one of `statuses` (with their snapshots) and plan the day in `order`: what the page's form and
    `python -m sourcing meeting create` do. None matching: ValueError (French; the caller's
    transaction is rolled back, nothing is kept)."""
    wanted = set(statuses)
    unknown = sorted(wanted - set(STATUSES))
    if unknown:
        raise ValueError(f"Statut inconnu : « {', '.join(unknown)} ». Statuts possibles : {', '.join(STATUSES)}.")
    meeting = create_meeting(session, user, shortlist_id=shortlist_id, **asdict(plan))
    chosen = [e for e in entries(session, user, shortlist_id) if e.status in wanted]
    if not chosen:
        raise ValueError("Aucun fournisseur de la liste n'a l'un de ces statuts : rien à planifier.")
    invite_suppliers(session, user, meeting.id, [(e.supplier_id, e.snapshot) for e in chosen])
    return PreparedMeeting(meeting, plan_schedule(session, user, meeting.id, order=order))
