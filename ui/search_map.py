"""The search page's map: a Streamlit component of our own (`search_map.js`, st.components.v2) drawn in
the page itself, from data prepared once per search.

streamlit-folium drew each search's map in a new frame (its document, its React bundle, Leaflet fetched
script after script): about a second of the browser's single busy thread before the first marker on the
demo, and again at every filter change. The component loads Leaflet once per page and a new search only
replaces the map inside the same element. The map's script is `ui.map`'s (`ui/map/script.py`: the same
layer script as `ui.map.builder.build_map`'s folium map, which tests and the bench open as a page of its
own), made without folium: folium compiles its 95 Jinja templates at import, a third of a second of CPU
the app's start no longer spends before the first page.
What the component gets is made once per (directory, query, tiles), kept in a cache keyed on those small
values: a rerun (a click on a table row) sends it again unchanged. It goes as the UTF-8 bytes of its JSON
(`with_view`), which Streamlit forwards as they are: a dict it would write as JSON twice per rerun (the
message and the element's identity), 49 ms for a 20,000-marker map against 11 ms for the bytes.

The map shows the first `MAP_LIMIT` results in the table's order; beyond that a browser would parse
and cluster megabytes of markers (16 MB at 100,000 results) before the page answers again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from importlib.resources import files
from typing import Any, Final, Unpack

import orjson
import streamlit as st

from sourcing.frenchfmt import french_number
from sourcing.search import SearchQuery, search_table
from ui import texts as T
from ui.map import builder as mapping
from ui.map.script import MAP_CSS, MAP_JS, declarations, layer_script
from ui.state import search_index

MAP_LIMIT = 20_000
TILES_BY_DEFAULT = True  # the IGN plan (the page falls back by itself to the offline basemap)
MAP_KEY = "map"
COMPONENT_NAME: Final = "sourcing_map"
LEAFLET_FILES_JS: Final = files(__package__).joinpath("leaflet_files.js").read_text(encoding="utf-8")
COMPONENT_JS: Final = LEAFLET_FILES_JS + files(__package__).joinpath("search_map.js").read_text(encoding="utf-8")
# Component code is trusted code; the directory's text only reaches it inside the map's script, escaped.
_map_component = st.components.v2.component(COMPONENT_NAME, js=COMPONENT_JS, isolate_styles=False)


# The map element's own rule (what folium writes for a map of its own page), then the layer's styles.
_ELEMENT_CSS: Final = (
    "#{id} {{ position: relative; width: 100.0%; height: 100.0%; left: 0.0%; top: 0.0%; }}\n"
    ".leaflet-container {{ font-size: 1rem; }}\n"
)


def _leaflet_map(map_id: str, view: dict[str, Any]) -> str:
    """The Leaflet map in element `map_id`, held in the variable of the same name (as folium declares it)."""
    options = {"zoom": view["zoom"], "zoomControl": True, "preferCanvas": True,
               "maxZoom": view["max_zoom"], "minZoom": view["min_zoom"]}  # fmt: skip
    return (
        f'var {map_id} = L.map("{map_id}", {{center: {json.dumps(view["center"])}, crs: L.CRS.EPSG3857, '
        f"...{json.dumps(options)}}});\n"
    )


def component_data(results: mapping.Results, **options: Unpack[mapping.LayerOptions]) -> dict[str, Any]:
    """What `search_map.js` draws (see its header): the Leaflet map and the layer's script
    (`ui.map.script`, the same as `build_map`'s folium map), the map's styles and the Leaflet files, for the
    map of `results` (`ui.map.builder.map_parts`'s arguments). The same results give the same data."""
    payload, layer = mapping.map_parts(results, **options)
    declared = declarations(payload, **layer)
    view = mapping.view_options(options.get("center"), tiles=options.get("tiles", False))
    # One pass over what makes the script (megabytes of payload): the map's element id and the key the
    # component compares to know whether the map changed.
    digest = hashlib.sha256(json.dumps(view).encode())
    for value in (*declared.values(), MAP_JS):
        digest.update(value.encode() + b"\0")
    key = digest.hexdigest()
    map_id = f"map_{key[:32]}"
    return {
        "id": map_id,
        "script": _leaflet_map(map_id, view) + layer_script(map_id, declared),
        "css": _ELEMENT_CSS.format(id=map_id) + MAP_CSS,
        **leaflet_links(),
        "key": key,
    }


def leaflet_links() -> dict[str, list[str]]:
    """The files the map loads: Leaflet's (`css_links`, `js_links`; the clusters are ui/map/map.js's own);
    every page asks for them early (app.py, `french_ui.install`)."""
    urls = mapping.asset_urls()
    return {
        "css_links": [urls["leaflet_css"]],
        "js_links": [urls["leaflet_js"]],
    }


@st.cache_resource(max_entries=8, show_spinner=T.SPINNER_MAP)
def map_data(directory_key: str, query: SearchQuery, tiles: bool, limit: int) -> tuple[bytes, int, int]:
    """The component's data for the map of the first `limit` results of this search (`component_data`, as
    JSON in UTF-8), the results drawn, and the results in all: the costly part (the search's first run on
    a large directory, the payload), which `ui.warmup` prepares for a fresh page before the first visitor."""
    # An Arrow table, not `search`'s DataFrame: a map's 20,000 rows at 1,000,000 suppliers never become
    # Python objects (with `columns.escaped`, the whole data 206 → 138 ms per new query, the same bytes:
    # docs/performance.md, stop 20).
    shown = replace(query, limit=limit, columns=mapping.REQUIRED_COLUMNS)
    results, total = search_table(search_index(directory_key), shown)
    data = component_data(results, center=query.near, radius_km=query.radius_km, tiles=tiles, found_total=total)
    return orjson.dumps(data), len(results), total


def with_view(encoded: bytes, view: dict[str, Any]) -> bytes:
    """`encoded` (a JSON object's UTF-8 bytes, as `map_data` makes them) with `view`'s keys added: what
    the component gets at each rerun, the map's megabytes copied once, never parsed or written again."""
    if not view:
        return encoded
    if encoded.rstrip() == b"{}":
        return orjson.dumps(view)
    return encoded[:-1] + b"," + orjson.dumps(view)[1:]


def draw(directory_key: str, query: SearchQuery, tiles: bool, *, height: int, focus, zoom) -> str | None:
    """The map of this search; returns the id of the supplier whose marker the buyer has just clicked
    (only in the rerun that click starts), else None."""
    encoded, shown, total = map_data(directory_key, query, tiles, MAP_LIMIT)
    if total > shown:
        st.caption(T.MAP_NOTE.format(shown=french_number(shown), n=french_number(total)))
    result = _map_component(
        key=MAP_KEY,
        data=with_view(encoded, {"height": height, "center": list(focus) if focus else None, "zoom": zoom}),
        height=height,
        on_clicked_change=_ignore,
    )
    return result.clicked


def _ignore() -> None:
    """A marker click reruns the page (the trigger's callback must exist for Streamlit to send it)."""
