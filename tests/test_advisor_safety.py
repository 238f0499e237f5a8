"""Answers that would expose a buyer (issue 14): each class of case, on both sides of every boundary.

1. after the known thresholds, the last ones keep applying ("à vérifier"), never "not mandatory";
2. the nature follows the object (CPV), the strictest reading applies, with a warning;
3. the direct-award works threshold history (100 k€ from loi ASAP to the end of 2025);
4. defence contract vs defence buyer; central authority asked, not guessed;
5. input that cannot be a contract is refused in French; an L2113-15 sub-code is "à vérifier";
6. accords-cadres and small lots.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sourcing.advisor import LEVER_IDS, AdviceInputError, Purchase, advise, thresholds_in_force
from sourcing.advisor.cpv import cpv_labels, cpv_nature
from sourcing.advisor.hours import generic_defaults
from sourcing.advisor.request import AdviceRequest
from sourcing.advisor.rules import RULE_BY_ID, RuleContext
from sourcing.advisor.thresholds import RULES_DIR, TO_CONFIRM, load_thresholds
from tests.helpers import PROJECT_DIR

DAY = timedelta(days=1)
TABLE = load_thresholds()
HORIZON = TABLE.horizon
LAST_KNOWN = date(2027, 12, 31)


def purchase(**kw) -> Purchase:
    base = dict(need="Entretien des espaces verts", nature="services", amount_eur=100_000, duration_months=24,
                buyer_type="commune", consultation_date=date(2026, 9, 1))  # fmt: skip
    base.update(kw)
    return Purchase(**base)


def evaluate(lever_id: str, p: Purchase):
    return RULE_BY_ID[lever_id].evaluate(p, RuleContext())


def around(day: date) -> list[date]:
    return [day - DAY, day, day + DAY]


def _boundaries() -> list[tuple[str, date]]:
    """Every date of thresholds.csv, with the row it bounds."""
    out = []
    for row in TABLE.rows:
        for bound in (row.valid_from, row.valid_to):
            if bound is not None:
                out.append((f"{row.id}-{'|'.join(row.natures)}-{'|'.join(row.buyers)}-{bound}", bound))
    return out


BOUNDARIES = _boundaries()


# --- 1. After the known thresholds ------------------------------------------------------------------


def test_the_horizon_is_the_end_of_the_2026_2027_eu_thresholds():
    assert HORIZON == LAST_KNOWN


@pytest.mark.parametrize(("row_id", "bound"), BOUNDARIES, ids=[b[0] for b in BOUNDARIES])
def test_every_threshold_date_day_before_day_and_day_after(row_id, bound):
    """Around every date of the data, each threshold resolves to exactly one row: the one in force, or
    after the last period the last one, flagged and "à confirmer"; never nothing once it existed."""
    row = next(r for r in TABLE.rows if bound in (r.valid_from, r.valid_to) and row_id.startswith(r.id + "-"))
    nature, category = row.natures[0].replace("*", "services"), row.buyers[0].replace("*", "local")
    for day in around(bound):
        got = TABLE.get(row.id, day, nature, category)
        if row.in_force(day):
            assert got == row, (row_id, day)
        elif row.valid_to is not None and day > row.valid_to:
            assert got is not None, (row_id, day)
            later = [r for r in TABLE.rows if r.id == row.id and r.covers(nature, category) and r.in_force(day)]
            assert got.extrapolated == (not later)
            assert not got.extrapolated or (got.confidence == TO_CONFIRM and got.valid_to == LAST_KNOWN)


@pytest.mark.parametrize("day", [*around(LAST_KNOWN + DAY), date(2030, 6, 1), date(2037, 12, 31)])
def test_mandatory_social_clause_never_flips_after_2027(day):
    p = purchase(amount_eur=300_000, consultation_date=day)
    advice = evaluate("clause-insertion", p)
    assert advice.applies and advice.mandatory, day
    assert "216\u202f000 €" in advice.rationale
    if day > LAST_KNOWN:
        assert "seuils 2026-2027 appliqués, à vérifier" in advice.rationale
        assert advice.confidence == TO_CONFIRM
        row = thresholds_in_force(p)["eu-threshold"]
        assert row["extrapolated"] and "seuils 2026-2027 appliqués, à vérifier" in row["label"]
        assert any("seuils 2026-2027 appliqués" in c.message for c in advise(p).cautions)
    else:
        assert "à vérifier" not in advice.rationale.split("OBLIGATOIRE")[-1]
    # Below the last known threshold: optional, after as before.
    assert not evaluate("clause-insertion", purchase(amount_eur=215_999, consultation_date=day)).mandatory


@pytest.mark.parametrize("day", around(date(2026, 8, 22)))
def test_mandatory_social_clause_from_2026_08_22(day):
    assert evaluate("clause-insertion", purchase(amount_eur=300_000, consultation_date=day)).mandatory == (
        day >= date(2026, 8, 22)
    )


def test_a_threshold_file_with_no_eu_row_reads_as_mandatory(tmp_path):
    """Whatever data runs out, the prudent reading: a social clause with no EU threshold known is mandatory."""
    text = (RULES_DIR / "thresholds.csv").read_text(encoding="utf-8")
    kept = "\n".join(line for line in text.splitlines() if not line.startswith("eu-threshold"))
    edited = tmp_path / "thresholds.csv"
    edited.write_text(kept + "\n", "utf-8")
    ctx = RuleContext(thresholds=load_thresholds(str(edited)))
    advice = RULE_BY_ID["clause-insertion"].evaluate(purchase(amount_eur=1_000), ctx)
    assert advice.mandatory and "à vérifier" in advice.rationale and advice.confidence == TO_CONFIRM


natures = st.sampled_from(["travaux", "fournitures", "services"])
buyers = st.sampled_from(["commune", "epci", "departement", "region", "etat", "etablissement-public", "autre",
                          "entite-adjudicatrice", "defense"])  # fmt: skip
later_days = st.dates(min_value=LAST_KNOWN + DAY, max_value=date(LAST_KNOWN.year + 10, 12, 31))
cpvs = st.sampled_from([(), ("85311000",), ("90910000",), ("45000000",), ("15860000",), ("92511000",)])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(natures, buyers, later_days, st.floats(min_value=1, max_value=50_000_000), cpvs,
       st.sampled_from([None, True, False]), st.booleans(), st.integers(1, 12), st.booleans())  # fmt: skip
def test_no_date_after_the_known_data_turns_a_mandatory_lever_optional(
    nature, buyer, later, amount, cpv, central, defence, lots, framework
):
    kw = dict(nature=nature, buyer_type=buyer, amount_eur=amount, cpv=cpv, central_authority=central,
              defence_contract=defence, lots=lots, framework=framework)  # fmt: skip
    at_horizon, after = purchase(consultation_date=LAST_KNOWN, **kw), purchase(consultation_date=later, **kw)
    for lever in LEVER_IDS:
        if evaluate(lever, at_horizon).mandatory:
            assert evaluate(lever, after).mandatory, (lever, later)


# --- 2. Nature follows the object --------------------------------------------------------------------


@pytest.mark.parametrize("day", around(date(2026, 1, 1)) + around(date(2026, 4, 1)))
def test_services_object_chosen_as_works_gets_the_services_threshold(day):
    p = purchase(nature="travaux", cpv=("77310000",), amount_eur=70_000, consultation_date=day)
    strict = 40_000 if day < date(2026, 4, 1) else 60_000
    advice = evaluate("direct-award", p)
    assert not advice.applies and f"{strict:,}".replace(",", "\u202f") in advice.rationale
    assert thresholds_in_force(p)["direct-award"]["value_eur"] == strict
    caution = next(c for c in advise(p).cautions if c.id == "nature-objet")
    assert "L1111-2 à L1111-4" in caution.message and "« travaux »" in caution.message
    # Chosen right, no warning, the works threshold (100 k€ on every one of these dates).
    right = purchase(nature="travaux", cpv=("45000000",), amount_eur=70_000, consultation_date=day)
    assert evaluate("direct-award", right).applies
    assert not any(c.id == "nature-objet" for c in advise(right).cautions)


def test_works_object_chosen_as_services_keeps_the_strictest_thresholds():
    p = purchase(nature="services", cpv=("45210000",), amount_eur=300_000)
    assert thresholds_in_force(p)["direct-award"]["value_eur"] == 60_000
    assert thresholds_in_force(p)["eu-threshold"]["value_eur"] == 216_000
    assert evaluate("clause-insertion", p).mandatory
    assert any(c.id == "nature-objet" and "travaux" in c.message for c in advise(p).cautions)


def test_cpv_nature_by_division():
    assert [cpv_nature(c) for c in ("45000000", "03000000", "48000000", "50000000", "98000000")] == [
        "travaux", "fournitures", "fournitures", "services", "services",
    ]  # fmt: skip


# --- 3. Direct-award works threshold history ---------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "value"),
    [(date(2019, 12, 31), 25_000), (date(2020, 1, 1), 40_000), (date(2020, 1, 2), 40_000),
     (date(2020, 12, 8), 40_000), (date(2020, 12, 9), 100_000), (date(2020, 12, 10), 100_000),
     (date(2025, 12, 30), 100_000), (date(2025, 12, 31), 100_000), (date(2026, 1, 1), 100_000),
     (date(2026, 1, 2), 100_000)],
)  # fmt: skip
def test_works_direct_award_history(day, value):
    row = thresholds_in_force(purchase(nature="travaux", consultation_date=day))["direct-award"]
    assert row["value_eur"] == value
    assert not row["extrapolated"]
    if date(2020, 12, 9) <= day <= date(2025, 12, 31):
        assert "2020-1525" in row["reference"] and "2024-1217" in row["reference"]
        assert row["confidence"] == "vérifié"
    assert evaluate("direct-award", purchase(nature="travaux", amount_eur=value - 1, consultation_date=day)).applies
    assert not evaluate("direct-award", purchase(nature="travaux", amount_eur=value, consultation_date=day)).applies


def test_no_direct_award_row_left_to_confirm_for_the_asap_period():
    rows = [r for r in TABLE.rows if r.id == "direct-award" and "travaux" in r.natures]
    assert all(r.confidence == "vérifié" for r in rows if r.value_eur == 100_000)


# --- 4. Buyers and defence ---------------------------------------------------------------------------


def test_defence_buyer_is_not_a_defence_contract():
    ordinary = purchase(buyer_type="defense", amount_eur=300_000)
    assert evaluate("clause-insertion", ordinary).mandatory
    assert evaluate("allotment", ordinary).mandatory
    assert thresholds_in_force(ordinary)["eu-threshold"]["value_eur"] == 140_000
    assert any(c.id == "acheteur-defense" and "L1113-1" in c.message for c in advise(ordinary).cautions)
    contract = purchase(buyer_type="defense", amount_eur=300_000, defence_contract=True)
    assert not evaluate("clause-insertion", contract).mandatory
    allot = evaluate("allotment", contract)
    assert allot.applies and not allot.mandatory and "L2313-5" in allot.rationale
    assert thresholds_in_force(contract)["eu-threshold"]["value_eur"] == 432_000
    assert any(c.id == "marche-defense" and "L2313-5" in c.message for c in advise(contract).cautions)


@pytest.mark.parametrize("buyer", ["etablissement-public", "autre"])
@pytest.mark.parametrize(("central", "threshold"), [(None, 140_000), (True, 140_000), (False, 216_000)])
def test_central_authority_is_asked_not_guessed(buyer, central, threshold):
    p = purchase(buyer_type=buyer, central_authority=central, amount_eur=180_000)
    assert thresholds_in_force(p)["eu-threshold"]["value_eur"] == threshold
    assert evaluate("clause-insertion", p).mandatory == (threshold == 140_000)
    cautions = {c.id: c.message for c in advise(p).cautions}
    if central is None:
        message = cautions["categorie-acheteur"]
        assert "140\u202f000 €" in message and "216\u202f000 €" in message
        assert "216\u202f000 € sinon" in evaluate("clause-insertion", p).rationale
    else:
        assert "categorie-acheteur" not in cautions


def test_local_authorities_are_never_asked():
    p = purchase(buyer_type="commune", amount_eur=180_000)
    assert not p.category_asked and not evaluate("clause-insertion", p).mandatory


# --- 5. Input that cannot be a contract -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kw", "needle"),
    [({"amount_eur": 0}, "strictement positif"), ({"amount_eur": 2e11}, "hors de toute mesure"),
     ({"cpv": "12345678"}, "code CPV inconnu"), ({"cpv": ("90910000", "99999999")}, "99999999"),
     ({"consultation_date": date(2080, 1, 1)}, "trop lointaine")],
)  # fmt: skip
def test_impossible_purchases_are_refused_in_french(kw, needle):
    with pytest.raises(AdviceInputError, match=needle):
        purchase(**kw)


@pytest.mark.parametrize("year", [LAST_KNOWN.year + 10, LAST_KNOWN.year + 11])
def test_far_dates_refused_past_ten_years_after_the_horizon(year):
    if year > LAST_KNOWN.year + 10:
        with pytest.raises(AdviceInputError):
            purchase(consultation_date=date(year, 1, 1))
    else:
        assert purchase(consultation_date=date(year, 12, 31)).date.year == year


def test_very_large_amount_is_flagged():
    assert any(c.id == "montant-eleve" for c in advise(purchase(amount_eur=2e9)).cautions)
    assert not any(c.id == "montant-eleve" for c in advise(purchase(amount_eur=2e6)).cautions)


def test_cpv_list_is_the_reference_one():
    with (PROJECT_DIR / "tests" / "data" / "reference" / "cpv" / "cpv2008_fr_en.csv").open(encoding="utf-8") as f:
        reference = {r["code8"] for r in csv.DictReader(f)}
    assert set(cpv_labels()) == reference


@pytest.mark.parametrize("code", ["92511000", "92610000", "98133100"])
def test_l2113_15_sub_code_is_to_check_not_impossible(code):
    advice = evaluate("reserve-ess", purchase(cpv=(code,)))
    assert advice.applies and "À vérifier" in advice.rationale and code in advice.rationale
    assert "impossible" not in advice.rationale


def test_code_outside_the_list_is_still_impossible():
    advice = evaluate("reserve-ess", purchase(cpv=("77310000",)))
    assert not advice.applies and "impossible" in advice.rationale


# --- 6. Frameworks and small lots ---------------------------------------------------------------------


def test_framework_is_described_and_advised():
    p = AdviceRequest(need="Fournitures de bureau", nature="fournitures", amount_eur=300_000, duration_months=48,
                      consultation_date=date(2026, 9, 1), framework=True).purchase()  # fmt: skip
    assert p.framework
    report = advise(p)
    message = next(c.message for c in report.cautions if c.id == "accord-cadre")
    assert "montant maximum" in message and "R2121-8" in message and "R2162-4" not in message
    assert "R2121-8" in report.lever("direct-award").rationale


@pytest.mark.parametrize(("buyer", "months", "too_long"),
                         [("commune", 48, False), ("commune", 49, True), ("entite-adjudicatrice", 96, False),
                          ("entite-adjudicatrice", 97, True)])  # fmt: skip
def test_framework_duration_limit(buyer, months, too_long):
    p = purchase(buyer_type=buyer, duration_months=months, framework=True)
    message = next(c.message for c in advise(p).cautions if c.id == "accord-cadre")
    assert ("R2162-4" in message) == too_long


@pytest.mark.parametrize(("amount", "lots", "mentioned"),
                         [(300_000, 10, True), (300_000, 1, False), (50_000, 2, False)])  # fmt: skip
def test_small_lots_mentioned_where_they_apply(amount, lots, mentioned):
    p = purchase(amount_eur=amount, lots=lots)
    allotment = evaluate("allotment", p).rationale
    assert ("Petits lots" in allotment) == mentioned
    if mentioned:
        assert "R2122-8" in allotment and "R2123-1" in allotment and "20 %" in allotment


# --- French for the buyer, CLI --------------------------------------------------------------------------


def test_no_internal_reference_in_what_a_buyer_reads():
    cases = [purchase(nature="travaux", cpv=("77310000",), buyer_type="autre", framework=True, lots=4,
                      amount_eur=2e9, duration_months=60, consultation_date=date(2029, 1, 1)),
             purchase(buyer_type="defense", defence_contract=True, cpv=("92511000",))]  # fmt: skip
    for p in cases:
        report = advise(p)
        texts = [c.message for c in report.cautions] + [lv.rationale for lv in report.levers]
        texts += [f"{t['label']} {t['reference']}" for t in report.thresholds.values()]
        texts += [v.source for v in generic_defaults()] + [(RULES_DIR / "insertion_defaults.csv").read_text("utf-8")]
        for text in texts:
            for internal in (".md", ".csv", ".py", "§", "shared/"):
                assert internal not in text, text


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sourcing", "advise", *args], capture_output=True, text=True,
                          timeout=120)  # fmt: skip


def test_cli_options_and_cautions():
    done = run_cli("--need", "Nettoyage", "--amount", "180000", "--duration-months", "60", "--nature", "travaux",
                   "--cpv", "90910000", "--buyer", "etablissement-public", "--central-authority", "non",
                   "--framework", "--date", "2028-01-01", "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    ids = {c["id"] for c in payload["cautions"]}
    assert {"seuils-apres-donnees", "nature-objet", "accord-cadre"} <= ids and "categorie-acheteur" not in ids
    assert payload["thresholds"]["eu-threshold"]["value_eur"] == 216_000
    text = run_cli("--need", "Armement", "--amount", "500000", "--duration-months", "12", "--nature", "fournitures",
                   "--buyer", "defense", "--defence-contract", "--date", "2026-09-01")  # fmt: skip
    assert text.returncode == 0 and "Attention : Marché de défense ou de sécurité" in text.stdout


@pytest.mark.parametrize(
    ("extra", "needle"),
    [(("--amount", "0"), "strictement positif"), (("--cpv", "12345678"), "code CPV inconnu"),
     (("--date", "2090-01-01"), "trop lointaine"), (("--amount", "1e12"), "hors de toute mesure")],
)  # fmt: skip
def test_cli_refuses_what_cannot_be_a_contract(extra, needle):
    base = ["--need", "Nettoyage", "--amount", "30000", "--duration-months", "12", "--nature", "services"]
    if extra[0] in base:
        base[base.index(extra[0]) + 1] = extra[1]
    else:
        base += list(extra)
    done = run_cli(*base)
    assert done.returncode == 2 and needle in done.stderr and "Traceback" not in done.stderr
