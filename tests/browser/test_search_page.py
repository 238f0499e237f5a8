"""The search page in a real browser against `streamlit run`, with no network.

Load, filter, the count changes, the map draws the results, a URL restores a
search, a click on a row opens the supplier's card; and a directory of hostile names renders them
as text everywhere without running any script.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from sourcing.directory import load_demo
from sourcing.gazetteer import Gazetteer
from sourcing.search import SearchIndex, SearchQuery, search
from tests.browser.helpers import ARTIFACTS, MARKERS, SEARCH_MAP, add_source, wait_for_app, wait_for_map_at_rest
from tests.helpers import VALID_SIRETS, XSS_NAMES, format_regex
from ui import texts as T

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_index():
    return SearchIndex.build(load_demo())


RESULTS_COUNT = format_regex(T.RESULTS_COUNT)


def headline(page):
    """The results headline (T.RESULTS_COUNT, then the place when there is one)."""
    return page.locator('[data-testid="stMain"] h3').filter(has_text=RESULTS_COUNT).first


def headline_count(page) -> int:
    heading = headline(page)
    heading.wait_for(timeout=60_000)
    return int(re.sub(r"\D", "", RESULTS_COUNT.search(heading.inner_text()).group(1)))


def search_map(page):
    """The search page's map, once Leaflet has drawn it (a locator: `.locator()` finds what it holds)."""
    drawn = page.locator(SEARCH_MAP)
    drawn.locator(".leaflet-container").wait_for(timeout=60_000)
    return drawn


def markers_drawn(drawn) -> int:
    drawn.locator(MARKERS).first.wait_for(timeout=60_000)
    return drawn.locator(MARKERS).count()


def watch_requests(page, base_url: str) -> list[str]:
    """Requests to other hosts than the app's. The map's IGN plan tiles are tried (and fail: the browser
    has no network, and the route aborts them), after which the map falls back to its offline basemap."""
    outside: list[str] = []
    host = urlparse(base_url).hostname
    page.route(re.compile(r"https://data\.geopf\.fr/.*"), lambda route: route.abort())

    def on_request(request):
        parsed = urlparse(request.url)
        if parsed.scheme in ("http", "https", "ws", "wss") and parsed.hostname not in (host, "data.geopf.fr"):
            outside.append(request.url)

    page.on("request", on_request)
    return outside


def test_filter_changes_count_and_map_draws_results(page, app_url, demo_index):
    outside = watch_requests(page, app_url)
    page.goto(app_url)
    wait_for_app(page)
    total = headline_count(page)
    assert total == len(demo_index.frame)
    assert markers_drawn(search_map(page)) > 0
    page.evaluate("() => { window.supplierMap.supFirstSearch = true; }")
    page.locator('[data-testid="stSidebar"]').get_by_text("ESAT", exact=True).click()
    page.wait_for_function(
        "([n, pattern]) => { const re = new RegExp(pattern);"
        " const m = [...document.querySelectorAll('[data-testid=stMain] h3')]"
        ".map(e => e.innerText.match(re)).find(Boolean);"
        " return m && parseInt(m[1].replace(/\\D/g, '')) !== n; }",
        arg=[total, RESULTS_COUNT.pattern],
        timeout=60_000,
    )
    wait_for_app(page)
    esat = headline_count(page)
    found = search(demo_index, SearchQuery(kinds=("ESAT",)))
    assert esat == found.total < total
    # The map of the new search replaces the first one in the same element, with every located ESAT.
    page.wait_for_function("() => window.supplierMap && !window.supplierMap.supFirstSearch", timeout=60_000)
    wait_for_map_at_rest(page, int((found.results["lat"].notna() & found.results["lon"].notna()).sum()))
    assert markers_drawn(search_map(page)) > 0
    assert page.locator(".leaflet-container").count() == 1
    assert "t_ESAT" in page.url  # the filter is in the URL
    assert outside == [], outside
    assert page.dialogs == []


def test_url_restores_a_search(page, app_url, demo_index):
    page.goto(f"{app_url}/?lieu=Lyon+%2869001%29&rayon=40&t_ESAT=true&tri=distance")
    wait_for_app(page)
    lyon = Gazetteer.load().resolve("INSEE 69123")
    expected = search(demo_index, SearchQuery(kinds=("ESAT",), near=(lyon.lat, lyon.lon), radius_km=40.0)).total
    assert headline_count(page) == expected > 0
    assert "Lyon" in headline(page).inner_text()
    drawn = search_map(page)
    assert markers_drawn(drawn) > 0
    # The buyer's point and the 40 km circle (drawn on the canvas) are named in the legend (folded at first).
    drawn.locator(".sup-legend summary").click()
    assert "zone de 40 km" in drawn.locator(".sup-legend").inner_text()


def test_selecting_a_row_opens_the_supplier_card(page, app_url):
    page.goto(f"{app_url}/?lieu=Lyon+%2869001%29&rayon=40&t_ESAT=true")
    wait_for_app(page)
    headline_count(page)
    # The map sizes itself once drawn, which moves the grid: measure the grid after that.
    markers_drawn(search_map(page))
    wait_for_app(page)
    grid = page.locator('.st-key-results_grid [data-testid="stDataFrame"]')
    grid.wait_for()
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    # The first column of the grid holds the row-selection checkboxes; row 1 is below the header.
    page.mouse.click(box["x"] + 15, box["y"] + 35 + 17)
    page.screenshot(path=str(ARTIFACTS / "search-row-clicked.png"))
    page.get_by_text(format_regex(T.DETAIL_SOURCE)).first.wait_for(timeout=60_000)
    card = page.locator('[data-testid="stMain"]').inner_text()
    assert T.DETAIL_HEADER in card and "(démo)" in card


