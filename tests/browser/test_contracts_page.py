"""A buyer adds the public contracts won to a directory fetched from public data, in a real browser:
a département fetched from the recorded answers of API Recherche d'entreprises, the source listed on
"Annuaire", the DECP looked up from recorded answers of data.gouv's tabular API (both served on
127.0.0.1, never the internet), then a fetched supplier found in the search with the filter
« a déjà remporté un marché public » and its « marchés publics » line on its card."""

from __future__ import annotations

import os
import re

import pytest

from sourcing.contracts.fetch import BASE_URL_ENV as DECP_URL_ENV
from sourcing.live.client import BASE_URL_ENV
from tests.browser.helpers import ARTIFACTS, wait_for_app
from tests.helpers import load_script
from ui import texts as T

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module", autouse=True)
def recorded_apis():
    """Both recorded services, started before the module's app server (autouse), which inherits their
    URLs from the environment."""
    companies = load_script("tests/data/live/recorded_api.py")
    contracts = load_script("tests/data/decp/recorded_decp.py")
    with companies.serve() as (company_url, _seen, _server), contracts.serve() as (decp_url, decp_seen):
        old = {name: os.environ.get(name) for name in (BASE_URL_ENV, DECP_URL_ENV)}
        os.environ[BASE_URL_ENV], os.environ[DECP_URL_ENV] = company_url, decp_url
        try:
            yield decp_seen
        finally:
            for name, value in old.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def _fill(main, page, label: str, value: str) -> None:
    main.get_by_label(label, exact=True).fill(value)
    main.get_by_label(label, exact=True).press("Tab")
    wait_for_app(page)


def test_contracts_found_for_a_fetched_supplier_show_on_its_card(page, own_app_url, recorded_apis):
    page.goto(f"{own_app_url}/annuaire")
    wait_for_app(page)
    main = page.locator('[data-testid="stMain"]')
    main.locator("details").filter(has_text=T.FETCH_HEADER).locator("summary").click()
    _fill(main, page, T.FETCH_DEPARTMENT, "59")
    _fill(main, page, T.FETCH_LABEL, "ESS du Nord")
    main.get_by_role("button", name=T.FETCH_BUTTON).click()
    main.get_by_text("Source « ESS du Nord » ajoutée").wait_for(timeout=120_000)
    wait_for_app(page)
    assert "1 source(s)" in main.inner_text()

    assert recorded_apis == []  # no DECP request before the buyer asks
    main.locator("details").filter(has_text=T.CONTRACTS_HEADER).locator("summary").click()
    main.get_by_role("button", name=T.CONTRACTS_FETCH_BUTTON).click()
    main.get_by_text(re.compile(r"Marchés publics à jour : 7 marché\(s\) trouvé\(s\)")).wait_for(timeout=120_000)
    wait_for_app(page)
    assert recorded_apis and all("titulaire_id__in=" in path for path in recorded_apis)
    page.screenshot(path=str(ARTIFACTS / "directory-contracts.png"), full_page=True)

    page.goto(f"{own_app_url}/?q=Sambre&marches=true")
    wait_for_app(page)
    count = page.get_by_text(re.compile(r"\d+ fournisseur\(s\) trouvé\(s\)")).first
    count.wait_for(timeout=60_000)
    assert count.inner_text() == T.RESULTS_COUNT.format(n=1)  # of the four SAMBRE establishments, the one that won
    grid = page.locator('.st-key-results_grid [data-testid="stDataFrame"]')
    grid.wait_for()
    wait_for_app(page)
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 15, box["y"] + 35 + 17)  # row 1's selection box, below the header
    line = page.get_by_text(re.compile(r"Marchés publics : 3 marchés publics depuis 2023")).first
    line.wait_for(timeout=60_000)
    assert "considération sociale" in line.inner_text()
    line.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "search-supplier-contracts.png"), full_page=True)
