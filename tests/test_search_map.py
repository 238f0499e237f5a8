"""The search page's map: the component (ui/search_map.js) gets the map's script, its own styles and
Leaflet's files, prepared once per search, and a search with more results than the map holds says which
ones it shows."""

from __future__ import annotations

import json

import orjson
import pytest

from sourcing.directory import load_demo
from tests.helpers import app_test, format_regex
from ui import search_map
from ui import texts as T
from ui.map import builder
from ui.map.script import MAP_CSS, legend_html


def test_component_draws_the_map_into_its_own_element_with_leaflet_loaded_first():
    results = load_demo().head(300).assign(distance_km=1.5)
    data = search_map.component_data(results, center=(45.75, 4.85), radius_km=30)
    name = data["id"]
    assert data["script"].startswith(f'var {name} = L.map("{name}", {{center: [45.75, 4.85], ')
    assert data["script"].count("window.supplierLayer = supplierLayer") == 1
    assert [link.rsplit("/", 1)[-1] for link in data["js_links"]] == ["leaflet.js"]
    assert [link.rsplit("/", 1)[-1] for link in data["css_links"]] == ["leaflet.css"]
    # the same results give the same data (and key), another search another key and element
    assert search_map.component_data(results, center=(45.75, 4.85), radius_km=30) == data
    other = search_map.component_data(results.head(10), center=(45.75, 4.85), radius_km=30)
    assert other["key"] != data["key"] and other["id"] != name


@pytest.mark.parametrize(
    "view",
    [{}, {"height": 560, "center": None, "zoom": None}, {"height": 480, "center": [45.75, 4.85], "zoom": 13},
     {"key": "remplacée", "note": "« Saint-Étienne » </script> ${x}"}],
)  # fmt: skip
def test_the_map_goes_as_json_bytes_with_the_pages_view_added(view):
    """What the component gets at each rerun: the cached map's JSON bytes with the view's keys added,
    read back as the merged object (a key given again wins, as in a dict and in JSON.parse)."""
    data = search_map.component_data(load_demo().head(50).assign(distance_km=None), found_total=50)
    encoded = orjson.dumps(data)
    sent = search_map.with_view(encoded, view)
    assert isinstance(sent, bytes) and json.loads(sent) == {**data, **view}
    assert sent.startswith(encoded[:-1])  # the map's bytes as they are, only the view written
    assert json.loads(search_map.with_view(b"{}", view)) == view  # nothing to add to: still one object


def _layer_script(script: str) -> str:
    """The supplier layer's part of a map's script (from its function to its end), the map's name left out."""
    part = script[script.index("(function () {") : script.rindex("})();") + len("})();")]
    return part.replace(part.split("var map = ", 1)[1].split(";", 1)[0], "MAP", 1)


@pytest.mark.parametrize(
    ("center", "radius_km", "tiles", "found_total"),
    [((45.75, 4.85), 30, True, None), (None, None, False, 4995), ((48.85, 2.35), None, True, 300)],
)
def test_the_search_map_runs_the_standalone_maps_own_script(center, radius_km, tiles, found_total):
    """Without folium, the component's map is the folium map's: the same layer script (markers, basemap,
    legend, view to frame) and the same Leaflet view and zoom range."""
    results = load_demo().head(300).assign(distance_km=1.5)
    data = search_map.component_data(results, center=center, radius_km=radius_km, tiles=tiles, found_total=found_total)
    m = builder.build_map(results, center=center, radius_km=radius_km, tiles=tiles, found_total=found_total)
    page = m.get_root().render()
    assert _layer_script(data["script"]) == _layer_script(page)
    view = builder.view_options(center, tiles=tiles)
    assert m.location == view["center"] and (m.options["max_zoom"], m.options["min_zoom"]) == (
        view["max_zoom"], view["min_zoom"])  # fmt: skip
    expected = {"zoom": view["zoom"], "zoomControl": True, "preferCanvas": True,
                "maxZoom": view["max_zoom"], "minZoom": view["min_zoom"]}  # fmt: skip
    assert f"...{json.dumps(expected)}}});" in data["script"]


def test_component_styles_the_map_and_never_the_app_page():
    """The map element's rule and the layer's styles are sent, nothing that would style the app's page
    (folium's page header styles `html, body` and `#map` for a page of its own)."""
    data = search_map.component_data(load_demo().head(20).assign(distance_km=None))
    css = data["css"]
    assert f"#{data['id']} {{" in css and MAP_CSS in css
    assert "html, body" not in css and "#map {" not in css and "<style" not in css


@pytest.mark.parametrize(("total", "found", "said"), [(1000, 4995, True), (4995, 4995, False), (10, None, False)])
def test_legend_says_when_the_map_holds_only_the_first_results(total, found, said):
    legend = legend_html(shown=total, total=total, radius_km=None, has_center=False, found_total=found)
    assert ("premiers des" in legend) is said


def _map_script(at) -> str:
    (component,) = [c for c in at.get("bidi_component") if c.proto.component_name == search_map.COMPONENT_NAME]
    assert component.proto.WhichOneof("data") == "bytes"  # forwarded as they are, never written as JSON again
    return json.loads(component.proto.bytes)["script"]


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
    """`ui.warmup` prepares `map_data(key, default_query(), TILES_BY_DEFAULT, MAP_LIMIT)`: a fresh
    search page must ask for exactly that map, or its first visitor waits for the search and the
    payload again (about 4 s at 1,000,000 suppliers)."""
    from ui.search_filters import default_query

    asked = []
    real = search_map.map_data
    monkeypatch.setattr(search_map, "map_data", lambda *args: asked.append(args) or real(*args))
    at = app_test().run()
    assert not at.exception
    key = at.session_state["directory_key"]
    assert asked == [(key, default_query(), search_map.TILES_BY_DEFAULT, search_map.MAP_LIMIT)]
    at.sidebar.checkbox(key="t_ESAT").check().run()  # a filter changed: another map
    assert len(asked) == 2 and asked[1][1] != default_query()
