"""The suppliers of the open list: the grid of statuses and notes, and one supplier's follow-up
(status and notes, contact log, changes in the directory since it was added).

Supplier text is shown in grids and dataframes only (plain text, never Markdown).
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import streamlit as st

from sourcing.db import STATUSES, service
from ui import texts as T
from ui.db_actions import flash, read, run
from ui.lists_format import local_time, saved_message, value_text


def _changes_column(frame: pd.DataFrame, review: service.ListChanges) -> list[str]:
    return [
        T.NOT_IN_DIRECTORY
        if sid in review.absent
        else ", ".join(service.change_label(k) for k in review.changes.get(int(eid), {}))
        for sid, eid in zip(frame["id"], frame["entry_id"], strict=True)
    ]


def _save(user: str, edits: list[service.FollowUpEdit], names: list[str]) -> None:
    saved = run(service.save_follow_ups, user, edits)
    st.session_state["entries_revision"] += 1  # redraw from the database, saved or refused
    if saved:
        flash(saved_message(names))
        st.rerun()


def entries_grid(user: str, frame: pd.DataFrame, review: service.ListChanges) -> None:
    table = pd.DataFrame(
        {
            # The editable columns first, so they are on screen without scrolling sideways.
            T.COL_NAME: frame["name"].astype(str),
            T.COL_STATUS: frame["status"],
            T.COL_NOTES: frame["notes"].fillna("").astype(str),
            T.COL_KINDS: frame["kinds"],
            T.COL_CITY: frame["city"].fillna("").astype(str),
            T.COL_CHANGES: _changes_column(frame, review),
            T.COL_ADDED: [local_time(v) for v in frame["added_at"]],
        }
    )
    st.caption(T.LIST_EDIT_HINT)
    edited = st.data_editor(
        table,
        hide_index=True,
        width="stretch",
        key=f"entries_{st.session_state.get('shortlist_pick')}_{st.session_state['entries_revision']}",
        disabled=[T.COL_NAME, T.COL_KINDS, T.COL_CITY, T.COL_CHANGES, T.COL_ADDED],
        column_config={
            T.COL_NAME: st.column_config.TextColumn(T.COL_NAME, width="medium"),
            T.COL_KINDS: st.column_config.ListColumn(T.COL_KINDS),
            T.COL_STATUS: st.column_config.SelectboxColumn(T.COL_STATUS, options=list(STATUSES), required=True),
            T.COL_NOTES: st.column_config.TextColumn(T.COL_NOTES, width="medium", max_chars=5000),
        },
    )
    edits, names = [], []
    for pos in range(len(frame)):
        status, notes = edited[T.COL_STATUS].iloc[pos], edited[T.COL_NOTES].iloc[pos] or ""
        if status != frame["status"].iloc[pos] or notes != (frame["notes"].iloc[pos] or ""):
            entry_id, version = int(frame["entry_id"].iloc[pos]), int(frame["version"].iloc[pos])
            edits.append(service.FollowUpEdit(entry_id, version, status, notes))
            names.append(frame["name"].iloc[pos])
    if edits:
        _save(user, edits, names)


def _status_and_notes(user: str, row: pd.Series) -> None:
    """The same status and notes as in the grid, as plain widgets (easier for many buyers)."""
    entry_id, version = int(row["entry_id"]), int(row["version"])
    suffix = f"{entry_id}_{st.session_state['entries_revision']}"
    with st.form(f"follow_up_{suffix}", border=False):
        cols = st.columns([1, 2])
        status = cols[0].selectbox(T.COL_STATUS, list(STATUSES), index=list(STATUSES).index(row["status"]))
        notes = cols[1].text_area(T.COL_NOTES, value=row["notes"] or "", max_chars=5000, height=80)
        if st.form_submit_button(T.ENTRY_SAVE, icon=":material/save:"):
            _save(user, [service.FollowUpEdit(entry_id, version, status, notes)], [row["name"]])


def _contacts(user: str, entry_id: int) -> None:
    st.markdown(f"**{T.ENTRY_CONTACTS}**")
    log = read(service.contact_log, user, entry_id) or []
    if log:
        st.dataframe(
            pd.DataFrame(
                {
                    T.CONTACT_DATE: [local_time(c.at) for c in log],
                    T.CONTACT_CHANNEL: [c.channel for c in log],
                    T.CONTACT_TEXT: [c.text for c in log],
                    T.CONTACT_AUTHOR: [c.author for c in log],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    else:
        st.caption(T.ENTRY_NO_CONTACT)
    with st.form(f"contact_{entry_id}", clear_on_submit=True):
        cols = st.columns(2)
        channel = cols[0].selectbox(T.CONTACT_CHANNEL, service.CHANNELS)
        when = cols[1].date_input(T.CONTACT_DATE, value=date.today(), format="DD/MM/YYYY")
        text = st.text_area(T.CONTACT_TEXT, placeholder=T.CONTACT_TEXT_PLACEHOLDER, max_chars=5000)
        if st.form_submit_button(T.CONTACT_ADD, icon=":material/add_call:"):
            at = datetime.combine(when, datetime.now().time()).astimezone()
            if run(service.add_contact, user, entry_id, channel, text, at=at) is not None:
                flash(T.CONTACT_ADDED)
                st.rerun()


def _changes(user: str, row: pd.Series, review: service.ListChanges) -> None:
    st.markdown(f"**{T.ENTRY_CHANGES}**")
    entry_id = int(row["entry_id"])
    now = review.current.get(row["id"])
    found = review.changes.get(entry_id, {})
    if now is None:
        st.caption(T.ENTRY_ABSENT)
    elif not found:
        st.caption(T.ENTRY_NO_CHANGE)
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    T.CHANGE_FIELD: [service.change_label(k) for k in found],
                    T.CHANGE_OLD: [value_text(old) for old, _ in found.values()],
                    T.CHANGE_NEW: [value_text(new) for _, new in found.values()],
                }
            ),
            hide_index=True,
            width="stretch",
        )
        if st.button(T.ENTRY_ACCEPT, key=f"accept_{entry_id}"):
            if run(service.refresh_snapshot, user, entry_id, now) is not None:
                flash(T.ENTRY_ACCEPTED)
                st.rerun()
    if st.button(T.ENTRY_REMOVE, icon=":material/remove_circle:", key=f"remove_{entry_id}"):
        if run(lambda s: service.remove_entry(s, user, entry_id) or True):
            st.session_state["entries_revision"] += 1
            flash(T.ENTRY_REMOVED.format(name=row["name"]))
            st.rerun()


def entry_follow_up(user: str, frame: pd.DataFrame, review: service.ListChanges) -> None:
    st.subheader(T.ENTRY_HEADER)
    labels = {
        int(e): f"{n} — {c}" if c else str(n)
        for e, n, c in zip(frame["entry_id"], frame["name"], frame["city"], strict=True)
    }
    entry_id = st.selectbox(T.ENTRY_PICK, list(labels), format_func=labels.get, key="entry_pick")
    if entry_id is None:
        return
    row = frame[frame["entry_id"] == entry_id].iloc[0]
    _status_and_notes(user, row)
    log_col, change_col = st.columns(2)
    with log_col:
        _contacts(user, int(entry_id))
    with change_col:
        _changes(user, row, review)
