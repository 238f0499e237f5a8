"""What buyers read says only what is true (issue 12), checked by opening the files as they would.

Word files with python-docx, PDF with poppler's pdftotext/pdfinfo, CSV and XLSX through LibreOffice
headless (a double-click's import), then the cell types read back with openpyxl.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import docx
import openpyxl
import pandas as pd
import pytest
from docx.shared import Cm

from sourcing.advisor import Purchase, advise
from sourcing.advisor.coverage import FAMILY_SOURCES
from sourcing.advisor.note import note_docx
from sourcing.directory import load_any
from sourcing.exports import TABLES, Selection
from sourcing.exports.documents import meeting_pack, traceability
from sourcing.model import KIND_BY_CODE
from sourcing.schedule import Invite, MeetingPlan
from tests.helpers import docx_text

PURCHASE = Purchase(
    "Entretien des espaces verts", "services", 300_000, 36, place="Lyon", radius_km=30,
    consultation_date=date(2026, 9, 1),
)  # fmt: skip
LEVER_OF_FAMILY = {"handicap": "reserve-handicap", "insertion": "reserve-insertion", "ess": "reserve-ess"}
SOURCE_WORDS = {"handicap": "FINESS", "insertion": "SIAE de l'ASP", "ess": "CRESS"}


def _families(kinds) -> set[str]:
    return {KIND_BY_CODE[k].family for k in kinds if k in KIND_BY_CODE}


@pytest.fixture(scope="module")
def demo() -> pd.DataFrame:
    return load_any(None)


def _without(frame: pd.DataFrame, family: str) -> pd.DataFrame:
    return frame[~frame["kinds"].map(lambda ks: family in _families(ks))].reset_index(drop=True)


# --- Family coverage in the advice, the note and the command line ------------------------------


@pytest.mark.parametrize("family", ["handicap", "insertion", "ess"])
def test_a_family_the_directory_lacks_is_said_not_covered_never_not_viable(demo, family):
    report = advise(PURCHASE, _without(demo, family))
    lever = report.lever(LEVER_OF_FAMILY[family])
    assert lever.viability["level"] == "non-couvert"
    assert lever.viability["not_covered"] == [family]
    message = lever.viability["message"]
    assert "ne contient aucune" in message and SOURCE_WORDS[family] in message
    assert FAMILY_SOURCES[family] in message
    assert "non viable" not in message and "non viable" not in lever.rationale
    # The other families are still counted as usual.
    for other, lever_id in LEVER_OF_FAMILY.items():
        if other != family:
            assert report.lever(lever_id).viability["level"] != "non-couvert"


def test_mixed_reservation_counts_what_is_covered_and_names_what_is_not(demo):
    report = advise(PURCHASE, _without(demo, "handicap"))
    mixed = report.lever("reserve-mixed")
    assert mixed.viability["not_covered"] == ["handicap"]
    assert "FINESS" in mixed.viability["message"]
    if mixed.viability["total"]:
        assert mixed.viability["level"] != "non-couvert"  # the insertion suppliers found still count


def test_none_near_is_told_apart_from_not_covered(demo):
    report = advise(PURCHASE, demo)
    far = Purchase("Entretien des espaces verts", "services", 300_000, 36, place="Brest", radius_km=1,
                   sectors=("espaces-verts",), consultation_date=date(2026, 9, 1))  # fmt: skip
    away = demo[demo["department"] != "29"].copy()
    away["area_national"] = False
    away["area_departments"] = [[] for _ in range(len(away))]
    away["area_regions"] = [[] for _ in range(len(away))]
    away["area_radius_km"] = float("nan")
    nearby = advise(far, away).lever("reserve-handicap").viability
    assert nearby["level"] == "non-viable" and nearby["not_covered"] == []
    assert "l'annuaire en contient ailleurs" in nearby["message"]
    assert all(lv.viability["not_covered"] == [] for lv in report.levers if lv.viability)


def test_note_says_not_covered_with_the_list_to_add(demo):
    report = advise(PURCHASE, _without(demo, "handicap"))
    text = docx_text(note_docx(PURCHASE, report, directory_label="Liste SIAE", generated_on=date(2026, 8, 15)))
    assert "handicap (EA, EATT, ESAT) : non couvert par l'annuaire" in text
    assert "FINESS" in text
    assert "handicap (EA, EATT, ESAT) : 0" not in text


def test_cli_prints_french_family_labels_and_not_covered(demo, capsys):
    from sourcing.cli_advise import _print_advice

    _print_advice(advise(PURCHASE, _without(demo, "handicap")))
    out = capsys.readouterr().out
    assert "handicap (EA, EATT, ESAT) : non couvert par l'annuaire" in out and "FINESS" in out
    assert "consultation du 01/09/2026" in out
    assert "[handicap :" not in out and "[ess :" not in out


# --- Word and PDF page setup ------------------------------------------------------------------

MEETING = MeetingPlan("Sourcing espaces verts", "Entretien 2027", datetime(2026, 12, 3, 9, 0), "Mairie", 30)


def _docx_files(demo) -> dict[str, bytes]:
    report = advise(PURCHASE, demo)
    invites = [Invite("Atelier A", "a@example.org", date(2026, 11, 20))]
    return {
        "note": note_docx(PURCHASE, report, generated_on=date(2026, 8, 15)),
        "trace": traceability("docx", MEETING, invites, today=date(2026, 12, 1)),
    }


def test_word_files_are_a4_with_french_margins_and_a_product_author(demo):
    for name, data in _docx_files(demo).items():
        document = docx.Document(io.BytesIO(data))
        for section in document.sections:
            assert abs(section.page_width - Cm(21)) < Cm(0.01), name
            assert abs(section.page_height - Cm(29.7)) < Cm(0.01), name
            for margin in (section.left_margin, section.right_margin, section.top_margin, section.bottom_margin):
                assert abs(margin - Cm(2.5)) < Cm(0.01), name
        props = document.core_properties
        assert props.author == "Sourçage ESS", name
        assert "python-docx" not in (props.author, props.last_modified_by, props.comments), name


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils absent (make system-deps installs it)")
def test_pdf_is_a4_with_a_product_author_and_readable_text(tmp_path):
    invites = [Invite("Atelier A", "a@example.org", date(2026, 11, 20))]
    path = tmp_path / "trace.pdf"
    path.write_bytes(traceability("pdf", MEETING, invites, today=date(2026, 12, 1)))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Sourçage ESS" in info and "A4" in info
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "sera communiquée" in text and "a été communiquée à l'ensemble" not in text


# --- Traceability: equal information attested only when recorded and equal ----------------------


def _trace(invites, today=date(2026, 12, 10)) -> str:
    return docx_text(traceability("docx", MEETING, invites, today=today))


EQUAL = "La même information a été communiquée à l'ensemble"


def test_before_the_meeting_the_record_is_a_form_in_the_future_tense():
    text = _trace([Invite("A"), Invite("B")], today=date(2026, 12, 1))
    assert "sera communiquée" in text and "Fiche à compléter" in text and EQUAL not in text


@pytest.mark.parametrize(
    "invites",
    [
        [Invite("A", attended=True, information_given="X"), Invite("B", attended=None, information_given="X")],
        [Invite("A", attended=True, information_given="X"), Invite("B", attended=False, information_given="")],
        [Invite("A", attended=True), Invite("B", attended=True)],  # nothing written down
    ],
    ids=["attendance-missing", "information-missing", "nothing-written"],
)  # fmt: skip
def test_after_the_meeting_a_missing_record_is_never_an_equality_claim(invites):
    text = _trace(invites)
    assert EQUAL not in text and "Fiche à compléter" in text


def test_unequal_information_is_flagged():
    text = _trace(
        [Invite("A", attended=True, information_given="X"), Invite("B", attended=True, information_given="Y")]
    )
    assert EQUAL not in text and "diffèrent" in text


def test_recorded_and_equal_information_is_attested():
    text = _trace(
        [Invite("A", attended=True, information_given="X"), Invite("B", attended=False, information_given="X")]
    )
    assert EQUAL in text and "Information communiquée : X" in text


def test_meeting_pack_speaks_of_the_future():
    text = docx_text(meeting_pack("docx", MEETING, [], pd.DataFrame({"name": []})))
    assert EQUAL not in text and "sera communiquée" in text


# --- CSV and XLSX as a buyer's double-click opens them (LibreOffice) ---------------------------

ROW = pd.DataFrame(
    {"name": ["Atelier A"], "siret": ["41071771400035"], "postal_code": ["01000"], "phone": ["0102030405"],
     "kinds": [["ESAT"]], "sectors": [["espaces-verts"]]}
)  # fmt: skip


def _libreoffice_xlsx(path: Path, tmp_path: Path) -> openpyxl.Workbook:
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}"
    cmd = ["soffice", "--headless", profile, "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir",
           str(tmp_path / "out"), str(path)]  # fmt: skip
    subprocess.run(cmd, capture_output=True, check=True, timeout=180)
    return openpyxl.load_workbook(tmp_path / "out" / (path.stem + ".xlsx"))


@pytest.mark.skipif(not shutil.which("soffice"), reason="libreoffice-calc absent (make system-deps installs it)")
def test_xlsx_keeps_siret_postal_code_and_phone_as_text_and_csv_is_labelled_raw(tmp_path):
    path = tmp_path / "fournisseurs.xlsx"
    path.write_bytes(TABLES["xlsx"].build(Selection(ROW)))
    sheet = _libreoffice_xlsx(path, tmp_path).active
    header = [c.value for c in sheet[1]]
    cells = {h: c for h, c in zip(header, sheet[2], strict=False)}
    for wanted in ("41071771400035", "01000", "0102030405"):
        cell = next(c for c in cells.values() if c.value == wanted)
        assert cell.data_type == "s"
    # A double-clicked CSV loses them (no formula trick: formulas are neutralised), so it is not
    # offered "for Excel" but as raw data.
    csv_path = tmp_path / "fournisseurs.csv"
    csv_path.write_bytes(TABLES["csv"].build(Selection(ROW)))
    values = [c.value for c in _libreoffice_xlsx(csv_path, tmp_path).active[2]]
    assert "01000" not in values
    assert "Excel" not in TABLES["csv"].label and "brutes" in TABLES["csv"].label
    assert ".xlsx" in TABLES["csv"].help


def test_supplier_brief_names_the_departement_and_region_not_their_codes():
    from sourcing.exports.blocks import Table
    from sourcing.exports.documents import supplier_brief_blocks

    row = pd.Series({"name": "Atelier A", "department": "69", "region": "84", "kinds": ["ESAT"]})
    table = next(b for b in supplier_brief_blocks(MEETING, None, row) if isinstance(b, Table))
    value = dict(table.rows)["Département / région"]
    assert "Rhône" in value and "Auvergne-Rhône-Alpes" in value and value != "69 / 84"
