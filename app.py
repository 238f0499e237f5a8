"""Streamlit entry point: navigation and shared state. Pages live in `ui/`."""

import streamlit as st

from ui import directory_page, state
from ui import texts as T

st.set_page_config(page_title=T.APP_TITLE, page_icon=":material/handshake:", layout="wide")
state.init_state()

pages = [
    st.Page(
        directory_page.render, title=T.PAGE_DIRECTORY, icon=":material/menu_book:", url_path="annuaire", default=True
    ),
]
navigation = st.navigation(pages)
st.title(T.APP_TITLE)
st.caption(T.APP_SUBTITLE)
navigation.run()
