"""A stored meeting turned into what the buyer plans and downloads: the schedule of one-to-one
slots, the invitation list, the meeting pack, the calendar file and the traceability record.

Shared by the Streamlit page and the CLI; no Streamlit here. Every function takes an open
session and the acting user, and goes through `service` for the access rules (a meeting is
its owner's only).

Safety rule: supplier text comes from directory files and is untrusted; the documents escape
or neutralise it themselves (see `sourcing.exports`), nothing here builds HTML or formulas.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Literal

import pandas as pd
from sqlalchemy.orm import Session

from sourcing.db import service
from sourcing.export import csv_bytes
from sourcing.exports import MIME
from sourcing.exports.calendar import meeting_ics
from sourcing.exports.documents import (
    meeting_pack_docx,
    meeting_pack_pdf,
    supplier_brief_docx,
    supplier_brief_pdf,
    traceability_docx,
    traceability_pdf,
)
from sourcing.exports.tables import table_to_xlsx
from sourcing.meetings import Invite, Order, Slot, build_schedule, invitation_list
from sourcing.model import CANONICAL_COLUMNS, LIST_COLUMNS

FileKind = Literal["pack-docx", "pack-pdf", "ics", "trace-docx", "trace-pdf", "invitations-csv", "invitations-xlsx"]
# Each kind and the end of its download name.
_SUFFIXES: Final[dict[str, str]] = {
    "pack-docx": "-dossier.docx",
    "pack-pdf": "-dossier.pdf",
    "ics": ".ics",
    "trace-docx": "-tracabilite.docx",
    "trace-pdf": "-tracabilite.pdf",
    "invitations-csv": "-invitations.csv",
    "invitations-xlsx": "-invitations.xlsx",
}
FILE_KINDS: Final[tuple[str, ...]] = tuple(_SUFFIXES)


@dataclass(frozen=True)
class MeetingFile:
    """A file ready to download."""

    filename: str
    mime: str
    data: bytes


def invited_suppliers(session: Session, user: str, meeting_id: int) -> pd.DataFrame:
    """The invited suppliers as directory rows (from the snapshots taken when invited), in
    schedule order, with `invite_id`, `slot_start`, `attended`, `info_given`, `invited_at`."""
    found = service.invites(session, user, meeting_id)
    records = [
        {
            **{c: i.snapshot.get(c) for c in CANONICAL_COLUMNS},
            "id": i.supplier_id,
            "invite_id": i.id,
            "slot_start": i.slot_start,
            "attended": i.attended,
            "info_given": i.info_given,
            "invited_at": i.invited_at,
        }
        for i in found
    ]
    columns = [*CANONICAL_COLUMNS, "invite_id", "slot_start", "attended", "info_given", "invited_at"]
    frame = pd.DataFrame.from_records(records, columns=columns)
    for col in LIST_COLUMNS:
        frame[col] = frame[col].map(lambda v: v if isinstance(v, list) else [])
    return frame


def plan_schedule(session: Session, user: str, meeting_id: int, order: Order = "distance") -> list[Slot]:
    """Build the one-to-one slots for every invited supplier (see `build_schedule`) and store
    each supplier's slot, so that the pack, the calendar and the page agree afterwards."""
    meeting = service.get_meeting(session, user, meeting_id)
    suppliers = invited_suppliers(session, user, meeting_id)
    slots = build_schedule(service.to_schedule_meeting(meeting), suppliers, order=order)
    service.set_slots(session, user, meeting_id, {s.supplier_id: s.start for s in slots})
    return slots


def stored_schedule(session: Session, user: str, meeting_id: int) -> list[Slot]:
    """The slots as stored; invited suppliers without a slot yet (invited after the schedule
    was planned) get the next free slots at the end of the day, in invitation order."""
    meeting = service.get_meeting(session, user, meeting_id)
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
        later = service.to_schedule_meeting(meeting)
        later = type(later)(**{**later.__dict__, "start": max(s.end for s in slots) + pause})
        extra = build_schedule(later, unplanned, order="given")
        service.set_slots(session, user, meeting_id, {s.supplier_id: s.start for s in extra})
        slots += extra
    return sorted(slots, key=lambda s: (s.start, s.supplier_name))


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


