"""Database actions from a page: one transaction each, French errors, nothing half-written."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from sourcing.db import service
from sourcing.db.engine import session_scope
from ui import texts as T

R = TypeVar("R")


def run(action: Callable[..., R], *args, **kwargs) -> R | None:
    """`action(session, *args, **kwargs)` in one transaction. A refused action (bad name,
    not allowed, edited meanwhile, gone) shows its French message; a database failure says so.
    Either way nothing is half-written (the transaction is rolled back) and None is returned."""
    try:
        with session_scope() as session:
            return action(session, *args, **kwargs)
    except (ValueError, PermissionError, LookupError, service.ConcurrentEditError) as exc:
        st.error(str(exc), icon=":material/error:")
    except SQLAlchemyError as exc:
        st.error(T.DB_ERROR.format(message=type(exc).__name__), icon=":material/database:")
    return None


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
