"""One rerun of the search page, on the server: time, CPU and what it sends to the browser (issues 15, 16).

A filter change in the browser is a full rerun of the Streamlit script. This bench runs the app under
Streamlit's AppTest (no browser: figures the shared machine's load blurs less) on the demo or on a team
directory of N suppliers, and times each run: the first (cold: directory, index, map), a rerun with
nothing changed (what a click on a row or the map costs), a filter change to a new query (tick ESAT),
back to a query already seen (untick), and the new query again. For each it records the wall time,
the process CPU (every thread) and the bytes of the messages the run sends, by element (the map
component, the results grid, the place box...). Streamlit sends an unchanged element of 10 kB or more
as a reference to the copy the browser keeps, so "bytes" is what a run builds, an upper bound of what
crosses the wire.

`--before DIR` runs the same steps against another checkout (e.g. `git archive <commit>` extracted in
DIR, with `.venv` and `static/vendor` beside it), in the same run, for ratios side by side.

    python bench/rerun.py --sizes demo 100000                 # generates the 100,000-row store
    python bench/rerun.py --sizes demo 1000000 --store /tmp/store-1000000 --before /tmp/old --no-write
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from perfdoc import markers, publish

PROJECT = Path(__file__).resolve().parents[1]
NAME = "rerun"
STEPS = ("cold", "rerun", "filter_new", "filter_back", "filter_again")
KIND = "ESAT"


def _child(project: Path) -> dict:
    """In a fresh process whose cwd is `project`: the runs of STEPS, as a dict of figures."""
    import collections
    import time

    sys.path.insert(0, str(project))
    from streamlit.runtime.scriptrunner_utils import script_run_context as src
    from streamlit.testing.v1 import AppTest

    sizes: collections.Counter = collections.Counter()
    enqueue = src.ScriptRunContext.enqueue

    def counting(self, msg):  # what each run sends, by element
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            kind = msg.delta.new_element.WhichOneof("type")
        sizes[kind] += msg.ByteSize()
        return enqueue(self, msg)

    src.ScriptRunContext.enqueue = counting
    at = AppTest.from_file(str(project / "app.py"), default_timeout=900)
    actions = {"cold": None, "rerun": None, "filter_new": True, "filter_back": False, "filter_again": True}
    out: dict = {}
    for step in STEPS:
        sizes.clear()
        if actions[step] is not None:
            box = at.checkbox(key=f"t_{KIND}")
            box.check() if actions[step] else box.uncheck()
        wall, cpu = time.perf_counter(), time.process_time()
        at.run()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if at.exception:
            raise RuntimeError(f"{step}: {at.exception[0].message}")
        headline = next(h.value for h in at.subheader if "trouvé" in h.value)
        count = int("".join(c for c in headline.split("fournisseur")[0] if c.isdigit()))
        out[step] = {"wall_s": wall, "cpu_s": cpu, "bytes": dict(sizes), "count": count}
    return out


def run_child(project: Path, store: Path | None, workdir: Path) -> dict:
    data = store if store is not None else workdir / "empty-store"
    data.mkdir(exist_ok=True)
    db = (store / "app.sqlite3") if store is not None else workdir / f"demo-{project.name}.sqlite3"
    env = {**os.environ, "SOURCING_DATA_DIR": str(data), "SOURCING_DB_PATH": str(db)}
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(project)]
    done = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


# The map's element: our st.components.v2 component (a "bidi_component"), or streamlit-folium's in older code.
MAP_ELEMENTS = ("bidi_component", "component_instance")


def _mb(step: dict, kinds: tuple[str, ...] | None = None) -> float:
    values = step["bytes"]
    return sum(v for k, v in values.items() if kinds is None or k in kinds) / 1e6


def section(rows: list[dict]) -> str:
    start, end = markers(NAME)
    lines = [start, "## One rerun of the search page, on the server (`bench/rerun.py`)", "",
             f"Measured {date.today().isoformat()} on {os.cpu_count()} CPU under Streamlit's AppTest (no browser). "
             f"A filter change is a full rerun of the script. Runs: cold (first page), rerun with nothing changed "
             f"(a click on a row or the map), tick {KIND} (a new query), untick (a query already seen), tick again. "
             "Wall and CPU (every thread of the process) of each run; MB = bytes of the messages the new-query run "
             "builds: all / the map component / the results grid, and of the cold run: all / map (unchanged elements "
             "of 10 kB or more cross the "
             "wire as a reference to the browser's copy).", "",
             "| code | directory | count | cold (s) | rerun wall / CPU (s) | new query wall / CPU (s) "
             "| back wall / CPU (s) | again wall / CPU (s) | new query MB: all / map / grid | cold MB: all / map |",
             "| :--- | :--- | :--- | ---: | ---: | ---: | ---: | ---: | :--- | :--- |"]  # fmt: skip
    for r in rows:
        f = r["figures"]
        pair = {s: f"{f[s]['wall_s']:.2f} / {f[s]['cpu_s']:.2f}" for s in STEPS}
        new = f["filter_new"]
        grid = _mb(new, ("dataframe", "arrow_data_frame"))
        mb = f"{_mb(new):.1f} / {_mb(new, MAP_ELEMENTS):.1f} / {grid:.1f}"
        cold = f"{_mb(f['cold']):.1f} / {_mb(f['cold'], MAP_ELEMENTS):.1f}"
        counts = f"{f['cold']['count']:,} → {new['count']:,}"
        lines.append(f"| {r['code']} | {r['size']} | {counts} | {f['cold']['wall_s']:.1f} "
                     f"| {pair['rerun']} | {pair['filter_new']} | {pair['filter_back']} | {pair['filter_again']} "
                     f"| {mb} | {cold} |")  # fmt: skip
    lines.append(end)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["demo", "100000"], help="demo and/or supplier counts")
    parser.add_argument("--store", action="append", type=Path, default=[], help="reuse a store (in size order)")
    parser.add_argument("--before", type=Path, help="another checkout to measure in the same run")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.child)))
        return 0
    codes = [("this", PROJECT)] + ([("before", args.before.resolve())] if args.before else [])
    stores = iter(args.store)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-rerun-") as tmp:
        workdir = Path(tmp)
        for size in args.sizes:
            store = None
            if size != "demo":
                store = next(stores, None)
                if store is None:
                    import browser_scale

                    store = browser_scale.make_store(workdir, int(size))
            for code, project in reversed(codes):
                figures = run_child(project, store, workdir)
                rows.append({"code": code, "size": size, "figures": figures})
                print(code, size, json.dumps({s: round(figures[s]["wall_s"], 2) for s in STEPS}), flush=True)
    publish(section(rows), NAME, write=not args.no_write)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
