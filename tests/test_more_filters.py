"""The folded section « Plus de filtres » of the search page (`ui.search_filters`): its widgets are drawn
only when the buyer opens it or one of its filters is in use, and nothing a buyer relies on changes: a
filter set there stays applied once the section is folded, a link carrying one applies it and opens the
section, « Effacer les filtres » resets them, and a fresh page searches `default_query()` (the warm-up's)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sourcing.directory import load_demo
from sourcing.search import SearchIndex, SearchQuery, search
from tests.helpers import app_test
from tests.test_app import count_in_headline
from ui import search_page, state
from ui import texts as T
from ui.search_filters import MORE_FILTER_KEYS, MORE_FILTERS_KEY, default_query

EPCI_LYON = "200046977"  # Métropole de Lyon, 102 suppliers of the demo directory


def _filters() -> list[tuple[str, object, str, dict[str, object]]]:
    """Each filter of the section: its key, the value a buyer picks in its widget, the same value in
    a link, and the `SearchQuery` fields it searches."""
    names = state.territory_names()
    return [
        ("naf", "88.10C", "88.10C", {"naf": "88.10C"}),
        ("cpv", "90910000", "90910000", {"cpv": "90910000"}),
        ("dep", "69", names.departments["69"], {"departments": ("69",)}),
        ("reg", "84", names.regions["84"], {"regions": ("84",)}),
        ("epci", EPCI_LYON, names.epcis[EPCI_LYON], {"epcis": (EPCI_LYON,)}),
        ("effectif", "20 à 49 salariés", "20 à 49 salariés", {"headcount_bands": ("20 à 49 salariés",)}),
        ("recent", True, "true", {"fresh_only": True}),
        ("marches", True, "true", {"won_contracts": True}),
    ]


FILTERS = _filters()
IDS = [key for key, *_ in FILTERS]


@pytest.fixture(scope="module")
def demo_index():
    return SearchIndex.build(load_demo())


@pytest.fixture
def page_queries(monkeypatch) -> list[SearchQuery]:
    """The query of each run of the search page, in order."""
    asked: list[SearchQuery] = []
    drawn = search_page.sidebar_query

    def recorded():
        query, place_label = drawn()
        asked.append(query)
        return query, place_label

    monkeypatch.setattr(search_page, "sidebar_query", recorded)
    return asked


def drawn_filters(at) -> set[str]:
    """The keys of the section's filters drawn in the page."""
    widgets = [*at.text_input, *at.multiselect, *at.checkbox]
    return {w.key for w in widgets} & set(MORE_FILTER_KEYS)


def section(at):
    return next(e for e in at.expander if e.label == T.MORE_FILTERS)


def section_open(at) -> bool:
    return section(at).proto.expanded


def keys_in_section(at) -> set[str]:
    """The keys of every widget drawn in the section (each must be one of `MORE_FILTER_KEYS`)."""
    inside = section(at)
    kinds = ("text_input", "multiselect", "checkbox", "selectbox", "radio", "slider", "toggle", "number_input")
    return {w.key for kind in kinds for w in getattr(inside, kind)}


def widget(at, key: str):
    """The widget of the filter `key`."""
    if key in ("naf", "cpv"):
        return at.text_input(key=key)
    return at.checkbox(key=key) if key in ("recent", "marches") else at.multiselect(key=key)


def pick(at, key: str, value: object) -> None:
    """Set the filter `key` as a buyer does in its widget, and rerun."""
    if key in ("naf", "cpv"):
        widget(at, key).input(value).run()
    elif isinstance(value, bool):
        widget(at, key).check().run()
    else:
        widget(at, key).select(value).run()


def assert_searched(at, queries, demo_index, fields: dict[str, object]) -> None:
    expected = replace(default_query(), **fields)
    assert not at.exception
    assert queries[-1] == expected
    assert count_in_headline(at) == search(demo_index, expected).total


def test_the_filters_sit_in_the_section():
    assert set(MORE_FILTER_KEYS) == set(IDS)


def test_a_fresh_page_draws_none_of_them_and_searches_the_warm_up_query(page_queries, demo_index):
    at = app_test().run()
    assert drawn_filters(at) == set() and not section_open(at)
    assert_searched(at, page_queries, demo_index, {})
    assert count_in_headline(at) == len(demo_index.frame)


def test_opening_the_section_draws_them_and_folding_it_unused_forgets_them(page_queries, demo_index):
    at = app_test().run()
    at.session_state[MORE_FILTERS_KEY] = True  # what the buyer's click on the section sends
    at.run()
    assert drawn_filters(at) == set(MORE_FILTER_KEYS) == keys_in_section(at) and section_open(at)
    assert_searched(at, page_queries, demo_index, {})
    at.session_state[MORE_FILTERS_KEY] = False
    at.run()
    assert drawn_filters(at) == set() and not section_open(at)
    assert_searched(at, page_queries, demo_index, {})


@pytest.mark.parametrize(("key", "value", "in_url", "fields"), FILTERS, ids=IDS)
def test_a_filter_set_then_folded_stays_applied_until_cleared(page_queries, demo_index, key, value, in_url, fields):
    at = app_test().run()
    at.session_state[MORE_FILTERS_KEY] = True
    at.run()
    pick(at, key, value)
    assert_searched(at, page_queries, demo_index, fields)
    at.session_state[MORE_FILTERS_KEY] = False  # folded: its widget stays drawn, and so in the URL
    at.run()
    assert not section_open(at) and key in drawn_filters(at)
    assert_searched(at, page_queries, demo_index, fields)
    at.run()  # any later rerun
    assert key in drawn_filters(at)
    assert_searched(at, page_queries, demo_index, fields)
    at.button(key="clear_filters").click().run()
    assert_searched(at, page_queries, demo_index, {})
    assert not section_open(at)
    at.run()
    assert drawn_filters(at) == set()
    assert_searched(at, page_queries, demo_index, {})


@pytest.mark.parametrize(("key", "value", "in_url", "fields"), FILTERS, ids=IDS)
def test_a_link_with_the_filter_applies_it_in_the_open_section(page_queries, demo_index, key, value, in_url, fields):
    at = app_test()
    at.query_params[key] = in_url
    at.run()
    assert_searched(at, page_queries, demo_index, fields)
    assert section_open(at) and drawn_filters(at) == set(MORE_FILTER_KEYS)
    shown = widget(at, key).value
    assert shown == ([value] if isinstance(shown, list) else value)
    at.button(key="clear_filters").click().run()
    assert_searched(at, page_queries, demo_index, {})
