"""Streamlit entry point: navigation and shared state. Pages live in `ui/`."""

import streamlit as st

from ui import state
from ui import texts as T

st.set_page_config(page_title=T.APP_TITLE, page_icon="🤝", layout="wide")
state.init_state()

pages = [
    st.Page("ui/pages/recherche.py", title=T.PAGE_SEARCH, icon=":material/travel_explore:", default=True),
    st.Page("ui/pages/conseil.py", title=T.PAGE_ADVICE, icon=":material/gavel:"),
    st.Page("ui/pages/annuaire.py", title=T.PAGE_DIRECTORY, icon=":material/menu_book:"),
]
navigation = st.navigation(pages)
st.title(T.APP_TITLE)
st.caption(T.APP_SUBTITLE)
navigation.run()
