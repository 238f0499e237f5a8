"""Benchmark at national scale: import, cold search, typical queries, map, and PostGIS side by side.

One run does, on a directory of N generated rows (`data/make_demo.py` via `bench/import.py`, half
the rows to locate by the gazetteer):
  1. import: `import_path` in a fresh subprocess (time, peak RSS), median of ``--runs``;
  2. publishes the result as the team's directory (a store version in a temporary SOURCING_DATA_DIR):
     `publish_version` writes the version and builds its search index (time of each);
  3. cold search: `python -m sourcing search --near Lyon --radius-km 30 --json` as a new process,
     ``--runs`` times on the index published with the version (after a first one that also compiles
     the bytecode, as an install does), wall and CPU time of the whole process and the command's own
     `timing_ms` (load, query); then once on a version published without index (the first search
     builds and saves it: the fallback for versions published before the index went with them);
  4. typical queries in one process on the saved index (median of 20 runs each), the map's HTML
     for 1,000 / 5,000 / 20,000 results (`ui.map.builder.map_html`), and that process's memory;
  5. the same radius searches in PostgreSQL + PostGIS (a throwaway server on loopback,
     `scripts/pg_test_server.py`; geography points, GiST index, `ST_DWithin` on the sphere),
     first page of 50 by distance with the total, median of 20 runs each.

Usage: .venv/bin/python bench/national.py [--rows 100000] [--runs 3] [--import-runs R] [--json] [--no-postgis]
                                          [--no-write] [--input CSV] [--from-json RESULT.json]
  --input CSV: a CSV made earlier by `bench/import.py`'s make_input (its rows are counted), instead of
  generating one (a 1,000,000-row input takes minutes).
(also `python -m sourcing bench --rows N --json`, `make bench`). Prints one JSON object with --json;
otherwise writes its section of docs/performance.md (bench:national markers).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
BENCH_DIR = Path(__file__).resolve().parent
for _p in (str(PROJECT_DIR), str(BENCH_DIR), str(PROJECT_DIR / "scripts")):
    if _p not in sys.path:
        sys.path.insert(0, _p)

from perfdoc import markers, median_ms, publish  # noqa: E402

START, END = markers("national")
SEED = 1515
QUERY_RUNS = 20
MAP_SIZES = (1_000, 5_000, 20_000)
# Radius searches run on both sides: (name, (lat, lon), km).
RADIUS = (
    ("Lyon 30 km", (45.764, 4.8357), 30.0),
    ("Paris 10 km", (48.8566, 2.3522), 10.0),
    ("Rennes 50 km", (48.1173, -1.6778), 50.0),
    ("Clermont-Ferrand 100 km", (45.7772, 3.087), 100.0),
)


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _children_maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _self(*args: str, env: dict | None = None) -> dict:
    """Run this script with ``args`` in a new process; its last stdout line is JSON."""
    cmd = [sys.executable, str(Path(__file__).resolve()), *args]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=PROJECT_DIR, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"bench subprocess {args[0]} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- Children (each in its own process) -----------------------------------------------------------


def child_import(path: str, out: str) -> dict:
    t = time.perf_counter()
    from sourcing.importer import import_path

    modules_s = time.perf_counter() - t
    t = time.perf_counter()
    result = import_path(path)
    import_s = time.perf_counter() - t
    peak = _maxrss_mb()
    if out:
        result.directory.to_parquet(out, index=False)
    return {"import_s": import_s, "modules_s": modules_s, "peak_mb": peak, "suppliers": len(result.directory),
            "rows_read": result.report.rows_read}  # fmt: skip


def child_publish(parquet: str) -> dict:
    """Publish ``parquet`` as version 1 of the store in SOURCING_DATA_DIR (one source, no merge)."""
    import pandas as pd

    from sourcing.search import stored
    from sourcing.store import files

    frame = pd.read_parquet(parquet)
    store = files.store_dir()
    build = stored.save_for_version
    spent: list[float] = []

    def timed(folder):
        t = time.perf_counter()
        saved = build(folder)
        spent.append(time.perf_counter() - t)
        return saved

    stored.save_for_version = timed  # publish_version calls it: timed apart from the Parquet writes
    source = {"id": 1, "label": "bench", "kind": "file", "filename": Path(parquet).name, "format_label": "bench",
              "added_by": "bench", "added_at": pd.Timestamp.now(tz="UTC").isoformat(), "data_date": None,
              "data_date_origin": "", "licence": "", "query": "", "families": [], "kinds": {}, "rows_read": len(frame),
              "rows_loaded": len(frame), "rows_rejected": 0, "suppliers": len(frame), "state": "active", "uid": "",
              "display": "bench"}  # fmt: skip
    manifest = {"version": 1, "built_at": source["added_at"], "sources": [source], "suppliers_in": len(frame),
                "suppliers_out": len(frame), "merged": 0, "per_source": {"1": len(frame)}}  # fmt: skip
    t = time.perf_counter()
    files.publish_version(store, 1, {"directory": frame}, manifest)
    return {"suppliers": len(frame), "publish_s": time.perf_counter() - t, "index_build_s": sum(spent)}


def _median_ms(fn, runs: int = QUERY_RUNS) -> float:
    return median_ms(fn, runs)


def typical_queries():
    from sourcing.search import SearchQuery

    lyon = RADIUS[0][1]
    queries = {name: SearchQuery(near=near, radius_km=km, limit=50) for name, near, km in RADIUS}
    queries |= {
        "keyword « blanchisserie »": SearchQuery(q="blanchisserie", limit=50),
        "typo « menuserie »": SearchQuery(q="menuserie", limit=50),
        "ESAT/EA + « espaces verts » 30 km Lyon": SearchQuery(
            near=lyon, radius_km=30, kinds=("ESAT", "EA"), q="espaces verts", limit=50
        ),
        "département 59": SearchQuery(departments=("59",), limit=50),
        "30 km Lyon + intervention areas": SearchQuery(
            near=lyon, radius_km=30, include_intervention_area=True, near_department="69", near_region="84", limit=50
        ),
        "landing page (all, by name)": SearchQuery(sort="name", limit=50),
    }
    return queries


def child_queries() -> dict:
    """Typical queries on the saved index of the team's directory, then the map, then memory."""
    t = time.perf_counter()
    from sourcing.directory import load_any
    from sourcing.search import SearchQuery, search, stored

    index = stored.index_of(None, load_any)
    load_s = time.perf_counter() - t
    search_ms, found = {}, {}
    for name, query in typical_queries().items():
        found[name] = search(index, query).total
        search_ms[name] = _median_ms(lambda q=query: search(index, q))
    from ui.map.builder import map_html

    everything = search(index, SearchQuery(near=RADIUS[0][1], sort="distance", limit=max(MAP_SIZES)))
    map_build_s = {}
    for n in MAP_SIZES:
        results = everything.results.head(n)
        map_html(results.head(100))  # warm-up
        map_build_s[str(n)] = _median_ms(lambda r=results: map_html(r), runs=3) / 1000
    t = time.perf_counter()
    len(index.frame)  # what the app holds: the whole directory as a DataFrame too
    frame_s = time.perf_counter() - t
    return {"load_s": load_s, "search_ms": search_ms, "found": found, "map_build_s": map_build_s,
            "frame_s": frame_s, "process_peak_mb": _maxrss_mb()}  # fmt: skip