def _slug(title: str, default: str = "rencontre") -> str:
    keep = "".join(ch if ch.isalnum() else "-" for ch in title.strip().lower())
    return "-".join(part for part in keep.split("-") if part)[:60] or default


def _check_kind(kind: str) -> None:
    if kind not in FILE_KINDS:
        raise ValueError(f"Document inconnu : « {kind} » (attendu : {', '.join(FILE_KINDS)}).")


def file_name(meeting_start: datetime, meeting_title: str, kind: FileKind) -> str:
    """The download name of one of the meeting's files, without building it (the page shows the
    buttons on every rerun and builds a file only when it is clicked)."""
    _check_kind(kind)
    return f"rencontre-{meeting_start:%Y-%m-%d}-{_slug(meeting_title)}{_SUFFIXES[kind]}"


def file_mime(kind: FileKind) -> str:
    _check_kind(kind)
    return MIME[kind.rsplit("-", 1)[-1]]


def meeting_file(session: Session, user: str, meeting_id: int, kind: FileKind) -> MeetingFile:
    """One downloadable file of the meeting. Raises ValueError (French) when no supplier is invited."""
    _check_kind(kind)
    stored = service.get_meeting(session, user, meeting_id)
    meeting = service.to_schedule_meeting(stored)
    name, mime = file_name(stored.start, stored.title, kind), file_mime(kind)
    if kind.startswith("trace-"):
        invites = traceability_invites(session, user, meeting_id)
        if not invites:
            raise ValueError("Aucun fournisseur invité : invitez des fournisseurs avant d'établir la traçabilité.")
        data = traceability_docx(meeting, invites) if kind == "trace-docx" else traceability_pdf(meeting, invites)
        return MeetingFile(name, mime, data)
    slots = stored_schedule(session, user, meeting_id)
    if not slots:
        raise ValueError("Aucun fournisseur invité : invitez des fournisseurs avant de préparer la rencontre.")
    suppliers = invited_suppliers(session, user, meeting_id)
    if kind == "ics":
        return MeetingFile(name, mime, meeting_ics(meeting, slots))
    if kind.startswith("invitations-"):
        table = invitation_list(suppliers, slots)
        data = csv_bytes(table) if kind == "invitations-csv" else table_to_xlsx(table, sheet="Invitations")
        return MeetingFile(name, mime, data)
    render = meeting_pack_docx if kind == "pack-docx" else meeting_pack_pdf
    return MeetingFile(name, mime, render(meeting, slots, suppliers))


def supplier_brief(
    session: Session, user: str, meeting_id: int, supplier_id: str, fmt: Literal["docx", "pdf"]
) -> MeetingFile:
    """The one-page brief of one invited supplier (the same page as in the meeting pack), on its own."""
    if fmt not in ("docx", "pdf"):
        raise ValueError(f"Format de fiche inconnu : « {fmt} » (attendu : docx ou pdf).")
    stored = service.get_meeting(session, user, meeting_id)
    suppliers = invited_suppliers(session, user, meeting_id)
    found = suppliers[suppliers["id"].astype(str) == str(supplier_id)]
    if found.empty:
        raise ValueError("Ce fournisseur n'est pas (ou plus) invité à cette rencontre.")
    row = found.iloc[0]
    slot = next((s for s in stored_schedule(session, user, meeting_id) if s.supplier_id == str(supplier_id)), None)
    meeting = service.to_schedule_meeting(stored)
    render = supplier_brief_docx if fmt == "docx" else supplier_brief_pdf
    name = brief_file_name(stored.start, str(row["name"] or ""), fmt)
    return MeetingFile(name, MIME[fmt], render(meeting, slot, row))


def brief_file_name(meeting_start: datetime, supplier_name: str, fmt: str) -> str:
    """The download name of a supplier's brief, known before it is built."""
    return f"fiche-{_slug(supplier_name, 'fournisseur')}-{meeting_start:%Y-%m-%d}.{fmt}"
