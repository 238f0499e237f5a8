"""The supplier map: offline assets, one compact payload, escaping of directory text, legend, view."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import folium
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from sourcing.model import FAMILIES
from tests.helpers import PROJECT_DIR, XSS_NAMES
from ui.map import builder as mapping
from ui.map import columns as map_columns
from ui.map import layer
from ui.map.builder import build_map, map_html
from ui.map.payload import FAMILY_ORDER, markers, safe_json

ASSET_BASE = "/app/static/vendor"


def frame(rows: list[dict]) -> pd.DataFrame:
    """A results frame with every column the map reads; missing values default to empty."""
    base = {
        "id": "", "siret": None, "name": "", "trade_name": None, "kinds": [], "city": "", "postal_code": "",
        "department": "", "lat": np.nan, "lon": np.nan, "distance_km": np.nan,
    }  # fmt: skip
    return pd.DataFrame([{**base, **r} for r in rows])


def as_arrow(results: pd.DataFrame) -> pa.Table:
    """The same rows as a saved index's table gives them to the map (`search_table`): texts as Arrow large
    strings, kinds as a list column, missing values as nulls."""
    table = pa.Table.from_pandas(results, preserve_index=False)
    for i, field in enumerate(table.schema):
        if pa.types.is_string(field.type):
            table = table.set_column(i, field.name, table.column(i).cast(pa.large_string()))
    return table


@pytest.fixture(params=["dataframe", "arrow"])
def form(request):
    """The map's rows as a search's DataFrame, or as the Arrow table the app's map reads: the same markers."""
    return (lambda results: results) if request.param == "dataframe" else as_arrow


def sample() -> pd.DataFrame:
    lyon = {"city": "Lyon", "postal_code": "69003", "department": "69"}
    villeurbanne = {"city": "Villeurbanne", "postal_code": "69100", "department": "69"}
    return frame([
        {"id": "11111111100011", "siret": "11111111100011", "name": "ESAT Les Érables", "kinds": ["ESAT"],
         **lyon, "lat": 45.76, "lon": 4.85, "distance_km": 1.23},
        {"id": "x0000000000002", "name": "Régie de quartier", "trade_name": "Régie Nord",
         "kinds": ["ACI", "EI"], **villeurbanne, "lat": 45.77, "lon": 4.88},
        {"id": "x0000000000003", "name": "Coopérative Œuvre", "kinds": ["SCOP"], "city": "Besançon",
         "postal_code": "25000", "department": "25", "lat": 47.24, "lon": 6.02, "distance_km": 190.0},
        {"id": "x0000000000004", "name": "Sans position", "kinds": ["EA"], "city": "Nulle-Part"},
        {"id": "x0000000000005", "name": "Position fausse", "kinds": ["EA"], "lat": 95.0, "lon": 4.0},
        {"id": "x0000000000006", "name": "Longitude seule", "kinds": ["EA"], "lon": 4.0},
    ])  # fmt: skip


def embedded(page: str, var: str):
    """The JSON value assigned to `var NAME = ...;` in the map's script (one line each)."""
    found = re.search(rf"var {var} = (.*);\n", page)
    assert found, f"{var} not found in the map script"
    return json.loads(found.group(1))


def script_bodies(page: str) -> list[str]:
    return re.findall(r"<script(?:\s[^>]*)?>(.*?)</script>", page, flags=re.S)


# --- Assets ------------------------------------------------------------------------------------


def test_offline_map_loads_nothing_from_the_internet():
    page = map_html(sample(), asset_base=ASSET_BASE)
    sources = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', page)
    assert sources, "the map must load Leaflet from somewhere"
    assert not [s for s in sources if s.startswith(("http:", "https:", "//"))]
    assert set(sources) == {
        f"{ASSET_BASE}/leaflet/dist/leaflet.js",
        f"{ASSET_BASE}/leaflet/dist/leaflet.css",
    }
    for cdn in ("cdn.jsdelivr.net", "cdnjs.cloudflare.com", "code.jquery.com", "bootstrapcdn", "unpkg.com"):
        assert cdn not in page
    assert "tile.openstreetmap.org" not in page
    assert "AwesomeMarkers" not in page


