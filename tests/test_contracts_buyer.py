"""The annual report from the DECP by the buyer's SIRET: recorded answers of data.gouv's tabular API
(`tests/data/decp/buyer.json`, fictitious) in, the same `Contracts` and indicators as the buyer's own
file out; a bad SIRET, no network, a 429, an empty answer said in French. No network."""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest
import responses

from sourcing import cli
from sourcing.contracts import buyer
from sourcing.contracts import fetch as decp_fetch
from sourcing.live.client import CompanyApiClient, Offline
from sourcing.plan import contracts
from tests.helpers import cut_network, load_script

RECORDED = load_script("tests/data/decp/recorded_decp.py")
DATA_URL = decp_fetch.DEFAULT_BASE_URL + decp_fetch.endpoint()
AVESNES = "21590036000003"  # the fictitious buyer of buyer.json
OFFLINE_LIMIT_S = 15
# The same contracts as the buyer would list them in their own file (one per contract, the first date,
# the current amount, no insertion hours since the DECP publish none).
HEADER = "Objet;Montant HT;Date de notification;CPV;Clause sociale;Critère social;Marché réservé;Heures d'insertion\n"
EQUIVALENT_FILE = HEADER + (
    "Entretien des espaces verts;40 000;12/02/2024;77310000;non;non;oui;\n"
    "Rénovation de l'école;250 000;06/05/2024;45210000;oui;non;non;\n"
    "Restauration scolaire;90 000;01/07/2024;55524000;oui;oui;non;\n"
    "Fournitures de bureau;15 000;20/09/2024;30197600;non;non;non;\n"
    "Nettoyage des bâtiments;75 000;15/11/2024;90911200;oui;non;non;\n"
    "Réhabilitation de la halle;120 000;10/04/2025;45262700;non;oui;non;\n"
    "Impression du bulletin municipal;20 000;30/06/2025;79800000;non;non;non;\n"
    "Transport des élèves;45 000;01/09/2025;60130000;non;non;non;\n"
)


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    monkeypatch.setattr("sourcing.live.client.time.sleep", lambda _s: None)


def _recorded(request):
    return 200, {}, json.dumps(RECORDED.answer(request.url))


def _fetch(siret: str = AVESNES, **kwargs) -> buyer.BuyerContracts:
    with responses.RequestsMock() as mock:
        mock.add_callback(responses.GET, DATA_URL, callback=_recorded)
        found = buyer.buyer_contracts(siret, **kwargs)
        asked = [parse_qs(urlparse(c.request.url).query) for c in mock.calls]
    assert all(q[buyer.FILTER] == [AVESNES] for q in asked)
    return found


def test_each_contract_once_with_its_first_date_current_amount_and_social_flags():
    found = _fetch()
    frame = found.contracts.frame.set_index("need")
    assert len(frame) == 8 and found.buyer_name == "COMMUNE D'AVESNES-SUR-HELPE (FICTIF)"
    cleaning = frame.loc["Nettoyage des bâtiments"]  # modified in 2025: first date, current amount
    assert (cleaning["year"], cleaning["amount"], cleaning["clause"]) == (2024, 75000, True)
    hall = frame.loc["Réhabilitation de la halle"]  # two co-holders: one contract
    assert (hall["amount"], hall["criterion"], hall["clause"], hall["reserved"]) == (120000, True, False, False)
    assert frame.loc["Entretien des espaces verts", "reserved"]
    assert "Impression du bulletin municipal" in frame.index  # a holder without a SIRET still counts
    assert "espaces verts" in frame.loc["Entretien des espaces verts", "family"].lower()  # CPV "77310000-6"
    assert (frame["hours"] == 0).all() and buyer.NO_HOURS in found.notes


def test_every_row_is_counted_or_rejected_with_its_reason():
    report = _fetch().contracts.report
    assert report.rows_read == report.analysed + len(report.rejected) == len(RECORDED.BUYER_TABLE) == 12
    reasons = {r["line"]: r["reason"] for r in report.rejected}
    assert set(reasons) == {11, 12}
    assert reasons[11].startswith("date de notification") and reasons[12] == "montant illisible ou négatif"


def test_indicators_from_the_decp_equal_those_of_the_equivalent_file():
    from_decp = _fetch().contracts
    from_file = contracts.read_contracts(EQUIVALENT_FILE.encode("utf-8"), "marches.csv")
    assert from_file.report.analysed == 8
    pd.testing.assert_frame_equal(contracts.by_year(from_decp), contracts.by_year(from_file))
    pd.testing.assert_frame_equal(contracts.by_family(from_decp), contracts.by_family(from_file))
    pd.testing.assert_frame_equal(contracts.spaser_table(from_decp), contracts.spaser_table(from_file))
    y2024 = contracts.by_year(from_decp).set_index("Année").loc[2024]
    assert y2024["Marchés"] == 5 and y2024["Montant (€ HT)"] == 470_000
    assert y2024["Part du montant : clause sociale (%)"] == pytest.approx(100 * 415_000 / 470_000, abs=0.05)
    assert contracts.report_xlsx(from_decp)[:2] == b"PK"


def test_every_page_is_read(monkeypatch):
    monkeypatch.setattr(buyer, "PAGE_SIZE", 5)
    found = _fetch()
    assert found.pages == 3 and len(found.contracts.frame) == 8


@pytest.mark.parametrize(
    ("typed", "message"),
    [("", "SIRET de l'acheteur manquant"), ("2159003600000", "14 chiffres attendus"),
     ("215900360000031", "14 chiffres attendus"), ("2159003600000A", "14 chiffres attendus"),
     ("21590036000004", "clé de contrôle"), ("21590392000011", "clé de contrôle")],
)  # fmt: skip
def test_a_bad_siret_is_refused_in_french_before_any_request(typed, message):
    with responses.RequestsMock() as mock, pytest.raises(buyer.BadSiret, match=message):
        buyer.buyer_contracts(typed)
    assert len(mock.calls) == 0


