"""What the search page asks of the domain, callable from the CLI too: the places offered and what a
pick resolves to, the readable names of territories and sectors, the counts beside the results
(`sourcing.search.facets`) and the open card's row."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from sourcing.gazetteer import Gazetteer
from sourcing.search import SearchIndex, SearchQuery, search
from sourcing.search.choices import (
    OFFERED_MIN_POPULATION,
    PLACE_TYPES,
    Place,
    PlaceChoices,
    PlacePick,
    place_choices,
    resolve_place,
    sector_names,
    territory_names,
)
from sourcing.search.facets import DISTANCE_BAND_EDGES_KM, facet_counts, full_rows, supplier_row
from tests.test_search import LYON, NEAR_LYON, ROWS, canonical

DEPARTMENT = "Département : {name} ({code})"
REGION = "Région : {name}"
BANDS = ["0-10 km", "10-30 km", "30-60 km", "60-100 km", "100-200 km", "> 200 km"]


@pytest.fixture(scope="module")
def choices():
    return place_choices(DEPARTMENT, REGION)


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex.build(canonical(ROWS))


# --- Places -----------------------------------------------------------------------------------------


def test_places_offered_communes_by_population_then_departements_then_regions(choices):
    assert choices.options[:3] == ["Paris (75001)", "Marseille (13001)", "Lyon (69001)"]
    assert len(choices.options) == len(set(choices.options)) and set(choices.options) <= set(choices.lookup)
    assert choices.lookup["Lyon (69001)"] == "INSEE 69123"
    assert choices.lookup["Département : Rhône (69)"] == "69"
    assert choices.lookup["Région : Bretagne"] == "Bretagne"
    first_department = choices.options.index("Département : Ain (01)")
    first_region = next(i for i, o in enumerate(choices.options) if o.startswith("Région : "))
    assert all(
        o.endswith(")") and not o.startswith(("Département", "Région")) for o in choices.options[:first_department]
    )
    assert first_department < first_region
    assert all(o.startswith("Région : ") for o in choices.options[first_region:])
    g = Gazetteer.load()
    offered_territories = [o for o in choices.options if o.startswith(("Département : ", "Région : "))]
    assert len(offered_territories) == len(g.departments) + len(g.regions)


def _current_communes() -> pd.DataFrame:
    """The places the box names, by INSEE code (former communes share their code with the current one)."""
    communes = Gazetteer.load().communes
    return communes[communes["type"].isin(PLACE_TYPES)].set_index("insee_code")


def _communes_by_label(choices) -> pd.DataFrame:
    """Each commune label of the lookup with its population (the label's first, largest, place)."""
    communes = _current_communes()["population"]
    rows = [(label, communes[code.removeprefix("INSEE ")]) for label, code in choices.lookup.items()
            if code.startswith("INSEE ")]  # fmt: skip
    return pd.DataFrame(rows, columns=["label", "population"])


def test_the_box_offers_exactly_the_communes_from_the_population_threshold(choices):
    """Every commune of OFFERED_MIN_POPULATION inhabitants and more is offered, none below; the lookup
    still knows every commune (a smaller one is typed and resolves the same way)."""
    labels = _communes_by_label(choices)
    offered = set(choices.options)
    assert len(labels) > 34_000  # every commune and arrondissement
    big = labels[labels["population"] >= OFFERED_MIN_POPULATION]
    small = labels[labels["population"] < OFFERED_MIN_POPULATION]
    assert set(big["label"]) <= offered and not set(small["label"]) & offered
    assert 5_000 < len(big) < 6_000 and len(small) > 29_000


@pytest.mark.parametrize("shift", [-1, 0, 1])
def test_the_threshold_is_inclusive(shift):
    """A commune of exactly the threshold's population is offered; one inhabitant short, it is not."""
    ferriere = "Ferrière-la-Petite (59680)"
    population = int(_current_communes().loc["59231", "population"])
    choices = place_choices(DEPARTMENT, REGION, min_population=population + shift)
    assert (ferriere in choices.options) == (shift <= 0)
    assert choices.lookup[ferriere] == "INSEE 59231"


@pytest.mark.parametrize(
    ("typed", "label"),
    [
        ("Ferrière-la-Petite (59680)", "Ferrière-la-Petite (59)"),  # the label the box would have listed
        ("Ferrière-la-Petite", "Ferrière-la-Petite (59)"),
        ("Rochechinard", "Rochechinard (26)"),  # 131 inhabitants
        ("INSEE 26270", "Rochechinard (26)"),
    ],
)
def test_a_commune_not_offered_resolves_when_typed(choices, typed, label):
    assert typed not in choices.options
    pick = resolve_place(choices, typed)
    assert pick.place is not None and pick.place.label == label, pick


def test_an_offered_place_resolves_to_that_place(choices):
    lyon = Gazetteer.load().resolve("INSEE 69123")
    assert resolve_place(choices, "Lyon (69001)") == PlacePick(Place(lyon.lat, lyon.lon, "69", "84", lyon.label))
    rhone = resolve_place(choices, "Département : Rhône (69)").place
    assert rhone is not None and (rhone.department, rhone.region, rhone.label) == ("69", "84", "Rhône (69)")


def test_typed_text_empty_unknown_or_ambiguous(choices):
    assert resolve_place(choices, None) == resolve_place(choices, "") == PlacePick()
    unknown = resolve_place(choices, "Xyzzyville")
    assert unknown.place is None and not unknown.choices and "Xyzzyville" in unknown.message
    ambiguous = resolve_place(choices, "Saint-Denis")
    assert ambiguous.place is None and not ambiguous.message
    assert {"Saint-Denis (93)", "Saint-Denis (974)"} <= set(ambiguous.choices)
    picked = resolve_place(choices, "Saint-Denis", "Saint-Denis (93)")
    assert picked.choices == ambiguous.choices
    assert picked.place is not None and (picked.place.label, picked.place.department) == ("Saint-Denis (93)", "93")


def test_territory_and_sector_names():
    names = territory_names()
    assert names.departments["69"] == "Rhône (69)"
    assert names.regions["84"] == "Auvergne-Rhône-Alpes"
    assert len(names.epcis) > 1000
    assert sector_names()["espaces-verts"] == "Création et entretien d'espaces verts"
    assert sector_names(with_group=True)["espaces-verts"].endswith(" › Création et entretien d'espaces verts")


# --- Counts beside the results, and the card's row ------------------------------------------------


def test_facets_count_every_result(index):
    facets = facet_counts(index, SearchQuery(kinds=("ASSOCIATION", "EA")), BANDS)
    assert facets.kinds.to_dict() == {"ASSOCIATION": 3, "EA": 2, "ESAT": 1, "ACI": 1}
    assert facets.sectors.to_dict() == {
        "Nettoyage de locaux et de bureaux": 2,
        "Blanchisserie et entretien du linge": 1,
        "Menuiserie (portes, fenêtres, placards)": 1,
    }
    assert facets.bands is None  # no place


def test_facets_by_distance_band_show_every_band(index):
    facets = facet_counts(index, SearchQuery(radius_km=300, **NEAR_LYON), BANDS)
    assert facets.bands is not None and facets.bands.index.tolist() == BANDS
    assert facets.bands.tolist() == [1, 2, 1, 1, 0, 1]  # A; B, I; C; G (94 km); none; F (278 km)
    assert len(BANDS) == len(DISTANCE_BAND_EDGES_KM) - 1
    with pytest.raises(ValueError):
        facet_counts(index, SearchQuery(), BANDS[:-1])


def test_facets_keep_the_ten_most_frequent_sectors_by_label():
    ids = list(sector_names())[:12]
    rows = [{"id": str(i), "name": f"S{i}", "sectors": [*ids[: i % 12 + 1], "not-a-sector"]} for i in range(24)]
    facets = facet_counts(SearchIndex.build(canonical(rows)), SearchQuery(), BANDS)
    labels = sector_names()
    assert facets.sectors.index.tolist() == [labels[s] for s in ids[:10]]  # unknown ids are not counted
    assert facets.sectors.tolist() == [24 - 2 * k for k in range(10)]


@pytest.mark.parametrize(
    "query",
    [
        SearchQuery(),
        SearchQuery(kinds=("ESAT", "EA")),
        SearchQuery(q="nettoyage"),
        SearchQuery(sort="distance", radius_km=60, **NEAR_LYON),
        SearchQuery(include_intervention_area=True, radius_km=30, **NEAR_LYON),
        SearchQuery(departments=("59",), sectors=("espaces-verts",)),
        SearchQuery(q="zzzz introuvable"),
    ],
    ids=["all", "kinds", "keyword", "near", "areas", "territory", "none"],
)
def test_facets_from_the_flattened_lists_are_the_facets_of_the_results(query, tmp_path):
    # The search page counts kinds and sectors from the index's lists flattened once (FlatList), not
    # from every result's lists: the same counts, in the same order (ties included), on a saved index.
    from sourcing.directory import load_demo

    _assert_flat_facets_are_the_results_facets(load_demo(), [query], tmp_path)


def _assert_flat_facets_are_the_results_facets(directory: pd.DataFrame, queries: list[SearchQuery], tmp_path) -> None:
    """The counts from the flattened lists (`FlatList.counted`, on the saved index's own columns as the
    search page takes them) equal the counts of the results' lists, order included, for each query."""
    from sourcing.search import stored
    from sourcing.search.facets import FlatList

    lazy = stored.load(stored.save(SearchIndex.build(directory), tmp_path / "index"))
    flattened = {name: FlatList.of_arrow(lazy.arrow_column(name)) for name in ("kinds", "sectors")}
    saved = {name: lazy.flat_list(name) for name in ("kinds", "sectors")}  # as the index keeps them, mapped
    for query in queries:
        expected = facet_counts(lazy, query, BANDS)
        for flat in (facet_counts(lazy, query, BANDS, lists=flattened), facet_counts(lazy, query, BANDS, lists=saved)):
            pd.testing.assert_series_equal(flat.kinds, expected.kinds)
            pd.testing.assert_series_equal(flat.sectors, expected.sectors)
            if expected.bands is None:
                assert flat.bands is None
            else:
                pd.testing.assert_series_equal(flat.bands, expected.bands)


def test_flattened_counts_break_ties_as_pandas_does(tmp_path):
    """Many equal counts (three kinds, four sectors, each as often as the others), lists in varied
    orders, empty lists, unknown sector ids, a search whose sectors are all unknown: the bars' order is
    the one the results' own lists give (ties by first appearance in the results' order)."""
    import random

    known = list(sector_names())[:4]
    draw = random.Random(15)
    rows = []
    for i in range(240):
        kinds = draw.sample(["EA", "ESAT", "ACI"], draw.randint(0, 3))
        sectors = draw.sample([*known, "pas-un-secteur"], draw.randint(0, 5))
        rows.append({"id": str(i), "name": f"S{draw.randint(0, 60):02d}", "kinds": kinds, "sectors": sectors})
    rows.append({"id": "x", "name": "Seul inconnu", "kinds": ["EA"], "sectors": ["pas-un-secteur"]})
    queries = [SearchQuery(), SearchQuery(sort="name"), SearchQuery(kinds=("ESAT",)), SearchQuery(q="inconnu"),
               SearchQuery(q="S07"), SearchQuery(q="introuvable")]  # fmt: skip
    _assert_flat_facets_are_the_results_facets(canonical(rows), queries, tmp_path)


def test_flattened_lists_leave_out_missing_lists_and_items():
    import pyarrow as pa

    from sourcing.search.facets import FlatList

    flat = FlatList.of_arrow(pa.chunked_array([pa.array([["EA", None], None]), pa.array([[], ["ESAT", "EA"]])]))
    assert flat.rows.tolist() == [0, 3, 3]
    values, counts = flat.counted(np.array([3, 0]), 4)  # rows in the results' order, then list order
    assert values == ["ESAT", "EA"] and counts.tolist() == [1, 2]
    values, counts = flat.counted(np.array([1, 2]), 4)
    assert values == [] and counts.tolist() == []
    none = FlatList.of_arrow(pa.chunked_array([pa.nulls(3)]))  # an empty directory's column: no list type at all
    assert none.rows.tolist() == [] and none.counted(np.array([2, 0]), 3)[0] == []


def test_supplier_row_from_the_results_else_from_the_directory(index):
    shown = search(index, SearchQuery(radius_km=30, limit=2, **NEAR_LYON)).results
    assert supplier_row(index, shown, "B", LYON)["distance_km"] == shown.set_index("id").loc["B", "distance_km"]
    beyond = supplier_row(index, shown, "G", LYON)  # a map marker beyond the shown rows
    assert beyond["name"] == "Vent d'Ouest Traiteur" and 94 < beyond["distance_km"] < 95
    assert math.isnan(supplier_row(index, shown, "G", None)["distance_km"])
    assert supplier_row(index, shown, "nobody", LYON) is None
    assert supplier_row(index, shown, None, LYON) is None
    assert supplier_row(index, pd.DataFrame({"id": []}), "A", LYON)["id"] == "A"


@pytest.mark.parametrize("stored_index", [False, True], ids=["in memory", "saved and mapped"])
@pytest.mark.parametrize("near", [NEAR_LYON, {}], ids=["near Lyon", "no place"])
def test_full_rows_of_a_few_shown_results_are_the_rows_a_whole_search_gives(index, tmp_path, stored_index, near):
    """The page reads only its grid's columns for the shown rows; a checked row or the open card gets
    every column, its distance and why it matched, as a search of all columns would have given them."""
    from sourcing.search import stored

    if stored_index:
        index = stored.load(stored.save(index, tmp_path / "search-index"))
    query = SearchQuery(radius_km=200 if near else None, q="entretien", limit=5, **near)
    whole = search(index, query).results
    shown = search(index, replace(query, columns=("id", "name", "match_reason")))  # as the page's table asks
    assert list(shown.results.columns) == ["id", "name", "distance_km", "match_reason"]
    ids = list(whole["id"])
    assert len(ids) >= 2
    wanted = [ids[-1], "nobody", ids[0]]  # any order asked: the results' order given; unknown ids left out
    rows = full_rows(index, shown, wanted)
    pd.testing.assert_frame_equal(rows, whole[whole["id"].isin(wanted)])
    assert full_rows(index, shown, []).empty and full_rows(index, shown, ["nobody"]).empty


@pytest.mark.parametrize(
    ("typed", "first"),
    [("villeurbane", "Villeurbanne (69)"), ("marseile", "Marseille (13)"), ("st etiene", "Saint-Étienne (42)"),
     ("montpelier", "Montpellier (34)"), ("bordeau", "Bordeaux (33)"), ("nante", "Nantes (44)")],
)  # fmt: skip
def test_a_misspelt_commune_suggests_the_right_one_first(typed, first):
    pick = resolve_place(PlaceChoices([], {}), typed)
    assert pick.place is None and pick.suggestions[0] == first
    assert typed not in [s.lower() for s in pick.suggestions]


def test_gibberish_gets_no_far_fetched_suggestion():
    pick = resolve_place(PlaceChoices([], {}), "xyzzyq")
    assert pick.place is None and pick.suggestions == () and pick.message
