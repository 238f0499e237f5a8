"""A fresh visitor on a warm app: where the seconds to the first map go, browser side and server side.

`python -m ui.serve` on the demo (or `--store PATH`), waited for until its warm-up has ended (the other
pages included), then `--visits` visitors, each a new Chromium context (an empty browser cache, as a
buyer's first visit), one after the other. For each visit, from `goto`: the page's scripts run
(DOMContentLoaded), the results count shown, the first sidebar checkbox drawn, the first map marker
drawn (a MutationObserver's clock in the page); the browser's long tasks (sum), its script files (how
many, and when the last arrived); the app process's CPU during the visit (/proc, to a second after the
map). Then the same script files fetched by six HTTP connections without a browser: what sending them
costs the server. With `--profile`, a CPU profile of the page (Chrome DevTools Protocol, 0.5 ms
sampling), self time per script file.

Beside the app, the same measures of Streamlit's own floor (`bench/floor_app.py`, a page of one sidebar
checkbox and one results heading, served by `streamlit run`): its visitors interleaved with the app's, and
`--starts` cold starts of each, interleaved, from the process start to the server answering, the count and
the map (the app with `python -m ui.serve`, a visitor as soon as the server answers: what `make run` gives).

Figures: medians over the visits. Writes its section of docs/performance.md (bench:first-visit).

    python bench/first_visit.py --visits 5 --starts 5 --profile
    python bench/first_visit.py --store /path/to/store-1000000 --visits 3 --no-write
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import contextlib
import os
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import browser_scale as scale
from perfdoc import markers, publish

NAME = "first-visit"
# Marks in the page's own clock (ms from navigation start): the first time each thing is in the DOM.
OBSERVER_JS = """window.__marks = {}; window.__long = 0;
new PerformanceObserver(l => l.getEntries().forEach(e => { window.__long += e.duration; }))
  .observe({type: 'longtask', buffered: true});
const first = (name, found) => { if (!window.__marks[name] && found) window.__marks[name] = performance.now(); };
const seen = () => {
  const heads = [...document.querySelectorAll('[data-testid=stMain] h3')];
  first('count', heads.some(e => /trouvé/.test(e.innerText)));
  first('sidebar', document.querySelector('[data-testid=stSidebar] input[type=checkbox]'));
  first('map', document.querySelector('.sup-map-host .leaflet-marker-pane :is(.marker-cluster, .sup-m)')); };
document.addEventListener('DOMContentLoaded', () => { window.__marks.scripts = performance.now();
  new MutationObserver(seen).observe(document.body, {subtree: true, childList: true}); });"""
SCRIPTS_JS = """() => performance.getEntriesByType('resource').filter(e => e.name.endsWith('.js'))
  .map(e => [e.name.split('/').pop(), e.responseEnd])"""
MARKS = ("scripts", "count", "sidebar", "map")
FLOOR_APP = Path(__file__).resolve().parent / "floor_app.py"
COUNT_SHOWN_JS = "() => window.__marks && window.__marks.count !== undefined"


def _profile_by_file(profile: dict) -> collections.Counter:
    nodes = {n["id"]: n["callFrame"] for n in profile["nodes"]}
    by_file: collections.Counter = collections.Counter()
    for node_id, delta_us in zip(profile["samples"], profile["timeDeltas"], strict=False):
        frame = nodes[node_id]
        name = frame["url"].rsplit("/", 1)[-1] or frame["functionName"] or "(anonymous scripts)"
        by_file[name] += delta_us / 1000
    return by_file


def floor_process(workdir: Path) -> contextlib.AbstractContextManager:
    """`streamlit run bench/floor_app.py`, as `browser_scale.app_process` starts the app (same yield)."""
    return scale.app_process(None, workdir, scale.PROJECT, scale.STREAMLIT, script=FLOOR_APP)


def one_visit(browser, url: str, pid: int, profile: bool, until: str = scale.MARKER_JS) -> dict:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    page = context.new_page()
    page.add_init_script(OBSERVER_JS)
    cdp = None
    if profile:
        cdp = context.new_cdp_session(page)
        for method, params in (("Profiler.enable", {}), ("Profiler.setSamplingInterval", {"interval": 500})):
            cdp.send(method, params)
        cdp.send("Profiler.start")
    cpu = scale.proc_cpu_s(pid)
    page.goto(url)
    page.wait_for_function(until, timeout=scale.TIMEOUT_MS)
    by_file = _profile_by_file(cdp.send("Profiler.stop")["profile"]) if cdp else collections.Counter()
    time.sleep(1.0)
    cpu = scale.proc_cpu_s(pid) - cpu
    marks = page.evaluate("window.__marks")
    scripts = page.evaluate(SCRIPTS_JS)
    visit = {f"{k}_s": marks.get(k, float("nan")) / 1000 for k in MARKS}
    visit.update(
        long_tasks_s=page.evaluate("window.__long") / 1000,
        script_files=len(scripts),
        last_script_s=max(end for _, end in scripts) / 1000,
        server_cpu_s=cpu,
        profile_ms=dict(by_file),
        script_names=[name for name, _ in scripts],
    )
    context.close()
    return visit


def fetch_scripts(url: str, names: list[str], pid: int) -> dict:
    """The page's script files fetched again by six connections, no browser: seconds and server CPU."""

    def get(name: str) -> int:
        with urllib.request.urlopen(f"{url.rstrip('/')}/static/js/{name}") as response:
            return len(response.read())

    cpu, start = scale.proc_cpu_s(pid), time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        size = sum(pool.map(get, names))
    seconds = time.perf_counter() - start
    time.sleep(0.3)
    return {"files": len(names), "kb": size / 1024, "s": seconds, "server_cpu_s": scale.proc_cpu_s(pid) - cpu}


