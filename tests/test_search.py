"""Behaviour of `sourcing.search` on small hand-made directories, and an equivalence property:
the indexed search returns what a slow, obviously-correct pandas reference returns."""

from __future__ import annotations

import math
import unicodedata
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from sourcing import taxonomy
from sourcing.model import CANONICAL_COLUMNS, HEADCOUNT_BANDS
from sourcing.search import (
    FILTER_LABELS,
    FILTERS,
    MATCH_AREA,
    MATCH_DISTANCE,
    MATCH_TEXT,
    STOP_WORDS,
    SearchIndex,
    SearchQuery,
    count,
    describe,
    search,
    widen,
)
from sourcing.vocabulary import phrases as vocabulary_phrases

LYON = (45.7640, 4.8357)
KM_PER_DEG = 6371.0088 * math.pi / 180


def canonical(rows: list[dict]) -> pd.DataFrame:
    """A canonical directory: every column of CANONICAL_COLUMNS, defaults where a row says nothing."""
    defaults = {"string": "", "list": None, "float": np.nan, "bool": False, "int": 0}
    records = []
    for i, row in enumerate(rows):
        rec = {}
        for col, (kind, _) in CANONICAL_COLUMNS.items():
            value = row.get(col, defaults[kind])
            rec[col] = list(value) if kind == "list" and value is not None else ([] if kind == "list" else value)
        rec["source_line"] = i + 2
        records.append(rec)
    frame = pd.DataFrame.from_records(records, columns=list(CANONICAL_COLUMNS))
    for col, (kind, _) in CANONICAL_COLUMNS.items():
        if kind == "string":
            frame[col] = frame[col].astype("str")
    return frame


def km_from(origin: tuple[float, float], north: float, east: float) -> tuple[float, float]:
    lat = origin[0] + north / KM_PER_DEG
    return lat, origin[1] + east / (KM_PER_DEG * math.cos(math.radians(origin[0])))


def haversine(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Scalar great-circle distance in km (the test's own, with math)."""
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b[1] - a[1]) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, h)))


def supplier(id_, name, at, **fields) -> dict:
    lat, lon = at if at is not None else (np.nan, np.nan)
    return {"id": id_, "siret": id_, "name": name, "lat": lat, "lon": lon, **fields}


# --- The hand-made directory around Lyon ---------------------------------------------------------

ROWS = [
    supplier("A", "Blanchisserie du Rhône", km_from(LYON, 5, 0), kinds=["ESAT", "ASSOCIATION"],
             sectors=["blanchisserie"], naf="96.01A", description="Entretien du linge professionnel",
             department="69", region="84", epci="200046977", headcount_band="20 à 49 salariés"),
    supplier("B", "Les Jardins de l'Espoir", km_from(LYON, 0, 12), kinds=["ACI"], sectors=["espaces-verts"],
             naf="81.30Z", description="Création et entretien d'espaces verts, taille de haies",
             department="69", region="84", epci="200046977", headcount_band="10 à 19 salariés"),
    supplier("C", "Menuiserie Solidaire", km_from(LYON, 28.3, 28.3), kinds=["EA"], sectors=["menuiserie"],
             naf="43.32A", description="Menuiserie bois et PVC, pose de fenêtres", department="01", region="84"),
    supplier("D", "Atelier Vélo Lillois", (50.6292, 3.0573), kinds=["EI"], sectors=["reparation-velos"],
             naf="95.29Z", description="Réparation de vélos", department="59", region="32", area_national=True),
    supplier("E", "Net Services Paris", (48.8566, 2.3522), kinds=["EI", "ESUS"],
             sectors=["nettoyage-locaux", "nettoyage-vitres"], naf="81.21Z",
             description="Nettoyage de bureaux et de vitres", department="75", region="11",
             area_departments=["69", "01"]),
    supplier("F", "Propreté Marseille", (43.2965, 5.3698), kinds=["EA"], sectors=["nettoyage-locaux"],
             naf="81.21Z", department="13", region="93", area_regions=["84", "93"]),
    supplier("G", "Vent d'Ouest Traiteur", (45.1885, 5.7245), kinds=["SCOP"], sectors=["traiteur"],
             naf="56.21Z", description="Traiteur et buffets", department="38", region="84", area_radius_km=100.0),
    supplier("H", "Espaces Verts du Nord", (50.6292, 3.0573), kinds=["ESAT"], sectors=["espaces-verts"],
             naf="81.30Z", department="59", region="32", area_radius_km=50.0),
    supplier("I", "Éclat Propreté", km_from(LYON, 0, -20), trade_name="Éclat", kinds=["ACI", "ASSOCIATION"],
             sectors=["nettoyage-locaux"], naf="81.21Z", department="69", region="84", epci="246900245",
             headcount_band="12"),
    supplier("J", "Sans localisation", None, kinds=["ASSOCIATION"], area_national=True),
]  # fmt: skip
NEAR_LYON = {"near": LYON, "near_department": "69", "near_region": "84"}


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex.build(canonical(ROWS))


