import csv
import io
import zlib
from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest
from docx import Document
from icalendar import Calendar

from sourcing.exports import EXTENSIONS, MIME, export_shortlist, export_suppliers
from sourcing.exports.calendar import meeting_ics
from sourcing.exports.documents import (
    EQUAL_INFORMATION,
    meeting_pack,
    reservations_for_kinds,
    supplier_brief,
    traceability,
)
from sourcing.exports.tables import supplier_table, to_csv, to_xlsx
from sourcing.schedule import Invite, MeetingPlan, build_schedule
from sourcing.store.dates import is_stale
from sourcing.taxonomy import sector_label
from tests.helpers import SIRET_LEADING_ZERO, docx_text

HOSTILE = ['=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(A1)"]
ODD = "Jardins, Potagers; et\nCie"


def _frame() -> pd.DataFrame:
    names = [*HOSTILE, ODD]
    n = len(names)
    return pd.DataFrame(
        {
            "id": [f"id{i}" for i in range(n)],
            "siret": [SIRET_LEADING_ZERO] * n,
            "name": names,
            "trade_name": [None] * n,
            "kinds": [["ESAT"], ["EI", "ESUS"], [], ["GEIQ"], ["SCOP"]],
            "sectors": [["espaces-verts"], ["elagage-abattage", "inconnu"], [], None, ["espaces-verts"]],
            "legal_form": ["Association"] * n,
            "naf": ["81.30Z"] * n,
            "address": ["1 rue de la Paix"] * n,
            "postal_code": ["01500"] * n,
            "city": ["Ambérieu-en-Bugey"] * n,
            "department": ["01"] * n,
            "region": ["Auvergne-Rhône-Alpes"] * n,
            "email": [f"c{i}@example.org" for i in range(n)],
            "phone": ["04 74 00 00 00"] * n,
            "website": [None] * n,
            "source_name": ["Annuaire test"] * n,
            "source_date": ["2026-05-01", "2026-05-01", "inconnue", None, "2026-05-01"],
            "distance_km": [12.345, None, 3.0, 7.25, 0.04],
        }
    )


def _meeting() -> MeetingPlan:
    return MeetingPlan(
        "Nettoyage; locaux, 2027",
        "Présenter le besoin\net le calendrier",
        datetime(2027, 3, 4, 11, 0),
        "Mairie",
        20,
    )


# --- Table ------------------------------------------------------------------------------------


def test_supplier_table_headers_and_values():
    table = supplier_table(_frame().assign(status=["retenu"] * 5, notes=["à rappeler"] * 5))
    assert list(table.columns) == [
        "Raison sociale",
        "SIRET",
        "Types de structure",
        "Secteurs",
        "Commune",
        "Code postal",
        "Département",
        "Distance (km)",
        "Courriel",
        "Téléphone",
        "Site web",
        "Source",
        "Date des données",
        "Données de plus d'un an",
        "Statut",
        "Notes",
    ]
    assert table.loc[1, "Types de structure"] == "EI, ESUS"
    # Data no source confirmed within a year (or undated) is marked for the buyer to check.
    stale = list(table["Données de plus d'un an"])
    assert stale[2] == stale[3] == "oui"  # "inconnue", None
    assert stale[0] == ("oui" if is_stale("2026-05-01") else "")
    assert pd.isna(table.loc[2, "Types de structure"])
    assert table.loc[1, "Secteurs"] == f"{sector_label('elagage-abattage')}, inconnu"  # unknown id kept
    assert table.loc[0, "Distance (km)"] == pytest.approx(12.3)


def test_supplier_table_without_optional_columns():
    table = supplier_table(_frame().drop(columns=["distance_km", "website"]))
    assert "Distance (km)" not in table.columns and "Statut" not in table.columns
    assert "Site web" in table.columns and table["Site web"].isna().all()


# --- CSV --------------------------------------------------------------------------------------


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_csv_injection_neutralised_and_identifiers_kept():
    rows = _csv_rows(to_csv(_frame()))
    header, body = rows[0], rows[1:]
    name, siret, postal = header.index("Raison sociale"), header.index("SIRET"), header.index("Code postal")
    for original, row in zip(HOSTILE, body, strict=False):
        assert row[name] == "'" + original
    assert body[-1][name] == ODD  # quoting keeps ; , and newline inside one cell
    assert {r[siret] for r in body} == {SIRET_LEADING_ZERO}
    assert {r[postal] for r in body} == {"01500"}
    # Decimal comma for French Excel.
    assert body[0][header.index("Distance (km)")] == "12,3"


# --- XLSX -------------------------------------------------------------------------------------


def _sheet(data: bytes):
    book = openpyxl.load_workbook(io.BytesIO(data))
    return book["Fournisseurs"]


def test_xlsx_injection_is_inert_text():
    ws = _sheet(to_xlsx(_frame()))
    headers = [c.value for c in ws[1]]
    col = headers.index("Raison sociale") + 1
    for i, original in enumerate(HOSTILE, start=2):
        cell = ws.cell(row=i, column=col)
        assert cell.data_type == "s" and cell.data_type != "f"
        assert cell.value == "'" + original
    assert ws.cell(row=6, column=col).value == ODD
    # Nothing anywhere in the sheet is a formula.
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_xlsx_identifiers_are_text_with_leading_zeros():
    ws = _sheet(to_xlsx(_frame()))
    headers = [c.value for c in ws[1]]
    for header, expected in (("SIRET", SIRET_LEADING_ZERO), ("Code postal", "01500"), ("Département", "Ain (01)")):
        cell = ws.cell(row=2, column=headers.index(header) + 1)
        assert cell.data_type == "s" and cell.value == expected
        assert cell.number_format == "@"


def test_xlsx_typed_columns_frozen_header_and_filter():
    ws = _sheet(to_xlsx(_frame()))
    headers = [c.value for c in ws[1]]
    dist = headers.index("Distance (km)") + 1
    assert ws.cell(row=2, column=dist).data_type == "n"
    assert ws.cell(row=2, column=dist).value == pytest.approx(12.3)
    assert ws.cell(row=2, column=dist).number_format == "0.0"
    assert ws.cell(row=3, column=dist).value is None  # unknown distance: empty, not 0
    when = headers.index("Date des données") + 1
    assert ws.cell(row=2, column=when).value == datetime(2026, 5, 1)
    assert ws.cell(row=2, column=when).is_date
    assert ws.cell(row=4, column=when).value == "inconnue"  # not a date: kept as the source said
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(headers))}6"
    assert ws.column_dimensions["A"].width > 10


