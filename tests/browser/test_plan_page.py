"""End-to-end: the page "Programme d'achats" in Chromium: a programme uploaded and analysed, the
drill-down to one purchase, the workbook and the summary downloaded and opened, a programme typed
in the grid, and the annual report from a contracts file."""

from __future__ import annotations

import io

import docx
import openpyxl
import pytest
from playwright.sync_api import expect

from sourcing.plan.exports import SHEETS
from tests.browser.helpers import wait_for_app
from tests.helpers import TEST_DATA_DIR
from ui import texts as T

pytestmark = pytest.mark.browser

PLANS = TEST_DATA_DIR / "plans"


def _open(page, app_url):
    page.goto(f"{app_url}/programme")
    wait_for_app(page)
    main = page.locator('[data-testid="stMain"]')
    main.get_by_label(T.PLAN_NEAR, exact=True).fill("Villeurbanne")
    main.get_by_label(T.PLAN_NEAR, exact=True).press("Tab")
    wait_for_app(page)
    return main


def _as_bytes(frame: bytes | str) -> bytes:
    return frame if isinstance(frame, bytes) else frame.encode()


def _download(page, main, label: str, tmp_path):
    with page.expect_download() as info:
        main.get_by_role("button", name=label).click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return path


def test_upload_analyse_drill_down_and_exports(page, app_url, tmp_path):
    main = _open(page, app_url)
    main.locator('input[type="file"]').first.set_input_files(str(PLANS / "programme-2027.xlsx"))
    wait_for_app(page)
    main.get_by_role("button", name=T.PLAN_SUBMIT).click()
    main.get_by_text(T.PLAN_DETAIL, exact=True).wait_for(timeout=180_000)
    wait_for_app(page)
    text = main.inner_text()
    assert "253 lignes lues : 230 achats analysés, 23 lignes écartées" in text
    for title in (T.PLAN_LEVERS, T.PLAN_PRIORITIES, T.PLAN_SUPPLIERS):
        assert title in text

    # Drill-down: pick a purchase by typing its line in the selector.
    picker = main.get_by_role("combobox", name=T.PLAN_DETAIL_PICK, exact=True)
    picker.click()
    page.keyboard.type("Ligne 30 ")
    page.keyboard.press("Enter")
    expect(picker).to_have_value(
        T.PLAN_DETAIL_LINE.format(line=30, need="Nettoyage des écoles et des gymnases (reconduction)")
    )
    main.get_by_text("326\u202f300 € HT sur 48 mois", exact=False).wait_for()
    wait_for_app(page)
    assert T.PLAN_DETAIL_LEVERS in main.inner_text()
    assert main.get_by_role("button", name=T.PLAN_PREPARE).is_visible()

    book = openpyxl.load_workbook(_download(page, main, T.PLAN_DOWNLOAD_XLSX, tmp_path))
    assert book.sheetnames == list(SHEETS)
    assert book["Lignes"].max_row == 231
    summary = docx.Document(io.BytesIO(_download(page, main, T.PLAN_DOWNLOAD_DOCX, tmp_path).read_bytes()))
    text = "\n".join(p.text for p in summary.paragraphs)
    assert "230 achats analysés sur 253 lignes lues" in text
    assert page.dialogs == []


def test_programme_typed_in_the_grid(page, app_url):
    with page.expect_websocket(lambda ws: ws.url.endswith("/_stcore/stream")) as socket:
        main = _open(page, app_url)
    main.get_by_text(T.PLAN_SOURCE_GRID, exact=True).click()
    wait_for_app(page)
    grid = main.locator('[data-testid="stDataFrame"]').first
    grid.wait_for()
    box = grid.bounding_box()

    def type_in(x: float, text: str) -> None:
        """Open the first row's cell at `x` px from the grid's left edge, type, commit, and wait until
        the browser has sent the edit to the server. Streamlit's data editor sends its edits 150 ms
        after the last one (debounced), while a button sends its click at once: a click sooner would
        run the script with the grid as it was, and the late edit, arriving during that run, would
        replace it by a run without the click (Streamlit drops a trigger its interrupted run consumed)."""
        page.mouse.dblclick(box["x"] + x, box["y"] + 52)  # below the header row
        editor = page.locator("#portal textarea")
        editor.wait_for()  # keys typed before the cell editor opens would be lost
        sent = text.encode()
        with socket.value.expect_event("framesent", lambda frame: sent in _as_bytes(frame)):
            editor.fill(text)
            page.keyboard.press("Enter")
        wait_for_app(page)

    # Fixed widths (ui.plan_page.GRID_WIDTHS): row marker, Objet (large, 400 px), CPV (small), Montant (medium).
    type_in(620, "120k€")
    type_in(200, "Entretien des espaces verts")
    main.get_by_role("button", name=T.PLAN_SUBMIT).click()
    main.get_by_text(T.PLAN_DETAIL, exact=True).wait_for(timeout=120_000)
    wait_for_app(page)
    text = main.inner_text()
    assert "1 achats analysés" in text.replace("**", "")
    assert "120\u202f000 € HT sur 12 mois" in text  # « 120k€ », and the default duration
    picker = main.get_by_role("combobox", name=T.PLAN_DETAIL_PICK, exact=True)
    expect(picker).to_have_value(T.PLAN_DETAIL_LINE.format(line=1, need="Entretien des espaces verts"))


def test_annual_report_from_contracts(page, app_url, tmp_path):
    page.goto(f"{app_url}/programme")
    wait_for_app(page)
    main = page.locator('[data-testid="stMain"]')
    main.get_by_role("tab", name=T.PLAN_TAB_REPORT).click()
    main.locator('input[type="file"]').last.set_input_files(str(PLANS / "contrats-2024-2026.xlsx"))
    main.get_by_role("button", name=T.ANNUAL_DOWNLOAD).wait_for(timeout=120_000)
    wait_for_app(page)
    assert "154 lignes lues : 147 marchés comptés, 7 lignes écartées" in main.inner_text()
    book = openpyxl.load_workbook(_download(page, main, T.ANNUAL_DOWNLOAD, tmp_path))
    assert book.sheetnames[0] == "Indicateurs SPASER"