def test_asset_base_is_used_verbatim_and_trailing_slash_ignored():
    page = map_html(sample(), asset_base="/base/vendor/")
    assert 'src="/base/vendor/leaflet/dist/leaflet.js"' in page
    assert "/base/vendor//" not in page


def test_cdn_mode_uses_folium_cdn_urls():
    page = map_html(sample(), cdn=True)
    sources = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', page)
    assert dict(folium.Map.default_js)["leaflet"] in sources
    assert dict(folium.Map.default_css)["leaflet_css"] in sources
    assert all(s.startswith("https://") for s in sources)
    assert ASSET_BASE not in page


def test_overrides_do_not_leak_into_other_folium_maps():
    before_map = list(folium.Map.default_js), list(folium.Map.default_css)
    build_map(sample(), asset_base=ASSET_BASE)
    assert (list(folium.Map.default_js), list(folium.Map.default_css)) == before_map
    other = folium.Map().get_root().render()
    assert ASSET_BASE not in other and "cdn.jsdelivr.net" in other


# --- Markers -----------------------------------------------------------------------------------


def test_only_rows_with_valid_coordinates_become_markers():
    results = sample()
    page = map_html(results)
    data = embedded(page, "D")
    assert len(data["lat"]) == len(data["lon"]) == len(data["id"]) == 3
    assert data["id"] == ["11111111100011", "x0000000000002", "x0000000000003"]
    assert data["lat"] == [45.76, 45.77, 47.24]
    # the legend tells the buyer what is missing
    assert "3 fournisseurs sur la carte ; 3 sans coordonnées, non affichés" in embedded(page, "LEGEND")


def test_marker_count_matches_located_rows_on_a_larger_frame(form):
    rng = np.random.default_rng(7)
    n = 2_000
    lat = rng.uniform(42, 51, n)
    lat[rng.random(n) < 0.1] = np.nan
    results = frame([{"id": f"x{i:013d}", "lat": lat[i], "lon": 2.0} for i in range(n)])
    payload = markers(form(results)).as_lists()
    assert len(payload["lat"]) == int(np.isfinite(lat).sum())
    assert payload["id"] == results.loc[np.isfinite(lat), "id"].tolist()


def test_one_layer_whatever_the_number_of_results():
    small = build_map(sample())
    rng = np.random.default_rng(1)
    points = rng.random((3_000, 2))
    big_frame = frame([{"id": str(i), "lat": 44 + a, "lon": 3 + b} for i, (a, b) in enumerate(points)])
    big = build_map(big_frame)
    assert len(big._children) == len(small._children) <= 2


def test_family_is_handicap_first_then_insertion_then_ess(form):
    results = frame([
        {"id": "a", "kinds": ["SCOP", "EI", "ESAT"], "lat": 45.0, "lon": 4.0},
        {"id": "b", "kinds": ["ASSOCIATION", "ACI"], "lat": 45.0, "lon": 4.0},
        {"id": "c", "kinds": ["SCOP"], "lat": 45.0, "lon": 4.0},
        {"id": "d", "kinds": [], "lat": 45.0, "lon": 4.0},
        {"id": "e", "kinds": None, "lat": 45.0, "lon": 4.0},
        {"id": "f", "kinds": np.array(["eatt"]), "lat": 45.0, "lon": 4.0},
        {"id": "g", "kinds": ["INCONNU"], "lat": 45.0, "lon": 4.0},
    ])  # fmt: skip
    payload = markers(form(results)).as_lists()
    families = [FAMILY_ORDER[f] for f in payload["f"]]
    assert families == ["handicap", "insertion", "ess", "ess", "ess", "handicap", "ess"]
    assert payload["k"] == ["SCOP, EI, ESAT", "ASSOCIATION, ACI", "SCOP", "", "", "eatt", "INCONNU"]


