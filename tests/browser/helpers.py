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

# The search page's map (ui/search_map.js draws it in the page itself, no frame), and its markers.
SEARCH_MAP = ".sup-map-host"
MARKERS = ".leaflet-marker-pane .marker-cluster, .leaflet-marker-pane .sup-m"

# The supplier map at rest: its layer holds the `n` located suppliers, no zoom or pan animation is
# running, and the markers are drawn for the map's current zoom (ui/map/map.js draws them at moveend).
_MAP_AT_REST = """n => {
  const layer = window.supplierLayer, map = layer && layer._map;
  if (!map || layer.total !== n) { return false; }
  const panning = map._panAnim && map._panAnim._inProgress;
  return !map._animatingZoom && !panning && layer.drawnZoom === Math.round(map.getZoom());
}"""
# Leaflet starts an animated fitBounds on the next animation frame: let two frames pass first.
_TWO_FRAMES = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


def wait_for_app(page, timeout_ms: int = 60_000) -> None:
    """Wait until Streamlit has finished running the script: its own script state (the running
    indicator shows only after a while, and the search page draws its count before the end of its run,
    so a test acting on the count could act during the run), no running indicator, the page's title."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stApp\"]').getAttribute('data-test-script-state')"
        " !== 'running' && !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && document.querySelector('[data-testid=\"stMainBlockContainer\"] h1')",
        timeout=timeout_ms,
    )


def tick(page, box, attempts: int = 5) -> None:
    """Tick a Streamlit checkbox (`box`, its input) and wait for the run it starts. A click that lands while
    the run started by the previous input (a field left with Tab) redraws the form can be lost with the
    element it hit (Playwright: « Clicking the checkbox did not change its state »), as a buyer's would:
    like the buyer, click again, until the box stays ticked once the app is idle."""
    for _ in range(attempts):
        wait_for_app(page)
        if box.is_checked():
            return
        box.click(force=True)  # the input itself: react-aria draws the box over it
    wait_for_app(page)
    assert box.is_checked(), f"box still unticked after {attempts} clicks"


def wait_for_map_at_rest(page, n_markers: int, timeout_ms: int = 30_000) -> None:
    """Wait until the supplier map (`ui.map.builder.map_html`, loaded in `page`) holds its `n_markers`
    suppliers, has stopped moving and has drawn its markers for the view."""
    page.evaluate(_TWO_FRAMES)
    page.wait_for_function(_MAP_AT_REST, arg=n_markers, timeout=timeout_ms)


def type_in_box(box, text: str, shown, *, click: bool = False, attempts: int = 3) -> None:
    """Type `text` into a select box until `shown` (a locator: an option, the empty list's message)
    appears in its menu, then click it if asked.

    Streamlit 1.67's select boxes sometimes drop what is typed soon after the page has loaded: the menu
    closes and the box empties, with no rerun sent (reproduced on a warm server back to c5c43cc, about one
    try in three to six; not ours to fix). A buyer types again; so does this, up to `attempts` times."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(attempts):
        box.fill(text)
        try:
            shown.wait_for(timeout=10_000)
            if click:
                shown.click(timeout=10_000)
            return
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise


def add_source(page, app_url: str, path, label: str, data_date: str) -> None:
    """Add a file to the app's team directory through the page "Annuaire", as a buyer does."""
    from ui import texts as T

    page.goto(f"{app_url}/annuaire")
    wait_for_app(page)
    main = page.locator('[data-testid="stMain"]')
    label_input = main.get_by_label(T.SOURCE_LABEL, exact=True)
    label_input.wait_for(state="attached")
    expander = main.locator("details").filter(has_text=T.UPLOAD_HEADER)
    if expander.get_attribute("open") is None:  # open on the demo, folded once the directory has sources
        expander.locator("summary").click()
    label_input.wait_for(state="visible")
    _attach(page, main, path)
    main.get_by_label(T.SOURCE_LABEL, exact=True).fill(label)
    main.get_by_label(T.SOURCE_DATE, exact=True).fill(data_date)
    main.get_by_label(T.SOURCE_DATE, exact=True).press("Tab")
    wait_for_app(page)
    main.get_by_role("button", name=T.UPLOAD_BUTTON).click()
    main.get_by_text(T.SOURCE_ADDED.split(" : ")[0].format(label=label)).wait_for(timeout=120_000)
    wait_for_app(page)


def _attach(page, main, path) -> None:
    """Give the page's file box `path` and wait until it shows the file: under load the box may
    still be mounting when the file is set, and then it silently drops it (seen in CI)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(3):
        main.locator('input[type="file"]').set_input_files(str(path))
        try:
            main.locator('[data-testid="stFileChip"]').first.wait_for(timeout=30_000)
            wait_for_app(page)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"the file box never took {path}")
