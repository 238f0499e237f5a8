"""Many buyers at once, without browsers: N simulated buyers drive real Streamlit sessions at the
protocol level (bench/st_protocol.py: one WebSocket per buyer to `/_stcore/stream`, the BackMsg /
ForwardMsg protobufs the frontend exchanges) against one app process, then two behind nginx
(deploy/nginx.conf, sticky by the `sourcing_route` cookie each buyer receives with the page).

Why: bench/load.py's Chromium buyers need more CPU than the app they load, so on a machine of few
cores it measures the browsers. A protocol buyer costs a few milliseconds of client CPU per step:
the figures here are the app's.

Each buyer, on the demo directory: opens the search page (GET, WebSocket, first run), changes a
filter `--changes` times (ticks then unticks « ESAT », the change bench/load.py makes), opens the
card of the first result (checks its row in the grid) and adds that supplier to a list (names a new
list when the panel asks for one, then the card's add button). Between steps it thinks, like a
buyer reading the page: a random pause of `--think MIN MAX` seconds (default 2 to 5, seeded per
buyer), and buyers arrive spread over the first pause; `--think 0` is a closed loop (each buyer sends
its next step as soon as the previous one ends: the worst case).

Timed, from sending the BackMsg: a filter change until the ForwardMsg delta carrying the updated
count « N fournisseur(s) trouvé(s) » (what bench/load.py waits for in Chromium: the count text
changing; the browser's rendering of that delta, a few milliseconds, is not included), and also
until `script_finished` (the whole page redrawn); the card until the delta of its « Source : »
line; the add until the confirmation « ajouté(s) à »; the page opening from the GET to the count.
Every count is checked against the core (`sourcing.search.search` on the demo directory for the
same filter): a wrong or missing count is an error, so the bench cannot silently measure nothing.

Not sent: what a component's JavaScript sends (the map returns only the popup of a clicked marker,
`ui/search_map.py`), the frontend's heartbeats, and the static files a browser fetches (scripts, the
map component's frame). App CPU: the app processes' CPU time during the timed run divided by the
BackMsgs sent (every rerun: opening, filter changes, card, naming the list, add).

    python bench/load_protocol.py                      # N = 1 5 10 20 40, one process then two
    python bench/load_protocol.py --more               # then doubles N while p95 ≤ 1 s
    python bench/load_protocol.py --think 0 --n 1 5 10 # closed loop
    python bench/load_protocol.py --app-cpus 0 --client-cpus 1 --processes 1
    python bench/load_protocol.py --no-write           # print only
    python bench/load_protocol.py --store /path/store-1000000 --processes 1   # a team directory's store

`--store PATH`: the buyers search a team directory store instead of the demo (e.g. one made by
bench/browser_scale.py's `make_store`, 100,000 or 1,000,000 CRESS-style suppliers). The store is read
where it is (the app saves its search index in the version folder, once); its database is copied into
the run's folder, so the lists the buyers make stay there. The expected counts come from the CLI
(`python -m sourcing search --json`) on the same store, and the section is written apart
(`load-protocol-<N>`), beside the demo's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import CARD_TEXT, COUNT_TEXT, app_processes, cpu_s, pct, rss_mb
from perfdoc import markers, publish
from st_protocol import ProtocolError, Session

PROJECT = Path(__file__).resolve().parents[1]
KIND = "ESAT"
KIND_KEY = f"t_{KIND}"
CHANGES = 4  # filter changes per buyer: tick, untick, tick, untick
ADDED_TEXT = "ajouté(s) à"  # in T.ADD_DONE, the add confirmation
STEPS = ("open", "filter", "filter_run", "card", "add")
THINK = (2.0, 5.0)
TARGET_S = 1.0  # the p95 a buyer should get from filter change to updated count
LOAD_LIMIT = 3.0  # wait for a 1-minute load below this before each measurement


def expected_counts(store: Path | None = None) -> dict[bool, int]:
    """The count the page must show with « ESAT » ticked (True) and with no filter (False), from the core
    (the CLI on a `store`)."""
    if store is not None:
        return {ticked: _cli_total(store, ["--kind", KIND] if ticked else []) for ticked in (False, True)}
    sys.path.insert(0, str(PROJECT))
    from sourcing.directory import load_demo
    from sourcing.search import SearchIndex, SearchQuery, search

    index = SearchIndex.build(load_demo())
    return {False: search(index, SearchQuery()).total, True: search(index, SearchQuery(kinds=(KIND,))).total}


def _cli_total(store: Path, filters: list[str]) -> int:
    env = {**os.environ, "SOURCING_DATA_DIR": str(store), "SOURCING_DB_PATH": str(store / "app.sqlite3")}
    done = subprocess.run([sys.executable, "-m", "sourcing", "search", *filters, "--limit", "1", "--json"],
                          cwd=PROJECT, env=env, capture_output=True, text=True, check=True)  # fmt: skip
    return int(json.loads(done.stdout)["total"])


def copy_store_database(store: Path | None, workdir: Path) -> None:
    """The store's database (its catalogue of sources) copied where `app_processes` opens it, so that the
    lists the buyers make stay in the run's folder; nothing for the demo."""
    if store is not None:
        shutil.copy(store / "app.sqlite3", workdir / "sourcing.db")


