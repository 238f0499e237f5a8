"""Two sections of an open meeting: its documents to download, and the attendance record (who
came, what information each supplier was given: the equal-treatment trace)."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from sourcing.db import meeting_files, service
from sourcing.db.engine import session_scope
from sourcing.db.models import Meeting
from sourcing.exports import BRIEFS, MEETING_FILES
from ui import texts as T
from ui.db_actions import flash, run
from ui.downloads import download_button
from ui.lists_format import saved_message


def _build(make_file, *args) -> bytes:
    """`make_file(session, *args).data`, called by a download button when it is clicked (a
    30-supplier pack takes seconds to build: building every file on each rerun would slow the
    whole page down)."""
    with session_scope() as session:
        return make_file(session, *args).data


def _supplier_brief(user: str, meeting: Meeting, invited: pd.DataFrame) -> None:
    names = {str(i): str(n or "") for i, n in zip(invited["id"], invited["name"], strict=True)}
    cols = st.columns([2, 1, 1], vertical_alignment="bottom")
    supplier_id = cols[0].selectbox(
        T.MEETING_BRIEF_PICK, list(names), format_func=names.get, key=f"brief_pick_{meeting.id}"
    )
    for col, (fmt, brief) in zip(cols[1:], BRIEFS.items(), strict=True):
        download_button(
            col,
            brief.label,
            data=partial(_build, meeting_files.supplier_brief, user, meeting.id, supplier_id, fmt),
            file_name=meeting_files.brief_file_name(meeting.start, names[supplier_id], fmt),
            mime=brief.mime,
            help=brief.help,
            key=f"brief_{meeting.id}_{fmt}",
        )


def meeting_files_section(user: str, meeting: Meeting, invited: pd.DataFrame) -> None:
    st.markdown(f"**{T.MEETING_FILES}**")
    if invited.empty:
        st.caption(T.MEETING_FILES_NONE)
        return
    cols = st.columns(3)
    for i, export in enumerate(e for e in MEETING_FILES.values() if e.on_page):
        download_button(
            cols[i % 3],
            export.label,
            data=partial(_build, meeting_files.meeting_file, user, meeting.id, export.kind),
            file_name=meeting_files.file_name(meeting.start, meeting.title, export.kind),
            mime=export.mime,
            help=export.help,
            key=f"meeting_{meeting.id}_{export.kind}",
        )
    _supplier_brief(user, meeting, invited)


def _attended_labels() -> dict[bool | None, str]:
    """Came or not (None: not known yet) as the attendance grid's French choices."""
    options = T.MEETING_ATTENDED_OPTIONS
    return {None: options["unknown"], True: options["yes"], False: options["no"]}


def _attendance_table(invited: pd.DataFrame) -> pd.DataFrame:
    to_label = _attended_labels()
    return pd.DataFrame(
        {
            T.MEETING_SLOT_COL: [
                f"{pd.Timestamp(s):%H:%M}" if s is not None and not pd.isna(s) else "" for s in invited["slot_start"]
            ],
            T.COL_NAME: invited["name"].astype(str),
            T.MEETING_ATTENDED: [to_label[None if pd.isna(a) else bool(a)] for a in invited["attended"]],
            T.MEETING_INFO: invited["info_given"].fillna("").astype(str),
        }
    )


def attendance_section(user: str, meeting_id: int, invited: pd.DataFrame) -> None:
    st.markdown(f"**{T.MEETING_ATTENDANCE}**")
    st.caption(T.MEETING_ATTENDANCE_HINT)
    from_label = {label: came for came, label in _attended_labels().items()}
    table = _attendance_table(invited)
    edited = st.data_editor(
        table,
        hide_index=True,
        width="stretch",
        key=f"attendance_{meeting_id}_{st.session_state['entries_revision']}",
        disabled=[T.MEETING_SLOT_COL, T.COL_NAME],
        column_config={
            T.COL_NAME: st.column_config.TextColumn(T.COL_NAME, width="medium"),
            T.MEETING_ATTENDED: st.column_config.SelectboxColumn(options=list(from_label), required=True),
            T.MEETING_INFO: st.column_config.TextColumn(width="large", max_chars=5000),
        },
    )
    invite_ids = [int(i) for i in invited["invite_id"]]
    came = [from_label[label] for label in edited[T.MEETING_ATTENDED]]
    changed = [
        service.Attendance(invite_ids[i], came[i], edited[T.MEETING_INFO].iloc[i])
        for i in range(len(invited))
        if edited[T.MEETING_ATTENDED].iloc[i] != table[T.MEETING_ATTENDED].iloc[i]
        or (edited[T.MEETING_INFO].iloc[i] or "") != table[T.MEETING_INFO].iloc[i]
    ]
    cols = st.columns([3, 1])
    same = cols[0].text_input(T.MEETING_SAME_INFO, key=f"same_info_{meeting_id}")
    cols[1].write("")
    if cols[1].button(T.MEETING_SAME_INFO_BUTTON, key=f"same_info_btn_{meeting_id}") and same.strip():
        changed = [service.Attendance(i, c, same.strip()) for i, c in zip(invite_ids, came, strict=True)]
    if changed:
        saved = run(service.record_attendances, user, changed)
        st.session_state["entries_revision"] += 1
        if saved:
            names = dict(zip(invite_ids, invited["name"].astype(str), strict=True))
            flash(saved_message([names[record.invite_id] for record in changed]))
            st.rerun()