def ids(index: SearchIndex, query: SearchQuery) -> list[str]:
    return search(index, query).results["id"].tolist()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (SearchQuery(), list("ABCDEFGHIJ")),
        (SearchQuery(kinds=("ESAT",)), ["A", "H"]),
        (SearchQuery(kinds=("esat",)), ["A", "H"]),
        (SearchQuery(kinds=("EA", "SCOP")), ["C", "F", "G"]),
        (SearchQuery(kinds=("Entreprise adaptée",)), ["C", "F"]),
        (SearchQuery(kinds=("LICORNE",)), []),
        (SearchQuery(sectors=("nettoyage-locaux",)), ["E", "F", "I"]),
        (SearchQuery(sectors=("espaces-verts", "traiteur")), ["B", "G", "H"]),
        (SearchQuery(sectors=("Nettoyage de vitres",)), ["E"]),  # a label instead of an id
        (SearchQuery(cpv="90919200"), ["E", "F", "I"]),  # CPV -> nettoyage-locaux
        (SearchQuery(cpv="98310000-9"), ["A"]),  # CPV -> blanchisserie, pressing
        (SearchQuery(naf="81.21Z"), ["E", "F", "I"]),
        (SearchQuery(naf="8121z"), ["E", "F", "I"]),
        (SearchQuery(naf="81"), ["B", "E", "F", "H", "I"]),
        (SearchQuery(naf="81.3"), ["B", "H"]),
        (SearchQuery(departments=("69",)), ["A", "B", "I"]),
        (SearchQuery(departments=("1",)), ["C"]),  # "1" is département 01
        (SearchQuery(departments=("59", "75")), ["D", "E", "H"]),
        (SearchQuery(departments=("",)), list("ABCDEFGHIJ")),  # an empty value is no filter
        (SearchQuery(regions=("84",)), ["A", "B", "C", "G", "I"]),
        (SearchQuery(epcis=("200046977",)), ["A", "B"]),
        (SearchQuery(headcount_bands=("12",)), ["A", "I"]),  # stored as label (A) or as code (I)
        (SearchQuery(headcount_bands=("20 à 49 salariés",)), ["A", "I"]),
        (SearchQuery(headcount_bands=("11", "03")), ["B"]),
    ],
)
def test_each_filter_alone(index, query, expected):
    assert ids(index, query) == expected
    assert count(index, query) == len(expected)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (SearchQuery(kinds=("ACI",), sectors=("nettoyage-locaux",)), ["I"]),
        (SearchQuery(kinds=("EA",), naf="81", regions=("93",)), ["F"]),
        (SearchQuery(departments=("69",), q="entretien"), ["A", "B"]),
        (SearchQuery(kinds=("ESAT",), q="espaces verts"), ["H"]),
        (SearchQuery(cpv="90919200", sectors=("blanchisserie",)), ["A", "E", "F", "I"]),  # CPV sectors added
        (SearchQuery(kinds=("ESAT",), departments=("69",), radius_km=10, **NEAR_LYON), ["A"]),
        (SearchQuery(kinds=("EI",), departments=("75",), headcount_bands=("12",)), []),
    ],
)
def test_filters_combined(index, query, expected):
    assert ids(index, query) == expected


