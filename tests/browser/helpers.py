"""Helpers for the browser tests: waits on what the page shows, never on a guessed delay."""

from __future__ import annotations

from tests.helpers import PROJECT_DIR

# Screenshots, kept by CI.
ARTIFACTS = PROJECT_DIR / "tests" / "artifacts"
# What `streamlit run` prints once its server listens, and how long it may take to say it.
SERVER_READY_LINE = "You can now view your Streamlit app"
SERVER_START_TIMEOUT_S = 90
# Playwright's default wait (30 s) is short when several test suites share two cores.
DEFAULT_WAIT_MS = 60_000
# Debian's Chromium, headless, with nothing that would call home.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Leaflet and Leaflet.markercluster at rest: every one of `n` markers clustered (chunked loading is
# over), no zoom or pan animation running, no cluster split/merge animation running or queued, and
# the clusters drawn for the map's current zoom.
_MAP_AT_REST = """n => {
  const cluster = window.supplierCluster, map = cluster && cluster._map;
  if (!map || cluster._topClusterLevel.getChildCount() !== n) { return false; }
  const panning = map._panAnim && map._panAnim._inProgress;
  return !map._animatingZoom && !panning && !cluster._inZoomAnimation && !cluster._queueTimeout
    && cluster._zoom === Math.round(map.getZoom());
}"""
# Leaflet starts an animated fitBounds on the next animation frame: let two frames pass first.
_TWO_FRAMES = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


def wait_for_app(page, timeout_ms: int = 60_000) -> None:
    """Wait until Streamlit has finished running the script (no running indicator)."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && document.querySelector('[data-testid=\"stMainBlockContainer\"] h1')",
        timeout=timeout_ms,
    )


def wait_for_map_at_rest(page, n_markers: int, timeout_ms: int = 30_000) -> None:
    """Wait until the supplier map (`ui.map.builder.map_html`, loaded in `page`) has clustered its
    `n_markers` markers and stopped moving."""
    page.evaluate(_TWO_FRAMES)
    page.wait_for_function(_MAP_AT_REST, arg=n_markers, timeout=timeout_ms)
