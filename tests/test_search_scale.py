"""What makes search fast at a million suppliers changes no answer:
- the radius prefilter (a latitude band, then a longitude span) keeps exactly the suppliers the
  haversine distance puts within the radius, for points a hair inside or outside it, in every
  direction, in metropolitan France and in the overseas départements (low latitudes, south of the
  equator) alike;
- the first page (``limit``) is the head of the whole sorted result, ties at the cut included;
- a store version is published with its search index, equal to one built from the directory read
  back; a version without one (published before) gets it at its first search.
"""

from __future__ import annotations

import math
from dataclasses import fields

import numpy as np
import pandas as pd
import pytest

from sourcing.search import EARTH_RADIUS_KM, SearchIndex, SearchQuery, count, haversine_km, search, stored
from tests.test_search import canonical, supplier

# Metropolitan France and every overseas département (DOM), north and south of the equator.
CENTRES = {
    "Lyon": (45.764, 4.8357),
    "Dunkerque": (51.0343, 2.3768),
    "Ajaccio": (41.9192, 8.7386),
    "Basse-Terre (971)": (15.9985, -61.7255),
    "Fort-de-France (972)": (14.6161, -61.0588),
    "Cayenne (973)": (4.9224, -52.3135),
    "Saint-Denis (974)": (-20.8823, 55.4504),
    "Mamoudzou (976)": (-12.7806, 45.2279),
    "Saint-Pierre (975)": (46.7811, -56.1764),
}
RADII_KM = (0.5, 10.0, 30.0, 100.0, 250.0)
BEARINGS = np.radians(np.arange(0, 360, 15))
# Relative offsets from the radius: a hair inside, on it, a hair outside, and clearly either side.
OFFSETS = (-1e-3, -1e-7, 0.0, 1e-7, 1e-3)


def destination(origin: tuple[float, float], bearing: float, km: float) -> tuple[float, float]:
    """The point ``km`` from ``origin`` on the sphere, heading ``bearing`` (radians from north)."""
    lat1, lon1, d = math.radians(origin[0]), math.radians(origin[1]), km / EARTH_RADIUS_KM
    lat2 = math.asin(math.sin(lat1) * math.cos(d) + math.cos(lat1) * math.sin(d) * math.cos(bearing))
    lon2 = lon1 + math.atan2(
        math.sin(bearing) * math.sin(d) * math.cos(lat1), math.cos(d) - math.sin(lat1) * math.sin(lat2)
    )
    return math.degrees(lat2), (math.degrees(lon2) + 540) % 360 - 180


@pytest.fixture(scope="module")
def ring_index() -> SearchIndex:
    """Suppliers on rings around every centre, at each radius and offset, in 24 directions; plus a
    scatter of random points over the same areas, some unlocated ones, and ties (same coordinates)."""
    rows, rng = [], np.random.default_rng(1515)
    for name, centre in CENTRES.items():
        for km in RADII_KM:
            for offset in OFFSETS:
                for bearing in BEARINGS:
                    at = destination(centre, float(bearing), km * (1 + offset))
                    rows.append(supplier(f"{name}-{km}-{offset}-{bearing:.2f}", f"R{len(rows)}", at))
        for lat, lon in zip(centre[0] + rng.uniform(-3, 3, 200), centre[1] + rng.uniform(-3, 3, 200), strict=True):
            rows.append(supplier(f"{name}-random-{len(rows)}", f"S{len(rows)}", (float(lat), float(lon))))
        rows += [supplier(f"{name}-tie-{i}", f"T{i}", destination(centre, 1.0, 7.0)) for i in range(5)]
    rows += [supplier(f"unlocated-{i}", f"U{i}", None) for i in range(10)]
    return SearchIndex.build(canonical(rows))


def _haversine_rows(index: SearchIndex, centre: tuple[float, float], km: float) -> set[int]:
    distance = haversine_km(index.lat, index.lon, *centre)
    return set(np.flatnonzero(distance <= km).tolist())  # NaN (unlocated) compares False


@pytest.mark.parametrize("centre", CENTRES.values(), ids=CENTRES.keys())
@pytest.mark.parametrize("km", RADII_KM)
def test_the_radius_prefilter_keeps_exactly_the_haversine_matches(ring_index, centre, km):
    expected = _haversine_rows(ring_index, centre, km)
    found = search(ring_index, SearchQuery(near=centre, radius_km=km))
    assert set(found.rows.tolist()) == expected
    assert found.total == count(ring_index, SearchQuery(near=centre, radius_km=km)) == len(expected)
    # The rings really test the boundary: points a hair inside are in, a hair outside are out.
    ids = set(ring_index.frame["id"].to_numpy()[found.rows])
    inside = [i for i in ring_index.frame["id"] if i.startswith(f"{_name(centre)}-{km}-{-1e-7}-")]
    outside = [i for i in ring_index.frame["id"] if i.startswith(f"{_name(centre)}-{km}-{1e-7}-")]
    assert len(inside) == len(outside) == len(BEARINGS)
    assert set(inside) <= ids and not set(outside) & ids


