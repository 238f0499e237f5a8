"""Public contracts won (DECP): recorded answers of data.gouv's tabular API in, the contracts of the
directory's suppliers kept in the store, on each version, in the search (filter, sort) and in the
sentence a buyer reads. No network: `responses` replays `tests/data/decp/` (fictitious rows)."""

from __future__ import annotations

import json
import math
import time
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest
import requests
import responses

from sourcing import cli
from sourcing.contracts import decp, stored, summary
from sourcing.contracts import fetch as decp_fetch
from sourcing.contracts.reading import ContractsFileError, import_contracts
from sourcing.live.client import RETRIES, Offline, Unavailable
from sourcing.live.fetch import FetchInterrupted
from sourcing.search import SearchIndex, SearchQuery, search
from sourcing.search.filters import describe
from sourcing.store import service as store
from tests.helpers import TEST_DATA_DIR, cut_network, fetch_recorded_nord_ess, load_script

DECP = TEST_DATA_DIR / "decp"
RECORDED = load_script("tests/data/decp/recorded_decp.py")
DATA_URL = decp_fetch.DEFAULT_BASE_URL + decp_fetch.endpoint()
SAMBRE = "90000010000017"  # RECYCLERIE DE LA SAMBRE (fictitious): 3 contracts, one modified
JARDINS = "90000001900019"  # JARDINS SOLIDAIRES DU NORD: 2 contracts
OFFLINE_LIMIT_S = 15


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    from sourcing.db import upgrade_database

    upgrade_database()
    monkeypatch.setattr("sourcing.live.client.time.sleep", lambda _s: None)


@pytest.fixture
def nord_store():
    """The team's directory holding the fictitious ESS companies of the Nord (recorded company API)."""
    fetch_recorded_nord_ess()
    return decp_fetch.supplier_sirets()


def _recorded(request):
    return 200, {}, json.dumps(RECORDED.answer(request.url))


def _directory() -> pd.DataFrame:
    return store.read_version(store.current_number())


def _won(siret: str) -> int:
    frame = _directory()
    return int(frame.loc[frame["siret"] == siret, "contracts_won"].iloc[0])


def test_fetch_keeps_each_contract_once_with_its_buyer_date_amount_and_social_consideration(nord_store):
    with responses.RequestsMock() as mock:
        mock.add_callback(responses.GET, DATA_URL, callback=_recorded)
        outcome = decp_fetch.fetch_contracts()
        asked = [parse_qs(urlparse(c.request.url).query) for c in mock.calls]
    assert outcome.suppliers == len(nord_store) and outcome.checked == len(nord_store)
    assert len(asked) == math.ceil(len(nord_store) / decp_fetch.BATCH)  # one page per batch: few contracts
    assert all(len(q["titulaire_id__in"][0].split(",")) <= decp_fetch.BATCH for q in asked)
    read = outcome.read
    assert (read.rows_read, read.rows_kept, len(read.rejected), len(read.contracts)) == (9, 8, 1, 7)
    assert "date" in read.rejected[0][1]
    sambre = stored.version_contracts(store.current_number(), SAMBRE).set_index("buyer_name")
    agglo = sambre.loc["COMMUNAUTE D'AGGLOMERATION DE LA SAMBRE (FICTIF)"]
    assert agglo["notified"] == "2024-06-02" and agglo["amount"] == 135000  # first date, current amount
    assert agglo["social"] == "marché réservé" and agglo["buyer_commune"] == "Maubeuge"
    assert json.loads(agglo["origin"])["filter"] == "titulaire_id__in" and agglo["fetched_at"]
    assert _won(SAMBRE) == 3 and _won(JARDINS) == 2
    frame = _directory()
    assert frame.loc[frame["siret"] == SAMBRE, "contracts_social"].iloc[0] == 2
    assert (frame["contracts_checked"] != "").all()  # every supplier looked up, with or without contracts
    assert stored.history()[-1]["kind"] == "api"


def test_a_second_fetch_does_not_double_the_contracts(nord_store):
    for _ in range(2):
        with responses.RequestsMock() as mock:
            mock.add_callback(responses.GET, DATA_URL, callback=_recorded)
            decp_fetch.fetch_contracts()
    assert len(stored.read_contracts()) == 7 and _won(SAMBRE) == 3


def test_429_waits_then_resumes(nord_store):
    client = decp_fetch.CompanyApiClient(decp_fetch.DEFAULT_BASE_URL)
    answers = iter([(429, {"Retry-After": "3"}, "{}")])

    def first_refused(request):
        return next(answers, None) or _recorded(request)

    with responses.RequestsMock() as mock:
        mock.add_callback(responses.GET, DATA_URL, callback=first_refused)
        outcome = decp_fetch.fetch_contracts(client=client)
    assert ("429", 3.0) in client.waits and len(outcome.read.contracts) == 7


