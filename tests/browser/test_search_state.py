"""What the search page keeps and where it goes: the map centres on the card's supplier in one click,
the Back button (one history entry per filter change, per clear, whenever the buyer acts), the "Effacer les
filtres" button, the chosen list across reruns and pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

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


class HeldComponents:
    """Streamlit's component code held back until `release()`: ui/search_history.js (it comes with the
    page's first component) then runs only after the buyer's first actions, as it does on a loaded machine
    or a slow network, where the sidebar is usable up to seconds before it."""

    CHUNK = "**/static/js/BidiComponent.*.js"

    def __init__(self, page) -> None:
        self.page, self.held = page, []
        page.route(self.CHUNK, self._hold)

    def _hold(self, route) -> None:
        self.held.append(route)

    def release(self) -> None:
        for route in self.held:
            route.continue_()
        self.page.unroute(self.CHUNK, self._hold)
        _history_script_running(self.page)


def _history_script_running(page) -> None:
    page.wait_for_function("() => window.__sourcingHistory === true")


def _history_script_not_yet(page) -> None:
    assert not page.evaluate("() => !!window.__sourcingHistory"), "the history script already runs"


def _entries(page) -> int:
    return page.evaluate("() => history.length")


def _search(page) -> str:
    return page.evaluate("() => location.search")


def _settled(page) -> None:
    """The run that follows a change has ended: every address write it makes has reached the browser."""
    wait_for_app(page)
    page.evaluate(_TWO_FRAMES)
    wait_for_app(page)


_TWO_FRAMES = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


def _back_to(page, address: str) -> None:
    """Back one step: the address is `address` at once, then the page is loaded again from it (a new
    document: the old one's flag is gone) and its run has drawn the results. Waits for the history script
    first: it is what loads the page again (pressed before it runs, Back is Streamlit's own, which reruns
    the same document with that address)."""
    _history_script_running(page)
    page.evaluate("() => { window.__beforeBack = true; }")
    page.go_back()
    page.wait_for_function("s => location.search === s && !window.__beforeBack", arg=address)
    wait_for_app(page)
    headline_count(page)


def _kind(page, code: str):
    return page.locator('[data-testid="stSidebar"]').get_by_label(code, exact=True)


def test_each_filter_change_is_one_step_back(page, app_url, demo_index):
    """A kind ticked (before the history script runs, then after), a keyword typed, a place picked, a
    département of « Plus de filtres »: one history entry each, and Back goes through them one by one,
    each time with that search's filters in the address and in the widgets."""
    held = HeldComponents(page)
    page.goto(app_url + "/?lieu=Lyon+%2869001%29")
    wait_for_app(page)
    counts = [headline_count(page)]
    _history_script_not_yet(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    searches, entries = [_search(page)], [_entries(page)]

    def one_more_entry(wait_js: str) -> None:
        page.wait_for_function(wait_js)
        _settled(page)
        assert _entries(page) == entries[-1] + 1, (searches[-1], _search(page))
        searches.append(_search(page))
        entries.append(_entries(page))
        counts.append(headline_count(page))

    sidebar.get_by_text("ESAT", exact=True).click()  # the history script does not run yet
    page.wait_for_url("**t_ESAT=true**")
    _settled(page)
    held.release()
    one_more_entry("() => /t_ESAT=true/.test(location.search)")
    sidebar.get_by_text("EA", exact=True).click()
    one_more_entry("() => /t_EA=true/.test(location.search)")
    keywords = sidebar.get_by_label(T.KEYWORDS_LABEL, exact=True)
    keywords.fill("restauration")
    keywords.press("Enter")
    one_more_entry("() => /q=restauration/.test(location.search)")
    place = sidebar.locator('[data-testid="stSelectbox"]').filter(has_text=T.PLACE_LABEL).locator("input").first
    villeurbanne = page.locator('[role="option"]').filter(has_text="Villeurbanne").first
    place.click()  # the menu opens, then lists what is typed
    type_in_box(place, "Villeurbanne", villeurbanne, click=True)
    one_more_entry("() => /lieu=Villeurbanne/.test(location.search)")
    section = sidebar.locator("details").filter(has_text=T.MORE_FILTERS)
    section.locator("summary").click()  # opening the section changes no filter: no entry
    sidebar.locator(".st-key-dep input").wait_for()
    _settled(page)
    assert (_entries(page), _search(page)) == (entries[-1], searches[-1])
    rhone = page.locator('[role="option"]').filter(has_text="Rhône (69)").first
    type_in_box(sidebar.locator(".st-key-dep input"), "Rhône", rhone, click=True)
    one_more_entry("() => /dep=/.test(location.search)")
    page.keyboard.press("Escape")
    for address, count in reversed(list(zip(searches, counts, strict=True))[:-1]):  # Back, one search at a time
        _back_to(page, address)
        _wait_count(page, count)  # that search; its widgets are drawn after the count
        expect(_kind(page, "ESAT")).to_be_checked(checked="t_ESAT=true" in address)
        expect(_kind(page, "EA")).to_be_checked(checked="t_EA=true" in address)
        expect(keywords).to_have_value("restauration" if "q=restauration" in address else "")
        assert _search(page) == address


@pytest.mark.parametrize("history_script", ["not yet running", "running"])
def test_clear_filters_is_one_step_back_to_the_search_before(page, app_url, demo_index, history_script):
    """One click on « Effacer les filtres »: a fresh search, ONE history entry (Streamlit removed each
    filter from the address in its own write: with the history script not running yet, Back stopped at a
    half-cleared search), and Back finds the search before with all its filters."""
    held = HeldComponents(page)
    page.goto(app_url + LYON_ESAT + "&q=restauration")
    wait_for_app(page)
    before_count = headline_count(page)
    if history_script == "running":
        held.release()
    else:
        _history_script_not_yet(page)
    before, entries = _search(page), _entries(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_role("button", name=T.RESET).click()
    page.wait_for_function("() => !/t_ESAT|lieu=|q=/.test(location.search)")
    _wait_count(page, len(demo_index.frame))
    _settled(page)
    if history_script != "running":
        held.release()
        _settled(page)
    assert (_search(page), _entries(page)) == ("", entries + 1)
    expect(_kind(page, "ESAT")).not_to_be_checked()
    expect(sidebar.get_by_label(T.KEYWORDS_LABEL, exact=True)).to_have_value("")
    _back_to(page, before)  # the search before the clear, one step back
    _wait_count(page, before_count)
    # The sidebar is drawn after the count, and its text box mounts empty for ~0.1 s before its value.
    expect(_kind(page, "ESAT")).to_be_checked()
    expect(sidebar.get_by_label(T.KEYWORDS_LABEL, exact=True)).to_have_value("restauration")


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
    entries = _entries(page)
    sidebar.get_by_role("button", name=T.RESET).click()
    page.wait_for_function("() => !/dep=/.test(location.search)")
    _wait_count(page, len(demo_index.frame))
    _settled(page)
    _section_folded(page)
    assert _entries(page) == entries + 1
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
