"""Many buyers at once: N simulated buyers (headless Chromium pages, Debian's chromium, driven by
Playwright) against one app process, then against two behind nginx (deploy/nginx.conf).

Each process is first warmed by one buyer (not timed). Each buyer opens the search page (the demo
directory), then changes a filter twice (ticks then unticks a kind of structure), opens the card of
the first supplier of the results (a click on its row) and adds that supplier to a list (a new
list of its own, or the list already picked: buyers share the single-user account). Timed: each
filter change from the click to the updated count, the card from the click on the row to the
card's source line, the add from the click on the button to the confirmation. Figures: p50 / p95
of each, errors, memory (RSS) per app process after the run.

    python bench/load.py                 # N = 1, 5, 10 (add --n 1 5 10 20 for more)
    python bench/load.py --no-write      # print only
    python bench/load.py --app-cpus 0 --browser-cpus 1   # app and browsers on separate cores

On a machine of few cores, the simulated buyers' own Chromium pages compete with the app for the
CPU: `--app-cpus` / `--browser-cpus` pin the app processes and the browsers (with nginx) to
separate cores (sched_setaffinity), so the app's figures are not its clients' load. The app
processes' CPU time during the timed run, per timed step, is reported too: it does not depend on
the machine's load, and says how many steps per second one core can serve.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from perfdoc import markers, publish

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
from ui import texts as T  # noqa: E402

COUNT_TEXT = "fournisseur(s) trouvé(s)"
FILTER = "ESAT"
CHANGES = 2  # filter changes per buyer (--changes)
CARD_TEXT = T.DETAIL_SOURCE.split("{")[0]  # the card's source line: "Source : "
ADDED_TEXT = "ajouté(s) à"  # in T.ADD_DONE, the add confirmation
IDLE = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"  # the script run is over
STEPS = ("filter", "card", "add")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pin(cpus: set[int] | None):
    """A preexec_fn putting the child process on `cpus` (None: anywhere)."""
    return (lambda: os.sched_setaffinity(0, cpus)) if cpus else None


@contextlib.contextmanager
def app_processes(n: int, workdir: Path, cpus: set[int] | None = None, data_dir: Path | None = None):
    """`n` streamlit processes on one SQLite file and one data folder (`data_dir`, else an empty one in
    `workdir`: the demo); yields (urls, pids)."""
    data = data_dir if data_dir is not None else workdir / "data"
    env = {**os.environ, "SOURCING_DB_PATH": str(workdir / "sourcing.db"), "SOURCING_DATA_DIR": str(data),
           "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}  # fmt: skip
    procs, urls = [], []
    for _ in range(n):
        port = _free_port()
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.headless",
             "true", "--server.address", "127.0.0.1"], cwd=PROJECT, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=_pin(cpus),
        ))  # fmt: skip
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url in urls:
            _wait_health(url)
        yield urls, [p.pid for p in procs]
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=20)


def _wait_health(url: str, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2):
                return
        time.sleep(0.3)
    raise TimeoutError(url)


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of process `pid` so far (/proc/<pid>/stat fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def _change_filter(page, headline, box) -> float:
    before = await headline.inner_text()
    start = time.perf_counter()
    await box.click()
    await page.wait_for_function(
        "([text, old]) => [...document.querySelectorAll('[data-testid=stMain] *')].some("
        "e => e.childElementCount === 0 && e.textContent.includes(text) && e.textContent !== old)",
        arg=[COUNT_TEXT, before],
    )
    return time.perf_counter() - start


async def _open_card(page) -> float:
    """Click the first row of the results grid (its selection column), until the card is drawn."""
    await page.wait_for_function(IDLE)  # the map sizes itself once drawn, which moves the grid
    grid = page.locator('.st-key-results_grid [data-testid="stDataFrame"]')
    await grid.scroll_into_view_if_needed()
    box = await grid.bounding_box()
    start = time.perf_counter()
    await page.mouse.click(box["x"] + 15, box["y"] + 35 + 17)
    await page.locator('[data-testid="stMain"]').get_by_text(CARD_TEXT).first.wait_for()
    return time.perf_counter() - start


async def _add_to_list(page, buyer: int) -> float:
    """Name a new list when the panel asks for one, then click the card's add button."""
    name = page.locator(f'[data-testid="stMain"] input[aria-label="{T.ADD_NEW_NAME}"]')
    if await name.count():
        await name.first.fill(f"Charge {buyer} {os.getpid()}")
        await name.first.press("Enter")  # Streamlit takes the value (a rerun)
        await page.wait_for_function(IDLE)
    start = time.perf_counter()
    await page.locator(".st-key-add_one button").first.click()
    await page.locator('[data-testid="stMain"]').get_by_text(ADDED_TEXT).first.wait_for()
    return time.perf_counter() - start


