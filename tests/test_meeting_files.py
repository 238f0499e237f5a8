"""A stored meeting, planned and downloaded: what the "Listes et rencontres" page and the CLI give
the buyer. Runs on SQLite and PostgreSQL (see the `db_url` fixture)."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import openpyxl
import pandas as pd
import pytest
from docx import Document
from icalendar import Calendar

from sourcing.db import meeting_files, service
from sourcing.db.engine import session_scope
from sourcing.directory import load_any
from sourcing.schedule import MEETING_COLUMNS as INVITATION_MEETING_COLUMNS
from tests.helpers import docx_text

START = datetime(2026, 12, 3, 9, 0)
# The record is dated by the test, not by the machine: the meeting is always to come on this day.
THE_DAY_BEFORE = START.date() - timedelta(days=1)


@pytest.fixture(scope="module")
def directory() -> pd.DataFrame:
    frame = load_any(None)
    return frame[frame["siret"].notna()].reset_index(drop=True)


def _meeting_with(db_url: str, rows: pd.DataFrame, user: str = "local") -> int:
    with session_scope(db_url) as s:
        sid = service.create_shortlist(s, user, "Espaces verts").id
        service.add_suppliers(s, user, sid, rows)
        meeting = service.create_meeting(
            s, user, title="Sourcing espaces verts", start=START, slot_minutes=20, place_or_link="Mairie, salle 2",
            purpose="Entretien des espaces verts 2027", shortlist_id=sid,
        )  # fmt: skip
        service.invite_from_shortlist(s, user, meeting.id, sid)
        return meeting.id


def test_schedule_is_stored_and_late_invitees_get_the_next_slots(db_url, directory):
    mid = _meeting_with(db_url, directory.iloc[:3])
    with session_scope(db_url) as s:
        slots = service.plan_schedule(s, "local", mid, order="name")
    assert [x.start for x in slots] == [START, datetime(2026, 12, 3, 9, 20), datetime(2026, 12, 3, 9, 40)]
    assert [x.supplier_name for x in slots] == sorted((x.supplier_name for x in slots), key=str.casefold)
    with session_scope(db_url) as s:
        again = service.stored_schedule(s, "local", mid)
        assert again == slots  # same slots read back, nothing re-planned
        late = directory.iloc[[10]]
        service.invite_suppliers(s, "local", mid, [(late["id"].iloc[0], service.supplier_snapshot(late.iloc[0]))])
    with session_scope(db_url) as s:
        final = service.stored_schedule(s, "local", mid)
    assert final[:3] == slots
    assert (final[3].supplier_name, final[3].start) == (late["name"].iloc[0], datetime(2026, 12, 3, 10, 0))


def test_every_file_of_the_meeting_opens_and_says_what_it_should(db_url, directory):
    rows = directory.iloc[:3]
    mid = _meeting_with(db_url, rows)
    with session_scope(db_url) as s:
        slots = service.plan_schedule(s, "local", mid)
        files = {
            kind: meeting_files.meeting_file(s, "local", mid, kind, today=THE_DAY_BEFORE)
            for kind in meeting_files.FILE_KINDS
        }
    names = set(rows["name"])

    cal = Calendar.from_ical(files["ics"].data)
    events = [c for c in cal.walk("VEVENT")]
    assert len(events) == 4  # the meeting and one per slot
    assert {str(e.get("location")) for e in events} == {"Mairie, salle 2"}
    slot_summaries = [str(e.get("summary")) for e in events[1:]]
    assert all(any(n in summary for n in names) for summary in slot_summaries)
    assert files["ics"].filename == "rencontre-2026-12-03-sourcing-espaces-verts.ics"

    pack = docx_text(files["pack-docx"].data)
    assert "Sourcing espaces verts" in pack and "Entretien des espaces verts 2027" in pack
    assert all(n in pack for n in names)
    assert "Compte rendu de la rencontre" in pack
    assert all(s.label in pack for s in slots)
    assert files["pack-pdf"].data.startswith(b"%PDF")

    trace = docx_text(files["trace-docx"].data)
    assert "3 opérateur(s) invité(s), 0 présent(s), présence à renseigner pour 3." in trace
    # Nothing recorded yet, meeting to come: a form in the future tense, never a claim of equality.
    assert "sera communiquée" in trace and "Fiche à compléter" in trace
    assert "a été communiquée à l'ensemble" not in trace
    assert "Document établi le 02/12/2026." in trace
    assert files["trace-pdf"].data.startswith(b"%PDF")

    lines = list(csv.reader(io.StringIO(files["invitations-csv"].data.decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == ["Fournisseur", "Courriel", "Téléphone", "Créneau", *INVITATION_MEETING_COLUMNS]
    assert [line[3] for line in lines[1:]] == [s.label for s in slots]
    sheet = openpyxl.load_workbook(io.BytesIO(files["invitations-xlsx"].data)).active
    assert sheet.max_row == 4 and sheet.freeze_panes == "A2"
    # Each format of the invitation list carries the meeting's date, place and the invitation text.
    xlsx_rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert xlsx_rows[0] == lines[0]
    for table in (lines, xlsx_rows):
        for row, slot in zip(table[1:], slots, strict=True):
            cells = dict(zip(table[0], row, strict=True))
            assert cells["Date"] == "jeudi 3 décembre 2026" and cells["Lieu ou lien"] == "Mairie, salle 2"
            assert cells["Objet du courriel"] == "Invitation à une rencontre de sourçage : Sourcing espaces verts"
            text = cells["Texte de l'invitation"]
            assert text.startswith("Madame, Monsieur,") and "Entretien des espaces verts 2027" in text
            assert f"le jeudi 3 décembre 2026, de {slot.start:%H:%M} à {slot.end:%H:%M}" in text
            assert "Lieu ou lien : Mairie, salle 2" in text and "R2111-1" in text
    assert "Texte de l'invitation" in pack and "Madame, Monsieur," in pack
    assert "le jeudi 3 décembre 2026, à l'horaire indiqué dans la liste des invités" in pack
    assert "Lieu ou lien : Mairie, salle 2" in pack

    # The page names its download buttons before building anything: same names and types.
    for kind, file in files.items():
        assert meeting_files.file_name(START, "Sourcing espaces verts", kind) == file.filename
        assert meeting_files.file_mime(kind) == file.mime
    # Word sees real headings and bullets (navigation pane, table of contents).
    styles = {p.style.name for p in Document(io.BytesIO(files["pack-docx"].data)).paragraphs}
    assert {"Heading 1", "Heading 2", "List Bullet"} <= styles


@pytest.mark.parametrize("days_after", [0, 1, 400])
def test_from_the_meetings_day_on_the_record_asks_for_what_is_missing(db_url, directory, days_after):
    """The day before, the record is a form in the future tense; from the meeting's day on, it
    says how many operators still lack attendance or information (never a claim of equality)."""
    mid = _meeting_with(db_url, directory.iloc[:3])
    day = START.date() + timedelta(days=days_after)
    with session_scope(db_url) as s:
        text = docx_text(meeting_files.meeting_file(s, "local", mid, "trace-docx", today=day).data)
    assert "non renseignée pour 3 opérateur(s)" in text
    assert "sera communiquée" not in text and "a été communiquée à l'ensemble" not in text
    assert f"Document établi le {day:%d/%m/%Y}." in text


def test_traceability_follows_attendance_and_information(db_url, directory):
    mid = _meeting_with(db_url, directory.iloc[:2])
    with session_scope(db_url) as s:
        first, second = service.invites(s, "local", mid)
        service.record_attendance(s, "local", first.id, attended=True, info_given="Calendrier du marché")
        service.record_attendance(s, "local", second.id, attended=False, info_given="Calendrier du marché")
    with session_scope(db_url) as s:
        invites = meeting_files.traceability_invites(s, "local", mid)
        text = docx_text(meeting_files.meeting_file(s, "local", mid, "trace-docx").data)
    assert [i.attended for i in invites] == [True, False]
    assert all(i.invited_on is not None for i in invites)
    assert "2 opérateur(s) invité(s), 1 présent(s)." in text
    assert "Information communiquée : Calendrier du marché" in text

    with session_scope(db_url) as s:
        _, second = service.invites(s, "local", mid)
        service.record_attendance(s, "local", second.id, attended=False, info_given="Autre chose")
    with session_scope(db_url) as s:
        text = docx_text(meeting_files.meeting_file(s, "local", mid, "trace-docx").data)
    assert "Information communiquée : Calendrier du marché" not in text  # unequal: never claimed equal


def test_no_invitee_and_other_users_are_refused(db_url, directory):
    with session_scope(db_url) as s:
        empty = service.create_meeting(s, "alice", title="Vide", start=START, slot_minutes=15).id
    with session_scope(db_url) as s:
        with pytest.raises(ValueError, match="Aucun fournisseur invité"):
            meeting_files.meeting_file(s, "alice", empty, "pack-docx")
        with pytest.raises(ValueError, match="Aucun fournisseur invité"):
            meeting_files.meeting_file(s, "alice", empty, "trace-pdf")
        with pytest.raises(ValueError, match="Document inconnu"):
            meeting_files.meeting_file(s, "alice", empty, "zip")  # type: ignore[arg-type]
    mid = _meeting_with(db_url, directory.iloc[:2], user="alice")
    with session_scope(db_url) as s:
        with pytest.raises(PermissionError):
            meeting_files.meeting_file(s, "bob", mid, "ics")
        with pytest.raises(PermissionError):
            service.invited_suppliers(s, "bob", mid)


def test_one_suppliers_brief_on_its_own(db_url, directory):
    rows = directory.iloc[:3]
    mid = _meeting_with(db_url, rows)
    with session_scope(db_url) as s:
        slots = service.plan_schedule(s, "local", mid)
        second = slots[1]
        brief = meeting_files.supplier_brief(s, "local", mid, second.supplier_id, "docx")
        pdf = meeting_files.supplier_brief(s, "local", mid, second.supplier_id, "pdf")
    text = docx_text(brief.data)
    others = [x.supplier_name for x in slots if x.supplier_id != second.supplier_id]
    assert f"Fiche fournisseur : {second.supplier_name}" in text
    assert second.label in text  # its own slot
    assert not any(f"Fiche fournisseur : {n}" in text for n in others)  # one supplier, not the pack
    assert "Questions à poser" in text and "Marchés réservés accessibles" in text
    assert brief.filename == meeting_files.brief_file_name(START, second.supplier_name, "docx")
    assert brief.filename.startswith("fiche-") and brief.filename.endswith("-2026-12-03.docx")
    assert pdf.data.startswith(b"%PDF") and pdf.mime == "application/pdf"
    with session_scope(db_url) as s:
        with pytest.raises(ValueError, match="pas \\(ou plus\\) invité"):
            meeting_files.supplier_brief(s, "local", mid, "not-invited", "pdf")
        with pytest.raises(PermissionError):
            meeting_files.supplier_brief(s, "bob", mid, second.supplier_id, "pdf")