def cold_search(env: dict) -> dict:
    cmd = [sys.executable, "-m", "sourcing", "search", "--near", "Lyon", "--radius-km", "30", "--json"]
    t, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=PROJECT_DIR, env=env)
    wall, after = time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    if done.returncode != 0:
        raise RuntimeError(f"search failed:\n{done.stderr[-4000:]}")
    payload = json.loads(done.stdout)
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        "total": payload["total"],
        **{f"{k}_ms": v for k, v in payload["timing_ms"].items()},
    }


# --- PostGIS ------------------------------------------------------------------------------------------


def postgis(parquet: Path, index_folder: Path) -> dict:
    """The radius searches of `RADIUS` in PostGIS and in our saved index, interleaved run by run (the
    machine is shared: both sides see the same load), median ms each; ours returns the same id,
    distance and total."""
    import io

    import pandas as pd
    import psycopg
    from pg_test_server import throwaway_postgres

    from sourcing.search import SearchQuery, search, stored

    frame = pd.read_parquet(parquet, columns=["id", "lat", "lon"]).dropna(subset=["lat", "lon"])
    with throwaway_postgres("bench") as url:
        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION postgis")
            conn.execute("CREATE TABLE s (id text, lat float8, lon float8)")
            t = time.perf_counter()
            buffer = io.StringIO()
            frame.to_csv(buffer, index=False, header=False)
            with conn.cursor().copy("COPY s FROM STDIN WITH (FORMAT csv)") as copy:
                copy.write(buffer.getvalue())
            conn.execute("ALTER TABLE s ADD COLUMN g geography(Point, 4326)")
            conn.execute("UPDATE s SET g = ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography")
            conn.execute("CREATE INDEX ON s USING gist (g)")
            conn.execute("VACUUM ANALYZE s")
            load_s = time.perf_counter() - t
            sql = (
                "SELECT id, d, count(*) OVER () FROM (SELECT id, ST_Distance(g, p, false) AS d FROM s, "
                "(SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography AS p) q "
                "WHERE ST_DWithin(g, p, %(m)s, false)) t ORDER BY d, id LIMIT 50"
            )
            index = stored.load(index_folder)
            postgis_ms, ours_ms, found = {}, {}, {}
            for name, (lat, lon), km in RADIUS:
                params = {"lat": lat, "lon": lon, "m": km * 1000}
                query = SearchQuery(near=(lat, lon), radius_km=km, limit=50, columns=("id",))
                rows = conn.execute(sql, params).fetchall()
                found[name] = rows[0][2] if rows else 0
                ours, theirs = [], []
                for _ in range(QUERY_RUNS):
                    ours.append(_median_ms(lambda q=query: search(index, q), runs=1))
                    theirs.append(_median_ms(lambda p=params: conn.execute(sql, p).fetchall(), runs=1))
                postgis_ms[name], ours_ms[name] = statistics.median(theirs), statistics.median(ours)
            version = conn.execute("SELECT postgis_lib_version(), current_setting('server_version')").fetchone()
    described = f"PostGIS {version[0]}, PostgreSQL {version[1]}"
    return {"postgis_ms": postgis_ms, "ours_ms": ours_ms, "found": found, "load_s": load_s, "version": described}


