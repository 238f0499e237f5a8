"""Page "Programme d'achats": the year's programme analysed line by line, and the annual report.

The page gathers the programme (a file or the grid) and the settings, calls `sourcing.plan`
(`read_programme` / `read_frame`, then `analyse`), keeps the analysis and its files in the session,
and shows the views of `sourcing.plan.views`. Text from the buyer's file is shown in tables
(st.dataframe, never interpreted) or escaped (`md_text`).
"""

from __future__ import annotations

import streamlit as st

from sourcing.advisor import AdviceInputError
from sourcing.advisor.thresholds import BUYER_TYPES
from sourcing.frenchfmt import date_and_time, format_eur, french_date, french_number
from sourcing.plan import views
from sourcing.plan.actions import prepare_line
from sourcing.plan.analysis import DEFAULT_PLAN_RADIUS_KM, PlanAnalysis, PlanSettings, analyse
from sourcing.plan.exports import MIME, XLSX_MIME, plan_summary, plan_xlsx
from sourcing.plan.programme import Programme, ProgrammeError, empty_grid, read_frame, read_programme
from sourcing.reading import ReadError
from ui import annual_report, charts, state
from ui import texts as T
from ui.db_actions import run
from ui.safe_text import md_text

RESULT_KEY = "plan_result"  # (directory key, PlanAnalysis, {file kind: bytes})
# The buyer asked for an analysis not shown yet. A button's click lasts one run: a rerun arriving
# during the analysis (a late grid edit, a setting changed) would drop it; this flag outlives it.
PENDING_KEY = "plan_pending"
# Amounts in the buyer's locale (« 2 900 000 » in French; the column title says « € HT »).
AMOUNT_FORMAT = "localized"
# Fixed column widths in the grid (typing moves nothing): the object wide, the amount and place medium.
GRID_WIDTHS = {"Objet": "large", "Montant estimé (€ HT)": "medium", "Lieu d'exécution": "medium"}


def _settings() -> PlanSettings:
    left, middle, right = st.columns(3)
    buyer = left.selectbox(T.PLAN_BUYER, BUYER_TYPES, format_func=T.ADVICE_BUYERS.__getitem__, key="plan_buyer")
    near = middle.text_input(T.PLAN_NEAR, key="plan_near", help=T.PLAN_NEAR_HELP)
    radius = right.slider(T.PLAN_RADIUS, 5, 200, int(DEFAULT_PLAN_RADIUS_KM), step=5, key="plan_radius")
    return PlanSettings(buyer_type=buyer, near=near.strip(), radius_km=float(radius))


def _programme() -> Programme | None:
    """The programme the buyer gave (file or grid), read, once they ask for the analysis."""
    source = st.radio(T.PLAN_SOURCE, (T.PLAN_SOURCE_FILE, T.PLAN_SOURCE_GRID), horizontal=True, key="plan_source")
    if source == T.PLAN_SOURCE_FILE:
        upload = st.file_uploader(T.PLAN_UPLOAD, type=["xlsx", "csv", "txt"], help=T.PLAN_UPLOAD_HELP, key="plan_file")
        grid = None
    else:
        upload = None
        st.caption(T.PLAN_GRID_HELP)
        grid = st.data_editor(
            empty_grid(), num_rows="dynamic", width="stretch", key="plan_grid", hide_index=True,
            column_config={c: st.column_config.TextColumn(width=GRID_WIDTHS.get(c, "small")) for c in empty_grid()},
        )  # fmt: skip
    nothing = upload is None and grid is None
    st.button(T.PLAN_SUBMIT, type="primary", key="plan_submit", disabled=nothing, on_click=_request)
    if nothing:
        st.session_state.pop(PENDING_KEY, None)  # the file was removed: no analysis left to give
    if not st.session_state.get(PENDING_KEY):
        return None
    try:
        if upload is not None:
            return read_programme(upload.getvalue(), upload.name)
        return read_frame(grid)
    except (ReadError, ProgrammeError) as exc:
        st.session_state.pop(PENDING_KEY, None)
        st.error(T.PLAN_ERROR.format(message=md_text(exc)), icon=":material/error:")
        return None


