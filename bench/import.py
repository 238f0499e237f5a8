"""Benchmark: importing a 100,000-row CRESS-style directory with `sourcing.importer.import_path`.

The file comes from the demo generator (`data/make_demo.py`, another seed) made harder than the
demo: half the rows have no coordinates, so the gazetteer must locate them, from the INSEE code
(a third of those), from postal code + city (a third), or from postal code + a La Poste-style
city name ("ST ETIENNE DU ROUVRAY": upper case, no accents, SAINT abbreviated; the last third).
It is written to a temporary directory, never committed.

Each run is a fresh subprocess (nothing cached: the gazetteer and taxonomy load inside the
timed import, as on a first upload); the figure is the median of 3 runs, memory is the
subprocess's peak RSS (`resource.getrusage(...).ru_maxrss`). Simple timers wrapped around the
importer's steps give a breakdown; a second import in the same process gives the warm time
(reference data already loaded, as in a running app).

Usage: .venv/bin/python bench/import.py [--rows 100000] [--runs 3] [--seed 4242] [--no-write] [--profile]
  --profile: also run cProfile in a fresh subprocess and print the hotspots (always done when the
  median is over the target).
Writes its section of docs/performance.md, between the bench:import markers, leaving the rest untouched.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import json
import os
import platform
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from importlib.metadata import version
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from perfdoc import markers, publish

if TYPE_CHECKING:
    import pandas as pd

# numpy and pandas are imported inside the functions that need them: the parent process stays small,
# so that the measured subprocesses (forked from it) do not inherit its memory in their ru_maxrss.

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))

START, END = markers("import")
TARGET_S = 3.0
RUNS = 3
ROWS = 100_000
SEED = 4242

# --- The input file -------------------------------------------------------------------------------


def _load_generator() -> ModuleType:
    """data/make_demo.py is a script, not a package module: imported from its own folder."""
    sys.path.append(str(PROJECT_DIR / "data"))
    return importlib.import_module("make_demo")


def la_poste_names(cities: pd.Series) -> pd.Series:
    """City names as La Poste prints them: upper-case ASCII, hyphens as spaces, SAINT(E) -> ST(E)."""
    out = (
        cities.str.replace("œ", "oe")
        .str.replace("Œ", "OE")
        .str.replace("æ", "ae")
        .str.normalize("NFKD")
        .str.encode("ascii", errors="ignore")
        .str.decode("ascii")
        .str.upper()
        .str.replace(r"[-']", " ", regex=True)
        .str.replace(r"\bSAINTE\b", "STE", regex=True)
        .str.replace(r"\bSAINT\b", "ST", regex=True)
    )
    return out


def harden(frame: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, dict[str, int]]:
    """Blank the coordinates of half the rows; of those, a third keep the INSEE code, a third have
    postal code + city only, a third postal code + La Poste-style city. Returns (frame, counts)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    out = frame.copy()
    n = len(out)
    order = rng.permutation(n)
    half = order[: n // 2]
    third = len(half) // 3
    by_insee, by_city, by_poste = half[:third], half[third : 2 * third], half[2 * third :]
    out.loc[half, ["lat", "lon"]] = ""
    out.loc[np.concatenate([by_city, by_poste]), "insee_code"] = ""
    out.loc[by_poste, "city"] = la_poste_names(out.loc[by_poste, "city"].astype(str)).to_numpy()
    counts = {"coordinates": n - len(half), "insee": len(by_insee), "city": len(by_city), "la_poste": len(by_poste)}
    return out, counts


def write_input(path: Path, rows: int, seed: int) -> dict[str, int]:
    make_demo = _load_generator()
    frame, counts = harden(make_demo.generate(rows, seed=seed), seed)
    path.write_bytes(make_demo.to_csv_bytes(frame))
    return counts


def make_input(path: Path, rows: int, seed: int) -> dict[str, int]:
    """`write_input` in a subprocess, so that the generator's memory never lands in this process."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--make-input", str(path), "--rows", str(rows),
           "--seed", str(seed)]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=PROJECT_DIR)
    if done.returncode != 0:
        raise RuntimeError(f"input generation failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- One measured run (in a fresh subprocess) -------------------------------------------------------


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def child(path: str, profile_out: str | None = None) -> dict:
    """Import `path` twice (cold, then warm) with timers around the importer's steps."""
    t_import = time.perf_counter()
    from sourcing import formats, importer, taxonomy
    from sourcing import gazetteer as gz

    modules_s = time.perf_counter() - t_import
    timers: dict[str, float] = {}

    def timed(name: str, fn: Callable) -> Callable:
        def wrapper(*args, **kwargs):
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                timers[name] = timers.get(name, 0.0) + time.perf_counter() - t

        return wrapper

    # Wrap where the importer looks the functions up, so that the import itself is unchanged.
    importer.read_path = timed("read", importer.read_path)
    importer._choose = timed("detect", importer._choose)
    for module in formats.FORMATS:
        module.to_staging = timed("staging", module.to_staging)
    importer.normalise_apart = timed("normalise", importer.normalise_apart)
    gz.Gazetteer.geocode = timed("geocode", gz.Gazetteer.geocode)
    gz.Gazetteer.__init__ = timed("gazetteer_load", gz.Gazetteer.__init__)
    load_taxonomy = taxonomy.load_taxonomy
    taxonomy.load_taxonomy = timed("taxonomy_load", load_taxonomy)

    baseline_mb = _maxrss_mb()
    profiler = cProfile.Profile() if profile_out else None
    t = time.perf_counter()
    if profiler:
        profiler.enable()
    result = importer.import_path(path)
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile_out)
    cold_s = time.perf_counter() - t
    peak_mb = _maxrss_mb()
    cold = dict(timers)
    # The taxonomy loader is cached: after the first call the wrapper only times a cache hit.
    cold["taxonomy_load"] = cold.get("taxonomy_load", 0.0)

    timers.clear()
    del result
    t = time.perf_counter()
    result = importer.import_path(path)
    warm_s = time.perf_counter() - t
    report = result.report
    return {
        "modules_s": modules_s,
        "cold_s": cold_s,
        "warm_s": warm_s,
        "cold": cold,
        "warm": dict(timers),
        "baseline_mb": baseline_mb,
        "peak_mb": peak_mb,
        "peak_after_warm_mb": _maxrss_mb(),
        "format": report.format,
        "rows_read": report.rows_read,
        "rows_loaded": report.rows_loaded,
        "suppliers": report.suppliers,
        "warnings": len(report.warnings),
        "geocoded": report.geocoded,
    }


