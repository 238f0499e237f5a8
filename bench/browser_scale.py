"""The app in Chromium at national scale: cold start, filter change and memory of one `streamlit run`.

For each size (the demo, or a team directory of N CRESS-style suppliers), each run starts a fresh
`streamlit run app.py` on a free loopback port (its own SQLite file; SOURCING_DATA_DIR pointing at the
store) and opens the search page in headless Chromium (Debian's, launched before the timer starts, with
the flags of tests/browser). Timed from the process start (`Popen`):

- count: the results headline ("N fournisseur(s) trouvé(s)") visible;
- map: the first marker (cluster or single) drawn in the map (ui/map/map.js puts its icons in
  `.leaflet-marker-pane` once the payload is parsed and the view's cells counted);
- second visitor: a new browser context on the same, warm process, from `goto` to its map drawn.

Then the filter changes, each from the click (or Enter) to the updated count: tick a kind (ESAT), type a
keyword ("nettoyage"), untick the kind. Memory: RSS of the streamlit process (/proc) after the first
page and after the filter changes, and its peak (VmHWM); CPU: its user + system seconds at the first
marker drawn, at the end of the first page's run and per filter change (click to the end of its run).
Figures: the median of `--runs` runs. The first start on a version that has no stored search index yet
builds and saves it; that start is shown apart ("first start") and the runs after it reuse the saved
index, as every later process does. Disk caches stay warm: "cold" is a new process.

`--before REV`: the same measures on the code of git revision REV (exported to a temporary folder, sharing
a copy of this checkout's static/vendor), run for run interleaved with this checkout's on the same stores, and the
ratio of each figure (this / REV) shown beside it: before/after figures under the same machine load.
`--without PKG...`: the same, on this checkout's HEAD with installed packages hidden (a module of each name
that cannot be imported, first on the app's path), to measure what a dependency brings, e.g. `--without
uvloop httptools` (Streamlit's "performance" extra).
`--fresh-clone`: every run (the first start included) on a new export of HEAD, which has no .cache and no
bytecode, as a clone has: as is, against the same after `make run`'s preparation (compileall, `python -m
sourcing prepare`), interleaved.

Stores: generated per size with bench/import.py's `make_input` (seed 2026) and `python -m sourcing
directory add`, in a temporary folder; or `--store PATH` (repeatable, matched in order to the numeric
sizes) to reuse one, e.g. /work/scale-data/store-1000000 copied somewhere writable (the app saves its
search index inside the version folder).

    python bench/browser_scale.py --sizes demo 100000 1000000 --runs 3
    python bench/browser_scale.py --sizes demo --runs 1 --no-write --json
    python bench/browser_scale.py --sizes demo 100000 --before main~3 --runs 3
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from perfdoc import markers, publish

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

NAME = "browser-scale"
SEED = 2026
RUNS = 3
TIMEOUT_MS = 180_000
CHROMIUM_ARGS = [  # as tests/browser/helpers.py: headless, nothing that calls home
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip
COUNT_RE = r"([\d\s\u202f\u00a0.]+) fournisseur\(s\) trouvé\(s\)"
MARKER = ".leaflet-marker-pane .marker-cluster, .leaflet-marker-pane .sup-m"
# A first marker of the search map: drawn in the page itself (ui/search_map.js), or, in the code before
# it (--before an older revision), inside streamlit-folium's frame.
MARKER_JS = f"""() => {{ const host = document.querySelector('.sup-map-host');
  if (host && host.querySelector('{MARKER}')) {{ return true; }}
  return [...document.querySelectorAll('iframe')].some(f => {{
    try {{ return !!(f.contentDocument && f.contentDocument.querySelector('{MARKER}')); }}
    catch (e) {{ return false; }} }}); }}"""
# The count shown in the main area's h3, as an integer (null while absent).
COUNT_JS = """pattern => { const re = new RegExp(pattern);
  const m = [...document.querySelectorAll('[data-testid=stMain] h3')].map(e => e.innerText.match(re)).find(Boolean);
  return m ? parseInt(m[1].replace(/\\D/g, '')) : null; }"""
CHANGED_JS = f"([pattern, old]) => {{ const n = ({COUNT_JS})(pattern); return n !== null && n !== old; }}"
IDLE_JS = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
# When the buyer's last press or key reached the browser (wall clock, ms): Playwright's click first waits
# for the element to be visible and still across animation frames, which a page busy clustering 20,000
# markers in 50 ms slices makes take longer than the click itself. The event's own time stamp, not the
# listener's clock: a press that waits for a busy page before its listener runs counts that wait, as a
# buyer's does.
INPUT_JS = """window.__benchInput = 0; ["pointerdown", "keydown"].forEach(type => document.addEventListener(type,
  e => { window.__benchInput = performance.timeOrigin + e.timeStamp; }, true));"""
KEYWORD = "nettoyage"
KIND = "ESAT"
THIS = "this checkout"
# `streamlit run app.py`; `python -m ui.serve` with the visitor arriving once its warm-up is done (a buyer after
# a restart); the same with the visitor arriving as soon as the server answers (a buyer opening the address
# as soon as `make run` prints it).
STREAMLIT, SERVE, SERVE_EARLY = "streamlit", "serve", "serve-early"
TARGETS = {"start_s": {"demo": 3.0, "large": 5.0}, "filter_s": 1.0, "rss_mb": 2048}


# --- Stores and the app process ------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_store(folder: Path, rows: int) -> Path:
    """A team directory store of `rows` CRESS-style suppliers: the generated file added as one source."""
    spec = importlib.import_module("import")  # bench/import.py ("import" is a keyword: no `from import`)
    csv = folder / f"cress-{rows}.csv"
    spec.make_input(csv, rows, SEED)
    store = folder / f"store-{rows}"
    store.mkdir()
    cmd = [sys.executable, "-m", "sourcing", "directory", "add", str(csv), "--label", f"CRESS synthétique {rows}",
           "--date", "2026-11-01"]  # fmt: skip
    done = subprocess.run(cmd, cwd=PROJECT, env=_store_env(store), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"directory add failed:\n{done.stdout}\n{done.stderr}")
    csv.unlink()
    return store


def _store_env(store: Path | None, db: Path | None = None) -> dict[str, str]:
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", "PYTHONUNBUFFERED": "1"}
    if store is not None:
        env |= {"SOURCING_DATA_DIR": str(store), "SOURCING_DB_PATH": str(db or store / "app.sqlite3")}
    return env


def _app_env(store: Path | None, workdir: Path) -> dict[str, str]:
    """The environment of a run's app: `store`'s data folder and database, or an empty folder (the demo)."""
    data = store if store is not None else workdir / "empty-store"
    data.mkdir(exist_ok=True)
    return _store_env(data, store / "app.sqlite3" if store is not None else workdir / "demo.sqlite3")


@contextlib.contextmanager
def app_process(
    store: Path | None, workdir: Path, code: Path = PROJECT, launcher: str = STREAMLIT, script: Path | None = None
) -> Iterator[tuple[subprocess.Popen, str, float, Path]]:
    """A fresh `streamlit run app.py` (or `python -m ui.serve`, `launcher`; or `streamlit run script`) of the
    checkout `code`; yields (process, url, start time on the perf_counter clock, its log file)."""
    port = _free_port()
    env = _app_env(store, workdir)
    log_path = workdir / f"server-{port}.log"
    log = open(log_path, "w")  # closed below
    serve = ["-m", "ui.serve", "--logger.level", "info"]  # logs the end of its warm-up
    command = serve if launcher in (SERVE, SERVE_EARLY) else ["-m", "streamlit", "run", str(script or "app.py")]
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, *command, "--server.port", str(port), "--server.headless", "true",
         "--server.address", "127.0.0.1"], cwd=code, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        yield proc, f"http://127.0.0.1:{port}", start, log_path
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _wait_health(url: str, proc: subprocess.Popen, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2):
                return
        time.sleep(0.05)
    raise TimeoutError(url)


def proc_memory_mb(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM (peak RSS) of a process, in MB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0]) / 1024
    return out


def proc_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- What the browser measures -----------------------------------------------------------------------


def _count(page) -> int | None:
    return page.evaluate(COUNT_JS, COUNT_RE)


def _wait_warm_up(log: Path, proc: subprocess.Popen, timeout_s: float = 600, line: str = "warm-up done") -> None:
    """Until `python -m ui.serve` logs the end of its warm-up (a buyer arriving after it); `line`: "other
    pages warmed up" for the end of its second stage."""
    deadline = time.monotonic() + timeout_s
    while line not in log.read_text(errors="replace"):
        if proc.poll() is not None or time.monotonic() > deadline or "warm-up failed" in log.read_text():
            raise RuntimeError(f"no warm-up: {log.read_text()[-2000:]}")
        time.sleep(0.1)


