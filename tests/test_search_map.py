"""The search page's map: the component gets what `st_folium` would send, prepared once per search, and
a search with more results than the map holds says which ones it shows."""

from __future__ import annotations

import json
from unittest import mock

import pytest
import streamlit_folium as sf

from sourcing.directory import load_demo
from tests.helpers import app_test, format_regex
from ui import search_map
from ui import texts as T
from ui.map import builder
from ui.map.layer import legend_html


def _twin_maps(results):
    """Two maps of the same results whose elements carry the same ids (folium draws random ones)."""
    first, second = (builder.build_map(results, center=(45.75, 4.85), radius_km=30) for _ in range(2))
    for a, b in zip(search_map._walk(first), search_map._walk(second), strict=True):
        b._id = a._id
    return first, second


def test_component_gets_exactly_what_st_folium_sends():
    results = load_demo().head(300).assign(distance_km=1.5)
    first, second = _twin_maps(results)
    sent: dict = {}
    with mock.patch.object(sf, "_component_func", lambda **kw: sent.update(kw)):
        sf.st_folium(first, key=search_map.MAP_KEY, height=560, use_container_width=True,
                     returned_objects=search_map.RETURNED)  # fmt: skip
    prepared = search_map.component_args(second)
    assert prepared == {k: sent[k] for k in prepared}


@pytest.mark.parametrize(("total", "found", "said"), [(1000, 4995, True), (4995, 4995, False), (10, None, False)])
def test_legend_says_when_the_map_holds_only_the_first_results(total, found, said):
    legend = legend_html(shown=total, total=total, radius_km=None, has_center=False, found_total=found)
    assert ("premiers des" in legend) is said


def _map_script(at) -> str:
    (component,) = at.get("component_instance")
    return json.loads(component.proto.json_args)["script"]


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
    search_map.map_args.clear()
    at = app_test().run()
    assert not at.exception
    key = at.session_state["directory_key"]
    assert asked == [(key, default_query(), search_map.TILES_BY_DEFAULT, search_map.MAP_LIMIT)]
    at.sidebar.checkbox(key="t_ESAT").check().run()  # a filter changed: another map
    assert len(asked) == 2 and asked[1][1] != default_query()


def test_a_cached_map_gives_the_same_arguments_when_they_are_made_again():
    """`map_args` may be evicted while `map_figure` is kept (or filled by the warm-up before it): the
    arguments made again from the cached map are the same (a folium map's header grows at each render)."""
    from ui.search_filters import default_query
    from ui.state import DEMO_KEY

    search_map.map_figure.clear()
    search_map.map_args.clear()
    first = search_map.map_args(DEMO_KEY, default_query(), True, 300)
    search_map.map_args.clear()  # evicted; the map itself stays cached
    assert search_map.map_args(DEMO_KEY, default_query(), True, 300) == first and first[1] == 300
