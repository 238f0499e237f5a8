"""Geocoding at the address (opt-in): the suppliers of the team's directory located below the address
are asked of the Géoplateforme's geocoding service (recorded answers, never the network), kept at
their door when the match is good, at their commune otherwise; every answer cached, the run
resumable, the result one source of the store with its provenance, nothing else changed."""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest
import requests
import responses

from sourcing import cli
from sourcing.live import geocode
from sourcing.live.client import MalformedPage, Offline, Refused, Unavailable
from sourcing.live.geocoder import (
    DEFAULT_URL,
    MAX_RATE,
    URL_ENV,
    AddressCache,
    AddressGeocoder,
    Answer,
    address_key,
)
from sourcing.store import service as store
from tests.helpers import DEMO_CSV, TEST_DATA_DIR, cut_network, load_script

RECORDED = load_script("tests/data/live/recorded_geocoder.py")
CRESS = TEST_DATA_DIR / "store" / "cress-ain-2026-03.csv"
SEARCH = DEFAULT_URL + "/search"
MIRIBEL = "9 rue Nouvelle, 01700 Miribel"
AMBERIEU = "62 avenue du Général Sarrail, 01500 Ambérieu-en-Bugey"
BOURG = "13 avenue Arsène d’Arsonval, 01000 Bourg-en-Bresse"
CRESS_ASKED = [MIRIBEL, AMBERIEU, BOURG]  # the fourth supplier has neither SIRET nor SIREN
OFFLINE_LIMIT_S = 15  # the buyer's requirement for being told, not a performance figure