def _name(centre: tuple[float, float]) -> str:
    return next(name for name, c in CENTRES.items() if c == centre)


@pytest.mark.parametrize("centre", [CENTRES["Lyon"], CENTRES["Saint-Denis (974)"], CENTRES["Cayenne (973)"]])
def test_intervention_radius_prefilter_matches_haversine(centre):
    """A supplier's own intervention radius is prefiltered the same way (by the largest radius)."""
    rows = []
    for i, bearing in enumerate(BEARINGS):
        for offset in (-1e-7, 1e-7):
            at = destination(centre, float(bearing), 40.0 * (1 + offset))
            rows.append(supplier(f"{i}-{offset}", f"N{i}", at, area_radius_km=40.0))
    rows.append(supplier("far-reach", "Loin", destination(centre, 0.3, 400.0), area_radius_km=401.0))
    index = SearchIndex.build(canonical(rows))
    query = SearchQuery(near=centre, radius_km=1.0, include_intervention_area=True)
    found = set(index.frame["id"].to_numpy()[search(index, query).rows])
    assert found == {f"{i}-{-1e-7}" for i in range(len(BEARINGS))} | {"far-reach"}


@pytest.mark.parametrize("limit", [0, 1, 3, 7, 20, 50, 400])
@pytest.mark.parametrize(
    "query",
    [
        SearchQuery(near=CENTRES["Lyon"], radius_km=250.0),
        SearchQuery(near=CENTRES["Lyon"]),  # every supplier, unlocated ones last
        SearchQuery(near=CENTRES["Saint-Denis (974)"], radius_km=30.0),
        SearchQuery(near=CENTRES["Lyon"], radius_km=250.0, sort="name"),
        SearchQuery(near=CENTRES["Lyon"], radius_km=250.0, sort="contracts"),
        SearchQuery(sort="name"),
        SearchQuery(),
    ],
    ids=lambda q: repr(q)[12:60],
)
def test_the_first_page_is_the_head_of_the_whole_order(ring_index, query, limit):
    """Only the first page is sorted: it is still exactly the head of the full order, ties by row."""
    from dataclasses import replace

    whole = search(ring_index, replace(query, limit=None))
    page = search(ring_index, replace(query, limit=limit))
    assert page.total == whole.total
    assert page.rows.tolist() == whole.rows[:limit].tolist()
    pd.testing.assert_frame_equal(page.results, whole.results.head(limit), check_dtype=limit > 0)  # empty: object


def test_ties_at_the_cut_of_the_first_page_keep_row_order(ring_index):
    """Five suppliers share one spot 7 km from Lyon: a page cut among them takes the first rows."""
    lyon = CENTRES["Lyon"]
    whole = search(ring_index, SearchQuery(near=lyon, radius_km=7.5))
    distances = whole.results["distance_km"].to_numpy()
    tie = np.flatnonzero(np.isclose(distances, distances[whole.results["id"].str.contains("-tie-").to_numpy()][0]))
    assert len(tie) >= 5
    cut = int(tie[2])
    page = search(ring_index, SearchQuery(near=lyon, radius_km=7.5, limit=cut))
    assert page.rows.tolist() == whole.rows[:cut].tolist()
    assert list(whole.rows[tie]) == sorted(whole.rows[tie])


# --- The index published with its version -------------------------------------------------------------


def _same_index(a: SearchIndex, b: SearchIndex) -> None:
    """Every part of two indexes is equal (arrays, postings, categories, vocabularies)."""
    for f in fields(SearchIndex):
        if f.name in ("frame", "build_seconds"):
            continue
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray):
            np.testing.assert_array_equal(x, y, err_msg=f.name)
        elif isinstance(x, list):
            assert len(x) == len(y) and all(np.array_equal(u, v) for u, v in zip(x, y, strict=True)), f.name
        elif hasattr(x, "__dict__"):
            for key, value in vars(x).items():
                other = vars(y)[key]
                if isinstance(value, np.ndarray):
                    np.testing.assert_array_equal(value, other, err_msg=f"{f.name}.{key}")
                elif hasattr(value, "__dict__"):  # a Vocabulary's Postings
                    for k2, v2 in vars(value).items():
                        w2 = vars(other)[k2]
                        assert np.array_equal(v2, w2) if isinstance(v2, np.ndarray) else v2 == w2, f"{f.name}.{k2}"
                else:
                    assert list(value) == list(other) if isinstance(value, list | tuple) else value == other
        else:
            assert x == y, f.name
    pd.testing.assert_frame_equal(a.frame, b.frame)