def test_export_suppliers_formats_and_errors():
    assert export_suppliers(_frame(), "xlsx").startswith(b"PK")
    assert export_suppliers(_frame(), "csv").startswith(b"\xef\xbb\xbf")
    with pytest.raises(ValueError, match="Format"):
        export_suppliers(_frame(), "ods")  # type: ignore[arg-type]
    assert set(MIME) == set(EXTENSIONS) == {"csv", "xlsx", "ics", "docx", "pdf"}


# --- ICS --------------------------------------------------------------------------------------


def test_ics_round_trip():
    meeting = _meeting()
    slots = build_schedule(meeting, _frame(), order="given")
    data = meeting_ics(meeting, slots)
    cal = Calendar.from_ical(data)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1 + len(slots)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert b"DTSTART;TZID=Europe/Paris:20270304T110000" in data
    summaries = [str(e["SUMMARY"]) for e in events]
    assert summaries[0] == "Rencontre acheteur–fournisseur : Nettoyage; locaux, 2027"
    for slot, summary in zip(slots, summaries[1:], strict=True):
        assert summary == f"Rencontre acheteur–fournisseur : Nettoyage; locaux, 2027 — {slot.supplier_name}"
    assert any(ODD in s for s in summaries)  # comma, semicolon, newline survive the escaping
    assert str(events[0]["LOCATION"]) == "Mairie"
    assert str(events[0]["DESCRIPTION"]) == meeting.purpose
    starts = [e.decoded("DTSTART") for e in events[1:]]
    assert [s.strftime("%H:%M") for s in starts] == ["11:00", "11:20", "11:40", "13:30", "13:50"]
    assert str(starts[0].tzinfo) == "Europe/Paris"
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    again = Calendar.from_ical(meeting_ics(meeting, slots))
    assert [str(e["UID"]) for e in again.walk("VEVENT")] == uids  # stable across exports
    assert all("DTSTAMP" in e for e in events)


# --- DOCX -------------------------------------------------------------------------------------


def test_reservations_derived_from_families():
    assert [r[:8] for r in reservations_for_kinds(["ESAT", "EI"])] == ["L2113-12", "L2113-13"]
    assert [r[:8] for r in reservations_for_kinds(["SCOP"])] == ["L2113-15"]
    assert reservations_for_kinds(["GEIQ"]) == []
    assert reservations_for_kinds(["SEP"])[0].startswith("L2113-13-1")
    assert reservations_for_kinds(["EA", "ESAT"]) == reservations_for_kinds(["EA"])  # no duplicates


