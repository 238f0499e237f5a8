"""Page "Recherche et carte": filters (bound to the URL), count, map, table, detail, charts.

The page only gathers input and shows output: search is `sourcing.search`, the map is
`sourcing.mapping`, places are `sourcing.gazetteer`.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date
from functools import partial

import numpy as np
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from sourcing.exports import MIME, export_suppliers
from sourcing.exports.tables import XLSX_MAX_ROWS
from sourcing.gazetteer import Gazetteer
from sourcing.model import FAMILIES, GEO_PRECISION_LABELS, HEADCOUNT_BANDS, KIND_BY_CODE, KINDS
from sourcing.search import SearchIndex, SearchQuery, haversine_km, search, widen
from sourcing.taxonomy import cpv_label, load_taxonomy, normalise_naf_code, sectors_for_cpv
from ui import shortlist_panel, state
from ui import texts as T
from ui.map import builder as mapping
from ui.safe_text import md_text as _md_text

TABLE_LIMIT = 2000
DEFAULT_RADIUS = 30
URL = "query-params"


# --- Cached reference data (keyed on small values) ----------------------------------------------


@st.cache_resource(show_spinner=T.SPINNER_SEARCH, max_entries=4)
def search_index(directory_key: str) -> SearchIndex:
    return SearchIndex.build(state.load_directory(directory_key))


@st.cache_resource
def place_options() -> tuple[list[str], dict[str, tuple[str, str]]]:
    """Labels offered in the place box, and label -> (kind, code) to resolve them."""
    g = Gazetteer.load()
    communes = g.communes[g.communes["type"].isin(["commune", "arrondissement"])]
    communes = communes.sort_values("population", ascending=False)
    first_pc = communes["postal_codes"].fillna("").str.split().str[0].fillna("")
    labels = (communes["name"] + " (" + first_pc.where(first_pc != "", communes["department"]) + ")").tolist()
    lookup: dict[str, tuple[str, str]] = {}
    options: list[str] = []
    for label, code in zip(labels, communes["insee_code"], strict=True):
        if label not in lookup:
            lookup[label] = ("commune", code)
            options.append(label)
    for code, name in zip(g.departments["code"], g.departments["name"], strict=True):
        label = T.PLACE_DEPARTMENT.format(name=name, code=code)
        lookup[label] = ("department", code)
        options.append(label)
    for code, name in zip(g.regions["code"], g.regions["name"], strict=True):
        label = T.PLACE_REGION.format(name=name)
        lookup[label] = ("region", code)
        options.append(label)
    return options, lookup


@st.cache_resource
def sector_labels() -> dict[str, str]:
    tax = load_taxonomy()
    return dict(zip(tax.sectors["sector_id"], tax.sectors["group_label"] + " › " + tax.sectors["label"], strict=True))


@st.cache_resource
def territory_labels() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    g = Gazetteer.load()
    deps = dict(zip(g.departments["code"], g.departments["name"] + " (" + g.departments["code"] + ")", strict=True))
    regs = dict(zip(g.regions["code"], g.regions["name"], strict=True))
    epcis = dict(zip(g.epcis["code"], g.epcis["name"], strict=True))
    return deps, regs, epcis


@st.cache_resource(max_entries=8, show_spinner=T.SPINNER_MAP)
def supplier_map(directory_key: str, query: SearchQuery, tiles: bool):
    columns = (*mapping.REQUIRED_COLUMNS, "match_reason")
    found = search(search_index(directory_key), replace(query, limit=None, columns=columns))
    return mapping.build_map(found.results, center=query.near, radius_km=query.radius_km, tiles=tiles)


@st.cache_data(max_entries=32, show_spinner=False)
def chart_counts(directory_key: str, query: SearchQuery) -> tuple[pd.Series, pd.Series, pd.Series | None]:
    """Counts by kind, by sector (top 10) and by distance band over ALL results (cached: small output)."""
    found = search(search_index(directory_key), replace(query, limit=None, columns=("kinds", "sectors", "distance_km")))
    results = found.results
    kinds = results["kinds"].explode().dropna().value_counts()
    labels = load_taxonomy().sectors.set_index("sector_id")["label"]
    sectors = results["sectors"].explode().dropna().map(labels).value_counts().head(10)
    bands = None
    if query.near is not None:
        cut = pd.cut(
            results["distance_km"], [0, 10, 30, 60, 100, 200, np.inf], labels=T.DISTANCE_BANDS, include_lowest=True
        )
        bands = cut.value_counts().reindex(T.DISTANCE_BANDS, fill_value=0)
    return kinds, sectors, bands


# --- Filters ----------------------------------------------------------------------------------


def _resolve_place(value: str | None):
    """The chosen place as a Resolution-like tuple (lat, lon, department, region, label) or None."""
    if not value:
        return None
    g = Gazetteer.load()
    _, lookup = place_options()
    if value in lookup:
        kind, code = lookup[value]
        text = {
            "commune": f"INSEE {code}",
            "department": code,
            "region": value.removeprefix(T.PLACE_REGION.format(name="")),
        }[kind]
        res = g.resolve(text)
    else:
        res = g.resolve(value)
    if res.status == "ambiguous":
        st.warning(T.PLACE_AMBIGUOUS.format(text=value))
        labels = [c.label for c in res.candidates]
        choice = st.selectbox(T.PLACE_CHOICE, labels, key="place_choice")
        res = g.resolve(choice) if choice else res
        if res.status != "ok":
            chosen = next(c for c in res.candidates if c.label == choice) if res.candidates else None
            return (chosen.lat, chosen.lon, chosen.department, chosen.region, chosen.label) if chosen else None
    if res.status != "ok":
        st.error(res.message)
        return None
    return res.lat, res.lon, res.department, res.region, res.label


def _kind_checkboxes() -> tuple[str, ...]:
    chosen = []
    with st.expander(T.KINDS_HEADER, expanded=True):
        for family in FAMILIES:
            st.caption(T.FAMILY_LABELS[family])
            for kind in (k for k in KINDS if k.family == family):
                if st.checkbox(kind.code, key=f"t_{kind.code}", help=f"{kind.label} — {kind.legal_basis}", bind=URL):
                    chosen.append(kind.code)
    return tuple(chosen)


def _filters() -> tuple[SearchQuery, str | None, str]:
    """Draw the filters in the sidebar; return the query, the place label and the sort key."""
    deps, regs, epcis = territory_labels()
    sectors = sector_labels()
    options, _ = place_options()
    with st.sidebar:
        st.header(T.FILTERS)
        place_value = st.selectbox(
            T.PLACE_LABEL, options, index=None, key="lieu", placeholder=T.PLACE_PLACEHOLDER,
            help=T.PLACE_HELP, accept_new_options=True, bind=URL,
        )  # fmt: skip
        place = _resolve_place(place_value)
        radius = st.slider(
            T.RADIUS_LABEL, 0, 200, DEFAULT_RADIUS, step=5, key="rayon", disabled=place is None, bind=URL
        )
        include_area = st.checkbox(T.AREA_LABEL, key="zone", help=T.AREA_HELP, disabled=place is None, bind=URL)
        kinds = _kind_checkboxes()
        chosen_sectors = st.multiselect(
            T.SECTORS_LABEL, list(sectors), format_func=sectors.__getitem__, key="secteurs",
            placeholder=T.SECTORS_PLACEHOLDER, bind=URL,
        )  # fmt: skip
        q = st.text_input(T.KEYWORDS_LABEL, key="q", help=T.KEYWORDS_HELP, bind=URL)
        with st.expander(T.MORE_FILTERS):
            naf = st.text_input(T.NAF_LABEL, key="naf", help=T.NAF_HELP, bind=URL).strip()
            cpv = st.text_input(T.CPV_LABEL, key="cpv", help=T.CPV_HELP, bind=URL).strip()
            if cpv:
                mapped = sectors_for_cpv(cpv)
                if not mapped:
                    st.warning(T.CPV_UNKNOWN.format(code=cpv))
                else:
                    st.caption(
                        T.CPV_MAPS_TO.format(
                            code=cpv, label=cpv_label(cpv) or "", sectors=", ".join(sectors.get(s, s) for s in mapped)
                        )
                    )
            if naf and not normalise_naf_code(naf) and not naf.replace(".", "").isalnum():
                st.warning(T.NAF_UNREADABLE.format(code=naf))
            departments = st.multiselect(
                T.DEPARTMENTS_LABEL, list(deps), format_func=deps.__getitem__, key="dep", bind=URL
            )
            regions = st.multiselect(T.REGIONS_LABEL, list(regs), format_func=regs.__getitem__, key="reg", bind=URL)
            chosen_epcis = st.multiselect(
                T.EPCI_LABEL, list(epcis), format_func=epcis.__getitem__, key="epci", bind=URL
            )
            bands = [label for code, label in HEADCOUNT_BANDS.items() if code != "NN"]
            headcount = st.multiselect(T.HEADCOUNT_LABEL, bands, key="effectif", bind=URL)
        sort = st.radio(
            T.SORT_LABEL, list(T.SORT_OPTIONS), format_func=T.SORT_OPTIONS.__getitem__, key="tri",
            horizontal=True, bind=URL,
        )  # fmt: skip
        st.caption(T.SHARE_HINT)
    query = SearchQuery(
        near=(place[0], place[1]) if place else None,
        radius_km=float(radius) if place else None,
        near_department=place[2] if place else None,
        near_region=place[3] if place else None,
        include_intervention_area=bool(include_area and place),
        departments=tuple(departments),
        regions=tuple(regions),
        epcis=tuple(chosen_epcis),
        kinds=kinds,
        sectors=tuple(chosen_sectors),
        naf=naf or None,
        cpv=cpv or None,
        q=q or None,
        headcount_bands=tuple(headcount),
        sort=sort if place or sort == "name" else "name",
    )
    return query, place[4] if place else None, sort


# --- Results ----------------------------------------------------------------------------------


def _fr(n: float) -> str:
    return f"{n:,.0f}".replace(",", "\u202f")


def _explain_empty(index: SearchIndex, query: SearchQuery) -> None:
    st.warning(T.NO_RESULT)
    widening = widen(index, query)
    radius = widening.get("radius", [])
    for wider, n in radius:
        if n > 0:
            st.info(T.WIDEN_RADIUS.format(radius=_fr(query.radius_km or 0), n=_fr(n), wider=_fr(wider)))
            if st.button(T.WIDEN_BUTTON.format(wider=_fr(wider))):
                st.session_state["rayon"] = int(min(wider, 200))
                st.rerun()
            break
    for name, n in widening.get("filters", []):
        if n > 0:
            st.info(T.WIDEN_FILTER.format(filter=name, n=_fr(n)))


def _results_table(results: pd.DataFrame, map_pick: str | None) -> list[str]:
    """The results grid; returns the ids of the checked rows (in grid order).

    A marker clicked on the map (`map_pick`) is shown selected in the grid: the grid gets a new key
    with that row as its default selection (a grid's selection cannot be set once drawn).
    """
    sectors = load_taxonomy().sectors.set_index("sector_id")["label"].to_dict()
    shown = results.head(TABLE_LIMIT)
    positions = np.flatnonzero(shown["id"].to_numpy() == map_pick) if map_pick else []
    default = {"selection": {"rows": [int(positions[0])], "columns": []}} if len(positions) else None
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
    if table[T.COL_DISTANCE].isna().all():
        table = table.drop(columns=[T.COL_DISTANCE])
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
            T.COL_DISTANCE: st.column_config.NumberColumn(T.COL_DISTANCE, format="%.1f"),
        },
    )
    rows = event.selection.rows if event else []
    return [str(shown["id"].iloc[r]) for r in rows]


@st.cache_data(max_entries=4, show_spinner=False)
def results_file(directory_key: str, query: SearchQuery, fmt: str) -> bytes:
    """Every result of the search (not only the shown rows) as CSV or XLSX, built on demand."""
    found = search(search_index(directory_key), replace(query, limit=None))
    return export_suppliers(found.results, fmt)  # type: ignore[arg-type]


def _results_export(directory_key: str, query: SearchQuery, total: int) -> None:
    cols = st.columns([2, 1, 1])
    cols[0].caption(T.RESULTS_EXPORT.format(n=_fr(total)))
    stem = f"fournisseurs-{date.today().isoformat()}"
    for col, fmt, label in ((cols[1], "csv", T.EXPORT_CSV), (cols[2], "xlsx", T.EXPORT_XLSX)):
        col.download_button(
            label,
            data=partial(results_file, directory_key, query, fmt),
            file_name=f"{stem}.{fmt}",
            mime=MIME[fmt],
            icon=":material/download:",
            help=T.EXPORT_HELP,
            on_click="ignore",
            key=f"results_export_{fmt}",
            disabled=fmt == "xlsx" and total > XLSX_MAX_ROWS,
        )


def _detail(row: pd.Series | None) -> None:
    st.subheader(T.DETAIL_HEADER)
    if row is None:
        st.caption(T.DETAIL_NONE)
        return
    st.markdown(f"**{_md_text(row['name'])}**")
    kinds = [f"{c} — {KIND_BY_CODE[c].label}" for c in row["kinds"] if c in KIND_BY_CODE]
    if kinds:
        st.markdown("\n".join(f"- {_md_text(k)}" for k in kinds))
    if isinstance(row.get("distance_km"), float) and not math.isnan(row["distance_km"]):
        st.metric(T.COL_DISTANCE, f"{row['distance_km']:.1f}".replace(".", ","))
    sectors = sector_labels()
    if row["sectors"]:
        st.markdown(T.DETAIL_SECTORS + _md_text(", ".join(sectors.get(s, s) for s in row["sectors"])))
    if row.get("description"):
        st.markdown(_md_text(row["description"]))
    fields = []
    deps, regs, _ = territory_labels()
    readable = {"geo_precision": GEO_PRECISION_LABELS, "department": deps, "region": regs}
    for col, label in T.DETAIL_FIELDS.items():
        value = row.get(col)
        if col in readable:
            value = readable[col].get(value, value)
        if isinstance(value, str) and value:
            fields.append({T.DETAIL_FIELD: label, T.DETAIL_VALUE: value})
    # A table, not markdown: every value is shown as plain text.
    st.dataframe(pd.DataFrame(fields), hide_index=True, width="stretch")
    date = _french_date(row["source_date"])
    st.caption(T.DETAIL_SOURCE.format(source=row["source_name"], date=date, line=int(row["source_line"])))
    if st.button(T.DETAIL_SHOW_ON_MAP, key="show_on_map", icon=":material/location_on:"):
        st.session_state["map_focus"] = (float(row["lat"]), float(row["lon"]))
    shortlist_panel.add_one_button(st, row)


def _french_date(iso: str) -> str:
    parts = str(iso).split("-")
    return "/".join(reversed(parts)) if len(parts) == 3 else str(iso)


def _charts(directory_key: str, query: SearchQuery) -> None:
    st.subheader(T.CHARTS_HEADER)
    kinds, sectors, bands = chart_counts(directory_key, query)
    cols = st.columns(3 if bands is not None else 2)
    cols[0].caption(T.CHART_KINDS)
    cols[0].bar_chart(kinds.rename(T.CHART_UNIT), horizontal=True, height=320, sort=False)
    cols[1].caption(T.CHART_SECTORS)
    cols[1].bar_chart(sectors.rename(T.CHART_UNIT), horizontal=True, height=320, sort=False)
    if bands is not None:
        cols[2].caption(T.CHART_DISTANCE)
        cols[2].bar_chart(bands.rename(T.CHART_UNIT), height=320, sort=False)


def _selected_row(index: SearchIndex, found_results: pd.DataFrame, selected: str | None, query: SearchQuery):
    """The selected supplier's row: from the shown results, else (a map click beyond them) the directory."""
    if not selected:
        return None
    rows = found_results[found_results["id"] == selected]
    if len(rows):
        return rows.iloc[0]
    rows = index.frame[index.frame["id"] == selected]
    if not len(rows):
        return None
    row = rows.iloc[0].copy()
    row["distance_km"] = (
        float(haversine_km(np.array([row["lat"]]), np.array([row["lon"]]), *query.near)[0]) if query.near else np.nan
    )
    return row


def render() -> None:
    key = st.session_state.directory_key
    if key == state.DEMO_KEY:
        st.info(T.DEMO_BADGE, icon=":material/science:")
    index = search_index(key)
    query, place_label, _ = _filters()
    # The table shows TABLE_LIMIT rows; copying every result would cost ~1 s on 1M rows.
    found = search(index, replace(query, limit=TABLE_LIMIT))
    headline = T.RESULTS_COUNT.format(n=_fr(found.total))
    if place_label and query.radius_km is not None:
        headline += T.RESULTS_NEAR.format(radius=_fr(query.radius_km), place=place_label)
    st.subheader(headline)
    if found.total == 0:
        _explain_empty(index, query)
        return
    tiles = st.toggle(T.MAP_TILES, key="fond", value=False)
    map_col, detail_col = st.columns([2, 1])
    with map_col:
        focus = st.session_state.get("map_focus")
        clicked = st_folium(
            supplier_map(key, query, tiles),
            key="map",
            height=560,
            use_container_width=True,
            returned_objects=["last_object_clicked_popup"],
            center=focus,
            zoom=14 if focus else None,
        )
    clicked_id = mapping.supplier_id_from_click(clicked)
    if clicked_id and clicked_id != st.session_state.get("last_map_click"):
        st.session_state["last_map_click"] = clicked_id
        st.session_state["selected_id"] = clicked_id
    if found.total > TABLE_LIMIT:
        st.caption(T.TABLE_NOTE.format(shown=_fr(TABLE_LIMIT), n=_fr(found.total)))
    checked = _results_table(found.results, st.session_state.get("last_map_click"))
    newly_checked = [i for i in checked if i not in st.session_state.get("last_table_rows", ())]
    st.session_state["last_table_rows"] = tuple(checked)
    if newly_checked:  # the card follows the row the buyer has just checked
        st.session_state["selected_id"] = newly_checked[-1]
    shortlist_panel.add_checked_panel(found.results[found.results["id"].astype(str).isin(checked)])
    _results_export(key, query, found.total)
    selected = st.session_state.get("selected_id")
    with detail_col:
        _detail(_selected_row(index, found.results, selected, query))
    _charts(key, query)
