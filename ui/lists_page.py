"""Page "Listes et rencontres": the buyer's shortlists (status, notes, contact log, changes since
added, exports) and buyer–supplier meetings (schedule, documents, attendance).

The page only gathers input and shows output: the rules are `sourcing.db.service`, the files
`sourcing.db.meeting_files` and `sourcing.exports`. Supplier text is untrusted: it is shown in
grids (plain text) or escaped (`_md_text`) before any Markdown.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import partial

import pandas as pd
import streamlit as st

from sourcing.db import STATUSES, meeting_files, service
from sourcing.db.engine import session_scope
from sourcing.db.models import Meeting
from sourcing.exports import BRIEFS, MEETING_FILES, TABLES, export_shortlist, shortlist_file_name
from sourcing.model import KIND_BY_CODE
from ui import state
from ui import texts as T
from ui.db_actions import flash, run, show_flash
from ui.safe_text import md_text as _md_text

# Fields whose change a buyer cares about, with their French names (others are shown by code).
CHANGE_LABELS: dict[str, str] = {
    "name": "Raison sociale",
    "trade_name": "Nom commercial",
    "kinds": "Types",
    "sectors": "Secteurs",
    "address": "Adresse",
    "postal_code": "Code postal",
    "city": "Commune",
    "email": "Courriel",
    "phone": "Téléphone",
    "website": "Site web",
    "headcount_band": "Effectif",
    "labels": "Labels et réseaux",
    "legal_form": "Forme juridique",
    "naf": "Code NAF",
    "intervention_area": "Zone d'intervention",
}
IGNORED_CHANGES = {"source_name", "source_date", "source_line", "lat", "lon", "geo_precision", "id"}


def _plural(n: int) -> str:
    return "s" if n > 1 else ""


def _local_time(moment: datetime | None) -> str:
    """A stored UTC time as Paris date and time for the buyer."""
    if moment is None or pd.isna(moment):
        return ""
    stamp = pd.Timestamp(moment)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp
    return stamp.tz_convert("Europe/Paris").strftime("%d/%m/%Y %H:%M")


def _value_text(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


# --- Shortlists ------------------------------------------------------------------------------


def _pick_list(user: str) -> service.ShortlistInfo | None:
    infos = run(service.list_shortlists, user) or []
    if not infos:
        st.info(T.LISTS_NONE)
        return None
    by_id = {i.id: i for i in infos}
    # A list just created, duplicated or deleted is picked here, before the selector exists.
    if "next_shortlist_pick" in st.session_state:
        st.session_state["shortlist_pick"] = st.session_state.pop("next_shortlist_pick")
    if st.session_state.get("shortlist_pick") not in by_id:
        st.session_state["shortlist_pick"] = infos[0].id

    def label(list_id: int) -> str:
        info = by_id[list_id]
        text = T.LIST_OPTION_SHARED if info.shared else T.LIST_OPTION
        return text.format(name=info.name, n=info.entries, s=_plural(info.entries), owner=info.owner)

    chosen = st.selectbox(T.LIST_PICK, list(by_id), format_func=label, key="shortlist_pick")
    return by_id[chosen]


def _new_list_form(user: str) -> None:
    with st.form("new_list", clear_on_submit=True, border=False):
        name = st.text_input(T.LIST_NEW_NAME, placeholder=T.LIST_NEW_PLACEHOLDER, key="new_list_name")
        if st.form_submit_button(T.LIST_CREATE, icon=":material/add:"):
            created = run(service.create_shortlist, user, name)
            if created is not None:
                st.session_state["next_shortlist_pick"] = created.id
                flash(T.LIST_CREATED.format(name=created.name))
                st.rerun()


def _manage(user: str, info: service.ShortlistInfo) -> None:
    with st.expander(T.LIST_MANAGE):
        if info.shared:
            st.caption(T.LIST_OWNER_ONLY.format(owner=info.owner))
        cols = st.columns([3, 1])
        new_name = cols[0].text_input(T.LIST_RENAME, value=info.name, key=f"rename_{info.id}", disabled=info.shared)
        cols[1].write("")
        if cols[1].button(T.LIST_RENAME_BUTTON, key=f"rename_btn_{info.id}", disabled=info.shared):
            renamed = run(service.rename_shortlist, user, info.id, new_name)
            if renamed is not None:
                flash(T.LIST_RENAMED.format(name=renamed.name))
                st.rerun()
        cols = st.columns(2)
        if cols[0].button(T.LIST_DUPLICATE, icon=":material/content_copy:", key=f"dup_{info.id}"):
            copy = run(service.duplicate_shortlist, user, info.id)
            if copy is not None:
                st.session_state["next_shortlist_pick"] = copy.id
                flash(T.LIST_DUPLICATED.format(name=copy.name))
                st.rerun()
        confirm_key = f"confirm_delete_{info.id}"
        if cols[1].button(T.LIST_DELETE, icon=":material/delete:", key=f"del_{info.id}", disabled=info.shared):
            st.session_state[confirm_key] = True
        if st.session_state.get(confirm_key):
            st.warning(T.LIST_DELETE_CONFIRM.format(name=info.name, n=info.entries))
            yes, no = st.columns(2)
            if yes.button(T.LIST_DELETE_YES, type="primary", key=f"del_yes_{info.id}"):
                st.session_state.pop(confirm_key, None)
                if run(lambda s: service.delete_shortlist(s, user, info.id, confirm=True) or True):
                    st.session_state["next_shortlist_pick"] = None
                    flash(T.LIST_DELETED.format(name=info.name))
                    st.rerun()
            if no.button(T.LIST_DELETE_NO, key=f"del_no_{info.id}"):
                st.session_state.pop(confirm_key, None)
                st.rerun()
        if state.auth_enabled() and not info.shared:
            _sharing(user, info)


def _sharing(user: str, info: service.ShortlistInfo) -> None:
    users = run(service.shared_with, user, info.id) or []
    if users:
        st.caption(T.LIST_SHARED_WITH.format(users=", ".join(users)))
        for other in users:
            if st.button(T.LIST_UNSHARE.format(user=other), key=f"unshare_{info.id}_{other}"):
                run(service.unshare_shortlist, user, info.id, other)  # an error is shown by run
                st.rerun()
    cols = st.columns([3, 1])
    other = cols[0].text_input(T.LIST_SHARE, key=f"share_{info.id}")
    cols[1].write("")
    if cols[1].button(T.LIST_SHARE_BUTTON, key=f"share_btn_{info.id}") and other.strip():
        if run(lambda s: service.share_shortlist(s, user, info.id, other.strip()) or True):
            flash(T.LIST_SHARED.format(user=other.strip()))
            st.rerun()


def _current_rows(frame: pd.DataFrame) -> dict[str, pd.Series]:
    """Each listed supplier's row in the directory loaded now (absent ones are left out)."""
    directory = state.load_directory(st.session_state.directory_key)
    wanted = set(frame["id"])
    rows = directory[directory["id"].astype(str).isin(wanted)]
    return {str(r["id"]): r for _, r in rows.iterrows()}


