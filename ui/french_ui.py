"""Streamlit's own texts (upload box, placeholders, menu, status...) and number formats in French.

Streamlit 1.67 has no locale setting and no option to change these texts (its config has none; the
file uploader, select boxes and main menu take no text parameter; see streamlit/streamlit issues
#1353 and #13500). The least fragile way left: a small script, `french_ui.js`, injected once per page
with `st.html(unsafe_allow_javascript=True)` (the documented way to run JavaScript in the page, not
in an iframe). It rewrites only whole texts that are exactly one of Streamlit's English texts, listed
with their French version in `ui.texts` (STREAMLIT_TEXTS, STREAMLIT_PATTERNS): a Streamlit upgrade
that changes a text leaves it in English (the browser test tests/browser/test_french_ui.py says
which), it never breaks the page. CSS `content` replacement would hide text from screen readers and
cannot reach placeholders; patching Streamlit's bundle would be undone by each upgrade.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files

import streamlit as st

from ui import texts as T

# The injected element takes no room in the page.
_HIDE = "<style>.st-key-french_ui, [data-testid='stElementContainer']:has(#sourcing-french-ui){display:none}</style>"


def _json(value: object) -> str:
    """JSON safe inside a <script> element (the texts are ours, escaped anyway)."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")


@cache
def script() -> str:
    """The <script> element: the texts as JSON, then french_ui.js, in one function scope."""
    js = files(__package__).joinpath("french_ui.js").read_text(encoding="utf-8")
    # The search page's history (one entry per search, see search_history.js) rides along.
    js += "\n" + files(__package__).joinpath("search_history.js").read_text(encoding="utf-8")
    patterns = [[regex, french] for regex, french in T.STREAMLIT_PATTERNS.items()]
    return (
        f'<script id="sourcing-french-ui">(function () {{\nvar TEXTS = {_json(T.STREAMLIT_TEXTS)};\n'
        f"var PATTERNS = {_json(patterns)};\n{js}\n}})();</script>"
    )


def install() -> None:
    """Inject the script (a no-op in the browser after the first time: the script guards itself)."""
    st.html(_HIDE + script(), unsafe_allow_javascript=True)
