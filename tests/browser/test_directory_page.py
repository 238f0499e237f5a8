"""The first page in a real browser: demo directory shown, a real file uploaded and reported."""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import ARTIFACTS, add_source, wait_for_app
from tests.helpers import TEST_DATA_DIR, format_regex
from ui import texts as T

pytestmark = pytest.mark.browser


def test_demo_directory_is_shown_and_labelled(page, app_url):
    page.goto(f"{app_url}/annuaire")
    wait_for_app(page)
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text(T.DEMO_BADGE).first.wait_for()
    metric = main.locator('[data-testid="stMetric"]').filter(has_text=T.METRIC_SUPPLIERS).first
    count = int(re.sub(r"\D", "", metric.locator('[data-testid="stMetricValue"]').inner_text()))
    assert 4500 <= count <= 5500
    # The suppliers table (the last grid: the report's grid sits in a closed expander) is drawn.
    main.locator('[data-testid="stDataFrame"]').last.wait_for(timeout=60_000)
    assert page.dialogs == []


def test_two_sources_added_are_there_for_another_buyer(browser, page, own_app_url, realdata):
    """A buyer adds the SIAE 67 list and a CRESS file; another buyer (a new browser context) opens
    the app: both sources are listed, searched, with their row reports and dates."""
    siae67 = realdata / "les-emplois" / "siae67.csv"
    cress = TEST_DATA_DIR / "store" / "cress-ain-2026-03.csv"
    add_source(page, own_app_url, siae67, "SIAE 67", "2026-02-01")
    main = page.locator('[data-testid="stMain"]')
    summary = main.get_by_text(format_regex(T.REPORT_SUMMARY)).first.inner_text()
    rows_read, rows_loaded, rows_rejected = [int(n) for n in re.findall(r"\d+", summary)][:3]
    assert rows_read == 65 and rows_loaded + rows_rejected == rows_read
    add_source(page, own_app_url, cress, "CRESS Ain", "15/03/2026")

    other = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    try:
        colleague = other.new_page()
        colleague.goto(f"{own_app_url}/annuaire")
        wait_for_app(colleague)
        grid = colleague.locator('[data-testid="stMain"] [data-testid="stDataFrame"]').first
        grid.wait_for(timeout=60_000)
        text = colleague.locator('[data-testid="stMain"]').inner_text()
        assert "2 source(s)" in text and T.DEMO_BADGE not in text
        metric = colleague.locator('[data-testid="stMetric"]').filter(has_text=T.METRIC_SUPPLIERS).first
        count = int(re.sub(r"\D", "", metric.locator('[data-testid="stMetricValue"]').inner_text()))
        assert count == 57 + 4  # siae67's suppliers (duplicates merged) and the four CRESS rows
        colleague.screenshot(path=str(ARTIFACTS / "directory-two-sources.png"), full_page=True)
        colleague.goto(own_app_url)
        wait_for_app(colleague)
        colleague.get_by_text(T.RESULTS_COUNT.format(n=61)).first.wait_for(timeout=60_000)
    finally:
        other.close()