@pytest.mark.parametrize(
    "query",
    [
        SearchQuery(kinds=("", " ")),
        SearchQuery(sectors=("",), epcis=("",), regions=(" ",), headcount_bands=("",), naf=" ", cpv=""),
        SearchQuery(near=(None, None), radius_km=10),  # a place without coordinates is no place
        SearchQuery(near=(float("nan"), 4.8), radius_km=10, include_intervention_area=True),
    ],
)
def test_empty_values_are_no_filter(index, query):
    found = search(index, query)
    assert found.total == 10 and (found.results["match_reason"] == "").all()
    assert widen(index, query).by_filter == {}


def test_a_bare_string_is_one_value(index):
    assert ids(index, SearchQuery(departments="69", kinds="ESAT")) == ["A"]


def test_cpv_reports_the_sectors_searched(index):
    found = search(index, SearchQuery(cpv="98310000", sectors=("traiteur",)))
    assert found.sectors_used == ("traiteur", "blanchisserie", "pressing")


def test_distance_orders_and_filters(index):
    found = search(index, SearchQuery(radius_km=30, **NEAR_LYON))
    assert found.results["id"].tolist() == ["A", "B", "I"]
    for _, row in found.results.iterrows():
        assert row["distance_km"] == pytest.approx(haversine(LYON, (row["lat"], row["lon"])), abs=1e-6)
    assert (found.results["match_reason"] == MATCH_DISTANCE).all()
    assert ids(index, SearchQuery(radius_km=50, **NEAR_LYON)) == ["A", "B", "I", "C"]
    assert ids(index, SearchQuery(radius_km=0, near=LYON)) == []


def test_place_without_radius_sorts_everything_unknown_last(index):
    found = search(index, SearchQuery(near=LYON))
    # D and H are both in Lille: the tie keeps directory order.
    assert found.results["id"].tolist() == ["A", "B", "I", "C", "G", "F", "E", "D", "H", "J"]
    distances = found.results["distance_km"].to_numpy()
    assert np.isnan(distances[-1]) and (np.diff(distances[:-1]) >= 0).all()
    assert (found.results["match_reason"] == MATCH_DISTANCE).all()


def test_a_supplier_exactly_at_the_radius_is_included(index):
    frame = index.frame
    c = frame[frame["id"] == "C"].iloc[0]
    exact = float(search(index, SearchQuery(near=LYON, q="menuiserie")).results["distance_km"].iloc[0])
    assert exact == pytest.approx(haversine(LYON, (c["lat"], c["lon"])), abs=1e-9)
    assert "C" in ids(index, SearchQuery(near=LYON, radius_km=exact))
    assert "C" not in ids(index, SearchQuery(near=LYON, radius_km=float(np.nextafter(exact, 0))))


def test_intervention_area_adds_suppliers_that_cover_the_place(index):
    query = SearchQuery(radius_km=30, include_intervention_area=True, **NEAR_LYON)
    found = search(index, query).results
    # D national, E lists 69, F lists région 84, G's 100 km reach Lyon (95 km), J national without a point;
    # H's 50 km around Lille do not.
    assert found["id"].tolist() == ["A", "B", "I", "G", "F", "E", "D", "J"]
    reasons = dict(zip(found["id"], found["match_reason"], strict=True))
    assert {k for k, v in reasons.items() if v == MATCH_DISTANCE} == {"A", "B", "I"}
    assert {k for k, v in reasons.items() if v == MATCH_AREA} == {"G", "F", "E", "D", "J"}
    assert math.isnan(found["distance_km"].iloc[-1])


@pytest.mark.parametrize(
    ("changes", "expected_area"),
    [
        ({"near_department": None, "near_region": None}, {"D", "G", "J"}),  # national + radius only
        ({"near_region": None}, {"D", "E", "G", "J"}),
        ({"near_department": None}, {"D", "F", "G", "J"}),
        ({"include_intervention_area": False}, set()),
        ({"kinds": ("EA", "EI")}, {"D", "E", "F"}),  # other filters still apply to area matches
        ({"radius_km": 100}, {"D", "E", "F", "J"}),  # G is now within the radius itself
    ],
)
def test_intervention_area_variants(index, changes, expected_area):
    query = replace(SearchQuery(radius_km=30, include_intervention_area=True, **NEAR_LYON), **changes)
    found = search(index, query).results
    assert set(found.loc[found["match_reason"] == MATCH_AREA, "id"]) == expected_area