# --- The run ------------------------------------------------------------------------------------------


def run(rows: int, runs: int = 3, with_postgis: bool = True, import_runs: int | None = None,
        given_input: Path | None = None) -> dict:  # fmt: skip
    gen = importlib.import_module("import")  # bench/import.py: the hardened CRESS-style input
    with tempfile.TemporaryDirectory(prefix="sourcing-bench-") as tmp:
        tmp_path = Path(tmp)
        csv, parquet = given_input or tmp_path / "input.csv", tmp_path / "directory.parquet"
        t = time.perf_counter()
        if given_input is None:
            gen.make_input(csv, rows, SEED)
        generate_s = time.perf_counter() - t
        imports = [_self("--child-import", str(csv), "" if i else str(parquet)) for i in range(import_runs or runs)]
        # Bytecode compiled once into the run's folder, as an install does (the machine may forbid writing it).
        env = {**os.environ, "SOURCING_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(PROJECT_DIR),
               "PYTHONPYCACHEPREFIX": str(tmp_path / "pycache")}  # fmt: skip
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        published = _self("--child-publish", str(parquet), env=env)
        first = cold_search(env)  # the index published with the version; compiles the bytecode
        colds = [cold_search(env) for _ in range(runs)]
        index_folder = tmp_path / "data" / "store" / "versions" / "1" / "search-index"
        shutil.rmtree(index_folder)  # a version published before the index went with it
        fallback = cold_search(env)  # builds the index and saves it in the version
        queries = _self("--child-queries", env=env)
        pg = postgis(parquet, index_folder) if with_postgis else None
    median = statistics.median
    result = {
        "rows": imports[0]["rows_read"] if given_input else rows,
        "suppliers": imports[0]["suppliers"],
        "publish_s": published["publish_s"],
        "index_build_s": published["index_build_s"],
        "date": date.today().isoformat(),
        "load_average": os.getloadavg(),
        "generate_s": generate_s,
        "import_s": median(r["import_s"] for r in imports),
        "import_runs_s": [r["import_s"] for r in imports],
        "import_peak_mb": max(r["peak_mb"] for r in imports),
        "cold_search_first_s": first["wall_s"],
        "cold_search_first_timing_ms": {"load": first["load_ms"], "query": first["query_ms"]},
        "cold_search_without_index_s": fallback["wall_s"],
        "cold_search_without_index_cpu_s": fallback["cpu_s"],
        "cold_search_s": median(c["wall_s"] for c in colds),
        "cold_search_cpu_s": median(c["cpu_s"] for c in colds),
        "cold_search_first_cpu_s": first["cpu_s"],
        "cold_search_timing_ms": {
            "place": median(c.get("place_ms", 0.0) for c in colds),
            "load": median(c["load_ms"] for c in colds),
            "query": median(c["query_ms"] for c in colds),
        },
        "cold_search_found": first["total"],
        "search_ms": queries["search_ms"],
        "search_found": queries["found"],
        "index_load_s": queries["load_s"],
        "frame_load_s": queries["frame_s"],
        "process_peak_mb": queries["process_peak_mb"],
        "map_build_s": queries["map_build_s"],
        "cold_search_runs_s": [c["wall_s"] for c in colds],
        "postgis_ms": pg["postgis_ms"] if pg else {},
        "postgis_found": pg["found"] if pg else {},
        "search_side_by_side_ms": pg["ours_ms"] if pg else {},
        "postgis_load_s": pg["load_s"] if pg else None,
        "postgis_version": pg["version"] if pg else None,
    }
    result["postgis_ratio"] = {k: v / result["search_side_by_side_ms"][k] for k, v in result["postgis_ms"].items()}
    return result


