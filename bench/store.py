"""Benchmark of the team's directory store: adding a source, rebuilding, picking up a version.

    python bench/store.py [--rows 100000] [--no-write]

Side by side in one run, on a throwaway data folder and SQLite file:
- the plain import of a file (what a source costs before any merge), as the reference;
- adding a first source of N rows to an empty store;
- adding a second source of N rows (half of them the same SIRETs with other values, half new)
  to a store of N suppliers: import + merge + publish, with the breakdown;
- what a running app does at its next rerun after another process published a version:
  reading CURRENT (every rerun) and loading the new version (once per version).
Figures go to docs/performance.md (section "store"), medians of --runs runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from perfdoc import markers, write_section  # noqa: E402


def _inputs(folder: Path, rows: int) -> tuple[Path, Path]:
    """Source A: N generated suppliers. Source B: the second half of A under other names and
    phones (the same SIRETs: they merge and disagree) and N/2 new suppliers."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_demo", PROJECT_DIR / "data" / "make_demo.py")
    make_demo = importlib.util.module_from_spec(spec)
    sys.modules["make_demo"] = make_demo
    spec.loader.exec_module(make_demo)
    first = make_demo.generate(rows, seed=11)
    fresh = make_demo.generate(rows, seed=12).head(rows // 2)
    overlap = first.tail(rows - rows // 2).copy()
    overlap["name"] = overlap["name"].astype(str) + " (nouveau nom)"
    import pandas as pd

    second = pd.concat([overlap, fresh], ignore_index=True)
    a, b = folder / "source-a-2026-01.csv", folder / "source-b-2026-06.csv"
    a.write_bytes(make_demo.to_csv_bytes(first))
    b.write_bytes(make_demo.to_csv_bytes(second))
    return a, b


def _timed_add(service, path: Path, label: str) -> tuple[float, dict[str, float]]:
    marks: list[tuple[float, str]] = []
    start = time.perf_counter()
    service.add_source(path.read_bytes(), path.name, label=label,
                       progress=lambda f, m: marks.append((time.perf_counter() - start, m)))  # fmt: skip
    total = time.perf_counter() - start
    steps: dict[str, float] = {}
    merge_start = next((t for t, m in marks if m.startswith("Fusion avec")), total)
    write_start = next((t for t, m in marks if m.startswith("Écriture")), total)
    steps["import"] = merge_start
    steps["read sources + merge"] = write_start - merge_start
    steps["publish + catalogue"] = total - write_start
    return total, steps


def one_run(rows: int, folder: Path) -> dict:
    os.environ["SOURCING_DATA_DIR"] = str(folder / "data")
    os.environ["SOURCING_DB_PATH"] = str(folder / "store.db")
    from sourcing.db import dispose_engines, upgrade_database
    from sourcing.importer import import_path
    from sourcing.store import service

    dispose_engines()
    upgrade_database()
    a, b = _inputs(folder, rows)
    start = time.perf_counter()
    import_path(b)
    plain_import = time.perf_counter() - start
    first, _ = _timed_add(service, a, "A")
    second, steps = _timed_add(service, b, "B")
    version = service.current_version()
    start = time.perf_counter()
    for _ in range(1000):
        service.current_number()
    rerun_check_ms = time.perf_counter() - start  # 1000 calls -> ms per call
    start = time.perf_counter()
    service.read_version(version.number)
    load_version = time.perf_counter() - start
    return {"plain_import_s": plain_import, "first_add_s": first, "second_add_s": second, "steps": steps,
            "rerun_check_ms": rerun_check_ms, "load_version_s": load_version,
            "suppliers_out": version.suppliers_out, "merged": version.merged}  # fmt: skip


def report(rows: int, runs: list[dict]) -> str:
    med = lambda key: statistics.median(r[key] for r in runs)  # noqa: E731
    steps = {k: statistics.median(r["steps"][k] for r in runs) for k in runs[0]["steps"]}
    start, end = markers("store")
    lines = [
        start,
        "## Directory store: adding a source, picking up a version",
        "",
        f"`python bench/store.py --rows {rows}`; median of {len(runs)} run(s), each in a fresh folder and SQLite "
        "file; generated CRESS-style files (data/make_demo.py). Source B holds half of A's SIRETs under other "
        "names (they merge, and disagree) and as many new suppliers.",
        "",
        "| what | seconds | vs plain import |",
        "|---|---:|---:|",
        f"| plain import of B ({rows:,} rows), the reference | {med('plain_import_s'):.2f} | ×1.0 |",
        f"| add A ({rows:,} rows) to an empty store | {med('first_add_s'):.2f} | "
        f"×{med('first_add_s') / med('plain_import_s'):.1f} |",
        f"| add B ({rows:,} rows) to a store of {rows:,} suppliers | {med('second_add_s'):.2f} | "
        f"×{med('second_add_s') / med('plain_import_s'):.1f} |",
    ]
    lines += [f"| ↳ {k} | {v:.2f} | |" for k, v in steps.items()]
    lines += [
        f"| a running app at each rerun: read CURRENT | {med('rerun_check_ms'):.3f} ms | |",
        f"| a running app after a new version: load it ({runs[0]['suppliers_out']:,} suppliers) | "
        f"{med('load_version_s'):.2f} | |",
        "",
        f"Result: {runs[0]['suppliers_out']:,} suppliers, {runs[0]['merged']:,} merged. A running app checks the "
        "current version at every rerun (one small file read) and loads a new version once, at the first rerun "
        "after it is published: that load is the time a buyer waits to see another buyer's source.",
        end,
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    runs = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            runs.append(one_run(args.rows, Path(tmp)))
    text = report(args.rows, runs)
    print(text)
    if not args.no_write:
        write_section(text, "store")


if __name__ == "__main__":
    main()
