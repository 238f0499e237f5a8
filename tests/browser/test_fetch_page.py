"""A buyer builds the directory from public data in a real browser: a département fetched from the
recorded answers of API Recherche d'entreprises (a local server on 127.0.0.1, never the internet),
the source listed on "Annuaire", a fetched supplier found by the search."""

from __future__ import annotations

import os
import re

import pytest

from sourcing.live.client import BASE_URL_ENV
from tests.browser.helpers import ARTIFACTS, tick, wait_for_app
from tests.helpers import load_script
from ui import texts as T

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module", autouse=True)
def recorded_api():
    """Started before the module's app server (autouse), which inherits its URL from the environment."""
    server = load_script("tests/data/live/recorded_api.py")
    with server.serve() as (url, seen, http_server):
        old = os.environ.get(BASE_URL_ENV)
        os.environ[BASE_URL_ENV] = url
        try:
            yield seen, http_server
        finally:
            if old is None:
                os.environ.pop(BASE_URL_ENV, None)
            else:
                os.environ[BASE_URL_ENV] = old


def _open_fetch_form(page, app_url: str, department: str, label: str):
    page.goto(f"{app_url}/annuaire")
    wait_for_app(page)
    main = page.locator('[data-testid="stMain"]')
    main.locator("details").filter(has_text=T.FETCH_HEADER).locator("summary").click()
    for name, value in ((T.FETCH_DEPARTMENT, department), (T.FETCH_LABEL, label)):
        main.get_by_label(name, exact=True).fill(value)
        main.get_by_label(name, exact=True).press("Tab")
        wait_for_app(page)
    return main


def test_a_department_fetched_is_listed_and_searched(page, own_app_url, recorded_api):
    recorded_api, _server = recorded_api
    page.goto(f"{own_app_url}/annuaire")
    wait_for_app(page)
    main = page.locator('[data-testid="stMain"]')
    main.locator("details").filter(has_text=T.FETCH_HEADER).locator("summary").click()
    department = main.get_by_label(T.FETCH_DEPARTMENT, exact=True)
    department.fill("59")
    department.press("Tab")
    wait_for_app(page)
    main.get_by_text("département 59").first.wait_for()
    assert recorded_api == []  # nothing fetched before the click
    main.get_by_label(T.FETCH_LABEL, exact=True).fill("ESS du Nord")
    main.get_by_label(T.FETCH_LABEL, exact=True).press("Tab")
    wait_for_app(page)
    main.get_by_role("button", name=T.FETCH_BUTTON).click()
    main.get_by_text("Source « ESS du Nord » ajoutée").wait_for(timeout=120_000)
    wait_for_app(page)
    assert len(recorded_api) == 3  # the three recorded pages, each once
    text = main.inner_text()
    assert "1 source(s)" in text and T.DEMO_BADGE not in text
    page.screenshot(path=str(ARTIFACTS / "directory-fetched.png"), full_page=True)

    page.goto(f"{own_app_url}/?q=Sambre")
    wait_for_app(page)
    count = page.get_by_text(re.compile(r"\d+ fournisseur\(s\) trouvé\(s\)")).first
    count.wait_for(timeout=60_000)
    assert count.inner_text() == T.RESULTS_COUNT.format(n=4)  # the four fictitious "RECYCLERIE DE LA SAMBRE"
    page.screenshot(path=str(ARTIFACTS / "search-fetched-supplier.png"), full_page=True)


def test_a_cancelled_fetch_keeps_its_pages_and_resumes(page, own_app_url, recorded_api):
    seen, server = recorded_api
    seen.clear()
    main = _open_fetch_form(page, own_app_url, "59", "SIAE du Nord")
    tick(page, main.get_by_label(T.FETCH_SIAE, exact=True))
    server.delay_s = 2.0  # slow answers: time to click "Annuler" while page 1 is on its way
    try:
        main.get_by_role("button", name=T.FETCH_BUTTON).click()
        cancel = main.get_by_role("button", name=T.FETCH_CANCEL)
        cancel.wait_for()
        for _ in range(600):  # until page 1 is asked: the cancel then lands after it is kept
            if seen:
                break
            page.wait_for_timeout(100)
        cancel.click()
        main.get_by_text(T.FETCH_CANCELLED).wait_for(timeout=60_000)
    finally:
        server.delay_s = 0.0
    wait_for_app(page)
    main.get_by_text(re.compile(r"a été interrompue : \d+ page")).first.wait_for(timeout=30_000)
    assert "SIAE du Nord" not in main.inner_text()  # nothing added on cancel
    main.get_by_role("button", name=T.FETCH_RESUME_BUTTON).click()
    main.get_by_text("Source « SIAE du Nord » ajoutée").wait_for(timeout=120_000)
    pages = [int(re.search(r"[?&]page=(\d+)", path)[1]) for path in seen]
    assert pages == [1, 2, 3]  # each page once: page 1 was kept by the cancelled run, the resume asked the rest