def section(r: dict) -> str:
    from importlib.metadata import version

    load = ", ".join(f"{v:.1f}" for v in r["load_average"])
    timing = r["cold_search_timing_ms"]
    lines = [
        START,
        f"## National scale: {r['rows']:,} rows ({r['suppliers']:,} suppliers), import to cold search, queries, "
        "map and PostGIS (`bench/national.py`, `python -m sourcing bench`)",
        "",
        f"Measured {r['date']} on {os.cpu_count()} CPU shared with other jobs (load average {load} at the end), "
        f"{platform.machine()}, Python {sys.version.split()[0]}, pandas {version('pandas')}, pyarrow "
        f"{version('pyarrow')}{', ' + r['postgis_version'] if r['postgis_version'] else ''}. Every figure of one "
        "run, side by side.",
        "",
        "| what | figure |",
        "| :--- | ---: |",
        f"| import `import_path` (fresh process, median of {len(r['import_runs_s'])}) | {r['import_s']:.1f} s |",
        f"| import peak memory (RSS) | {r['import_peak_mb']:,.0f} MB |",
        f"| publish the version (Parquet files + search index) | {r.get('publish_s', 0):.1f} s |",
        f"| of which building and saving the search index | {r.get('index_build_s', 0):.1f} s |",
        f"| cold CLI search, whole process, wall (median of {len(r.get('cold_search_runs_s', [])) or 'n'}) | "
        f"{r['cold_search_s']:.2f} s |",
        f"| the same in CPU time (user + system) | {r.get('cold_search_cpu_s', 0):.2f} s |",
        f"| of which resolving the place / loading the index / the query (`timing_ms`, wall) | "
        f"{timing.get('place', 0):.0f} ms / {timing['load']:.0f} ms / {timing['query']:.0f} ms |",
        f"| cold CLI search of a version published without index (builds it: the fallback), wall / CPU | "
        f"{r.get('cold_search_without_index_s', r['cold_search_first_s']):.1f} s / "
        f"{r.get('cold_search_without_index_cpu_s', r.get('cold_search_first_cpu_s', 0)):.1f} s |",
        f"| whole directory as a DataFrame (what the app holds), from the saved table | {r['frame_load_s']:.1f} s |",
        f"| process peak memory (index + directory + queries + map) | {r['process_peak_mb']:,.0f} MB |",
    ]
    lines += [f"| map HTML, {int(n):,} results | {s:.2f} s |" for n, s in r["map_build_s"].items()]
    header = "| query (first page of 50, total counted) | found | ours, all columns (ms) | ours, id + distance (ms) "
    lines += ["", header + "| PostGIS, id + distance (ms) | PostGIS / ours |", "| :--- |" + " ---: |" * 5]
    for name, ms in r["search_ms"].items():
        pg, ours = r["postgis_ms"].get(name), r.get("search_side_by_side_ms", {}).get(name)
        pg_text = f"{ours:.1f} | {pg:.1f} | ×{pg / ours:.1f}" if pg is not None and ours else "– | – | –"
        lines.append(f"| {name} | {r['search_found'][name]:,} | {ms:.1f} | {pg_text} |")
    lines += ["", *_notes(r), "", END]
    return "\n".join(lines)


