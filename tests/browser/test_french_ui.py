"""Streamlit's own texts and the numbers of charts and tables are French (ui/french_ui.py, ui/bars.py).

The browser runs in English (locale en-US): what the buyer sees must be French anyway.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import MARKERS, SEARCH_MAP, type_in_box, wait_for_app
from ui import texts as T

pytestmark = pytest.mark.browser

# Every visible text node, placeholder, aria-label and title of the page (the app's and Streamlit's).
_PAGE_TEXTS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.parentElement.closest('script, style')) { out.push(n.nodeValue.trim()); }
  }
  for (const el of document.querySelectorAll('[placeholder], [aria-label], [title]')) {
    for (const a of ['placeholder', 'aria-label', 'title']) {
      if (el.getAttribute(a)) { out.push(el.getAttribute(a)); }
    }
  }
  return out;
}"""


@pytest.fixture
def english_page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    context.set_default_timeout(60_000)
    page = context.new_page()
    yield page
    context.close()


def english_left(page) -> set[str]:
    """Streamlit's English texts still on the page."""
    return set(page.evaluate(_PAGE_TEXTS)) & set(T.STREAMLIT_TEXTS)


def wait_until_no_english(page, timeout_ms: int = 30_000) -> None:
    """Translation runs on each change of the page (a MutationObserver): a text Streamlit has just
    drawn may be English for an instant. Wait for the page to hold none; fail with what is left."""
    english = sorted(T.STREAMLIT_TEXTS)
    try:
        page.wait_for_function(
            f"(english) => {{ const texts = ({_PAGE_TEXTS})(); return !texts.some(t => english.includes(t)); }}",
            arg=english,
            timeout=timeout_ms,
        )
    except Exception:
        assert english_left(page) == set()
        raise


def test_upload_box_and_page_texts_are_french(english_page, app_url):
    page = english_page
    page.goto(f"{app_url}/annuaire")
    wait_for_app(page)
    main = page.locator('[data-testid="stMain"]')
    dropzone = main.locator('[data-testid="stFileUploaderDropzone"]')
    dropzone.wait_for()
    dropzone.get_by_text(T.STREAMLIT_TEXTS["Upload"], exact=True).wait_for()
    instructions = dropzone.inner_text()
    assert "50 Mo par fichier" in instructions and "MB" not in instructions and "Upload" not in instructions
    wait_until_no_english(page)
    assert page.evaluate("document.documentElement.lang") == "fr"


def test_select_and_text_boxes_speak_french(english_page, app_url):
    page = english_page
    page.goto(app_url)
    wait_for_app(page)
    page.locator(SEARCH_MAP).locator(MARKERS).first.wait_for(timeout=120_000)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.locator("summary").filter(has_text=T.MORE_FILTERS).click()
    departments = sidebar.locator(".st-key-dep input")
    departments.wait_for()
    assert departments.get_attribute("placeholder") == T.STREAMLIT_TEXTS["Choose an option"]
    type_in_box(departments, "zzzzqq", page.get_by_text(T.STREAMLIT_TEXTS["No results"], exact=True))
    page.keyboard.press("Escape")
    keywords = sidebar.get_by_label(T.KEYWORDS_LABEL, exact=True)
    keywords.fill("maraîchage")
    sidebar.get_by_text(T.STREAMLIT_PATTERNS[r"^Press Enter to apply$"], exact=True).wait_for()
    wait_until_no_english(page)
    # Any text Streamlit adds later (the status "Running...", the "Stop" button...) is translated too.
    page.evaluate(
        "() => { const b = document.createElement('button'); b.id = 'probe'; b.textContent = 'Running...';"
        " document.body.appendChild(b); setTimeout(() => { b.textContent = 'Stop'; }, 50); }"
    )
    page.wait_for_function(f"() => document.getElementById('probe').textContent === {T.STREAMLIT_TEXTS['Stop']!r}")


def test_unknown_page_is_announced_in_french(english_page, app_url):
    page = english_page
    page.goto(f"{app_url}/page-qui-n-existe-pas")
    wait_for_app(page)
    page.get_by_text(T.STREAMLIT_TEXTS["Page not found"], exact=True).wait_for()
    assert "Page not found" not in page.locator("body").inner_text()


def test_chart_counts_and_table_numbers_are_french(english_page, app_url):
    """The search page's count charts (ui/bars.py: HTML made on the server, kept by st.html's
    sanitiser with its classes and bar widths) write their counts in French, bars proportional."""
    page = english_page
    page.goto(app_url)  # the whole demo directory: some kinds count over a thousand suppliers
    wait_for_app(page)
    charts = page.locator(".ess-bars")
    charts.nth(1).locator("li").first.wait_for(timeout=120_000)
    assert charts.count() == 2  # by kind and by sector: no place, no distance chart
    counts = charts.locator(".ess-count").all_inner_texts()
    big = [t for t in counts if re.fullmatch(r"\d{1,3}(\u202f\d{3})+", t)]
    assert big, counts  # "1 000" with a narrow no-break space, never "1,000"
    assert all(re.fullmatch(r"\d{1,3}(\u202f\d{3})*", t) for t in counts), counts
    # Drawn as the module's styles say: the list without its bullets' padding, bars in the app's blue
    # whose on-screen lengths follow the counts (the longest fills its track).
    rows = charts.first.locator("li").evaluate_all(
        """lis => lis.map(li => ({
          n: Number(li.querySelector('.ess-count').textContent.replace(/\\D/g, '')),
          bar: li.querySelector('.ess-bar').getBoundingClientRect().width,
          track: li.querySelector('.ess-track').getBoundingClientRect().width,
          colour: getComputedStyle(li.querySelector('.ess-bar')).backgroundColor}))"""
    )
    longest = max(row["n"] for row in rows)
    for row in rows:  # within a pixel or 1 % of the track; a tiny count is drawn 2 px wide
        assert abs(row["bar"] - row["track"] * row["n"] / longest) <= max(2, row["track"] / 100), rows
        assert row["colour"] == "rgb(0, 0, 145)" and row["track"] > 40, rows
    assert charts.first.locator("ul").evaluate("ul => getComputedStyle(ul).paddingLeft") == "0px"
    assert page.locator('[data-testid="stVegaLiteChart"]').count() == 0
    # The grid's "localized" number columns follow the page's language, French whatever the browser's.
    assert page.evaluate("new Intl.NumberFormat(navigator.languages).format(12.5)") == "12,5"
