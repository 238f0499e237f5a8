"""Smoke test of the "Conseil achat" page with Streamlit's AppTest."""

from __future__ import annotations

from datetime import date

from streamlit.testing.v1 import AppTest

from sourcing.advisor import LEVER_IDS, RULES
from tests.helpers import ADVICE_PAGE, format_regex, open_page
from ui import texts as T


def _texts(at: AppTest) -> str:
    return "\n".join([m.value for m in at.markdown] + [h.value for h in at.subheader])


def test_advice_page_shows_every_lever_and_the_note_download():
    at = open_page(ADVICE_PAGE)
    assert any(T.DEMO_BADGE in i.value for i in at.info)
    at.text_input(key="conseil_besoin").input("Entretien des espaces verts")
    at.radio(key="conseil_nature").set_value("services")
    at.number_input(key="conseil_montant").set_value(300_000.0)
    at.number_input(key="conseil_duree").set_value(36)
    at.selectbox(key="conseil_acheteur").set_value("commune")
    at.text_input(key="conseil_lieu").input("Lyon")
    at.slider(key="conseil_rayon").set_value(30)
    at.date_input(key="conseil_date").set_value(date(2026, 9, 1))
    at.button[0].click().run()
    assert not at.exception
    assert not at.error
    texts = _texts(at)
    assert len(LEVER_IDS) == 11
    card_titles = [h.value.replace("\\", "") for h in at.subheader]
    assert sum(rule.title in card_titles for rule in RULES) == 11
    for rule in RULES:
        # Titles go through Markdown escaping: compare without the backslashes.
        assert rule.title in texts.replace("\\", "")
    assert texts.count(T.BADGE_MANDATORY) >= 1 and T.BADGE_NOT_APPLICABLE in texts
    assert any(m.label == T.ADVICE_HOURS_METRIC for m in at.metric)
    downloads = at.get("download_button")
    assert len(downloads) == 1


def _analyse(need: str = "", place: str = "") -> AppTest:
    """The page with only what the buyer buys and where filled in, analysed."""
    at = open_page(ADVICE_PAGE)
    if need:
        at.text_input(key="conseil_besoin").input(need)
    if place:
        at.text_input(key="conseil_lieu").input(place)
    at.button[0].click().run()
    assert not at.exception
    return at


def test_unknown_place_is_reported_in_french():
    at = _analyse("Nettoyage des locaux", "Zzyzx-sur-Nowhere")
    assert at.error and format_regex(T.ADVICE_INPUT_ERROR).match(at.error[0].value)
    assert not at.get("download_button")


def test_missing_need_is_refused():
    at = _analyse()
    assert at.error and T.ADVICE_NEED_MISSING in at.error[0].value


def test_place_text_is_escaped_in_the_error():
    """The buyer's text comes back in the error message: Markdown and HTML stay inert (escaped)."""
    at = _analyse("Nettoyage des locaux", "**Zz** <img src=x>")
    message = at.error[0].value
    assert "\\*\\*Zz\\*\\* \\<img src=x\\>" in message


def _fill(at: AppTest, **values) -> None:
    at.text_input(key="conseil_besoin").input(values.get("need", "Entretien des espaces verts"))
    at.radio(key="conseil_nature").set_value(values.get("nature", "services"))
    at.number_input(key="conseil_montant").set_value(values.get("amount", 300_000.0))
    at.selectbox(key="conseil_acheteur").set_value(values.get("buyer", "commune"))
    at.text_input(key="conseil_cpv").input(values.get("cpv", ""))
    at.date_input(key="conseil_date").set_value(values.get("day", date(2026, 9, 1)))
    at.checkbox(key="conseil_accord_cadre").set_value(values.get("framework", False))
    at.checkbox(key="conseil_defense").set_value(values.get("defence", False))
    at.selectbox(key="conseil_autorite_centrale").set_value(values.get("central"))


