"""No raw code in anything a buyer files: every document the tool writes (note d'opportunité, meeting pack,
supplier brief, traceability record, invitation list, supplier tables; DOCX, PDF, XLSX, CSV) is generated
from values full of codes, its text read back from the file, and scanned for the codes: natures
("services"), buyer types ("commune"), location precisions ("commune", "postal_code"), families
("handicap"), sector ids ("espaces-verts"), département and région codes without their names ("69", "84",
"69 / 84")."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from datetime import date, datetime
from itertools import pairwise

import docx
import openpyxl
import pandas as pd
import pytest
from icalendar import Calendar

from sourcing.advisor.request import AdviceRequest, advise_request
from sourcing.advisor.thresholds import BUYER_TYPES, NATURES
from sourcing.exports import MEETING_FILES, TABLES, Selection
from sourcing.exports.documents import meeting_pack, supplier_brief, traceability
from sourcing.model import FAMILIES, GEO_PRECISIONS
from sourcing.schedule import Invite, MeetingPlan, build_schedule
from sourcing.taxonomy import load_taxonomy

SECTOR_IDS = tuple(load_taxonomy().sectors["sector_id"])
# A whole cell, or the value after « label : », must never be one of these.
RAW_VALUES = frozenset(NATURES) | frozenset(BUYER_TYPES) | frozenset(GEO_PRECISIONS) | frozenset(FAMILIES)
RAW_VALUES |= frozenset(SECTOR_IDS) | {"69", "84", "69 / 84", "69/84"}
# Sector ids made of several words ("peinture-revetements") are never French prose: nowhere at all.
HYPHENATED_IDS = re.compile(r"(?<![\w-])(" + "|".join(re.escape(s) for s in SECTOR_IDS if "-" in s) + r")(?![\w-])")
BARE_TERRITORY = re.compile(r"(?<![\w(])69 ?/ ?84(?![\w)])")  # "69 / 84": codes without names
MEETING = MeetingPlan("Sourcing espaces verts", "Entretien des espaces verts 2027", datetime(2026, 12, 3, 9),
                      "Mairie, salle 2", 20)  # fmt: skip
ICS_FIELDS = ("SUMMARY", "DESCRIPTION", "LOCATION")
SUPPLIERS = pd.DataFrame(
    {
        "id": ["s1", "s2"], "name": ["Atelier A", "Jardins B"], "siret": ["41071771400035", "36227586900018"],
        "kinds": [["ESAT"], ["ACI", "EI"]], "sectors": [["espaces-verts", "peinture-revetements"], ["espaces-verts"]],
        "city": ["Lyon", "Villeurbanne"], "postal_code": ["69003", "69100"], "department": ["69", "69"],
        "region": ["84", "84"], "geo_precision": ["commune", "postal_code"], "distance_km": [2.5, 4.0],
        "email": ["a@example.org", "b@example.org"], "phone": ["0102030405", "0607080910"],
        "source_name": ["Liste de démonstration", "Liste de démonstration"], "source_date": ["2026-05-01"] * 2,
    }
)  # fmt: skip


def _units(text_units: list[str]) -> list[str]:
    """Each cell or line, and the value after « label : » in it."""
    out = []
    for unit in text_units:
        unit = unit.strip()
        out.append(unit)
        if " : " in unit:
            out.append(unit.split(" : ", 1)[1].strip())
    return out


def _docx_units(data: bytes) -> list[str]:
    document = docx.Document(io.BytesIO(data))
    units = [p.text for p in document.paragraphs]
    units += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return _units(units)


def _pdf_units(data: bytes, tmp_path) -> list[str]:
    """The PDF's text as one unit: narrow table cells wrap words onto lines of their own (« du CCP /
    handicap »), so a whole-cell check would see codes in prose. The PDF is drawn from the same blocks
    as the DOCX, whose cells are checked one by one; here the codes that never are French words
    (sector ids) and the territory codes are looked for in the whole text."""
    path = tmp_path / "document.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [" ".join(text.split())]


def _xlsx_units(data: bytes) -> list[str]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return _units([str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None])


def _csv_units(data: bytes) -> list[str]:
    rows = csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";")
    return _units([cell for row in rows for cell in row])


def _raw_codes(units: list[str], raw_values: frozenset[str] = RAW_VALUES) -> list[str]:
    found = [u for u in units if u in raw_values]
    found += [m.group(1) for u in units for m in HYPHENATED_IDS.finditer(u)]
    found += [m.group(0) for u in units for m in BARE_TERRITORY.finditer(u)] if "69" in raw_values else []
    return found


def _documents(tmp_path) -> dict[str, list[str]]:
    """Every buyer-facing file, by name, as the text units read back from it."""
    slots = build_schedule(MEETING, SUPPLIERS, order="given")
    invites = [Invite("Atelier A", "a@example.org", date(2026, 11, 20), attended=True, information_given="Calendrier")]
    selection = Selection(SUPPLIERS, MEETING)
    docs: dict[str, list[str]] = {}
    for fmt in ("docx", "pdf"):
        read = _docx_units if fmt == "docx" else (lambda data: _pdf_units(data, tmp_path))
        docs[f"pack.{fmt}"] = read(meeting_pack(fmt, MEETING, slots, SUPPLIERS))
        docs[f"brief.{fmt}"] = read(supplier_brief(fmt, MEETING, slots[0], SUPPLIERS.iloc[0]))
        docs[f"trace.{fmt}"] = read(traceability(fmt, MEETING, invites, today=date(2026, 12, 10)))
    for kind in ("invitations-xlsx", "invitations-csv"):
        data = MEETING_FILES[kind].build(selection)
        docs[kind] = _xlsx_units(data) if kind.endswith("xlsx") else _csv_units(data)
    calendar = Calendar.from_ical(MEETING_FILES["ics"].build(selection))
    docs["agenda.ics"] = _units([str(e.get(f, "")) for e in calendar.walk("VEVENT") for f in ICS_FIELDS])
    docs["table.xlsx"] = _xlsx_units(TABLES["xlsx"].build(selection))
    docs["table.csv"] = _csv_units(TABLES["csv"].build(selection))
    return docs


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils absent (make system-deps installs it)")
def test_meeting_and_supplier_documents_show_no_raw_code(tmp_path):
    for name, units in _documents(tmp_path).items():
        assert not _raw_codes(units), f"{name}: {_raw_codes(units)}"
        assert any("Rhône" in u for u in units) or name.startswith(("trace", "invitations", "agenda")), name


@pytest.mark.parametrize("nature", NATURES)
@pytest.mark.parametrize("buyer", ["commune", "departement", "region", "etablissement-public", "epci"])
def test_note_shows_french_labels_never_codes(nature, buyer):
    request = AdviceRequest(
        need="Entretien des espaces verts et peinture des écoles", nature=nature, amount_eur=300_000,
        duration_months=36, buyer_type=buyer, place="Lyon", radius_km=30, consultation_date=date(2026, 9, 1),
    )  # fmt: skip
    units = _docx_units(advise_request(request, None, today=date(2026, 9, 1)).note)
    assert not _raw_codes(units), _raw_codes(units)
    inputs = dict(pairwise(units))  # the table of the purchase: label cell, value cell
    assert (
        inputs["Nature du marché"]
        == {"travaux": "Travaux", "fournitures": "Fournitures", "services": "Services"}[nature]
    )
    assert inputs["Type d'acheteur"][0].isupper()


def _all_sheets_units(data: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return _units([str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value])


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils absent (make system-deps installs it)")
def test_programme_and_contracts_files_show_no_raw_code(tmp_path):
    """The purchasing programme's workbook and summary (DOCX, PDF) and the contracts' SPASER workbook."""
    from sourcing.directory import load_demo
    from sourcing.plan import contracts
    from sourcing.plan.analysis import PlanSettings, analyse
    from sourcing.plan.exports import plan_summary, plan_xlsx
    from sourcing.plan.programme import read_programme
    from sourcing.search import SearchIndex
    from tests.helpers import TEST_DATA_DIR

    plans = TEST_DATA_DIR / "plans"
    programme = read_programme((plans / "programme-2027.xlsx").read_bytes(), "programme-2027.xlsx",
                               today=date(2026, 12, 1))  # fmt: skip
    analysis = analyse(programme, SearchIndex.build(load_demo()), PlanSettings(near="Villeurbanne"))
    found = contracts.read_contracts((plans / "contrats-2024-2026.xlsx").read_bytes(), "contrats-2024-2026.xlsx")
    files = {
        "programme.xlsx": _all_sheets_units(plan_xlsx(analysis)),
        "synthese.docx": _docx_units(plan_summary("docx", analysis, today=date(2026, 12, 1))),
        "synthese.pdf": _pdf_units(plan_summary("pdf", analysis, today=date(2026, 12, 1)), tmp_path),
        "spaser.xlsx": _all_sheets_units(contracts.report_xlsx(found, today=date(2026, 12, 1))),
    }
    codes = RAW_VALUES - {"69", "84"}  # line numbers and counts here, not départements
    for name, units in files.items():
        assert not _raw_codes(units, codes), f"{name}: {sorted(set(_raw_codes(units, codes)))}"


def test_the_scan_finds_a_code_where_one_is_left(tmp_path):
    """The scanner itself: a code in a cell, a value after « : », or a sector id in PDF prose is caught."""
    from sourcing.exports.blocks import Para, Table
    from sourcing.exports.documents import render

    blocks = [Table(("Nature",), (("services",),)), Para("Précision : commune"), Para("Secteur peinture-revetements")]
    assert sorted(_raw_codes(_docx_units(render("docx", blocks, title="t")))) == [
        "commune", "peinture-revetements", "services"
    ]  # fmt: skip
    assert _raw_codes(_pdf_units(render("pdf", blocks, title="t"), tmp_path)) == ["peinture-revetements"]
    assert _raw_codes(["Rhône (69) / Auvergne-Rhône-Alpes"]) == [] and _raw_codes(["69 / 84"]) != []
