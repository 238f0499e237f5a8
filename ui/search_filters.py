"""The search page's filters, drawn in the sidebar and bound to the URL (a link restores a search).

What the widgets return becomes one `SearchQuery`; the place box offers the places of
`sourcing.search.choices` (communes of 2,000 inhabitants and more, départements, régions: the list is
sent to the browser at every rerun) and resolves the pick, listed or typed, there.

The folded section « Plus de filtres » (`T.MORE_FILTERS`) draws its widgets only when the buyer has
opened it or one of them holds a value (Streamlit would otherwise send its 1,255 intercommunalités to
every fresh page): a widget left undrawn loses its place in the page address, so a filter in use keeps
its widgets drawn, folded or not, and a link carrying one opens the section.
"""

from __future__ import annotations

import streamlit as st

from sourcing.frenchfmt import french_number
from sourcing.model import FAMILIES, HEADCOUNT_BANDS, KINDS
from sourcing.search import SearchQuery
from sourcing.search.choices import OFFERED_MIN_POPULATION, Place, PlaceChoices, place_choices, resolve_place
from sourcing.taxonomy import cpv_label, normalise_naf_code, sectors_for_cpv
from ui import state
from ui import texts as T

DEFAULT_RADIUS = 30
URL = "query-params"
# The section « Plus de filtres »: its open state's key, and the keys (of `filter_defaults`) of its filters.
MORE_FILTERS_KEY = "plus_de_filtres"
MORE_FILTER_KEYS = ("naf", "cpv", "dep", "reg", "epci", "effectif", "recent", "marches")


@st.cache_resource
def places() -> PlaceChoices:
    """Labels offered in the place box, and what each resolves to."""
    return place_choices(T.PLACE_DEPARTMENT, T.PLACE_REGION)


def _pick_place(value: str | None) -> Place | None:
    """The chosen place; when the text names several places, the buyer picks one below the box."""
    pick = resolve_place(places(), value)
    if pick.choices:
        st.warning(T.PLACE_AMBIGUOUS.format(text=value))
        choice = st.selectbox(T.PLACE_CHOICE, pick.choices, key="place_choice")
        pick = resolve_place(places(), value, choice)
    if pick.suggestions:  # misspelt: the closest places, most similar first; the buyer picks
        st.warning(T.PLACE_NOT_UNDERSTOOD.format(text=value))
        suggestion = st.selectbox(T.PLACE_SUGGESTION, pick.suggestions, index=None, key="place_suggestion")
        pick = resolve_place(places(), suggestion) if suggestion else pick
    elif pick.message:
        st.error(pick.message)
    st.session_state["place_not_understood"] = value if value and pick.place is None and not pick.choices else None
    return pick.place


def _kind_checkboxes() -> tuple[str, ...]:
    chosen = []
    with st.expander(T.KINDS_HEADER, expanded=True):
        for family in FAMILIES:
            st.caption(T.FAMILY_LABELS[family])
            for kind in (k for k in KINDS if k.family == family):
                if st.checkbox(kind.code, key=f"t_{kind.code}", help=f"{kind.label} — {kind.legal_basis}", bind=URL):
                    chosen.append(kind.code)
    return tuple(chosen)


def _place_filters() -> tuple[Place | None, int, bool]:
    """The place box, the radius and "include intervention areas" (both off without a place)."""
    typed = st.selectbox(
        T.PLACE_LABEL, places().options, index=None, key="lieu", placeholder=T.PLACE_PLACEHOLDER,
        help=T.PLACE_HELP.format(population=french_number(OFFERED_MIN_POPULATION)), accept_new_options=True, bind=URL,
    )  # fmt: skip
    place = _pick_place(typed)
    radius = st.slider(T.RADIUS_LABEL, 0, 200, DEFAULT_RADIUS, step=5, key="rayon", disabled=place is None, bind=URL)
    include_area = st.checkbox(T.AREA_LABEL, key="zone", help=T.AREA_HELP, disabled=place is None, bind=URL)
    return place, radius, include_area


def _code_filters(sectors: dict[str, str]) -> tuple[str, str]:
    """NAF and CPV boxes, with what a CPV code is searched as and a warning for an unreadable code."""
    naf = st.text_input(T.NAF_LABEL, key="naf", help=T.NAF_HELP, bind=URL).strip()
    cpv = st.text_input(T.CPV_LABEL, key="cpv", help=T.CPV_HELP, bind=URL).strip()
    if cpv:
        mapped = sectors_for_cpv(cpv)
        if not mapped:
            st.warning(T.CPV_UNKNOWN.format(code=cpv))
        else:
            names = ", ".join(sectors.get(s, s) for s in mapped)
            st.caption(T.CPV_MAPS_TO.format(code=cpv, label=cpv_label(cpv) or "", sectors=names))
    if naf and not normalise_naf_code(naf) and not naf.replace(".", "").isalnum():
        st.warning(T.NAF_UNREADABLE.format(code=naf))
    return naf, cpv


def _territory_filters() -> dict[str, tuple[str, ...]]:
    """Départements, régions, EPCI and headcount bands, as `SearchQuery` fields."""
    names = state.territory_names()
    chosen = {
        field: st.multiselect(label, list(options), format_func=options.__getitem__, key=key, bind=URL)
        for field, label, options, key in (
            ("departments", T.DEPARTMENTS_LABEL, names.departments, "dep"),
            ("regions", T.REGIONS_LABEL, names.regions, "reg"),
            ("epcis", T.EPCI_LABEL, names.epcis, "epci"),
        )
    }
    bands = [label for code, label in HEADCOUNT_BANDS.items() if code != "NN"]
    chosen["headcount_bands"] = st.multiselect(T.HEADCOUNT_LABEL, bands, key="effectif", bind=URL)
    return {field: tuple(values) for field, values in chosen.items()}


