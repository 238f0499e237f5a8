"""Page "Annuaire": which directory is loaded, loading another one, its report, its suppliers."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sourcing.export import csv_bytes
from sourcing.importer import ImportFailure
from sourcing.model import GEO_PRECISIONS
from sourcing.normalise import ImportReport
from sourcing.taxonomy import load_taxonomy
from ui import state
from ui import texts as T

MAX_UPLOAD_MB = 50
TABLE_ROWS = 5000
REPORT_ROWS = 2000


def _upload_section() -> None:
    with st.expander(T.UPLOAD_HEADER, expanded=st.session_state.directory_key == state.DEMO_KEY):
        uploaded = st.file_uploader(
            T.UPLOAD_LABEL, type=["csv", "txt", "xlsx", "json"], help=T.UPLOAD_HELP.format(max_mb=MAX_UPLOAD_MB)
        )
        if uploaded is not None:
            size_mb = uploaded.size / 1_000_000
            if size_mb > MAX_UPLOAD_MB:
                st.error(T.UPLOAD_TOO_LARGE.format(filename=uploaded.name, size_mb=size_mb, max_mb=MAX_UPLOAD_MB))
            elif st.button(T.UPLOAD_BUTTON, type="primary"):
                bar = st.progress(0.0, text=T.PROGRESS_READING)
                try:
                    key = state.import_upload(
                        uploaded.getvalue(), uploaded.name, lambda f, msg: bar.progress(min(f, 1.0), text=msg)
                    )
                except ImportFailure as exc:
                    bar.empty()
                    st.error(T.UPLOAD_FAILED.format(message=exc))
                else:
                    st.session_state.directory_key = key
                    st.session_state.directory_name = uploaded.name
                    st.rerun()
        if st.session_state.directory_key != state.DEMO_KEY and st.button(T.BACK_TO_DEMO):
            st.session_state.directory_key = state.DEMO_KEY
            st.rerun()


def _report_section(report: ImportReport) -> None:
    st.subheader(T.REPORT_HEADER)
    st.markdown(T.REPORT_SUMMARY.format(**report.to_dict()))
    sheet = f", feuille « {report.sheet} »" if report.sheet else ""
    delimiter = {"\t": "tabulation"}.get(report.delimiter or "", report.delimiter or "—")
    st.caption(
        T.REPORT_FORMAT.format(
            format=report.format_label, encoding=report.encoding or "—", delimiter=delimiter, sheet=sheet
        )
    )
    cols = st.columns(len(GEO_PRECISIONS))
    for col, precision in zip(cols, GEO_PRECISIONS, strict=True):
        col.metric(T.GEO_LABELS[precision], report.geocoded.get(precision, 0))
    rows = report.rows_frame()
    if rows.empty:
        st.success(T.REPORT_NO_ISSUE)
        return
    with st.expander(f"{T.REPORT_ROWS} ({len(rows)})"):
        if len(rows) > REPORT_ROWS:
            st.caption(T.REPORT_TABLE_NOTE.format(n=len(rows), shown=REPORT_ROWS))
        st.dataframe(rows.head(REPORT_ROWS), hide_index=True, width="stretch")
        st.download_button(
            T.REPORT_DOWNLOAD,
            data=csv_bytes(rows),
            file_name=f"rapport-import-{report.filename or 'annuaire'}.csv",
            mime="text/csv",
        )


def _suppliers_table(directory: pd.DataFrame) -> None:
    st.subheader(T.TABLE_HEADER)
    tax = load_taxonomy()
    labels = dict(zip(tax.sectors["sector_id"], tax.sectors["label"], strict=True))
    shown = directory.head(TABLE_ROWS)
    table = pd.DataFrame(
        {
            T.COLUMN_LABELS["name"]: shown["name"],
            T.COLUMN_LABELS["kinds"]: shown["kinds"].map(", ".join),
            T.COLUMN_LABELS["sectors"]: shown["sectors"].map(lambda ss: ", ".join(labels.get(s, s) for s in ss)),
            T.COLUMN_LABELS["postal_code"]: shown["postal_code"],
            T.COLUMN_LABELS["city"]: shown["city"],
            T.COLUMN_LABELS["department"]: shown["department"],
            T.COLUMN_LABELS["siret"]: shown["siret"],
            T.COLUMN_LABELS["geo_precision"]: shown["geo_precision"].map(T.GEO_LABELS),
        }
    )
    if len(directory) > TABLE_ROWS:
        st.caption(T.TABLE_NOTE.format(shown=TABLE_ROWS, n=len(directory)))
    # st.dataframe renders cell values as text, never as HTML: directory text stays inert.
    st.dataframe(table, hide_index=True, width="stretch", height=520)


def render() -> None:
    key = st.session_state.directory_key
    directory = state.load_directory(key)
    report_data = state.load_report(key)
    if key == state.DEMO_KEY:
        st.info(T.DEMO_BADGE, icon=":material/science:")
        st.markdown(T.DEMO_EXPLAIN.format(n=len(directory)))
    else:
        st.markdown(
            T.LOADED_FILE.format(
                filename=st.session_state.get("directory_name", ""),
                format=(report_data or {}).get("format_label", ""),
                n=len(directory),
            )
        )
    _upload_section()
    m1, m2, m3 = st.columns(3)
    m1.metric(T.METRIC_SUPPLIERS, f"{len(directory):,}".replace(",", "\u202f"))
    located = directory["geo_precision"].isin(["address", "commune"]).mean() if len(directory) else 0
    m2.metric(T.METRIC_LOCATED, f"{located:.1%}".replace(".", ","))
    m3.metric(T.METRIC_SIRET, f"{directory['siret'].notna().mean():.1%}".replace(".", ",") if len(directory) else "—")
    if report_data:
        _report_section(state.report_from_dict(report_data))
    _suppliers_table(directory)
