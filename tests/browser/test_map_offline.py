"""The supplier map in a real browser, offline: local assets only, clusters drawn, hostile names inert.

A loopback http.server serves `static/` (the files `assets/fetch_assets.py` installs) and the map page
from memory; every request the page makes must stay on that server.
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
from collections.abc import Iterator
from urllib.parse import urlparse

import numpy as np
import pandas as pd
import pytest

from tests.browser.helpers import ARTIFACTS, wait_for_map_at_rest
from tests.helpers import PROJECT_DIR, XSS_NAMES
from ui.map.builder import ASSET_PATHS, COMMUNES_CSV, OFFLINE_MAX_ZOOM, map_html

pytestmark = pytest.mark.browser

STATIC_DIR = PROJECT_DIR / "static"
# Hostile rows sit 2 km apart north of Lyon; the buyer is in Lyon.
XSS_POINTS = ((45.80, 4.84), (45.82, 4.84), (45.84, 4.84))
BUYER = (45.76, 4.84)


def synthetic_results(n: int, seed: int = 3) -> pd.DataFrame:
    """n suppliers at random points of metropolitan France, the first three with hostile names."""
    rng = np.random.default_rng(seed)
    kinds = [["ESAT"], ["EA"], ["EI", "ACI"], ["SCOP"], ["ASSOCIATION"], ["GEIQ"]]
    frame = pd.DataFrame({
        "id": [f"x{i:013d}" for i in range(n)],
        "siret": None,
        "name": [f"Atelier Élan {i}" for i in range(n)],
        "trade_name": None,
        "kinds": [kinds[i % len(kinds)] for i in range(n)],
        "city": "Lyon", "postal_code": "69003", "department": "69",
        "lat": rng.uniform(43.0, 50.5, n), "lon": rng.uniform(-1.0, 7.0, n),
        "distance_km": rng.uniform(0, 400, n),
    })  # fmt: skip
    for i, (name, (lat, lon)) in enumerate(zip(XSS_NAMES, XSS_POINTS, strict=True)):
        frame.loc[i, ["name", "lat", "lon"]] = [name, lat, lon]
    frame.loc[0, "trade_name"] = '"><svg onload=alert(2)>'
    frame.loc[1, "city"] = "</script><script>alert(3)</script>"
    return frame


class _Server:
    """http.server on a free loopback port: static/ as /, plus pages registered in memory."""

    def __init__(self) -> None:
        self.pages: dict[str, bytes] = {}
        pages = self.pages

        class Handler(http.server.SimpleHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == "/favicon.ico":  # browsers ask for it; no console noise
                    self.send_response(204)
                    self.end_headers()
                    return
                if self.path in pages:
                    body = pages[self.path]
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                super().do_GET()

            def log_message(self, *args: object) -> None:
                pass

        handler = functools.partial(Handler, directory=str(STATIC_DIR))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def add(self, path: str, text: str) -> str:
        self.pages[path] = text.encode("utf-8")
        return self.base + path

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def server() -> Iterator[_Server]:
    missing = [rel for rel in ASSET_PATHS.values() if not (STATIC_DIR / "vendor" / rel).is_file()]
    if missing:
        pytest.fail(f"map assets missing ({missing[0]}): run `python assets/fetch_assets.py` first")
    srv = _Server()
    yield srv
    srv.close()


@pytest.fixture
def watched(page, server):
    """The page, with lists of console errors, page errors and requests that left the test server."""
    page.console_errors = []  # type: ignore[attr-defined]
    page.outside = []  # type: ignore[attr-defined]
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))

    def check_request(request) -> None:
        url = urlparse(request.url)
        if url.scheme != "data" and url.netloc != urlparse(server.base).netloc:
            page.outside.append(request.url)

    page.on("request", check_request)
    return page


def open_map(page, url: str, n_markers: int) -> None:
    """Open the map and wait until its clusters are drawn for the view fitBounds chose."""
    page.goto(url)
    page.wait_for_selector(".leaflet-marker-pane .leaflet-marker-icon", timeout=30_000)
    wait_for_map_at_rest(page, n_markers)


def show(page, latlng: tuple[float, float], n_markers: int, zoom: int = 15) -> None:
    """Centre the map on `latlng` and wait until the marker there is drawn at the centre of the page."""
    page.evaluate(
        "([lat, lng, z]) => { window.supplierMap.setView([lat, lng], z, {animate: false}); }",
        [latlng[0], latlng[1], zoom],
    )
    wait_for_map_at_rest(page, n_markers)
    page.wait_for_function(
        "() => { const e = document.elementFromPoint(innerWidth / 2, innerHeight / 2);"
        " return !!(e && e.closest('.leaflet-marker-icon')); }",
        timeout=5_000,
    )


def test_offline_map_draws_clusters_with_local_assets_only(watched, server):
    url = server.add("/offline.html", map_html(synthetic_results(3_000), center=BUYER, radius_km=50,
                                               asset_base=server.base + "/vendor"))  # fmt: skip
    open_map(watched, url, 3_000)
    clusters = watched.locator(".leaflet-marker-pane .marker-cluster").count()
    singles = watched.locator(".leaflet-marker-pane .sup-m").count()
    assert clusters > 0 and clusters + singles > 1
    # the basemap (canvas with outlines and circle) and the French legend are drawn
    assert watched.locator(".leaflet-overlay-pane canvas").count() == 1
    watched.locator(".sup-legend summary").click()  # folded at first
    legend = watched.locator(".sup-legend").inner_text()
    for label in ("Handicap", "Insertion par l'activité économique", "Économie sociale et solidaire"):
        assert label in legend
    assert "3 000 fournisseurs sur la carte" in legend.replace("\u202f", " ")
    assert watched.locator(".leaflet-control-attribution").inner_text().count("OpenStreetMap") == 0
    assert watched.outside == []
    assert watched.console_errors == []
    assert watched.dialogs == []


def test_hostile_names_show_as_text_in_tooltips_and_popups(watched, server):
    url = server.add("/hostile.html", map_html(synthetic_results(400), center=BUYER, radius_km=20,
                                               asset_base="/vendor"))  # fmt: skip
    open_map(watched, url, 400)
    for i, (name, point) in enumerate(zip(XSS_NAMES, XSS_POINTS, strict=True)):
        show(watched, point, 400, zoom=16)
        size = watched.viewport_size
        # the marker is at the centre of the map, which fills the page
        watched.mouse.move(size["width"] / 2, size["height"] / 2)
        tooltip = watched.locator(".leaflet-tooltip").filter(has_text=name)
        tooltip.wait_for(timeout=5_000)
        watched.mouse.click(size["width"] / 2, size["height"] / 2)
        popup = watched.locator(f'.leaflet-popup-content .sup-popup[data-supplier-id="x{i:013d}"]')
        popup.wait_for(timeout=5_000)
        text = popup.inner_text()
        assert name in text
        assert f"Réf. : x{i:013d}" in text
        if i == 0:
            assert '"><svg onload=alert(2)>' in text
        if i == 1:
            assert "</script><script>alert(3)</script>" in text
        watched.evaluate("() => { window.supplierMap.closePopup(); }")
    # nothing from the names became markup, and nothing ran
    assert watched.locator(".leaflet-container img[src='x'], .leaflet-container svg[onload]").count() == 0
    assert watched.locator(".leaflet-container script").count() == 0
    assert watched.dialogs == []
    assert watched.console_errors == []
    assert watched.outside == []


# --- The offline basemap: place names, zoom limit, legend, fallback from the tiles --------------

_PLACE_NAMES = "() => [...document.querySelectorAll('.sup-place span')].map(e => e.textContent)"


def _populations() -> dict[str, int]:
    communes = pd.read_csv(COMMUNES_CSV, usecols=["name", "type", "population"])
    communes = communes[communes["type"].eq("commune")].dropna()
    return communes.groupby("name")["population"].max().astype(int).to_dict()


def _set_view(page, latlng: tuple[float, float], zoom: int, n_markers: int) -> None:
    page.evaluate(
        "([lat, lng, z]) => { window.supplierMap.setView([lat, lng], z, {animate: false}); }",
        [latlng[0], latlng[1], zoom],
    )
    wait_for_map_at_rest(page, n_markers)


def test_offline_map_names_the_largest_towns_first_then_more_as_the_zoom_grows(watched, server):
    url = server.add("/places.html", map_html(synthetic_results(200), center=BUYER, radius_km=30,
                                              asset_base="/vendor"))  # fmt: skip
    open_map(watched, url, 200)
    population = _populations()
    _set_view(watched, (46.6, 2.4), 6, 200)
    france = watched.evaluate(_PLACE_NAMES)
    assert {"Paris", "Lyon", "Marseille"} <= set(france)
    assert all(population[name] >= 100_000 for name in france), france
    _set_view(watched, BUYER, 10, 200)
    lyon = watched.evaluate(_PLACE_NAMES)
    assert "Lyon" in lyon and len(lyon) > 10
    assert any(population[name] < 15_000 for name in lyon)  # smaller towns appear as the buyer zooms in
    watched.screenshot(path=str(ARTIFACTS / "map-offline-places-zoom10.png"))
    assert watched.outside == [] and watched.console_errors == []


def test_offline_zoom_stops_where_the_basemap_has_nothing_more(watched, server):
    url = server.add("/zoom.html", map_html(synthetic_results(50), center=BUYER, radius_km=10, asset_base="/vendor"))
    open_map(watched, url, 50)
    assert watched.evaluate("window.supplierMap.getMaxZoom()") == OFFLINE_MAX_ZOOM
    _set_view(watched, BUYER, 17, 50)
    assert watched.evaluate("window.supplierMap.getZoom()") == OFFLINE_MAX_ZOOM


# The distance circle's box and the legend's box, in the map's pixels: they must not overlap.
_CIRCLE_AND_LEGEND = """([lat, lng, radius]) => {
  const map = window.supplierMap, circle = L.latLng(lat, lng).toBounds(radius * 2);
  const nw = map.latLngToContainerPoint(circle.getNorthWest()), se = map.latLngToContainerPoint(circle.getSouthEast());
  const box = map.getContainer().getBoundingClientRect();
  const legend = document.querySelector('.sup-legend').getBoundingClientRect();
  return {circle: [nw.x, nw.y, se.x, se.y],
          legend: [legend.left - box.left, legend.top - box.top, legend.right - box.left, legend.bottom - box.top],
          open: document.querySelector('.sup-legend details').open};
}"""


def _overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_legend_folds_and_never_hides_the_search_circle(watched, server):
    watched.set_viewport_size({"width": 700, "height": 500})  # a small map: the circle fills it
    url = server.add("/legend.html", map_html(synthetic_results(100), center=BUYER, radius_km=40,
                                              asset_base="/vendor"))  # fmt: skip
    open_map(watched, url, 100)
    folded = watched.evaluate(_CIRCLE_AND_LEGEND, [BUYER[0], BUYER[1], 40_000])
    assert folded["open"] is False and not _overlap(folded["circle"], folded["legend"]), folded
    watched.locator(".sup-legend summary").click()
    wait_for_map_at_rest(watched, 100)
    opened = watched.evaluate(_CIRCLE_AND_LEGEND, [BUYER[0], BUYER[1], 40_000])
    assert opened["open"] is True and not _overlap(opened["circle"], opened["legend"]), opened
    assert "Handicap" in watched.locator(".sup-legend").inner_text()
    watched.screenshot(path=str(ARTIFACTS / "map-legend-open.png"))
    watched.locator(".sup-legend summary").click()
    assert watched.evaluate("document.querySelector('.sup-legend details').open") is False


def test_online_map_falls_back_to_the_offline_basemap_when_tiles_do_not_load(watched, server):
    # The browser has no network; the route makes sure of it for the tile host.
    watched.route(re.compile(r"https://data\.geopf\.fr/.*"), lambda route: route.abort())
    url = server.add("/tiles.html", map_html(synthetic_results(100), center=BUYER, radius_km=30, tiles=True,
                                             asset_base="/vendor"))  # fmt: skip
    open_map(watched, url, 100)
    watched.wait_for_selector('.leaflet-container[data-basemap="offline"]', timeout=20_000)
    assert watched.locator(".leaflet-tile-pane img").count() == 0
    assert watched.evaluate("window.supplierMap.getMaxZoom()") == OFFLINE_MAX_ZOOM
    wait_for_map_at_rest(watched, 100)
    watched.wait_for_function("() => document.querySelectorAll('.sup-place span').length > 0")
    assert watched.locator(".leaflet-overlay-pane path, .leaflet-overlay-pane canvas").count() > 0
    assert {urlparse(u).hostname for u in watched.outside} <= {"data.geopf.fr"}  # tried, failed, fell back
    watched.screenshot(path=str(ARTIFACTS / "map-tiles-fallback.png"))


# The map inside a frame that a scrolling page shows only in part, as the search page shows it.
_FRAMED_PAGE = """<!doctype html><html><body style="margin:0">
<div id="scroller" style="height:100vh;overflow:auto"><div style="height:{above}px"></div>
<iframe src="{src}" title="carte" style="display:block;width:640px;height:560px;border:0"></iframe>
<div style="height:2000px"></div></div></body></html>"""


def test_a_marker_click_opens_its_popup_when_the_map_is_partly_out_of_view(watched, server):
    # Leaflet focuses the map on each press; a plain focus() scrolled the page to show the whole map, the
    # marker moved away before the release, and the click fell on the map: no popup.
    map_url = server.add("/framed-map.html", map_html(synthetic_results(3), asset_base="/vendor"))
    height = watched.viewport_size["height"]
    watched.goto(server.add("/framed.html", _FRAMED_PAGE.format(above=height - 380, src=map_url)))
    frame = watched.frame(url=map_url)
    frame.wait_for_selector(".leaflet-marker-pane .sup-m", timeout=30_000)
    wait_for_map_at_rest(frame, 3)
    markers = watched.frame_locator("iframe").locator(".leaflet-marker-pane .sup-m")
    marker = min((markers.nth(i) for i in range(markers.count())), key=lambda m: m.bounding_box()["y"])
    assert marker.bounding_box()["y"] + 22 < height  # visible, while the bottom of the map is not
    marker.click()
    popup = watched.frame_locator("iframe").locator(".leaflet-popup-content .sup-popup")
    popup.wait_for(timeout=5_000)
    assert any(name in popup.inner_text() for name in XSS_NAMES)  # as text
    assert watched.evaluate("document.getElementById('scroller').scrollTop") == 0
    assert watched.dialogs == [] and watched.console_errors == [] and watched.outside == []


_BOXES = """() => {
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const lyon = [...document.querySelectorAll('.sup-place span')].find(e => e.textContent === 'Lyon');
  return {lyon: lyon ? box(lyon) : null, buyer: box(document.querySelector('.leaflet-marker-pane .sup-buyer'))};
}"""


@pytest.mark.parametrize("zoom", [7, 10, OFFLINE_MAX_ZOOM])
def test_the_buyers_point_never_hides_the_name_of_the_town_searched(watched, server, zoom):
    lyon = (45.76769, 4.83537)  # the gazetteer's point of Lyon, where a search on Lyon puts the buyer
    url = server.add(f"/buyer-{zoom}.html", map_html(synthetic_results(20), center=lyon, radius_km=30,
                                                     asset_base="/vendor"))  # fmt: skip
    open_map(watched, url, 20)
    _set_view(watched, lyon, zoom, 20)
    boxes = watched.evaluate(_BOXES)
    assert boxes["lyon"] is not None, boxes
    assert not _overlap(boxes["lyon"], boxes["buyer"]), boxes


# --- Clusters: counts, zoom on click, suppliers at one point spread out --------------------------

# Each supplier marker drawn counts 1, each cluster its number (French digits: spaces as separators).
_DRAWN_COUNTS = """() => [...document.querySelectorAll('.leaflet-marker-pane .leaflet-marker-icon')]
  .filter(e => e.classList.contains('marker-cluster') || e.querySelector('.sup-m'))
  .map(e => e.classList.contains('marker-cluster') ? Number(e.textContent.replace(/\\D/g, '')) : 1)"""
_VIEW = (
    "() => { const b = window.supplierMap.getBounds(); return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]; }"
)


def _suppliers_in_view(page, frame: pd.DataFrame) -> int:
    south, west, north, east = page.evaluate(_VIEW)
    return int((frame["lat"].between(south, north) & frame["lon"].between(west, east)).sum())


@pytest.mark.parametrize("zoom", [5, 7, 9, 11, OFFLINE_MAX_ZOOM])
def test_cluster_counts_cover_every_supplier_in_view_once(watched, server, zoom):
    results = synthetic_results(3_000)
    url = server.add(f"/counts-{zoom}.html", map_html(results, center=BUYER, radius_km=50, asset_base="/vendor"))
    open_map(watched, url, 3_000)
    _set_view(watched, (46.7, 3.0), zoom, 3_000)
    drawn = watched.evaluate(_DRAWN_COUNTS)
    in_view = _suppliers_in_view(watched, results)
    # every supplier in view is in one drawn marker; markers are drawn one cell beyond the view's edges
    assert in_view <= sum(drawn) <= len(results), (zoom, in_view, sum(drawn))
    if zoom == 5:  # all of metropolitan France in view: every supplier counted exactly once
        assert in_view == sum(drawn) == len(results)
    assert len(drawn) <= 400  # markers for the view only, however many suppliers the map holds
    assert watched.console_errors == []


def test_a_cluster_click_zooms_in_and_its_suppliers_split(watched, server):
    results = synthetic_results(3_000)
    open_map(watched, server.add("/split.html", map_html(results, asset_base="/vendor")), 3_000)
    _set_view(watched, (46.7, 3.0), 6, 3_000)
    before = sum(watched.evaluate(_DRAWN_COUNTS))
    clusters = watched.locator(".leaflet-marker-pane .marker-cluster")
    biggest = max(range(clusters.count()), key=lambda i: int(re.sub(r"\D", "", clusters.nth(i).inner_text())))
    count = int(re.sub(r"\D", "", clusters.nth(biggest).inner_text()))
    clusters.nth(biggest).click()
    watched.wait_for_function("() => window.supplierMap.getZoom() > 6")
    wait_for_map_at_rest(watched, 3_000)
    drawn = watched.evaluate(_DRAWN_COUNTS)
    assert count <= sum(drawn) <= before
    assert max(drawn) < count  # the cluster clicked was split
    assert watched.console_errors == []


def test_suppliers_at_one_point_spread_out_on_a_click_and_each_opens_its_popup(watched, server):
    spot = (45.7772, 3.0870)  # Clermont-Ferrand: twelve suppliers at the commune's point
    results = synthetic_results(200)
    far = ~(results["lat"].sub(spot[0]).abs().lt(0.5) & results["lon"].sub(spot[1]).abs().lt(0.5))
    results = results[far]
    same = pd.DataFrame({
        "id": [f"s{i:013d}" for i in range(12)], "siret": None, "name": [f"Même adresse {i}" for i in range(12)],
        "trade_name": None, "kinds": [["ESAT"]] * 12, "city": "Clermont-Ferrand", "postal_code": "63000",
        "department": "63", "lat": spot[0], "lon": spot[1], "distance_km": 1.0,
    })  # fmt: skip
    results = pd.concat([results, same], ignore_index=True)
    open_map(watched, server.add("/spider.html", map_html(results, asset_base="/vendor")), len(results))
    _set_view(watched, spot, 9, len(results))
    cluster = watched.locator(".leaflet-marker-pane .marker-cluster").filter(has_text=re.compile(r"^\s*12\s*$"))
    singles = watched.locator(".leaflet-marker-pane .sup-m")
    alone = singles.count()
    cluster.click()  # no zoom would separate them: they spread around the cluster
    watched.wait_for_function(
        "n => document.querySelectorAll('.leaflet-marker-pane .sup-m').length === n", arg=alone + 12
    )
    assert watched.evaluate("() => window.supplierMap.getZoom()") == 9
    assert watched.locator(".sup-spider-leg").count() == 12
    spread = [singles.nth(i).bounding_box() for i in range(singles.count())]
    assert len({(round(b["x"]), round(b["y"])) for b in spread}) == len(spread)  # none hides another
    singles.last.click()  # the last drawn: one of the twelve
    popup = watched.locator(".leaflet-popup-content .sup-popup")
    popup.wait_for(timeout=5_000)
    assert "Même adresse" in popup.inner_text()
    watched.evaluate("() => { window.supplierMap.closePopup(); }")
    watched.mouse.click(20, 300)  # a click on the map gathers them again
    watched.wait_for_function("n => document.querySelectorAll('.leaflet-marker-pane .sup-m').length === n", arg=alone)
    assert watched.locator(".sup-spider-leg").count() == 0
    assert watched.console_errors == [] and watched.dialogs == []