def directory_label(store: Path | None, expected: dict[bool, int]) -> str:
    """What the buyers search, for the report."""
    if store is None:
        return "the demo directory"
    return f"a team directory of {expected[False]:,} suppliers (store {store.name})"


def shown_count(text: str | None) -> int | None:
    """4995 from « 4 995 fournisseur(s) trouvé(s) » (narrow no-break spaces), None without a count."""
    if text is None or COUNT_TEXT not in text:
        return None
    return int(re.sub(r"\D", "", text.split(COUNT_TEXT)[0]) or -1)


class Buyer:
    """One simulated buyer: its session, its pauses (seeded) and where its figures go."""

    def __init__(self, url: str, number: int, think: tuple[float, float], seed: int, times, errors, expected):
        self.url, self.number, self.think = url, number, think
        self.rng = random.Random(seed * 1000 + number)
        self.times, self.errors, self.expected = times, errors, expected
        self.reruns = 0
        self.session: Session | None = None

    async def pause(self) -> None:
        if self.think[1] > 0:
            await asyncio.sleep(self.rng.uniform(*self.think))

    async def rerun(self, watch=(), triggers=None):
        self.reruns += 1
        return await self.session.rerun(watch, triggers)

    def check_count(self, run, ticked: bool) -> float:
        count = shown_count(run.text_with(COUNT_TEXT))
        if count != self.expected[ticked]:
            raise ProtocolError(f"count {count} shown, {self.expected[ticked]} expected (ESAT {ticked})")
        return run.seen_s[COUNT_TEXT]

    async def open(self) -> None:
        start = time.perf_counter()
        self.session = await Session.open(self.url)
        run = await self.rerun((COUNT_TEXT,))
        self.check_count(run, False)
        self.times["open"].append(time.perf_counter() - start - run.finished_s + run.seen_s[COUNT_TEXT])

    async def change_filter(self, ticked: bool) -> None:
        self.session.set_bool(KIND_KEY, ticked)
        run = await self.rerun((COUNT_TEXT,))
        self.times["filter"].append(self.check_count(run, ticked))
        self.times["filter_run"].append(run.finished_s)

    async def open_card(self) -> None:
        self.session.select_rows("results_table", [0])
        run = await self.rerun((CARD_TEXT,))
        if CARD_TEXT not in run.seen_s:
            raise ProtocolError("the card was not drawn")
        self.times["card"].append(run.seen_s[CARD_TEXT])

    async def add_to_list(self) -> None:
        if "add_new_name" in self.session.widgets:  # the first add names a new list (as bench/load.py)
            self.session.set_text("add_new_name", f"Charge {self.number} {os.getpid()}")
            await self.rerun()
        run = await self.rerun((ADDED_TEXT,), triggers=[self.session.click("add_one")])
        if ADDED_TEXT not in run.seen_s:
            raise ProtocolError("no confirmation of the add")
        self.times["add"].append(run.seen_s[ADDED_TEXT])

    async def visit(self, changes: int) -> None:
        try:
            if self.think[1] > 0:  # buyers arrive spread over one pause, not all at once
                await asyncio.sleep(self.rng.uniform(0, self.think[1]))
            await self.open()
            for change in range(changes):
                await self.pause()
                await self.change_filter(ticked=change % 2 == 0)
            await self.pause()
            await self.open_card()
            await self.pause()
            await self.add_to_list()
        except Exception as exc:  # an error is a figure of the run, not the end of the bench
            self.errors.append(f"{type(exc).__name__}: {exc}"[:200])
        finally:
            if self.session is not None:
                await self.session.close()


