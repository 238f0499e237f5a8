"""Page "Annuaire", section "Construire l'annuaire depuis les données publiques", under AppTest:
a département fetched from recorded answers becomes a source; offline, a French error and the
store untouched; nothing is fetched unless the buyer clicks."""

from __future__ import annotations

import socket

import pytest
import responses

from sourcing.live.client import DEFAULT_BASE_URL
from sourcing.store import service as store
from tests.helpers import DEMO_CSV, DIRECTORY_PAGE, open_page, recorded_company_search
from ui import texts as T


@pytest.fixture
def recorded_api():
    asked: list[int] = []

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_callback(responses.GET, DEFAULT_BASE_URL + "/search", callback=recorded_company_search(asked))
        yield asked


def _fill(at, department: str = "59") -> None:
    at.text_input(key="fetch_department").input(department).run()


def test_nothing_is_fetched_until_the_buyer_clicks(recorded_api):
    at = open_page(DIRECTORY_PAGE)
    _fill(at)
    assert recorded_api == []
    assert any("département 59" in c.value for c in at.caption)
    assert at.button(key="fetch_go").label == T.FETCH_BUTTON


def test_a_department_fetched_becomes_a_source_of_the_directory(recorded_api):
    at = open_page(DIRECTORY_PAGE)
    _fill(at)
    at.text_input(key="fetch_label").input("ESS du Nord").run()
    at.button(key="fetch_go").click().run()
    assert not at.exception and not at.error
    assert recorded_api == [1, 2, 3]
    assert any("Source « ESS du Nord » ajoutée" in s.value for s in at.success)
    (source,) = store.current_version().sources
    assert source.label == "ESS du Nord" and source.kind == "fetch"


def test_a_bad_department_is_said_before_any_request(recorded_api):
    at = open_page(DIRECTORY_PAGE)
    _fill(at, "100")
    assert any("inconnu" in w.value for w in at.warning) and recorded_api == []


def test_offline_the_page_says_so_in_french_and_the_store_is_untouched(monkeypatch):
    from sourcing.db import upgrade_database

    upgrade_database()
    store.add_source(DEMO_CSV.read_bytes(), DEMO_CSV.name, label="Démo", data_date="2026-01-01")
    before = store.current_version()
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: (_ for _ in ()).throw(socket.gaierror("no dns")))
    at = open_page(DIRECTORY_PAGE)
    _fill(at)
    at.button(key="fetch_go").click().run()
    assert not at.exception
    assert any("Récupération impossible" in e.value and "Pas de connexion" in e.value for e in at.error)
    after = store.current_version()
    assert after.number == before.number and [s.label for s in after.sources] == ["Démo"]