def test_area_radius_reaches_exactly():
    at = km_from(LYON, 0, 80)
    exact = haversine(LYON, at)
    rows = [
        supplier("X", "Loin", at, area_radius_km=exact + 1e-9),
        supplier("Y", "Trop loin", at, area_radius_km=exact - 1e-6),
    ]
    index = SearchIndex.build(canonical(rows))
    assert ids(index, SearchQuery(near=LYON, radius_km=10, include_intervention_area=True)) == ["X"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("blanchisserie", ["A"]),
        ("BLANCHISSERIE", ["A"]),
        ("blanchissérie", ["A"]),  # accents are ignored
        ("blanchiserie", ["A"]),  # a missing letter
        ("menuserie", ["C"]),
        ("mneuiserie", ["C"]),  # two letters swapped
        ("menuis", ["C"]),  # a prefix
        ("espace vert", ["B", "H"]),  # singular finds plural
        ("espaces verts", ["B", "H"]),
        ("Espaces-Verts du Nord", ["H"]),  # every word must match; "du" is a stop word
        ("vert nord", ["H"]),
        ("nettoyage", ["E", "F", "I"]),  # F and I through their sector's label only
        ("nettoyage vitres", ["E"]),
        ("vent", ["G"]),  # "vert" is one typo away but not more frequent: not a correction
        ("vert", ["B", "H"]),
        ("éclat", ["I"]),  # trade name
        ("rhone", ["A"]),
        ("de la", list("ABCDEFGHIJ")),  # only stop words: no keyword filter
        ("xyzzy", []),
        ("bos", []),  # 3 letters: no typo forgiven
    ],
)
def test_keywords(index, q, expected):
    assert ids(index, SearchQuery(q=q)) == expected


def test_corrections_say_which_words_were_used(index):
    found = search(index, SearchQuery(q="Blanchiserie menuis"))
    assert found.total == 0
    assert found.corrections == {"blanchiserie": ("blanchisserie",)}
    assert found.words == ("blanchiserie", "menuis")


def test_typo_present_in_the_data_still_finds_the_common_spelling():
    rows = [supplier(f"R{i}", f"Blanchisserie n°{i}", LYON) for i in range(10)]
    rows.append(supplier("T", "Blanchiserie de la Gare", LYON))
    index = SearchIndex.build(canonical(rows))
    assert len(ids(index, SearchQuery(q="blanchiserie"))) == 11  # "blanchisserie" is 10× more frequent
    assert len(ids(index, SearchQuery(q="blanchisserie"))) == 10  # a rarer close word is not added


def test_limit_and_total(index):
    found = search(index, SearchQuery(limit=3))
    assert found.total == 10 and found.results["id"].tolist() == ["A", "B", "C"]
    assert found.rows.tolist() == [0, 1, 2]
    zero = search(index, SearchQuery(kinds=("EA",), limit=0))
    assert zero.total == 2 and zero.results.empty
    assert list(zero.results.columns)[-2:] == ["distance_km", "match_reason"]


def test_columns_restrict_the_result_table(index):
    found = search(index, SearchQuery(kinds=("EA",), columns=("id", "name", "not-a-column", "id")))
    assert list(found.results.columns) == ["id", "name", "distance_km"]
    assert found.results["id"].tolist() == ["C", "F"]
    assert index.frame["id"].take(found.rows).tolist() == ["C", "F"]