def _changes(frame: pd.DataFrame, current: dict[str, pd.Series]) -> dict[int, dict[str, tuple]]:
    out: dict[int, dict[str, tuple]] = {}
    for _, row in frame.iterrows():
        now = current.get(row["id"])
        if now is None:
            continue
        # Through supplier_snapshot: the frame's missing numbers are NaN where the snapshot had None.
        changed = service.changes_since_snapshot(service.supplier_snapshot(row), now)
        out[int(row["entry_id"])] = {k: v for k, v in changed.items() if k not in IGNORED_CHANGES}
    return out


def _saved(names: list[str]) -> str:
    """The confirmation after a save, naming what was saved (the first three, then "…")."""
    shown = ", ".join(str(n) for n in names[:3]) + (", …" if len(names) > 3 else "")
    return T.LIST_SAVED.format(n=len(names), names=shown)


def _entries_grid(user: str, frame: pd.DataFrame, changes: dict[int, dict[str, tuple]], absent: set[str]) -> None:
    table = pd.DataFrame(
        {
            # The editable columns first, so they are on screen without scrolling sideways.
            T.COL_NAME: frame["name"].astype(str),
            T.COL_STATUS: frame["status"],
            T.COL_NOTES: frame["notes"].fillna("").astype(str),
            T.COL_KINDS: frame["kinds"],
            T.COL_CITY: frame["city"].fillna("").astype(str),
            T.COL_CHANGES: [
                T.NOT_IN_DIRECTORY
                if sid in absent
                else ", ".join(CHANGE_LABELS.get(k, k) for k in changes.get(int(eid), {}))
                for sid, eid in zip(frame["id"], frame["entry_id"], strict=True)
            ],
            T.COL_ADDED: [_local_time(v) for v in frame["added_at"]],
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
    saves = []
    for pos in range(len(frame)):
        entry_id, version = int(frame["entry_id"].iloc[pos]), int(frame["version"].iloc[pos])
        status, notes = edited[T.COL_STATUS].iloc[pos], edited[T.COL_NOTES].iloc[pos] or ""
        if status != frame["status"].iloc[pos] or notes != (frame["notes"].iloc[pos] or ""):
            saves.append((entry_id, version, status, notes, frame["name"].iloc[pos]))
    if saves:

        def save(session) -> int:
            for entry_id, version, status, notes, _ in saves:
                entry = service.set_status(session, user, entry_id, status, expected_version=version)
                service.set_notes(session, user, entry_id, notes, expected_version=entry.version)
            return len(saves)

        saved = run(save)
        st.session_state["entries_revision"] += 1  # redraw from the database, saved or refused
        if saved:
            flash(_saved([name for *_, name in saves]))
            st.rerun()


def _status_and_notes(user: str, row: pd.Series) -> None:
    """The same status and notes as in the grid, as plain widgets (easier for many buyers)."""
    entry_id, version = int(row["entry_id"]), int(row["version"])
    suffix = f"{entry_id}_{st.session_state['entries_revision']}"
    with st.form(f"follow_up_{suffix}", border=False):
        cols = st.columns([1, 2])
        status = cols[0].selectbox(T.COL_STATUS, list(STATUSES), index=list(STATUSES).index(row["status"]))
        notes = cols[1].text_area(T.COL_NOTES, value=row["notes"] or "", max_chars=5000, height=80)
        if st.form_submit_button(T.ENTRY_SAVE, icon=":material/save:"):

            def save(session) -> bool:
                entry = service.set_status(session, user, entry_id, status, expected_version=version)
                service.set_notes(session, user, entry_id, notes, expected_version=entry.version)
                return True

            saved = run(save)
            st.session_state["entries_revision"] += 1  # redraw from the database next time
            if saved:
                flash(_saved([row["name"]]))
                st.rerun()


def _entry_follow_up(user: str, frame: pd.DataFrame, changes, current: dict[str, pd.Series]) -> None:
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
        st.markdown(f"**{T.ENTRY_CONTACTS}**")
        log = run(service.contact_log, user, entry_id) or []
        if log:
            st.dataframe(
                pd.DataFrame(
                    {
                        T.CONTACT_DATE: [_local_time(c.at) for c in log],
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
    with change_col:
        st.markdown(f"**{T.ENTRY_CHANGES}**")
        now = current.get(row["id"])
        found = changes.get(int(entry_id), {})
        if now is None:
            st.caption(T.ENTRY_ABSENT)
        elif not found:
            st.caption(T.ENTRY_NO_CHANGE)
        else:
            st.dataframe(
                pd.DataFrame(
                    {
                        T.CHANGE_FIELD: [CHANGE_LABELS.get(k, k) for k in found],
                        T.CHANGE_OLD: [_value_text(old) for old, _ in found.values()],
                        T.CHANGE_NEW: [_value_text(new) for _, new in found.values()],
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


def _exports(info: service.ShortlistInfo, frame: pd.DataFrame) -> None:
    st.subheader(T.EXPORT_HEADER)
    for col, export in zip(st.columns(len(TABLES)), TABLES.values(), strict=True):
        col.download_button(
            export.label,
            data=partial(export_shortlist, frame, export.kind),
            file_name=shortlist_file_name(info.name, export),
            mime=export.mime,
            icon=":material/download:",
            help=export.help,
            on_click="ignore",
            key=f"export_{export.kind}",
        )


def _lists_tab(user: str) -> None:
    info = _pick_list(user)
    with st.expander(T.LIST_NEW, expanded=info is None):
        _new_list_form(user)
    if info is None:
        return
    _manage(user, info)
    frame = run(service.entries_frame, user, info.id)
    if frame is None:
        return
    if frame.empty:
        st.info(T.LIST_EMPTY)
        return
    counts = frame["status"].value_counts()
    by_status = ", ".join(f"{int(counts[s])} {s}" for s in STATUSES if s in counts.index)
    st.markdown(_md_text(T.LIST_SUMMARY.format(n=len(frame), by_status=by_status)))
    current = _current_rows(frame)
    changes = _changes(frame, current)
    absent = set(frame["id"]) - set(current)
    changed = sum(1 for c in changes.values() if c)
    if changed:
        st.info(T.LIST_CHANGED_NOTE.format(n=changed), icon=":material/update:")
    _entries_grid(user, frame, changes, absent)
    _exports(info, frame)
    _entry_follow_up(user, frame, changes, current)


# --- Meetings ----------------------------------------------------------------------------------


def _new_meeting_form(user: str) -> None:
    infos = run(service.list_shortlists, user) or []
    with st.expander(T.MEETING_NEW, expanded=not run(service.list_meetings, user)):
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
                T.MEETING_STATUSES, list(STATUSES), default=[s for s in STATUSES if s != "décliné"]
            )
            order = cols[2].selectbox(T.MEETING_ORDER, list(T.MEETING_ORDERS), format_func=T.MEETING_ORDERS.get)
            if st.form_submit_button(T.MEETING_CREATE, type="primary", icon=":material/event:"):

                def create(session):
                    meeting = service.create_meeting(
                        session, user, title=title, purpose=purpose, start=datetime.combine(day, start),
                        place_or_link=place, slot_minutes=int(slot), break_minutes=int(pause), shortlist_id=list_id,
                    )  # fmt: skip
                    chosen = [e for e in service.entries(session, user, list_id) if e.status in statuses]
                    if not chosen:
                        raise ValueError(T.MEETING_NONE_MATCH)
                    service.invite_suppliers(session, user, meeting.id, [(e.supplier_id, e.snapshot) for e in chosen])
                    service.plan_schedule(session, user, meeting.id, order=order)
                    return meeting, len(chosen)

                created = run(create)
                if created is not None:
                    meeting, n = created
                    st.session_state["next_meeting_pick"] = meeting.id
                    flash(T.MEETING_CREATED.format(title=meeting.title, n=n))
                    st.rerun()


def _index(options: dict, state_key: str) -> int:
    keys = list(options)
    current = st.session_state.get(state_key)
    return keys.index(current) if current in keys else 0


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
        col.download_button(
            brief.label,
            data=partial(_build, meeting_files.supplier_brief, user, meeting.id, supplier_id, fmt),
            file_name=meeting_files.brief_file_name(meeting.start, names[supplier_id], fmt),
            mime=brief.mime,
            help=brief.help,
            icon=":material/download:",
            on_click="ignore",
            key=f"brief_{meeting.id}_{fmt}",
        )


def _meeting_files(user: str, meeting: Meeting, invited: pd.DataFrame) -> None:
    st.markdown(f"**{T.MEETING_FILES}**")
    if invited.empty:
        st.caption(T.MEETING_FILES_NONE)
        return
    cols = st.columns(3)
    for i, export in enumerate(e for e in MEETING_FILES.values() if e.on_page):
        cols[i % 3].download_button(
            export.label,
            data=partial(_build, meeting_files.meeting_file, user, meeting.id, export.kind),
            file_name=meeting_files.file_name(meeting.start, meeting.title, export.kind),
            mime=export.mime,
            help=export.help,
            icon=":material/download:",
            on_click="ignore",
            key=f"meeting_{meeting.id}_{export.kind}",
        )
    _supplier_brief(user, meeting, invited)


def _attendance(user: str, meeting_id: int, invited: pd.DataFrame) -> None:
    st.markdown(f"**{T.MEETING_ATTENDANCE}**")
    st.caption(T.MEETING_ATTENDANCE_HINT)
    options = T.MEETING_ATTENDED_OPTIONS
    to_label = {None: options["unknown"], True: options["yes"], False: options["no"]}
    from_label = {v: k for k, v in to_label.items()}
    attended = [to_label[None if pd.isna(a) else bool(a)] for a in invited["attended"]]
    table = pd.DataFrame(
        {
            T.MEETING_SLOT_COL: [
                f"{pd.Timestamp(s):%H:%M}" if s is not None and not pd.isna(s) else "" for s in invited["slot_start"]
            ],
            T.COL_NAME: invited["name"].astype(str),
            T.MEETING_ATTENDED: attended,
            T.MEETING_INFO: invited["info_given"].fillna("").astype(str),
        }
    )
    edited = st.data_editor(
        table,
        hide_index=True,
        width="stretch",
        key=f"attendance_{meeting_id}_{st.session_state['entries_revision']}",
        disabled=[T.MEETING_SLOT_COL, T.COL_NAME],
        column_config={
            T.COL_NAME: st.column_config.TextColumn(T.COL_NAME, width="medium"),
            T.MEETING_ATTENDED: st.column_config.SelectboxColumn(options=list(options.values()), required=True),
            T.MEETING_INFO: st.column_config.TextColumn(width="large", max_chars=5000),
        },
    )
    changed = [
        (
            int(invited["invite_id"].iloc[i]),
            from_label[edited[T.MEETING_ATTENDED].iloc[i]],
            edited[T.MEETING_INFO].iloc[i],
        )
        for i in range(len(invited))
        if edited[T.MEETING_ATTENDED].iloc[i] != table[T.MEETING_ATTENDED].iloc[i]
        or (edited[T.MEETING_INFO].iloc[i] or "") != table[T.MEETING_INFO].iloc[i]
    ]
    cols = st.columns([3, 1])
    same = cols[0].text_input(T.MEETING_SAME_INFO, key=f"same_info_{meeting_id}")
    cols[1].write("")
    if cols[1].button(T.MEETING_SAME_INFO_BUTTON, key=f"same_info_btn_{meeting_id}") and same.strip():
        changed = [
            (int(i), from_label[a], same.strip())
            for i, a in zip(invited["invite_id"], edited[T.MEETING_ATTENDED], strict=True)
        ]
    if changed:

        def save(session) -> int:
            for invite_id, came, info in changed:
                service.record_attendance(session, user, invite_id, attended=came, info_given=info or "")
            return len(changed)

        saved = run(save)
        st.session_state["entries_revision"] += 1
        if saved:
            names = dict(zip(invited["invite_id"].astype(int), invited["name"].astype(str), strict=True))
            flash(_saved([names[invite_id] for invite_id, *_ in changed]))
            st.rerun()


def _meeting_detail(user: str) -> None:
    meetings = run(service.list_meetings, user) or []
    if not meetings:
        st.caption(T.MEETING_NONE)
        return
    by_id = {m.id: m for m in meetings}
    if "next_meeting_pick" in st.session_state:
        st.session_state["meeting_pick"] = st.session_state.pop("next_meeting_pick")
    if st.session_state.get("meeting_pick") not in by_id:
        st.session_state["meeting_pick"] = meetings[-1].id
    meeting_id = st.selectbox(
        T.MEETING_PICK,
        list(by_id),
        format_func=lambda i: T.MEETING_OPTION.format(date=f"{by_id[i].start:%d/%m/%Y}", title=by_id[i].title),
        key="meeting_pick",
    )
    meeting = by_id[meeting_id]
    st.markdown(
        T.MEETING_WHEN.format(
            date=f"{meeting.start:%d/%m/%Y}", time=f"{meeting.start:%H:%M}", slot=meeting.slot_minutes
        )
    )
    # Plain text: a link or an address typed by the buyer is shown exactly, never as Markdown.
    st.text(T.MEETING_WHERE.format(place=meeting.place_or_link or "—"))
    if meeting.purpose:
        st.caption(_md_text(meeting.purpose))
    slots = run(service.stored_schedule, user, meeting_id) or []
    invited = run(service.invited_suppliers, user, meeting_id)
    if invited is None:
        return
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
    _meeting_files(user, meeting, invited)
    _attendance(user, meeting_id, invited)
    confirm_key = f"confirm_delete_meeting_{meeting_id}"
    if st.button(T.MEETING_DELETE, icon=":material/delete:", key=f"del_meeting_{meeting_id}"):
        st.session_state[confirm_key] = True
    if st.session_state.get(confirm_key):
        st.warning(T.MEETING_DELETE_CONFIRM.format(title=meeting.title))
        yes, no = st.columns(2)
        if yes.button(T.LIST_DELETE_YES, type="primary", key=f"del_meeting_yes_{meeting_id}"):
            st.session_state.pop(confirm_key, None)
            if run(lambda s: service.delete_meeting(s, user, meeting_id, confirm=True) or True):
                st.session_state["next_meeting_pick"] = None
                flash(T.MEETING_DELETED.format(title=meeting.title))
                st.rerun()
        if no.button(T.LIST_DELETE_NO, key=f"del_meeting_no_{meeting_id}"):
            st.session_state.pop(confirm_key, None)
            st.rerun()


def _meetings_tab(user: str) -> None:
    _new_meeting_form(user)
    _meeting_detail(user)


def render() -> None:
    user = state.current_user()
    if user is None:  # app.py stops before; kept for a page opened on its own
        st.stop()
    state.database_ready()
    show_flash()
    lists, meetings = st.tabs([T.TAB_LISTS, T.TAB_MEETINGS])
    with lists:
        _lists_tab(user)
    with meetings:
        _meetings_tab(user)
