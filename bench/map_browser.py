"""Benchmark: the supplier map in Chromium, from its page's start to a map at rest, and a click meanwhile.

The map of 1,000 / 5,000 / 20,000 results (the search page's limit) and 50,000, as `ui.map.builder.map_html` makes
it, opened in headless Chromium (Debian's, the flags of tests/browser) from a loopback server. The
suppliers sit at commune points drawn by population from data/geo/communes.csv, as real directories
locate most of them (many share a point). For each page:

- first marker: from `goto` to the first marker (cluster or single) in the marker pane;
- at rest: to the map done (this checkout: markers drawn for the view; Leaflet.markercluster, for a
  `--before` revision that used it: every marker clustered);
- busy: the page's long tasks (over 50 ms, Chromium's PerformanceObserver) until at rest, summed;
- click: a button above the map is clicked by Playwright as soon as the first marker shows; the time
  from the action to its click handler (Playwright first waits for the button to be still across
  animation frames, as for a buyer's filter change on the search page).

Usage: .venv/bin/python bench/map_browser.py [--sizes 1000 5000 20000 50000] [--runs 3] [--before REV] [--no-write]
  --before REV: also measure REV's map (its `map_html`, run from a git worktree; its assets must be in
  static/vendor), interleaved run for run, with ratios.
Writes its section of docs/performance.md, between the bench:map-browser markers.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
from browser_scale import CHROMIUM_ARGS, _chromium
from perfdoc import markers, publish

PROJECT_DIR = Path(__file__).resolve().parents[1]
STATIC_DIR = PROJECT_DIR / "static"
COMMUNES_CSV = PROJECT_DIR / "data" / "geo" / "communes.csv"
SIZES = (1_000, 5_000, 20_000, 50_000)  # the search page draws at most 20,000; 50,000 for headroom
RUNS = 3
START, END = markers("map-browser")

# The page's long tasks, from its start (buffered), and a button above the map whose click is timed.
_INIT = """
window.__longTasks = [];
new PerformanceObserver(list => {
  for (const e of list.getEntries()) { window.__longTasks.push([e.startTime, e.duration]); }
}).observe({type: 'longtask', buffered: true});
document.addEventListener('DOMContentLoaded', () => {
  const b = document.createElement('button');
  b.id = 'bench-button'; b.textContent = 'Filtre';
  b.style.cssText = 'position:fixed;top:8px;left:60px;z-index:100000;padding:6px';
  b.addEventListener('click', () => { window.__clickedAt = performance.now(); });
  document.body.appendChild(b);
});
"""
# This checkout's map (window.supplierLayer) or Leaflet.markercluster's (window.supplierCluster) at rest.
_AT_REST = """n => {
  const layer = window.supplierLayer, cluster = window.supplierCluster;
  if (layer) { return layer.total === n && layer.drawnZoom === Math.round(layer._map.getZoom()); }
  return !!(cluster && cluster._map && cluster._topClusterLevel.getChildCount() === n && !cluster._queueTimeout);
}"""
_MAKE_PAGE = """
import sys
import pandas as pd
from ui.map.builder import map_html
frame = pd.read_pickle(sys.argv[1])
open(sys.argv[2], "w", encoding="utf-8").write(map_html(frame, asset_base="/vendor"))
"""


def results_at_communes(n: int, seed: int = 7) -> pd.DataFrame:
    """n search results at commune points, communes drawn by population (many suppliers share a point)."""
    communes = pd.read_csv(COMMUNES_CSV, usecols=["name", "type", "population", "lat", "lon", "department"])
    communes = communes[communes["type"].eq("commune")].dropna(subset=["lat", "lon", "population"])
    rng = np.random.default_rng(seed)
    weights = communes["population"].to_numpy(dtype=float)
    picked = communes.iloc[rng.choice(len(communes), size=n, p=weights / weights.sum())].reset_index(drop=True)
    kinds = (["ESAT"], ["EA"], ["EI"], ["ACI", "EI"], ["SCOP"], ["ASSOCIATION"], ["GEIQ"], [])
    number = pd.Series(np.arange(n)).astype(str)
    return pd.DataFrame({
        "id": ("x" + number.str.zfill(13)).to_numpy(), "siret": None,
        "name": ("Atelier des Érables " + number).to_numpy(), "trade_name": None,
        "kinds": [kinds[i] for i in rng.integers(0, len(kinds), n)], "city": picked["name"],
        "postal_code": "69003", "department": picked["department"].astype(str), "lat": picked["lat"],
        "lon": picked["lon"], "distance_km": np.nan,
    })  # fmt: skip


def make_page(code: Path, frame: pd.DataFrame, out: Path) -> None:
    """The map page `code`'s `map_html` makes for `frame` (a fresh interpreter in that checkout)."""
    data = out.with_suffix(".pkl")
    frame.to_pickle(data)
    subprocess.run([sys.executable, "-c", _MAKE_PAGE, str(data), str(out)], cwd=code, check=True)


