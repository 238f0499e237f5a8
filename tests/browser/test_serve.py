"""`python -m ui.serve` (what `make run` and docs/deploy.md start): a buyer arriving after the
warm-up gets the search page with its count, table and map drawn.

The map is the point: the warm-up imports the module that declares the map's component
(ui/search_map.py) in a thread of its own, before any page runs; a component Streamlit would not serve
leaves every buyer of that process an empty map (streamlit-folium's did).
"""

from __future__ import annotations

import re
import time

import pytest

from tests.browser.helpers import MARKERS, SEARCH_MAP, SERVER_START_TIMEOUT_S

pytestmark = pytest.mark.browser

SERVE = ("-m", "ui.serve", "--logger.level", "info")


def _wait_for_line(log_path, text: str, timeout_s: float) -> str:
    deadline = time.monotonic() + timeout_s
    while text not in (content := log_path.read_text()):
        assert time.monotonic() < deadline, f"« {text} » not in the server's log:\n{content[-3000:]}"
        time.sleep(0.2)
    return content


def test_a_buyer_after_the_warm_up_gets_the_count_and_the_map(streamlit_server, page):
    """And Leaflet, announced in the page's HTML (ui/serve.py, `page_with_map_files`), is fetched and run
    once: the map takes the announced copy instead of asking for it again."""
    leaflet_requests: list[str] = []
    page.on("request", lambda request: leaflet_requests.append(request.url) if "leaflet" in request.url else None)
    with streamlit_server(launcher=SERVE) as url:
        log = _wait_for_line(url.log_path, "warm-up done", SERVER_START_TIMEOUT_S)
        assert "warm-up failed" not in log and "missing ScriptRunContext" not in log
        page.goto(url)
        main = page.get_by_test_id("stMain")
        main.get_by_text(re.compile(r"fournisseur\(s\) trouvé\(s\)")).first.wait_for()
        page.locator(SEARCH_MAP).locator(MARKERS).first.wait_for(state="attached")
        assert page.locator(SEARCH_MAP).locator(MARKERS).count() > 0
        assert page.evaluate("() => document.querySelector('script[data-sup-early]').dataset.loaded") == "1"
        assert sorted(u.rsplit("/", 1)[-1] for u in leaflet_requests) == ["leaflet.css", "leaflet.js"]
        assert page.evaluate("""() => [document.querySelectorAll('script[src$="leaflet.js"]').length,
                                      document.querySelectorAll('link[href$="leaflet.css"]').length]""") == [1, 1]


def test_a_buyer_opening_the_page_at_once_on_a_new_database_gets_it(streamlit_server, page):
    """As after a fresh clone's `make run`: the page opened as soon as the server answers, its first run
    beside the warm-up (imports, a new database to migrate, the directory's first searches). The page's
    run and the warm-up share the process: the page is whole and nothing failed on either side. (Their
    race on Alembic, seen once in a probe, depends on timing: tests/test_db.py makes it happen with
    threads.)"""
    with streamlit_server(launcher=SERVE) as url:
        page.goto(url)
        main = page.get_by_test_id("stMain")
        main.get_by_text(re.compile(r"fournisseur\(s\) trouvé\(s\)")).first.wait_for()
        page.locator(SEARCH_MAP).locator(MARKERS).first.wait_for(state="attached")
        log = _wait_for_line(url.log_path, "warm-up done", SERVER_START_TIMEOUT_S)
        assert "Traceback" not in log and "warm-up failed" not in log
        assert page.get_by_test_id("stException").count() == 0
