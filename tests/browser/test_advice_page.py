"""End-to-end: the "Conseil achat" page in Chromium, from the form to the downloaded note."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import wait_for_app
from tests.helpers import docx_text, format_regex
from ui import texts as T

pytestmark = pytest.mark.browser


def test_advice_form_cards_and_note_download(page, app_url, tmp_path):
    page.goto(f"{app_url}/conseil")
    wait_for_app(page)
    main = page.locator('[data-testid="stMain"]')
    main.get_by_label(T.ADVICE_NEED, exact=True).fill("Entretien des espaces verts")
    main.get_by_text(T.ADVICE_NATURES["services"], exact=True).click()
    main.get_by_label(T.ADVICE_AMOUNT, exact=True).fill("300000")
    main.get_by_label(T.ADVICE_DURATION, exact=True).fill("36")
    main.get_by_label(T.ADVICE_PLACE, exact=True).fill("Lyon")
    # The date field is made of day / month / year segments: type into the first, it moves on.
    main.locator('[data-testid="stDateInput"] [data-type="day"]').click()
    page.keyboard.type("01092026")
    page.keyboard.press("Tab")
    main.get_by_role("button", name=T.ADVICE_SUBMIT).click()
    # The download button is the last element drawn: once it is there, the cards are complete.
    download_button = main.get_by_role("button", name=T.ADVICE_DOWNLOAD)
    download_button.wait_for(timeout=90_000)
    wait_for_app(page)

    cards = main.locator("[class*='st-key-lever_']")
    assert cards.count() == 11
    clause = main.locator(".st-key-lever_clause-insertion")
    assert T.BADGE_MANDATORY in clause.inner_text()
    assert "Clause sociale d'exécution" in clause.inner_text()
    handicap = main.locator(".st-key-lever_reserve-handicap")
    assert T.ADVICE_SEE_SUPPLIERS in handicap.inner_text()
    href = handicap.get_by_role("link", name=T.ADVICE_SEE_SUPPLIERS).get_attribute("href")
    assert "t_ESAT=true" in href and "lieu=Lyon" in href and "rayon=30" in href
    assert T.ADVICE_HOURS_METRIC in main.inner_text()

    with page.expect_download() as info:
        download_button.click()
    download = info.value
    assert download.suggested_filename.startswith("note-opportunite-")
    assert download.suggested_filename.endswith(".docx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    text = docx_text(path.read_bytes())
    assert "Note d'opportunité" in text
    assert "Entretien des espaces verts" in text
    assert "300\u202f000 €" in text and "36 mois" in text
    assert "01/09/2026" in text
    assert "Clause sociale d'exécution (heures d'insertion)" in text
    assert "données fictives de démonstration" in text
    assert "Légifrance" in text
    assert page.dialogs == []

    # The link opens the search page with the same filters: it finds as many suppliers as counted.
    n_handicap = int(handicap.locator('[data-testid="stMetricValue"]').first.inner_text().replace("\u202f", ""))
    handicap.get_by_role("link", name=T.ADVICE_SEE_SUPPLIERS).click()
    headline = page.locator('[data-testid="stMain"] h3').filter(has_text=format_regex(T.RESULTS_COUNT)).first
    headline.wait_for(timeout=90_000)
    wait_for_app(page)
    assert headline.inner_text().startswith(T.RESULTS_COUNT.format(n=n_handicap))
    assert "Lyon" in headline.inner_text()


def _expect_form(main, values: dict[str, str]) -> None:
    """The form shows these values (waited for: after a reload, a bound field is filled a moment after
    it is drawn)."""
    labels = {"need": T.ADVICE_NEED, "amount": T.ADVICE_AMOUNT, "duration": T.ADVICE_DURATION,
              "place": T.ADVICE_PLACE}  # fmt: skip
    for name, label in labels.items():
        expect(main.get_by_label(label, exact=True)).to_have_value(values[name])
    checked = main.locator('[data-testid="stRadio"] label').filter(has=main.page.locator("input:checked"))
    expect(checked.first).to_have_text(values["nature"])


def test_advice_form_holds_across_pages_and_reload_and_a_stale_analysis_is_flagged(page, app_url):
    """Fill, analyse, visit another page and come back, reload: the form is as typed. The analysis is
    shown only while it answers the form; after a change it is « à relancer » and its note disabled."""
    page.goto(f"{app_url}/conseil")
    wait_for_app(page)
    main = page.locator('[data-testid="stMain"]')
    main.get_by_label(T.ADVICE_NEED, exact=True).fill("Nettoyage des locaux")
    main.get_by_text(T.ADVICE_NATURES["fournitures"], exact=True).click()
    wait_for_app(page)
    main.get_by_label(T.ADVICE_AMOUNT, exact=True).fill("80000")
    main.get_by_label(T.ADVICE_DURATION, exact=True).fill("24")
    main.get_by_label(T.ADVICE_PLACE, exact=True).fill("Villeurbanne")
    main.get_by_label(T.ADVICE_PLACE, exact=True).press("Tab")
    wait_for_app(page)
    main.get_by_role("button", name=T.ADVICE_SUBMIT).click()
    download_button = main.get_by_role("button", name=T.ADVICE_DOWNLOAD)
    download_button.wait_for(timeout=90_000)
    wait_for_app(page)
    typed = {"need": "Nettoyage des locaux", "amount": "80000", "duration": "24", "place": "Villeurbanne",
             "nature": T.ADVICE_NATURES["fournitures"]}  # fmt: skip
    _expect_form(main, typed)
    assert "conseil_montant=80000" in page.url and "conseil_besoin=Nettoyage" in page.url

    # Another page, then back through the navigation: the form and its analysis are there.
    page.locator('[data-testid="stSidebarNav"]').get_by_text(T.PAGE_LISTS, exact=True).click()
    wait_for_app(page)
    page.locator('[data-testid="stSidebarNav"]').get_by_text(T.PAGE_ADVICE, exact=True).click()
    wait_for_app(page)
    _expect_form(main, typed)
    expect(download_button).to_be_enabled()
    assert "Analyse à relancer" not in main.inner_text()

    # A reload: the form is as typed (from the URL); no analysis of other values is shown.
    page.reload()
    wait_for_app(page)
    main.get_by_text(T.ADVICE_EMPTY).wait_for()  # a new session: no analysis yet, the form as it was
    _expect_form(main, typed)
    assert download_button.count() == 0
    main.get_by_role("button", name=T.ADVICE_SUBMIT).click()
    wait_for_app(page)
    download_button.wait_for(timeout=90_000)
    expect(download_button).to_be_enabled()

    # The amount changes: the analysis shown is flagged « à relancer », its note cannot be downloaded.
    main.get_by_label(T.ADVICE_AMOUNT, exact=True).fill("450000")
    main.get_by_label(T.ADVICE_AMOUNT, exact=True).press("Tab")
    wait_for_app(page)
    stale = main.locator('[data-testid="stAlert"]').filter(has_text="Analyse à relancer")
    stale.wait_for()
    assert f"« {T.ADVICE_AMOUNT} »" in stale.inner_text()
    expect(download_button.first).to_be_disabled()  # drawn after the alert: wait for it
    main.get_by_role("button", name=T.ADVICE_SUBMIT).click()
    wait_for_app(page)
    stale.wait_for(state="detached")
    expect(download_button.first).to_be_enabled()
    _expect_form(main, {**typed, "amount": "450000"})
