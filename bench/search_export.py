"""Benchmark: the file of every result of a search (the search page's « CSV » and « Excel » buttons) on a
national directory, the whole results table at once (before) against `export_search` (by parts, only the
columns the file shows), side by side in one run.

Each figure is one fresh process (peak memory is the process's, VmHWM), the two codes interleaved, the
median of `--runs`; the process first loads the saved index, as the app holds it. Searches: every supplier,
and a kind filter that finds about a tenth of them.

Usage: .venv/bin/python bench/search_export.py [--store PATH | --rows N] [--runs 3] [--xlsx] [--no-write]
  --store: a team directory store (SOURCING_DATA_DIR) to reuse; else one of --rows suppliers is generated.
Writes its section of docs/performance.md, between the bench:search-export markers.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from perfdoc import markers, publish

PROJECT = Path(__file__).resolve().parents[1]
NAME = "search-export"
SEARCHES = {"every supplier": {}, "kind EI": {"kinds": ["EI"]}}
CODES = ("whole table", "by parts")

_CHILD = """
import json, resource, sys, time
from dataclasses import replace
from sourcing.search import SearchQuery, search, stored
code, fmt, query = sys.argv[1], sys.argv[2], SearchQuery(**{k: tuple(v) for k, v in json.loads(sys.argv[3]).items()})
index = stored.index_of(None, None)
start = time.perf_counter()
if code == "whole table":
    from sourcing.exports import export_suppliers
    data = export_suppliers(search(index, replace(query, limit=None)).results, fmt)
else:
    from sourcing.exports.search_results import export_search
    data = export_search(index, query, fmt)
seconds = time.perf_counter() - start
peak = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak, "mb": len(data) / 2**20, "results": search(index, query).total}))
"""


def _one(store: Path, code: str, fmt: str, query: dict) -> dict:
    env = {**os.environ, "SOURCING_DATA_DIR": str(store), "SOURCING_DB_PATH": str(store / "app.sqlite3")}
    done = subprocess.run([sys.executable, "-c", _CHILD, code, fmt, json.dumps(query)], cwd=PROJECT, env=env,
                          capture_output=True, text=True, check=False)  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"{code} {fmt} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(store: Path, runs: int, formats: list[str]) -> list[dict]:
    rows = []
    for search_name, query in SEARCHES.items():
        for fmt in formats:
            got: dict[str, list[dict]] = {code: [] for code in CODES}
            for i in range(runs):
                for code in CODES if i % 2 == 0 else reversed(CODES):
                    got[code].append(_one(store, code, fmt, query))
                    print(search_name, fmt, code, got[code][-1], flush=True)
            for code in CODES:
                rows.append({"search": search_name, "format": fmt, "code": code, "results": got[code][0]["results"],
                             "seconds": statistics.median(r["seconds"] for r in got[code]),
                             "peak_mb": statistics.median(r["peak_mb"] for r in got[code]),
                             "mb": got[code][0]["mb"]})  # fmt: skip
    return rows


def section(rows: list[dict], runs: int, load: tuple[float, float]) -> str:
    start, end = markers(NAME)
    lines = [start, "## A file of every result of a national search (`bench/search_export.py`)", "",
             f"Measured on {len(os.sched_getaffinity(0))} CPU, load average {load[0]:.2f} before, {load[1]:.2f} "
             f"after; median of {runs} fresh processes per figure, the two codes interleaved. Seconds from the "
             "loaded index to the file's bytes; peak = the process's VmHWM (its index, mapped pages included).",
             "", "| search | results | file | code | seconds | peak (MB) | file (MB) |",
             "| :--- | ---: | :--- | :--- | ---: | ---: | ---: |"]  # fmt: skip
    for row in rows:
        lines.append(f"| {row['search']} | {row['results']:,} | {row['format'].upper()} | {row['code']} | "
                     f"{row['seconds']:.1f} | {row['peak_mb']:,.0f} | {row['mb']:.0f} |")  # fmt: skip
    for i in range(0, len(rows), 2):
        before, after = rows[i], rows[i + 1]
        time_ratio, peak_ratio = after["seconds"] / before["seconds"], after["peak_mb"] / before["peak_mb"]
        lines.append(f"| {before['search']} | | {before['format'].upper()} | ratio by parts / whole table | "
                     f"×{time_ratio:.2f} | ×{peak_ratio:.2f} | |")  # fmt: skip
    return "\n".join([*lines, end])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="a team directory store to reuse")
    parser.add_argument("--rows", type=int, default=1_000_000, help="suppliers of the generated store")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--xlsx", action="store_true", help="also the Excel file (minutes at 1,000,000)")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-search-export-") as tmp:
        store = args.store
        if store is None:
            from browser_scale import make_store

            store = make_store(Path(tmp), args.rows)
        rows = measure(store, args.runs, ["csv", "xlsx"] if args.xlsx else ["csv"])
    publish(section(rows, args.runs, (load_before, os.getloadavg()[0])), NAME, write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
