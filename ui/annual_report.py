"""Tab "Bilan annuel" of the page "Programme d'achats": the buyer's notified contracts in (their own
file, or the DECP by the buyer's SIRET), the SPASER annual report out (indicators by year and by
family of purchase, charts, workbook). Calls `sourcing.plan.contracts` and
`sourcing.contracts.buyer`; the buyer's text is shown in tables only."""

from __future__ import annotations

import streamlit as st

from sourcing.contracts import buyer
from sourcing.live.client import LiveError
from sourcing.plan import contracts, views
from sourcing.plan.exports import XLSX_MIME
from sourcing.plan.programme import ProgrammeError
from sourcing.reading import ReadError
from ui import charts
from ui import texts as T
from ui.safe_text import md_text

SHARES = {
    "Part des marchés : clause sociale (%)": "Clause sociale",
    "Part des marchés : critère social (%)": "Critère social",
    "Part des marchés : réservé (%)": "Marché réservé",
}
HOURS = "Heures d'insertion prévues"
LOCALIZED = st.column_config.NumberColumn(format="localized")  # in the buyer's locale: 5,3 ; 2 312 200


def _read(upload) -> contracts.Contracts | None:
    try:
        return contracts.read_contracts(upload.getvalue(), upload.name)
    except (ReadError, ProgrammeError) as exc:
        st.error(T.ANNUAL_ERROR.format(message=md_text(exc)), icon=":material/error:")
        return None


def _from_file() -> contracts.Contracts | None:
    st.caption(T.ANNUAL_INTRO)
    upload = st.file_uploader(T.ANNUAL_UPLOAD, type=["xlsx", "csv", "txt"], key="annual_file")
    if upload is None:
        return None
    found = _read(upload)
    if found is not None:
        report = found.report
        st.markdown(
            T.ANNUAL_ROWS.format(rows_read=report.rows_read, analysed=report.analysed, rejected=len(report.rejected))
        )
    return found


def _ask_decp(typed: str) -> None:
    """The DECP asked once per click; the answer (or the French error) kept for the reruns."""
    st.session_state.pop("annual_decp", None)
    try:
        siret = buyer.buyer_siret(typed)
    except buyer.BadSiret as exc:
        st.session_state.annual_decp = ("error", str(exc))
        return
    with st.spinner(T.ANNUAL_DECP_SPINNER):
        try:
            st.session_state.annual_decp = ("ok", buyer.buyer_contracts(siret))
        except LiveError as exc:
            st.session_state.annual_decp = ("error", T.ANNUAL_DECP_FAILED.format(message=exc))


def _from_decp() -> contracts.Contracts | None:
    st.caption(T.ANNUAL_DECP_INTRO)
    typed = st.text_input(T.ANNUAL_DECP_SIRET, key="annual_siret", placeholder="21590036000003")
    if st.button(T.ANNUAL_DECP_GO, key="annual_go", icon=":material/cloud_download:"):
        _ask_decp(typed)
    kind, answer = st.session_state.get("annual_decp", (None, None))
    if kind == "error":
        st.error(md_text(answer), icon=":material/error:")
    if kind != "ok":
        return None
    report = answer.contracts.report
    st.markdown(T.ANNUAL_DECP_ROWS.format(
        buyer=md_text(answer.buyer_name or answer.siret), contracts=len(answer.contracts.frame),
        rows_read=report.rows_read, analysed=report.analysed, rejected=len(report.rejected),
    ))  # fmt: skip
    if answer.empty:
        st.info(T.ANNUAL_DECP_EMPTY.format(siret=answer.siret), icon=":material/info:")
    else:
        st.caption(T.ANNUAL_DECP_NO_HOURS)
    return answer.contracts


def render() -> None:
    source = st.radio(
        T.ANNUAL_SOURCE, [T.ANNUAL_SOURCE_FILE, T.ANNUAL_SOURCE_DECP], key="annual_source", horizontal=True
    )
    found = _from_file() if source == T.ANNUAL_SOURCE_FILE else _from_decp()
    if found is None:
        return
    report = found.report
    if report.rejected:
        st.dataframe(views.report_table(report), hide_index=True, width="stretch", key="annual_rejected")
    years = contracts.by_year(found)
    if years.empty:
        return
    st.subheader(T.ANNUAL_BY_YEAR, anchor=False)
    spaser = contracts.spaser_table(found)
    localized = {c: LOCALIZED for c in spaser.columns[1:]}
    st.dataframe(spaser, hide_index=True, width="stretch", column_config=localized, key="annual_spaser")
    chart = years.rename(columns=SHARES)
    left, right = st.columns(2)
    left.caption(T.ANNUAL_CHART)
    charts.measures_bar_chart(left, chart, category="Année", measures=list(SHARES.values()), number_format=",.1f")
    right.caption(T.ANNUAL_HOURS)
    charts.measures_bar_chart(right, chart, category="Année", measures=[HOURS])
    st.subheader(T.ANNUAL_BY_FAMILY, anchor=False)
    families = contracts.by_family(found)
    localized = {c: LOCALIZED for c in families.columns if c in years.columns[1:]}  # not the year
    st.dataframe(families, hide_index=True, width="stretch", column_config=localized, key="annual_family")
    st.download_button(
        T.ANNUAL_DOWNLOAD, data=contracts.report_xlsx(found), file_name="bilan-annuel-spaser.xlsx", mime=XLSX_MIME,
        icon=":material/download:", on_click="ignore", key="annual_download",
    )  # fmt: skip
