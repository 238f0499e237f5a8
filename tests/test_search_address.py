"""« Effacer les filtres » and the page address (`ui.search_filters._clear_filters`): the address of the
fresh search is written ONCE, whatever filters the search had. Each write is a `pushState` in the browser:
left to the widgets, Streamlit removed each filter in its own write as the run drew it, and until
ui/search_history.js runs each one was a history entry (Back then stopped at a half-cleared search;
tests/browser/test_search_state.py shows it in Chromium)."""

from __future__ import annotations

from urllib import parse

import pytest
from streamlit.runtime.state.query_params import QueryParams

from tests.helpers import app_test
from tests.test_more_filters import FILTERS
from ui import state
from ui import texts as T

# A link with a value for every kind of widget of the sidebar outside « Plus de filtres ».
MAIN_FILTERS = {
    "lieu": "Lyon (69001)",
    "rayon": "40",
    "zone": "true",
    "t_ESAT": "true",
    "t_EA": "true",
    "q": "restauration",
    "tri": T.SORT_OPTIONS["name"],  # option widgets carry their label in the address
}
# Each filter of « Plus de filtres », as a link carries it.
MORE_FILTERS = {key: in_url for key, _value, in_url, _fields in FILTERS}


@pytest.fixture
def address_writes(monkeypatch) -> list[str]:
    """Every address the server sends the browser (Streamlit's `page_info_changed`), in order."""
    writes: list[str] = []
    send = QueryParams._send_query_param_msg

    def recorded(self: QueryParams) -> None:
        writes.append(parse.urlencode(self._query_params, doseq=True))
        send(self)

    monkeypatch.setattr(QueryParams, "_send_query_param_msg", recorded)
    return writes


def _linked(params: dict[str, str]):
    at = app_test()
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def _cases() -> list[dict[str, str]]:
    sector = next(iter(state.sector_labels().values()))
    each = [{key: value} for key, value in {**MAIN_FILTERS, "secteurs": sector, **MORE_FILTERS}.items()]
    everything = {**MAIN_FILTERS, "secteurs": sector, "dep": MORE_FILTERS["dep"], "marches": "true"}
    return [*each, everything]


CASES = _cases()


@pytest.mark.parametrize("params", CASES, ids=["+".join(sorted(c)) if len(c) < 3 else "many" for c in CASES])
def test_clear_writes_the_fresh_address_once(address_writes, params):
    at = _linked(params)
    assert not at.exception
    assert set(params) <= set(at.query_params), "the link's filters are in the address before the clear"
    address_writes.clear()
    at.button(key="clear_filters").click().run()
    assert address_writes == [""]
    assert dict(at.query_params) == {}
    at.run()  # the next rerun writes nothing more
    assert address_writes == [""]
