"""The first page in a real browser: demo directory shown, a real file uploaded and reported."""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import wait_for_app

pytestmark = pytest.mark.browser


def test_demo_directory_is_shown_and_labelled(page, app_url):
    page.goto(f"{app_url}/annuaire")
    wait_for_app(page)
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text("données fictives de démonstration").first.wait_for()
    metric = main.locator('[data-testid="stMetric"]').filter(has_text="Fournisseurs").first
    count = int(re.sub(r"\D", "", metric.locator('[data-testid="stMetricValue"]').inner_text()))
    assert 4500 <= count <= 5500
    # The suppliers table (the last grid: the report's grid sits in a closed expander) is drawn.
    main.locator('[data-testid="stDataFrame"]').last.wait_for(timeout=60_000)
    assert page.dialogs == []


def test_upload_real_siae_list_shows_its_report(page, app_url, realdata):
    page.goto(f"{app_url}/annuaire")
    wait_for_app(page)
    page.locator('input[type="file"]').set_input_files(str(realdata / "les-emplois" / "siae67.csv"))
    page.get_by_role("button", name="Importer ce fichier").click()
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text("Annuaire chargé").wait_for(timeout=60_000)
    wait_for_app(page)
    summary = main.get_by_text(re.compile(r"lignes lues")).first.inner_text()
    numbers = [int(n) for n in re.findall(r"\d+", summary)]
    rows_read, rows_loaded, rows_rejected = numbers[:3]
    assert rows_read == 65 and rows_loaded + rows_rejected == rows_read
    assert "SIAE" in main.inner_text()
