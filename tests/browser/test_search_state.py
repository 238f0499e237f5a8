"""What the search page keeps and where it goes: the map centres on the card's supplier in one click,
the Back button, the "Effacer les filtres" button, the chosen list across reruns and pages."""

from __future__ import annotations

import pytest

from sourcing.directory import load_demo
from sourcing.gazetteer import Gazetteer
from sourcing.search import SearchIndex, SearchQuery, search
from tests.browser.helpers import ARTIFACTS, type_in_box, wait_for_app
from tests.browser.test_search_page import headline_count, markers_drawn, search_map, watch_requests
from tests.helpers import format_regex
from ui import texts as T
from ui.map.builder import OFFLINE_MAX_ZOOM

pytestmark = pytest.mark.browser

LYON_ESAT = "/?lieu=Lyon+%2869001%29&rayon=40&t_ESAT=true"


@pytest.fixture(scope="module")
def demo_index():
    return SearchIndex.build(load_demo())


def check_first_row(page) -> None:
    """Check the first row of the results grid (its selection box), as a buyer does."""
    grid = page.locator('.st-key-results_grid [data-testid="stDataFrame"]')
    grid.wait_for()
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 15, box["y"] + 35 + 17)
    page.get_by_text(format_regex(T.DETAIL_SOURCE)).first.wait_for(timeout=60_000)


def test_show_on_map_centres_the_map_in_one_click(page, app_url, demo_index):
    watch_requests(page, app_url)  # the tile host is refused: the map is offline
    page.goto(app_url + LYON_ESAT)
    wait_for_app(page)
    headline_count(page)
    markers_drawn(search_map(page))
    wait_for_app(page)
    check_first_row(page)
    wait_for_app(page)
    lyon = Gazetteer.load().resolve("INSEE 69123")
    first = search(demo_index, SearchQuery(kinds=("ESAT",), near=(lyon.lat, lyon.lon), radius_km=40.0)).results
    lat, lon = float(first.iloc[0]["lat"]), float(first.iloc[0]["lon"])
    page.get_by_role("button", name=T.DETAIL_SHOW_ON_MAP).click()  # once
    search_map(page)
    page.evaluate(
        "([lat, lon]) => new Promise((done, fail) => { const t0 = Date.now(); (function check() {"
        " const m = window.supplierMap, c = m && m.getCenter();"
        " if (c && Math.abs(c.lat - lat) < 0.005 && Math.abs(c.lng - lon) < 0.005) { done(); return; }"
        " if (Date.now() - t0 > 30000) { fail(new Error('not centred: ' + (c && c.toString()))); return; }"
        " setTimeout(check, 200); })(); })",
        [lat, lon],
    )
    assert page.evaluate("() => window.supplierMap.getZoom()") == OFFLINE_MAX_ZOOM
    page.screenshot(path=str(ARTIFACTS / "search-show-on-map.png"))


def _wait_count(page, expected: int) -> None:
    page.wait_for_function(
        "([n, pattern]) => { const re = new RegExp(pattern);"
        " const m = [...document.querySelectorAll('[data-testid=stMain] h3')]"
        ".map(e => e.innerText.match(re)).find(Boolean);"
        " return m && parseInt(m[1].replace(/\\D/g, '')) === n; }",
        arg=[expected, format_regex(T.RESULTS_COUNT).pattern],
        timeout=90_000,
    )


