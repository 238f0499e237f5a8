"""A fresh search page draws its results before its filters (`ui.search_page.render`): a first visitor's
count and map reach the browser before the sidebar's widgets, whose drawing took about 0.5 s of the run
and whose code the browser fetches before it builds any component (bench/browser_scale.py: the demo's
first map 0.7 to 0.9 s sooner). What the buyer sees must not change: the same search, the same widgets,
and any page that is not fresh (a filter chosen, a link carrying one) draws its filters first."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sourcing.directory import load_demo
from sourcing.search import SearchIndex, search
from tests.helpers import app_test
from tests.test_app import count_in_headline
from ui import search_filters, search_page
from ui import texts as T


@pytest.fixture
def order(monkeypatch) -> list[str]:
    """What each run drew first: "results" (the count) or "filters" (the sidebar), in call order."""
    calls: list[str] = []
    count, filters = search_page.result_count, search_filters.sidebar_query

    def counted(*args):
        calls.append("results")
        return count(*args)

    def drawn():
        calls.append("filters")
        return filters()

    monkeypatch.setattr(search_page, "result_count", counted)
    monkeypatch.setattr(search_filters, "sidebar_query", drawn)
    return calls


@pytest.fixture(scope="module")
def demo_total() -> int:
    return len(load_demo())


def test_a_first_visit_draws_the_results_then_the_same_filters(order, demo_total):
    at = app_test().run()
    assert not at.exception
    assert order == ["results", "filters"]
    assert count_in_headline(at) == demo_total
    # The sidebar a first visitor gets: every filter at its default, the place box empty, radius 30 km.
    assert at.selectbox(key="lieu").value is None and at.slider(key="rayon").value == search_filters.DEFAULT_RADIUS
    assert not any(box.value for box in at.checkbox if box.key.startswith("t_"))
    assert at.text_input(key="q").value == "" and at.multiselect(key="secteurs").value == []


def test_a_chosen_filter_draws_the_filters_first_and_clearing_it_the_results_first(order):
    at = app_test().run()
    at.checkbox(key="t_ESAT").check().run()
    esat = count_in_headline(at)
    assert order[-2:] == ["filters", "results"]
    index = SearchIndex.build(load_demo())
    assert esat == search(index, replace(search_filters.default_query(), kinds=("ESAT",))).total < len(index.frame)
    at.button(key="clear_filters").click().run()
    assert order[-2:] == ["results", "filters"]
    assert count_in_headline(at) == len(index.frame)


@pytest.mark.parametrize(("key", "value"), [("q", "nettoyage"), ("t_EA", "true"), ("rayon", "50")])
def test_a_link_with_a_filter_draws_the_filters_first(order, key, value):
    at = app_test()
    at.query_params[key] = value
    at.run()
    assert not at.exception
    assert order == ["filters", "results"]


def test_a_fresh_page_never_tells_of_a_place_not_understood(order):
    """The main area's warning repeats what the place box found at this run: a fresh page draws the
    results before the box, so a value left by an earlier run (a misspelt place, then « Effacer les
    filtres ») must not be told."""
    at = app_test()
    at.query_params["lieu"] = "Zzzyxville"  # typed in the place box, kept in the address
    at.run()
    assert T.PLACE_NOT_UNDERSTOOD_MAIN.format(text="Zzzyxville") in [w.value for w in at.main.warning]
    assert order == ["filters", "results"]
    fresh = app_test().run()
    fresh.session_state["place_not_understood"] = "Zzzyxville"  # as the misspelt run left it
    fresh.run()
    assert order[-2:] == ["results", "filters"]
    assert not any("Zzzyxville" in w.value for w in fresh.main.warning)


def test_filters_whose_defaults_disagree_with_the_fresh_query_are_drawn_first_again(monkeypatch, demo_total):
    """A filter's default changed in the widget but not in `filter_defaults()`: the fresh page would
    show another search than its sidebar's; it is drawn again, filters first, for the rest of the session."""
    wrong = replace(search_filters.default_query(), kinds=("ESAT",))
    monkeypatch.setattr(search_filters, "default_query", lambda: wrong)
    at = app_test().run()
    assert not at.exception
    assert count_in_headline(at) == demo_total  # the sidebar's search (nothing chosen), not `wrong`
    assert at.session_state[search_filters.FILTERS_FIRST] is True
    at.run()
    assert count_in_headline(at) == demo_total