def _open_search(page, url: str) -> tuple[float, float]:
    """Open the search page; seconds (perf_counter) at which the count, then the first marker, show."""
    page.goto(url)
    page.wait_for_function(f"p => ({COUNT_JS})(p) !== null", arg=COUNT_RE, timeout=TIMEOUT_MS)
    at_count = time.perf_counter()
    page.wait_for_function(MARKER_JS, timeout=TIMEOUT_MS)
    return at_count, time.perf_counter()


def _change(page, action, pid: int) -> tuple[float, float, float]:
    """Seconds from `action()` (a click, a key) to the count changed, the same from the press or key
    reaching the browser (`INPUT_JS`), and the app's CPU seconds from `action()` to the end of that script
    run (the machine's load does not change that figure)."""
    page.wait_for_function(IDLE_JS, timeout=TIMEOUT_MS)
    before, cpu = _count(page), proc_cpu_s(pid)
    start = time.perf_counter()
    action()
    page.wait_for_function(CHANGED_JS, arg=[COUNT_RE, before], timeout=TIMEOUT_MS)
    seconds, seen = time.perf_counter() - start, time.time()
    from_input = seen - page.evaluate("() => window.__benchInput") / 1000
    page.wait_for_function(IDLE_JS, timeout=TIMEOUT_MS)
    return seconds, from_input, proc_cpu_s(pid) - cpu