def cold_start(browser, store: Path | None, workdir: Path, floor: bool) -> dict:
    """A fresh process (the app with `python -m ui.serve`, or the floor page) and a visitor as soon as it
    answers: seconds from the process start to the server answering, the count, the sidebar and the map."""
    launch = floor_process(workdir) if floor else scale.app_process(store, workdir, scale.PROJECT, scale.SERVE)
    with launch as (proc, url, start, _):
        scale._wait_health(url, proc)
        up = time.perf_counter() - start
        visit = one_visit(browser, url, proc.pid, profile=False, until=COUNT_SHOWN_JS if floor else scale.MARKER_JS)
    return {"up_s": up, **{key: up + value for key, value in visit.items() if key in {f"{m}_s" for m in MARKS}}}


def measure(store: Path | None, visits: int, starts: int, profile: bool) -> dict:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=scale._chromium(), args=scale.CHROMIUM_ARGS, headless=True)
        with (
            scale.app_process(store, Path(tmp), scale.PROJECT, scale.SERVE) as (proc, url, _, log),
            floor_process(Path(tmp)) as (floor, floor_url, _, _),
        ):
            scale._wait_health(url, proc)
            scale._wait_health(floor_url, floor)
            scale._wait_warm_up(log, proc, line="other pages warmed up")
            # The floor's first visit imports what the app's warm-up imported beforehand: not counted.
            one_visit(browser, floor_url, floor.pid, profile=False, until=COUNT_SHOWN_JS)
            runs, floor_runs = [], []
            for _ in range(visits):  # interleaved: the machine's load falls on both alike
                runs.append(one_visit(browser, url, proc.pid, profile=False))
                floor_runs.append(one_visit(browser, floor_url, floor.pid, profile=False, until=COUNT_SHOWN_JS))
            # Profiled apart: the profiler slows the page it watches.
            profiled = [one_visit(browser, url, proc.pid, profile=True) for _ in range(3 if profile else 0)]
            ours = {"leaflet.js"}  # the map's own, from static/vendor
            names = [n for n in runs[0]["script_names"] if n not in ours]
            fetched = [fetch_scripts(url, names, proc.pid) for _ in range(3)]
        cold, floor_cold = [], []
        for _ in range(starts):
            cold.append(cold_start(browser, store, Path(tmp), floor=False))
            floor_cold.append(cold_start(browser, None, Path(tmp), floor=True))
        browser.close()
    return {"runs": runs, "floor_runs": floor_runs, "cold": cold, "floor_cold": floor_cold, "profiled": profiled,
            "fetched": fetched}  # fmt: skip


def _span(rows: list[dict], key: str, fmt: str = "{:.2f}") -> str:
    """Median (min–max) of `key` over `rows`; "—" when the page has no such thing (the floor's map)."""
    values = sorted(r[key] for r in rows if r.get(key) == r.get(key))  # NaN: never marked
    if not values:
        return "—"
    return f"{fmt.format(statistics.median(values))} ({fmt.format(values[0])}–{fmt.format(values[-1])})"