def test_popup_fields_place_distance_and_trade_name(form):
    payload = markers(form(sample())).as_lists()
    assert payload["c"] == ["Lyon (69003)", "Villeurbanne (69100)", "Besançon (25000)"]
    assert payload["d"] == [1.2, None, 190.0]
    assert payload["t"] == ["", "Régie Nord", ""]
    assert payload["s"] == ["11111111100011", "", ""]


def test_trade_name_equal_to_name_is_not_repeated(form):
    results = frame([{"id": "a", "name": "Atelier", "trade_name": "ATELIER", "lat": 45.0, "lon": 4.0}])
    assert markers(form(results)).as_lists()["t"] == [""]


def _expected_marker(row: dict) -> dict:
    """What the browser gets for one row, by the rules written out cell by cell in Python."""

    def text(value) -> str:
        return "" if value is None or value is pd.NA or value != value else str(value).strip()

    def esc(value: str) -> str:
        return html.escape(value, quote=True)

    name, trade = text(row["name"]), text(row["trade_name"])
    city, postal, dept = text(row["city"]), text(row["postal_code"]), text(row["department"])
    place = (f"{city} ({postal})" if postal else city) if city else postal
    place = place or (f"Département {dept}" if dept else "")
    kinds = ", ".join(k.strip() for k in row["kinds"] if k.strip())
    return {
        "id": esc(text(row["id"])), "n": esc(name), "t": esc("" if trade.casefold() == name.casefold() else trade),
        "k": esc(kinds), "c": esc(place), "s": esc(text(row["siret"])),
    }  # fmt: skip


def test_markers_follow_the_rules_row_by_row_on_hostile_random_rows(form):
    """Names and places full of markup, template tags, quotes, case pairs (« Straße » and « STRASSE »
    are one name), blanks around them and missing values: each marker field is the rule applied to its
    own row, whatever the others (the payload is made a column at a time)."""
    rng = np.random.default_rng(15)
    pieces = ["Atelier", "<b>", "</script>", "&amp;", '"', "'", "${x}", "{{ y }}", "{%", "`", "\\", "Straße",
              "STRASSE", "ﬁn", "FIN", "Œuvre", "é", "\u2028", " ", "\t", *XSS_NAMES]  # fmt: skip
    missing = [None, np.nan, pd.NA, "", "   "]

    def word() -> str:
        return "".join(rng.choice(pieces, size=int(rng.integers(1, 4))))

    def maybe(value):
        return missing[int(rng.integers(len(missing)))] if rng.random() < 0.25 else value

    rows = []
    for i in range(400):
        name = word()
        same = rng.random() < 0.3
        trade = rng.choice([name.upper(), name.casefold(), f"  {name} "]) if same else word()
        rows.append({
            "id": f" x{i} ", "siret": maybe(str(rng.integers(10**13, 10**14))), "name": maybe(name),
            "trade_name": maybe(trade), "kinds": list(rng.choice(["ESAT", " EI", "SCOP", "", "<i>"], size=2)),
            "city": maybe(word()), "postal_code": maybe("69003"), "department": maybe(rng.choice(["69", "2A"])),
            "lat": rng.choice([45.0, np.nan, 95.0]), "lon": 4.0, "distance_km": rng.choice([1.25, np.nan]),
        })  # fmt: skip
    payload = markers(form(frame(rows))).as_lists()
    located = [r for r in rows if r["lat"] == 45.0]
    expected = [_expected_marker(r) for r in located]
    assert 0 < len(located) < len(rows)
    for key in ("id", "n", "t", "k", "c", "s"):
        assert payload[key] == [e[key] for e in expected], key
    assert payload["d"] == [None if np.isnan(r["distance_km"]) else 1.2 for r in located]
    given = [
        t
        for t, r in zip(payload["t"], located, strict=True)
        if isinstance(r["trade_name"], str) and r["trade_name"].strip()
    ]
    assert "" in given and len(set(given)) > 1  # some trade names dropped as the name, others kept


