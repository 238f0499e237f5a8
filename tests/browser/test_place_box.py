"""The place box in a real browser: a misspelt commune gets the right suggestion first, and a place
the app does not understand is said in the main area (the search is then over all of France)."""

from __future__ import annotations

import pytest

from tests.browser.helpers import ARTIFACTS, wait_for_app
from ui import texts as T

pytestmark = pytest.mark.browser


def _type_place(page, text: str) -> None:
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text=T.PLACE_LABEL)
    box.locator("input").first.click()
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def _suggestions(page) -> list[str]:
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text=T.PLACE_SUGGESTION)
    box.wait_for(timeout=60_000)
    box.locator("input").first.click()
    options = page.locator('[role="option"]')
    options.first.wait_for(timeout=10_000)
    return [t.strip() for t in options.all_inner_texts()]


@pytest.mark.parametrize(("typed", "expected"), [("villeurbane", "Villeurbanne"), ("marseile", "Marseille")])
def test_a_misspelt_commune_gets_the_right_suggestion_first(page, app_url, typed, expected):
    page.goto(app_url)
    wait_for_app(page)
    _type_place(page, typed)
    suggestions = _suggestions(page)
    page.screenshot(path=str(ARTIFACTS / f"place-suggestion-{typed}.png"))
    assert suggestions[0].startswith(expected), suggestions
    assert typed not in [s.lower() for s in suggestions]  # never the typed text as an option
    page.locator('[role="option"]').first.click()
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text(expected, exact=False).first.wait_for(timeout=60_000)  # the headline names the place


def test_an_unknown_place_is_said_in_the_main_area(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    _type_place(page, "Zzyzxqw")
    main = page.locator('[data-testid="stMain"]')
    message = main.get_by_text("Lieu non compris : « Zzyzxqw »", exact=False).first
    message.wait_for(timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "place-not-understood.png"))
    assert "toute la France" in message.inner_text()


def test_a_commune_the_list_does_not_offer_is_found_when_typed(page, app_url):
    """The list offers the communes of 2,000 inhabitants and more; a smaller one, typed in full and
    validated with Enter, is searched around as a listed one is (the headline names it)."""
    page.goto(app_url)
    wait_for_app(page)
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text=T.PLACE_LABEL)
    box.locator("input").first.click()
    page.keyboard.type("Rochechinard")
    assert not page.locator('[role="option"]').filter(has_text="Rochechinard (26190)").count()  # not listed
    page.keyboard.press("Enter")
    headline = page.locator('[data-testid="stMain"] h3').filter(has_text="Rochechinard")
    headline.wait_for(timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "place-typed-small-commune.png"))
    assert "km ou moins de Rochechinard (26)" in headline.inner_text()