def test_back_returns_to_the_previous_search_in_one_step(page, app_url, demo_index):
    lyon = Gazetteer.load().resolve("INSEE 69123")
    near = {"near": (lyon.lat, lyon.lon), "radius_km": 30.0}
    page.goto(app_url + "/?lieu=Lyon+%2869001%29")
    wait_for_app(page)
    _wait_count(page, search(demo_index, SearchQuery(**near)).total)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("ESAT", exact=True).click()
    page.wait_for_url("**t_ESAT=true**")
    esat = search(demo_index, SearchQuery(kinds=("ESAT",), **near)).total
    _wait_count(page, esat)
    sidebar.get_by_text("EA", exact=True).click()
    page.wait_for_url("**t_EA=true**")
    _wait_count(page, search(demo_index, SearchQuery(kinds=("ESAT", "EA"), **near)).total)
    page.go_back()  # one step: the search with ESAT only
    page.wait_for_url(lambda url: "t_ESAT=true" in url and "t_EA=" not in url)
    wait_for_app(page)
    _wait_count(page, esat)
    assert page.locator('[data-testid="stSidebar"]').get_by_label("ESAT", exact=True).is_checked()
    assert not page.locator('[data-testid="stSidebar"]').get_by_label("EA", exact=True).is_checked()
    page.go_back()  # and one more: the place alone
    page.wait_for_url(lambda url: "lieu=" in url and "t_ESAT" not in url)
    wait_for_app(page)
    _wait_count(page, search(demo_index, SearchQuery(**near)).total)


def test_clear_filters_returns_to_a_fresh_search(page, app_url, demo_index):
    page.goto(app_url + LYON_ESAT + "&q=restauration")
    wait_for_app(page)
    headline_count(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_role("button", name=T.RESET).click()
    page.wait_for_function("() => !/t_ESAT|lieu=|q=/.test(location.search)")
    _wait_count(page, len(demo_index.frame))
    wait_for_app(page)
    assert not sidebar.get_by_label("ESAT", exact=True).is_checked()
    assert sidebar.get_by_label(T.KEYWORDS_LABEL, exact=True).input_value() == ""
    page.go_back()  # the cleared search is one step back
    page.wait_for_url("**t_ESAT=true**")


def _section_folded(page) -> None:
    page.wait_for_function(
        "label => ![...document.querySelectorAll('[data-testid=stSidebar] details')]"
        ".some(d => d.open && d.innerText.includes(label))",
        arg=T.MORE_FILTERS,
    )


def test_a_filter_of_the_folded_section_stays_applied_and_in_the_address(page, app_url, demo_index):
    """« Plus de filtres » draws its widgets once opened (a fresh page has none of them). A département
    picked there, then the section folded: still searched, still in the address; « Effacer les filtres »
    resets it (address too); Back, or loading that address, searches it again with the section open."""
    page.goto(app_url)
    wait_for_app(page)
    _wait_count(page, len(demo_index.frame))
    sidebar = page.locator('[data-testid="stSidebar"]')
    section = sidebar.locator("details").filter(has_text=T.MORE_FILTERS)
    assert sidebar.locator(".st-key-epci, .st-key-dep").count() == 0
    section.locator("summary").click()
    rhone_option = page.locator('[role="option"]').filter(has_text="Rhône (69)").first
    type_in_box(sidebar.locator(".st-key-dep input"), "Rhône", rhone_option, click=True)
    page.wait_for_url("**dep=**")
    page.keyboard.press("Escape")
    rhone = search(demo_index, SearchQuery(departments=("69",))).total
    _wait_count(page, rhone)
    wait_for_app(page)
    section.locator("summary").click()
    _section_folded(page)
    wait_for_app(page)
    _wait_count(page, rhone)
    assert "dep=" in page.url
    sidebar.get_by_role("button", name=T.RESET).click()
    page.wait_for_function("() => !/dep=/.test(location.search)")
    _wait_count(page, len(demo_index.frame))
    wait_for_app(page)
    _section_folded(page)
    page.go_back()  # the page is loaded again from the address of the search before
    page.wait_for_url("**dep=**")
    wait_for_app(page)
    _wait_count(page, rhone)
    page.reload()
    wait_for_app(page)
    _wait_count(page, rhone)
    sidebar.locator(".st-key-dep").get_by_text("Rhône (69)").wait_for()  # shown in the open section
    assert section.get_attribute("open") is not None
    section.scroll_into_view_if_needed()
    sidebar.screenshot(path=str(ARTIFACTS / "search-more-filters-from-link.png"))