def _filter_changes(page, pid: int) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    """Wall seconds to the updated count (from the action, from the input reaching the browser) and app
    CPU seconds, for each filter change."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    kind = sidebar.get_by_text(KIND, exact=True).first
    keyword = sidebar.get_by_label("Mots-clés", exact=True)

    def type_keyword() -> None:
        keyword.fill(KEYWORD)
        keyword.press("Enter")

    measured = {name: _change(page, action, pid) for name, action in
                (("kind", kind.click), ("keyword", type_keyword), ("untick", kind.click))}  # fmt: skip
    return tuple({k: v[i] for k, v in measured.items()} for i in range(3))  # type: ignore[return-value]


def export_code(revision: str, into: Path) -> Path:
    """The files of git `revision` in `into` (with a copy of this checkout's static/vendor, which git does not keep)."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", revision], cwd=PROJECT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    vendor = PROJECT / "static" / "vendor"
    if vendor.exists() and not (into / "static" / "vendor").exists():
        # A copy: Streamlit's static file serving refuses a symlink that leads out of the app's folder.
        shutil.copytree(vendor, into / "static" / "vendor")
    return into


def hide_packages(code: Path, packages: list[str]) -> Path:
    """`code` where importing any of `packages` fails as if it were not installed (the app runs with `-m`,
    its folder first on its path); what Streamlit and uvicorn then use instead is their fallback."""
    for name in packages:
        (code / f"{name}.py").write_text(
            f"raise ModuleNotFoundError('hidden by bench/browser_scale.py --without', name={name!r})\n"
        )
    return code


# A checkout to run: a folder, or what makes a new one for each run (`fresh_clone`).
Checkout = Path | Callable[[Path | None, Path], Path]


def _checkout(code: Checkout, store: Path | None, workdir: Path) -> Path:
    return code if isinstance(code, Path) else code(store, workdir)


def fresh_clone(prepared: bool) -> Callable[[Path | None, Path], Path]:
    """A new export of HEAD for each run, without .cache or bytecode, as a `git clone` is; `prepared`: after
    what `make run` does before it starts the app (compileall, `python -m sourcing prepare`, with the
    run's data folder and database)."""

    def make(store: Path | None, workdir: Path) -> Path:
        code = export_code("HEAD", Path(tempfile.mkdtemp(prefix="fresh-", dir=workdir)) / "checkout")
        if prepared:
            env = _app_env(store, workdir)
            for step in (["-m", "compileall", "-q", "ui", "sourcing"], ["-m", "sourcing", "prepare"]):
                subprocess.run([sys.executable, *step], cwd=code, env=env, check=True, capture_output=True)
        return code

    return make


def one_run(browser, store: Path | None, workdir: Path, code: Path = PROJECT, launcher: str = STREAMLIT) -> dict:
    """A fresh app process, a first visitor, filter changes, a second visitor. With `python -m ui.serve`
    the first visitor arrives once the warm-up is done (as a buyer after a restart does)."""
    with app_process(store, workdir, code, launcher) as (proc, url, start, log):
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.add_init_script(INPUT_JS)
        _wait_health(url, proc)
        ready = time.perf_counter()
        if launcher == SERVE:
            _wait_warm_up(log, proc)
        visit = time.perf_counter()
        at_count, at_map = _open_search(page, url)
        cpu = proc_cpu_s(proc.pid)
        page.wait_for_function(IDLE_JS, timeout=TIMEOUT_MS)
        first_mem, page_cpu = proc_memory_mb(proc.pid), proc_cpu_s(proc.pid)
        total = _count(page)
        changes, changes_input, changes_cpu = _filter_changes(page, proc.pid)
        after_mem = proc_memory_mb(proc.pid)
        context.close()
        second = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
        second.set_default_timeout(TIMEOUT_MS)
        t = time.perf_counter()
        _, second_map = _open_search(second.new_page(), url)
        second_s = second_map - t
        second.close()
        return {
            "server_s": ready - start, "count_s": at_count - start, "map_s": at_map - start, "cpu_s": cpu,
            "visit_count_s": at_count - visit, "visit_map_s": at_map - visit,
            "page_cpu_s": page_cpu, "second_visitor_s": second_s, "total": total, "filter_s": changes,
            "filter_input_s": changes_input, "filter_cpu_s": changes_cpu,
            "rss_first_mb": first_mem["VmRSS"], "rss_after_mb": after_mem["VmRSS"],
            "peak_mb": proc_memory_mb(proc.pid)["VmHWM"],
        }  # fmt: skip


# --- Runs and the report --------------------------------------------------------------------------------


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def summarise(size: str, first: dict, runs: list[dict], code: str = "") -> dict:
    filters = {k: statistics.median(r["filter_s"][k] for r in runs) for k in runs[0]["filter_s"]}
    filters_cpu = {k: statistics.median(r["filter_cpu_s"][k] for r in runs) for k in runs[0]["filter_cpu_s"]}
    filters_input = {k: statistics.median(r["filter_input_s"][k] for r in runs) for k in runs[0]["filter_input_s"]}
    every_change = [v for r in runs for v in r["filter_s"].values()]
    keys = ("server_s", "count_s", "map_s", "cpu_s", "page_cpu_s", "second_visitor_s", "rss_first_mb", "rss_after_mb",
            "peak_mb", "visit_count_s", "visit_map_s")  # fmt: skip
    return {"size": size, "code": code, "suppliers": runs[0]["total"], "runs": len(runs), "first_start": first,
            **{k: _median(runs, k) for k in keys}, "filter_s": filters, "filter_cpu_s": filters_cpu,
            "filter_input_s": filters_input, "filter_max_s": max(every_change),
            "filter_input_max_s": max(v for r in runs for v in r["filter_input_s"].values())}  # fmt: skip


def measure(
    browser, size: str, store: Path | None, runs: int, workdir: Path, codes: dict[str, tuple[Checkout, str]]
) -> list[dict]:
    """One summary per (checkout, launcher) (label -> both), their runs interleaved under the same load."""
    first, measured = {}, {label: [] for label in codes}
    for label, (code, launcher) in codes.items():
        first[label] = one_run(browser, store, workdir, _checkout(code, store, workdir), launcher)
        print(f"{size} {label}: first start {json.dumps(_rounded(first[label]))}", flush=True)
    for i in range(runs):
        for label, (code, launcher) in codes.items():
            measured[label].append(one_run(browser, store, workdir, _checkout(code, store, workdir), launcher))
            print(f"{size} {label}: run {i + 1} {json.dumps(_rounded(measured[label][-1]))}", flush=True)
    return [summarise(size, first[label], measured[label], label) for label in codes]


def _rounded(value):
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return round(value, 3) if isinstance(value, float) else value


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "unknown CPU")  # fmt: skip
    from importlib.metadata import version

    return {"cpus": len(os.sched_getaffinity(0)), "cpu": cpu, "python": platform.python_version(),
            "streamlit": version("streamlit"), "chromium": _chromium_version(),
            "date": date.today().isoformat()}  # fmt: skip