def more_filters_in_use() -> bool:
    """Whether a filter of « Plus de filtres » holds a value other than its default: in this session,
    or in the page address (a link, or the URL a drawn widget keeps: `st.query_params` lists only
    non-default values)."""
    defaults = filter_defaults()
    if any(st.session_state.get(key, defaults[key]) != defaults[key] for key in MORE_FILTER_KEYS):
        return True
    return any(key in st.query_params for key in MORE_FILTER_KEYS)


def _more_filters(sectors: dict[str, str]) -> dict[str, object]:
    """« Plus de filtres », its widgets drawn only when open or in use (see the module docstring); what
    they chose, as `SearchQuery` fields (none when not drawn: every one at its default)."""
    in_use = more_filters_in_use()
    if MORE_FILTERS_KEY not in st.session_state:  # the session's first run: a link's filters shown open
        st.session_state[MORE_FILTERS_KEY] = in_use
    with st.expander(T.MORE_FILTERS, key=MORE_FILTERS_KEY, on_change="rerun") as section:
        if not (section.open or in_use):
            return {}
        naf, cpv = _code_filters(sectors)
        territories = _territory_filters()
        fresh = st.checkbox(T.FRESH_LABEL, key="recent", help=T.FRESH_HELP, bind=URL)
        won = st.checkbox(T.CONTRACTS_FILTER_LABEL, key="marches", help=T.CONTRACTS_FILTER_HELP, bind=URL)
    return {"naf": naf or None, "cpv": cpv or None, "fresh_only": bool(fresh), "won_contracts": bool(won),
            **territories}  # fmt: skip


def filter_defaults() -> dict[str, object]:
    """Every filter's key and its value on a fresh search page (what "Effacer les filtres" restores)."""
    defaults: dict[str, object] = {"lieu": None, "rayon": DEFAULT_RADIUS, "zone": False, "secteurs": [], "q": "",
                                   "naf": "", "cpv": "", "dep": [], "reg": [], "epci": [], "effectif": [],
                                   "recent": False, "marches": False, "tri": next(iter(T.SORT_OPTIONS))}  # fmt: skip
    defaults.update({f"t_{kind.code}": False for kind in KINDS})
    return defaults


def _sort(chosen: str, has_place: bool) -> str:
    """The order searched: by distance only around a place, else by name."""
    return chosen if has_place or chosen != "distance" else "name"


def default_query() -> SearchQuery:
    """The query of a fresh search page, every filter at its default (`sidebar_query` with nothing
    chosen): the search `ui.warmup` prepares the map of before the first visitor."""
    return SearchQuery(sort=_sort(str(filter_defaults()["tri"]), has_place=False))


def _clear_filters() -> None:
    """Back to a fresh search: every filter to its default, and the page address to the fresh search's
    in ONE write. Left to the widgets, Streamlit removes each reset filter from the address as the run
    draws it, one `pushState` per filter (four for a place, a radius, a kind and a word, spread over the
    run): until ui/search_history.js is running (it comes with the first component, up to seconds after
    the sidebar is usable) each one is a history entry, and Back stopped at a half-cleared search.
    `from_dict({})` empties the address at once (the page's parameters are all filters); the widgets
    then find nothing left to remove."""
    st.session_state.pop("place_choice", None)
    for key, value in filter_defaults().items():
        st.session_state[key] = value
    st.session_state[MORE_FILTERS_KEY] = False  # folded, as on a fresh page
    st.query_params.from_dict({})


def sidebar_query() -> tuple[SearchQuery, str | None]:
    """Draw the filters in the sidebar; return the query and the place label."""
    sectors = state.sector_labels()
    with st.sidebar:
        st.header(T.FILTERS)
        st.button(T.RESET, key="clear_filters", icon=":material/filter_alt_off:", on_click=_clear_filters)
        place, radius, include_area = _place_filters()
        kinds = _kind_checkboxes()
        chosen_sectors = st.multiselect(
            T.SECTORS_LABEL, list(sectors), format_func=sectors.__getitem__, key="secteurs",
            placeholder=T.SECTORS_PLACEHOLDER, bind=URL,
        )  # fmt: skip
        q = st.text_input(T.KEYWORDS_LABEL, key="q", help=T.KEYWORDS_HELP, bind=URL)
        more = _more_filters(sectors)
        sort = st.radio(
            T.SORT_LABEL, list(T.SORT_OPTIONS), format_func=T.SORT_OPTIONS.__getitem__, key="tri",
            horizontal=True, bind=URL,
        )  # fmt: skip
        st.caption(T.SHARE_HINT)
    query = SearchQuery(
        near=(place.lat, place.lon) if place else None,
        radius_km=float(radius) if place else None,
        near_department=place.department if place else None,
        near_region=place.region if place else None,
        include_intervention_area=bool(include_area and place),
        kinds=kinds,
        sectors=tuple(chosen_sectors),
        q=q or None,
        sort=_sort(sort, has_place=place is not None),
        **more,
    )
    return query, place.label if place else None
