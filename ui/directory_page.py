"""Page "Annuaire": the team's directory, its sources (add, replace, remove), disagreements, suppliers."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from sourcing.db import audit
from sourcing.exports import csv_bytes
from sourcing.exports.tables import table_to_xlsx
from sourcing.frenchfmt import french_number, percent
from sourcing.importer import ImportFailure
from sourcing.model import GEO_PRECISIONS
from sourcing.normalise import ImportReport
from sourcing.search import overview
from sourcing.store import dates, faults, listing, provenance
from sourcing.store import service as store
from sourcing.taxonomy import load_taxonomy
from ui import contracts_section, fetch_section, geocode_section, state
from ui import texts as T
from ui.downloads import report_file_name
from ui.safe_text import md_text

MAX_UPLOAD_MB = 50
TABLE_ROWS = 5000
REPORT_ROWS = 2000


def _add_source_section(is_demo: bool) -> None:
    with st.expander(T.UPLOAD_HEADER, expanded=is_demo):
        uploaded = st.file_uploader(
            T.UPLOAD_LABEL, type=["csv", "txt", "xlsx", "json"], help=T.UPLOAD_HELP.format(max_mb=MAX_UPLOAD_MB)
        )
        label = st.text_input(T.SOURCE_LABEL, help=T.SOURCE_LABEL_HELP, key="source_label")
        data_date = st.text_input(T.SOURCE_DATE, help=T.SOURCE_DATE_HELP, key="source_date")
        if uploaded is None:
            return
        size_mb = uploaded.size / 1_000_000
        if size_mb > MAX_UPLOAD_MB:
            st.error(T.UPLOAD_TOO_LARGE.format(filename=uploaded.name, size_mb=size_mb, max_mb=MAX_UPLOAD_MB))
        elif st.button(T.UPLOAD_BUTTON, type="primary"):
            bar = st.progress(0.0, text=T.PROGRESS_READING)
            try:
                source = store.add_source(
                    uploaded.getvalue(), uploaded.name, label=label, data_date=data_date,
                    added_by=state.current_user() or "", progress=lambda f, msg: bar.progress(min(f, 1.0), text=msg),
                )  # fmt: skip
            except (ImportFailure, dates.DateError, PermissionError, faults.StoreWriteError) as exc:
                bar.empty()
                st.error(T.UPLOAD_FAILED.format(message=exc))
            except faults.SourceFilesUnusable as exc:  # another source's file: its names and paths escaped
                bar.empty()
                st.error(T.UPLOAD_FAILED.format(message=md_text(exc)))
            else:
                st.session_state.flash = T.SOURCE_ADDED.format(
                    label=md_text(source.label), suppliers=source.suppliers, date=dates.french_date(source.data_date)
                )
                st.session_state.report_source = source.id
                st.rerun()


def _report_section(report: ImportReport) -> None:
    counts = {
        k: french_number(v) if isinstance(v, int) and not isinstance(v, bool) else v
        for k, v in report.to_dict().items()
    }  # 1 000 000, as the metrics write it
    st.markdown(T.REPORT_SUMMARY.format(**counts))
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
            file_name=report_file_name(report.filename),
            mime="text/csv",
        )


def _sources_section(version: store.Version, admin: bool) -> None:
    st.subheader(T.SOURCES_HEADER)
    table = listing.sources_frame(version)
    table["stale"] = table["stale"].map({True: T.SOURCE_STALE, False: ""})
    st.dataframe(table.rename(columns=T.SOURCES_COLUMNS), hide_index=True, width="stretch")
    by_id = {s.id: s for s in version.sources}
    ids = list(by_id)
    default = st.session_state.get("report_source")
    pick = st.selectbox(
        T.SOURCE_REPORT_PICK, ids, index=ids.index(default) if default in ids else len(ids) - 1,
        format_func=lambda i: by_id[i].display,
    )  # fmt: skip
    report = store.source_report(by_id[pick])
    if report:
        _report_section(state.report_from_dict(report))
    if not admin:
        return
    with st.expander(T.SOURCE_REMOVE):
        target = st.selectbox(T.SOURCE_REMOVE_PICK, ids, format_func=lambda i: by_id[i].display, key="remove_pick")
        confirmed = st.checkbox(T.SOURCE_REMOVE_CONFIRM, key="remove_confirm")
        if st.button(T.SOURCE_REMOVE_BUTTON, disabled=not confirmed, icon=":material/delete:"):
            try:
                with st.spinner(T.SPINNER_DIRECTORY):
                    store.remove_source(target, removed_by=state.current_user() or "")
            except (PermissionError, faults.StoreWriteError) as exc:
                st.error(T.ACTION_REFUSED.format(message=exc))
                return
            except faults.SourceFilesUnusable as exc:  # another source's file: its names and paths escaped
                st.error(T.ACTION_REFUSED.format(message=md_text(exc)))
                return
            st.session_state.flash = T.SOURCE_REMOVED.format(label=md_text(by_id[target].label))
            st.rerun()


def _unusable_sources_section(admin: bool) -> None:
    """The catalogue's sources whose files are missing or unreadable (`state.directory_problem` says so on
    every page): listed, and removed together by an administrator when the data folder cannot be put back
    (one at a time, each new version would still lack the others' files)."""
    problem = state.directory_problem()
    if problem is None:
        return
    missing = [s for s in store.sources() if s.id in problem.source_ids]
    if not missing:
        return
    st.subheader(T.UNUSABLE_SOURCES_HEADER)
    st.caption(T.UNUSABLE_SOURCES_EXPLAIN)
    table = listing.sources_table(missing)[["label", "format_label", "suppliers", "data_date", "added"]]
    st.dataframe(table.rename(columns=T.SOURCES_COLUMNS), hide_index=True, width="stretch")
    if not admin:
        return
    confirmed = st.checkbox(T.UNUSABLE_SOURCES_CONFIRM, key="unusable_confirm")
    label = T.UNUSABLE_SOURCES_REMOVE.format(n=len(missing))
    if st.button(label, disabled=not confirmed, icon=":material/delete:", key="unusable_remove"):
        try:
            with st.spinner(T.SPINNER_DIRECTORY):
                store.remove_sources([s.id for s in missing], removed_by=state.current_user() or "")
        except (PermissionError, faults.StoreWriteError, faults.SourceFilesUnusable) as exc:
            st.error(T.ACTION_REFUSED.format(message=md_text(exc)))
            return
        st.session_state.flash = T.UNUSABLE_SOURCES_REMOVED.format(n=len(missing))
        st.rerun()


@st.cache_resource(max_entries=4, show_spinner=False)
def _conflicts(key: str) -> tuple[pd.DataFrame, bytes | None]:
    """The version's disagreements and their workbook, made once per version (the page reruns at each click)."""
    version = store.version_info(state.version_number(key))
    table = provenance.conflicts_table(version, partial(overview.rows_of, state.search_index(key)))
    return table, table_to_xlsx(table, sheet="Désaccords") if len(table) else None


def _conflicts_section(version: store.Version, key: str) -> None:
    table, workbook = _conflicts(key)
    with st.expander(T.CONFLICTS_HEADER.format(n=len(table)), expanded=False):
        st.caption(T.CONFLICTS_EXPLAIN)
        if table.empty:
            st.success(T.CONFLICTS_NONE)
            return
        st.dataframe(table.head(REPORT_ROWS), hide_index=True, width="stretch")
        st.download_button(
            T.CONFLICTS_DOWNLOAD,
            data=workbook,
            file_name=f"desaccords-annuaire-v{version.number}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )


def _suppliers_table(view: overview.Overview) -> None:
    st.subheader(T.TABLE_HEADER)
    tax = load_taxonomy()
    labels = dict(zip(tax.sectors["sector_id"], tax.sectors["label"], strict=True))
    shown = view.first_rows
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
    if view.suppliers > TABLE_ROWS:
        st.caption(T.TABLE_NOTE.format(shown=french_number(TABLE_ROWS), n=french_number(view.suppliers)))
    # st.dataframe renders cell values as text, never as HTML: directory text stays inert.
    st.dataframe(table, hide_index=True, width="stretch", height=520)


def _metrics(view: overview.Overview) -> None:
    m1, m2, m3 = st.columns(3)
    m1.metric(T.METRIC_SUPPLIERS, french_number(view.suppliers))
    m2.metric(T.METRIC_LOCATED, percent(view.located_share, 1))
    m3.metric(T.METRIC_SIRET, percent(view.siret_share, 1) if view.siret_share is not None else "—")


@st.cache_resource(max_entries=4, show_spinner=False)
def _overview(key: str) -> overview.Overview:
    """The directory's figures and first rows, from its search index: never the whole DataFrame (at
    1,000,000 suppliers 10.9 s and 1.3 GB at the page's first run)."""
    return overview.overview(state.search_index(key), TABLE_ROWS)


def render() -> None:
    key = st.session_state.directory_key
    view = _overview(key)
    if message := st.session_state.pop("flash", None):
        st.success(message)
    is_demo = key == state.DEMO_KEY
    version = store.current_version()
    if is_demo:
        st.info(T.DEMO_BADGE, icon=":material/science:")
        st.markdown(T.DEMO_EXPLAIN.format(n=french_number(view.suppliers)))
    else:
        st.markdown(
            T.STORE_SUMMARY.format(
                number=version.number, built_at=dates.french_date(version.built_at[:10]),
                suppliers=french_number(version.suppliers_out), n_sources=len(version.sources),
                merged=french_number(version.merged),
            )
        )  # fmt: skip
    admin = state.is_admin()
    _unusable_sources_section(admin)
    if admin:
        _add_source_section(is_demo)
        fetch_section.render()
        if not is_demo:
            geocode_section.render(version)
        contracts_section.render(is_demo)
    else:
        st.info(T.SOURCES_ADMIN_ONLY, icon=":material/lock:")
    _metrics(view)
    if is_demo:
        report_data = state.load_report(key)
        if report_data:
            st.subheader(T.REPORT_HEADER)
            _report_section(state.report_from_dict(report_data))
    else:
        _sources_section(version, admin)
        _conflicts_section(version, key)
    _suppliers_table(view)
    if admin:
        _audit_section()


def _audit_section() -> None:
    with st.expander(T.AUDIT_HEADER):
        st.caption(T.AUDIT_EXPLAIN)
        events = audit.recent_events(state.current_user())
        if not events:
            st.info(T.AUDIT_EMPTY)
            return
        table = pd.DataFrame([e.__dict__ for e in events], columns=list(T.AUDIT_COLUMNS))
        table["at"] = table["at"].map(lambda t: t.strftime("%d/%m/%Y %H:%M"))
        table["action"] = table["action"].map(T.AUDIT_ACTIONS)
        st.dataframe(table.rename(columns=T.AUDIT_COLUMNS), hide_index=True, width="stretch")
