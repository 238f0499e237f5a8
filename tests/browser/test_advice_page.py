"""End-to-end: the "Conseil achat" page in Chromium, from the form to the downloaded note."""

from __future__ import annotations

import pytest

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