def _request() -> None:
    st.session_state[PENDING_KEY] = True


def _analyse(programme: Programme, settings: PlanSettings, key: str) -> None:
    try:
        with st.spinner(T.PLAN_SPINNER):
            analysis = analyse(programme, state.search_index(key), settings)
            files = {"xlsx": plan_xlsx(analysis)}
            if analysis.lines:
                files["docx"] = plan_summary("docx", analysis)
                files["pdf"] = plan_summary("pdf", analysis)
    except AdviceInputError as exc:
        st.error(T.PLAN_ERROR.format(message=md_text(exc)), icon=":material/error:")
        st.session_state.pop(RESULT_KEY, None)
        return
    st.session_state[RESULT_KEY] = (key, analysis, files)


def _row_report(analysis: PlanAnalysis) -> None:
    report = analysis.report
    st.markdown(
        T.PLAN_ROWS.format(
            rows_read=report.rows_read, analysed=report.analysed, rejected=len(report.rejected),
            warnings=len(report.warnings),
        )
    )  # fmt: skip
    if report.rejected or report.warnings:
        with st.expander(T.PLAN_REPORT_DETAIL):
            st.dataframe(views.report_table(report), hide_index=True, width="stretch", key="plan_report_table")


def _overview(analysis: PlanAnalysis) -> None:
    cols = st.columns(3)
    cols[0].metric(T.PLAN_METRIC_TOTAL, format_eur(analysis.total_amount))
    cols[1].metric(
        T.PLAN_METRIC_SOCIAL, f"{french_number(100 * analysis.social_share, 1)} %", help=T.PLAN_METRIC_SOCIAL_HELP
    )
    reservable = sum(1 for a in analysis.lines if any("réservable" in o for o in a.opportunities))
    cols[2].metric(T.PLAN_METRIC_RESERVABLE, french_number(reservable))
    amounts = {views.AMOUNT: st.column_config.NumberColumn(format=AMOUNT_FORMAT)}
    st.subheader(T.PLAN_LEVERS, anchor=False)
    levers = views.levers_table(analysis)
    money = {"Montant concerné (€ HT)": st.column_config.NumberColumn(format=AMOUNT_FORMAT)}
    st.dataframe(levers, hide_index=True, width="stretch", column_config=money, key="plan_levers")
    charts.measures_bar_chart(st, levers, category="Levier", measures=["Montant concerné (€ HT)"], horizontal=True)
    st.subheader(T.PLAN_PRIORITIES, anchor=False, help=T.PLAN_PRIORITIES_HELP)
    st.dataframe(views.priorities_table(analysis), hide_index=True, width="stretch", column_config=amounts)
    st.subheader(T.PLAN_SUPPLIERS, anchor=False)
    money = {"Montant des lignes (€ HT)": st.column_config.NumberColumn(format=AMOUNT_FORMAT)}
    st.dataframe(views.suppliers_table(analysis), hide_index=True, width="stretch", column_config=money)
    with st.expander(T.PLAN_LINES):
        st.dataframe(views.lines_table(analysis), hide_index=True, width="stretch", column_config=amounts)


def _prepare(analysis: PlanAnalysis, line) -> None:
    done = run(prepare_line, state.current_user(), analysis, line)
    if done is not None:
        st.success(
            T.PLAN_PREPARED.format(
                name=md_text(done.shortlist_name), added=done.added, start=date_and_time(done.meeting_start),
                invited=done.invited,
            ),
            icon=":material/check_circle:",
        )  # fmt: skip