class FakeClock:
    """Time that moves only when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture(autouse=True)
def _database():
    from sourcing.db import upgrade_database

    upgrade_database()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def geocoder(clock) -> AddressGeocoder:
    return AddressGeocoder(sleep=clock.sleep, clock=clock.clock)


@pytest.fixture
def service():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def _serve(service, special: dict[str, list] | None = None) -> list[str]:
    """Answer GET /search from the recordings; `special[query]` is a list of answers consumed in turn
    (an exception, a (status, headers, body) triple, or a body), the last one repeated. Returns the asked."""
    asked: list[str] = []
    special = special or {}

    def answer(request):
        query = parse_qs(urlparse(request.url).query)["q"][0]
        asked.append(query)
        specs = special.get(query)
        if not specs:
            return (200, {}, RECORDED.body(query))
        spec = specs.pop(0) if len(specs) > 1 else specs[0]
        if isinstance(spec, Exception):
            raise spec
        return spec if isinstance(spec, tuple) else (200, {}, spec)

    service.add_callback(responses.GET, SEARCH, callback=answer, content_type="application/json")
    return asked


def _cress_store():
    return store.add_source(CRESS.read_bytes(), CRESS.name, label="CRESS Ain", data_date="2026-03-15")


def _by_name() -> pd.DataFrame:
    return store.read_version(store.current_number()).set_index("name")


# --- The endpoint --------------------------------------------------------------------------------


def test_the_geoplateforme_endpoint_is_asked_through_geopy_one_address_at_a_time(service, geocoder):
    asked = _serve(service)
    answer = geocoder.locate(MIRIBEL)
    url = urlparse(service.calls[0].request.url)
    assert (url.scheme, url.netloc, url.path) == ("https", "data.geopf.fr", "/geocodage/search")
    assert parse_qs(url.query) == {"q": [MIRIBEL], "limit": ["1"]} and asked == [MIRIBEL]
    assert answer == Answer("found", 0.93, "housenumber", "9 Rue Nouvelle 01700 Miribel", "01249", "01700",
                            45.8251, 4.9562)  # fmt: skip


def test_the_service_url_can_point_elsewhere(monkeypatch):
    monkeypatch.setenv(URL_ENV, "http://127.0.0.1:8765/geocodage/")
    assert AddressGeocoder().geocoder.geocode_api == "http://127.0.0.1:8765/geocodage/search"


# --- Success, and what stays at the commune ---------------------------------------------------------


def test_suppliers_below_the_address_are_located_at_their_door_as_a_source(service, geocoder):
    _cress_store()
    before = _by_name()
    asked = _serve(service)
    result = geocode.geocode_into_store(geocoder=geocoder)
    assert asked == CRESS_ASKED and result.changed
    after = _by_name()
    assert after.loc["Côtière Avenir", ["lat", "lon", "geo_precision"]].tolist() == [45.8251, 4.9562, "address"]
    assert after.loc["Ainterim Air", "geo_precision"] == "address"
    for name in ("Micronov", "Jardins de la Plaine"):  # low score; no SIRET nor SIREN to join on
        assert after.loc[name, ["lat", "lon", "geo_precision"]].tolist() == before.loc[
            name, ["lat", "lon", "geo_precision"]].tolist()  # fmt: skip
    kept = ["id", "siret", "kinds", "legal_form", "address", "postal_code", "city", "phone", "email", "source_date"]
    same = after.loc[before.index, kept].fillna("").astype(str) == before[kept].fillna("").astype(str)
    assert same.all().all()  # nothing but the point changed
    source = result.source
    assert source.label == geocode.SOURCE_LABEL and source.suppliers == 2 and source.kind == "fetch"
    record = json.loads(source.query)
    assert record["url"] == SEARCH and record["min_score"] == 0.6 and record["geocoded_at"]
    assert record["located"] == 2 and record["kept_at_commune"]["low_score"] == 1
    assert [s.label for s in store.current_version().sources] == ["CRESS Ain", geocode.SOURCE_LABEL]


def test_the_point_has_the_geocoding_as_provenance_and_each_supplier_its_score(service, geocoder):
    _cress_store()
    _serve(service)
    source = geocode.geocode_into_store(geocoder=geocoder).source
    version = store.current_version()
    provenance = store.read_version(version.number, "provenance").set_index("id")
    assert provenance.loc["34356040500023", ["lat", "lon", "geo_precision"]].tolist() == [source.id] * 3
    assert provenance.loc["34356040500023", "name"] != source.id
    details = geocode.located_details().set_index("id")
    assert details.loc["34356040500023", "geocode_score"] == 0.93
    assert details.loc["34356040500023", "geocode_type"] == "numéro"
    assert details.loc["41071771400035", "geocode_label"].startswith("62 Avenue du Général Sarrail")
    assert "x43cc8712dfe56" not in details.index


@pytest.mark.parametrize(("min_score", "located"), [(0.40, True), (0.41, True), (0.42, False), (1.0, False)])
def test_a_score_below_the_threshold_keeps_the_commune_point(service, geocoder, min_score, located):
    _cress_store()
    _serve(service)
    geocode.geocode_into_store(geocoder=geocoder, min_score=min_score)
    assert (_by_name().loc["Micronov", "geo_precision"] == "address") is located  # its match scores 0.41


@pytest.mark.parametrize(
    ("answer", "verdict"),
    [
        (Answer("found", 0.9, "housenumber", citycode="59350", postcode="59000"), "address"),
        (Answer("found", 0.9, "street", citycode="59350", postcode="59000"), "address"),
        (Answer("found", 0.9, "locality", citycode="59350", postcode="59000"), "address"),
        (Answer("found", 0.95, "municipality", citycode="59350", postcode="59000"), "commune_only"),
        (Answer("found", 0.59, "housenumber", citycode="59350", postcode="59000"), "low_score"),
        (Answer("found", 0.9, "housenumber", citycode="77288", postcode="77000"), "other_commune"),
        (Answer("found", 0.9, "housenumber", citycode="59999", postcode="59000"), "other_commune"),
        (Answer("none"), "not_found"),
        (Answer("refused"), "refused"),
    ],
)
def test_only_a_good_match_in_the_suppliers_commune_locates_it(answer, verdict):
    row = pd.Series({"insee_code": "59350", "postal_code": "59000"})
    assert geocode.decide(answer, row, 0.6) == verdict


def test_an_arrondissement_is_in_its_city():
    answer = Answer("found", 0.9, "housenumber", citycode="75111", postcode="75011")
    assert geocode.decide(answer, pd.Series({"insee_code": "75056", "postal_code": "75011"}), 0.6) == "address"
    assert geocode.decide(answer, pd.Series({"insee_code": "", "postal_code": "75011"}), 0.6) == "address"


def test_who_is_asked_suppliers_below_the_address_with_a_street_and_a_siret_or_siren():
    directory = pd.DataFrame({
        "id": list("abcdef"), "siret": ["1", "2", "3", "", "", "6"], "siren": ["", "", "", "4", "", ""],
        "address": ["1 rue A", "2 rue B", "3 rue C", "4 rue D", "5 rue E", ""],
        "postal_code": ["59000"] * 6, "city": ["Lille"] * 6,
        "geo_precision": ["commune", "address", "none", "department", "commune", "commune"],
    })  # fmt: skip
    chosen, not_joinable = geocode.candidates(directory, pd.DataFrame(columns=["id", "lat", "name"]), set())
    assert chosen["id"].tolist() == ["a", "c", "d"] and not_joinable == 1
    assert chosen["query"].tolist() == ["1 rue A, 59000 Lille", "3 rue C, 59000 Lille", "4 rue D, 59000 Lille"]


# --- Retries, refusals, malformed answers ------------------------------------------------------------


def test_a_429_is_waited_for_as_retry_after_says_then_asked_again(service, geocoder):
    asked = _serve(service, {MIRIBEL: [(429, {"Retry-After": "3"}, ""), (200, {}, RECORDED.body(MIRIBEL))]})
    assert geocoder.locate(MIRIBEL).status == "found"
    assert asked == [MIRIBEL, MIRIBEL] and geocoder.waits == [("429", 3.0)]


def test_a_429_without_retry_after_waits_the_services_five_seconds(service, geocoder):
    _serve(service, {MIRIBEL: [(429, {}, ""), (200, {}, RECORDED.body(MIRIBEL))]})
    geocoder.locate(MIRIBEL)
    assert geocoder.waits == [("429", 5.0)]


def test_endless_429_end_in_a_french_message(service, geocoder):
    _serve(service, {MIRIBEL: [(429, {"Retry-After": "1"}, "")]})
    with pytest.raises(Unavailable, match="limite les requêtes"):
        geocoder.locate(MIRIBEL)


@pytest.mark.parametrize("failure", [(500, {}, "erreur"), (502, {}, ""), (503, {}, ""), (504, {}, "")])
def test_a_5xx_is_retried_with_backoff_then_succeeds(service, geocoder, failure):
    asked = _serve(service, {MIRIBEL: [failure, failure, (200, {}, RECORDED.body(MIRIBEL))]})
    assert geocoder.locate(MIRIBEL).status == "found"
    assert len(asked) == 3 and geocoder.waits == [("retry", 1.0), ("retry", 2.0)]


def test_a_lasting_500_is_reported_in_french_after_the_retries(service, geocoder):
    asked = _serve(service, {MIRIBEL: [(500, {}, "")]})
    with pytest.raises(Unavailable, match="en erreur ou ne répond pas"):
        geocoder.locate(MIRIBEL)
    assert len(asked) == 4 and [w for _, w in geocoder.waits] == [1.0, 2.0, 4.0]


def test_a_timeout_is_retried_then_reported(service, geocoder):
    asked = _serve(service, {MIRIBEL: [requests.ReadTimeout("lent"), (200, {}, RECORDED.body(MIRIBEL))]})
    assert geocoder.locate(MIRIBEL).status == "found" and len(asked) == 2
    asked = _serve(service, {AMBERIEU: [requests.ReadTimeout("lent")]})
    with pytest.raises(Unavailable):
        geocoder.locate(AMBERIEU)
    assert len(asked) == 4


@pytest.mark.parametrize("failure", [requests.ConnectionError("refusé"), requests.ConnectTimeout("rien ne répond")])
def test_no_network_is_said_at_once_without_retrying(service, geocoder, failure):
    asked = _serve(service, {MIRIBEL: [failure]})
    with pytest.raises(Offline, match="Pas de connexion au service de géocodage"):
        geocoder.locate(MIRIBEL)
    assert len(asked) == 1 and geocoder.waits == []


def test_the_connection_is_given_up_within_seconds():
    assert AddressGeocoder().geocoder.timeout == (5.0, 10.0)


@pytest.mark.parametrize("status", [401, 403, 404])
def test_a_4xx_is_a_refusal_in_french(service, geocoder, status):
    asked = _serve(service, {MIRIBEL: [(status, {}, "")]})
    with pytest.raises(Refused, match=f"refusé la demande \\(code {status}\\)"):
        geocoder.locate(MIRIBEL)
    assert len(asked) == 1


def test_a_400_refuses_that_address_only_and_it_is_not_asked_again(service, geocoder, tmp_path):
    _serve(service, {MIRIBEL: [(400, {}, '{"code": 400, "message": "q must contain between 3 and 200 chars"}')]})
    assert geocoder.locate(MIRIBEL) == Answer("refused")


@pytest.mark.parametrize("body", sorted(RECORDED.BODIES))
def test_a_malformed_answer_is_reported_for_its_address_and_never_kept(service, geocoder, body):
    _serve(service, {MIRIBEL: [(200, {}, RECORDED.BODIES[body])]})
    with pytest.raises(MalformedPage, match="réponse"):
        geocoder.locate(MIRIBEL)


def test_a_malformed_answer_skips_its_supplier_and_is_asked_again_next_run(service, geocoder):
    _cress_store()
    asked = _serve(service, {MIRIBEL: [(200, {}, RECORDED.BODIES["truncated"]), (200, {}, RECORDED.body(MIRIBEL))]})
    first = geocode.geocode_into_store(geocoder=geocoder)
    assert first.outcome.kept["malformed"] == 1 and first.source.suppliers == 1
    assert _by_name().loc["Côtière Avenir", "geo_precision"] == "commune"
    second = geocode.geocode_into_store(geocoder=geocoder)
    assert asked == [*CRESS_ASKED, MIRIBEL] and second.source.suppliers == 2
    assert _by_name().loc["Côtière Avenir", "geo_precision"] == "address"


# --- Cache, rate, interruption ---------------------------------------------------------------------------


def test_no_address_is_asked_twice_across_runs(service, geocoder):
    _cress_store()
    asked = _serve(service)
    geocode.geocode_into_store(geocoder=geocoder)
    version = store.current_number()
    second = geocode.geocode_into_store(geocoder=geocoder)
    assert asked == CRESS_ASKED  # the second run asked nothing
    assert second.outcome.from_cache == 3 and second.outcome.asked == 0
    assert not second.changed and store.current_number() == version


def test_the_cache_keys_an_address_however_it_is_written(tmp_path):
    cache = AddressCache(tmp_path / "cache.sqlite")
    cache.put("12, rue de l'Église, 59000 Lille", Answer("none"), "x")
    assert cache.get("12 RUE DE L EGLISE 59000 LILLE") == Answer("none")
    assert address_key("Saint-Étienne") == "SAINT ETIENNE" and len(cache) == 1


def test_requests_stay_under_forty_per_second(service, geocoder, clock):
    _serve(service)
    for _ in range(120):
        geocoder.locate(MIRIBEL)
    sent = geocoder.sent_at
    assert len(sent) == 120
    for i, start in enumerate(sent):  # in any window of one second, at most 40 requests
        assert sum(1 for t in sent[i:] if t < start + 1.0 - 1e-9) <= MAX_RATE
    assert sent[-1] - sent[0] >= 119 / MAX_RATE - 1e-9


def test_an_interrupted_run_resumes_without_asking_again(service, geocoder):
    _cress_store()
    before = store.current_version()
    asked = _serve(service)
    with pytest.raises(geocode.GeocodeInterrupted, match="relancez"):
        geocode.geocode_into_store(geocoder=geocoder, cancel=lambda: len(asked) >= 1)
    after = store.current_version()
    assert asked == [MIRIBEL] and after.number == before.number  # nothing written to the store
    result = geocode.geocode_into_store(geocoder=geocoder)
    assert asked == CRESS_ASKED and result.outcome.from_cache == 1 and result.source.suppliers == 2


def test_a_network_lost_mid_run_keeps_the_answers_and_resumes(service, geocoder):
    _cress_store()
    asked = _serve(service, {AMBERIEU: [requests.ConnectionError("coupé"), (200, {}, RECORDED.body(AMBERIEU))]})
    with pytest.raises(Offline, match="Pas de connexion"):
        geocode.geocode_into_store(geocoder=geocoder)
    assert [s.label for s in store.current_version().sources] == ["CRESS Ain"]
    geocode.geocode_into_store(geocoder=geocoder)
    assert asked == [MIRIBEL, AMBERIEU, AMBERIEU, BOURG]


def test_a_limit_asks_that_many_addresses_and_the_rest_later(service, geocoder):
    _cress_store()
    asked = _serve(service)
    first = geocode.geocode_into_store(geocoder=geocoder, limit=1)
    assert asked == [MIRIBEL] and first.outcome.pending == 2 and first.source.suppliers == 1
    second = geocode.geocode_into_store(geocoder=geocoder, limit=1)
    assert asked == [MIRIBEL, AMBERIEU] and second.outcome.pending == 1 and second.source.suppliers == 2


# --- Nothing lost -----------------------------------------------------------------------------------------


def test_a_new_run_replaces_the_geocoding_source_and_keeps_the_others(service, geocoder):
    _cress_store()
    _serve(service)
    geocode.geocode_into_store(geocoder=geocoder)
    geocode.geocode_into_store(geocoder=geocoder, min_score=0.9)  # Ambérieu (0.88) goes back to its commune
    names = _by_name()
    assert names.loc["Côtière Avenir", "geo_precision"] == "address"
    assert names.loc["Ainterim Air", "geo_precision"] == "commune"
    assert [s.label for s in store.current_version().sources] == ["CRESS Ain", geocode.SOURCE_LABEL]
    geocode.geocode_into_store(geocoder=geocoder, min_score=1.0)  # nothing good enough: the source goes
    assert [s.label for s in store.current_version().sources] == ["CRESS Ain"]
    assert set(_by_name()["geo_precision"]) == {"commune"} and len(_by_name()) == 4


def test_removing_the_located_suppliers_source_leaves_no_supplier_of_the_geocoding_alone(service, geocoder):
    cress = _cress_store()
    demo = store.add_source(DEMO_CSV.read_bytes(), DEMO_CSV.name, label="Démo", data_date="2026-01-01")
    _serve(service)
    geocode.geocode_into_store(geocoder=geocoder)
    before = store.current_version().suppliers_out
    store.remove_source(cress.id)
    version = store.current_version()
    directory = store.read_version(version.number)
    assert version.suppliers_out == before - 4 and directory["name"].notna().all()
    assert version.suppliers_in == version.suppliers_out + version.merged
    assert [s.label for s in version.sources] == [demo.label, geocode.SOURCE_LABEL]


def test_an_empty_store_is_said_in_french_before_any_request(service, geocoder):
    asked = _serve(service)
    with pytest.raises(geocode.LiveError, match="aucune source"):
        geocode.geocode_into_store(geocoder=geocoder)
    assert asked == []


# --- The command line ---------------------------------------------------------------------------------


@pytest.fixture
def no_sleep(monkeypatch):
    monkeypatch.setattr("sourcing.live.geocoder.time.sleep", lambda _s: None)


@pytest.fixture
def network_off(monkeypatch):
    """Every socket refuses to connect and no name resolves, as on a machine without network."""
    cut_network(monkeypatch)
    monkeypatch.delenv(URL_ENV, raising=False)


def test_cli_geocode_json(service, no_sleep, capsys):
    _cress_store()
    _serve(service)
    assert cli.main(["geocode", "--min-score", "0.5", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["located"] == 2 and out["asked"] == 3 and out["min_score"] == 0.5 and out["not_joinable"] == 1
    assert out["source"]["label"] == geocode.SOURCE_LABEL and out["changed"]
    assert {s["id"]: s["score"] for s in out["suppliers"]} == {"34356040500023": 0.93, "41071771400035": 0.88}


def test_cli_geocode_says_in_french_what_it_did(service, no_sleep, capsys):
    _cress_store()
    _serve(service)
    assert cli.main(["geocode", "--limit", "2"]) == 0
    out = capsys.readouterr().out
    assert "2 fournisseur(s) localisé(s) à l'adresse sur 3" in out and "1 adresse(s) restent à demander" in out


@pytest.mark.parametrize(
    ("argv", "says"),
    [(["geocode", "--min-score", "1.5"], "entre 0 et 1"), (["geocode", "--limit", "-1"], "positif"),
     (["geocode"], "aucune source")],
)  # fmt: skip
def test_bad_options_and_an_empty_store_are_exit_2_in_french(network_off, argv, says, capsys):
    assert cli.main(argv) == 2
    assert says in capsys.readouterr().err


def test_without_network_geocode_says_so_in_french_within_15_s_and_loses_nothing(network_off, capsys):
    _cress_store()
    before = store.current_version()
    started = time.monotonic()
    code = cli.main(["geocode", "--json"])
    elapsed = time.monotonic() - started
    err = capsys.readouterr().err
    assert code == 2 and elapsed < OFFLINE_LIMIT_S
    assert "Pas de connexion au service de géocodage" in err and "Rien n'a été modifié" in err
    assert "Traceback" not in err
    after = store.current_version()
    assert after.number == before.number and [s.label for s in after.sources] == ["CRESS Ain"]