async def run_buyers(url: str, n: int, changes: int, think: tuple[float, float], seed: int, expected) -> dict:
    times: dict[str, list[float]] = {step: [] for step in STEPS}
    errors: list[str] = []
    buyers = [Buyer(url, i, think, seed, times, errors, expected) for i in range(n)]
    await asyncio.gather(*(b.visit(changes) for b in buyers))
    return {"times": times, "errors": errors, "reruns": sum(b.reruns for b in buyers)}


async def filter_cpu_ms(url: str, pid: int, expected, changes: int = 10) -> float:
    """App CPU (ms) of one filter change alone: one buyer ticking / unticking « ESAT » `changes` times
    in a row on a warm process; the capacity of a core in filter changes per second is 1000 / that."""
    buyer = Buyer(url, -1, (0.0, 0.0), 0, {step: [] for step in STEPS}, [], expected)
    await buyer.open()
    before = cpu_s(pid)
    for change in range(changes):
        await buyer.change_filter(ticked=change % 2 == 0)
    spent = cpu_s(pid) - before
    await buyer.session.close()
    return 1000 * spent / changes


def _wait_for_quiet(limit: float, patience_s: float = 300) -> float:
    """Wait (up to `patience_s`) for the machine's 1-minute load to fall below `limit`; return it."""
    deadline = time.monotonic() + patience_s
    while os.getloadavg()[0] >= limit and time.monotonic() < deadline:
        time.sleep(10)
    return os.getloadavg()[0]


def _nginx():
    from importlib.util import module_from_spec, spec_from_file_location

    spec = spec_from_file_location("nginx_proxy", PROJECT / "scripts" / "nginx_proxy.py")
    module = module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def measure(processes: int, n: int, args, expected) -> dict:
    think = tuple(args.think) if args.think[-1] > 0 else (0.0, 0.0)
    load = _wait_for_quiet(args.max_load, args.patience)
    with tempfile.TemporaryDirectory(prefix="sourcing-load-") as tmp:
        workdir = Path(tmp)
        copy_store_database(args.store, workdir)
        cpus = set(args.app_cpus) if args.app_cpus else None
        with app_processes(processes, workdir, cpus, data_dir=args.store) as (urls, pids):
            for url in urls:  # warm each process (first index and map builds), not timed
                warm = asyncio.run(run_buyers(url, 1, 2, (0.0, 0.0), args.seed, expected))
                if warm["errors"]:
                    raise SystemExit(f"warm-up of {url} failed: {warm['errors']}")
            change_ms = asyncio.run(filter_cpu_ms(urls[0], pids[0], expected))
            cpu_before, client_before = sum(cpu_s(pid) for pid in pids), time.process_time()
            start = time.perf_counter()
            if processes == 1:
                result = asyncio.run(run_buyers(urls[0], n, args.changes, think, args.seed, expected))
                spread = [n]
            else:
                nginx = _nginx()
                with nginx.nginx_proxy(urls, workdir / "nginx") as proxy:
                    result = asyncio.run(run_buyers(proxy, n, args.changes, think, args.seed, expected))
                    time.sleep(1)  # nginx logs a WebSocket when it closes
                    streams = [r for r in nginx.access_log(workdir / "nginx") if r["uri"] == "/_stcore/stream"]
                    per_upstream = Counter(r.get("upstream") for r in streams)
                    spread = [per_upstream.get(u.removeprefix("http://"), 0) for u in urls]
            wall = time.perf_counter() - start
            app_cpu = sum(cpu_s(pid) for pid in pids) - cpu_before
            client_cpu = time.process_time() - client_before
            memory = [rss_mb(pid) for pid in pids]
    times = result["times"]
    row = {"processes": processes, "n": n, "think": think, "load": load, "errors": result["errors"],
           "changes": len(times["filter"]), "rss": memory, "spread": spread, "wall_s": wall, "change_cpu_ms": change_ms,
           "cpu_per_rerun_ms": 1000 * app_cpu / max(1, result["reruns"]), "app_cpu_share": app_cpu / wall,
           "client_cpu_per_rerun_ms": 1000 * client_cpu / max(1, result["reruns"])}  # fmt: skip
    for step in STEPS:
        row[f"{step}_p50"], row[f"{step}_p95"] = pct(times[step], 0.5), pct(times[step], 0.95)
    print(_line(row), flush=True)
    return row


