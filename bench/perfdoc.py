"""docs/performance.md is shared by every benchmark: each one owns the section between its own
markers and rewrites only that section, so benchmarks can be rerun one at a time."""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "performance.md"


def markers(name: str) -> tuple[str, str]:
    """The start and end markers of benchmark `name`'s section."""
    return f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"


def write_section(text: str, name: str, doc: Path = DOC) -> None:
    """Replace benchmark `name`'s section (`text` includes its markers), re-reading the file right
    before writing; append the section if absent, create the file if needed."""
    start, end = markers(name)
    current = doc.read_text(encoding="utf-8") if doc.exists() else "# Performance\n"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), flags=re.S)
    if pattern.search(current):
        updated = pattern.sub(lambda _: text, current, count=1)
    else:
        updated = current.rstrip("\n") + "\n\n" + text + "\n"
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(updated, encoding="utf-8")


def publish(text: str, name: str, write: bool = True) -> None:
    """Print benchmark `name`'s section; unless `write` is False (`--no-write`), also write it to the doc."""
    print(text)
    if write:
        write_section(text, name)
        print(f"written: {DOC}")


def median_ms(fn: Callable[[], object], runs: int) -> float:
    """Median wall time of `runs` calls of `fn`, in milliseconds (shared by the benchmarks)."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)