@pytest.mark.parametrize("start", [0, 1, 7])
def test_escaping_finds_every_row_with_markup_whatever_the_characters_around_it(start):
    """The rows to escape are found on the column's UTF-8 bytes: accents, emoji and CJK around them, a
    column that is a slice of another (its bytes start further), empty strings, a column of none."""
    rng = np.random.default_rng(start)
    pieces = ["a", "é", "œ", "😀", "中", "&", "<", ">", '"', "'", "", " ", "&amp;", "\u2028", "${", "`"]
    values = ["".join(rng.choice(pieces, size=int(rng.integers(0, 5)))) for _ in range(500)]
    column = pa.array(["<avant>", *values], type=pa.string()).slice(1 + start)
    expected = [html.escape(v, quote=True) for v in values[start:]]
    assert map_columns.escaped(column).to_pylist() == expected
    assert map_columns.escaped(column.cast(pa.large_string())).to_pylist() == expected
    plain = pa.array(["Lyon", "", "Besançon", None])
    assert map_columns.escaped(plain).to_pylist() == ["Lyon", "", "Besançon", ""]


def test_an_arrow_table_of_other_types_gives_the_markers_its_dataframe_gives():
    """Columns typed otherwise than the saved index types them (numbers for postal codes and SIRET, a
    dictionary-encoded commune, kinds as one code per cell, coordinates as text) are read as pandas reads
    the same table."""
    table = pa.table({
        "id": ["a", "b", "c"], "siret": pa.array([11111111100011, 2, 3], pa.int64()),
        "name": [" Atelier ", "Régie", None], "trade_name": ["ATELIER", None, "Autre"],
        "kinds": ["ESAT", None, " EI"], "city": pa.array(["Lyon", None, "Lyon"]).dictionary_encode(),
        "postal_code": pa.array([69003, 69100, None], pa.int64()), "department": ["69", "69", None],
        "lat": ["45.76", "oui", "45.7"], "lon": [4.85, 4.88, 4.8], "distance_km": pa.array([1, None, 3], pa.int32()),
    })  # fmt: skip
    expected = markers(table.to_pandas()).as_lists()
    assert markers(table).as_lists() == expected
    assert expected["id"] == ["a", "c"] and expected["k"] == ["ESAT", "EI"] and expected["d"] == [1.0, 3.0]


def test_missing_column_is_reported_in_french(form):
    with pytest.raises(ValueError, match="Colonnes manquantes pour la carte : distance_km"):
        markers(form(sample().drop(columns=["distance_km"]))).as_lists()


def test_empty_results_still_render_a_map_of_france():
    page = map_html(sample().iloc[0:0])
    assert embedded(page, "D")["lat"] == []
    assert embedded(page, "BOUNDS") is None
    assert "0 fournisseur sur la carte" in embedded(page, "LEGEND")


# --- Untrusted text ----------------------------------------------------------------------------


def hostile() -> pd.DataFrame:
    rows = [{"id": f"x{i}", "name": name, "lat": 45 + i / 100, "lon": 4} for i, name in enumerate(XSS_NAMES)]
    rows.append(
        {
            "id": "x0000000000009",
            "name": "Nom",
            "trade_name": '"><svg onload=alert(1)>`${x}`',
            "city": "</script><script>alert(2)</script>",
            "kinds": ["<b>EA</b>"],
            "lat": 45.5,
            "lon": 4.0,
        }
    )
    rows.append({"id": "x0000000000010", "name": "{{ 7*7 }}", "city": "{% if 1 %}Z{% endif %}{# c #}",
                 "lat": 45.6, "lon": 4.0})  # fmt: skip
    return frame(rows)


def test_hostile_names_never_appear_raw_in_the_page():
    page = map_html(hostile(), center=(45.0, 4.0), radius_km=10)
    for raw in (*XSS_NAMES, "<svg onload", "</script><script>alert(2)", "<b>EA</b>", "`${x}`"):
        assert raw not in page
    assert "${" not in page  # not even inside a JSON string
    # every script element we emit is closed by its own </script>: nothing was injected
    assert page.count("<script") == page.count("</script>")
    for body in script_bodies(page):
        for literal in re.findall(r"`[^`]*`", body, flags=re.S):
            assert "alert" not in literal