@pytest.mark.parametrize("failure", ["500", "timeout"])
def test_errors_are_retried_then_reported_in_french_with_the_store_untouched(nord_store, failure):
    before = store.current_number()
    body = requests.exceptions.ReadTimeout("lent") if failure == "timeout" else None
    with responses.RequestsMock() as mock:
        if body is None:
            mock.add(responses.GET, DATA_URL, status=500)
        else:
            mock.add(responses.GET, DATA_URL, body=body)
        with pytest.raises(Unavailable, match="Rien n'a été modifié"):
            decp_fetch.fetch_contracts()
        assert len(mock.calls) == 1 + RETRIES
    assert store.current_number() == before and stored.read_contracts().empty


@pytest.mark.parametrize("recording", ["malformed-truncated.json", "malformed-shape.json"])
def test_a_malformed_page_is_reported_and_skipped_its_suppliers_left_unchecked(nord_store, recording):
    bad = iter([(200, {}, (DECP / recording).read_text())])

    with responses.RequestsMock() as mock:
        mock.add_callback(responses.GET, DATA_URL, callback=lambda r: next(bad, None) or _recorded(r))
        outcome = decp_fetch.fetch_contracts()
    assert list(outcome.skipped) == ["1/1"] and outcome.checked == len(nord_store) - decp_fetch.BATCH
    first_batch = set(nord_store[: decp_fetch.BATCH])
    frame = _directory()
    assert (frame.loc[frame["siret"].isin(first_batch), "contracts_checked"] == "").all()
    assert SAMBRE in first_batch and _won(SAMBRE) == 0  # nothing half-written for the skipped batch


def test_an_empty_page_means_no_contract_and_is_said_so(nord_store):
    with responses.RequestsMock() as mock:
        mock.add(responses.GET, DATA_URL, body=(DECP / "empty.json").read_text())
        outcome = decp_fetch.fetch_contracts()
    assert outcome.checked == len(nord_store) and outcome.read.contracts.empty
    checked = _directory().set_index("siret").loc[SAMBRE, "contracts_checked"]
    sentence, lines = summary.supplier_summary(store.current_number(), SAMBRE, checked)
    assert sentence.startswith("Aucun marché public trouvé dans les DECP (vérifié le ") and lines == []


def test_pages_are_followed_to_the_last_one(nord_store, monkeypatch):
    monkeypatch.setattr(decp_fetch, "PAGE_SIZE", 2)
    with responses.RequestsMock() as mock:
        mock.add_callback(responses.GET, DATA_URL, callback=_recorded)
        outcome = decp_fetch.fetch_contracts()
        pages = [parse_qs(urlparse(c.request.url).query)["page"][0] for c in mock.calls]
    first_batch_rows = sum(str(r["titulaire_id"]) in set(nord_store[: decp_fetch.BATCH]) for r in RECORDED.TABLE)
    assert pages[: math.ceil(first_batch_rows / 2)] == [str(p) for p in range(1, math.ceil(first_batch_rows / 2) + 1)]
    assert len(outcome.read.contracts) == 7


def test_an_interrupted_fetch_resumes_without_asking_or_keeping_twice(nord_store):
    calls = iter(range(1000))
    with responses.RequestsMock() as mock:
        mock.add_callback(responses.GET, DATA_URL, callback=_recorded)
        with pytest.raises(FetchInterrupted):
            decp_fetch.fetch_contracts(cancel=lambda: next(calls) >= 2)  # cancelled before the third batch
        first = len(mock.calls)
    assert first == 2 and stored.read_contracts().empty  # nothing stored by the interrupted run
    with responses.RequestsMock() as mock:
        mock.add_callback(responses.GET, DATA_URL, callback=_recorded)
        outcome = decp_fetch.fetch_contracts()
        assert len(mock.calls) == math.ceil(len(nord_store) / decp_fetch.BATCH) - 2
    assert len(outcome.read.contracts) == 7 and len(stored.read_contracts()) == 7


def test_no_supplier_with_a_siret_is_said_in_french():
    with pytest.raises(decp_fetch.NoSuppliers, match="aucun fournisseur avec un SIRET"):
        decp_fetch.fetch_contracts()


def test_offline_the_cli_says_so_in_french_and_exits_2_quickly(nord_store, monkeypatch, capsys):
    cut_network(monkeypatch)
    before = store.current_number()
    start = time.monotonic()
    code = cli.main(["contracts", "fetch", "--json"])
    assert code == 2 and time.monotonic() - start < OFFLINE_LIMIT_S
    assert "Pas de connexion" in capsys.readouterr().err and store.current_number() == before
    with pytest.raises(Offline):
        decp_fetch.fetch_contracts()