def _detail(analysis: PlanAnalysis) -> None:
    st.subheader(T.PLAN_DETAIL, anchor=False)
    by_line = {a.line.line: a for a in analysis.lines}
    picked = st.selectbox(
        T.PLAN_DETAIL_PICK, list(by_line), key="plan_line",
        format_func=lambda n: T.PLAN_DETAIL_LINE.format(line=n, need=by_line[n].line.need),
    )  # fmt: skip
    line = by_line[picked]
    plan = line.line
    st.markdown(
        md_text(
            T.PLAN_DETAIL_FACTS.format(
                amount=format_eur(plan.amount_eur), months=french_number(plan.duration_months),
                date=french_date(plan.consultation_date), nature=plan.nature, place=line.place or "toute la France",
            )
        )
    )  # fmt: skip
    if line.hours is not None:
        st.markdown(T.PLAN_DETAIL_HOURS.format(hours=french_number(line.hours)))
    cols = st.columns(len(T.PLAN_FAMILIES))
    for col, (family, label) in zip(cols, T.PLAN_FAMILIES.items(), strict=True):
        col.metric(label, french_number(line.families.get(family, 0)))
    st.markdown(f"**{T.PLAN_DETAIL_LEVERS}**")
    st.dataframe(views.line_levers(line), hide_index=True, width="stretch", key="plan_line_levers")
    suppliers = views.line_suppliers(analysis, line)
    if suppliers.empty:
        st.info(T.PLAN_DETAIL_NO_SUPPLIER)
        return
    st.markdown(f"**{T.PLAN_DETAIL_SUPPLIERS.format(shown=len(suppliers), total=line.supplier_total)}**")
    shown = [c for c in ("name", "kinds", "city", "postal_code", "email", "phone") if c in suppliers.columns]
    labels = {**T.DETAIL_FIELDS, **T.COLUMN_LABELS}  # « Courriel », « Téléphone » with the table's own
    st.dataframe(suppliers[shown].rename(columns=labels), hide_index=True, width="stretch", key="plan_line_suppliers")
    if st.button(T.PLAN_PREPARE, help=T.PLAN_PREPARE_HELP, icon=":material/event:", key=f"plan_prepare_{plan.line}"):
        _prepare(analysis, line)


def _downloads(files: dict[str, bytes]) -> None:
    st.subheader(T.PLAN_EXPORTS, anchor=False)
    labels = {"xlsx": T.PLAN_DOWNLOAD_XLSX, "docx": T.PLAN_DOWNLOAD_DOCX, "pdf": T.PLAN_DOWNLOAD_PDF}
    mimes = {"xlsx": XLSX_MIME, **MIME}
    cols = st.columns(len(labels))
    for col, (kind, label) in zip(cols, labels.items(), strict=True):
        if kind in files:
            col.download_button(
                label, data=files[kind], file_name=f"programme-achats.{kind}", mime=mimes[kind],
                icon=":material/download:", on_click="ignore", key=f"plan_download_{kind}",
            )  # fmt: skip


def _programme_tab(key: str) -> None:
    settings = _settings()
    programme = _programme()
    if programme is not None:
        _analyse(programme, settings, key)
        st.session_state.pop(PENDING_KEY, None)  # answered (or its error shown)
    stored = st.session_state.get(RESULT_KEY)
    if stored is None or stored[0] != key:
        st.caption(T.PLAN_EMPTY)
        return
    _, analysis, files = stored
    _row_report(analysis)
    if not analysis.lines:
        st.warning(T.PLAN_NOTHING)
        return
    _overview(analysis)
    _detail(analysis)
    _downloads(files)


def render() -> None:
    key = st.session_state.directory_key
    if key == state.DEMO_KEY:
        st.info(T.DEMO_BADGE, icon=":material/science:")
    st.header(T.PLAN_HEADER)
    st.caption(T.PLAN_INTRO)
    programme_tab, report_tab = st.tabs([T.PLAN_TAB_PROGRAMME, T.PLAN_TAB_REPORT])
    with programme_tab:
        _programme_tab(key)
    with report_tab:
        annual_report.render()