def _line(r: dict) -> str:
    rss = ", ".join(f"{m:.0f}" for m in r["rss"])
    spread = " + ".join(map(str, r["spread"]))
    return (f"| {r['processes']} | {r['n']} | {r['changes']} | {r['filter_p50']:.2f} | {r['filter_p95']:.2f} | "
            f"{r['filter_run_p50']:.2f} / {r['filter_run_p95']:.2f} | {r['open_p50']:.2f} / {r['open_p95']:.2f} | "
            f"{r['card_p50']:.2f} / {r['card_p95']:.2f} | {r['add_p50']:.2f} / {r['add_p95']:.2f} | "
            f"{len(r['errors'])} | {spread} | {rss} | {r['change_cpu_ms']:.0f} | {r['cpu_per_rerun_ms']:.0f} | "
            f"{100 * r['app_cpu_share']:.0f} % | {r['client_cpu_per_rerun_ms']:.1f} | {r['load']:.1f} |")  # fmt: skip


def served(rows: list[dict], processes: int) -> tuple[int, int | None]:
    """The largest N measured with p95 ≤ 1 s and no error, and the smallest N measured above it."""
    mine = sorted((r for r in rows if r["processes"] == processes), key=lambda r: r["n"])
    ok = [r["n"] for r in mine if not r["errors"] and r["filter_p95"] <= TARGET_S]
    best = max(ok, default=0)
    over = next((r["n"] for r in mine if r["n"] > best and (r["errors"] or r["filter_p95"] > TARGET_S)), None)
    return best, over


def section_name(store: Path | None, expected: dict[bool, int]) -> str:
    """The demo's section, or one per store, named by its supplier count (`load-protocol-999000`)."""
    return "load-protocol" if store is None else f"load-protocol-{expected[False]}"


