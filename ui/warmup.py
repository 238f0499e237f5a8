"""Work an app process does once, before its first visitor: import the pages' modules and libraries,
load the reference data.

`streamlit run app.py` imports nothing of ours until a first browser opens a page: that visitor then
waits for pandas, pyarrow, Altair, SQLAlchemy, our pages and the gazetteer to load (about two
seconds of CPU on the 2-core test machine, half the first page's cost). `python -m ui.serve` starts
the server and runs `warm_up` then `warm_directory` in a thread beside it, so a visitor arriving after
them finds the search page ready; then `warm_other_pages`, in quiet moments only, for the other pages.
Imports are safe to share: a page importing a module the warm-up is still importing waits for it.

Invariant (tested): after `warm_up()`, the first run of the search page imports no module of a
third-party library, and after `warm_other_pages()` neither does any other page (tests/test_warmup.py),
so these lists stay true as pages change; and the map drawn by a server started this way
(tests/browser/test_serve.py).
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import logging
import math
import threading
import time
from collections.abc import Iterator

WARM_UP_THREAD = "warm-up"

# What the search page (the app's first page) reaches at its first run (modules import their own
# libraries): imported before the first visitor. The pages' components (st.components.v2:
# ui.french_ui, ui.search_map) may be declared here: each is registered again on the runtime that mounts
# it (tests/browser/test_serve.py: the map is served after the warm-up).
MODULES: tuple[str, ...] = (
    "pandas",
    "pyarrow",
    "pyarrow.compute",
    "pyarrow.parquet",
    "numpy",
    "PIL.ImageFile",  # st.set_page_config's icon: what is not an emoji is read as an image (ui/french_ui.py)
    "sqlalchemy",
    "ui.state",
    "ui.french_ui",
    "ui.map.builder",
    "ui.search_filters",
    "ui.search_map",
    "ui.search_page",
    "ui.shortlist_panel",
    "sourcing.search",
    "sourcing.contracts.summary",
)

# The other pages and what only they reach (Altair's charts, the advisor, the directory page's readers): about
# 0.7 s of imports on the 2-core test machine, done after the search page is ready and only while no
# page is running (`warm_other_pages`), so that a buyer arriving early does not wait for them.
OTHER_PAGE_MODULES: tuple[str, ...] = (
    "altair",
    "pygments",
    "ui.charts",
    "pyarrow.dataset",  # the directory page's reads
    "pandas.io.formats.csvs",  # its downloads
    "xlsxwriter",  # the XLSX files (imported when one is made: sourcing/exports/tables.py)
    "icalendar",  # the meetings' invitations (the same: sourcing/exports/calendar.py)
    "ui.advice_page",
    "ui.plan_page",
    "ui.lists_page",
    "ui.directory_page",
)


class _PageRuns:
    """Page runs under way (app.py counts them) and when the last one ended or a visitor's browser last
    asked for a file (`touch`, from ui/serve.py), so that background work can wait for a quiet moment: a
    page run, the server sending Streamlit's scripts and an import share one interpreter lock."""

    def __init__(self) -> None:
        self._running = 0
        self._last_end = -math.inf
        self._changed = threading.Condition()

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        with self._changed:
            self._running += 1
        try:
            yield
        finally:
            with self._changed:
                self._running -= 1
                self._last_end = time.monotonic()
                self._changed.notify_all()

    def touch(self) -> None:
        """Something a visitor waits for happened now (a file of the page asked for): quiet starts later."""
        with self._changed:
            self._last_end = max(self._last_end, time.monotonic())
            self._changed.notify_all()

    def wait_until_quiet(self, quiet_s: float) -> None:
        """Until no page is running and none has ended for `quiet_s` seconds (a page's next run, its
        components' answers or a filter change, often follows at once)."""
        with self._changed:
            while True:
                self._changed.wait_for(lambda: self._running == 0)
                left = self._last_end + quiet_s - time.monotonic()
                if left <= 0:
                    return
                self._changed.wait(timeout=left)


PAGE_RUNS = _PageRuns()


def _first_chart() -> None:
    """Altair loads its dataframe layer (narwhals) at the first chart made from a DataFrame."""
    import altair as alt
    import pandas as pd

    alt.Chart(pd.DataFrame({"n": [1]})).mark_bar().encode(x="n").to_dict()


def _first_element_check() -> None:
    """At the first element any page of the process draws, Streamlit checks once whether it runs in a
    Python prompt: `inspect.stack()`, which resolves the file of every loaded module (0.16 to 0.26 s
    on the 2-core test machine, paid by the first visitor). Done here instead; if a Streamlit upgrade
    drops that check, nothing is done."""
    from streamlit import delta_generator

    check = getattr(delta_generator, "_maybe_print_use_warning", None)
    if check is not None:
        check()


