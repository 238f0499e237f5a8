"""Streamlit's own floor for a first page: the least a page like the search page can be, measured beside it.

`bench/first_visit.py` serves this script with `python -m streamlit run` next to the app and gives it the
same visitors: the time a fresh browser needs to draw a Streamlit page with one sidebar checkbox and one
results heading, which no work of the app's server can go under. Static text only: nothing to escape.
"""

import streamlit as st

st.sidebar.checkbox("ESAT")
st.markdown("### 4 995 fournisseurs trouvés")
