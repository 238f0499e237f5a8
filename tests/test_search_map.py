"""The search page's map: the component (ui/search_map.js) gets the map's script, its own styles and
Leaflet's files, prepared once per search, and a search with more results than the map holds says which
ones it shows."""

from __future__ import annotations

import json

import pytest

from sourcing.directory import load_demo
from tests.helpers import app_test, format_regex
from ui import search_map
from ui import texts as T
from ui.map import builder
from ui.map.layer import MAP_CSS, legend_html


def _twin_maps(results):
    """Two maps of the same results whose elements carry the same ids (folium draws random ones)."""
    first, second = (builder.build_map(results, center=(45.75, 4.85), radius_km=30) for _ in range(2))
    for a, b in zip(search_map._walk(first), search_map._walk(second), strict=True):
        b._id = a._id
    return first, second


def test_component_draws_the_map_into_its_own_element_with_leaflet_loaded_first():
    results = load_demo().head(300).assign(distance_km=1.5)
    first, second = _twin_maps(results)
    data = search_map.component_data(first)
    name = first.get_name()
    assert data["id"] == name and f'var {name} = L.map(\n                "{name}",' in data["script"]
    assert data["script"].count("window.supplierCluster = cluster") == 1
    assert [link.rsplit("/", 1)[-1] for link in data["js_links"]] == ["leaflet.js", "leaflet.markercluster.js"]
    assert [link.rsplit("/", 1)[-1] for link in data["css_links"]] == ["leaflet.css", "MarkerCluster.css"]
    # the same map gives the same data (and key), another search another key
    assert search_map.component_data(second) == data == search_map.component_data(first)
    other = builder.build_map(results.head(10), center=(45.75, 4.85), radius_km=30)
    assert search_map.component_data(other)["key"] != data["key"]


def test_component_styles_the_map_and_never_the_app_page():
    """folium's page header styles `html, body` and `#map` for a page of its own: in the app's page that
    would change Streamlit's layout. Only the map element's rule and the layer's styles are sent."""
    m = builder.build_map(load_demo().head(20).assign(distance_km=None))
    css = search_map.component_data(m)["css"]
    assert f"#{m.get_name()} {{" in css and MAP_CSS in css
    assert "html, body" not in css and "#map {" not in css and "<style" not in css


@pytest.mark.parametrize(("total", "found", "said"), [(1000, 4995, True), (4995, 4995, False), (10, None, False)])
def test_legend_says_when_the_map_holds_only_the_first_results(total, found, said):
    legend = legend_html(shown=total, total=total, radius_km=None, has_center=False, found_total=found)
    assert ("premiers des" in legend) is said


def _map_script(at) -> str:
    (component,) = [c for c in at.get("bidi_component") if c.proto.component_name == search_map.COMPONENT_NAME]
    return json.loads(component.proto.json)["script"]


def test_search_page_map_holds_every_result_up_to_the_limit_and_says_so_beyond(monkeypatch):
    at = app_test().run()
    assert not at.exception
    assert not [c for c in at.caption if format_regex(T.MAP_NOTE).match(c.value)]  # 4,995 < MAP_LIMIT
    assert "premiers des" not in _map_script(at)
    monkeypatch.setattr(search_map, "MAP_LIMIT", 1000)
    at.run()
    note = [c.value for c in at.caption if format_regex(T.MAP_NOTE).match(c.value)]
    assert note and "1\u202f000" in note[0] and "4\u202f995" in note[0]
    script = _map_script(at)
    assert "Les 1\u202f000 premiers des 4\u202f995" in script
    markers = json.loads(script.split("var D = ", 1)[1].split(";\n", 1)[0])
    assert len(markers["id"]) == 1000  # the demo's first 1,000 are all located


def test_the_map_of_a_fresh_page_is_the_one_the_warm_up_prepares(monkeypatch):
    """`ui.warmup` prepares `map_figure(key, default_query(), TILES_BY_DEFAULT, MAP_LIMIT)`: a fresh
    search page must ask for exactly that map, or its first visitor waits for the search and the
    payload again (about 4 s at 1,000,000 suppliers)."""
    from ui.search_filters import default_query

    asked = []
    real = search_map.map_figure
    monkeypatch.setattr(search_map, "map_figure", lambda *args: asked.append(args) or real(*args))
    search_map.map_data.clear()
    at = app_test().run()
    assert not at.exception
    key = at.session_state["directory_key"]
    assert asked == [(key, default_query(), search_map.TILES_BY_DEFAULT, search_map.MAP_LIMIT)]
    at.sidebar.checkbox(key="t_ESAT").check().run()  # a filter changed: another map
    assert len(asked) == 2 and asked[1][1] != default_query()


def test_a_cached_map_gives_the_same_data_when_it_is_made_again():
    """`map_data` may be evicted while `map_figure` is kept (or filled by the warm-up before it): the
    data made again from the cached map are the same (a folium map's header grows at each render)."""
    from ui.search_filters import default_query
    from ui.state import DEMO_KEY

    search_map.map_figure.clear()
    search_map.map_data.clear()
    first = search_map.map_data(DEMO_KEY, default_query(), True, 300)
    search_map.map_data.clear()  # evicted; the map itself stays cached
    assert search_map.map_data(DEMO_KEY, default_query(), True, 300) == first and first[1] == 300