@pytest.fixture
def store_env(tmp_path, monkeypatch):
    from sourcing.db import upgrade_database

    monkeypatch.setenv("SOURCING_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SOURCING_DB_PATH", str(tmp_path / "store.db"))
    upgrade_database()
    return tmp_path


def _add_cress(label: str = "CRESS"):
    from sourcing.store import service
    from tests.helpers import TEST_DATA_DIR

    cress = TEST_DATA_DIR / "store/cress-ain-2026-03.csv"
    service.add_source(cress.read_bytes(), cress.name, label=label, data_date="15/03/2026")
    return service.current_version()


def test_a_published_version_has_its_index_equal_to_a_fresh_build(store_env):
    from sourcing.store import files, service

    version = _add_cress()
    folder = files.version_dir(files.store_dir(), version.number)
    saved = stored.load(stored.index_dir(folder), stamp=stored.file_stamp(folder / "directory.parquet"))
    assert saved is not None, "the version was published without its search index"
    fresh = SearchIndex.build(service.read_version(version.number))
    _same_index(saved, fresh)
    for query in (SearchQuery(near=(46.2, 5.22), radius_km=30, limit=10), SearchQuery(q="insertion", sort="name")):
        got, expected = search(saved, query), search(fresh, query)
        assert got.total == expected.total and got.rows.tolist() == expected.rows.tolist()


def test_every_new_version_gets_its_own_index(store_env):
    from sourcing.store import files

    first = _add_cress("A")
    second = _add_cress("B")
    assert second.number > first.number
    for number in (first.number, second.number):
        folder = files.version_dir(files.store_dir(), number)
        if folder.exists():  # older versions may be cleaned
            assert stored.load(stored.index_dir(folder)) is not None


def test_the_cli_search_of_a_published_version_builds_nothing(store_env, monkeypatch, capsys):
    import json

    from sourcing.cli import main

    _add_cress()

    def no_build(directory):
        raise AssertionError("the index should have been published with the version")

    monkeypatch.setattr(SearchIndex, "build", staticmethod(no_build))
    assert main(["search", "--near", "Bourg-en-Bresse", "--radius-km", "30", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] > 0


def test_a_version_published_without_index_gets_it_at_its_first_search(store_env, capsys):
    """Versions published before the index went with them: the first search builds and saves it."""
    import json
    import shutil

    from sourcing.cli import main
    from sourcing.store import files

    version = _add_cress()
    folder = stored.index_dir(files.version_dir(files.store_dir(), version.number))
    shutil.rmtree(folder)
    assert main(["search", "--near", "Bourg-en-Bresse", "--radius-km", "30", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert stored.load(folder) is not None
    assert main(["search", "--near", "Bourg-en-Bresse", "--radius-km", "30", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["results"] == first["results"]


# Columns an app process keeps in memory: none, some of a query's, all of them and more.
_HELD = (None, ("name", "lat"), ("id", "name", "kinds", "lat", "lon", "city", "siret", "sectors", "website"))


@pytest.mark.parametrize("held", _HELD, ids=["file", "some-held", "all-held"])
@pytest.mark.parametrize("few_rows", [0, 10, 10**9])
def test_rows_read_by_record_batch_or_from_the_whole_table_are_the_same(tmp_path, monkeypatch, few_rows, held):
    """A search reads a few rows by record batch of the saved Arrow file, many from the whole table,
    and the columns the app holds in memory from there: the same rows either way, in result order,
    across batch boundaries (batches of 7 rows here)."""
    from sourcing.directory import load_demo

    monkeypatch.setattr(stored, "BATCH_ROWS", 7)
    monkeypatch.setattr(stored, "FEW_ROWS", few_rows)
    built = SearchIndex.build(load_demo())
    loaded = stored.load(stored.save(built, tmp_path / stored.INDEX_FOLDER))
    if held is not None:  # in calls of their own, as the app holds them one at a time
        loaded.hold_columns(("distance_km", "not-a-column"))  # the search's, not the table's: nothing held
        assert loaded.held_columns == ()
        loaded.hold_columns(held[: len(held) // 2])
        loaded.hold_columns(held)
        assert loaded.held_columns == held
    for query in (
        SearchQuery(near=CENTRES["Lyon"], limit=40),
        SearchQuery(sort="name", limit=25),
        SearchQuery(q="insertion", columns=("name", "kinds", "lat")),
        SearchQuery(q="insertion", columns=("lat", "website", "name", "match_reason", "distance_km", "name")),
        SearchQuery(near=CENTRES["Lyon"], radius_km=1.0),  # maybe none
    ):
        expected, got = search(built, query), search(loaded, query)
        pd.testing.assert_frame_equal(got.results, expected.results)