def test_hostile_names_are_html_escaped_in_the_payload():
    page = map_html(hostile())
    data = embedded(page, "D")
    for name in XSS_NAMES:
        assert html.escape(name) in data["n"]
    assert html.escape('"><svg onload=alert(1)>`${x}`') in data["t"]
    assert "&lt;b&gt;EA&lt;/b&gt;" in data["k"]
    # the escaped form as it appears in the page source (JSON escapes & and <)
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in page
    assert "\\u0026lt;script\\u0026gt;alert(1)\\u0026lt;/script\\u0026gt;" in page
    assert "\\u0024{alert(1)}" in page


def test_template_tags_in_data_are_not_evaluated_by_the_server():
    page = map_html(hostile())
    data = embedded(page, "D")
    assert "{{ 7*7 }}" in data["n"] and "49" not in data["n"]
    assert "{% if 1 %}Z{% endif %}{# c #}" in data["c"][-1]
    assert "{{" not in page and "{%" not in page and "{#" not in page


@pytest.mark.parametrize(
    "value",
    [
        "</script>", "<!--", "a\u2028b\u2029c", "${x}", "`", "{{ x }}", "{{{x", "{%x%}", "{#x#}", "&amp;",
        "é'\"\\", "\x00\x1f\x7f\t\n", "😀 Œ ß", "\ud800 seul",
    ],
)  # fmt: skip
def test_safe_json_round_trips_and_hides_dangerous_sequences(value):
    encoded = safe_json({"v": [value, {"w": value}]})
    assert json.loads(encoded) == {"v": [value, {"w": value}]}
    for bad in ("<", ">", "&", "$", "`", "\u2028", "\u2029", "{{", "{%", "{#"):
        assert bad not in encoded


def test_safe_json_numbers_and_keys_read_back_as_given():
    value = {"lat": [45.76543, -0.0, 1e-05, 4e-05, 180.0], "big": 2**70, 3: None, "f": np.float64(0.1), "n": [1, 2]}
    assert json.loads(safe_json(value)) == {**{k: v for k, v in value.items() if k != 3}, "3": None}


# --- Legend, circle, basemap -------------------------------------------------------------------


def test_legend_in_french_with_the_three_families_and_symbols():
    legend = embedded(map_html(sample()), "LEGEND")
    assert "Légende" in legend
    for fam in FAMILY_ORDER:
        assert html.escape(FAMILIES[fam]) in legend
        assert f"sup-{fam}" in legend
    for symbol in ("Symbole H dans un rond", "Symbole I dans un carré", "Symbole E dans un losange"):
        assert symbol in legend
    assert "ESAT, EA, EATT" in legend and "GEIQ" in legend


def test_distance_circle_and_buyer_point_with_center_and_radius():
    page = map_html(sample(), center=(45.75, 4.85), radius_km=30)
    assert embedded(page, "CENTER") == {"latlng": [45.75, 4.85], "radius_m": 30000.0}
    assert "L.circle(CENTER.latlng" in page
    assert "Point de recherche, zone de 30 km" in embedded(page, "LEGEND")
    (south, west), (north, east) = embedded(page, "BOUNDS")
    assert south == pytest.approx(45.75 - 30 / 111.32) and north == pytest.approx(45.75 + 30 / 111.32)
    assert west < 4.85 - 30 / 111.32 < east  # longitude degrees are shorter at 45° N


def test_no_circle_without_center():
    page = map_html(sample())
    assert embedded(page, "CENTER") is None
    assert "Point de recherche" not in embedded(page, "LEGEND")


