"""Database actions from a page: one transaction each, French errors, nothing half-written."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TypeVar

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from sourcing.db import engine, service
from sourcing.db.engine import session_scope
from sourcing.db.faults import DatabaseFault
from ui import texts as T

R = TypeVar("R")


def run(action: Callable[..., R], *args, **kwargs) -> R | None:
    """`action(session, *args, **kwargs)` in one transaction. A refused action (bad name,
    not allowed, edited meanwhile, gone) shows its French message; a database failure says so.
    Either way nothing is half-written (the transaction is rolled back) and None is returned."""
    return _shown(lambda: _in_transaction(action, args, kwargs))


def read(action: Callable[..., R], *args, **kwargs) -> R | None:
    """`action(session, *args, **kwargs)` for a read: retried once after a lost connection, and
    still answered when the database refuses writes; a failure is shown as by `run`."""
    return _shown(lambda: engine.read(action, *args, **kwargs))


def _in_transaction(action: Callable[..., R], args: tuple, kwargs: dict) -> R:
    with session_scope() as session:
        return action(session, *args, **kwargs)


def _shown(call: Callable[[], R]) -> R | None:
    try:
        return call()
    except (ValueError, PermissionError, LookupError, service.ConcurrentEditError) as exc:
        st.error(str(exc), icon=":material/error:")
    except DatabaseFault as exc:  # read-only, unavailable: what and where, in French
        st.error(str(exc), icon=":material/database:")
    except SQLAlchemyError as exc:
        st.error(T.DB_ERROR.format(message=type(exc).__name__), icon=":material/database:")
    return None


def prepare_pick(key: str, choices: Collection[int], default: int) -> None:
    """Before the selector `key` is drawn: apply the pick the last action asked for in
    `next_{key}` (an item just created; None after a delete), and fall back to `default` when
    the picked item is gone (Streamlit refuses to change a drawn widget's value)."""
    next_key = f"next_{key}"
    if next_key in st.session_state:
        st.session_state[key] = st.session_state.pop(next_key)
    if st.session_state.get(key) not in choices:
        st.session_state[key] = default


def delete_with_confirmation(
    container,
    label: str,
    prefix: str,
    item_id: int,
    *,
    question: str,
    delete: Callable[[Session], object],
    done: str,
    next_pick_key: str,
    disabled: bool = False,
) -> None:
    """A delete button (key `{prefix}_{item_id}`) that asks `question` with Yes / No first; Yes
    runs `delete(session)` in one transaction, then the page picks another item and says `done`."""
    confirm_key = f"confirm_{prefix}_{item_id}"
    if container.button(label, icon=":material/delete:", key=f"{prefix}_{item_id}", disabled=disabled):
        st.session_state[confirm_key] = True
    if not st.session_state.get(confirm_key):
        return
    st.warning(question)
    yes, no = st.columns(2)
    if yes.button(T.LIST_DELETE_YES, type="primary", key=f"{prefix}_yes_{item_id}"):
        st.session_state.pop(confirm_key, None)
        if run(lambda session: delete(session) or True):
            st.session_state[next_pick_key] = None
            flash(done)
            st.rerun()
    if no.button(T.LIST_DELETE_NO, key=f"{prefix}_no_{item_id}"):
        st.session_state.pop(confirm_key, None)
        st.rerun()


def flash(message: str) -> None:
    """A confirmation to show after the rerun that follows a change (st.rerun drops what was drawn)."""
    st.session_state["flash"] = message


def show_flash() -> None:
    # The slot is drawn on every run, message or not: an element appearing above st.tabs would
    # shift them, and the browser would redraw them on their first tab (a buyer who had just
    # created a meeting found themselves back on "Mes listes").
    slot = st.container()
    message = st.session_state.pop("flash", None)
    if message:
        slot.success(message, icon=":material/check_circle:")
