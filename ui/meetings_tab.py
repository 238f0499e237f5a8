"""Tab "Rencontres": prepare a buyer–supplier meeting from a list (one call to
`service.create_meeting_from_shortlist`), then its schedule, documents and attendance.

What the buyer typed (place, purpose) is shown as plain text or escaped, never as Markdown.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd
import streamlit as st

from sourcing.db import STATUSES, service
from sourcing.db.models import Meeting
from sourcing.frenchfmt import french_date
from sourcing.model import KIND_BY_CODE
from sourcing.schedule import MeetingPlan
from ui import texts as T
from ui.db_actions import delete_with_confirmation, flash, prepare_pick, read, run
from ui.meeting_sections import attendance_section, meeting_files_section
from ui.safe_text import md_text


def _index(options: dict, state_key: str) -> int:
    keys = list(options)
    current = st.session_state.get(state_key)
    return keys.index(current) if current in keys else 0


def _new_meeting_form(user: str) -> None:
    infos = read(service.list_shortlists, user) or []
    with st.expander(T.MEETING_NEW, expanded=not read(service.list_meetings, user)):
        st.caption(T.MEETING_EXPLAIN)
        if not infos:
            st.info(T.MEETING_NO_LIST)
            return
        names = {i.id: i.name for i in infos}
        with st.form("new_meeting"):
            title = st.text_input(T.MEETING_TITLE, placeholder=T.MEETING_TITLE_PLACEHOLDER, max_chars=300)
            purpose = st.text_area(T.MEETING_PURPOSE, max_chars=3000)
            cols = st.columns(3)
            day = cols[0].date_input(T.MEETING_DATE, value=date.today() + timedelta(days=14), format="DD/MM/YYYY")
            start = cols[1].time_input(T.MEETING_TIME, value=time(9, 0), step=timedelta(minutes=15))
            place = cols[2].text_input(T.MEETING_PLACE, max_chars=500)
            cols = st.columns(2)
            slot = cols[0].number_input(T.MEETING_SLOT, min_value=5, max_value=180, value=20, step=5)
            pause = cols[1].number_input(T.MEETING_BREAK, min_value=0, max_value=60, value=5, step=5)
            cols = st.columns(3)
            list_id = cols[0].selectbox(
                T.MEETING_FROM_LIST, list(names), format_func=names.get, index=_index(names, "shortlist_pick")
            )
            statuses = cols[1].multiselect(
                T.MEETING_STATUSES, list(STATUSES), default=list(service.DEFAULT_INVITED_STATUSES)
            )
            order = cols[2].selectbox(T.MEETING_ORDER, list(T.MEETING_ORDERS), format_func=T.MEETING_ORDERS.get)
            if st.form_submit_button(T.MEETING_CREATE, type="primary", icon=":material/event:"):
                plan = MeetingPlan(title, purpose, datetime.combine(day, start), place, int(slot), int(pause))
                prepared = run(
                    service.create_meeting_from_shortlist, user, list_id, plan, statuses=statuses, order=order
                )
                if prepared is not None:
                    st.session_state["next_meeting_pick"] = prepared.meeting.id
                    flash(T.MEETING_CREATED.format(title=prepared.meeting.title, n=prepared.invited))
                    st.rerun()


def _pick_meeting(user: str) -> Meeting | None:
    meetings = read(service.list_meetings, user) or []
    if not meetings:
        st.caption(T.MEETING_NONE)
        return None
    by_id = {m.id: m for m in meetings}
    prepare_pick("meeting_pick", by_id, default=meetings[-1].id)
    meeting_id = st.selectbox(
        T.MEETING_PICK,
        list(by_id),
        format_func=lambda i: T.MEETING_OPTION.format(date=french_date(by_id[i].start), title=by_id[i].title),
        key="meeting_pick",
    )
    return by_id[meeting_id]


def _schedule(user: str, meeting_id: int, slots: list, invited: pd.DataFrame) -> None:
    st.markdown(f"**{T.MEETING_SCHEDULE}**")
    contacts = {str(r["id"]): r for _, r in invited.iterrows()}
    st.dataframe(
        pd.DataFrame(
            {
                T.MEETING_SLOT_COL: [s.label for s in slots],
                T.COL_NAME: [s.supplier_name for s in slots],
                T.COL_KINDS: [
                    ", ".join(k for k in contacts[s.supplier_id]["kinds"] if k in KIND_BY_CODE) for s in slots
                ],
                "Courriel": [str(contacts[s.supplier_id]["email"] or "") for s in slots],
                "Téléphone": [str(contacts[s.supplier_id]["phone"] or "") for s in slots],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    cols = st.columns([2, 1])
    order = cols[0].selectbox(
        T.MEETING_ORDER, list(T.MEETING_ORDERS), format_func=T.MEETING_ORDERS.get, key=f"order_{meeting_id}"
    )
    cols[1].write("")
    if cols[1].button(T.MEETING_REPLAN, key=f"replan_{meeting_id}"):
        if run(service.plan_schedule, user, meeting_id, order=order) is not None:
            flash(T.MEETING_REPLANNED)
            st.rerun()


def _meeting_detail(user: str) -> None:
    meeting = _pick_meeting(user)
    if meeting is None:
        return
    st.markdown(
        T.MEETING_WHEN.format(date=french_date(meeting.start), time=f"{meeting.start:%H:%M}", slot=meeting.slot_minutes)
    )
    # Plain text: a link or an address typed by the buyer is shown exactly, never as Markdown.
    st.text(T.MEETING_WHERE.format(place=meeting.place_or_link or "—"))
    if meeting.purpose:
        st.caption(md_text(meeting.purpose))
    slots = read(service.stored_schedule, user, meeting.id) or []
    invited = read(service.invited_suppliers, user, meeting.id)
    if invited is None:
        return
    _schedule(user, meeting.id, slots, invited)
    meeting_files_section(user, meeting, invited)
    attendance_section(user, meeting.id, invited)
    delete_with_confirmation(
        st, T.MEETING_DELETE, "del_meeting", meeting.id,
        question=T.MEETING_DELETE_CONFIRM.format(title=meeting.title),
        delete=lambda session: service.delete_meeting(session, user, meeting.id, confirm=True),
        done=T.MEETING_DELETED.format(title=meeting.title), next_pick_key="next_meeting_pick",
    )  # fmt: skip


def meetings_tab(user: str) -> None:
    _new_meeting_form(user)
    _meeting_detail(user)
