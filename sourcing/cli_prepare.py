"""`python -m sourcing prepare`: the files a first start would otherwise build, built beforehand.

A fresh checkout has none of the project's derived files (`.cache/`, not in the repository): the
gazetteer's tables (1.7 s to build from data/geo, 0.05 s to read back), the demo directory's Parquet
(0.4 s of import) and the current directory's search index. The app's first process built them while
its first visitor waited: on a fresh clone the demo's first map came 5.2-5.4 s after the start, 2.4-2.8 s
once prepared (docs/performance.md, `bench/browser_scale.py --fresh-clone`). `make run` runs this command
before it starts the app, as an install compiles its bytecode; the app still builds whatever is missing
(a data folder changed since, a checkout that skipped it), so nothing depends on it.

Invariant (tested): after it, a search of the current directory builds nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pandas as pd

STEPS_FR = {
    "gazetteer": "communes et codes postaux",
    "index": "annuaire en cours et son index de recherche",
}


def add_prepare_parser(sub) -> None:
    sub.add_parser("prepare", help="construire à l'avance les fichiers dérivés (communes, démo, index)")


def prepare(load_directory: Callable[[str | None], pd.DataFrame]) -> dict[str, float]:
    """Build (or check) each derived file; seconds per step, in STEPS_FR's order. `load_directory(None)`
    reads the team's current directory, as the CLI's search does."""
    from sourcing.gazetteer import Gazetteer
    from sourcing.search import stored

    seconds: dict[str, float] = {}
    start = time.perf_counter()
    Gazetteer.load()
    seconds["gazetteer"] = time.perf_counter() - start
    start = time.perf_counter()
    stored.index_of(None, load_directory)  # the demo's Parquet first when the team has no source yet
    seconds["index"] = time.perf_counter() - start
    return seconds


def cmd_prepare(load_directory: Callable[[str | None], pd.DataFrame]) -> int:
    for step, took in prepare(load_directory).items():
        print(f"{STEPS_FR[step]} : prêt ({took:.1f} s)".replace(".", ","))  # the decimal comma; no dot in the words
    return 0
