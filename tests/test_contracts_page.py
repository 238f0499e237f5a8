"""Page "Annuaire", section of the public contracts won (DECP), under AppTest: nothing asked before the
click; the recorded DECP answers give the contracts and the success message; offline, a French
error and the store untouched."""

from __future__ import annotations

import json
import socket

import pytest
import responses

from sourcing.contracts import fetch as decp_fetch
from sourcing.store import service as store
from tests.helpers import DIRECTORY_PAGE, fetch_recorded_nord_ess, load_script, open_page
from ui import texts as T

RECORDED = load_script("tests/data/decp/recorded_decp.py")


@pytest.fixture
def nord_store(monkeypatch):
    from sourcing.db import upgrade_database

    upgrade_database()
    monkeypatch.setattr("sourcing.live.client.time.sleep", lambda _s: None)
    fetch_recorded_nord_ess()


def test_contracts_are_looked_up_only_on_the_click(nord_store):
    url = decp_fetch.DEFAULT_BASE_URL + decp_fetch.endpoint()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_callback(responses.GET, url, callback=lambda r: (200, {}, json.dumps(RECORDED.answer(r.url))))
        at = open_page(DIRECTORY_PAGE)
        assert not at.exception and len(mock.calls) == 0
        assert any(T.CONTRACTS_NONE_YET in c.value for c in at.caption)
        at.button(key="contracts_go").click().run()
        assert not at.exception and not at.error and len(mock.calls) > 0
    assert any("Marchés publics à jour : 7 marché(s) trouvé(s)" in s.value for s in at.success)
    frame = store.read_version(store.current_number())
    assert int(frame["contracts_won"].sum()) == 7


def test_offline_the_section_says_so_and_keeps_the_directory(nord_store, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise OSError(101, "Network is unreachable")

    def no_dns(*_args, **_kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    before = store.current_number()
    at = open_page(DIRECTORY_PAGE)
    at.button(key="contracts_go").click().run()
    assert not at.exception and any("Pas de connexion" in e.value for e in at.error)
    assert store.current_number() == before
