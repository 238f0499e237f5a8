"""The words buyers use: keyword phrases of the taxonomy's vocabulary, the sectors of a purchase
description, the measured sets of tests/data/vocabulary/, and the keyword search that uses them
(sector suppliers found with their reason, SIRET and SIREN)."""

from __future__ import annotations

import pytest

from sourcing import vocabulary
from sourcing.advisor.purchase import Purchase
from sourcing.search import MATCH_DISTANCE, MATCH_TEXT, SearchIndex, SearchQuery, search
from sourcing.search.keywords import identifier
from tests.test_search import LYON, canonical, km_from, supplier
from tests.vocabulary_sets import SETS_DIR, buyer_word_sectors, read_set, score

# --- The measured sets (figures in docs/vocabulary.md) -------------------------------------------


def test_the_sets_are_large_enough_and_documented():
    assert len(read_set("buyer_words.csv")) >= 100
    assert len(read_set("purchase_descriptions.csv")) >= 50
    assert (SETS_DIR / "README.md").is_file()


def test_the_sets_name_real_sectors():
    from sourcing.taxonomy import load_taxonomy

    known = set(load_taxonomy().sector_labels)
    for name in ("buyer_words.csv", "purchase_descriptions.csv"):
        for text, sectors in read_set(name):
            assert sectors and set(sectors) <= known, (name, text)


def test_buyer_words_find_the_sectors_buyers_mean():
    s = score(read_set("buyer_words.csv"), buyer_word_sectors)
    assert s.recall >= 0.95 and s.precision >= 0.95, s.misses  # measured 0.988 and 0.994


def test_purchase_descriptions_give_their_objects_sectors_only():
    s = score(read_set("purchase_descriptions.csv"), vocabulary.sectors_for_description)
    assert s.recall >= 0.95 and s.precision >= 0.95, s.misses  # measured 1.000 and 1.000


# --- Phrases ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "paysagiste",
        "Paysagistes",
        "PAYSAGISTE",
        "tonte",
        "tontes",
        "espaces verts",
        "Espace-Vert",
        "élagage"[:0] + "tonte",
    ],
)
def test_a_trade_word_any_spelling_gives_its_sector(typed):
    assert buyer_word_sectors(typed) == ["espaces-verts"]


@pytest.mark.parametrize("typed", ["ménage des bureaux", "menage de bureaux", "Ménage bureaux", "ménage  des  BUREAUX"])
def test_stop_words_and_accents_do_not_split_a_phrase(typed):
    assert buyer_word_sectors(typed) == ["nettoyage-locaux"]


def test_phrases_keep_the_text_as_typed():
    found = vocabulary.phrases("Tonte, élagage et ménage des bureaux")
    assert [(p.text, p.sectors) for p in found] == [
        ("Tonte", ("espaces-verts",)),
        ("élagage", ("elagage-abattage",)),
        ("ménage des bureaux", ("nettoyage-locaux",)),
    ]
    assert found[2].words == ("menage", "bureaux")


@pytest.mark.parametrize("typed", ["", None, "de la", "xyzzy", "123"])
def test_no_phrase_in_text_without_trade_words(typed):
    assert vocabulary.phrases(typed) == []


# --- Purchase descriptions: objects, not complements ---------------------------------------------


@pytest.mark.parametrize(
    ("need", "expected"),
    [
        ("Entretien des espaces verts des écoles", ["espaces-verts"]),  # where: not teaching
        ("Nettoyage des locaux de la crèche", ["nettoyage-locaux"]),  # for whom: not childcare
        ("Gardiennage du parking de la piscine", ["gardiennage"]),
        ("Transport des enfants vers la piscine", ["transport-personnes"]),
        ("Collecte des déchets de la cantine", ["collecte-dechets"]),
        ("Espaces verts des écoles et des crèches", ["espaces-verts"]),  # « et des »: still where
        ("Nettoyage des locaux de la mairie et des écoles", ["nettoyage-locaux"]),
        ("Nettoyage des locaux et des vitres", ["nettoyage-locaux", "nettoyage-vitres"]),  # two objects
        ("Tonte, débroussaillage et élagage", ["espaces-verts", "debroussaillage", "elagage-abattage"]),
        ("Élagage des arbres des écoles et nettoyage des locaux", ["elagage-abattage", "nettoyage-locaux"]),
        ("Tonte ; nettoyage des vitres", ["espaces-verts", "nettoyage-vitres"]),
        ("", []),
    ],
)
def test_description_sectors_leave_out_complements(need, expected):
    assert vocabulary.sectors_for_description(need) == expected