def _chromium_version() -> str:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        done = subprocess.run([_chromium(), "--version"], capture_output=True, text=True, timeout=20, check=False)
        return done.stdout.strip()
    return "chromium"


def _chromium() -> str:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def _target(size: str) -> float:
    return TARGETS["start_s"]["demo" if size == "demo" else "large"]


def _met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def _slash(values: dict[str, float]) -> str:
    return " / ".join(f"{v:.2f}" for v in values.values())


def _row(r: dict) -> str:
    return (
        f"| {r['size']} | {r['code']} | {r['suppliers']:,} | {r['server_s']:.2f} | {r['count_s']:.2f} | "
        f"{r['map_s']:.2f} | {r['cpu_s']:.2f} / {r['page_cpu_s']:.2f} | {r['first_start']['map_s']:.2f} | "
        f"{r['second_visitor_s']:.2f} | {_slash(r['filter_s'])} | {_slash(r['filter_input_s'])} | "
        f"{_slash(r['filter_cpu_s'])} | "
        f"{r['rss_first_mb']:.0f} / {r['rss_after_mb']:.0f} / {r['peak_mb']:.0f} | "
        f"{r['visit_count_s']:.2f} / {r['visit_map_s']:.2f} |"
    )


def _ratio_row(r: dict, b: dict) -> str:
    """The measured code's figures (`r`) divided by the other's (`b`) (< 1: faster or smaller)."""

    def x(num: float, den: float) -> str:
        return f"×{num / den:.2f}" if den else "–"

    def each(key: str) -> str:
        return " / ".join(x(r[key][k], b[key][k]) for k in r[key])

    return (
        f"| {r['size']} | ratio {r['code']} / {b['code']} | | {x(r['server_s'], b['server_s'])} | "
        f"{x(r['count_s'], b['count_s'])} | {x(r['map_s'], b['map_s'])} | {x(r['cpu_s'], b['cpu_s'])} / "
        f"{x(r['page_cpu_s'], b['page_cpu_s'])} | {x(r['first_start']['map_s'], b['first_start']['map_s'])} | "
        f"{x(r['second_visitor_s'], b['second_visitor_s'])} | {each('filter_s')} | {each('filter_input_s')} | "
        f"{each('filter_cpu_s')} | "
        f"{x(r['rss_first_mb'], b['rss_first_mb'])} / {x(r['rss_after_mb'], b['rss_after_mb'])} / "
        f"{x(r['peak_mb'], b['peak_mb'])} | {x(r['visit_count_s'], b['visit_count_s'])} / "
        f"{x(r['visit_map_s'], b['visit_map_s'])} |"
    )


