"""The search page's map, drawn by streamlit-folium's component from arguments prepared once per search.

`st_folium(m)` renders the whole folium map to HTML and JavaScript at EVERY rerun (a Jinja render,
regular expressions and a SHA-256 over the script, which holds the marker payload): 0.1 s for 12,000
markers, over 1 s for 100,000, paid again by a click on a table row. Here the same arguments are made
once per (directory, query, tiles), kept in a cache keyed on those small values, and handed to the
same component (`streamlit_folium._component_func`, pinned in requirements.txt) at each rerun: the
browser gets exactly what `st_folium` would send.

The map shows the first `MAP_LIMIT` results in the table's order; beyond that a browser would parse
and cluster megabytes of markers (16 MB at 100,000 results) before the page answers again.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

import folium
import streamlit as st
from folium.elements import JSCSSMixin

from sourcing.frenchfmt import french_number
from sourcing.search import SearchQuery, search
from ui import texts as T
from ui.map import builder as mapping
from ui.state import search_index

MAP_LIMIT = 20_000
TILES_BY_DEFAULT = True  # the IGN plan (the page falls back by itself to the offline basemap)
MAP_KEY = "map"
RETURNED = ["last_object_clicked_popup"]


def _walk(element: Any):
    """The element and its descendants, depth first (st_folium's order for the links)."""
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def component_args(m: folium.Map, key: str = MAP_KEY) -> dict[str, Any]:
    """What `st_folium(m, key=key, returned_objects=RETURNED)` computes before calling its component
    (streamlit-folium 0.27.4: no feature group, no layer control, no colormap on our maps)."""
    import streamlit_folium as sf  # here, not at the top: see `map_figure`

    m.get_root().render()
    m.render()
    html = sf._get_html(m)
    header = sf._get_header(m)
    script = sf._get_map_string(m)
    elements = [e for e in _walk(m) if isinstance(e, JSCSSMixin)]
    css_links = [href for e in elements for _, href in getattr(e, "default_css", [])]
    js_links = [src for e in elements for _, src in getattr(e, "default_js", [])]
    return {
        "script": script,
        "header": header,
        "html": html,
        "id": sf.get_full_id(m),
        "key": sf.generate_js_hash(script, key, False),
        "css_links": list(dict.fromkeys(css_links)),
        "js_links": list(dict.fromkeys(js_links)),
    }


@st.cache_resource(max_entries=8, show_spinner=T.SPINNER_MAP)
def map_figure(directory_key: str, query: SearchQuery, tiles: bool, limit: int) -> tuple[folium.Map, int, int]:
    """The folium map of the first `limit` results of this search, the results drawn, and the results
    in all: the costly part (the search's first run on a large directory, the payload), which
    `ui.warmup` prepares for a fresh page before the first visitor. This module imports
    streamlit_folium only inside functions the page calls: a component module imported by the warm-up
    thread would never be served."""
    columns = (*mapping.REQUIRED_COLUMNS, "match_reason")
    found = search(search_index(directory_key), replace(query, limit=limit, columns=columns))
    m = mapping.build_map(
        found.results, center=query.near, radius_km=query.radius_km, tiles=tiles, found_total=found.total
    )
    return m, len(found.results), found.total


@st.cache_resource(max_entries=8, show_spinner=False)
def map_args(directory_key: str, query: SearchQuery, tiles: bool, limit: int) -> tuple[dict[str, Any], int, int]:
    """The component's arguments for `map_figure` (same key), the results drawn, and the results in all."""
    m, shown, total = map_figure(directory_key, query, tiles, limit)
    # Rendering a folium map is not idempotent (its header grows at each render): render a copy (1 ms),
    # so that the cached map gives the same arguments when these are made again.
    return component_args(copy.deepcopy(m)), shown, total


def draw(directory_key: str, query: SearchQuery, tiles: bool, *, height: int, focus, zoom) -> Any:
    """The map of this search (as `st_folium(..., key="map", use_container_width=True)`); returns what
    the component returns (the last clicked marker's popup text)."""
    args, shown, total = map_args(directory_key, query, tiles, MAP_LIMIT)
    if total > shown:
        st.caption(T.MAP_NOTE.format(shown=french_number(shown), n=french_number(total)))
    hash_key = args["key"]
    import streamlit_folium as sf  # see `map_figure`

    def _on_change() -> None:
        st.session_state[MAP_KEY] = st.session_state.get(hash_key, {})

    return sf._component_func(
        **args,
        height=height,
        width=None,
        returned_objects=RETURNED,
        default={name: None for name in RETURNED},
        zoom=zoom,
        center=focus,
        feature_group=None,
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        on_change=_on_change,
        wrap_longitude=False,
    )