def test_supplier_brief_docx():
    meeting = _meeting()
    row = _frame().iloc[1]
    slots = build_schedule(meeting, _frame(), order="given")
    text = docx_text(supplier_brief("docx", meeting, slots[1], row, ["L2113-13", "L2113-12"]))
    for expected in (
        "Fiche fournisseur : +1",
        "Identité",
        "01234567890128",
        "Types de structure",
        "Entreprise d'insertion",
        "Marchés réservés accessibles",
        "L2113-13 (envisagé par l'acheteur) : éligible",
        "L2113-12 (envisagé par l'acheteur) : non éligible",
        "L2113-15",
        sector_label("elagage-abattage"),
        "Annuaire test",
        "Questions à poser",
        "11:20–11:40",
    ):
        assert expected in text, expected


def test_meeting_pack_docx_sections_and_hostile_names():
    meeting = _meeting()
    frame = _frame()
    slots = build_schedule(meeting, frame, order="given")
    data = meeting_pack("docx", meeting, slots, frame)
    text = docx_text(data)
    for expected in (
        "Nettoyage; locaux, 2027",
        "Programme",
        "Liste des invités",
        "Compte rendu de la rencontre",
    ):
        assert expected in text
    for name in HOSTILE:
        assert f"Fiche fournisseur : {name}" in text  # literal text, one brief each
    assert "Fiche fournisseur : Jardins, Potagers; et\nCie" in text
    assert "c3@example.org" in text and "13:30–13:50" in text
    doc = Document(io.BytesIO(data))
    page_breaks = sum(1 for p in doc.paragraphs for r in p.runs if 'w:br w:type="page"' in r._r.xml)
    assert page_breaks == len(slots) + 1  # one per brief, one before the minutes


def _invites() -> list[Invite]:
    info = "Cahier des charges provisoire v1"
    return [
        Invite('=HYPERLINK("http://x","y")', "a@example.org", date(2027, 2, 1), True, info),
        Invite("Les Jardins", "b@example.org", date(2027, 2, 1), False, info),
    ]


def test_traceability_docx_states_equal_information():
    text = docx_text(traceability("docx", _meeting(), _invites(), today=date(2027, 3, 5)))
    assert "R2111-1" in text
    assert EQUAL_INFORMATION in text
    assert '=HYPERLINK("http://x","y")' in text and "Les Jardins" in text
    assert "2 opérateur(s) invité(s), 1 présent(s)." in text
    assert "Cahier des charges provisoire v1" in text
    assert "05/03/2027" in text


def test_traceability_docx_warns_when_information_differs():
    invites = _invites()
    invites[1] = Invite("Les Jardins", "b@example.org", date(2027, 2, 1), True, "Autre chose")
    text = docx_text(traceability("docx", _meeting(), invites))
    assert EQUAL_INFORMATION not in text
    assert "Attention : les informations communiquées diffèrent" in text


# --- PDF --------------------------------------------------------------------------------------


def _pdf_text(data: bytes) -> bytes:
    """Uncompressed content of every stream, concatenated (enough to find printed words)."""
    out = []
    for chunk in data.split(b"stream")[1::2]:
        body = chunk.lstrip(b"\r\n")
        try:
            out.append(zlib.decompress(body))
        except zlib.error:
            out.append(body)
    return b"".join(out)


def test_pdfs_open_and_hold_their_title():
    meeting = _meeting()
    for data in (
        traceability("pdf", meeting, _invites()),
        supplier_brief("pdf", meeting, None, _frame().iloc[0]),
        export_shortlist(_frame().assign(status="retenu", notes=""), "pdf", meeting),
    ):
        assert data.startswith(b"%PDF")
        assert b"Nettoyage; locaux, 2027" in _pdf_text(data)


# --- Shortlist --------------------------------------------------------------------------------


def test_export_shortlist_all_formats():
    entries = _frame().assign(status=["retenu", "à contacter", "", "", "écarté"], notes=["=1+1", "", "", "", ""])
    rows = _csv_rows(export_shortlist(entries, "csv"))
    assert rows[0][-2:] == ["Statut", "Notes"] and rows[1][-1] == "'=1+1"
    ws = _sheet(export_shortlist(entries, "xlsx"))
    assert [c.value for c in ws[1]][-2:] == ["Statut", "Notes"]
    cal = Calendar.from_ical(export_shortlist(entries, "ics", _meeting()))
    assert len(list(cal.walk("VEVENT"))) == 1 + len(entries)
    assert "Programme" in docx_text(export_shortlist(entries, "docx", _meeting()))
    with pytest.raises(ValueError, match="Renseignez la rencontre"):
        export_shortlist(entries, "ics")