def test_why_a_result_matched_comes_when_the_columns_name_it(index):
    """The reasons cost a pass per keyword sector: the map and the charts, which never show them, do not
    pay it; the table, which names the column, gets the same reasons as a search of all columns."""
    query = SearchQuery(q="entretien espaces verts", near=(45.76, 4.83), radius_km=500)
    whole = search(index, query).results
    named = search(index, replace(query, columns=("id", "match_reason"))).results
    unnamed = search(index, replace(query, columns=("id",))).results
    assert len(whole) > 0 and (whole["match_reason"] != "").all()
    assert named["match_reason"].tolist() == whole["match_reason"].tolist()
    assert "match_reason" not in unnamed and unnamed["id"].tolist() == whole["id"].tolist()


def test_sort_by_name_ignores_case_and_accents(index):
    assert ids(index, SearchQuery(sort="name")) == ["D", "A", "I", "H", "B", "C", "E", "F", "J", "G"]
    assert ids(index, SearchQuery(sort="name", kinds=("ACI", "ESAT"))) == ["A", "I", "H", "B"]
    assert ids(index, SearchQuery(sort="name", radius_km=30, **NEAR_LYON)) == ["A", "I", "B"]


def test_widen_counts_larger_radii_and_dropped_filters(index):
    query = SearchQuery(radius_km=30, kinds=("EA",), q="menuiserie", **NEAR_LYON)
    assert search(index, query).total == 0
    widening = widen(index, query)
    assert list(widening) == [(60.0, 1), (100.0, 1), (200.0, 1)]  # C at 40 km
    assert widening.by_filter == {"kinds": 0, "q": 0}
    assert widening.get("radius") == list(widening)
    assert widening.get("filters") == [("types de structure", 0), ("mots-clés", 0)]
    query = SearchQuery(radius_km=30, kinds=("ESAT", "EI"), sectors=("blanchisserie", "nettoyage-locaux"), **NEAR_LYON)
    assert widen(index, query).by_filter == {"kinds": 2, "sectors": 1}  # A, I / A
    assert list(widen(index, SearchQuery(kinds=("EA",)))) == []  # no place: no radius to widen
    assert list(widen(index, SearchQuery(radius_km=200, **NEAR_LYON))) == []


def test_widen_counts_intervention_areas_too(index):
    query = SearchQuery(radius_km=1, include_intervention_area=True, kinds=("SCOP", "EA"), **NEAR_LYON)
    assert ids(index, query) == ["G", "F"]
    assert list(widen(index, query, radii=(50, 100))) == [(50.0, 3), (100.0, 3)]


def test_every_filter_is_a_query_field_with_its_french_wording():
    assert FILTER_LABELS == {
        "kinds": "types de structure", "sectors": "secteurs", "cpv": "code CPV", "q": "mots-clés",
        "naf": "code NAF", "departments": "départements", "regions": "régions", "epcis": "EPCI",
        "headcount_bands": "effectif", "fresh_only": "données de moins d'un an",
        "won_contracts": "a déjà remporté un marché public",
    }  # fmt: skip
    assert all(hasattr(SearchQuery(), f.name) for f in FILTERS)


def test_describe_names_the_filters_a_query_uses():
    assert describe(SearchQuery()) == []
    query = SearchQuery(q="de la", departments=("", " "), naf="81", kinds=("EA",), near=LYON, radius_km=30)
    assert describe(query) == ["types de structure", "code NAF"]  # stop words and empty values filter nothing
    assert describe(SearchQuery(cpv="90919200", sectors=("traiteur",), headcount_bands=("12",))) == [
        "secteurs", "code CPV", "effectif",
    ]  # fmt: skip


def test_widen_drops_each_filter_in_turn_in_the_order_of_the_filters(index):
    query = SearchQuery(headcount_bands=("12",), q="propreté", epcis=("200046977",), kinds=("ACI",), naf="81")
    assert search(index, query).total == 0
    widening = widen(index, query)
    labels = [label for label, _ in widening.filters]
    assert labels == ["types de structure", "mots-clés", "code NAF", "EPCI", "effectif"]
    assert widening.by_filter == {"kinds": 0, "q": 0, "naf": 0, "epcis": 1, "headcount_bands": 0}  # I, in another EPCI


