"""Page "Recherche et carte": filters (bound to the URL), count, map, table, detail, charts.

The page only gathers input and shows output: the filters are drawn by `ui.search_filters`; search,
facet counts and the card's row are `sourcing.search` (`facets`), the map is `ui.map`;
the index and the labels are the shared caches of `ui.state`.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date
from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

from sourcing.contracts.summary import supplier_summary
from sourcing.exports import TABLES
from sourcing.exports.search_results import export_search
from sourcing.exports.tables import XLSX_MAX_ROWS
from sourcing.frenchfmt import french_number, iso_date
from sourcing.model import GEO_PRECISION_LABELS, KIND_BY_CODE
from sourcing.search import SearchIndex, SearchQuery, SearchResult, count, search, widen
from sourcing.search.choices import sector_names
from sourcing.search.facets import Facets, facet_counts, full_rows, supplier_row
from sourcing.store.dates import is_stale
from ui import search_map, shortlist_panel, state
from ui import texts as T
from ui.bars import bars_html
from ui.map import builder as mapping
from ui.safe_text import md_text
from ui.search_filters import sidebar_query
from ui.state import search_index, sector_labels

TABLE_LIMIT = 2000
# What the grid shows of its rows: only these columns are read for the TABLE_LIMIT rows (all of them
# cost 0.3-1.2 s at a million suppliers); a checked row and the open card are read whole (`full_rows`).
GRID_COLUMNS = ("id", "name", "kinds", "sectors", "city", "department", "website")
FOCUS_ZOOM = mapping.OFFLINE_MAX_ZOOM  # "Voir sur la carte": the town around the supplier


# --- Cached reference data (keyed on small values) ----------------------------------------------


@st.cache_resource
def sector_short_names() -> dict[str, str]:
    return sector_names()


@st.cache_data(max_entries=32, show_spinner=False)
def chart_counts(directory_key: str, query: SearchQuery) -> Facets:
    """Counts by kind, by sector and by distance band over ALL results (cached: small output)."""
    return facet_counts(search_index(directory_key), query, T.DISTANCE_BANDS, lists=state.facet_lists(directory_key))


# --- Results ----------------------------------------------------------------------------------


def _explain_empty(index: SearchIndex, query: SearchQuery) -> None:
    st.warning(T.NO_RESULT)
    widening = widen(index, query)
    radius = widening.get("radius", [])
    for wider, n in radius:
        if n > 0:
            st.info(
                T.WIDEN_RADIUS.format(
                    radius=french_number(query.radius_km or 0), n=french_number(n), wider=french_number(wider)
                )
            )
            if st.button(T.WIDEN_BUTTON.format(wider=french_number(wider))):
                st.session_state["rayon"] = int(min(wider, 200))
                st.rerun()
            break
    for name, n in widening.get("filters", []):
        if n > 0:
            st.info(T.WIDEN_FILTER.format(filter=name, n=french_number(n)))


@st.cache_data(max_entries=64, show_spinner=False)
def result_count(directory_key: str, query: SearchQuery) -> int:
    """How many suppliers the search finds, without reading their rows: the headline is drawn first
    (at 1,000,000 suppliers 30 ms, where the table's rows take 0.2 s more and the map's 0.5 s)."""
    return count(search_index(directory_key), query)


@st.cache_resource(max_entries=16, show_spinner=False)
def shown_results(directory_key: str, query: SearchQuery) -> tuple[SearchResult, pd.DataFrame]:
    """The first TABLE_LIMIT results (the grid's columns) and the grid's frame, made once per search
    (shared, read-only)."""
    columns = (*GRID_COLUMNS, "match_reason")
    found = search(search_index(directory_key), replace(query, limit=TABLE_LIMIT, columns=columns))
    shown, sectors = found.results, sector_short_names()
    table = pd.DataFrame(
        {
            T.COL_DISTANCE: shown["distance_km"].round(1),
            T.COL_NAME: shown["name"],
            T.COL_KINDS: shown["kinds"],
            T.COL_SECTORS: shown["sectors"].map(lambda ss: [sectors.get(s, s) for s in ss]),
            T.COL_CITY: shown["city"],
            T.COL_DEPARTMENT: shown["department"],
            T.COL_WEBSITE: shown["website"].astype(object).where(shown["website"].fillna("") != "", None),
        }
    )
    if "match_reason" in shown and (shown["match_reason"] != "").any():
        table[T.COL_REASON] = shown["match_reason"]
    if table[T.COL_DISTANCE].isna().all():
        table = table.drop(columns=[T.COL_DISTANCE])
    return found, table


def _results_table(shown: pd.DataFrame, table: pd.DataFrame, map_pick: str | None) -> list[str]:
    """The results grid; returns the ids of the checked rows (in grid order).

    A marker clicked on the map (`map_pick`) is shown selected in the grid: the grid gets a new key
    with that row as its default selection (a grid's selection cannot be set once drawn).
    """
    positions = np.flatnonzero(shown["id"].to_numpy() == map_pick) if map_pick else []
    default = {"selection": {"rows": [int(positions[0])], "columns": []}} if len(positions) else None
    st.caption(T.TABLE_MULTI_HINT)
    # st.dataframe shows cells as text, never as HTML: untrusted names stay inert.
    event = st.container(key="results_grid").dataframe(
        table,
        hide_index=True,
        width="stretch",
        height=420,
        key=f"results_table_{map_pick}" if default else "results_table",
        selection_default=default,
        on_select="rerun",
        selection_mode="multi-row",
        column_config={
            T.COL_KINDS: st.column_config.ListColumn(T.COL_KINDS),
            T.COL_SECTORS: st.column_config.ListColumn(T.COL_SECTORS),
            T.COL_WEBSITE: st.column_config.LinkColumn(T.COL_WEBSITE),
            # "localized": French digits (12,5) whatever the browser's language (see ui/french_ui.js).
            T.COL_DISTANCE: st.column_config.NumberColumn(T.COL_DISTANCE, format="localized", step=0.1),
        },
    )
    rows = event.selection.rows if event else []
    return [str(shown["id"].iloc[r]) for r in rows]


# The browser gives up on a file the server has not made within 3 minutes (Streamlit's deferred download,
# with an English « Request timed out »): a workbook takes about 0.25 ms a result on the 2-core test machine
# (133,116 in 33 s), so above this many results the page offers the CSV only (999,000 results: 25 s).
XLSX_PAGE_MAX_ROWS = min(300_000, XLSX_MAX_ROWS)


# Not cached: made once per click (Streamlit's deferred download), and a file of every result of a national
# search is 300 MB of CSV that a cache would hold a pickled copy of (docs/performance.md).
def results_file(directory_key: str, query: SearchQuery, fmt: str) -> bytes:
    """Every result of the search (not only the shown rows) as CSV or XLSX, built on demand."""
    return export_search(search_index(directory_key), query, fmt)  # type: ignore[arg-type]


def _results_export(directory_key: str, query: SearchQuery, total: int) -> None:
    cols = st.columns([2, 1, 1])
    cols[0].caption(T.RESULTS_EXPORT.format(n=french_number(total)))
    stem = f"fournisseurs-{date.today().isoformat()}"
    for col, (fmt, export) in zip(cols[1:], TABLES.items(), strict=True):
        too_many = fmt == "xlsx" and total > XLSX_PAGE_MAX_ROWS
        col.download_button(
            export.label,
            data=partial(results_file, directory_key, query, fmt),
            file_name=f"{stem}{export.suffix}",
            mime=export.mime,
            icon=":material/download:",
            help=T.RESULTS_XLSX_TOO_MANY.format(max=french_number(XLSX_PAGE_MAX_ROWS)) if too_many else export.help,
            on_click="ignore",
            key=f"results_export_{fmt}",
            disabled=too_many,
        )


def _detail(row: pd.Series | None, near: tuple[float, float] | None = None) -> None:
    st.subheader(T.DETAIL_HEADER)
    if row is None:
        st.caption(T.DETAIL_NONE)
        return
    st.markdown(f"**{md_text(row['name'])}**")
    kinds = [f"{c} — {KIND_BY_CODE[c].label}" for c in row["kinds"] if c in KIND_BY_CODE]
    if kinds:
        st.markdown("\n".join(f"- {md_text(k)}" for k in kinds))
    if isinstance(row.get("distance_km"), float) and not math.isnan(row["distance_km"]):
        st.metric(T.COL_DISTANCE, french_number(row["distance_km"], 1))
    sectors = sector_labels()
    if row["sectors"]:
        st.markdown(T.DETAIL_SECTORS + md_text(", ".join(sectors.get(s, s) for s in row["sectors"])))
    if row.get("description"):
        st.markdown(md_text(row["description"]))
    fields = []
    names = state.territory_names()
    readable = {"geo_precision": GEO_PRECISION_LABELS, "department": names.departments, "region": names.regions}
    for col, label in T.DETAIL_FIELDS.items():
        value = row.get(col)
        if col in readable:
            value = readable[col].get(value, value)
        if isinstance(value, str) and value:
            fields.append({T.DETAIL_FIELD: label, T.DETAIL_VALUE: value})
    # A table, not markdown: every value is shown as plain text.
    st.dataframe(pd.DataFrame(fields), hide_index=True, width="stretch")
    date = iso_date(row["source_date"])
    st.caption(T.DETAIL_SOURCE.format(source=row["source_name"], date=date, line=int(row["source_line"])))
    _provenance(row)
    _contracts(row, near)
    # A callback: the focus is set before the rerun draws the map, so one click centres it.
    st.button(
        T.DETAIL_SHOW_ON_MAP, key="show_on_map", icon=":material/location_on:", on_click=_focus,
        args=(float(row["lat"]), float(row["lon"])),
    )  # fmt: skip
    shortlist_panel.add_one_button(st, row)


def _focus(lat: float, lon: float) -> None:
    st.session_state["map_focus"] = (lat, lon)


def _contracts(row: pd.Series, near: tuple[float, float] | None) -> None:
    """The public contracts the supplier won (DECP), as one sentence and the latest contracts."""
    number = state.version_number(st.session_state.directory_key)
    sentence, lines = supplier_summary(number, row.get("siret"), row.get("contracts_checked"), near)
    if sentence:
        st.markdown(T.CONTRACTS_LINE.format(sentence=md_text(sentence)))
    if lines:
        with st.expander(T.CONTRACTS_LIST):
            st.markdown("\n".join(f"- {md_text(line)}" for line in lines))


def _provenance(row: pd.Series) -> None:
    """Each value with its source and the date and age of that source's data (the team's directory)."""
    if is_stale(row.get("source_date")):
        st.warning(T.DETAIL_STALE, icon=":material/history:")
    sources = state.supplier_sources(st.session_state.directory_key, row["id"])
    if sources is not None and len(sources):
        with st.expander(T.PROVENANCE_HEADER):
            st.dataframe(sources, hide_index=True, width="stretch")  # text cells: values stay inert


def _charts(directory_key: str, query: SearchQuery) -> None:
    """The counts as HTML bars made here (`ui.bars`): no chart library for the browser to load."""
    st.subheader(T.CHARTS_HEADER)
    facets = chart_counts(directory_key, query)
    shown = [(T.CHART_KINDS, facets.kinds), (T.CHART_SECTORS, facets.sectors)]
    if facets.bands is not None:
        shown.append((T.CHART_DISTANCE, facets.bands))
    for col, (title, counts) in zip(st.columns(len(shown)), shown, strict=True):
        col.caption(title)
        col.html(bars_html(counts, title=title, empty=T.CHART_EMPTY))


def render() -> None:
    key = st.session_state.directory_key
    if key == state.DEMO_KEY:
        st.info(T.DEMO_BADGE, icon=":material/science:")
    index = search_index(key)
    query, place_label = sidebar_query()
    if st.session_state.get("place_not_understood"):  # say it here, not only in the sidebar
        st.warning(T.PLACE_NOT_UNDERSTOOD_MAIN.format(text=st.session_state["place_not_understood"]))
    total = result_count(key, query)  # the count first: the rows come after
    headline = T.RESULTS_COUNT.format(n=french_number(total))
    if place_label and query.radius_km is not None:
        headline += T.RESULTS_NEAR.format(radius=french_number(query.radius_km), place=place_label)
    st.subheader(headline)
    if total == 0:
        _explain_empty(index, query)
        return
    # Online by default (IGN plan); the map falls back by itself to the offline basemap without network.
    tiles = not st.toggle(
        T.MAP_OFFLINE, key="hors_ligne", value=not search_map.TILES_BY_DEFAULT, help=T.MAP_OFFLINE_HELP
    )
    map_col, detail_col = st.columns([2, 1])
    with map_col:
        focus = st.session_state.get("map_focus")
        clicked_id = search_map.draw(key, query, tiles, height=560, focus=focus, zoom=FOCUS_ZOOM if focus else None)
    if clicked_id:  # a marker just clicked: its card, and its row selected in the grid
        st.session_state["last_map_click"] = clicked_id
        st.session_state["selected_id"] = clicked_id
    # The table shows TABLE_LIMIT rows; copying every result would cost ~1 s on 1M rows.
    found, table = shown_results(key, query)
    if found.total > TABLE_LIMIT:
        st.caption(T.TABLE_NOTE.format(shown=french_number(TABLE_LIMIT), n=french_number(found.total)))
    checked = _results_table(found.results, table, st.session_state.get("last_map_click"))
    newly_checked = [i for i in checked if i not in st.session_state.get("last_table_rows", ())]
    st.session_state["last_table_rows"] = tuple(checked)
    if newly_checked:  # the card follows the row the buyer has just checked
        st.session_state["selected_id"] = newly_checked[-1]
    shortlist_panel.add_checked_panel(full_rows(index, found, checked))
    _results_export(key, query, found.total)
    selected = st.session_state.get("selected_id")
    card = full_rows(index, found, [selected] if selected else [])  # the card's row, every column
    with detail_col:
        _detail(supplier_row(index, card, selected, query.near), query.near)
    _charts(key, query)
