"""A stored meeting turned into what the buyer downloads: the invitation list, the meeting pack,
the calendar file, the traceability record and each supplier's brief (the schedule they show is
planned and kept by `sourcing.db.meetings`).

Shared by the Streamlit page and the CLI; no Streamlit here. Every function takes an open
session and the acting user, and goes through `sourcing.db.meetings` for the access rule (a
meeting is its owner's only).

Safety rule: supplier text comes from directory files and is untrusted; the documents escape
or neutralise it themselves (see `sourcing.exports`), nothing here builds HTML or formulas.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from typing import Final, Literal

import pandas as pd
from sqlalchemy.orm import Session

from sourcing.db.meetings import get_meeting, invited_suppliers, meeting_plan, stored_schedule
from sourcing.exports import BRIEFS, MEETING_FILES, slug
from sourcing.exports.registry import BriefInputs
from sourcing.schedule import Invite, MeetingPlan, Slot

FileKind = Literal["pack-docx", "pack-pdf", "ics", "trace-docx", "trace-pdf", "invitations-csv", "invitations-xlsx"]
FILE_KINDS: Final[tuple[str, ...]] = tuple(MEETING_FILES)


@dataclass(frozen=True)
class MeetingFile:
    """A file ready to download."""

    filename: str
    mime: str
    data: bytes


def _contact(row: pd.Series) -> str:
    parts = [str(row.get(c) or "").strip() for c in ("email", "phone")]
    return " / ".join(p for p in parts if p)


def traceability_invites(session: Session, user: str, meeting_id: int) -> list[Invite]:
    """Who was invited (with contact and date), who came, what information each was given."""
    suppliers = invited_suppliers(session, user, meeting_id)
    invites: list[Invite] = []
    for _, row in suppliers.iterrows():
        invited_at = row["invited_at"]
        attended = row["attended"]
        invites.append(
            Invite(
                supplier_name=str(row["name"] or "(sans nom)"),
                contact=_contact(row),
                invited_on=invited_at.date() if isinstance(invited_at, datetime) and not pd.isna(invited_at) else None,
                attended=None if attended is None or pd.isna(attended) else bool(attended),
                information_given=str(row["info_given"] or ""),
            )
        )
    return invites


def _check_kind(kind: str) -> None:
    if kind not in FILE_KINDS:
        raise ValueError(f"Document inconnu : « {kind} » (attendu : {', '.join(FILE_KINDS)}).")


def file_name(meeting_start: datetime, meeting_title: str, kind: FileKind) -> str:
    """The download name of one of the meeting's files, without building it (the page shows the
    buttons on every rerun and builds a file only when it is clicked)."""
    _check_kind(kind)
    return f"rencontre-{meeting_start:%Y-%m-%d}-{slug(meeting_title)}{MEETING_FILES[kind].suffix}"


def file_mime(kind: FileKind) -> str:
    _check_kind(kind)
    return MEETING_FILES[kind].mime


def _some(found: list, before: str) -> list:
    """`found`, unless it is empty: then the French error saying what to do `before` this file."""
    if not found:
        raise ValueError(f"Aucun fournisseur invité : invitez des fournisseurs avant {before}.")
    return found


class _StoredMeeting:
    """What a meeting's files are made of (see `sourcing.exports.registry.HasRecord`), read from
    the database only when a file asks for it."""

    def __init__(self, session: Session, user: str, meeting_id: int, today: date | None = None) -> None:
        self.session, self.user, self.meeting_id = session, user, meeting_id
        self.today = today
        self.stored = get_meeting(session, user, meeting_id)

    @cached_property
    def meeting(self) -> MeetingPlan:
        return meeting_plan(self.stored)

    @cached_property
    def slots(self) -> list[Slot]:
        return _some(stored_schedule(self.session, self.user, self.meeting_id), "de préparer la rencontre")

    @cached_property
    def suppliers(self) -> pd.DataFrame:
        return invited_suppliers(self.session, self.user, self.meeting_id)

    @cached_property
    def invites(self) -> list[Invite]:
        return _some(traceability_invites(self.session, self.user, self.meeting_id), "d'établir la traçabilité")


def meeting_file(
    session: Session, user: str, meeting_id: int, kind: FileKind, today: date | None = None
) -> MeetingFile:
    """One downloadable file of the meeting. Raises ValueError (French) when no supplier is invited.
    `today` dates the traceability record and says whether the meeting is past (default: the
    machine's date)."""
    _check_kind(kind)
    inputs = _StoredMeeting(session, user, meeting_id, today)
    data = MEETING_FILES[kind].build(inputs)
    return MeetingFile(file_name(inputs.stored.start, inputs.stored.title, kind), file_mime(kind), data)


def supplier_brief(
    session: Session, user: str, meeting_id: int, supplier_id: str, fmt: Literal["docx", "pdf"]
) -> MeetingFile:
    """The one-page brief of one invited supplier (the same page as in the meeting pack), on its own."""
    if fmt not in BRIEFS:
        raise ValueError(f"Format de fiche inconnu : « {fmt} » (attendu : docx ou pdf).")
    stored = get_meeting(session, user, meeting_id)
    suppliers = invited_suppliers(session, user, meeting_id)
    found = suppliers[suppliers["id"].astype(str) == str(supplier_id)]
    if found.empty:
        raise ValueError("Ce fournisseur n'est pas (ou plus) invité à cette rencontre.")
    row = found.iloc[0]
    slot = next((s for s in stored_schedule(session, user, meeting_id) if s.supplier_id == str(supplier_id)), None)
    brief = BRIEFS[fmt]
    data = brief.build(BriefInputs(meeting_plan(stored), slot, row))
    return MeetingFile(brief_file_name(stored.start, str(row["name"] or ""), fmt), brief.mime, data)


def brief_file_name(meeting_start: datetime, supplier_name: str, fmt: str) -> str:
    """The download name of a supplier's brief, known before it is built."""
    return f"fiche-{slug(supplier_name, 'fournisseur')}-{meeting_start:%Y-%m-%d}{BRIEFS[fmt].suffix}"
