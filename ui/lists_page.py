"""Page "Listes et rencontres": the buyer's shortlists (status, notes, contact log, changes since
added, exports: `ui.shortlists_tab`, `ui.list_entries`) and buyer–supplier meetings (schedule,
documents, attendance: `ui.meetings_tab`, `ui.meeting_sections`).

The page only gathers input and shows output: the rules are `sourcing.db.service`, the files
`sourcing.db.meeting_files` and `sourcing.exports`. Supplier text is untrusted: it is shown in
grids (plain text) or escaped (`ui.safe_text.md_text`) before any Markdown.
"""

from __future__ import annotations

import streamlit as st

from ui import state
from ui import texts as T
from ui.db_actions import show_flash
from ui.meetings_tab import meetings_tab
from ui.shortlists_tab import lists_tab


def render() -> None:
    user = state.current_user()
    if user is None:  # app.py stops before; kept for a page opened on its own
        st.stop()
    state.database_ready()
    show_flash()
    lists, meetings = st.tabs([T.TAB_LISTS, T.TAB_MEETINGS])
    with lists:
        lists_tab(user)
    with meetings:
        meetings_tab(user)