def pause_collector() -> None:
    """Python's cyclic garbage collector off until `resume_collector`: called first thing by ui/serve.py,
    resumed once `warm_up` has imported the search page's libraries. A start allocates about 150,000
    long-lived objects (modules, classes, functions: Streamlit, pandas, SQLAlchemy, ours) and the collector
    traversed them again and again as they came: 0.35-0.6 s of the 1.6-3.3 s of CPU from the process start
    to the end of the warm-up (five fresh processes, the demo and 1,000,000 suppliers; the collections
    themselves, timed, 0.2-0.23 s, all before `warm_directory`), which the first visitor waited for. Imports
    make almost no garbage: 1,564 unreachable objects at the end of the warm-up, collected once it is on.
    (No `gc.freeze` afterwards: a session or a cache entry alive then and dropped later would never be
    collected if it held a reference cycle, for full collections rare anyway: docs/performance.md.)"""
    gc.disable()


def resume_collector() -> None:
    """The collector on again (the warm-up's imports are done, or failed)."""
    gc.enable()


def warm_up() -> float:
    """Import `MODULES`, load the gazetteer and the taxonomy, bring the database to the current
    schema; returns the seconds it took. A database fault is left for the first page to tell the
    buyer in French (it raises it again there): the server must start anyway."""
    start = time.perf_counter()
    for name in MODULES:
        importlib.import_module(name)
    from sourcing.db import database_url, upgrade_database
    from sourcing.db.faults import DatabaseFault
    from sourcing.gazetteer import Gazetteer
    from sourcing.taxonomy import load_taxonomy

    Gazetteer.load()
    load_taxonomy()
    _first_element_check()
    try:
        upgrade_database(database_url())
    except DatabaseFault:
        pass
    return time.perf_counter() - start


def warm_other_pages(quiet_s: float = 1.0, import_quiet_s: float = 2.0) -> float:
    """Keep the search page's columns in memory, one column per quiet moment of `quiet_s` (`PAGE_RUNS`:
    a visitor's page comes first), then import `OTHER_PAGE_MODULES` one at a time, each after a pause of
    `import_quiet_s`. Returns the seconds it took, waits included.

    Why this order and two pauses: a column is tens of ms, an import up to 0.4 s (Altair) that holds the
    interpreter lock; a buyer who ticks a box right after the first map (0.5 s after the page's run, with
    the map's clustering in between) would share the interpreter with it. The columns make the search
    page's next searches faster; the other pages' imports only matter once the buyer leaves the page,
    which comes after a pause."""
    start = time.perf_counter()
    _hold_search_page_columns(quiet_s)
    for name in OTHER_PAGE_MODULES:
        PAGE_RUNS.wait_until_quiet(import_quiet_s)
        importlib.import_module(name)
    PAGE_RUNS.wait_until_quiet(import_quiet_s)
    _first_chart()
    return time.perf_counter() - start


def _hold_search_page_columns(quiet_s: float) -> None:
    """The columns of the search page's map and table, kept in memory in one chunk each
    (`SearchIndex.hold_columns`): at 1,000,000 suppliers a new search's map takes its 20,000 rows in
    15-27 ms instead of 145-260 ms, its table's 2,000 rows no longer gather two large columns over the
    file's batches; for 249 MB and 0.4-0.7 s once, after the first visitor's map, one column per quiet
    moment (a buyer's search never waits behind more than one column, tens of ms). The directory current
    at the start only: a version published later is read from its file, as before."""
    from ui import state
    from ui.map.builder import REQUIRED_COLUMNS
    from ui.search_page import GRID_COLUMNS

    index = state.search_index(state.current_directory_key())
    for name in dict.fromkeys((*REQUIRED_COLUMNS, *GRID_COLUMNS)):
        PAGE_RUNS.wait_until_quiet(quiet_s)
        index.hold_columns((name,))


def warm_directory() -> float:
    """Fill the pages' process-wide caches for the current directory (its search index, the charts'
    lists, sector and place names, the table, charts and map of a fresh search page) as a first visit
    would; returns the seconds it took. Run once the server's runtime exists, so that these are the
    caches the pages read."""
    from ui import search_filters, state

    start = time.perf_counter()
    key = state.current_directory_key()
    state.search_index(key)  # the charts' flattened lists come with their counts, last (kept with the index)
    state.sector_labels()
    state.territory_names()
    search_filters.places()  # the place box's labels (0.15 to 0.3 s at a first page)
    # What a fresh search page shows: on a large directory, the first runs of its searches (at
    # 1,000,000 suppliers: the map's 3.4 s and payload 0.4 s, the table's 1 s, the charts' counts).
    from ui import search_map, search_page

    # In the page's order (count, map, table, charts): a visitor arriving meanwhile waits for each in turn.
    fresh = search_filters.default_query()
    search_page.result_count(key, fresh)
    search_map.map_data(key, fresh, search_map.TILES_BY_DEFAULT, search_map.MAP_LIMIT)
    search_page.shown_results(key, fresh)
    search_page.chart_counts(key, fresh)
    return time.perf_counter() - start


class _NotFromWarmUp(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.threadName != WARM_UP_THREAD


@contextlib.contextmanager
def quiet_bare_mode() -> Iterator[None]:
    """Streamlit warns for each cached call made outside a page's run ("missing ScriptRunContext"):
    expected from the warm-up thread, so those records are dropped (a filter: Streamlit resets its
    loggers' levels while it starts)."""
    logger = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    quiet = _NotFromWarmUp()
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)
