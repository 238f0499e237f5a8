"""A buyer locates the team's suppliers at their address in a real browser: the CRESS Ain file added
(suppliers placed at their commune by the offline gazetteer), the geocoding section run against the
recorded answers of the Géoplateforme (a local server on 127.0.0.1, never the internet), cancelled
mid-run, resumed without asking an address twice, run again without any request."""

from __future__ import annotations

import pytest

from sourcing.live.geocode import SOURCE_LABEL
from sourcing.live.geocoder import URL_ENV
from tests.browser.helpers import ARTIFACTS, add_source, wait_for_app
from tests.helpers import TEST_DATA_DIR, load_script
from ui import texts as T

pytestmark = pytest.mark.browser
CRESS = TEST_DATA_DIR / "store" / "cress-ain-2026-03.csv"


@pytest.fixture(scope="module")
def geocoding_app(streamlit_server):
    """(app URL, the addresses the recorded service is asked, the service) for this module."""
    service = load_script("tests/data/live/recorded_geocoder.py")
    with service.serve() as (url, seen, http_server), streamlit_server({URL_ENV: url}) as app_url:
        yield app_url, seen, http_server


def _open_section(page, app_url: str):
    page.goto(f"{app_url}/annuaire")
    wait_for_app(page)
    main = page.locator('[data-testid="stMain"]')
    main.locator("details").filter(has_text=T.GEOCODE_HEADER).locator("summary").click()
    main.get_by_role("button", name=T.GEOCODE_BUTTON).wait_for()
    return main


def test_suppliers_are_located_at_their_address_with_cancel_and_resume(page, geocoding_app):
    app_url, seen, server = geocoding_app
    add_source(page, app_url, CRESS, "CRESS Ain", "15/03/2026")
    main = _open_section(page, app_url)
    assert seen == []  # nothing asked before the click
    server.delay_s = 2.0  # slow answers: time to click cancel while the first address is on its way
    try:
        main.get_by_role("button", name=T.GEOCODE_BUTTON).click()
        cancel = main.get_by_role("button", name=T.GEOCODE_CANCEL)
        cancel.wait_for()
        for _ in range(600):
            if seen:
                break
            page.wait_for_timeout(100)
        cancel.click()
        main.get_by_text(T.GEOCODE_CANCELLED).wait_for(timeout=60_000)
    finally:
        server.delay_s = 0.0
    wait_for_app(page)
    assert "1 source(s)" in main.inner_text()  # nothing added on cancel
    asked_before_resume = list(seen)
    main.get_by_role("button", name=T.GEOCODE_BUTTON).click()
    done = main.get_by_text("Géocodage terminé").first
    done.wait_for(timeout=120_000)
    assert "2 fournisseur(s) localisé(s) à l'adresse sur 3" in done.inner_text()
    assert sorted(seen) == sorted(set(seen)) and len(seen) == 3  # each address asked once in all
    assert 1 <= len(asked_before_resume) <= 2
    wait_for_app(page)
    assert "2 source(s)" in main.inner_text()
    # The second source is the geocoding one: the sources grid is drawn on a canvas (its cells are not
    # page text), so the source is named by the section's own result text.
    assert main.get_by_text(SOURCE_LABEL, exact=False).count() >= 1
    page.screenshot(path=str(ARTIFACTS / "directory-geocoded.png"), full_page=True)

    main = _open_section(page, app_url)
    main.get_by_role("button", name=T.GEOCODE_BUTTON).click()
    again = main.get_by_text("Géocodage terminé").first
    again.wait_for(timeout=120_000)
    assert "0 adresse(s) demandée(s), 3 déjà connue(s)" in again.inner_text()
    assert T.GEOCODE_UNCHANGED in again.inner_text() and len(seen) == 3
