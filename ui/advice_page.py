"""Page "Conseil achat": describe a purchase, see which legal levers open it to ESS suppliers.

The page only gathers input (`ui.advice_form`) and shows output: it builds an `AdviceRequest` from the
form and calls `sourcing.advisor.request.advise_request`, which reasons (`sourcing.advisor`) and writes the
note. Every text that comes from the buyer or a directory is escaped before going through
Markdown (`md_text`) or shown as plain text (st.code, st.dataframe).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sourcing.advisor import AdviceInputError, AdviceReport, LeverAdvice, Purchase
from sourcing.advisor.note import DOCX_MIME
from sourcing.advisor.request import AdviceAnswer, AdviceRequest, advise_request, changed_fields
from sourcing.advisor.thresholds import TO_CONFIRM, validity_text
from sourcing.frenchfmt import format_eur, french_number, percent
from ui import state
from ui import texts as T
from ui.advice_form import DEFAULT_RADIUS, FIELD_LABELS, advice_form
from ui.safe_text import md_text
from ui.state import search_index, sector_labels

RESULT_KEY = "advice_result"  # (directory key, AdviceRequest, AdviceAnswer) of the last analysis
SEARCH_PAGE = "ui/pages/recherche.py"


# --- Results ----------------------------------------------------------------------------------


def _badges(lever: LeverAdvice) -> str:
    """Markdown badges (texts from `ui.texts` only)."""
    if lever.applies and lever.mandatory:
        out = f":red-badge[:material/priority_high: {T.BADGE_MANDATORY}]"
    elif lever.applies:
        out = f":green-badge[:material/check: {T.BADGE_POSSIBLE}]"
    else:
        out = f":gray-badge[{T.BADGE_NOT_APPLICABLE}]"
    if lever.confidence == TO_CONFIRM:
        out += f" :orange-badge[:material/warning: {T.BADGE_TO_CONFIRM}]"
    return out


def _search_link_params(purchase: Purchase, lever: LeverAdvice) -> dict[str, str | list[str]]:
    """URL of the search page with the lever's kinds, the purchase's sectors and place.

    Keys are the search page's bound widgets: ``lieu``, ``rayon``, ``zone``, ``t_<KIND>``,
    ``secteurs`` (a multiselect: one repeated key per option, as its displayed label).
    """
    labels = sector_labels()
    params: dict[str, str | list[str]] = {f"t_{kind}": "true" for kind in lever.eligible_kinds}
    sectors = [labels[s] for s in (lever.viability or {}).get("sectors", []) if s in labels]
    if sectors:
        params["secteurs"] = sectors
    if purchase.place:
        params["lieu"] = purchase.place
        params["rayon"] = str(int(purchase.radius_km if purchase.radius_km is not None else DEFAULT_RADIUS))
        params["zone"] = "true"  # the advisor counts suppliers whose intervention area covers the place
    return params


def _reservation(purchase: Purchase, lever: LeverAdvice) -> None:
    counts = lever.eligible_suppliers or {}
    cols = st.columns(len(counts) + 1)
    viability = lever.viability or {}
    missing = viability.get("not_covered", ())
    for col, (family, n) in zip(cols, counts.items(), strict=False):
        value = T.ADVICE_NOT_COVERED if family in missing else french_number(n)
        col.metric(
            T.ADVICE_FAMILIES.get(family, family), value, help=T.ADVICE_NOT_COVERED_HELP if family in missing else None
        )
    if viability.get("message"):
        show = st.success if viability.get("level") in ("marche-entier", "lot-reserve") else st.warning
        show(md_text(viability["message"]))
    capacity = viability.get("capacity") or {}
    if capacity.get("message"):
        st.caption(md_text(capacity["message"]))
    if viability.get("total"):
        st.page_link(
            SEARCH_PAGE,
            label=T.ADVICE_SEE_SUPPLIERS,
            icon=":material/travel_explore:",
            query_params=_search_link_params(purchase, lever),
        )


def _lever_card(purchase: Purchase, lever: LeverAdvice) -> None:
    with st.container(border=True, key=f"lever_{lever.id}"):
        st.subheader(md_text(lever.title), anchor=False)
        st.markdown(_badges(lever), help=T.BADGE_TO_CONFIRM_HELP if lever.confidence == TO_CONFIRM else None)
        if lever.legal_refs:
            st.caption(md_text(T.ADVICE_REFS.format(refs=", ".join(lever.legal_refs))))
        st.markdown(md_text(lever.rationale))
        if lever.applies and lever.eligible_suppliers is not None:
            _reservation(purchase, lever)
        if lever.sample_clause:
            with st.expander(T.ADVICE_CLAUSE):
                # st.code: plain text with a copy button, never interpreted.
                st.code(lever.sample_clause, language=None, wrap_lines=True)


def _hours(report: AdviceReport) -> None:
    st.subheader(T.ADVICE_HOURS)
    hours = report.insertion_hours
    if hours is None:
        st.info(T.ADVICE_HOURS_NONE)
        return
    left, right = st.columns([1, 3])
    left.metric(T.ADVICE_HOURS_METRIC, french_number(hours.hours))
    if hours.confidence == TO_CONFIRM:
        left.markdown(f":orange-badge[:material/warning: {T.BADGE_TO_CONFIRM}]", help=T.BADGE_TO_CONFIRM_HELP)
    formula = T.ADVICE_HOURS_FORMULA.format(
        amount=format_eur(hours.amount),
        share=percent(hours.labour_share),
        rate=percent(hours.rate),
        cost=format_eur(hours.hourly_cost),
        hours=french_number(hours.hours, 1),
    )
    right.markdown(md_text(formula))
    right.markdown(
        "\n".join(
            f"- {md_text(label)} : {md_text(hours.sources[key])}"
            for key, label in T.ADVICE_HOURS_SOURCES.items()
            if key in hours.sources
        )
    )


def _thresholds(report: AdviceReport) -> None:
    st.subheader(T.ADVICE_THRESHOLDS)
    spans = {"since": T.ADVICE_SINCE, "until": T.ADVICE_UNTIL, "always": T.ADVICE_ALWAYS}
    table = pd.DataFrame(
        {
            T.ADVICE_COL_THRESHOLD: t["label"],
            T.ADVICE_COL_AMOUNT: format_eur(t["value_eur"]),
            T.ADVICE_COL_REFERENCE: t["reference"],
            T.ADVICE_COL_VALIDITY: validity_text(t, **spans),
            T.ADVICE_COL_CONFIDENCE: t["confidence"],
        }
        for t in report.thresholds.values()
    )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            T.ADVICE_COL_THRESHOLD: st.column_config.TextColumn(width="large"),
            T.ADVICE_COL_REFERENCE: st.column_config.TextColumn(width="medium"),
        },
    )


def _directory_label(key: str) -> str | None:
    """The directory named in the note; None for the demo one (the note names it itself)."""
    if key == state.DEMO_KEY:
        return None
    return T.ADVICE_DIRECTORY_UPLOADED.format(name=st.session_state.get("directory_name") or key)


def _download(answer: AdviceAnswer, current: bool) -> None:
    """The note; disabled while the form says something else than the analysis it describes."""
    st.subheader(T.ADVICE_NOTE)
    st.download_button(
        T.ADVICE_DOWNLOAD,
        data=answer.note,
        file_name=answer.note_file_name,
        mime=DOCX_MIME,
        icon=":material/download:",
        help=T.ADVICE_NOTE_HELP if current else T.ADVICE_STALE_DOWNLOAD,
        disabled=not current,
        on_click="ignore",
        key="advice_download",
    )
    st.caption(T.ADVICE_DISCLAIMER)


def _cautions(report: AdviceReport) -> None:
    """What the buyer must check before relying on the advice, above the levers."""
    if report.cautions:
        st.subheader(T.ADVICE_CAUTIONS)
    for caution in report.cautions:
        st.warning(md_text(caution.message), icon=":material/warning:")


def _show(answer: AdviceAnswer, changed: tuple[str, ...]) -> None:
    """The analysis; flagged « à relancer » above everything when the form changed since (``changed``)."""
    if changed:
        names = ", ".join(f"« {FIELD_LABELS[name]} »" for name in changed)
        st.warning(T.ADVICE_STALE.format(fields=names), icon=":material/refresh:")  # labels from ui.texts
    report = answer.report
    _cautions(report)
    st.subheader(T.ADVICE_LEVERS)
    total = len(report.levers)
    st.markdown(T.ADVICE_SUMMARY.format(applies=answer.applicable_count, total=total, mandatory=answer.mandatory_count))
    if report.area.get("description"):
        st.caption(md_text(T.ADVICE_AREA.format(area=report.area["description"])))
    for lever in answer.levers_in_display_order:
        _lever_card(answer.purchase, lever)
    _hours(report)
    _thresholds(report)
    _download(answer, current=not changed)


def _analyse(request: AdviceRequest, key: str) -> None:
    """Run the advisor and keep its answer (with the request) for this directory; a French error clears
    the last one."""
    if not request.need.strip():
        st.error(T.ADVICE_NEED_MISSING)
        st.session_state.pop(RESULT_KEY, None)
        return
    try:
        with st.spinner(T.ADVICE_SPINNER):
            answer = advise_request(request, search_index(key), directory_label=_directory_label(key))
    except AdviceInputError as e:
        st.error(T.ADVICE_INPUT_ERROR.format(message=md_text(e)))
        st.session_state.pop(RESULT_KEY, None)
    except ValueError as e:  # insertion-hours parameters out of range (French message)
        st.error(T.ADVICE_HOURS_ERROR.format(message=md_text(e)))
        st.session_state.pop(RESULT_KEY, None)
    else:
        st.session_state[RESULT_KEY] = (key, request, answer)


def render() -> None:
    key = st.session_state.directory_key
    if key == state.DEMO_KEY:
        st.info(T.DEMO_BADGE, icon=":material/science:")
    st.header(T.ADVICE_HEADER)
    st.caption(T.ADVICE_INTRO)
    request = advice_form()
    if st.button(T.ADVICE_SUBMIT, type="primary", key="conseil_analyser"):
        _analyse(request, key)
    stored = st.session_state.get(RESULT_KEY)
    if stored is None or stored[0] != key:
        st.caption(T.ADVICE_EMPTY)
        return
    _, analysed, answer = stored
    _show(answer, changed_fields(analysed, request))
