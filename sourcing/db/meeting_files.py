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
from typing import Final, Literal

import pandas as pd
from sqlalchemy.orm import Session

from sourcing.db.meetings import get_meeting, invited_suppliers, meeting_plan, stored_schedule
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
from sourcing.schedule import Invite, invitation_list

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


def slug(title: str, default: str = "rencontre") -> str:
    """A title as a piece of a file name: lower case, letters and digits joined by "-"."""
    keep = "".join(ch if ch.isalnum() else "-" for ch in title.strip().lower())
    return "-".join(part for part in keep.split("-") if part)[:60] or default


def _check_kind(kind: str) -> None:
    if kind not in FILE_KINDS:
        raise ValueError(f"Document inconnu : « {kind} » (attendu : {', '.join(FILE_KINDS)}).")


def file_name(meeting_start: datetime, meeting_title: str, kind: FileKind) -> str:
    """The download name of one of the meeting's files, without building it (the page shows the
    buttons on every rerun and builds a file only when it is clicked)."""
    _check_kind(kind)
    return f"rencontre-{meeting_start:%Y-%m-%d}-{slug(meeting_title)}{_SUFFIXES[kind]}"


def file_mime(kind: FileKind) -> str:
    _check_kind(kind)
    return MIME[kind.rsplit("-", 1)[-1]]


def meeting_file(session: Session, user: str, meeting_id: int, kind: FileKind) -> MeetingFile:
    """One downloadable file of the meeting. Raises ValueError (French) when no supplier is invited."""
    _check_kind(kind)
    stored = get_meeting(session, user, meeting_id)
    meeting = meeting_plan(stored)
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
    stored = get_meeting(session, user, meeting_id)
    suppliers = invited_suppliers(session, user, meeting_id)
    found = suppliers[suppliers["id"].astype(str) == str(supplier_id)]
    if found.empty:
        raise ValueError("Ce fournisseur n'est pas (ou plus) invité à cette rencontre.")
    row = found.iloc[0]
    slot = next((s for s in stored_schedule(session, user, meeting_id) if s.supplier_id == str(supplier_id)), None)
    meeting = meeting_plan(stored)
    render = supplier_brief_docx if fmt == "docx" else supplier_brief_pdf
    name = brief_file_name(stored.start, str(row["name"] or ""), fmt)
    return MeetingFile(name, MIME[fmt], render(meeting, slot, row))


def brief_file_name(meeting_start: datetime, supplier_name: str, fmt: str) -> str:
    """The download name of a supplier's brief, known before it is built."""
    return f"fiche-{slug(supplier_name, 'fournisseur')}-{meeting_start:%Y-%m-%d}.{fmt}"


def list_file_name(list_name: str, day: date, fmt: str) -> str:
    """The download name of a shortlist's export (the list has no meeting: its name and the day)."""
    return f"liste-{day.isoformat()}-{slug(list_name)}.{fmt}"