def test_cli_fetch_json(nord_store, capsys):
    with responses.RequestsMock() as mock:
        mock.add_callback(responses.GET, DATA_URL, callback=_recorded)
        assert cli.main(["contracts", "fetch", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["contracts"] == 7 and out["suppliers_checked"] == len(nord_store) and out["rows_rejected"] == 1


# --- A DECP file the buyer downloaded ----------------------------------------------------------------


def _table_with_an_outsider() -> pd.DataFrame:
    rows = [*RECORDED.TABLE, RECORDED.TABLE[0] | {"titulaire_id": "12345678900011", "uid": "AUTRE"}]
    return pd.DataFrame(rows)


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".json"])
def test_import_a_decp_file_gives_the_same_contracts_and_a_row_report(nord_store, tmp_path, suffix, capsys):
    frame, path = _table_with_an_outsider(), tmp_path / f"decp{suffix}"
    if suffix == ".csv":
        frame.to_csv(path, sep=";", index=False)
    elif suffix == ".parquet":
        frame.astype({"titulaire_id": str, "acheteur_id": str}).to_parquet(path, index=False)
    else:
        path.write_text(frame.to_json(orient="records", force_ascii=False), encoding="utf-8")
    assert cli.main(["contracts", "import", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["rows_read"], out["rows_kept"], out["rows_outside"], out["rows_rejected"]) == (11, 8, 1, 2)
    assert out["contracts"] == 7 and _won(SAMBRE) == 3
    assert json.loads(stored.read_contracts()["origin"].iloc[0])["file"] == path.name


def test_a_file_that_is_not_decp_is_refused_in_french(nord_store, tmp_path, capsys):
    path = tmp_path / "liste.csv"
    path.write_text("nom;siret\nA;90000010000017\n", encoding="utf-8")
    assert cli.main(["contracts", "import", str(path)]) == 2
    assert "titulaire_id" in capsys.readouterr().err
    with pytest.raises(ContractsFileError, match="format non reconnu"):
        import_contracts(b"x", "decp.xlsx")


# --- What the buyer reads -----------------------------------------------------------------------------


def _contracts(*rows: tuple[str, float, float, str]) -> pd.DataFrame:
    """(date, buyer lat, buyer lon, social) per contract of one supplier."""
    records = [{"supplier_siret": SAMBRE, "uid": f"u{i}", "notified": d, "amount": 10000.0, "cpv": "90500000",
                "object": "", "buyer_siret": "", "buyer_name": f"Acheteur {i}", "buyer_commune": "", "buyer_lat": lat,
                "buyer_lon": lon, "social": social, "innovative": False, "fetched_at": "", "origin": ""}
               for i, (d, lat, lon, social) in enumerate(rows)]  # fmt: skip
    return pd.DataFrame(records, columns=list(decp.CONTRACT_COLUMNS))


LILLE = (50.6311, 3.0621)
KM_PER_DEGREE = math.pi * 6371.0088 / 180  # along a meridian, as haversine_km measures it


@pytest.mark.parametrize(
    ("distance_km", "near"), [(0.0, 1), (29.99, 1), (30.0, 1), (30.01, 0), (120.0, 0)]
)  # fmt: skip
def test_the_sentence_counts_buyers_at_most_30_km_from_the_chosen_place(distance_km, near):
    from sourcing.search.geo import EARTH_RADIUS_KM

    lat = LILLE[0] + distance_km / (math.pi * EARTH_RADIUS_KM / 180)
    contracts = _contracts(("2024-05-02", lat, LILLE[1], ""), ("2023-01-10", math.nan, math.nan, ""))
    sentence = summary.contracts_sentence(contracts, near=LILLE)
    assert sentence.startswith("2 marchés publics depuis 2023 (20\u202f000 € HT), ")
    expected = "dont 1 pour un acheteur à moins de 30 km" if near else "aucun pour un acheteur à moins de 30 km"
    assert sentence.endswith(expected)


def test_the_sentence_at_0_and_1_contract_and_without_a_place():
    assert summary.contracts_sentence(_contracts()) is None  # never looked up: nothing said
    none = summary.contracts_sentence(_contracts(), checked="2026-11-30T10:00:00")
    assert none == "Aucun marché public trouvé dans les DECP (vérifié le 30/11/2026)"
    one = summary.contracts_sentence(_contracts(("2025-03-01", *LILLE, "clause sociale")))
    assert one == "1 marché public depuis 2025 (10\u202f000 € HT) ; 1 avec une considération sociale (clause sociale)"
    several = _contracts(("2025-03-01", *LILLE, "marché réservé"), ("2024-01-01", *LILLE, "clause sociale"),
                         ("2023-06-30", *LILLE, ""))  # fmt: skip
    sentence = summary.contracts_sentence(several, near=LILLE)
    assert sentence == (
        "3 marchés publics depuis 2023 (30\u202f000 € HT), dont 3 pour des acheteurs à moins de 30 km ; "
        "2 avec une considération sociale (clause sociale, marché réservé)"
    )
    assert (
        summary.contract_lines(several)[0]
        == "01/03/2025 – Acheteur 0 – 10\u202f000 € HT – CPV 90500000 – marché réservé"
    )


@pytest.mark.parametrize(
    ("cell", "kinds"),
    [("Clause sociale", ("clause sociale",)), ("Critère social, Marché réservé", ("critère social", "marché réservé")),
     ("['Clause sociale', 'Marche reserve']", ("clause sociale", "marché réservé")), ("Sans objet", ()), ("", ()),
     (None, ()), (float("nan"), ())],
)  # fmt: skip
def test_social_considerations_in_every_spelling(cell, kinds):
    assert decp.social_considerations(cell) == kinds


@pytest.mark.parametrize(
    ("value", "id_type", "siret"),
    [("90000010000017", "SIRET", SAMBRE), (90000010000017, None, SAMBRE), ("123", "SIRET", ""),
     ("9000001000001.0", "SIRET", "09000001000001"), ("FR12345678901", "TVA", ""), (None, "SIRET", "")],
)  # fmt: skip
def test_holder_siret(value, id_type, siret):
    assert decp.holder_siret(value, id_type) == siret


# --- Filter and sort -----------------------------------------------------------------------------------


def test_search_filters_and_sorts_on_contracts_won(nord_store):
    with responses.RequestsMock() as mock:
        mock.add_callback(responses.GET, DATA_URL, callback=_recorded)
        decp_fetch.fetch_contracts()
    index = SearchIndex.build(_directory())
    won = search(index, SearchQuery(won_contracts=True))
    assert won.total == 4 and set(won.results["siret"]) == {SAMBRE, JARDINS, "90000002700012", "90000005000014"}
    ordered = search(index, SearchQuery(sort="contracts", limit=3)).results
    assert list(ordered["contracts_won"]) == [3, 2, 1] and ordered["siret"].iloc[0] == SAMBRE
    near = search(index, SearchQuery(near=LILLE, radius_km=200, sort="contracts", won_contracts=True)).results
    assert list(near["contracts_won"])[:2] == [3, 2]
    assert describe(SearchQuery(won_contracts=True)) == ["a déjà remporté un marché public"]


def test_a_directory_never_looked_up_has_no_supplier_with_contracts():
    frame = pd.DataFrame({"id": ["a"], "name": ["X"], "siret": [SAMBRE]})
    assert search(SearchIndex.build(frame), SearchQuery(won_contracts=True)).total == 0


def test_the_meeting_brief_says_what_the_supplier_won(nord_store):
    from datetime import datetime

    from sourcing.exports.blocks import Para
    from sourcing.exports.documents import supplier_brief_blocks
    from sourcing.schedule import MeetingPlan

    meeting = MeetingPlan("Sourçage déchets", "Réemploi", datetime(2026, 12, 10, 9, 0), "Maubeuge", 20)
    assert not any("marché public" in str(b) for b in supplier_brief_blocks(meeting, None, {"siret": SAMBRE}))
    with responses.RequestsMock() as mock:
        mock.add_callback(responses.GET, DATA_URL, callback=_recorded)
        decp_fetch.fetch_contracts()
    blocks = supplier_brief_blocks(meeting, None, {"siret": SAMBRE, "name": "X"})
    paras = [b.text for b in blocks if isinstance(b, Para)]
    assert (  # the meeting is in Maubeuge: the contracts near it are counted (tests/test_meeting_brief_place.py)
        "3 marchés publics depuis 2023 (260\u202f000 € HT), dont 2 pour des acheteurs à moins de 30 km (de Maubeuge) ; "
        "2 avec une considération sociale (clause sociale, marché réservé)"
    ) in paras


def test_the_recordings_are_what_their_script_makes():
    for name, content in load_script("tests/data/decp/make_recordings.py").build().items():
        text = (DECP / name).read_text(encoding="utf-8")
        assert (text if isinstance(content, str) else json.loads(text)) == content, name


def test_cli_search_filters_and_sorts_on_contracts(nord_store, tmp_path, capsys):
    with responses.RequestsMock() as mock:
        mock.add_callback(responses.GET, DATA_URL, callback=_recorded)
        decp_fetch.fetch_contracts()
    path = tmp_path / "annuaire.parquet"
    _directory().to_parquet(path, index=False)
    capsys.readouterr()
    assert cli.main(["search", "--directory", str(path), "--won-contracts", "--sort", "contracts", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["total"] == 4 and out["results"][0]["siret"] == SAMBRE
