"""Work an app process does once, before its first visitor: import the pages' modules and libraries,
load the reference data.

`streamlit run app.py` imports nothing of ours until a first browser opens a page: that visitor then
waits for pandas, pyarrow, folium, Altair, SQLAlchemy, our pages and the gazetteer to load (about two
seconds of CPU on the 2-core test machine, half the first page's cost). `python -m ui.serve` starts
the server and runs `warm_up` in a thread beside it, so a visitor arriving after it finds them loaded.
Imports are safe to share: a page importing a module the warm-up is still importing waits for it.

Invariant (tested): after `warm_up()`, the first run of the search page imports no module of a
third-party library (tests/test_warmup.py), so this list stays true as
pages change; and the map drawn by a server started this way (tests/browser/test_serve.py).
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import time
from collections.abc import Iterator

WARM_UP_THREAD = "warm-up"

# The pages and what they reach at their first run (modules import their own libraries). The pages'
# components (st.components.v2: ui.french_ui, ui.search_map) may be declared here: each is registered
# again on the runtime that mounts it (tests/browser/test_serve.py: the map is served after the warm-up).
MODULES: tuple[str, ...] = (
    "pandas",
    "pyarrow",
    "pyarrow.compute",
    "pyarrow.parquet",
    "numpy",
    "altair",
    "pygments",
    "folium",
    "sqlalchemy",
    "alembic.script",  # the migration head, read at the first page
    "ui.state",
    "ui.french_ui",
    "ui.map.builder",
    "ui.charts",
    "ui.search_filters",
    "ui.search_map",
    "ui.search_page",
    "ui.shortlist_panel",
    "sourcing.search",
    "sourcing.exports",
    "sourcing.contracts.summary",
    "ui.advice_page",
    "ui.plan_page",
    "ui.lists_page",
    "ui.directory_page",
)


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
    _first_chart()
    _first_element_check()
    try:
        upgrade_database(database_url())
    except DatabaseFault:
        pass
    return time.perf_counter() - start


def warm_directory() -> float:
    """Fill the pages' process-wide caches for the current directory (its search index, the charts'
    lists, sector and place names, the table, charts and map of a fresh search page) as a first visit
    would; returns the seconds it took. Run once the server's runtime exists, so that these are the
    caches the pages read."""
    from ui import search_filters, state

    start = time.perf_counter()
    key = state.current_directory_key()
    state.search_index(key)
    state.facet_lists(key)
    state.sector_labels()
    state.territory_names()
    search_filters.places()  # the place box's labels (0.15 to 0.3 s at a first page)
    # What a fresh search page shows: on a large directory, the first runs of its searches (at
    # 1,000,000 suppliers: the map's 3.4 s and payload 0.4 s, the table's 1 s, the charts' counts).
    from ui import search_map, search_page

    fresh = search_filters.default_query()
    search_page.result_count(key, fresh)
    search_page.shown_results(key, fresh)
    search_page.chart_counts(key, fresh)
    search_map.map_figure(key, fresh, search_map.TILES_BY_DEFAULT, search_map.MAP_LIMIT)
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