def test_page_shows_the_cautions_above_the_levers():
    """After the known thresholds, a nature the CPV contradicts, a category not given, an accord-cadre: each
    warning is shown, and the social clause stays mandatory."""
    at = open_page(ADVICE_PAGE)
    _fill(at, nature="travaux", cpv="77310000", buyer="etablissement-public", day=date(2028, 3, 1), framework=True)
    at.button[0].click().run()
    assert not at.exception and not at.error
    warnings = "\n".join(w.value for w in at.warning)
    for expected in ("seuils 2026-2027 appliqués, à vérifier", "L1111-2 à L1111-4", "autorité publique centrale",
                     "montant maximum", "R2121-8"):  # fmt: skip
        assert expected in warnings.replace("\\", ""), expected
    assert "Points de vigilance" in _texts(at)
    assert "Obligatoire" in _texts(at)


def test_page_defence_contract_and_central_answer():
    at = open_page(ADVICE_PAGE)
    _fill(at, buyer="defense", defence=True)
    at.button[0].click().run()
    assert not at.exception
    assert "L2313-5" in "\n".join(w.value for w in at.warning).replace("\\", "")
    at = open_page(ADVICE_PAGE)
    _fill(at, buyer="autre", central=False)
    at.button[0].click().run()
    assert not any("autorité publique centrale" in w.value for w in at.warning)


def test_page_refuses_an_amount_of_zero_and_an_unknown_cpv():
    for values, needle in (({"amount": 0.0}, "strictement positif"), ({"cpv": "12345678"}, "code CPV inconnu")):
        at = open_page(ADVICE_PAGE)
        _fill(at, **values)
        at.button[0].click().run()
        assert not at.exception
        assert at.error and needle in at.error[0].value
        assert not at.get("download_button")


def test_an_analysis_of_other_values_is_flagged_and_its_note_disabled():
    """Every field the buyer changes after an analysis flags it « à relancer », names the field and disables
    the note; putting the value back (or analysing again) makes it current again."""
    at = open_page(ADVICE_PAGE)
    _fill(at)
    at.button[0].click().run()
    assert not at.exception and not at.error
    assert not any("Analyse à relancer" in w.value for w in at.warning)
    assert not at.get("download_button")[0].proto.disabled
    changes = (
        (lambda: at.number_input(key="conseil_montant").set_value(250_000.0), T.ADVICE_AMOUNT),
        (lambda: at.text_input(key="conseil_besoin").input("Nettoyage des locaux"), T.ADVICE_NEED),
        (lambda: at.radio(key="conseil_nature").set_value("fournitures"), T.ADVICE_NATURE),
        (lambda: at.checkbox(key="conseil_accord_cadre").set_value(True), T.ADVICE_FRAMEWORK),
        (lambda: at.date_input(key="conseil_date").set_value(date(2027, 1, 4)), T.ADVICE_DATE),
        (lambda: at.slider(key="conseil_rayon").set_value(50), T.ADVICE_RADIUS),
        (lambda: at.number_input(key="conseil_taux").set_value(7.0), T.ADVICE_RATE),
    )
    for change, label in changes:
        change()
        at.run()
        assert not at.exception
        stale = [w.value for w in at.warning if "Analyse à relancer" in w.value]
        assert stale and f"« {label} »" in stale[0], label
        assert at.get("download_button")[0].proto.disabled, label
        _fill(at)  # the analysed values again: the analysis answers the form once more
        at.number_input(key="conseil_taux").set_value(None)
        at.slider(key="conseil_rayon").set_value(30)
        at.run()
        assert not any("Analyse à relancer" in w.value for w in at.warning), label
        assert not at.get("download_button")[0].proto.disabled, label
    at.number_input(key="conseil_montant").set_value(250_000.0).run()
    at.button[0].click().run()  # analysed again: current, and the note says the new amount
    assert not any("Analyse à relancer" in w.value for w in at.warning)
    assert not at.get("download_button")[0].proto.disabled


def test_an_input_error_after_an_analysis_leaves_no_analysis_beside_the_form():
    at = open_page(ADVICE_PAGE)
    _fill(at)
    at.button[0].click().run()
    assert at.get("download_button")
    at.text_input(key="conseil_besoin").input("   ")
    at.button[0].click().run()
    assert at.error and T.ADVICE_NEED_MISSING in at.error[0].value
    assert not at.get("download_button") and not at.metric
