"""Live source: API Recherche d'entreprises, replayed from recorded answers (tests/data/live/).

No network: `responses` answers every request of `requests`; the client's sleep and clock are
fakes, so waits (429 Retry-After, backoff) are checked as numbers, never waited for.
"""

from __future__ import annotations

import itertools
import json
from urllib.parse import parse_qs, urlparse

import pytest
import requests
import responses

from sourcing.live import fetch as live
from sourcing.live.client import (
    MAX_RATE,
    CompanyApiClient,
    MalformedPage,
    Offline,
    Refused,
    Unavailable,
    retry_after_seconds,
)
from sourcing.live.mapping import CLOSED_REASON, check_page, page_rows
from sourcing.live.query import FetchQuery, QueryError, resolve_query
from sourcing.store import service as store
from tests.helpers import TEST_DATA_DIR

LIVE = TEST_DATA_DIR / "live"
BASE = "http://api.test"
SEARCH_PAGES = {n: (LIVE / "search-59-ess" / f"page-{n}.json").read_text(encoding="utf-8") for n in (1, 2, 3)}
COMPANIES = 57  # distinct companies over the three recorded pages


class FakeClock:
    """time.monotonic and time.sleep that never wait: sleeping moves the clock."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def client(clock) -> CompanyApiClient:
    return CompanyApiClient(BASE, sleep=clock.sleep, clock=clock.clock)


@pytest.fixture(autouse=True)
def _database():
    """The test's own SQLite file (tests/conftest.py), migrated: the store's catalogue lives there."""
    from sourcing.db import upgrade_database

    upgrade_database()


@pytest.fixture
def api():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def _page_of(request) -> int:
    return int(parse_qs(urlparse(request.url).query)["page"][0])


def _serve_pages(api, pages: dict[int, object], endpoint: str = "/search") -> list[int]:
    """Answer GET endpoint?page=N from `pages` (text, an exception, or a (status, text, headers) triple,
    or a list of them consumed in turn). Returns the pages asked, in order."""
    asked: list[int] = []

    def answer(request):
        page = _page_of(request)
        asked.append(page)
        spec = pages.get(page, (LIVE / "empty.json").read_text())
        if isinstance(spec, list):
            spec = spec.pop(0) if len(spec) > 1 else spec[0]
        if isinstance(spec, Exception):
            raise spec
        if isinstance(spec, tuple):
            return spec
        return (200, {}, spec)

    api.add_callback(responses.GET, BASE + endpoint, callback=answer, content_type="application/json")
    return asked


QUERY_59_ESS = resolve_query(FetchQuery(department="59", ess=True))


# --- The query, checked offline --------------------------------------------------------------------


def test_a_department_query_asks_the_search_endpoint_with_its_flags_and_the_largest_pages():
    q = resolve_query(FetchQuery(department=" 59 ", naf=("8130z", "81.21Z"), ess=True, siae=True))
    assert q.endpoint == "/search"
    assert q.params["departement"] == "59" and q.params["activite_principale"] == "81.30Z,81.21Z"
    assert q.params["est_ess"] == q.params["est_siae"] == "true" and "est_finess" not in q.params
    assert q.params["per_page"] == "25" and q.params["etat_administratif"] == "A"
    assert "département 59" in q.description and "ESS" in q.description and "SIAE" in q.description


def test_a_commune_and_radius_ask_near_point_and_filter_flags_on_each_answer():
    q = resolve_query(FetchQuery(near="Lille", radius_km=15, ess=True, department="59"))
    assert q.endpoint == "/near_point"
    assert float(q.params["lat"]) == pytest.approx(50.63, abs=0.01) and q.params["radius"] == "15"
    assert "est_ess" not in q.params and q.local_flags == ("est_ess",) and q.local_department == "59"
    assert "15 km autour de Lille" in q.description


@pytest.mark.parametrize(
    ("query", "says"),
    [
        (FetchQuery(), "au moins un département"),
        (FetchQuery(department="99"), "Département « 99 » inconnu"),
        (FetchQuery(department="Nord-Pas"), "inconnu"),
        (FetchQuery(naf=("99.99Z",)), "Code NAF « 99.99Z » inconnu"),
        (FetchQuery(near="Lille", radius_km=80), "entre 0 et 50 km"),
        (FetchQuery(near="Lille", radius_km=0), "entre 0 et 50 km"),
        (FetchQuery(near="Zzyzxville"), "non trouvé"),
    ],
)
def test_a_query_that_cannot_be_sent_is_refused_in_french_before_any_request(query, says):
    with pytest.raises(QueryError, match=says):
        resolve_query(query)


def test_the_same_query_has_the_same_checkpoint_key_and_another_query_another():
    again = resolve_query(FetchQuery(department="59", ess=True))
    assert again.key == QUERY_59_ESS.key
    assert resolve_query(FetchQuery(department="59", siae=True)).key != QUERY_59_ESS.key


# --- Pages: every page, the last one, mapped onto the canonical record ------------------------------


def test_a_department_is_fetched_page_by_page_to_the_last_and_each_company_kept_once(api, client, tmp_path):
    asked = _serve_pages(api, SEARCH_PAGES)
    outcome = live.run_fetch(QUERY_59_ESS, client=client, root=tmp_path)
    assert asked == [1, 2, 3]  # the last page (8 results) ends the fetch: no page 4 asked
    sent = parse_qs(urlparse(api.calls[0].request.url).query)
    assert sent["departement"] == ["59"] and sent["est_ess"] == ["true"] and sent["per_page"] == ["25"]
    assert outcome.total_results == COMPANIES and outcome.total_pages == 3 and not outcome.skipped
    assert len({row["siren"] for row in outcome.rows}) == COMPANIES
    sirets = [row["siret"] for row in outcome.rows]
    assert len(sirets) == len(set(sirets)) and outcome.duplicates >= 1  # page 2 repeats a company of page 1


def test_companies_and_their_establishments_map_onto_the_canonical_record(api, client, tmp_path):
    _serve_pages(api, SEARCH_PAGES)
    directory, report = live.to_directory(live.run_fetch(QUERY_59_ESS, client=client, root=tmp_path))
    assert report.rows_read == report.rows_loaded + report.rows_rejected
    assert {r["reason"] for r in report.rejected} == {CLOSED_REASON}  # closed establishments are no suppliers
    by_name = directory.set_index("name")
    aci = by_name.loc["JARDINS SOLIDAIRES DU NORD"]
    aci = aci.iloc[0] if aci.ndim > 1 else aci
    assert set(aci["kinds"]) >= {"ACI", "ASSOCIATION", "ESS"} and aci["naf"] == "81.30Z"
    assert aci["geo_precision"] == "address" and aci["lat"] == pytest.approx(50.63, abs=0.01)
    assert aci["department"] == "59" and aci["city"] and aci["headcount_band"] == "20 à 49 salariés"
    assert aci["source_name"] == "API Recherche d'entreprises" and aci["raw:nature_juridique"] == "9220"
    kinds = set(directory["kinds"].explode().dropna())
    assert kinds >= {"ACI", "EI", "ETTI", "AI", "ESAT", "EA", "SCOP", "COOPERATIVE", "MUTUELLE", "FONDATION", "ESS"}
    assert directory["siret"].notna().all() and directory["siret"].is_unique
    # a company with a second establishment in another commune gives two suppliers
    assert (directory["siren"] == aci["siren"]).sum() == 2


def test_a_page_is_checked_whole_and_a_bad_shape_is_named():
    good = json.loads(SEARCH_PAGES[3])
    assert len(check_page(good)[0]) == 8
    bad_pages = [
        ({"results": "x"}, "sans liste « results »"),
        ({"results": [], "total_pages": "3"}, "illisible"),
        ({"results": [{"nom_complet": "sans siren"}], "total_pages": 1}, "résultat n° 1 sans numéro SIREN"),
        ({"results": [{"siren": "900000016", "siege": "x"}], "total_pages": 1}, "« siege » illisible"),
        ({"results": [{"siren": "900000016", "matching_etablissements": [1]}], "total_pages": 1}, "établissements"),
    ]
    for data, says in bad_pages:
        with pytest.raises(MalformedPage, match=says):
            check_page(data)


def test_the_siege_stands_for_a_company_without_matching_establishments_and_coordinates_may_be_a_pair():
    unit = json.loads(SEARCH_PAGES[3])["results"][0]
    unit["matching_etablissements"] = []
    unit["siege"] = unit["siege"] | {"latitude": None, "longitude": None, "coordonnees": "50.1,3.2"}
    (row,) = page_rows([unit], 3)
    assert row["siret"] == unit["siege"]["siret"] and (row["lat"], row["lon"]) == ("50.1", "3.2")


def test_requests_stay_under_seven_per_second(api, client, clock, tmp_path):
    _serve_pages(api, SEARCH_PAGES)
    for _ in range(4):  # twelve requests in a row
        live.forget(QUERY_59_ESS, tmp_path)
        live.run_fetch(QUERY_59_ESS, client=client, root=tmp_path)
    sent = client.sent_at
    assert len(sent) == 12
    for i, start in enumerate(sent):
        assert sum(1 for t in sent[i:] if t < start + 1.0) <= 7
    assert min(b - a for a, b in itertools.pairwise(sent)) >= 1.0 / MAX_RATE - 1e-9


# --- Refusals and failures ---------------------------------------------------------------------------


def test_a_429_is_waited_for_as_retry_after_says_then_the_page_is_asked_again(api, client, tmp_path):
    asked = _serve_pages(api, {**SEARCH_PAGES, 2: [(429, {"Retry-After": "3"}, ""), SEARCH_PAGES[2]]})
    outcome = live.run_fetch(QUERY_59_ESS, client=client, root=tmp_path)
    assert asked == [1, 2, 2, 3] and ("429", 3.0) in client.waits
    assert len({row["siren"] for row in outcome.rows}) == COMPANIES


@pytest.mark.parametrize(
    ("header", "seconds"), [(None, 1.0), ("", 1.0), ("2", 2.0), ("0", 0.0), ("3600", 60.0), ("demain", 1.0)]
)
def test_retry_after_is_read_as_seconds_with_a_default_and_a_cap(header, seconds):
    assert retry_after_seconds(header) == seconds


def test_retry_after_may_be_an_http_date():
    assert retry_after_seconds("Tue, 01 Dec 2026 10:00:05 GMT", now=1796119200.0) == pytest.approx(5.0)


def test_endless_429_ends_in_a_french_message_and_a_resumable_checkpoint(api, client, tmp_path):
    _serve_pages(api, {1: SEARCH_PAGES[1], 2: (429, {"Retry-After": "1"}, "")})
    with pytest.raises(Unavailable, match="limite les requêtes"):
        live.run_fetch(QUERY_59_ESS, client=client, root=tmp_path)
    assert live.load_state(QUERY_59_ESS, tmp_path)["pages_done"] == 1


def test_a_500_is_retried_with_backoff_then_succeeds(api, client, tmp_path):
    asked = _serve_pages(api, {**SEARCH_PAGES, 1: [(500, {}, "erreur"), (502, {}, ""), SEARCH_PAGES[1]]})
    live.run_fetch(QUERY_59_ESS, client=client, root=tmp_path)
    assert asked[:3] == [1, 1, 1] and [w for w in client.waits if w[0] == "5xx"] == [("5xx", 1.0), ("5xx", 2.0)]


def test_a_lasting_500_is_reported_in_french_after_the_retries(api, client, tmp_path):
    asked = _serve_pages(api, {1: (503, {}, "")})
    with pytest.raises(Unavailable, match=r"en erreur \(code 503, 4 essais\).*Rien n'a été modifié"):
        live.run_fetch(QUERY_59_ESS, client=client, root=tmp_path)
    assert asked == [1, 1, 1, 1]


def test_a_read_timeout_is_retried_then_reported(api, client, tmp_path):
    timeout = requests.exceptions.ReadTimeout("lent")
    asked = _serve_pages(api, {**SEARCH_PAGES, 1: [timeout, SEARCH_PAGES[1]]})
    live.run_fetch(QUERY_59_ESS, client=client, root=tmp_path)
    assert asked[:2] == [1, 1]
    live.forget(QUERY_59_ESS, tmp_path)
    api.reset()
    _serve_pages(api, {1: timeout})
    with pytest.raises(Unavailable, match="ne répond pas"):
        live.run_fetch(QUERY_59_ESS, client=client, root=tmp_path)


@pytest.mark.parametrize(
    "failure", [requests.exceptions.ConnectTimeout("connect"), requests.exceptions.ConnectionError("dns")]
)
def test_no_network_is_said_at_once_without_retrying(api, client, tmp_path, failure):
    asked = _serve_pages(api, {1: failure})
    with pytest.raises(Offline, match="Pas de connexion"):
        live.run_fetch(QUERY_59_ESS, client=client, root=tmp_path)
    assert asked == [1] and not client.waits


def test_a_4xx_is_a_refusal_with_the_services_own_words(api, client, tmp_path):
    _serve_pages(api, {1: (400, {}, '{"erreur": "Veuillez indiquer au moins un paramètre de recherche."}')})
    with pytest.raises(Refused, match=r"code 400.*au moins un paramètre"):
        live.run_fetch(QUERY_59_ESS, client=client, root=tmp_path)


@pytest.mark.parametrize("recording", ["malformed-truncated.json", "malformed-shape.json"])
def test_a_malformed_page_is_reported_and_skipped_never_half_kept(api, client, tmp_path, recording):
    _serve_pages(api, {**SEARCH_PAGES, 2: (LIVE / recording).read_text()})
    outcome = live.run_fetch(QUERY_59_ESS, client=client, root=tmp_path)
    assert list(outcome.skipped) == [2]
    pages = {row["raw"]["page"] for row in outcome.rows}
    assert pages == {"1", "3"}  # nothing of page 2
    assert outcome.record(BASE)["skipped_pages"] == {"2": outcome.skipped[2]}


@pytest.mark.parametrize("recording", ["malformed-truncated.json", "malformed-shape.json"])
def test_a_malformed_first_page_stops_the_fetch_with_nothing_added(api, client, tmp_path, recording):
    _serve_pages(api, {1: (LIVE / recording).read_text()})
    with pytest.raises(MalformedPage, match="Première page illisible"):
        live.fetch_into_store(QUERY_59_ESS, client=client, root=tmp_path)
    assert store.current_version(tmp_path).is_empty


def test_an_empty_answer_adds_nothing_and_says_so(api, client, tmp_path):
    asked = _serve_pages(api, {1: (LIVE / "empty.json").read_text()})
    result = live.fetch_into_store(QUERY_59_ESS, client=client, root=tmp_path)
    assert asked == [1] and result.source is None and result.outcome.total_results == 0
    assert store.current_version(tmp_path).is_empty and live.load_state(QUERY_59_ESS, tmp_path) is None


def test_an_empty_page_before_the_announced_last_one_ends_the_fetch(api, client, tmp_path):
    asked = _serve_pages(api, {1: SEARCH_PAGES[1], 2: (LIVE / "empty.json").read_text()})
    outcome = live.run_fetch(QUERY_59_ESS, client=client, root=tmp_path)
    assert asked == [1, 2] and outcome.total_pages == 1 and len({r["siren"] for r in outcome.rows}) == 25


# --- Interrupted, resumed -----------------------------------------------------------------------------


def test_an_interrupted_fetch_resumes_where_it_stopped_without_duplicates(api, client, tmp_path):
    asked = _serve_pages(api, {**SEARCH_PAGES, 3: [requests.exceptions.ConnectionError("coupé"), SEARCH_PAGES[3]]})
    with pytest.raises(Offline):
        live.fetch_into_store(QUERY_59_ESS, client=client, root=tmp_path)
    assert live.load_state(QUERY_59_ESS, tmp_path)["pages_done"] == 2
    assert store.current_version(tmp_path).is_empty  # nothing half-added
    result = live.fetch_into_store(QUERY_59_ESS, client=client, root=tmp_path)
    assert asked == [1, 2, 3, 3]  # pages 1 and 2 came from the checkpoint
    directory = store.read_version(store.current_number(tmp_path), root=tmp_path)
    assert directory["siret"].is_unique and directory["siren"].nunique() == COMPANIES
    assert result.source.suppliers == len(directory)
    assert live.load_state(QUERY_59_ESS, tmp_path) is None  # the checkpoint goes once the source is in


def test_a_cancelled_fetch_keeps_its_pages_for_a_resume(api, client, tmp_path):
    asked = _serve_pages(api, SEARCH_PAGES)
    with pytest.raises(live.FetchInterrupted, match="page 2"):
        live.run_fetch(QUERY_59_ESS, client=client, root=tmp_path, cancel=lambda: len(asked) >= 1)
    outcome = live.run_fetch(QUERY_59_ESS, client=client, root=tmp_path)
    assert asked == [1, 2, 3] and len({r["siren"] for r in outcome.rows}) == COMPANIES


def test_a_second_run_of_the_same_query_waits_for_the_first_then_says_it_is_busy(api, client, tmp_path, monkeypatch):
    asked = _serve_pages(api, SEARCH_PAGES)
    monkeypatch.setattr(live, "BUSY_WAIT_S", 0.3)
    with live._query_lock(live.checkpoint_dir(QUERY_59_ESS, tmp_path)):  # a run in another tab or process
        with pytest.raises(live.FetchBusy, match="déjà en cours"):
            live.fetch_into_store(QUERY_59_ESS, client=client, root=tmp_path)
    assert asked == [] and store.current_version(tmp_path).is_empty
    assert live.fetch_into_store(QUERY_59_ESS, client=client, root=tmp_path).source is not None


# --- near_point: flags filtered here ---------------------------------------------------------------------


def test_near_point_answers_are_filtered_on_the_flags_the_endpoint_cannot_take(api, client, tmp_path):
    page = (LIVE / "near-lille" / "page-1.json").read_text()
    _serve_pages(api, {1: page}, endpoint="/near_point")
    every = live.run_fetch(resolve_query(FetchQuery(near="Lille", radius_km=10)), client=client, root=tmp_path)
    ess = live.run_fetch(resolve_query(FetchQuery(near="Lille", radius_km=10, ess=True)), client=client, root=tmp_path)
    assert len({r["siren"] for r in every.rows}) == 2 and len({r["siren"] for r in ess.rows}) == 1
    assert all(r["ess_flag"] == "O" for r in ess.rows)


# --- Into the team's directory --------------------------------------------------------------------------


def test_a_fetch_becomes_a_source_with_its_query_and_fetch_time(api, client, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCING_ADMINS", "acheteur")  # adding a source is for directory administrators
    _serve_pages(api, SEARCH_PAGES)
    result = live.fetch_into_store(QUERY_59_ESS, client=client, root=tmp_path, added_by="acheteur")
    source = result.source
    assert source.kind == "fetch" and source.added_by == "acheteur" and source.label.startswith("API entreprises")
    assert source.data_date == live.local_date(result.outcome.started_at) and "récupération" in source.data_date_origin
    query = json.loads(source.query)
    assert query["params"]["departement"] == "59" and query["url"] == BASE + "/search"
    assert query["fetched_at"] and query["description"] == QUERY_59_ESS.description
    assert "Licence Ouverte" in source.licence
    version = store.current_version(tmp_path)
    assert [s.id for s in version.sources] == [source.id]
    assert source.rows_read == source.rows_loaded + source.rows_rejected and source.rows_rejected > 0
    assert "insertion" in source.families and "handicap" in source.families


def test_fetching_again_replaces_the_previous_fetch_of_the_same_label(api, client, tmp_path):
    _serve_pages(api, SEARCH_PAGES)
    first = live.fetch_into_store(QUERY_59_ESS, client=client, root=tmp_path).source
    second = live.fetch_into_store(QUERY_59_ESS, client=client, root=tmp_path).source
    assert [s.id for s in store.current_version(tmp_path).sources] == [second.id] and second.id != first.id


def test_add_frame_refuses_a_frame_that_is_not_canonical_before_writing_anything(tmp_path):
    import pandas as pd

    from sourcing.normalise import ImportReport

    with pytest.raises(ValueError, match="Colonnes manquantes"):
        store.add_frame(pd.DataFrame({"name": ["x"]}), ImportReport(), label="x", data_date="2026-01-01", query="",
                        root=tmp_path)  # fmt: skip
    assert store.sources(tmp_path) == [] and not list((tmp_path / "store" / "sources").glob("*"))


def test_the_recordings_are_what_their_script_makes():
    from tests.helpers import load_script

    built = load_script("tests/data/live/make_recordings.py").build()
    for name, payload in built.items():
        assert json.loads((LIVE / name).read_text(encoding="utf-8")) == payload, name