def test_directory_from_parquet_lists_and_missing_values(tmp_path):
    frame = canonical(ROWS)
    frame.loc[0, "name"] = None
    frame.loc[1, "description"] = np.nan
    path = tmp_path / "d.parquet"
    frame.to_parquet(path)
    back = pd.read_parquet(path)
    assert isinstance(back["kinds"].iloc[0], np.ndarray)
    index = SearchIndex.build(back)
    assert ids(index, SearchQuery(kinds=("ESAT",), q="linge")) == ["A"]
    assert ids(index, SearchQuery(sort="name"))[0] == "A"  # a missing name sorts first
    assert ids(index, SearchQuery(radius_km=30, include_intervention_area=True, **NEAR_LYON))[:3] == ["A", "B", "I"]


def test_empty_directory():
    index = SearchIndex.build(canonical([]))
    found = search(index, SearchQuery(q="blanchisserie", kinds=("EA",), radius_km=30, include_intervention_area=True,
                                      **NEAR_LYON))  # fmt: skip
    assert found.total == 0 and found.results.empty
    assert list(widen(index, SearchQuery(radius_km=30, **NEAR_LYON))) == [(60.0, 0), (100.0, 0), (200.0, 0)]


# --- Equivalence with a naive reference --------------------------------------------------------------

WORDS = [
    "Blanchisserie", "blanchiserie", "BLANCHISSERIES", "Menuiserie", "menuiseries", "menuserie", "Espaces", "espace",
    "verts", "Vert", "vent", "Élan", "élan", "atelier", "Ateliers", "l'Atelier", "bois", "boîte", "boisson",
    "nettoyage", "vitres", "Vitry", "d'insertion", "ESAT", "2024", "cœur", "coeur", "de", "la", "a", "Linge",
]  # fmt: skip
QUERY_WORDS = [*WORDS, "blanch", "men", "esp", "vitre", "menusier", "netoyage", "nettoyages", "atel", "lin", "b",
               "menusere", "blanchiseri", "ateleir", "nettoyge", "vitrse"]  # fmt: skip
KINDS = ["ESAT", "EA", "ACI", "EI", "ASSOCIATION"]
SECTORS = ["blanchisserie", "menuiserie", "espaces-verts", "nettoyage-locaux", "pressing", "secteur-inconnu"]
NAFS = ["96.01A", "43.32A", "81.30Z", "81.21Z", "88.10C", ""]
DEPARTMENTS = ["01", "69", "75", "2A", ""]
REGIONS = ["84", "11", "94", ""]
HEADCOUNTS = ["", "12", "20 à 49 salariés", "3 à 5 salariés", "02"]


def _fold_words(text: str) -> list[str]:
    return [w for w in taxonomy.fold(text or "").split() if len(w) > 1 and w not in STOP_WORDS]


def _stem(w: str) -> str:
    return w[:-1] if len(w) > 3 and w[-1] in "sx" else w


def _budget(w: str) -> int:
    return 0 if len(w) < 4 else 1 if len(w) < 8 else 2


def _area(code: str) -> str:
    code = code.strip().upper()
    return code.zfill(2) if code.isdigit() and len(code) == 1 else code


def _band(value: str) -> str:
    by_label = {taxonomy.fold(label): code for code, label in HEADCOUNT_BANDS.items()}
    return value if value in HEADCOUNT_BANDS else by_label.get(taxonomy.fold(value), value)