def test_view_frames_metropolitan_results_when_they_are_the_majority():
    rows = [{"id": str(i), "lat": 44.0 + i, "lon": 2.0 + i} for i in range(3)]
    rows.append({"id": "reunion", "lat": -21.1, "lon": 55.5})
    (south, west), (north, east) = embedded(map_html(frame(rows)), "BOUNDS")
    assert (south, west, north, east) == (44.0, 2.0, 46.0, 4.0)
    overseas = [{"id": "a", "lat": -21.1, "lon": 55.5}, {"id": "b", "lat": 16.2, "lon": -61.5}]
    assert embedded(map_html(frame(overseas)), "BOUNDS") == [[-21.1, -61.5], [16.2, 55.5]]


def test_max_zoom_and_outlines_without_tiles(tmp_path, monkeypatch):
    outlines = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": "69"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[4.0, 45.0], [5.0, 45.0], [4.5, 46.0], [4.0, 45.0]]],
                },
            }
        ],
    }
    path = tmp_path / "departements.geojson"
    path.write_text(json.dumps(outlines), encoding="utf-8")
    monkeypatch.setattr(mapping, "DEPARTEMENTS_GEOJSON", path)
    page = map_html(sample())
    # Offline, zoom stops where the offline basemap has nothing more to show.
    assert f'"maxZoom": {mapping.OFFLINE_MAX_ZOOM}' in page and mapping.OFFLINE_MAX_ZOOM < mapping.MAX_ZOOM
    assert embedded(page, "TILES") is None and embedded(page, "OFFLINE_MAX_ZOOM") == mapping.OFFLINE_MAX_ZOOM
    assert embedded(page, "OUTLINES") == outlines
    assert "interactive: false" in page  # outlines never answer clicks (style only)


def test_missing_outlines_file_gives_a_map_without_basemap(tmp_path, monkeypatch):
    monkeypatch.setattr(mapping, "DEPARTEMENTS_GEOJSON", tmp_path / "absent.geojson")
    page = map_html(sample())
    assert embedded(page, "OUTLINES") is None
    assert len(embedded(page, "D")["lat"]) == 3


def test_project_outlines_are_embedded_when_present():
    if not mapping.DEPARTEMENTS_GEOJSON.is_file():
        pytest.skip("data/geo/departements.geojson not built")
    outlines = embedded(map_html(sample()), "OUTLINES")
    codes = {f["properties"]["code"] for f in outlines["features"]}
    assert {"01", "2A", "69", "75", "974"} <= codes


def test_tiles_mode_has_the_ign_plan_with_attribution_and_the_offline_basemap_as_fallback():
    page = map_html(sample(), tiles=True)
    tiles = embedded(page, "TILES")
    assert tiles["url"].startswith("https://data.geopf.fr/wmts?") and "PLANIGNV2" in tiles["url"]
    assert "{z}" in tiles["url"] and "{x}" in tiles["url"] and "{y}" in tiles["url"]
    assert "IGN" in tiles["attribution"] and "&TILEMATRIX" not in page  # "&" escaped in the script
    assert f'"maxZoom": {mapping.MAX_ZOOM}' in page
    if mapping.DEPARTEMENTS_GEOJSON.is_file():
        assert embedded(page, "OUTLINES") is not None  # drawn if the tiles do not load
    assert ASSET_BASE in page  # tiles online, libraries still local unless cdn=True


def test_offline_place_names_are_the_largest_communes_first_as_safe_json(tmp_path):
    from ui.map.basemap import places_payload

    path = tmp_path / "communes.csv"
    pd.DataFrame({
        "insee_code": ["1", "2", "3", "4", "5", "6"],
        "name": ["Petitville", "</script><script>alert(1)</script>", "Grandeville", "{{ 7*7 }}", "Ancienne", "Sans"],
        "type": ["commune", "commune", "commune", "commune", "ancienne", "commune"],
        "population": [2500, 9000, 150000, 3000, 90000, None],
        "lat": [45.0, 45.1, 45.2, 45.3, 45.4, 45.5], "lon": [4.0, 4.1, 4.2, 4.3, 4.4, 4.5],
    }).to_csv(path, index=False)  # fmt: skip
    text = places_payload(path, min_population=2000)
    assert "</script" not in text and "{{" not in text
    places = json.loads(text)
    assert places["name"] == ["Grandeville", "</script><script>alert(1)</script>", "{{ 7*7 }}", "Petitville"]
    assert places["pop"] == [150000, 9000, 3000, 2500]
    assert places_payload(tmp_path / "absent.csv") is None


