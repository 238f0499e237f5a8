"""Page "Conseil achat": describe a purchase, see which legal levers open it to ESS suppliers.

The page only gathers input and shows output: the reasoning is `sourcing.advisor`, the note is
`sourcing.advisor.note`. Every text that comes from the buyer or a directory is escaped before
going through Markdown (`_md_text`) or shown as plain text (st.code, st.dataframe).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from sourcing.advisor import AdviceInputError, AdviceReport, LeverAdvice, Purchase, advise
from sourcing.advisor.french import format_eur
from sourcing.advisor.hours import ANY, load_defaults
from sourcing.advisor.note import DEMO_SOURCE, DOCX_MIME, note_docx
from sourcing.advisor.thresholds import BUYER_TYPES, NATURES, TO_CONFIRM
from ui import state
from ui import texts as T
from ui.search_page import _md_text, search_index, sector_labels

DEFAULT_RADIUS = 30
RADIUS_STEP = 5  # same step as the search page's slider, so the link lands on a valid value
RESULT_KEY = "advice_result"
SEARCH_PAGE = "ui/pages/recherche.py"


@dataclass(frozen=True)
class _Result:
    purchase: Purchase
    report: AdviceReport
    directory_key: str


# --- Small formatting helpers -----------------------------------------------------------------


def _fr_number(x: float, digits: int = 0) -> str:
    return f"{x:,.{digits}f}".replace(",", "\u202f").replace(".", ",")


def _percent(x: float) -> str:
    return f"{x * 100:g} %".replace(".", ",")


def _french_date(iso: str | None) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else ""


def _cpv_codes(text: str) -> tuple[str, ...]:
    """CPV codes typed by the buyer, separated by commas, semicolons or spaces."""
    return tuple(c for c in text.replace(";", ",").replace(" ", ",").split(",") if c.strip())


def _fraction(percent: float | None) -> float | None:
    return None if percent is None else percent / 100


# --- Form -------------------------------------------------------------------------------------


def _defaults_help() -> tuple[str, str, str]:
    """Captions giving each insertion-hours default and its source."""
    d = load_defaults()
    share, rate, cost = d["labour_share"][ANY], d["rate"][ANY], d["hourly_cost"][ANY]
    examples = ", ".join(f"{k} {_percent(v.value)}" for k, v in list(d["labour_share"].items())[:3] if k != ANY)
    return (
        T.ADVICE_DEFAULT_SHARE.format(
            examples=examples, value=_percent(share.value), source=share.source, confidence=share.confidence
        ),
        T.ADVICE_DEFAULT.format(value=_percent(rate.value), source=rate.source, confidence=rate.confidence),
        T.ADVICE_DEFAULT.format(value=format_eur(cost.value), source=cost.source, confidence=cost.confidence),
    )


def _form() -> Purchase | None:
    """Draw the form; on submit return the purchase (None and a French error when it is invalid)."""
    sectors = sector_labels()
    with st.form("advice_form"):
        need = st.text_input(T.ADVICE_NEED, key="conseil_besoin", placeholder=T.ADVICE_NEED_PLACEHOLDER)
        left, right = st.columns(2)
        with left:
            nature = st.radio(
                T.ADVICE_NATURE, NATURES, index=NATURES.index("services"), format_func=T.ADVICE_NATURES.__getitem__,
                key="conseil_nature", horizontal=True,
            )  # fmt: skip
            amount = st.number_input(
                T.ADVICE_AMOUNT, min_value=0.0, value=100_000.0, step=1_000.0, format="%.0f",
                key="conseil_montant", help=T.ADVICE_AMOUNT_HELP,
            )  # fmt: skip
            duration = st.number_input(T.ADVICE_DURATION, min_value=1, max_value=240, value=12, key="conseil_duree")
            buyer = st.selectbox(
                T.ADVICE_BUYER, BUYER_TYPES, format_func=T.ADVICE_BUYERS.__getitem__, key="conseil_acheteur"
            )
            lots = st.number_input(T.ADVICE_LOTS, min_value=1, max_value=100, value=1, key="conseil_lots")
        with right:
            cpv = st.text_input(T.ADVICE_CPV, key="conseil_cpv", help=T.ADVICE_CPV_HELP)
            chosen_sectors = st.multiselect(
                T.ADVICE_SECTORS, list(sectors), format_func=sectors.__getitem__, key="conseil_secteurs",
                placeholder=T.SECTORS_PLACEHOLDER, help=T.ADVICE_SECTORS_HELP,
            )  # fmt: skip
            place = st.text_input(
                T.ADVICE_PLACE, key="conseil_lieu", placeholder=T.ADVICE_PLACE_PLACEHOLDER, help=T.ADVICE_PLACE_HELP
            )
            radius = st.slider(T.ADVICE_RADIUS, 0, 200, DEFAULT_RADIUS, step=RADIUS_STEP, key="conseil_rayon")
            when = st.date_input(
                T.ADVICE_DATE, value=date.today(), format="DD/MM/YYYY", key="conseil_date", help=T.ADVICE_DATE_HELP
            )
        with st.expander(T.ADVICE_SETTINGS):
            st.caption(T.ADVICE_SETTINGS_INTRO)
            share_help, rate_help, cost_help = _defaults_help()
            cols = st.columns(3)
            share = cols[0].number_input(
                T.ADVICE_LABOUR_SHARE, min_value=0.0, max_value=100.0, value=None, step=5.0, key="conseil_part_mo"
            )
            cols[0].caption(_md_text(share_help))
            rate = cols[1].number_input(
                T.ADVICE_RATE, min_value=0.0, max_value=100.0, value=None, step=1.0, key="conseil_taux"
            )
            cols[1].caption(_md_text(rate_help))
            cost = cols[2].number_input(
                T.ADVICE_HOURLY_COST, min_value=1.0, max_value=500.0, value=None, step=1.0, key="conseil_cout"
            )
            cols[2].caption(_md_text(cost_help))
        submitted = st.form_submit_button(T.ADVICE_SUBMIT, type="primary")
    if not submitted:
        return None
    if not need.strip():
        st.error(T.ADVICE_NEED_MISSING)
        return None
    place = place.strip()
    try:
        return Purchase(
            need=need.strip(),
            nature=nature,
            amount_eur=float(amount),
            duration_months=float(duration),
            buyer_type=buyer,
            cpv=_cpv_codes(cpv),
            sectors=tuple(chosen_sectors),
            place=place or None,
            radius_km=float(radius) if place else None,
            consultation_date=when if isinstance(when, date) else None,
            lots=int(lots),
            labour_share=_fraction(share),
            insertion_rate=_fraction(rate),
            hourly_cost=float(cost) if cost is not None else None,
        )
    except AdviceInputError as e:
        st.error(T.ADVICE_INPUT_ERROR.format(message=_md_text(e)))
        return None


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
    for col, (family, n) in zip(cols, counts.items(), strict=False):
        col.metric(T.ADVICE_FAMILIES.get(family, family), _fr_number(n))
    viability = lever.viability or {}
    if viability.get("message"):
        show = st.success if viability.get("level") in ("marche-entier", "lot-reserve") else st.warning
        show(_md_text(viability["message"]))
    capacity = viability.get("capacity") or {}
    if capacity.get("message"):
        st.caption(_md_text(capacity["message"]))
    if viability.get("total"):
        st.page_link(
            SEARCH_PAGE,
            label=T.ADVICE_SEE_SUPPLIERS,
            icon=":material/travel_explore:",
            query_params=_search_link_params(purchase, lever),
        )


def _lever_card(purchase: Purchase, lever: LeverAdvice) -> None:
    with st.container(border=True, key=f"lever_{lever.id}"):
        st.subheader(_md_text(lever.title), anchor=False)
        st.markdown(_badges(lever), help=T.BADGE_TO_CONFIRM_HELP if lever.confidence == TO_CONFIRM else None)
        if lever.legal_refs:
            st.caption(_md_text(T.ADVICE_REFS.format(refs=", ".join(lever.legal_refs))))
        st.markdown(_md_text(lever.rationale))
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
    left.metric(T.ADVICE_HOURS_METRIC, _fr_number(hours.hours))
    if hours.confidence == TO_CONFIRM:
        left.markdown(f":orange-badge[:material/warning: {T.BADGE_TO_CONFIRM}]", help=T.BADGE_TO_CONFIRM_HELP)
    formula = T.ADVICE_HOURS_FORMULA.format(
        amount=format_eur(hours.amount),
        share=_percent(hours.labour_share),
        rate=_percent(hours.rate),
        cost=format_eur(hours.hourly_cost),
        hours=_fr_number(hours.hours, 1),
    )
    right.markdown(_md_text(formula))
    right.markdown(
        "\n".join(
            f"- {_md_text(label)} : {_md_text(hours.sources[key])}"
            for key, label in T.ADVICE_HOURS_SOURCES.items()
            if key in hours.sources
        )
    )


def _validity(row: dict) -> str:
    parts = []
    if row.get("valid_from"):
        parts.append(T.ADVICE_SINCE.format(date=_french_date(row["valid_from"])))
    if row.get("valid_to"):
        parts.append(T.ADVICE_UNTIL.format(date=_french_date(row["valid_to"])))
    return ", ".join(parts) or T.ADVICE_ALWAYS


def _thresholds(report: AdviceReport) -> None:
    st.subheader(T.ADVICE_THRESHOLDS)
    table = pd.DataFrame(
        [
            {
                T.ADVICE_COL_THRESHOLD: t["label"],
                T.ADVICE_COL_AMOUNT: format_eur(t["value_eur"]),
                T.ADVICE_COL_REFERENCE: t["reference"],
                T.ADVICE_COL_VALIDITY: _validity(t),
                T.ADVICE_COL_CONFIDENCE: t["confidence"],
            }
            for t in report.thresholds.values()
        ]
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


def _directory_label(key: str) -> str:
    if key == state.DEMO_KEY:
        return DEMO_SOURCE
    return T.ADVICE_DIRECTORY_UPLOADED.format(name=st.session_state.get("directory_name") or key)


def _download(result: _Result) -> None:
    st.subheader(T.ADVICE_NOTE)
    today = date.today()
    data = note_docx(
        result.purchase, result.report, directory_label=_directory_label(result.directory_key), generated_on=today
    )
    st.download_button(
        T.ADVICE_DOWNLOAD,
        data=data,
        file_name=f"note-opportunite-{today.isoformat()}.docx",
        mime=DOCX_MIME,
        icon=":material/download:",
        help=T.ADVICE_NOTE_HELP,
        on_click="ignore",
        key="advice_download",
    )
    st.caption(T.ADVICE_DISCLAIMER)


def _show(result: _Result) -> None:
    report = result.report
    applies = [lv for lv in report.levers if lv.applies]
    st.subheader(T.ADVICE_LEVERS)
    st.markdown(
        T.ADVICE_SUMMARY.format(
            applies=len(applies), total=len(report.levers), mandatory=sum(lv.mandatory for lv in applies)
        )
    )
    if report.area.get("description"):
        st.caption(_md_text(T.ADVICE_AREA.format(area=report.area["description"])))
    # Applicable levers first, mandatory ones at the top; otherwise the engine's order.
    ordered = sorted(report.levers, key=lambda lv: (not lv.applies, not lv.mandatory))
    for lever in ordered:
        _lever_card(result.purchase, lever)
    _hours(report)
    _thresholds(report)
    _download(result)


def render() -> None:
    key = st.session_state.directory_key
    if key == state.DEMO_KEY:
        st.info(T.DEMO_BADGE, icon=":material/science:")
    st.header(T.ADVICE_HEADER)
    st.caption(T.ADVICE_INTRO)
    purchase = _form()
    if purchase is not None:
        try:
            with st.spinner(T.ADVICE_SPINNER):
                report = advise(purchase, search_index(key))
        except AdviceInputError as e:
            st.error(T.ADVICE_INPUT_ERROR.format(message=_md_text(e)))
            st.session_state.pop(RESULT_KEY, None)
        except ValueError as e:  # insertion-hours parameters out of range (French message)
            st.error(T.ADVICE_HOURS_ERROR.format(message=_md_text(e)))
            st.session_state.pop(RESULT_KEY, None)
        else:
            st.session_state[RESULT_KEY] = _Result(purchase, report, key)
    result = st.session_state.get(RESULT_KEY)
    if result is None or result.directory_key != key:
        st.caption(T.ADVICE_EMPTY)
        return
    _show(result)