def test_hostile_names_render_as_text_and_run_nothing(page, own_app_url, tmp_path):
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    rows = [
        f"{name};{siret};ESAT;69003;Lyon;{45.76 + i * 0.01};4.84"
        for i, (name, siret) in enumerate(zip(XSS_NAMES, VALID_SIRETS, strict=True))
    ]
    csv_file = tmp_path / "annuaire-hostile.csv"
    csv_file.write_text(
        "Raison sociale;SIRET;Type de structure;Code postal;Commune;Latitude;Longitude\n" + "\n".join(rows) + "\n"
    )
    add_source(page, own_app_url, csv_file, "<b>Liste</b> ${alert(2)}", "2026-11-01")
    page.get_by_role("link", name=T.PAGE_SEARCH).click()
    wait_for_app(page)
    assert headline_count(page) == 3
    drawn = search_map(page)
    markers_drawn(drawn)
    # Hover every marker (a tooltip does not rerun the app), reading each tooltip as it shows: every
    # name must appear as text. Then open one popup (a click reruns the app and recentres the map).
    markers = drawn.locator(".leaflet-marker-pane .sup-m")
    assert markers.count() == 3
    tooltips = []
    for i in range(3):
        markers.nth(i).hover()
        tooltip = drawn.locator(".leaflet-tooltip-pane .leaflet-tooltip").last
        tooltip.wait_for(timeout=10_000)
        tooltips.append(tooltip.inner_text())
    assert sorted(n for n in XSS_NAMES if any(n in t for t in tooltips)) == sorted(XSS_NAMES), tooltips
    markers.first.click()
    popup = drawn.locator(".leaflet-popup-content").first
    popup.wait_for(timeout=10_000)
    assert any(name in popup.inner_text() for name in XSS_NAMES)
    assert drawn.locator(".leaflet-container img[src='x'], .leaflet-container script").count() == 0
    # The click reruns the app to open the supplier's card: once it is drawn and the run is over,
    # every script the names could have slipped in had its chance to run.
    page.get_by_text(format_regex(T.DETAIL_SOURCE)).first.wait_for(timeout=60_000)
    wait_for_app(page)
    main_text = page.locator('[data-testid="stMain"]').inner_text()
    assert T.DETAIL_HEADER in main_text
    assert page.dialogs == []
    assert not [m for m in console if "alert" in m]


def test_clicking_a_marker_selects_the_supplier_in_the_table(page, app_url):
    page.goto(f"{app_url}/?lieu=Lyon+%2869001%29&rayon=40&t_ESAT=true")
    wait_for_app(page)
    headline_count(page)
    drawn = search_map(page)
    markers_drawn(drawn)
    marker = drawn.locator(".leaflet-marker-pane .sup-m").first
    marker.click()
    popup = drawn.locator(".leaflet-popup-content").first
    popup.wait_for(timeout=10_000)
    name = popup.locator("strong, b, .sup-name").first.inner_text().strip()
    page.get_by_text(format_regex(T.DETAIL_SOURCE)).first.wait_for(timeout=60_000)
    wait_for_app(page)
    main = page.locator('[data-testid="stMain"]')
    assert name in main.inner_text()  # the card shows the clicked supplier
    # The grid (a canvas) is redrawn with that row selected under a new key; the screenshot shows it.
    grid = main.locator('[class*="st-key-results_table_"]').first
    grid.wait_for(timeout=30_000)
    grid.scroll_into_view_if_needed()
    grid.screenshot(path=str(ARTIFACTS / "marker-click-selects-row.png"))


# Whether the map element already held its Leaflet map when it first appeared in the page (its build
# ran in the same task as the element's creation, with no frame waited for).
_WATCH_FIRST_MAP = """() => { window.__firstMapBuiltAtOnce = null;
  new MutationObserver((_, observer) => { const host = document.querySelector('.sup-map-host');
    if (host) { window.__firstMapBuiltAtOnce = !!host.querySelector('.leaflet-container'); observer.disconnect(); }
  }).observe(document.body, {subtree: true, childList: true}); }"""


def test_any_page_fetches_leaflet_so_the_first_map_is_built_as_it_arrives(page, app_url):
    """A buyer who opens another page first: Leaflet is asked for at once (ui/leaflet_files.js, through
    the French texts component on every page), so the search page's first map is built as soon as its
    element exists, and Leaflet's files are loaded once."""
    page.goto(f"{app_url}/conseil")
    wait_for_app(page)
    page.wait_for_function("() => !!(window.L && window.L.map)", timeout=30_000)
    assert page.locator(SEARCH_MAP).count() == 0
    page.evaluate(_WATCH_FIRST_MAP)
    page.locator('[data-testid="stSidebarNav"]').get_by_text(T.PAGE_SEARCH, exact=True).click()
    assert markers_drawn(search_map(page)) > 0
    assert page.evaluate("() => window.__firstMapBuiltAtOnce") is True
    scripts = page.evaluate("() => [...document.scripts].map(s => s.src).filter(s => /leaflet/.test(s))")
    assert len(scripts) == 1 and scripts[0].endswith("/leaflet.js"), scripts
