"""End to end, in Chromium against `streamlit run`: a buyer searches, puts three suppliers in a new
list, changes a status, plans a meeting and downloads its pack and calendar; the files are opened
and checked."""

from __future__ import annotations

import re

import pytest
from icalendar import Calendar

from sourcing.exports.documents import EQUAL_INFORMATION, EQUAL_INFORMATION_TO_COME
from sourcing.exports.registry import BRIEFS, CALENDAR, MEETING_FILES
from tests.browser.helpers import ARTIFACTS, SEARCH_MAP, wait_for_app
from tests.helpers import docx_text
from ui import texts as T

pytestmark = pytest.mark.browser

ROW_HEIGHT = 35  # Streamlit's grid: header then rows of 35 px


def _grid_names(page) -> list[str]:
    """Names of the first three rows of the results grid, read from the grid's accessible table
    (columns: distance, name, ...)."""
    rows = page.locator('.st-key-results_grid [data-testid="stDataFrame"] [role="row"]')
    return [rows.nth(i).locator('[role="gridcell"]').nth(1).text_content().strip() for i in range(1, 4)]


def _download(page, button_name: str, tmp_path) -> tuple[str, bytes]:
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name=button_name).click()
    download = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    return download.suggested_filename, path.read_bytes()


def _open_cell_editor(page, grid, *, row: int, moves_right: int, attempts: int = 3):
    """Open the cell editor of `grid`'s `row` (1 = first supplier), `moves_right` columns right of the
    first, as a buyer does: click the row's first cell, arrow keys, Enter; return the editor.

    The click must land on the grid's canvas once the grid has keyboard focus: once in a CI run (stop 28)
    the keys went nowhere and no editor opened. A buyer whose click did not take clicks again; so does this,
    up to `attempts` times, checking the focus before the keys."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    editor = page.locator("textarea.gdg-input")  # the grid's cell editor, drawn over the canvas
    for attempt in range(attempts):
        wait_for_app(page)
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 40, box["y"] + ROW_HEIGHT / 2 + row * ROW_HEIGHT)
        try:
            page.wait_for_function(
                "grid => grid.contains(document.activeElement)", arg=grid.element_handle(), timeout=5_000
            )
            for _ in range(moves_right):
                page.keyboard.press("ArrowRight")
            page.keyboard.press("Enter")
            editor.wait_for(timeout=5_000)
            return editor
        except PlaywrightTimeout:
            page.screenshot(path=str(ARTIFACTS / f"lists-cell-editor-attempt-{attempt + 1}.png"), full_page=True)
            page.keyboard.press("Escape")
    raise AssertionError(f"no cell editor after {attempts} clicks on row {row} of the list's grid")


def test_search_to_list_to_meeting_pack_and_calendar(page, app_url, tmp_path):
    page.goto(f"{app_url}/?lieu=Lyon+%2869001%29&rayon=40&t_ESAT=true")
    wait_for_app(page)
    main = page.locator('[data-testid="stMain"]')
    # The map sizes itself once Leaflet has loaded: wait for it, so the grid stops moving.
    page.locator(f"{SEARCH_MAP} .leaflet-marker-icon").first.wait_for(timeout=60_000)
    grid = main.locator('.st-key-results_grid [data-testid="stDataFrame"]')
    grid.wait_for(timeout=60_000)
    # Check the first three rows (the first column holds the row-selection checkboxes).
    for i in range(3):
        wait_for_app(page)  # the card opened by the previous check can move the grid down
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 15, box["y"] + ROW_HEIGHT + ROW_HEIGHT / 2 + i * ROW_HEIGHT)
        main.get_by_role("button", name=T.ADD_SELECTED.format(n=i + 1)).wait_for(timeout=60_000)
    chosen = _grid_names(page)

    # No list yet: the target is a new list, named here.
    main.get_by_label(T.ADD_NEW_NAME).fill("Restauration collective 2027")
    main.get_by_label(T.ADD_NEW_NAME).press("Enter")
    wait_for_app(page)
    main.get_by_role("button", name=T.ADD_SELECTED.format(n=3)).click()
    added = T.ADD_DONE.format(added=3, name="Restauration collective 2027", already=0)
    main.get_by_text(added).wait_for(timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "lists-added-from-search.png"), full_page=True)

    main.get_by_role("link", name=T.ADD_GO).click()
    main.get_by_text(T.LIST_SUMMARY.format(n=3, by_status="3 à contacter")).wait_for(timeout=60_000)
    list_grid = main.locator('[data-testid="stDataFrame"]').first
    list_grid.locator('[role="row"]').nth(3).wait_for(state="attached", timeout=60_000)
    listed = list_grid.text_content()  # the grid's accessible table (the grid itself is a canvas)
    assert all(name in listed for name in chosen), (chosen, listed[:500])

    # Change a status in the follow-up panel (the first supplier of the list is preselected).
    follow = main.locator('[data-testid="stForm"]').filter(has_text=T.ENTRY_SAVE)
    follow.locator('[data-testid="stSelectbox"] input').first.click()
    page.keyboard.type("contacté")
    page.get_by_role("option", name="contacté", exact=True).click()
    follow.get_by_label(T.COL_NOTES).fill("Appelé le directeur : intéressé")
    follow.get_by_role("button", name=T.ENTRY_SAVE).click()
    main.get_by_text(T.LIST_SUMMARY.format(n=3, by_status="2 à contacter, 1 contacté")).wait_for(timeout=60_000)
    first_name = list_grid.locator('[role="row"]').nth(1).locator('[role="gridcell"]').first.text_content().strip()
    assert T.LIST_SAVED.format(n=1, names=first_name) in main.inner_text()
    page.screenshot(path=str(ARTIFACTS / "lists-status-changed.png"), full_page=True)

    # Edit a note right in the grid: select the second row's first cell, move to Notes, open the
    # cell editor (Enter), type, commit (Enter). The confirmation names the supplier saved.
    wait_for_app(page)
    list_grid = main.locator('[data-testid="stDataFrame"]').first
    second_name = list_grid.locator('[role="row"]').nth(2).locator('[role="gridcell"]').first.text_content().strip()
    editor = _open_cell_editor(page, list_grid, row=2, moves_right=2)
    editor.fill("Rappeler lundi")
    editor.press("Enter")
    main.get_by_text(T.LIST_SAVED.format(n=1, names=second_name)).wait_for(timeout=60_000)
    # Saved in the database, not only in the browser: a new session shows it.
    page.reload()
    wait_for_app(page)
    main.get_by_text(T.LIST_SUMMARY.format(n=3, by_status="2 à contacter, 1 contacté")).wait_for(timeout=60_000)
    rows = main.locator('[data-testid="stDataFrame"]').first.locator('[role="row"]')
    rows.nth(3).wait_for(state="attached", timeout=60_000)
    second = rows.nth(2).text_content()
    assert second_name in second and "Rappeler lundi" in second and "à contacter" in second, second

    # Plan a meeting with the list's suppliers.
    main.get_by_role("tab", name=T.TAB_MEETINGS).click()
    form = main.locator('[data-testid="stForm"]').filter(has_text=T.MEETING_CREATE)
    form.get_by_label(T.MEETING_TITLE).fill("Sourçage restauration")
    form.get_by_label(T.MEETING_PURPOSE).fill("Repas des écoles 2027-2029")
    form.get_by_label(T.MEETING_PLACE).fill("Hôtel de ville, salle du conseil")
    form.get_by_role("button", name=T.MEETING_CREATE).click()
    main.get_by_text(T.MEETING_CREATED.format(title="Sourçage restauration", n=3)).wait_for(timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "meeting-planned.png"), full_page=True)

    name, pack = _download(page, MEETING_FILES["pack-docx"].label, tmp_path)
    assert re.fullmatch(r"rencontre-\d{4}-\d{2}-\d{2}-sour.age-restauration-dossier\.docx", name)
    text = docx_text(pack)
    assert "Sourçage restauration" in text and "Repas des écoles 2027-2029" in text
    assert "Hôtel de ville, salle du conseil" in text
    assert all(n in text for n in chosen)
    assert "Compte rendu de la rencontre" in text
    slot_times = re.findall(r"\d\d:\d\d–\d\d:\d\d", text)
    assert slot_times[:3] == ["09:00–09:20", "09:25–09:45", "09:50–10:10"]  # 20 min slots, 5 min pauses

    name, ics = _download(page, CALENDAR.label, tmp_path)
    assert name.endswith(".ics")
    events = list(Calendar.from_ical(ics).walk("VEVENT"))
    assert len(events) == 4  # the meeting and one event per supplier
    summaries = [str(e.get("summary")) for e in events]
    assert all(any(n in s for s in summaries) for n in chosen)
    assert {str(e.get("location")) for e in events} == {"Hôtel de ville, salle du conseil"}
    assert events[1].decoded("dtstart").strftime("%H:%M") == "09:00"

    # One supplier's brief on its own (the first invited one is preselected).
    page.get_by_role("button", name=BRIEFS["docx"].label).scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "meeting-documents.png"))
    name, brief = _download(page, BRIEFS["docx"].label, tmp_path)
    assert name.startswith("fiche-") and name.endswith(".docx")
    brief_text = docx_text(brief)
    assert sum(f"Fiche fournisseur : {n}" in brief_text for n in chosen) == 1
    assert "Questions à poser" in brief_text

    # After the meeting: the same information recorded for every invitee, then the traceability record.
    main.get_by_label(T.MEETING_SAME_INFO).fill("Calendrier et allotissement envisagés")
    main.get_by_role("button", name=T.MEETING_SAME_INFO_BUTTON).click()
    main.get_by_text(T.LIST_SAVED.partition("{names}")[0].format(n=3)).wait_for(timeout=60_000)
    name, trace = _download(page, MEETING_FILES["trace-docx"].label, tmp_path)
    assert name.endswith("-tracabilite.docx")
    trace_text = docx_text(trace)
    assert "3 opérateur(s) invité(s)" in trace_text
    # Recorded for each invitee; the meeting is still to come and attendance is not recorded, so the
    # record is a form in the future tense, not yet the statement that all had the same information.
    assert trace_text.count("Calendrier et allotissement envisagés") == 3
    assert EQUAL_INFORMATION_TO_COME in trace_text and EQUAL_INFORMATION not in trace_text
    assert not page.dialogs
