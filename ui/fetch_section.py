"""Page "Annuaire", section "Construire l'annuaire depuis les données publiques": a live fetch.

Gathers the query, calls `sourcing.live.fetch.fetch_into_store`, shows the answer. Nothing is
fetched until the buyer clicks. "Annuler" interrupts the run (Streamlit stops the script at its
next call); the pages received stay in the checkpoint and the same query resumes from them.
"""

from __future__ import annotations

import streamlit as st

from sourcing.live import fetch as live
from sourcing.live.client import LiveError
from sourcing.live.query import FetchQuery, QueryError, resolve_query
from sourcing.store import dates
from ui import state
from ui import texts as T

STORE_PHASE = 0.7  # past this fraction the source is being written: no Streamlit call, no interruption


def _query_form() -> tuple[FetchQuery, str]:
    c1, c2, c3 = st.columns([1, 2, 1])
    department = c1.text_input(T.FETCH_DEPARTMENT, help=T.FETCH_DEPARTMENT_HELP, key="fetch_department")
    near = c2.text_input(T.FETCH_NEAR, help=T.FETCH_NEAR_HELP, key="fetch_near")
    radius = c3.number_input(T.FETCH_RADIUS, min_value=1, max_value=50, value=10, step=1, key="fetch_radius")
    naf = st.text_input(T.FETCH_NAF, help=T.FETCH_NAF_HELP, key="fetch_naf")
    f1, f2, f3, f4 = st.columns(4)
    ess = f1.checkbox(T.FETCH_ESS, value=True, key="fetch_ess")
    siae = f2.checkbox(T.FETCH_SIAE, key="fetch_siae")
    finess = f3.checkbox(T.FETCH_FINESS, key="fetch_finess")
    association = f4.checkbox(T.FETCH_ASSOCIATION, key="fetch_association")
    label = st.text_input(T.FETCH_LABEL, help=T.FETCH_LABEL_HELP, key="fetch_label")
    radius_km = float(radius) if near.strip() else None
    query = FetchQuery(department, near, radius_km, (naf,), ess, siae, finess, association)
    return query, label


def _run(query, label: str) -> None:
    bar = st.progress(0.0, text=T.FETCH_STARTING)
    st.button(T.FETCH_CANCEL, help=T.FETCH_CANCEL_HELP, key="fetch_cancel", icon=":material/cancel:")

    def progress(fraction: float, message: str) -> None:
        if fraction < STORE_PHASE:
            bar.progress(min(fraction / STORE_PHASE, 1.0), text=message)

    try:
        result = live.fetch_into_store(query, label=label, added_by=state.current_user() or "", progress=progress)
    except LiveError as exc:
        bar.empty()
        st.error(T.FETCH_FAILED.format(message=exc))
        return
    bar.empty()
    outcome, source = result.outcome, result.source
    if source is None:
        st.info(T.FETCH_NONE.format(description=query.description))
        return
    notes = [T.FETCH_SKIPPED.format(pages=", ".join(map(str, sorted(outcome.skipped))))] if outcome.skipped else []
    notes += [T.FETCH_TRUNCATED] if outcome.truncated else []
    st.session_state.flash = " ".join([T.FETCH_ADDED.format(
        label=source.label, suppliers=source.suppliers, companies=outcome.total_results,
        date=dates.french_date(source.data_date),
    ), *notes])  # fmt: skip
    st.session_state.report_source = source.id
    st.rerun()


def render() -> None:
    with st.expander(T.FETCH_HEADER, expanded=False):
        st.caption(T.FETCH_EXPLAIN)
        query, label = _query_form()
        if st.session_state.get("fetch_cancel"):
            st.info(T.FETCH_CANCELLED)
        try:
            resolved = resolve_query(query)
        except QueryError as exc:
            if query.department.strip() or query.near.strip() or any(n.strip() for n in query.naf):
                st.warning(str(exc))
            return
        st.caption(T.FETCH_QUERY.format(description=resolved.description))
        pending = live.load_state(resolved)
        if pending:
            st.info(T.FETCH_RESUME.format(done=pending["pages_done"], total=pending["total_pages"] or "?"))
        if st.button(T.FETCH_RESUME_BUTTON if pending else T.FETCH_BUTTON, type="primary", key="fetch_go"):
            _run(resolved, label)
