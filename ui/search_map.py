"""The search page's map: a Streamlit component of our own (`search_map.js`, st.components.v2) drawn in
the page itself, from data prepared once per search.

streamlit-folium drew each search's map in a new frame (its document, its React bundle, Leaflet fetched
script after script): about a second of the browser's single busy thread before the first marker on the
demo, and again at every filter change. The component loads Leaflet once per page and a new search only
replaces the map inside the same element. The map itself is still made by folium and `ui.map` (the same
script as the standalone map page); what the component gets is made once per (directory, query, tiles),
kept in a cache keyed on those small values: a rerun (a click on a table row) sends it again unchanged.

The map shows the first `MAP_LIMIT` results in the table's order; beyond that a browser would parse
and cluster megabytes of markers (16 MB at 100,000 results) before the page answers again.
"""

from __future__ import annotations

import copy
import hashlib
import re
from dataclasses import replace
from importlib.resources import files
from typing import Any, Final

import folium
import streamlit as st
from branca.element import Figure
from folium.elements import JSCSSMixin

from sourcing.frenchfmt import french_number
from sourcing.search import SearchQuery, search
from ui import texts as T
from ui.map import builder as mapping
from ui.map.layer import MAP_CSS
from ui.state import search_index

MAP_LIMIT = 20_000
TILES_BY_DEFAULT = True  # the IGN plan (the page falls back by itself to the offline basemap)
MAP_KEY = "map"
COMPONENT_NAME: Final = "sourcing_map"
COMPONENT_JS: Final = files(__package__).joinpath("search_map.js").read_text(encoding="utf-8")
# Component code is trusted code; the directory's text only reaches it inside the map's script, escaped.
_map_component = st.components.v2.component(COMPONENT_NAME, js=COMPONENT_JS, isolate_styles=False)


def _walk(element: Any):
    """The element and its descendants, depth first (the order its files must load in)."""
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def _style_of(header: str, map_id: str) -> str:
    """The map element's own style block in folium's page header (its size, font): the header's other
    blocks style a whole page (`html, body`), which must not reach the app's page."""
    blocks = re.findall(r"<style>(.*?)</style>", header, flags=re.DOTALL)
    return "\n".join(block for block in blocks if f"#{map_id}" in block)


def component_data(m: folium.Map) -> dict[str, Any]:
    """What `search_map.js` draws `m` from (see its header): folium's script for the map, the map's
    styles and the Leaflet files its elements ask for (no feature group, no layer control on our maps)."""
    # Rendering adds the map's script and styles to its page (its Figure) at every call: render a copy
    # in a fresh page, so that the same map always gives the same data, rendered before or not.
    figure = copy.deepcopy(m)
    root = Figure()
    root.add_child(figure)
    root.render()
    script = root.script.render()
    elements = [e for e in _walk(figure) if isinstance(e, JSCSSMixin)]
    css_links = [href for e in elements for _, href in getattr(e, "default_css", [])]
    js_links = [src for e in elements for _, src in getattr(e, "default_js", [])]
    return {
        "id": figure.get_name(),
        "script": script,
        "css": _style_of(root.header.render(), figure.get_name()) + "\n" + MAP_CSS,
        "css_links": list(dict.fromkeys(css_links)),
        "js_links": list(dict.fromkeys(js_links)),
        "key": hashlib.sha256(script.encode()).hexdigest(),
    }


@st.cache_resource(max_entries=8, show_spinner=T.SPINNER_MAP)
def map_figure(directory_key: str, query: SearchQuery, tiles: bool, limit: int) -> tuple[folium.Map, int, int]:
    """The folium map of the first `limit` results of this search, the results drawn, and the results
    in all: the costly part (the search's first run on a large directory, the payload), which
    `ui.warmup` prepares for a fresh page before the first visitor."""
    columns = (*mapping.REQUIRED_COLUMNS, "match_reason")
    found = search(search_index(directory_key), replace(query, limit=limit, columns=columns))
    m = mapping.build_map(
        found.results, center=query.near, radius_km=query.radius_km, tiles=tiles, found_total=found.total
    )
    return m, len(found.results), found.total


@st.cache_resource(max_entries=8, show_spinner=False)
def map_data(directory_key: str, query: SearchQuery, tiles: bool, limit: int) -> tuple[dict[str, Any], int, int]:
    """The component's data for `map_figure` (same key), the results drawn, and the results in all."""
    m, shown, total = map_figure(directory_key, query, tiles, limit)
    return component_data(m), shown, total


def draw(directory_key: str, query: SearchQuery, tiles: bool, *, height: int, focus, zoom) -> str | None:
    """The map of this search; returns the id of the supplier whose marker the buyer has just clicked
    (only in the rerun that click starts), else None."""
    data, shown, total = map_data(directory_key, query, tiles, MAP_LIMIT)
    if total > shown:
        st.caption(T.MAP_NOTE.format(shown=french_number(shown), n=french_number(total)))
    result = _map_component(
        key=MAP_KEY,
        data={**data, "height": height, "center": list(focus) if focus else None, "zoom": zoom},
        height=height,
        on_clicked_change=_ignore,
    )
    return result.clicked


def _ignore() -> None:
    """A marker click reruns the page (the trigger's callback must exist for Streamlit to send it)."""