def test_project_communes_are_named_on_the_map():
    if not mapping.COMMUNES_CSV.is_file():
        pytest.skip("data/geo/communes.csv not built")
    places = embedded(map_html(sample()), "PLACES")
    assert places["name"][:3] == ["Paris", "Marseille", "Lyon"]
    assert min(places["pop"]) >= 2000


# --- Clicks ------------------------------------------------------------------------------------


def test_popup_shows_the_reference_and_markers_carry_the_id_the_page_gets_back():
    page = map_html(sample())
    assert "'<div class=\"sup-ref\">Réf. : ' + D.id[i]" in page
    assert "data-supplier-id=\"' + D.id[i]" in page
    assert "supplierId: D.id[k]" in page  # what ui/search_map.js sends back on a click


def test_a_map_rendered_again_holds_one_local_layer():
    m = build_map(sample(), asset_base=ASSET_BASE)
    for _ in range(3):  # a map kept and rendered again replaces its layer's script and styles
        page = m.get_root().render()
    assert page.count("window.supplierLayer = supplierLayer") == 1
    assert page.count(".sup-icon {") == 1
    assert f"var map = {m.get_name()};" in page
    links = [url for child in [m, *m._children.values()] for _, url in child.default_js]
    assert links == [f"{ASSET_BASE}/leaflet/dist/leaflet.js"]


# --- Browser code as package data ---------------------------------------------------------------

MAP_DIR = Path(layer.__file__).parent
NODE = shutil.which("node")


def node_check(path: Path) -> None:
    """`node --check`: the file parses as JavaScript (offline syntax lint; nothing is run)."""
    done = subprocess.run([NODE, "--check", str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_map_js_and_css_are_the_files_beside_the_layer():
    assert layer.MAP_JS == (MAP_DIR / "map.js").read_text(encoding="utf-8")
    assert layer.MAP_CSS == (MAP_DIR / "map.css").read_text(encoding="utf-8")
    page = map_html(sample())
    assert layer.MAP_JS in page and layer.MAP_CSS in page


def test_map_js_has_no_template_syntax_and_no_template_literal():
    # map.js is inserted as a value, never parsed by Jinja; and with no backtick in the browser code,
    # no directory text can ever land in a template literal where `${...}` would run.
    for bad in ("{{", "{%", "{#", "`", "${"):
        assert bad not in layer.MAP_JS


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_map_js_parses_as_javascript():
    node_check(MAP_DIR / "map.js")


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_page_component_modules_parse_as_javascript_modules(tmp_path):
    """The search page's map component and the French texts component are ES modules (Streamlit imports
    their default export), with no template literal for data to land in."""
    from ui import french_ui, search_map

    for name, module in (("map", search_map.COMPONENT_JS), ("french", french_ui.script())):
        assert "export default function" in module and "${" not in module
        path = tmp_path / f"{name}.mjs"
        path.write_text(module, encoding="utf-8")
        node_check(path)


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_rendered_map_script_with_hostile_data_parses_as_javascript(tmp_path):
    page = map_html(hostile(), center=(45.0, 4.0), radius_km=10)
    ours = [body for body in script_bodies(page) if "window.supplierLayer" in body]
    assert len(ours) == 1
    script = tmp_path / "page.js"
    script.write_text(ours[0], encoding="utf-8")
    node_check(script)


def test_map_assets_are_found_whatever_the_working_directory(tmp_path):
    code = "from ui.map.builder import map_html; import pandas; print(len(map_html(pandas.DataFrame(columns="
    code += f"{list(mapping.REQUIRED_COLUMNS)!r}))))"
    env = {**os.environ, "PYTHONPATH": str(PROJECT_DIR)}
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 1000
