"""Streamlit entry point: navigation and shared state. Pages live in `ui/`."""

import streamlit as st

from ui import french_ui, search_map, state, warmup
from ui import texts as T
from ui.safe_text import md_text

st.set_page_config(page_title=T.APP_TITLE, page_icon=french_ui.PAGE_ICON, layout="wide")
state.init_state()
french_ui.install(preload=search_map.leaflet_links())

pages = [
    st.Page("ui/pages/recherche.py", title=T.PAGE_SEARCH, icon=":material/travel_explore:", default=True),
    st.Page("ui/pages/conseil.py", title=T.PAGE_ADVICE, icon=":material/gavel:"),
    st.Page("ui/pages/programme.py", title=T.PAGE_PLAN, icon=":material/event_note:"),
    st.Page("ui/pages/listes.py", title=T.PAGE_LISTS, icon=":material/checklist:"),
    st.Page("ui/pages/annuaire.py", title=T.PAGE_DIRECTORY, icon=":material/menu_book:"),
]
if state.auth_enabled() and state.current_user() is None:
    # With authentication on, nothing is shown before the buyer signs in (ProConnect or another OIDC).
    st.title(T.APP_TITLE)
    st.subheader(T.LOGIN_HEADER)
    if state.sign_in_unfinished():
        st.error(T.LOGIN_FAILED, icon=":material/error:")
    st.write(T.LOGIN_EXPLAIN)
    st.button(T.LOGIN_BUTTON, on_click=st.login, type="primary")
    st.stop()
if state.auth_enabled():
    st.sidebar.caption(T.LOGGED_AS.format(user=state.current_user()))
    st.sidebar.button(T.LOGOUT_BUTTON, on_click=st.logout)
navigation = st.navigation(pages)
st.title(T.APP_TITLE)
st.caption(T.APP_SUBTITLE)
if problem := state.directory_problem():
    st.error(md_text(str(problem)), icon=":material/folder_off:")
with warmup.PAGE_RUNS.running():  # the warm-up's last imports wait for quiet moments
    navigation.run()