def reference(frame: pd.DataFrame, q: SearchQuery) -> dict[str, str]:
    """id -> match reason, by the rules written out row by row (slow, obviously correct)."""
    labels = taxonomy.load_taxonomy().sector_labels
    tokens = [
        {_stem(w) for w in _fold_words(" ".join([r["name"], r["trade_name"], r["description"],
                                                 *(labels.get(s, s) for s in r["sectors"])]))}
        for _, r in frame.iterrows()
    ]  # fmt: skip
    vocabulary = set().union(*tokens) if tokens else set()

    def keyword_rows(word: str) -> set[int]:
        stem = _stem(word)
        direct = {i for i, ts in enumerate(tokens) if any(t.startswith(word) or t == stem for t in ts)}
        out = set(direct)
        for t in vocabulary:
            if t.startswith(word) or t == stem or not _budget(stem) or t[0] != stem[0]:
                continue
            if OSA.distance(stem, t) <= _budget(stem):
                rows = {i for i, ts in enumerate(tokens) if t in ts}
                if len(rows) >= 10 * len(direct):
                    out |= rows
        return out

    sectors = set(q.sectors) | set(taxonomy.sectors_for_cpv(q.cpv) if q.cpv else [])
    words = _fold_words(q.q or "")
    phrases = vocabulary_phrases(q.q) if words else []  # the taxonomy's phrases: their words match together
    row_sectors = [set(r["sectors"]) for _, r in frame.iterrows()]
    groups = [
        {i for i, ss in enumerate(row_sectors) if ss & set(p.sectors)}
        | (set.intersection(*(keyword_rows(w) for w in p.words if w in words)) if set(p.words) & set(words) else set())
        for p in phrases
    ] + [keyword_rows(w) for w in words if not any(w in p.words for p in phrases)]
    keyword_ok = set.intersection(*groups) if words else set(range(len(frame)))
    out = {}
    for i, (_, r) in enumerate(frame.iterrows()):
        if q.kinds and not {k.upper() for k in q.kinds} & set(r["kinds"]):
            continue
        if (q.sectors or q.cpv) and not sectors & set(r["sectors"]):
            continue
        if q.naf and not r["naf"].replace(".", "").upper().startswith(q.naf.replace(".", "").upper()):
            continue
        if q.departments and _area(r["department"]) not in {_area(d) for d in q.departments}:
            continue
        if q.regions and _area(r["region"]) not in {_area(x) for x in q.regions}:
            continue
        if q.headcount_bands and _band(r["headcount_band"]) not in {_band(b) for b in q.headcount_bands}:
            continue
        if i not in keyword_ok:
            continue
        reason = ""
        if q.near is not None:
            located = not (math.isnan(r["lat"]) or math.isnan(r["lon"]))
            d = haversine(q.near, (r["lat"], r["lon"])) if located else math.nan
            reason = MATCH_DISTANCE
            if q.radius_km is not None and not d <= q.radius_km:
                covers = r["area_national"] or (
                    q.near_department in r["area_departments"] or q.near_region in r["area_regions"]
                    or (located and d <= r["area_radius_km"])
                )  # fmt: skip
                if not (q.include_intervention_area and covers):
                    continue
                reason = MATCH_AREA
        if words:
            said = [
                f"secteur {labels[found[0]]} (mot{'s' if len(p.words) > 1 else ''} « {p.text} »)"
                for p in phrases
                if (found := [s for s in p.sectors if s in row_sectors[i]])
            ]
            reason = " ; ".join([x for x in [reason, " ; ".join(said) or MATCH_TEXT] if x])
        out[r["id"]] = reason
    return out


def _text(draw) -> str:
    return " ".join(draw(st.lists(st.sampled_from(WORDS), max_size=4)))


@st.composite
def directories(draw) -> pd.DataFrame:
    n = draw(st.integers(0, 24))
    rows = []
    for i in range(n):
        located = draw(st.booleans()) or draw(st.booleans())
        at = (LYON[0] + draw(st.floats(-0.6, 0.6)), LYON[1] + draw(st.floats(-0.8, 0.8))) if located else None
        rows.append(supplier(
            f"r{i}", _text(draw), at, trade_name=_text(draw), description=_text(draw),
            kinds=draw(st.lists(st.sampled_from(KINDS), max_size=2, unique=True)),
            sectors=draw(st.lists(st.sampled_from(SECTORS), max_size=2, unique=True)),
            naf=draw(st.sampled_from(NAFS)), department=draw(st.sampled_from(DEPARTMENTS)),
            region=draw(st.sampled_from(REGIONS)), headcount_band=draw(st.sampled_from(HEADCOUNTS)),
            area_national=draw(st.integers(0, 9)) == 0,
            area_departments=draw(st.lists(st.sampled_from(DEPARTMENTS[:4]), max_size=2, unique=True)),
            area_regions=draw(st.lists(st.sampled_from(REGIONS[:3]), max_size=1)),
            area_radius_km=draw(st.sampled_from([np.nan, np.nan, 20.0, 80.0, 150.0])),
        ))  # fmt: skip
    return canonical(rows)


