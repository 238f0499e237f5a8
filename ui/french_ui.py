"""Streamlit's own texts (upload box, placeholders, menu, status...) and number formats in French.

Streamlit 1.67 has no locale setting and no option to change these texts (its config has none; the
file uploader, select boxes and main menu take no text parameter; see streamlit/streamlit issues
#1353 and #13500). The least fragile way left: a small script, `french_ui.js`, run once per page as a
Streamlit component (`st.components.v2`: JavaScript in the page itself, not in an iframe). It rewrites
only whole texts that are exactly one of Streamlit's English texts, listed
with their French version in `ui.texts` (STREAMLIT_TEXTS, STREAMLIT_PATTERNS): a Streamlit upgrade
that changes a text leaves it in English (the browser test tests/browser/test_french_ui.py says
which), it never breaks the page. CSS `content` replacement would hide text from screen readers and
cannot reach placeholders; patching Streamlit's bundle would be undone by each upgrade.

Being the page's first component, it also has the browser load Streamlit's component code before the
search page's map (`ui/search_map.js`) asks for it: the map then mounts with the rest of the page.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from urllib.parse import quote

import streamlit as st

from ui import texts as T

# The component's element takes no room in the page.
# The tab's icon, 🤝, as the image Streamlit's page makes of an emoji icon (the emoji in an SVG), written in
# ASCII: for an emoji `st.set_page_config` loads Streamlit's table of every emoji first (80-130 ms of a fresh
# process's first page on the 2-core test machine); for ASCII text it does not, and a data URL goes to the
# page unchanged. No network either way.
PAGE_ICON = "data:image/svg+xml," + quote(
    "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 100 100'>"
    "<text y='.9em' font-size='90'>\N{HANDSHAKE}</text></svg>"
)
_HIDE = ".st-key-french_ui { display: none; }"
KEY = "french_ui"


def _json(value: object) -> str:
    """JSON safe inside a <script> element (the texts are ours, escaped anyway)."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")


@cache
def script() -> str:
    """The component's module: the texts as JSON, then french_ui.js and search_history.js (each guards
    itself: it runs once per page, however often the component is drawn)."""
    js = files(__package__).joinpath("french_ui.js").read_text(encoding="utf-8")
    # The search page's history (one entry per search, see search_history.js) rides along.
    js += "\n" + files(__package__).joinpath("search_history.js").read_text(encoding="utf-8")
    patterns = [[regex, french] for regex, french in T.STREAMLIT_PATTERNS.items()]
    # And the map's Leaflet files, asked for as soon as a page opens (see install).
    leaflet = files(__package__).joinpath("leaflet_files.js").read_text(encoding="utf-8")
    return (
        f"const TEXTS = {_json(T.STREAMLIT_TEXTS)};\nconst PATTERNS = {_json(patterns)};\n{leaflet}\n"
        f"function run() {{\n{js}\n}}\nexport default function (component) {{\n  run();\n"
        "  const files = (component && component.data) || {};\n"
        "  (files.css_links || []).forEach(loadStyle);\n  (files.js_links || []).forEach(loadScript);\n}\n"
    )


@cache
def _component():
    return st.components.v2.component("sourcing_french_ui", js=script(), css=_HIDE, isolate_styles=False)


def install(preload: dict[str, list[str]] | None = None) -> None:
    """Mount the component (a no-op in the browser after the first time: the scripts guard themselves).
    `preload`: files the page loads now, before anything asks for them (`css_links`, `js_links`: the
    search map's Leaflet, so that the page's first map can be built as soon as its element exists)."""
    _component()(key=KEY, data=preload or {})