def section(results: list[dict], info: dict, load: tuple[float, float]) -> str:
    start, end = markers(NAME)
    lines = [start, "## The app in Chromium: cold start, filter change, memory (`bench/browser_scale.py`)", "",
             f"Measured {info['date']} on {info['cpus']} CPU ({info['cpu']}), Python {info['python']}, Streamlit "
             f"{info['streamlit']}, {info['chromium']} headless; load average {load[0]:.2f} before, {load[1]:.2f} "
             "after (the machine is shared: compare rows of one run). Each run is a fresh `streamlit run app.py` and a "
             "first visitor in Chromium (launched before the timer); times from the process start to the results "
             "count shown, then to the first marker drawn in the map. Filter changes: from the click (or "
             f"Enter) to the updated count: tick {KIND}, type \"{KEYWORD}\", untick {KIND}; measured from "
             "Playwright's action (which first waits for the box to be visible and still across animation frames), "
             "and from the press or key reaching the browser (the event's time stamp, read by a capturing listener: "
             "a wait behind a busy page counts). Second visitor: a new browser context on the warm process, `goto` "
             "to its map drawn. RSS of the streamlit process after the "
             "first page and after the changes (/proc), peak = VmHWM. \"First start\": the very first process on the "
             "version, which builds and saves the search index; the runs after it (median shown) load it. App CPU: "
             "user + system seconds of the streamlit process (/proc), from its start to the first marker drawn and "
             "to the end of the first page's script run, and from each filter change to the end of its run: the "
             "figures the machine's load does not stretch (wall times here grow with the load). First visit: from the "
             "first visitor's `goto` to the count and to the map; with `python -m ui.serve` (rows \"this checkout\" "
             "when compared with \"streamlit run\") the visitor arrives once the process logs the end of its warm-up, "
             "as a buyer after a restart does, and the times from the process start include that wait; with "
             "`--launcher serve-early` the visitor arrives as soon as the server answers (a buyer opening the address "
             "as soon as `make run` prints it).", "",
             "| directory | code | suppliers | server up (s) | count (s) | map drawn (s) | app CPU to map / to "
             "page done (s) | first start: map (s) | second visitor (s) | filter change: kind / keyword / untick (s) "
             "| same, from the press or key reaching the browser (s) | app CPU per change (s) | RSS first / after / "
             "peak (MB) | first visit: count / map (s) |",
             "| :--- | :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :--- | :--- | :--- | :--- "
             "| :--- |"]  # fmt: skip
    # The code measured is the last of its size (this checkout; or the prepared fresh clone), compared with the first.
    measured = [r for r in results if r is [b for b in results if b["size"] == r["size"]][-1]]
    for r in results:
        lines.append(_row(r))
        before = next((b for b in results if b["size"] == r["size"] and b["code"] != r["code"]), None)
        if before is not None and any(r is m for m in measured):
            lines.append(_ratio_row(r, before))
    lines += ["", "Targets (issue 15): first results and map ≤ 3 s on the demo, ≤ 5 s at 1,000,000; a filter change "
              "≤ 1 s at 1,000,000; one process ≤ 2 GB at 1,000,000."]  # fmt: skip
    for r in measured:
        checks = [f"start {_met(r['map_s'] <= _target(r['size']))} ({r['map_s']:.2f} s ≤ {_target(r['size']):.0f} s)"]
        if r["size"] != "demo":
            checks.append(f"filter change {_met(r['filter_max_s'] <= TARGETS['filter_s'])} "
                          f"(slowest {r['filter_max_s']:.2f} s from the action, "
                          f"{r['filter_input_max_s']:.2f} s from the input reaching the browser)")  # fmt: skip
            checks.append(f"memory {_met(r['peak_mb'] <= TARGETS['rss_mb'])} (peak {r['peak_mb']:.0f} MB)")
        lines.append(f"- {r['size']}: " + ", ".join(checks) + ".")
    lines.append(end)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["demo", "100000"], help="demo and/or supplier counts")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument(
        "--store", action="append", type=Path, default=[], help="reuse a store (numeric sizes, in order)"
    )
    parser.add_argument("--no-write", action="store_true", help="print only, leave docs/performance.md")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.add_argument("--before", help="also measure this git revision, interleaved, with ratios")
    parser.add_argument("--without", nargs="+", help="also measure HEAD with these installed packages hidden")
    parser.add_argument(
        "--fresh-clone", action="store_true", help="each run on a new export of HEAD, as is and prepared by make run"
    )
    parser.add_argument(
        "--launcher",
        choices=[STREAMLIT, SERVE, SERVE_EARLY],
        default=STREAMLIT,
        help="how the app starts (serve: python -m ui.serve, the first visitor after its warm-up; serve-early: "
        "the same, the first visitor as soon as the server answers)",
    )
    parser.add_argument(
        "--compare-launchers",
        action="store_true",
        help="streamlit run against python -m ui.serve (this checkout), interleaved, with ratios",
    )
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    # A `kill` ends the app processes and the browser too (the context managers run on SystemExit).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    stores = list(args.store)
    results = []
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-browser-scale-") as tmp, sync_playwright() as p:
        workdir = Path(tmp)
        codes = {THIS: (PROJECT, args.launcher)}
        if args.before:
            codes = {args.before: (export_code(args.before, workdir / "before"), args.launcher), **codes}
        elif args.without:
            hidden = hide_packages(export_code("HEAD", workdir / "without"), args.without)
            codes = {"without " + ", ".join(args.without): (hidden, args.launcher), **codes}
        elif args.compare_launchers:
            codes = {"streamlit run": (PROJECT, STREAMLIT), THIS: (PROJECT, SERVE)}
        elif args.fresh_clone:
            codes = {"fresh clone": (fresh_clone(False), args.launcher),
                     "fresh clone, make run's preparation": (fresh_clone(True), args.launcher)}  # fmt: skip
        browser = p.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS, headless=True)
        try:
            for size in args.sizes:
                store = None
                if size != "demo":
                    store = stores.pop(0) if stores else make_store(workdir, int(size))
                results.extend(measure(browser, size, store, args.runs, workdir, codes))
        finally:
            browser.close()
    load = (load_before, os.getloadavg()[0])
    info = machine()
    if args.json:
        print(json.dumps(_rounded({"machine": info, "load_average": load, "results": results})))
    publish(section(results, info, load), NAME, write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