async def one_buyer(
    browser, url: str, buyer: int, times: dict[str, list[float]], errors: list[str], changes: int = CHANGES
) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    page = await context.new_page()
    page.set_default_timeout(120_000)
    try:
        await page.goto(url)
        headline = page.locator('[data-testid="stMain"]').get_by_text(COUNT_TEXT).first
        await headline.wait_for()
        box = page.locator('[data-testid="stSidebar"]').get_by_text(FILTER, exact=True).first
        for _ in range(changes):
            times["filter"].append(await _change_filter(page, headline, box))
        times["card"].append(await _open_card(page))
        times["add"].append(await _add_to_list(page, buyer))
    except Exception as exc:
        errors.append(type(exc).__name__)
    finally:
        await context.close()


async def run_buyers(url: str, n: int, changes: int = CHANGES) -> tuple[dict[str, list[float]], list[str]]:
    from playwright.async_api import async_playwright

    times: dict[str, list[float]] = {step: [] for step in STEPS}
    errors: list[str] = []
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium, headless=True,
                                          args=["--no-sandbox", "--disable-gpu", "--disable-quic"])  # fmt: skip
        await asyncio.gather(*(one_buyer(browser, url, i, times, errors, changes) for i in range(n)))
        await browser.close()
    return times, errors


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(processes: int, n: int, changes: int = CHANGES, app_cpus: set[int] | None = None) -> dict:
    with tempfile.TemporaryDirectory(prefix="sourcing-load-") as tmp:
        workdir = Path(tmp)
        with app_processes(processes, workdir, app_cpus) as (urls, pids):
            for url in urls:  # warm each process (first index and map builds), not timed
                asyncio.run(run_buyers(url, 1))
            cpu_before = sum(cpu_s(pid) for pid in pids)
            if processes == 1:
                times, errors = asyncio.run(run_buyers(urls[0], n, changes))
            else:
                from importlib.util import module_from_spec, spec_from_file_location

                spec = spec_from_file_location("nginx_proxy", PROJECT / "scripts" / "nginx_proxy.py")
                nginx = module_from_spec(spec)
                spec.loader.exec_module(nginx)
                with nginx.nginx_proxy(urls, workdir / "nginx") as proxy:
                    times, errors = asyncio.run(run_buyers(proxy, n, changes))
            app_cpu = sum(cpu_s(pid) for pid in pids) - cpu_before
            memory = [rss_mb(pid) for pid in pids]
    figures = {f"{step}_{q}": pct(times[step], value) for step in STEPS for q, value in (("p50", 0.5), ("p95", 0.95))}
    return {"processes": processes, "n": n, "p50": figures["filter_p50"], "p95": figures["filter_p95"],
            "changes": len(times["filter"]), "errors": len(errors), "rss": memory,
            "cpu_per_step_ms": 1000 * app_cpu / max(1, sum(len(t) for t in times.values())), **figures}  # fmt: skip