def run_child(path: Path, profile_out: Path | None = None) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(path)]
    if profile_out:
        cmd += ["--profile-out", str(profile_out)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=PROJECT_DIR)
    if done.returncode != 0:
        raise RuntimeError(f"benchmark subprocess failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- Report --------------------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "nproc": str(cpus),
        "cpu": model,
        "python": platform.python_version(),
        "pandas": version("pandas"),
        "numpy": version("numpy"),
    }


def _median(runs: list[dict], key: str, step: str | None = None) -> float:
    if step is None:
        return statistics.median(r[key] for r in runs)
    return statistics.median(r[key].get(step, 0.0) for r in runs)


def summarise(runs: list[dict]) -> dict:
    cold = {s: _median(runs, "cold", s) for s in runs[0]["cold"]}
    warm = {s: _median(runs, "warm", s) for s in runs[0]["warm"]}
    return {
        "cold_s": _median(runs, "cold_s"),
        "warm_s": _median(runs, "warm_s"),
        "cold_runs": [r["cold_s"] for r in runs],
        "cold": cold,
        "warm": warm,
        "modules_s": _median(runs, "modules_s"),
        "peak_mb": max(r["peak_mb"] for r in runs),
        "baseline_mb": statistics.median(r["baseline_mb"] for r in runs),
    }


def _breakdown_rows(steps: dict[str, float], total: float) -> list[tuple[str, float]]:
    """Exclusive times: normalise without geocode and reference-data loading, geocode without its load."""
    loads = steps.get("gazetteer_load", 0.0) + steps.get("taxonomy_load", 0.0)
    normalise_own = steps.get("normalise", 0.0) - steps.get("geocode", 0.0) - loads
    rows = [
        ("read (decode, sniff, parse CSV)", steps.get("read", 0.0)),
        ("detect format", steps.get("detect", 0.0)),
        ("staging (`to_staging`)", steps.get("staging", 0.0)),
        ("reference data load (gazetteer + taxonomy)", loads),
        ("geocode (`Gazetteer.geocode`)", steps.get("geocode", 0.0)),
        ("normalise, other rules", normalise_own),
    ]
    accounted = sum(t for _, t in rows)
    rows.append(("other (importer glue)", max(total - accounted, 0.0)))
    return rows


