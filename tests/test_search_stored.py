"""A search index saved next to its directory (`sourcing.search.stored`) answers every query as the
index built in memory does: same totals, same rows, same columns and values, same typo fixes."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sourcing.directory import load_demo
from sourcing.search import SearchIndex, SearchQuery, count, search, search_table, stored, widen
from tests.helpers import load_script
from ui.map import builder as mapping
from ui.map.payload import markers

PARIS, LYON, ROUEN = (48.8566, 2.3522), (45.764, 4.8357), (49.4431, 1.0993)

QUERIES = [
    SearchQuery(),
    SearchQuery(limit=50),
    SearchQuery(near=PARIS, radius_km=30, limit=50),
    SearchQuery(near=LYON, radius_km=100, kinds=("ESAT", "EA"), sort="name"),
    SearchQuery(near=ROUEN, radius_km=20, include_intervention_area=True, near_department="76", near_region="28"),
    SearchQuery(q="espaces verts", limit=20),
    SearchQuery(q="menuserie"),
    SearchQuery(departments=("69", "1"), regions=("84",), sort="name", limit=10),
    SearchQuery(naf="88.10", headcount_bands=("12",)),
    SearchQuery(sectors=("espaces-verts", "traiteur"), near=PARIS),
    SearchQuery(cpv="77310000", near=LYON, radius_km=60),
    SearchQuery(fresh_only=True, limit=5),
    SearchQuery(near=PARIS, radius_km=50, columns=("name", "siret", "kinds", "lat", "lon"), limit=100),
    SearchQuery(near=PARIS, radius_km=50, limit=0),
]


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> tuple[SearchIndex, Path]:
    built = SearchIndex.build(load_demo())
    return built, stored.save(built, tmp_path_factory.mktemp("version") / stored.INDEX_FOLDER)


@pytest.fixture(scope="module")
def pair(saved) -> tuple[SearchIndex, SearchIndex]:
    built, folder = saved
    loaded = stored.load(folder)
    assert loaded is not None
    return built, loaded


@pytest.fixture(scope="module")
def held(saved) -> SearchIndex:
    """The saved index with the map's columns held in memory, as the app holds them."""
    loaded = stored.load(saved[1])
    loaded.hold_columns(mapping.REQUIRED_COLUMNS)
    return loaded


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: repr(q)[12:70])
def test_saved_index_finds_what_the_built_one_finds(pair, query):
    built, loaded = pair
    expected, got = search(built, query), search(loaded, query)
    assert got.total == expected.total == count(loaded, query)
    assert np.array_equal(got.rows, expected.rows)
    assert got.corrections == expected.corrections and got.sectors_used == expected.sectors_used
    pd.testing.assert_frame_equal(got.results, expected.results)
    assert widen(loaded, query) == widen(built, query)


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: repr(q)[12:70])
def test_the_maps_arrow_rows_are_the_searchs_rows(pair, held, query):
    """`search_table` (what the map reads) gives the rows `search` gives, in its order, with the same
    distances, from the saved index (columns mapped or held in memory) and from the built one; the
    markers made from it are the markers made from the DataFrame."""
    built, loaded = pair
    shown = replace(query, columns=mapping.REQUIRED_COLUMNS) if query.columns is None else query
    expected = search(built, shown)
    for index in (loaded, held, built):
        table, total = search_table(index, shown)
        assert total == expected.total
        got = table.to_pandas()
        key = "id" if "id" in got else "siret"  # a query that names its columns may leave the id out
        assert got[key].tolist() == expected.results[key].tolist()
        np.testing.assert_array_equal(got["distance_km"].to_numpy(), expected.results["distance_km"].to_numpy())
        assert "match_reason" not in table.column_names
        if set(mapping.REQUIRED_COLUMNS) <= set(table.column_names):
            assert markers(table).as_lists() == markers(expected.results).as_lists()


