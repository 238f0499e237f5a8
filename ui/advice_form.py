"""The form of the "Conseil achat" page: what the buyer describes, gathered into an `AdviceRequest`.

Widget keys start with ``conseil_`` (the tests drive them by key). The page (`ui.advice_page`) calls
`advice_form` and shows the answer.

Every field is bound to the page's URL (``bind="query-params"``, the key being the parameter's name, as
on the search page): the values come back after a visit to another page and after a browser reload,
without a store on the server (nothing to identify, expire or clean; a link or a bookmark keeps the
purchase). The fields are not in an ``st.form``: each change reaches the page, which can then tell
that the analysis shown is no longer the form's (see `ui.advice_page`).
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
URL = "query-params"  # each field lives in the URL: kept across pages and reloads
# The form's label of each `AdviceRequest` field (to name what changed since an analysis).
FIELD_LABELS = {
    "need": T.ADVICE_NEED, "nature": T.ADVICE_NATURE, "amount_eur": T.ADVICE_AMOUNT,
    "duration_months": T.ADVICE_DURATION, "buyer_type": T.ADVICE_BUYER, "cpv_text": T.ADVICE_CPV,
    "sectors": T.ADVICE_SECTORS, "place": T.ADVICE_PLACE, "radius_km": T.ADVICE_RADIUS,
    "consultation_date": T.ADVICE_DATE, "lots": T.ADVICE_LOTS, "labour_share_percent": T.ADVICE_LABOUR_SHARE,
    "insertion_rate_percent": T.ADVICE_RATE, "hourly_cost": T.ADVICE_HOURLY_COST, "framework": T.ADVICE_FRAMEWORK,
    "defence_contract": T.ADVICE_DEFENCE, "central_authority": T.ADVICE_CENTRAL,
}  # fmt: skip


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
            T.ADVICE_LABOUR_SHARE, min_value=0.0, max_value=100.0, value=None, step=5.0, key="conseil_part_mo", bind=URL
        )
        cols[0].caption(md_text(share_help))
        rate = cols[1].number_input(
            T.ADVICE_RATE, min_value=0.0, max_value=100.0, value=None, step=1.0, key="conseil_taux", bind=URL
        )
        cols[1].caption(md_text(rate_help))
        cost = cols[2].number_input(
            T.ADVICE_HOURLY_COST, min_value=1.0, max_value=500.0, value=None, step=1.0, key="conseil_cout", bind=URL
        )
        cols[2].caption(md_text(cost_help))
    return share, rate, cost


def _contract_kind() -> dict:
    """Accord-cadre, defence or security contract, central authority: what fixes the thresholds."""
    cols = st.columns(3)
    framework = cols[0].checkbox(T.ADVICE_FRAMEWORK, key="conseil_accord_cadre", bind=URL, help=T.ADVICE_FRAMEWORK_HELP)
    defence = cols[1].checkbox(T.ADVICE_DEFENCE, key="conseil_defense", bind=URL, help=T.ADVICE_DEFENCE_HELP)
    central = cols[2].selectbox(
        T.ADVICE_CENTRAL, CENTRAL_CHOICES, format_func=T.ADVICE_CENTRAL_CHOICES.__getitem__,
        key="conseil_autorite_centrale", bind=URL, help=T.ADVICE_CENTRAL_HELP,
    )  # fmt: skip
    return {"framework": framework, "defence_contract": defence, "central_authority": central}


def advice_form() -> AdviceRequest:
    """Draw the form and return what it says now (checked only when the buyer asks for the analysis)."""
    sectors = sector_labels()
    with st.container(border=True, key="advice_form"):
        need = st.text_input(T.ADVICE_NEED, key="conseil_besoin", bind=URL, placeholder=T.ADVICE_NEED_PLACEHOLDER)
        left, right = st.columns(2)
        with left:
            nature = st.radio(
                T.ADVICE_NATURE, NATURES, index=NATURES.index("services"), format_func=T.ADVICE_NATURES.__getitem__,
                key="conseil_nature", bind=URL, horizontal=True, help=T.ADVICE_NATURE_HELP,
            )  # fmt: skip
            amount = st.number_input(
                T.ADVICE_AMOUNT, min_value=0.0, value=100_000.0, step=1_000.0, format="%.0f",
                key="conseil_montant", bind=URL, help=T.ADVICE_AMOUNT_HELP,
            )  # fmt: skip
            duration = st.number_input(
                T.ADVICE_DURATION, min_value=1, max_value=240, value=12, key="conseil_duree", bind=URL
            )
            buyer = st.selectbox(
                T.ADVICE_BUYER, BUYER_TYPES, format_func=T.ADVICE_BUYERS.__getitem__, key="conseil_acheteur", bind=URL
            )
            lots = st.number_input(T.ADVICE_LOTS, min_value=1, max_value=100, value=1, key="conseil_lots", bind=URL)
        with right:
            cpv = st.text_input(T.ADVICE_CPV, key="conseil_cpv", bind=URL, help=T.ADVICE_CPV_HELP)
            chosen_sectors = st.multiselect(
                T.ADVICE_SECTORS, list(sectors), format_func=sectors.__getitem__, key="conseil_secteurs", bind=URL,
                placeholder=T.SECTORS_PLACEHOLDER, help=T.ADVICE_SECTORS_HELP,
            )  # fmt: skip
            place = st.text_input(
                T.ADVICE_PLACE,
                key="conseil_lieu",
                bind=URL,
                placeholder=T.ADVICE_PLACE_PLACEHOLDER,
                help=T.ADVICE_PLACE_HELP,
            )
            radius = st.slider(T.ADVICE_RADIUS, 0, 200, DEFAULT_RADIUS, step=RADIUS_STEP, key="conseil_rayon", bind=URL)
            when = st.date_input(
                T.ADVICE_DATE,
                value=date.today(),
                format="DD/MM/YYYY",
                key="conseil_date",
                bind=URL,
                help=T.ADVICE_DATE_HELP,
            )
        kind = _contract_kind()
        share, rate, cost = _hours_settings()
    return AdviceRequest(
        need=need, nature=nature, amount_eur=amount, duration_months=duration, buyer_type=buyer, cpv_text=cpv,
        sectors=tuple(chosen_sectors), place=place, radius_km=radius, consultation_date=when, lots=lots,
        labour_share_percent=share, insertion_rate_percent=rate, hourly_cost=cost, **kind,
    )  # fmt: skip
