"""The supplier map in a real browser, offline: local assets only, clusters drawn, hostile names inert.

A loopback http.server serves `static/` (the files `assets/fetch_assets.py` installs) and the map page
from memory; every request the page makes must stay on that server.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from urllib.parse import urlparse

import numpy as np
import pandas as pd
import pytest

from tests.browser.helpers import wait_for_map_at_rest
from tests.helpers import PROJECT_DIR, XSS_NAMES
from ui.map.builder import ASSET_PATHS, map_html

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
        "([lat, lng, z]) => { window.supplierCluster._map.setView([lat, lng], z, {animate: false}); }",
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
        watched.evaluate("() => { window.supplierCluster._map.closePopup(); }")
    # nothing from the names became markup, and nothing ran
    assert watched.locator(".leaflet-container img[src='x'], .leaflet-container svg[onload]").count() == 0
    assert watched.locator(".leaflet-container script").count() == 0
    assert watched.dialogs == []
    assert watched.console_errors == []
    assert watched.outside == []
