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