def test_a_search_reads_only_the_rows_it_shows(tmp_path):
    """Loading and searching leave the directory table on disk (the CLI never converts it whole)."""
    folder = stored.save(SearchIndex.build(load_demo()), tmp_path / stored.INDEX_FOLDER)
    loaded = stored.load(folder)
    search(loaded, SearchQuery(near=PARIS, radius_km=30, limit=10))
    assert "frame" not in loaded.__dict__
    assert len(loaded) == len(load_demo())
    pd.testing.assert_frame_equal(loaded.frame, load_demo())  # and the whole table when asked


def test_a_saved_index_gives_its_list_columns_as_arrow_for_the_charts(pair):
    """The charts' flattened lists read the saved index's own mapped table (no second load of the
    index): the same kinds and sectors as the directory's, row for row; an index built in memory has
    none to give, and the charts then count the results' rows."""
    from sourcing.search.facets import FlatList

    built, loaded = pair
    assert built.arrow_column("kinds") is None and loaded.arrow_column("no-such-column") is None
    assert "frame" not in loaded.__dict__
    for name in ("kinds", "sectors"):
        column = loaded.arrow_column(name)
        assert [cell or [] for cell in column.to_pylist()] == built.frame[name].tolist()
        flat = FlatList.of_arrow(column)
        items = built.frame[name].explode().dropna()
        assert flat.rows.tolist() == items.index.tolist()
        assert flat.values[flat.codes].tolist() == items.tolist()


def test_a_saved_index_keeps_its_lists_flattened_as_the_charts_count_them(pair, saved, tmp_path):
    """The kinds and sectors flattened when the index is saved, mapped by a new process, are the ones
    flattening its table gives (same rows, codes and values, in order); an index saved before they were
    kept loads as before and flattens its table; an index built in memory has neither."""
    import shutil

    from sourcing.search.flatlist import FlatList, saved_or_flattened

    built, loaded = pair
    from_table = {name: FlatList.of_arrow(loaded.arrow_column(name)) for name in ("kinds", "sectors")}
    kept = saved_or_flattened(loaded)
    for name, flat in kept.items():
        assert flat is not None and flat is not from_table[name]  # read from the folder, not flattened again
        assert flat.rows.tolist() == from_table[name].rows.tolist()
        assert flat.codes.tolist() == from_table[name].codes.tolist()
        assert flat.values.tolist() == from_table[name].values.tolist() and flat.values.dtype == object
        items = built.frame[name].explode().dropna()
        assert flat.values[flat.codes].tolist() == items.tolist()
    assert loaded.flat_list("name") is None and built.flat_list("kinds") is None
    assert saved_or_flattened(built) is None  # the charts then count the results' rows

    older = tmp_path / "older"
    shutil.copytree(saved[1], older)
    for npy in older.glob("flat.*.npy"):
        npy.unlink()
    keys = json.loads((older / "keys.json").read_text())
    del keys["flat_lists"]
    (older / "keys.json").write_text(json.dumps(keys))
    old_index = stored.load(older)
    assert old_index is not None and old_index.flat_list("kinds") is None
    again = saved_or_flattened(old_index)
    assert {n: f.codes.tolist() for n, f in again.items()} == {n: f.codes.tolist() for n, f in kept.items()}
    assert {n: f.values.tolist() for n, f in again.items()} == {n: f.values.tolist() for n, f in kept.items()}


def test_a_missing_or_older_index_is_rebuilt(tmp_path):
    folder = tmp_path / stored.INDEX_FOLDER
    assert stored.load(folder) is None
    index = stored.load_or_build(folder, load_demo)
    assert stored.load(folder) is not None and len(index) == len(load_demo())
    keys = folder / "keys.json"
    keys.write_text(keys.read_text().replace(f'"format": {stored.FORMAT}', '"format": -1'))
    assert stored.load(folder) is None