@pytest.mark.parametrize("typed", ["215 900 360 00003", " 21590036000003 ", "215.900.360.00003"])
def test_a_siret_typed_with_spaces_or_dots_is_read(typed):
    assert buyer.buyer_siret(typed) == AVESNES


def test_429_waits_then_resumes():
    client = CompanyApiClient(decp_fetch.DEFAULT_BASE_URL)
    answers = iter([(429, {"Retry-After": "2"}, "{}")])
    with responses.RequestsMock() as mock:
        mock.add_callback(responses.GET, DATA_URL, callback=lambda r: next(answers, None) or _recorded(r))
        found = buyer.buyer_contracts(AVESNES, client=client)
    assert ("429", 2.0) in client.waits and len(found.contracts.frame) == 8


def test_an_empty_answer_says_no_contract_is_published_for_this_siret(capsys):
    unknown = "90000999000004"  # a valid SIRET that notified nothing
    with responses.RequestsMock() as mock:
        mock.add_callback(responses.GET, DATA_URL, callback=_recorded)
        found = buyer.buyer_contracts(unknown)
        assert cli.main(["contracts", "buyer", unknown]) == 0
    assert found.empty and contracts.by_year(found.contracts).empty
    assert found.notes == [f"Aucun marché publié pour ce SIRET dans les DECP consolidées ({unknown})."]
    assert "Aucun marché publié pour ce SIRET" in capsys.readouterr().out


def test_cli_json_gives_the_indicators_by_year(capsys):
    with responses.RequestsMock() as mock:
        mock.add_callback(responses.GET, DATA_URL, callback=_recorded)
        assert cli.main(["contracts", "buyer", AVESNES, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["contracts"] == 8 and out["filter"] == "acheteur_id__exact" and out["siret"] == AVESNES
    assert (out["report"]["rows_read"], out["report"]["analysed"], out["report"]["rejected"]) == (12, 10, 2)
    assert [y["Année"] for y in out["years"]] == [2024, 2025] and out["years"][1]["Marchés"] == 3


def test_cli_bad_siret_exits_2_in_french(capsys):
    assert cli.main(["contracts", "buyer", "123"]) == 2
    assert "14 chiffres attendus" in capsys.readouterr().err


def test_offline_the_cli_says_so_in_french_and_exits_2_quickly(monkeypatch, capsys):
    cut_network(monkeypatch)
    start = time.monotonic()
    assert cli.main(["contracts", "buyer", AVESNES, "--json"]) == 2
    assert time.monotonic() - start < OFFLINE_LIMIT_S
    assert "Pas de connexion" in capsys.readouterr().err
    with pytest.raises(Offline):
        buyer.buyer_contracts(AVESNES)


# --- Tab "Bilan annuel" of the page "Programme d'achats" under AppTest ----------------------------------

PLAN_PAGE = "ui/pages/programme.py"


def _decp_tab():
    from tests.helpers import open_page

    at = open_page(PLAN_PAGE)
    at.radio(key="annual_source").set_value(_texts().ANNUAL_SOURCE_DECP).run()
    return at


def _texts():
    from ui import texts

    return texts


def test_tab_asks_the_decp_only_on_the_click_and_shows_the_report():
    T = _texts()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_callback(responses.GET, DATA_URL, callback=_recorded)
        at = _decp_tab()
        at.text_input(key="annual_siret").set_value("215 900 360 00003").run()
        assert not at.exception and len(mock.calls) == 0
        at.button(key="annual_go").click().run()
        assert not at.exception and not at.error and len(mock.calls) == 1
    said = " ".join(m.value for m in at.markdown)
    assert "**8** marché(s) trouvé(s) dans les DECP" in said and "**12** lignes lues" in said
    captions = [c.value for c in at.caption]
    assert T.ANNUAL_DECP_NO_HOURS in captions and T.ANNUAL_DECP_INTRO in captions and T.ANNUAL_INTRO not in captions
    rejected, spaser, families = (d.value for d in at.dataframe)
    assert list(spaser.columns) == ["Indicateur", "2024", "2025"] and len(rejected) == 2
    assert set(families["Année"]) == {2024, 2025}
    at.run()  # a rerun (a download, another widget) does not ask again
    assert not at.exception and not at.error and [d.value.shape for d in at.dataframe][1] == spaser.shape


@pytest.mark.parametrize(("typed", "message"), [("123", "14 chiffres attendus"), ("21590036000004", "clé de contrôle")])
def test_tab_refuses_a_bad_siret_in_french_without_asking(typed, message):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_callback(responses.GET, DATA_URL, callback=_recorded)
        at = _decp_tab()
        at.text_input(key="annual_siret").set_value(typed).run()
        at.button(key="annual_go").click().run()
        assert len(mock.calls) == 0
    assert not at.exception and any(message in e.value for e in at.error)


def test_tab_says_when_no_contract_is_published():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_callback(responses.GET, DATA_URL, callback=_recorded)
        at = _decp_tab()
        at.text_input(key="annual_siret").set_value("90000999000004").run()
        at.button(key="annual_go").click().run()
    assert not at.exception and any("Aucun marché publié pour ce SIRET" in i.value for i in at.info)


def test_tab_offline_says_so_in_french(monkeypatch):
    at = _decp_tab()
    cut_network(monkeypatch)
    at.text_input(key="annual_siret").set_value(AVESNES).run()
    at.button(key="annual_go").click().run()
    assert not at.exception and any("Pas de connexion" in e.value for e in at.error)