def _visit_row(name: str, runs: list[dict]) -> str:
    return (
        f"| {name} | {_span(runs, 'scripts_s')} | {_span(runs, 'count_s')} | {_span(runs, 'sidebar_s')} | "
        f"{_span(runs, 'map_s')} | {_span(runs, 'long_tasks_s')} | {runs[0]['script_files']} | "
        f"{_span(runs, 'last_script_s')} | {_span(runs, 'server_cpu_s')} |"
    )


def _start_row(name: str, runs: list[dict]) -> str:
    cells = [_span(runs, key) for key in ("up_s", "count_s", "sidebar_s", "map_s")]
    return f"| {name} | " + " | ".join(cells) + " |"


def section(figures: dict, label: str, info: dict, load: tuple[float, float]) -> str:
    runs, fetched = figures["runs"], figures["fetched"]
    start, end = markers(NAME)
    app, floor = f"this app ({label})", "Streamlit's floor (`bench/floor_app.py`)"
    lines = [
        start,
        "## A fresh visitor on a warm app (`bench/first_visit.py`)",
        "",
        f"Measured {info['date']} on {info['cpus']} CPU ({info['cpu']}), {info['chromium']}; load average "
        f"{load[0]:.2f} before, {load[1]:.2f} after. `python -m ui.serve`, its warm-up ended (other pages "
        f"included), then {len(runs)} visitors one after the other, each a new browser context (empty cache), "
        "interleaved with as many visitors of Streamlit's floor (a page of one sidebar checkbox and one "
        "results heading, `streamlit run`, one visit before not counted). Seconds from `goto`, median "
        "(min–max), in the page's clock.",
        "",
        "| page | scripts run | count shown | sidebar drawn | map drawn | browser long tasks (s) | script files | "
        "last script in (s) | server CPU per visit (s) |",
        "| :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        _visit_row(app, runs),
        _visit_row(floor, figures["floor_runs"]),
    ]
    if figures["cold"]:
        lines += [
            "",
            f"From the process start ({len(figures['cold'])} cold starts of each, interleaved; the app with "
            "`python -m ui.serve`, the visitor as soon as the server answers, as after `make run`), seconds, "
            "median (min–max):",
            "",
            "| page | server answers | count shown | sidebar drawn | map drawn |",
            "| :--- | ---: | ---: | ---: | ---: |",
            _start_row(app, figures["cold"]),
            _start_row(floor, figures["floor_cold"]),
        ]
    lines += [
        "",
        f"Streamlit's script files fetched again without a browser (six connections, three times): "
        f"{fetched[0]['files']} files, {fetched[0]['kb']:,.0f} KB in "
        + " / ".join(f"{f['s']:.2f}" for f in fetched)
        + " s, server CPU "
        + " / ".join(f"{f['server_cpu_s']:.2f}" for f in fetched)
        + " s.",
    ]
    by_file: collections.Counter = collections.Counter()
    profiled = figures["profiled"]
    for run in profiled:
        by_file.update({k: v / len(profiled) for k, v in run["profile_ms"].items()})
    if by_file:
        top = ", ".join(f"{name} {ms:,.0f}" for name, ms in by_file.most_common(12))
        lines += [
            "",
            f"The page's CPU profile to the map ({len(profiled)} more visits, profiled apart: the "
            f"profiler slows the page), self time per file, ms per visit: {top}.",
        ]
    lines.append(end)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--store", type=Path, help="a team directory's store (default: the demo)")
    parser.add_argument("--visits", type=int, default=5)
    parser.add_argument("--starts", type=int, default=3, help="cold starts of the app and of the floor")
    parser.add_argument("--profile", action="store_true", help="also a CPU profile of each visit's page")
    parser.add_argument("--no-write", action="store_true", help="print only, leave docs/performance.md")
    args = parser.parse_args(argv)
    before = os.getloadavg()[0]
    store = None
    if args.store:
        store = Path(tempfile.mkdtemp()) / "store"
        shutil.copytree(args.store, store)
    figures = measure(store, args.visits, args.starts, args.profile)
    label = f"store {args.store.name}" if args.store else "demo directory"
    publish(section(figures, label, scale.machine(), (before, os.getloadavg()[0])), NAME, write=not args.no_write)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