@contextlib.contextmanager
def serve(pages: Path) -> Iterator[str]:
    """A loopback server: static/ at /, the pages folder at /pages."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def translate_path(self, path: str) -> str:
            if path.startswith("/pages/"):
                return str(pages / path.removeprefix("/pages/").split("?")[0])
            return super().translate_path(path)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(STATIC_DIR)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def measure(browser, url: str, n: int) -> dict[str, float]:
    """One fresh page: first marker, at rest, long tasks until then, and the click's delay."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.add_init_script(_INIT)
    try:
        start = time.perf_counter()
        page.goto(url, wait_until="commit")
        page.wait_for_selector(".leaflet-marker-pane .marker-cluster, .leaflet-marker-pane .sup-m", timeout=60_000)
        first = time.perf_counter() - start
        before_click = time.perf_counter()
        page.locator("#bench-button").click()
        clicked_wall = time.perf_counter()
        page.wait_for_function(_AT_REST, arg=n, timeout=120_000, polling=20)
        rest = time.perf_counter() - start
        assert page.evaluate("() => window.__clickedAt !== undefined"), "the click never reached the page"
        busy = page.evaluate(
            "at => window.__longTasks.filter(t => t[0] < at).reduce((s, t) => s + t[1], 0)", rest * 1000
        )
        return {"first_s": first, "rest_s": rest, "busy_s": busy / 1000, "click_s": clicked_wall - before_click}
    finally:
        context.close()


def _median(rows: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def _table(figures: dict[str, dict[int, list[dict[str, float]]]], runs: int, load: tuple[float, float]) -> str:
    codes = list(figures)
    lines = [
        START,
        "## The map in Chromium: 1,000 to 20,000 results, to a map at rest (`bench/map_browser.py`)",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} CPU, Python {platform.python_version()}, headless "
        f"Chromium (Debian's); load average {load[0]:.2f} before, {load[1]:.2f} after; median of {runs} fresh "
        "pages per size and code, interleaved. Results at commune points drawn by population (as real "
        "directories locate most suppliers). First marker and at rest: from `goto`; busy: the page's long "
        "tasks (> 50 ms) until at rest; click: Playwright's click on a button above the map, started as the "
        "first marker shows, to its return (it waits for the button to be still across animation frames).",
        "",
        "| results | code | first marker (s) | at rest (s) | busy (s) | click (s) |",
        "| ---: | :--- | ---: | ---: | ---: | ---: |",
    ]
    keys = ("first_s", "rest_s", "busy_s", "click_s")
    for n in next(iter(figures.values())):
        for code in codes:
            rows = figures[code][n]
            lines.append(f"| {n:,} | {code} | " + " | ".join(f"{_median(rows, k):.2f}" for k in keys) + " |")
        if len(codes) == 2:
            new, old = figures[codes[0]][n], figures[codes[1]][n]
            ratios = [_median(new, k) / max(_median(old, k), 1e-3) for k in keys]
            lines.append(f"| {n:,} | ratio {codes[0]} / {codes[1]} | " + " | ".join(f"×{r:.2f}" for r in ratios) + " |")
    lines.append(END)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=list(SIZES))
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--before", help="also measure this git revision's map, interleaved, with ratios")
    parser.add_argument("--no-write", action="store_true", help="print only, leave docs/performance.md")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-map-browser-") as tmp, contextlib.ExitStack() as stack:
        pages = Path(tmp)
        codes = {"this checkout": PROJECT_DIR}
        if args.before:
            worktree = pages / "before"
            subprocess.run(["git", "worktree", "add", "--detach", str(worktree), args.before], cwd=PROJECT_DIR,
                           check=True, capture_output=True)  # fmt: skip
            stack.callback(subprocess.run, ["git", "worktree", "remove", "--force", str(worktree)], cwd=PROJECT_DIR)
            codes[args.before] = worktree
        for n in args.sizes:
            frame = results_at_communes(n)
            for label, code in codes.items():
                make_page(code, frame, pages / f"{label.replace(' ', '-')}-{n}.html")
        base = stack.enter_context(serve(pages))
        p = stack.enter_context(sync_playwright())
        browser = p.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS, headless=True)
        stack.callback(browser.close)
        figures: dict[str, dict[int, list[dict[str, float]]]] = {label: {n: [] for n in args.sizes} for label in codes}
        for n in args.sizes:
            for run in range(args.runs):
                for label in codes:
                    row = measure(browser, f"{base}/pages/{label.replace(' ', '-')}-{n}.html", n)
                    figures[label][n].append(row)
                    print(
                        f"{n} {label} run {run + 1}: " + ", ".join(f"{k} {v:.3f}" for k, v in row.items()), flush=True
                    )
    publish(_table(figures, args.runs, (load_before, os.getloadavg()[0])), "map-browser", write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