def _placement(app_cpus: set[int] | None, browser_cpus: set[int] | None) -> str:
    if not app_cpus and not browser_cpus:
        return "the app processes and the browsers share every core"
    cores = lambda cpus: ", ".join(map(str, sorted(cpus))) if cpus else "any"  # noqa: E731
    return f"app processes pinned to core(s) {cores(app_cpus)}, browsers and nginx to core(s) {cores(browser_cpus)}"


def report(rows: list[dict], changes: int = CHANGES, app_cpus=None, browser_cpus=None) -> str:
    start, end = markers("load")
    lines = [start, "## Many buyers at once (bench/load.py)", "",
             f"Headless Chromium buyers, each opening the search page on the demo directory, changing a filter "
             f"{changes} times (time from the click to the updated count), opening a supplier's card (click on "
             "its row to the card drawn) and adding it to a list (click to the confirmation). Machine: "
             f"{os.cpu_count()} cores, shared with other work (figures are noisy; compare rows of one run); "
             f"{_placement(app_cpus, browser_cpus)}. App CPU per step: the app processes' CPU time during the "
             "timed run divided by the timed steps (independent of the load).", "",
             "| processes | buyers | filter changes | filter p50 (s) | filter p95 (s) | card p50 / p95 (s) "
             "| add p50 / p95 (s) | errors | RSS per process (MB) | app CPU per step (ms) |",
             "|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in rows:
        rss = ", ".join(f"{m:.0f}" for m in r["rss"])
        lines.append(f"| {r['processes']} | {r['n']} | {r['changes']} | {r['p50']:.2f} | {r['p95']:.2f} | "
                     f"{r['card_p50']:.2f} / {r['card_p95']:.2f} | {r['add_p50']:.2f} / {r['add_p95']:.2f} | "
                     f"{r['errors']} | {rss} | {r['cpu_per_step_ms']:.0f} |")  # fmt: skip
    one = [r for r in rows if r["processes"] == 1 and r["errors"] == 0 and r["p95"] <= 1.0]
    two = [r for r in rows if r["processes"] == 2 and r["errors"] == 0 and r["p95"] <= 1.0]
    best_one, best_two = max((r["n"] for r in one), default=0), max((r["n"] for r in two), default=0)
    served = [f"by one process: {best_one}"] * any(r["processes"] == 1 for r in rows)
    served += [f"by two processes behind nginx: {best_two}"] * any(r["processes"] == 2 for r in rows)
    lines += ["", f"Buyers served with p95 ≤ 1 s of the filter change (largest N measured) {'; '.join(served)}."]
    single = [r for r in rows if r["processes"] == 1 and r["cpu_per_step_ms"] > 0]
    if single:
        cost = statistics.median(r["cpu_per_step_ms"] for r in single)
        lines += ["", f"Capacity from the CPU cost ({cost:.0f} ms of app CPU per step, median over the one-process "
                  f"rows): one process runs the pages' Python on one core at a time, so it serves at most "
                  f"{1000 / cost:.1f} steps per second on a core of this machine, whatever its load; "
                  "a second process on a second core "
                  "doubles that."]  # fmt: skip
    lines.append(end)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, nargs="+", default=[1, 5, 10])
    parser.add_argument("--changes", type=int, default=CHANGES, help="filter changes per buyer")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2], choices=[1, 2])
    parser.add_argument("--app-cpus", type=int, nargs="+", help="cores of the app processes")
    parser.add_argument("--browser-cpus", type=int, nargs="+", help="cores of the browsers and nginx")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    app_cpus = set(args.app_cpus) if args.app_cpus else None
    browser_cpus = set(args.browser_cpus) if args.browser_cpus else None
    if browser_cpus:
        os.sched_setaffinity(0, browser_cpus)  # Playwright's Chromium and nginx inherit it
    rows = [measure(processes, n, args.changes, app_cpus) for processes in args.processes for n in args.n]
    publish(report(rows, args.changes, app_cpus, browser_cpus), "load", write=not args.no_write)


if __name__ == "__main__":
    main()
