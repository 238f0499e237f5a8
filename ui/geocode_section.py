"""Page "Annuaire", section "Localiser les fournisseurs à leur adresse": geocoding, opt-in.

Nothing is sent to the geocoding service until the buyer clicks; the offline gazetteer (commune
points) stays what locates suppliers otherwise. Calls `sourcing.live.geocode.geocode_into_store`
and shows the answer. "Annuler" stops the run (Streamlit stops the script at its next call); every
answer received is already in the cache, so the next run asks only the rest.
"""

from __future__ import annotations

import streamlit as st

from sourcing.frenchfmt import french_number
from sourcing.live import geocode
from sourcing.live.client import LiveError
from sourcing.store import dates
from ui import state
from ui import texts as T


def _run(min_score: float) -> None:
    bar = st.progress(0.0, text=T.GEOCODE_STARTING)
    st.button(T.GEOCODE_CANCEL, help=T.GEOCODE_CANCEL_HELP, key="geocode_cancel", icon=":material/cancel:")

    def progress(fraction: float, message: str) -> None:
        if fraction < geocode.STORE_PHASE:  # past it the source is being written: no interruption
            bar.progress(min(fraction / geocode.STORE_PHASE, 1.0), text=message)

    try:
        result = geocode.geocode_into_store(min_score=min_score, added_by=state.current_user() or "",
                                            progress=progress)  # fmt: skip
    except (LiveError, PermissionError) as exc:
        bar.empty()
        st.error(T.GEOCODE_FAILED.format(message=exc))
        return
    bar.empty()
    outcome = result.outcome
    notes = [T.GEOCODE_DONE.format(
        located=french_number(len(outcome.located)), candidates=french_number(outcome.candidates),
        asked=french_number(outcome.asked), cached=french_number(outcome.from_cache),
        kept=french_number(sum(outcome.kept.values())),
    )]  # fmt: skip
    notes += [T.GEOCODE_NOT_JOINABLE.format(n=outcome.not_joinable)] if outcome.not_joinable else []
    notes += [T.GEOCODE_MALFORMED.format(n=outcome.kept["malformed"])] if outcome.kept["malformed"] else []
    notes += [] if result.changed else [T.GEOCODE_UNCHANGED]
    st.session_state.flash = " ".join(notes)
    st.rerun()


def render(version) -> None:
    with st.expander(T.GEOCODE_HEADER, expanded=False):
        st.caption(T.GEOCODE_EXPLAIN.format(label=geocode.SOURCE_LABEL))
        last = [s for s in version.sources if geocode.is_geocode_source(s)]
        if last:
            st.caption(T.GEOCODE_LAST.format(suppliers=french_number(last[-1].suppliers),
                                             date=dates.french_date(last[-1].data_date)))  # fmt: skip
        if st.session_state.get("geocode_cancel"):
            st.info(T.GEOCODE_CANCELLED)
        min_score = st.slider(T.GEOCODE_MIN_SCORE, min_value=0.3, max_value=1.0, value=geocode.DEFAULT_MIN_SCORE,
                              step=0.05, help=T.GEOCODE_MIN_SCORE_HELP, key="geocode_min_score")  # fmt: skip
        if st.button(T.GEOCODE_BUTTON, type="primary", key="geocode_go"):
            _run(float(min_score))
