"""On the search page: put the checked results, or the supplier of the open card (a row or a map
marker), into one of the buyer's lists, or into a new one."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sourcing.db import service
from ui import state
from ui import texts as T
from ui.db_actions import read, run

NEW_LIST = -1  # the "new list…" choice of the target selector
LISTS_PAGE = "ui/pages/listes.py"


def _lists(user: str) -> dict[int, str]:
    infos = read(service.list_shortlists, user) or []
    return {i.id: i.name for i in infos}


def _add(user: str, rows: pd.DataFrame) -> bool:
    """Add `rows` to the target list (created first when it is new), in one transaction."""
    target = st.session_state.get("target_list")
    new_name = st.session_state.get("add_new_name", "")

    def add(session) -> tuple[int, str, int]:
        if target == NEW_LIST or target is None:
            shortlist = service.create_shortlist(session, user, new_name)
        else:
            shortlist = service.get_shortlist(session, user, target)
        return shortlist.id, shortlist.name, service.add_suppliers(session, user, shortlist.id, rows)

    done = run(add)
    if done is None:
        return False
    list_id, name, added = done
    st.session_state["next_shortlist_pick"] = list_id  # opened on "Listes et rencontres"
    st.session_state["add_feedback"] = T.ADD_DONE.format(added=added, name=name, already=len(rows) - added)
    st.session_state["pending_target"] = list_id  # applied before the selector is drawn again
    return True


def _keep_target() -> None:
    st.session_state["target_list"] = st.session_state["target_list_box"]


def _target_selector(user: str, container) -> dict[int, str]:
    """The list to add to. The choice lives in "target_list", a plain session key: Streamlit forgets a
    widget's own key on a page that does not draw it, so the box is only a view of that choice."""
    lists = _lists(user)
    options = [*lists, NEW_LIST]
    pending = st.session_state.pop("pending_target", None)
    if pending in options:
        st.session_state["target_list"] = pending
    if st.session_state.get("target_list") not in options:
        st.session_state["target_list"] = options[0]
    st.session_state["target_list_box"] = st.session_state["target_list"]
    container.selectbox(
        T.ADD_TARGET, options, format_func=lambda i: lists.get(i, T.ADD_NEW_OPTION), key="target_list_box",
        on_change=_keep_target,
    )  # fmt: skip
    return lists


def add_checked_panel(checked: pd.DataFrame) -> None:
    """Below the results grid: target list, new list name, and "add the N checked suppliers"."""
    user = state.current_user()
    if user is None:
        return
    state.database_ready()
    with st.container(border=True):
        st.markdown(f"**{T.ADD_HEADER}**")
        cols = st.columns([2, 2, 2])
        _target_selector(user, cols[0])
        if st.session_state.get("target_list") == NEW_LIST:
            cols[1].text_input(T.ADD_NEW_NAME, key="add_new_name", placeholder=T.LIST_NEW_PLACEHOLDER)
        cols[2].write("")
        if cols[2].button(
            T.ADD_SELECTED.format(n=len(checked)),
            disabled=checked.empty,
            help=T.ADD_NONE_SELECTED if checked.empty else None,
            type="primary",
            icon=":material/playlist_add:",
            key="add_checked",
        ):
            _add(user, checked)
        feedback = st.session_state.pop("add_feedback", None)
        if feedback:
            st.success(feedback, icon=":material/check_circle:")
            st.page_link(LISTS_PAGE, label=T.ADD_GO, icon=":material/checklist:")


def add_one_button(container, row: pd.Series) -> None:
    """On the supplier's card: add this one supplier to the target list."""
    user = state.current_user()
    if user is None:
        return
    target = st.session_state.get("target_list")
    lists = _lists(user)
    if target in lists:
        label = T.ADD_ONE.format(name=lists[target])
    else:
        label = T.ADD_HEADER
    if container.button(label, icon=":material/playlist_add:", key="add_one"):
        if _add(user, row.to_frame().T):
            st.rerun()  # the panel above shows the result
