"""Many buyers at once: N simulated buyers (headless Chromium pages, Debian's chromium, driven by
Playwright) against one app process, then against two behind nginx (deploy/nginx.conf).

Each process is first warmed by one buyer (not timed). Each buyer opens the search page (the demo
directory), then changes a filter twice (ticks then
unticks a kind of structure) and we time each change from the click to the updated count. Figures:
p50 / p95 of that time, errors, memory (RSS) per app process after the run.

    python bench/load.py                 # N = 1, 5, 10 (add --n 1 5 10 20 for more)
    python bench/load.py --no-write      # print only
Not driven yet: opening a card and adding to a list (see docs/performance.md).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import socket
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
COUNT_TEXT = "fournisseur(s) trouvé(s)"
FILTER = "ESAT"
CHANGES = 2


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def app_processes(n: int, workdir: Path):
    """`n` streamlit processes on one SQLite file and one data folder; yields (urls, pids)."""
    env = {**os.environ, "SOURCING_DB_PATH": str(workdir / "sourcing.db"), "SOURCING_DATA_DIR": str(workdir / "data"),
           "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}  # fmt: skip
    procs, urls = [], []
    for _ in range(n):
        port = _free_port()
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.headless",
             "true", "--server.address", "127.0.0.1"], cwd=PROJECT, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
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


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def one_buyer(browser, url: str, times: list[float], errors: list[str]) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    page = await context.new_page()
    page.set_default_timeout(120_000)
    try:
        await page.goto(url)
        headline = page.locator('[data-testid="stMain"]').get_by_text(COUNT_TEXT).first
        await headline.wait_for()
        box = page.locator('[data-testid="stSidebar"]').get_by_text(FILTER, exact=True).first
        for _ in range(CHANGES):
            before = await headline.inner_text()
            start = time.perf_counter()
            await box.click()
            await page.wait_for_function(
                "([text, old]) => [...document.querySelectorAll('[data-testid=stMain] *')].some("
                "e => e.childElementCount === 0 && e.textContent.includes(text) && e.textContent !== old)",
                arg=[COUNT_TEXT, before],
            )
            times.append(time.perf_counter() - start)
    except Exception as exc:
        errors.append(type(exc).__name__)
    finally:
        await context.close()


async def run_buyers(url: str, n: int) -> tuple[list[float], list[str]]:
    from playwright.async_api import async_playwright

    times: list[float] = []
    errors: list[str] = []
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium, headless=True,
                                          args=["--no-sandbox", "--disable-gpu", "--disable-quic"])  # fmt: skip
        await asyncio.gather(*(one_buyer(browser, url, times, errors) for _ in range(n)))
        await browser.close()
    return times, errors


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(processes: int, n: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="sourcing-load-") as tmp:
        workdir = Path(tmp)
        with app_processes(processes, workdir) as (urls, pids):
            for url in urls:  # warm each process (first index and map builds), not timed
                asyncio.run(run_buyers(url, 1))
            if processes == 1:
                times, errors = asyncio.run(run_buyers(urls[0], n))
            else:
                from importlib.util import module_from_spec, spec_from_file_location

                spec = spec_from_file_location("nginx_proxy", PROJECT / "scripts" / "nginx_proxy.py")
                nginx = module_from_spec(spec)
                spec.loader.exec_module(nginx)
                with nginx.nginx_proxy(urls, workdir / "nginx") as proxy:
                    times, errors = asyncio.run(run_buyers(proxy, n))
            memory = [rss_mb(pid) for pid in pids]
    return {"processes": processes, "n": n, "p50": pct(times, 0.5), "p95": pct(times, 0.95),
            "changes": len(times), "errors": len(errors), "rss": memory}  # fmt: skip


def report(rows: list[dict]) -> str:
    start, end = markers("load")
    lines = [start, "## Many buyers at once (bench/load.py)", "",
             f"Headless Chromium buyers, each opening the search page on the demo directory then changing a filter "
             f"{CHANGES} times; time from the click to the updated count. Machine: {os.cpu_count()} cores, shared "
             "with other work (figures are noisy; compare rows of one run).", "",
             "| processes | buyers | filter changes | p50 (s) | p95 (s) | errors | RSS per process (MB) |",
             "|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in rows:
        rss = ", ".join(f"{m:.0f}" for m in r["rss"])
        lines.append(f"| {r['processes']} | {r['n']} | {r['changes']} | {r['p50']:.2f} | {r['p95']:.2f} | "
                     f"{r['errors']} | {rss} |")  # fmt: skip
    one = [r for r in rows if r["processes"] == 1 and r["errors"] == 0 and r["p95"] <= 1.0]
    two = [r for r in rows if r["processes"] == 2 and r["errors"] == 0 and r["p95"] <= 1.0]
    best_one, best_two = max((r["n"] for r in one), default=0), max((r["n"] for r in two), default=0)
    lines += ["", f"Buyers served by one process with p95 ≤ 1 s (largest N measured): {best_one}; "
              f"by two processes behind nginx: {best_two}.",
              "Not driven yet: opening a card and adding to a list under load.", end]  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, nargs="+", default=[1, 5, 10])
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    rows = [measure(processes, n) for processes in (1, 2) for n in args.n]
    publish(report(rows), "load", write=not args.no_write)


if __name__ == "__main__":
    main()