def test_cli_search_reports_its_timing_and_keeps_the_index(tmp_path, monkeypatch, capsys):
    """`search --json` says how long loading and the query took; the index stays for the next process."""
    import json

    from sourcing.cli import main
    from sourcing.directory import demo_parquet

    monkeypatch.setenv("SOURCING_DATA_DIR", str(tmp_path))  # an empty store: the demo directory
    for _ in range(2):
        assert main(["search", "--near", "Lyon", "--radius-km", "30", "--json"]) == 0
        payload = json.loads(capsys.readouterr().out)
        assert set(payload["timing_ms"]) == {"place", "load", "query"}  # the gazetteer, the index, the search
        assert all(v >= 0 for v in payload["timing_ms"].values())
        assert payload["total"] > 0
        assert stored.load(demo_parquet().with_suffix(".search-index")) is not None


def test_cli_bench_refuses_bad_sizes(capsys):
    from sourcing.cli import EXIT_USAGE, main

    assert main(["bench", "--rows", "0"]) == EXIT_USAGE
    assert "--rows" in capsys.readouterr().err


def test_prepare_builds_what_a_first_search_would_build(tmp_path, monkeypatch, capsys):
    """`python -m sourcing prepare` (what `make run` does before starting the app): on a checkout without
    derived files, it makes the demo's Parquet and search index; the CLI's search (and the app's first
    page, which reads the same files) then builds nothing."""
    from sourcing import directory
    from sourcing.cli import main

    monkeypatch.setattr(directory, "cache_dir", lambda: tmp_path)  # a fresh clone's empty .cache
    assert main(["prepare"]) == 0
    said = capsys.readouterr().out
    assert "communes et codes postaux : prêt" in said and "index de recherche : prêt" in said
    assert stored.load(directory.demo_parquet().with_suffix(".search-index")) is not None
    assert directory.demo_parquet().parent == tmp_path

    def never(*_args, **_kwargs):
        raise AssertionError("the search built what prepare should have made")

    monkeypatch.setattr(SearchIndex, "build", classmethod(never))
    monkeypatch.setattr("sourcing.importer.import_path", never)  # the demo's CSV read again
    assert main(["search", "--near", "Lyon", "--radius-km", "30", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] > 0
    assert main(["prepare"]) == 0  # again: everything there, nothing rebuilt


@pytest.mark.parametrize(
    ("majors", "controls", "said"),
    [
        (["15"], ["15"], None),
        (["15"], [], "paquet Debian postgresql-15-postgis-3"),
        (["15", "16"], ["15"], "paquet Debian postgresql-16-postgis-3"),  # the server runs the newest
        ([], [], "PostgreSQL n'est pas installé"),
    ],
)
def test_the_national_bench_says_what_postgis_lacks_before_it_starts(tmp_path, monkeypatch, majors, controls, said):
    """`python -m sourcing bench` compares with PostGIS last: without the extension it failed after minutes
    of import with psycopg's traceback. It now says which Debian package is missing, in French, at once."""
    helper = load_script("scripts/pg_test_server.py")
    real_glob = helper.glob.glob
    lib, share = tmp_path / "lib", tmp_path / "share"
    for major in majors:
        (lib / major / "bin").mkdir(parents=True)
        (lib / major / "bin" / "initdb").touch()
    for major in controls:
        (share / major / "extension").mkdir(parents=True)
        (share / major / "extension" / "postgis.control").touch()
    fake = {"/usr/lib/postgresql": str(lib), "/usr/share/postgresql": str(share)}

    def glob_here(pattern: str) -> list[str]:
        for real, here in fake.items():
            pattern = pattern.replace(real, here)
        return real_glob(pattern)

    monkeypatch.setattr(helper.glob, "glob", glob_here)
    monkeypatch.setattr(helper.shutil, "which", lambda name: None)  # no initdb on PATH either
    missing = helper.postgis_missing()
    assert missing is None if said is None else said in missing


def test_a_siret_or_siren_finds_the_same_on_the_saved_index(pair):
    built, loaded = pair
    siret = str(load_demo()["siret"].dropna().iloc[7])
    for q in (siret, siret[:9], f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"):
        expected, got = search(built, SearchQuery(q=q)), search(loaded, SearchQuery(q=q))
        assert got.total == expected.total >= 1
        pd.testing.assert_frame_equal(got.results, expected.results)