@st.composite
def queries(draw) -> SearchQuery:
    """Random queries; each filter is there one time in four, so that many queries find something."""

    def sometimes(strategy, absent=None):
        return draw(strategy) if draw(st.integers(0, 3)) == 0 else absent

    near = None
    if draw(st.booleans()):
        near = (LYON[0] + draw(st.floats(-0.5, 0.5)), LYON[1] + draw(st.floats(-0.5, 0.5)))
    return SearchQuery(
        near=near,
        radius_km=draw(st.sampled_from([None, 0.0, 15.0, 50.0, 120.0])) if near else None,
        near_department=draw(st.sampled_from(["69", "01", None])),
        near_region=draw(st.sampled_from(["84", "11", None])),
        include_intervention_area=draw(st.booleans()),
        kinds=sometimes(st.lists(st.sampled_from([*KINDS, "esat"]), min_size=1, max_size=2).map(tuple), ()),
        sectors=sometimes(st.lists(st.sampled_from(SECTORS), min_size=1, max_size=2).map(tuple), ()),
        cpv=sometimes(st.sampled_from(["90919200", "98310000", "45421000"])),
        naf=sometimes(st.sampled_from(["81", "81.2", "8121Z", "96.01a", "4"])),
        departments=sometimes(
            st.lists(st.sampled_from(["69", "1", "75", "2a"]), min_size=1, max_size=2).map(tuple), ()
        ),
        regions=sometimes(st.sampled_from([("84",), ("11",), ("84", "94")]), ()),
        headcount_bands=sometimes(st.sampled_from([("12",), ("20 à 49 salariés",), ("02", "12")]), ()),
        q=draw(st.one_of(st.none(), st.lists(st.sampled_from(QUERY_WORDS), min_size=1, max_size=2).map(" ".join))),
        sort=draw(st.sampled_from([None, "distance", "name"])),
    )


def _near_boundary(frame: pd.DataFrame, q: SearchQuery) -> bool:
    """A distance within a micrometre of a radius: float rounding may decide either way there."""
    if q.near is None or q.radius_km is None:
        return False
    for _, r in frame.dropna(subset=["lat", "lon"]).iterrows():
        d = haversine(q.near, (r["lat"], r["lon"]))
        if abs(d - q.radius_km) < 1e-9 or abs(d - r["area_radius_km"]) < 1e-9:
            return True
    return False


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=directories(), query=queries())
def test_same_results_as_the_naive_reference(frame, query):
    if _near_boundary(frame, query):
        return
    expected = reference(frame, query)
    found = search(SearchIndex.build(frame), query)
    got = dict(zip(found.results["id"], found.results["match_reason"], strict=True))
    assert got == expected
    assert found.total == len(expected)
    if query.near is not None and query.sort != "name":
        distances = found.results["distance_km"].to_numpy()
        known = distances[~np.isnan(distances)]
        assert (np.diff(known) >= 0).all() and not np.isnan(distances[: len(known)]).any()
    if query.sort == "name":
        position = {id_: i for i, id_ in enumerate(frame["id"])}
        assert list(got) == sorted(got, key=lambda id_: (_name_key(frame["name"].iloc[position[id_]]), position[id_]))


def _name_key(name: str) -> str:
    """Lower case, ligatures spelt out, accents dropped: the name order the search page promises."""
    text = unicodedata.normalize("NFKD", name.lower().replace("œ", "oe").replace("æ", "ae"))
    return "".join(c for c in text if ord(c) < 128)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=directories(), words=st.lists(st.sampled_from(QUERY_WORDS), min_size=1, max_size=3))
def test_keywords_same_as_the_naive_reference(frame, words):
    query = SearchQuery(q=" ".join(words))
    found = search(SearchIndex.build(frame), query)
    assert found.results["id"].tolist() == [id_ for id_ in frame["id"] if id_ in reference(frame, query)]
