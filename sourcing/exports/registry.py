"""Every downloadable file in one table: its kind, the end of its download name (hence its
format and MIME type), its French button label and help, and the function that builds it.

Adding an export is adding one `Export` here: the pages, the CLI and `sourcing.db.meeting_files`
all loop over these tables.

Builders take the export's *inputs*, an object that hands out what the file is made of
(`suppliers`, and for meeting documents `meeting`, `slots`, `invites`) only when asked: a
calendar never pays for the supplier rows, a traceability record never plans a schedule.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Generic, Protocol, TypeVar

import pandas as pd

from sourcing.exports.calendar import meeting_ics
from sourcing.exports.documents import DocFormat, meeting_pack, supplier_brief, traceability
from sourcing.exports.tables import csv_bytes, table_to_xlsx, to_csv, to_xlsx
from sourcing.schedule import Invite, MeetingPlan, Slot, build_schedule, invitation_list

MIME: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ics": "text/calendar; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
EXTENSIONS: dict[str, str] = {fmt: f".{fmt}" for fmt in MIME}


# --- What builders read -------------------------------------------------------------------------


class HasSuppliers(Protocol):
    @property
    def suppliers(self) -> pd.DataFrame: ...


class HasSchedule(HasSuppliers, Protocol):
    @property
    def meeting(self) -> MeetingPlan: ...

    @property
    def slots(self) -> Sequence[Slot]: ...


class HasRecord(HasSchedule, Protocol):
    @property
    def invites(self) -> Sequence[Invite]: ...

    @property
    def today(self) -> date | None: ...  # the record's date (None: the machine's today)


@dataclass(frozen=True)
class BriefInputs:
    """One supplier's brief: the meeting, the supplier's slot (if planned) and its row."""

    meeting: MeetingPlan
    slot: Slot | None
    supplier: pd.Series


class Selection:
    """Suppliers picked by the buyer (a shortlist, search results) and, for meeting documents,
    the meeting to receive them at. Slots follow the rows' order ("given"): the buyer has
    already arranged them."""

    def __init__(self, suppliers: pd.DataFrame, meeting: MeetingPlan | None = None) -> None:
        self.suppliers = suppliers
        self._meeting = meeting

    @property
    def meeting(self) -> MeetingPlan:
        if self._meeting is None:
            raise ValueError("Renseignez la rencontre (titre, date, lieu, durée des créneaux) pour cet export.")
        return self._meeting

    @cached_property
    def slots(self) -> list[Slot]:
        return build_schedule(self.meeting, self.suppliers, order="given")


# --- The registry ---------------------------------------------------------------------------------

Inputs = TypeVar("Inputs", contravariant=True)


@dataclass(frozen=True)
class Export(Generic[Inputs]):
    """One kind of downloadable file."""

    kind: str
    suffix: str  # end of the download name, extension included
    label: str  # French, the download button's text
    build: Callable[[Inputs], bytes]
    help: str | None = None  # French, the button's tooltip
    on_page: bool = True  # False: CLI and API only

    @property
    def fmt(self) -> str:
        return self.suffix.rsplit(".", 1)[-1]

    @property
    def mime(self) -> str:
        return MIME[self.fmt]


def _by_kind(*exports: Export) -> dict[str, Export]:
    return {e.kind: e for e in exports}


def _invitations(inputs: HasSchedule) -> pd.DataFrame:
    slots = inputs.slots  # first: no invitee -> the schedule's error, before any supplier is read
    return invitation_list(inputs.suppliers, slots, inputs.meeting)


def _pack(fmt: DocFormat) -> Callable[[HasSchedule], bytes]:
    return lambda i: meeting_pack(fmt, i.meeting, i.slots, i.suppliers)


def _trace(fmt: DocFormat) -> Callable[[HasRecord], bytes]:
    return lambda i: traceability(fmt, i.meeting, i.invites, today=i.today)


def _brief(fmt: DocFormat) -> Callable[[BriefInputs], bytes]:
    return lambda i: supplier_brief(fmt, i.meeting, i.slot, i.supplier)


TABLE_HELP = "Les SIRET et codes postaux restent du texte ; aucune cellule ne peut devenir une formule."
# A CSV opened by a double-click in a French Excel (or LibreOffice) loses the leading zeros of
# postal codes and phone numbers and turns SIRET into rounded numbers: no CSV content prevents it
# without formulas (neutralised on purpose). So the CSV is offered as raw data, and the XLSX,
# whose cells are typed text, is the Excel export (checked by opening both in LibreOffice).
CSV_HELP = (
    "Données brutes (séparateur « ; », UTF-8) pour un autre logiciel ou un import. Ouvert d'un double-clic "
    "dans Excel, les SIRET, codes postaux et téléphones perdent leurs zéros : pour Excel, prenez le classeur .xlsx."
)
PACK_HELP = "Programme, liste des invités, une fiche par fournisseur et un modèle de compte rendu."
TRACE_HELP = "Qui a été invité, qui est venu, quelle information a été donnée : à joindre au dossier du marché."
BRIEF_HELP = (
    "Une page sur ce fournisseur : identité, types et marchés réservés qui lui sont ouverts, secteurs, "
    "distance, source et date des données, questions à poser. La même que dans le dossier de la rencontre."
)

# Supplier tables (search results, shortlists): the buyer's table with French headers.
TABLES: dict[str, Export[HasSuppliers]] = _by_kind(
    Export("csv", ".csv", "CSV (données brutes)", lambda i: to_csv(i.suppliers), CSV_HELP),
    Export("xlsx", ".xlsx", "Classeur Excel (.xlsx)", lambda i: to_xlsx(i.suppliers), TABLE_HELP),
)
CALENDAR: Export[HasSchedule] = Export(
    "ics",
    ".ics",
    "Agenda (.ics)",
    lambda i: meeting_ics(i.meeting, i.slots),
    "La rencontre et chaque créneau, à importer dans Outlook, Thunderbird ou Google Agenda.",
)
# A meeting's files, in the order of the page's buttons.
MEETING_FILES: dict[str, Export[HasRecord]] = _by_kind(
    Export("pack-docx", "-dossier.docx", "Dossier de la rencontre (Word)", _pack("docx"), PACK_HELP),
    Export("pack-pdf", "-dossier.pdf", "Dossier de la rencontre (PDF)", _pack("pdf"), PACK_HELP),
    CALENDAR,
    Export("invitations-csv", "-invitations.csv", "Liste des invitations (CSV)",
           lambda i: csv_bytes(_invitations(i)), on_page=False),
    Export("invitations-xlsx", "-invitations.xlsx", "Liste des invitations (Excel)",
           lambda i: table_to_xlsx(_invitations(i), sheet="Invitations")),
    Export("trace-docx", "-tracabilite.docx", "Fiche de traçabilité (Word)", _trace("docx"), TRACE_HELP),
    Export("trace-pdf", "-tracabilite.pdf", "Fiche de traçabilité (PDF)", _trace("pdf"), TRACE_HELP),
)  # fmt: skip
# What `python -m sourcing shortlist export --format F` writes: the table, or the meeting's
# calendar or pack with the list's suppliers.
SHORTLIST_EXPORTS: dict[str, Export[HasSchedule]] = {
    **TABLES,
    "ics": CALENDAR,
    "docx": MEETING_FILES["pack-docx"],
    "pdf": MEETING_FILES["pack-pdf"],
}
# One supplier's brief, by format.
BRIEFS: dict[str, Export[BriefInputs]] = _by_kind(
    Export("docx", ".docx", "Fiche (Word)", _brief("docx"), BRIEF_HELP),
    Export("pdf", ".pdf", "Fiche (PDF)", _brief("pdf"), BRIEF_HELP),
)


# --- Download names ---------------------------------------------------------------------------------


def slug(title: str, default: str = "rencontre") -> str:
    """A title as a file-name part: lower case, letters and digits joined by "-", at most 60 characters."""
    keep = "".join(ch if ch.isalnum() else "-" for ch in title.strip().lower())
    return "-".join(part for part in keep.split("-") if part)[:60] or default


def shortlist_file_name(list_name: str, export: Export, today: date | None = None) -> str:
    """The download name of a shortlist's table: ``liste-<date>-<name><suffix>``."""
    return f"liste-{(today or date.today()).isoformat()}-{slug(list_name)}{export.suffix}"