def section(summary: dict, info: dict, counts: dict[str, int], first: dict, rows: int) -> str:
    status = "**met**" if summary["cold_s"] < TARGET_S else "**not met**"
    warm_status = "met" if summary["warm_s"] < TARGET_S else "not met"
    runs = ", ".join(f"{t:.2f}" for t in summary["cold_runs"])
    lines = [
        START,
        f"## Import: {rows:,}-row CRESS-style CSV (`bench/import.py`)",
        "",
        f"Measured {date.today().isoformat()} on {info['nproc']} CPU ({info['cpu']}), Python {info['python']}, "
        f"pandas {info['pandas']}, numpy {info['numpy']}. Each run is a fresh subprocess timing "
        "`import_path` (read + detect + staging + normalise + geocode), reference data loaded inside the "
        f"timed call; figure = median of {len(summary['cold_runs'])} runs ({runs} s). Warm = a second import in "
        "the same process (gazetteer and taxonomy already loaded, as in a running app).",
        "",
        f"Input: {rows:,} rows generated by `data/make_demo.py` (another seed, temporary file), made harder "
        f"than the demo: {counts['coordinates']:,} rows with coordinates, {counts['insee']:,} without "
        f"coordinates but with an INSEE code, {counts['city']:,} with postal code + city only, "
        f'{counts["la_poste"]:,} with postal code + La Poste-style city ("ST ETIENNE DU ROUVRAY"). '
        f"Result: format `{first['format']}`, {first['rows_loaded']:,} rows loaded of {first['rows_read']:,}, "
        f"{first['suppliers']:,} suppliers, precision "
        + ", ".join(f"{k} {v:,}" for k, v in first["geocoded"].items() if v)
        + ".",
        "",
        "| step | cold (s) | warm (s) |",
        "| :--- | ---: | ---: |",
    ]
    warm_rows = dict(_breakdown_rows(summary["warm"], summary["warm_s"]))
    for label, t in _breakdown_rows(summary["cold"], summary["cold_s"]):
        lines.append(f"| {label} | {t:.2f} | {warm_rows.get(label, 0.0):.2f} |")
    lines += [
        f"| **total `import_path`** | **{summary['cold_s']:.2f}** | **{summary['warm_s']:.2f}** |",
        "",
        f"Peak memory (ru_maxrss of the subprocess): {summary['peak_mb']:.0f} MB, of which "
        f"{summary['baseline_mb']:.0f} MB before the import (Python, pandas and our modules; importing "
        f"pandas and `sourcing` takes {summary['modules_s']:.2f} s, not counted above).",
        "",
        f"Target: {rows:,} rows in < {TARGET_S:.0f} s: {status} cold ({summary['cold_s']:.2f} s), {warm_status} "
        f"warm ({summary['warm_s']:.2f} s).",
        END,
    ]
    return "\n".join(lines)


def hotspots(profile: Path, limit: int = 20) -> str:
    """The profile's top functions by own time and by cumulative time, with file:line."""
    out: list[str] = []
    stats = pstats.Stats(str(profile))
    for key in ("tottime", "cumulative"):
        out.append(f"--- top {limit} by {key} ---")
        entries = sorted(stats.stats.items(), key=lambda kv: kv[1][2 if key == "tottime" else 3], reverse=True)
        for (file, line, func), (_cc, ncalls, tottime, cumtime, _callers) in entries[:limit]:
            where = file.replace(str(PROJECT_DIR) + "/", "")
            out.append(f"{tottime:8.3f} {cumtime:8.3f} {ncalls:>9}  {where}:{line}({func})")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--no-write", action="store_true", help="print only, leave docs/performance.md")
    parser.add_argument("--profile", action="store_true", help="print cProfile hotspots even under the target")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--profile-out", help=argparse.SUPPRESS)
    parser.add_argument("--make-input", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.make_input:
        print(json.dumps(write_input(Path(args.make_input), args.rows, args.seed)))
        return 0
    if args.child:
        print(json.dumps(child(args.child, args.profile_out)))
        return 0

    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        path = Path(tmp) / "annuaire-bench.csv"
        t = time.perf_counter()
        counts = make_input(path, args.rows, args.seed)
        size_mb = path.stat().st_size / 1e6
        print(f"input: {args.rows:,} rows, {size_mb:.1f} MB, generated in {time.perf_counter() - t:.1f} s", flush=True)
        runs = []
        for i in range(args.runs):
            r = run_child(path)
            runs.append(r)
            print(f"run {i + 1}: cold {r['cold_s']:.2f} s, warm {r['warm_s']:.2f} s, peak {r['peak_mb']:.0f} MB "
                  f"{json.dumps({k: round(v, 3) for k, v in r['cold'].items()})}", flush=True)  # fmt: skip
        summary = summarise(runs)
        publish(section(summary, machine(), counts, runs[0], args.rows), "import", write=not args.no_write)
        if args.profile or summary["cold_s"] >= TARGET_S:
            prof = Path(tmp) / "import.prof"
            run_child(path, prof)
            print(hotspots(prof))
    return 0


if __name__ == "__main__":
    sys.exit(main())