def report(rows: list[dict], args, expected: dict[bool, int]) -> str:
    start, end = markers(section_name(args.store, expected))
    think = rows[0]["think"] if rows else (0.0, 0.0)
    pause = f"{think[0]:g}–{think[1]:g} s between steps, seeded" if think[1] else "no pause between steps, closed loop"
    cores = ", ".join(map(str, args.app_cpus)) if args.app_cpus else "any core"
    client = ", ".join(map(str, args.client_cpus)) if args.client_cpus else "any core"
    loads = [r["load"] for r in rows]
    size = "" if args.store is None else f", {expected[False]:,} suppliers"
    lines = [start, f"## Many buyers at once, at the protocol level{size} (bench/load_protocol.py)", "",
             f"Simulated buyers driving real Streamlit sessions over the WebSocket (no browser), each opening the "
             f"search page on {directory_label(args.store, expected)}, changing a filter {args.changes} "
             "times (ticks / unticks « ESAT »), "
             f"opening the first result's card and adding it to a list, with {pause}. Filter time: from the "
             "BackMsg to the delta carrying the updated count (the count checked against the core); run end: to "
             f"`script_finished`. App processes on {cores}, the client (one Python process) on {client}; machine: "
             f"{os.cpu_count()} cores shared with other work, 1-minute load {min(loads, default=0):.1f}–"
             f"{max(loads, default=0):.1f} when each row started. App CPU per filter change alone: one buyer's "
             "10 changes in a row on the warm first process, before the run (1000 / it = filter changes per "
             "second one core can serve); app CPU per rerun: the app processes' CPU time during the run over "
             "the BackMsgs sent (opening, changes, card, naming a list, add); app CPU share: that time over the "
             "run's wall time (100 % = one core busy).", "",
             "| processes | buyers | filter changes | filter p50 (s) | filter p95 (s) | run end p50 / p95 (s) "
             "| open p50 / p95 (s) | card p50 / p95 (s) | add p50 / p95 (s) | errors | buyers per process "
             "| RSS per process (MB) | app CPU per filter change alone (ms) | app CPU per rerun (ms) "
             "| app CPU share | client CPU per rerun (ms) | 1-min load |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    lines += [_line(r) for r in rows]
    errors = Counter(e for r in rows for e in r["errors"])
    if errors:
        lines += ["", "Errors: " + "; ".join(f"{e} (×{k})" for e, k in errors.most_common(5)) + "."]
    answers = []
    for processes, name in ((1, "one process"), (2, "two processes behind nginx")):
        if any(r["processes"] == processes for r in rows):
            best, over = served(rows, processes)
            beyond = f" (not at {over})" if over else " (the largest N measured)"
            answers.append(f"{name}: up to {best} buyers{beyond}")
    lines += ["", f"**Buyers served with p95 ≤ {TARGET_S:g} s from filter change to updated count** ({pause}): "
              + "; ".join(answers) + ".", end]  # fmt: skip
    return "\n".join(lines)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, nargs="+", default=[1, 5, 10, 20, 40])
    parser.add_argument("--more", action="store_true", help="after the last N, double it while p95 ≤ 1 s")
    parser.add_argument("--changes", type=int, default=CHANGES, help="filter changes per buyer")
    parser.add_argument(
        "--think", type=float, nargs="+", default=list(THINK), help="MIN MAX pause (s), or one value; 0: none"
    )
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2], choices=[1, 2])
    parser.add_argument("--app-cpus", type=int, nargs="+", help="cores of the app processes")
    parser.add_argument("--client-cpus", type=int, nargs="+", help="cores of this client and nginx")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--max-load", type=float, default=LOAD_LIMIT, help="wait for a lower 1-minute load first")
    parser.add_argument("--patience", type=float, default=300, help="seconds to wait for that load at most")
    parser.add_argument("--max-n", type=int, default=320, help="where --more stops")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--store", type=Path, help="search this team directory store instead of the demo")
    args = parser.parse_args(argv)
    if len(args.think) == 1:  # one value: that pause every time (0: a closed loop)
        args.think = [args.think[0], args.think[0]]
    return args


def main() -> None:
    args = parse_args()
    if args.client_cpus:
        os.sched_setaffinity(0, set(args.client_cpus))  # nginx inherits it
    expected = expected_counts(args.store)
    rows = []
    for processes in args.processes:
        for n in args.n:
            rows.append(measure(processes, n, args, expected))
        n = args.n[-1]
        while args.more and n < args.max_n and not rows[-1]["errors"] and rows[-1]["filter_p95"] <= TARGET_S:
            n *= 2
            rows.append(measure(processes, n, args, expected))
    publish(report(rows, args, expected), section_name(args.store, expected), write=not args.no_write)


if __name__ == "__main__":
    main()
