"""Page "Annuaire", section "marchés publics remportés": the DECP look-up, online or from a file.

Gathers the buyer's click or file, calls `sourcing.contracts` (`fetch.fetch_contracts` or
`reading.import_contracts`), shows the answer. Nothing is fetched until the buyer clicks.
"""

from __future__ import annotations

import streamlit as st

from sourcing.contracts import fetch as decp_fetch
from sourcing.contracts import stored
from sourcing.contracts.reading import ContractsFileError, import_contracts
from sourcing.frenchfmt import iso_date
from sourcing.live.client import LiveError
from ui import texts as T


def _done(report: dict, checked: int, skipped: dict) -> None:
    message = T.CONTRACTS_DONE.format(
        contracts=report["contracts"], suppliers=checked, rows=report["rows_read"], rejected=report["rows_rejected"]
    )
    if skipped:
        message += " " + T.CONTRACTS_SKIPPED.format(pages=", ".join(sorted(skipped)))
    st.session_state.flash = message
    st.rerun()


def _fetch() -> None:
    bar = st.progress(0.0, text=T.FETCH_STARTING)
    try:
        outcome = decp_fetch.fetch_contracts(progress=lambda f, m: bar.progress(min(f, 1.0), text=m))
    except LiveError as exc:
        bar.empty()
        st.error(T.CONTRACTS_FAILED.format(message=exc))
        return
    _done(outcome.read.to_dict(), outcome.checked, outcome.skipped)


def _import(upload) -> None:
    try:
        read, _version = import_contracts(upload.getvalue(), upload.name)
    except (LiveError, ContractsFileError) as exc:
        st.error(T.CONTRACTS_FAILED.format(message=exc))
        return
    _done(read.to_dict(), len(decp_fetch.supplier_sirets()), {})


def render(is_demo: bool) -> None:
    if is_demo:  # the demo directory is not the team's store: nothing to attach contracts to
        return
    with st.expander(T.CONTRACTS_HEADER, expanded=False):
        st.caption(T.CONTRACTS_EXPLAIN)
        events = stored.history()
        if events:
            last = events[-1]
            what = last.get("file") or last.get("query", {}).get("api", "")
            st.caption(T.CONTRACTS_LAST.format(date=iso_date(last["at"]), what=what))
        else:
            st.caption(T.CONTRACTS_NONE_YET)
        if st.button(T.CONTRACTS_FETCH_BUTTON, type="primary", key="contracts_go"):
            _fetch()
        # The file box only when asked: the page keeps one file box (the sources') until then.
        if st.checkbox(T.CONTRACTS_FILE_TOGGLE, key="contracts_from_file"):
            upload = st.file_uploader(T.CONTRACTS_FILE, type=["csv", "parquet", "json"], key="contracts_file")
            if upload is not None and st.button(T.CONTRACTS_IMPORT_BUTTON, key="contracts_import"):
                _import(upload)
