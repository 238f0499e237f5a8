"""The form of the "Conseil achat" page: what the buyer describes, gathered into an `AdviceRequest`.

Widget keys start with ``conseil_`` (the tests drive them by key). The page (`ui.advice_page`) calls
`advice_form` and shows the answer.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from sourcing.advisor.hours import generic_defaults, labour_share_examples
from sourcing.advisor.request import AdviceRequest
from sourcing.advisor.thresholds import BUYER_TYPES, NATURES
from sourcing.frenchfmt import format_eur, percent
from ui import texts as T
from ui.safe_text import md_text
from ui.state import sector_labels

DEFAULT_RADIUS = 30
RADIUS_STEP = 5  # same step as the search page's slider, so the link lands on a valid value
# "Is the buyer a central public authority?": not said, yes, no.
CENTRAL_CHOICES: tuple[bool | None, ...] = (None, True, False)


def _defaults_help() -> tuple[str, str, str]:
    """Captions giving each insertion-hours default and its source."""
    share, rate, cost = generic_defaults()
    return (
        T.ADVICE_DEFAULT_SHARE.format(
            examples=labour_share_examples(),
            value=percent(share.value),
            source=share.source,
            confidence=share.confidence,
        ),
        T.ADVICE_DEFAULT.format(value=percent(rate.value), source=rate.source, confidence=rate.confidence),
        T.ADVICE_DEFAULT.format(value=format_eur(cost.value), source=cost.source, confidence=cost.confidence),
    )


def _hours_settings() -> tuple[float | None, float | None, float | None]:
    """The insertion-hours parameters (None = the default shown beside each)."""
    with st.expander(T.ADVICE_SETTINGS):
        st.caption(T.ADVICE_SETTINGS_INTRO)
        share_help, rate_help, cost_help = _defaults_help()
        cols = st.columns(3)
        share = cols[0].number_input(
            T.ADVICE_LABOUR_SHARE, min_value=0.0, max_value=100.0, value=None, step=5.0, key="conseil_part_mo"
        )
        cols[0].caption(md_text(share_help))
        rate = cols[1].number_input(
            T.ADVICE_RATE, min_value=0.0, max_value=100.0, value=None, step=1.0, key="conseil_taux"
        )
        cols[1].caption(md_text(rate_help))
        cost = cols[2].number_input(
            T.ADVICE_HOURLY_COST, min_value=1.0, max_value=500.0, value=None, step=1.0, key="conseil_cout"
        )
        cols[2].caption(md_text(cost_help))
    return share, rate, cost


def _contract_kind() -> dict:
    """Accord-cadre, defence or security contract, central authority: what fixes the thresholds."""
    cols = st.columns(3)
    framework = cols[0].checkbox(T.ADVICE_FRAMEWORK, key="conseil_accord_cadre", help=T.ADVICE_FRAMEWORK_HELP)
    defence = cols[1].checkbox(T.ADVICE_DEFENCE, key="conseil_defense", help=T.ADVICE_DEFENCE_HELP)
    central = cols[2].selectbox(
        T.ADVICE_CENTRAL, CENTRAL_CHOICES, format_func=T.ADVICE_CENTRAL_CHOICES.__getitem__,
        key="conseil_autorite_centrale", help=T.ADVICE_CENTRAL_HELP,
    )  # fmt: skip
    return {"framework": framework, "defence_contract": defence, "central_authority": central}


def advice_form() -> AdviceRequest | None:
    """Draw the form; on submit return what the buyer typed (None and a French error without a need)."""
    sectors = sector_labels()
    with st.form("advice_form"):
        need = st.text_input(T.ADVICE_NEED, key="conseil_besoin", placeholder=T.ADVICE_NEED_PLACEHOLDER)
        left, right = st.columns(2)
        with left:
            nature = st.radio(
                T.ADVICE_NATURE, NATURES, index=NATURES.index("services"), format_func=T.ADVICE_NATURES.__getitem__,
                key="conseil_nature", horizontal=True, help=T.ADVICE_NATURE_HELP,
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
        kind = _contract_kind()
        share, rate, cost = _hours_settings()
        submitted = st.form_submit_button(T.ADVICE_SUBMIT, type="primary")
    if not submitted:
        return None
    if not need.strip():
        st.error(T.ADVICE_NEED_MISSING)
        return None
    return AdviceRequest(
        need=need, nature=nature, amount_eur=amount, duration_months=duration, buyer_type=buyer, cpv_text=cpv,
        sectors=tuple(chosen_sectors), place=place, radius_km=radius, consultation_date=when, lots=lots,
        labour_share_percent=share, insertion_rate_percent=rate, hourly_cost=cost, **kind,
    )  # fmt: skip
