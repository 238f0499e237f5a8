"""Tab "Bilan annuel" of the page "Programme d'achats": the buyer's notified contracts in, the SPASER
annual report out (indicators by year and by family of purchase, charts, workbook).
Calls `sourcing.plan.contracts`; the buyer's text is shown in tables only."""

from __future__ import annotations

import streamlit as st

from sourcing.plan import contracts
from sourcing.plan.exports import XLSX_MIME
from sourcing.plan.programme import ProgrammeError
from sourcing.reading import ReadError
from ui import texts as T
from ui.safe_text import md_text

SHARES = {
    "Part des marchés : clause sociale (%)": "Clause sociale",
    "Part des marchés : critère social (%)": "Critère social",
    "Part des marchés : réservé (%)": "Marché réservé",
}


def _read(upload) -> contracts.Contracts | None:
    try:
        return contracts.read_contracts(upload.getvalue(), upload.name)
    except (ReadError, ProgrammeError) as exc:
        st.error(T.ANNUAL_ERROR.format(message=md_text(exc)), icon=":material/error:")
        return None


def render() -> None:
    st.caption(T.ANNUAL_INTRO)
    upload = st.file_uploader(T.ANNUAL_UPLOAD, type=["xlsx", "csv", "txt"], key="annual_file")
    if upload is None:
        return
    found = _read(upload)
    if found is None:
        return
    report = found.report
    st.markdown(
        T.ANNUAL_ROWS.format(rows_read=report.rows_read, analysed=report.analysed, rejected=len(report.rejected))
    )
    if report.rejected:
        st.dataframe(report.rejected, hide_index=True, width="stretch", key="annual_rejected")
    years = contracts.by_year(found)
    if years.empty:
        return
    st.subheader(T.ANNUAL_BY_YEAR, anchor=False)
    st.dataframe(contracts.spaser_table(found), hide_index=True, width="stretch", key="annual_spaser")
    chart = years.assign(Année=years["Année"].astype(str)).rename(columns=SHARES)
    left, right = st.columns(2)
    left.caption(T.ANNUAL_CHART)
    left.bar_chart(chart, x="Année", y=list(SHARES.values()), stack=False, height=300)
    right.caption(T.ANNUAL_HOURS)
    right.bar_chart(chart, x="Année", y="Heures d'insertion prévues", height=300)
    st.subheader(T.ANNUAL_BY_FAMILY, anchor=False)
    st.dataframe(contracts.by_family(found), hide_index=True, width="stretch", key="annual_family")
    st.download_button(
        T.ANNUAL_DOWNLOAD, data=contracts.report_xlsx(found), file_name="bilan-annuel-spaser.xlsx", mime=XLSX_MIME,
        icon=":material/download:", on_click="ignore", key="annual_download",
    )  # fmt: skip