def test_the_advisor_reads_the_need_as_a_description():
    p = Purchase(need="Entretien des espaces verts des écoles", nature="services", amount_eur=100_000,
                 duration_months=24, buyer_type="commune")  # fmt: skip
    assert p.resolved_sectors == ("espaces-verts",)


# --- The keyword search ---------------------------------------------------------------------------

ROWS = [
    supplier("11111111100011", "Les Jardins de l'Espoir", km_from(LYON, 0, 3), sectors=["espaces-verts"],
             siren="111111111"),
    supplier("11111111100029", "Jardins de l'Espoir, antenne Est", km_from(LYON, 0, 8), sectors=["espaces-verts"],
             siren="111111111"),
    supplier("22222222200018", "ESAT du Rhône", km_from(LYON, 2, 0), sectors=["nettoyage-locaux", "blanchisserie"],
             description="Ménage, blanchisserie"),
    supplier("33333333300015", "Atelier Tonte et Compagnie", km_from(LYON, 1, 1), sectors=["menuiserie"]),
    supplier("44444444400012", "Garde-Rhône", km_from(LYON, 4, 4), sectors=["gardiennage"]),
]  # fmt: skip


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex.build(canonical(ROWS))


def _found(index: SearchIndex, q: str, **kw) -> dict[str, str]:
    found = search(index, SearchQuery(q=q, **kw))
    return dict(zip(found.results["id"], found.results["match_reason"], strict=True))


@pytest.mark.parametrize("q", ["tonte", "Tontes", "paysagiste", "PAYSAGISTES", "espaces verts"])
def test_a_buyer_word_finds_the_suppliers_of_its_sector(index, q):
    found = _found(index, q)
    assert {"11111111100011", "11111111100029"} <= set(found)
    assert (
        found["11111111100011"]
        == f"secteur Création et entretien d'espaces verts (mot{'s' if ' ' in q else ''} « {q} »)"
    )


def test_a_word_in_the_name_still_finds_and_says_so(index):
    found = _found(index, "tonte")
    assert found["33333333300015"] == MATCH_TEXT  # "Tonte" in its name, not in the sector


@pytest.mark.parametrize("q", ["vigile", "vigiles", "Vigile"])
def test_words_no_supplier_writes_find_the_sector(index, q):
    assert list(_found(index, q)) == ["44444444400012"]


def test_a_phrase_reason_names_the_words_typed(index):
    found = _found(index, "ménage des bureaux")
    assert found == {"22222222200018": "secteur Nettoyage de locaux et de bureaux (mots « ménage des bureaux »)"}


def test_every_phrase_must_match(index):
    assert _found(index, "tonte plombier") == {}
    assert list(_found(index, "tonte espoir")) == ["11111111100011", "11111111100029"]


def test_the_place_reason_comes_first(index):
    found = _found(index, "vigile", near=LYON, radius_km=30)
    assert found["44444444400012"].startswith(MATCH_DISTANCE + " ; secteur Gardiennage")


@pytest.mark.parametrize(
    ("q", "expected", "reason"),
    [
        ("22222222200018", ["22222222200018"], "SIRET"),
        ("222 222 222 00018", ["22222222200018"], "SIRET"),
        (" 222.222.222.00018 ", ["22222222200018"], "SIRET"),
        ("111111111", ["11111111100011", "11111111100029"], "SIREN"),  # every establishment
        ("111 111 111", ["11111111100011", "11111111100029"], "SIREN"),
        ("99999999900019", [], None),  # not in the directory: nothing, not everything
    ],
)
def test_a_siret_or_siren_finds_that_supplier(index, q, expected, reason):
    found = _found(index, q)
    assert list(found) == expected
    assert set(found.values()) <= {reason}


def test_siren_taken_from_the_siret_when_the_siren_column_is_empty():
    index = SearchIndex.build(canonical([supplier("55555555500017", "Sans SIREN", LYON)]))
    assert list(_found(index, "555555555")) == ["55555555500017"]


@pytest.mark.parametrize("typed", ["12345678", "1234567890", "1234567890123", "123456789012345", "12345678A", "", None])
def test_other_numbers_are_not_identifiers(typed):
    assert identifier(typed) is None


def test_every_row_of_a_large_result_gets_its_reason():
    index = SearchIndex.build(
        canonical([supplier(f"{i:014d}", f"S{i}", LYON, sectors=["espaces-verts"]) for i in range(300)])
    )
    found = search(index, SearchQuery(q="tonte"))
    assert found.total == 300
    assert set(found.results["match_reason"]) == {"secteur Création et entretien d'espaces verts (mot « tonte »)"}