def _notes(r: dict) -> list[str]:
    """Method and what limits each figure (prose; the figures above are this run's)."""
    ratios = [f"{k} ×{v:.1f}" for k, v in r["postgis_ratio"].items()]
    return [
        "**Method.** Input: `bench/import.py`'s hardened CRESS-style CSV (half the rows without coordinates, "
        "located by the gazetteer). Import: `import_path` in a fresh process (reference data loaded inside), "
        "peak = `ru_maxrss`. The result is published as version 1 of a store in a temporary `SOURCING_DATA_DIR` "
        "by `publish_version`, which builds the search index and saves it in `versions/<n>/search-index/` before "
        "the version is renamed into place (`sourcing/search/stored.py`: arrays as `.npy`, the directory as an "
        "Arrow file, both memory-mapped by a search). Cold search: `python -m sourcing search --near Lyon "
        "--radius-km 30 --json` as a new process (Python start, imports, gazetteer, index, query, JSON), wall "
        "and CPU time (`RUSAGE_CHILDREN`), with the bytecode compiled by a first run as an install does; the "
        "fallback row removes the version's index first (versions published before the index went with them: "
        "their first search builds it). Queries: median of 20 runs in one process on the saved index. PostGIS: "
        "a throwaway server on loopback (Debian's PostgreSQL and PostGIS packages, which `make bench` installs), "
        "the same located suppliers as `geography(Point)` with a GiST index, "
        "`ST_DWithin(g, p, r, false)` (sphere, as our haversine) ordered by distance, first 50 rows and the "
        "total (`count(*) over ()`), run by run interleaved with ours on the same index (id + distance); the "
        "totals are compared with ours (equal in this run: "
        f"{r['postgis_found'] == {k: r['search_found'][k] for k in r['postgis_found']}}).",
        "",
        f"**Ratios.** PostGIS / ours, radius searches: {', '.join(ratios) or 'not measured'}. DuckDB: see "
        "the import section (`bench/import_scale.py`).",
        "",
        "**What limits each figure now.** The machine was shared with other jobs (load average above): wall "
        "times are up to several times the CPU times, compare CPU times and ratios of one run rather than "
        "absolute wall times. Import: see `bench/import_scale.py`'s section. Publish: reading the directory "
        "back from Parquet (list columns as Python lists), `SearchIndex.build` (words of names and "
        "descriptions cut, folded and sorted; categories factorised) and writing the directory a second time "
        "as Arrow; the same work is what the fallback row costs a buyer. Cold search: importing numpy, pandas "
        "and pyarrow is about two thirds of the process's CPU (0.65 s of CPU for `import pandas, pyarrow` "
        "alone here); the place is the gazetteer's pickled tables then the name lookup; the index's arrays "
        "are memory-mapped (nothing read before a query touches them); the query reads the record batches "
        "(256 rows, only the asked columns) holding its 50 rows, and its first use of pyarrow's conversion to "
        "pandas initialises it (tens of ms of the query's figure in a cold process). Radius queries: a "
        "latitude band (binary search on the latitude-sorted located rows) and the longitude span of the "
        "spherical cap, haversine on what is left, then only the first page sorted (partition); they scale "
        "with the candidates of the band (Paris 10 km: 73,000). Keyword queries: the postings of frequent "
        "words (« blanchisserie » is in 65,000 rows). The whole directory as a DataFrame: list columns "
        "converted to Python lists cell by cell (the app reads the Parquet file its own way). Peak memory "
        "includes the whole directory in pandas.",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-postgis", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--import-runs", type=int, help="imports timed (default: --runs)")
    parser.add_argument("--input", type=Path, help="a CSV made by bench/import.py's make_input, not generated")
    parser.add_argument("--from-json", help="write the doc section from a result printed by --json")
    parser.add_argument("--child-import", nargs=2)
    parser.add_argument("--child-publish")
    parser.add_argument("--child-queries", action="store_true")
    args = parser.parse_args(argv)
    if args.child_import:
        print(json.dumps(child_import(*args.child_import)))
    elif args.child_publish:
        print(json.dumps(child_publish(args.child_publish)))
    elif args.child_queries:
        print(json.dumps(child_queries()))
    elif args.from_json:
        publish(section(json.loads(Path(args.from_json).read_text())), "national", write=not args.no_write)
    else:
        from pg_test_server import postgis_missing

        if not args.no_postgis and (missing := postgis_missing()):
            print(f"Comparaison avec PostGIS impossible : {missing} Sinon : --no-postgis.", file=sys.stderr)
            return 2
        result = run(args.rows, args.runs, not args.no_postgis, args.import_runs, args.input)
        if args.json:
            print(json.dumps(result, ensure_ascii=False))
        else:
            publish(section(result), "national", write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
