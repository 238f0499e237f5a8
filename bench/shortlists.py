"""Benchmark: shortlists, meetings and exports on the real database (SQLite file, and PostgreSQL
when the Debian package is installed).

What a buyer waits for, each as a median over ``--runs`` runs:
- adding 20 / 500 / 2,000 checked suppliers to a list in one transaction (`add_suppliers`),
  next to the naive way measured in the same run (one transaction, hence one durable commit,
  per supplier);
- reading a 2,000-entry list as a table (`entries_frame`), changing one status (`set_status`,
  its own transaction);
- exporting that list as CSV and XLSX; exporting 5,000 and 100,000 search results (demo rows
  repeated) as CSV and XLSX;
- the files of a meeting with 30 invited suppliers: planning the schedule, pack (DOCX, PDF),
  calendar (.ics), traceability record (PDF), invitation list (XLSX).

SQLite runs with the app's settings (WAL, synchronous=FULL: each commit reaches the disk).
The throwaway PostgreSQL server of the tests runs with fsync=off, so its figures show the
round trips, not the disk.

Usage: .venv/bin/python bench/shortlists.py [--runs 5] [--no-postgres] [--no-write]
Writes its section of docs/performance.md, between the bench:shortlists markers.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from perfdoc import markers, publish

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))

from sourcing.db import service  # noqa: E402
from sourcing.db.engine import dispose_engines, session_scope, upgrade_database  # noqa: E402
from sourcing.db.meeting_files import meeting_file  # noqa: E402
from sourcing.db.meetings import plan_schedule  # noqa: E402
from sourcing.directory import load_demo  # noqa: E402
from sourcing.exports import export_suppliers  # noqa: E402

START, END = markers("shortlists")
USER = "bench"
ADD_SIZES = (20, 500, 2000)
NAIVE_MAX = 500  # the naive way at 2,000 rows adds nothing to the ratio but minutes
MEETING_KINDS = ("pack-docx", "pack-pdf", "ics", "trace-pdf", "invitations-xlsx")


def median_time(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms".replace(",", " ")


class Backend:
    """A database URL plus a counter for fresh list names."""

    def __init__(self, name: str, url: str) -> None:
        self.name, self.url, self._n = name, url, 0
        upgrade_database(url)

    def new_list(self) -> int:
        self._n += 1
        with session_scope(self.url) as s:
            return service.create_shortlist(s, USER, f"liste {self._n}").id


def add_bulk(backend: Backend, rows: pd.DataFrame) -> None:
    list_id = backend.new_list()
    with session_scope(backend.url) as s:
        service.add_suppliers(s, USER, list_id, rows)


def add_naive(backend: Backend, rows: pd.DataFrame) -> None:
    """One transaction per checked supplier, as a page looping over its selection would do."""
    list_id = backend.new_list()
    for i in range(len(rows)):
        with session_scope(backend.url) as s:
            service.add_suppliers(s, USER, list_id, rows.iloc[i : i + 1])


def bench_backend(backend: Backend, demo: pd.DataFrame, runs: int) -> dict:
    out: dict = {"name": backend.name, "add": []}
    for n in ADD_SIZES:
        rows = demo.head(n)
        bulk = median_time(lambda rows=rows: add_bulk(backend, rows), runs)
        naive = median_time(lambda rows=rows: add_naive(backend, rows), max(1, runs // 2)) if n <= NAIVE_MAX else None
        out["add"].append((n, bulk, naive))

    list_id = backend.new_list()
    with session_scope(backend.url) as s:
        service.add_suppliers(s, USER, list_id, demo.head(2000))

    def read() -> pd.DataFrame:
        with session_scope(backend.url) as s:
            return service.entries_frame(s, USER, list_id)

    out["read"] = median_time(read, runs)
    frame = read()
    entry_ids = frame["entry_id"].tolist()
    statuses = iter(["contacté", "invité", "confirmé"] * 1000)

    def change_status() -> None:
        with session_scope(backend.url) as s:
            service.set_status(s, USER, entry_ids[len(entry_ids) // 2], next(statuses))

    out["status"] = median_time(change_status, max(runs, 20))
    out["list_csv"] = median_time(lambda: export_suppliers(frame, "csv"), runs)
    out["list_xlsx"] = median_time(lambda: export_suppliers(frame, "xlsx"), runs)

    with session_scope(backend.url) as s:
        small = service.create_shortlist(s, USER, "rencontre 30").id
        service.add_suppliers(s, USER, small, demo.head(30))
        meeting_id = service.create_meeting(
            s, USER, title="Rencontre fournisseurs", start=datetime(2027, 1, 14, 9), slot_minutes=20,
            purpose="Entretien des espaces verts", place_or_link="Salle du conseil", shortlist_id=small,
        ).id  # fmt: skip
        service.invite_from_shortlist(s, USER, meeting_id, small)

    def plan() -> None:
        with session_scope(backend.url) as s:
            plan_schedule(s, USER, meeting_id)

    out["plan"] = median_time(plan, runs)
    out["meeting"] = {}
    for kind in MEETING_KINDS:

        def build(kind: str = kind) -> bytes:
            with session_scope(backend.url) as s:
                return meeting_file(s, USER, meeting_id, kind).data

        out["meeting"][kind] = (median_time(build, runs), len(build()))
    return out


def bench_results_exports(demo: pd.DataFrame, runs: int) -> list[tuple[int, float, float, int, int]]:
    rows = []
    for n in (5_000, 100_000):
        frame = pd.concat([demo] * (n // len(demo) + 1), ignore_index=True).head(n)
        csv_s = median_time(
            lambda frame=frame: export_suppliers(frame, "csv"), max(1, runs // 2 if n > 10_000 else runs)
        )
        xlsx_s = median_time(
            lambda frame=frame: export_suppliers(frame, "xlsx"), max(1, runs // 2 if n > 10_000 else runs)
        )
        rows.append((n, csv_s, xlsx_s, len(export_suppliers(frame, "csv")), len(export_suppliers(frame, "xlsx"))))
    return rows


@contextmanager
def sqlite_backend() -> Iterator[Backend]:
    with tempfile.TemporaryDirectory(prefix="bench-shortlists-") as tmp:
        try:
            yield Backend("SQLite (file, WAL, synchronous=FULL)", f"sqlite:///{Path(tmp) / 'bench.db'}")
        finally:
            dispose_engines()


@contextmanager
def postgres_backend() -> Iterator[Backend | None]:
    spec = importlib.util.spec_from_file_location("pg_test_server", PROJECT_DIR / "scripts" / "pg_test_server.py")
    helper = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(helper)  # type: ignore[union-attr]
    if helper.pg_bin_dir() is None:
        yield None
        return
    with helper.throwaway_postgres("sourcing_bench") as url:
        try:
            yield Backend("PostgreSQL (throwaway server, fsync=off)", url)
        finally:
            dispose_engines()


def section(backends: list[dict], exports: list, runs: int) -> str:
    lines = [
        START,
        "## Shortlists, meetings and exports (`bench/shortlists.py`)",
        "",
        f"Run on {date.today().isoformat()}, Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"median of {runs} runs (20 for a status change). Suppliers are rows of the demo directory.",
        "",
    ]
    for b in backends:
        lines += [
            f"### {b['name']}",
            "",
            "| Add checked suppliers to a list | One transaction | One transaction per supplier | Ratio |",
            "|---|---|---|---|",
        ]
        for n, bulk, naive in b["add"]:
            naive_txt = _ms(naive) if naive is not None else "not measured"
            ratio = f"×{naive / bulk:,.0f}" if naive is not None else "–"
            lines.append(f"| {n:,} suppliers | {_ms(bulk)} | {naive_txt} | {ratio} |".replace(",", " "))
        lines += [
            "",
            "| Operation | Median |",
            "|---|---|",
            f"| Read a 2 000-entry list as a table (`entries_frame`) | {_ms(b['read'])} |",
            f"| Change one status (own transaction) | {_ms(b['status'])} |",
            f"| Export the 2 000-entry list as CSV | {_ms(b['list_csv'])} |",
            f"| Export the 2 000-entry list as XLSX | {_ms(b['list_xlsx'])} |",
            f"| Plan the schedule of a 30-supplier meeting (stored) | {_ms(b['plan'])} |",
        ]
        for kind, (seconds, size) in b["meeting"].items():
            lines.append(f"| Meeting file `{kind}`, 30 suppliers ({size / 1024:,.0f} KiB) | {_ms(seconds)} |")
        lines.append("")
    lines += ["### Exports of search results", "", "| Results | CSV | XLSX |", "|---|---|---|"]
    for n, csv_s, xlsx_s, csv_b, xlsx_b in exports:
        lines.append(
            f"| {n:,} | {_ms(csv_s)} ({csv_b / 1e6:.1f} MB) | {_ms(xlsx_s)} ({xlsx_b / 1e6:.1f} MB) |".replace(",", " ")
        )
    lines += [
        "",
        "Adding a buyer's selection in one transaction is what keeps a 500-supplier add interactive on "
        "SQLite with synchronous=FULL: each commit waits for the disk.",
        END,
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    demo = load_demo()
    backends = []
    with sqlite_backend() as sqlite:
        backends.append(bench_backend(sqlite, demo, args.runs))
    if not args.no_postgres:
        with postgres_backend() as pg:
            if pg is not None:
                backends.append(bench_backend(pg, demo, args.runs))
    exports = bench_results_exports(demo, args.runs)
    publish(section(backends, exports, args.runs), "shortlists", write=not args.no_write)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
