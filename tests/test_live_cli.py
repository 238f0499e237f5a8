"""`python -m sourcing fetch`: recorded answers in, a source of the team's directory out; with the
network switched off, a French message and exit code 2 within 15 seconds, nothing stored lost."""

from __future__ import annotations

import json
import time

import pytest
import responses

from sourcing import cli
from sourcing.live.client import BASE_URL_ENV, DEFAULT_BASE_URL
from sourcing.store import service as store
from tests.helpers import DEMO_CSV, TEST_DATA_DIR, cut_network, recorded_company_search

LIVE = TEST_DATA_DIR / "live"
OFFLINE_LIMIT_S = 15  # the buyer's requirement for being told, not a performance figure


@pytest.fixture(autouse=True)
def _database():
    from sourcing.db import upgrade_database

    upgrade_database()


@pytest.fixture
def no_sleep(monkeypatch):
    monkeypatch.setattr("sourcing.live.client.time.sleep", lambda _s: None)


@pytest.fixture
def recorded_api(no_sleep):
    with responses.RequestsMock() as mock:
        mock.add_callback(responses.GET, DEFAULT_BASE_URL + "/search", callback=recorded_company_search())
        yield mock


@pytest.fixture
def network_off(monkeypatch):
    """Every socket refuses to connect and no name resolves, as on a machine without network."""
    cut_network(monkeypatch)
    monkeypatch.delenv(BASE_URL_ENV, raising=False)


def test_fetch_adds_a_department_to_the_team_directory(recorded_api, capsys):
    code = cli.main(["fetch", "--department", "59", "--ess", "--label", "ESS du Nord", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["added"] and out["total_results"] == 57 and out["pages"] == 3
    source = out["source"]
    assert source["kind"] == "fetch" and source["label"] == "ESS du Nord" and source["suppliers"] > 57
    assert json.loads(source["query"])["params"] == {
        "per_page": "25", "limite_matching_etablissements": "100", "departement": "59",
        "etat_administratif": "A", "est_ess": "true",
    }  # fmt: skip
    assert [s.label for s in store.current_version().sources] == ["ESS du Nord"]


def test_fetch_says_in_french_when_nothing_is_found(no_sleep, capsys):
    with responses.RequestsMock() as mock:
        mock.add(responses.GET, DEFAULT_BASE_URL + "/search", body=(LIVE / "empty.json").read_text())
        code = cli.main(["fetch", "--department", "2A", "--siae"])
    assert code == 0 and "Aucun résultat" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["fetch"], "au moins un département"),
        (["fetch", "--department", "100"], "inconnu"),
        (["fetch", "--naf", "12345"], "Code NAF"),
        (["fetch", "--near", "Lille", "--radius-km", "200"], "50 km"),
    ],
)
def test_a_bad_query_is_exit_2_in_french_without_any_request(network_off, argv, says, capsys):
    assert cli.main(argv) == 2
    assert says in capsys.readouterr().err


def test_without_network_fetch_says_so_in_french_within_15_s_and_loses_nothing(network_off, capsys):
    store.add_source(DEMO_CSV.read_bytes(), DEMO_CSV.name, label="Démo", data_date="2026-01-01")
    before = store.current_version()
    started = time.monotonic()
    code = cli.main(["fetch", "--department", "59", "--ess", "--json"])
    elapsed = time.monotonic() - started
    err = capsys.readouterr().err
    assert code == 2 and elapsed < OFFLINE_LIMIT_S
    assert "Pas de connexion" in err and "Rien n'a été modifié dans l'annuaire" in err and "Traceback" not in err
    after = store.current_version()
    assert after.number == before.number and [s.label for s in after.sources] == ["Démo"]
    assert len(store.read_version(after.number)) == before.suppliers_out


def test_without_network_a_near_point_fetch_says_so_too(network_off, capsys):
    assert cli.main(["fetch", "--near", "Lille", "--radius-km", "20", "--ess"]) == 2
    assert "Pas de connexion" in capsys.readouterr().err
