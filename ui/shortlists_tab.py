"""Tab "Mes listes": pick, create, rename, duplicate, delete and share a list; its summary,
exports and entries (`ui.list_entries`).

Supplier text is untrusted: it is shown in grids (plain text) or escaped (`md_text`) before any
Markdown. The rules are `sourcing.db.service`.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from sourcing.db import STATUSES, service
from sourcing.exports import TABLES, export_shortlist, shortlist_file_name
from sourcing.search import overview
from ui import state
from ui import texts as T
from ui.db_actions import delete_with_confirmation, flash, prepare_pick, read, run
from ui.downloads import download_button
from ui.list_entries import entries_grid, entry_follow_up
from ui.lists_format import plural
from ui.safe_text import md_text


def _pick_list(user: str) -> service.ShortlistInfo | None:
    infos = read(service.list_shortlists, user) or []
    if not infos:
        st.info(T.LISTS_NONE)
        return None
    by_id = {i.id: i for i in infos}
    # A list just created, duplicated or deleted is picked here, before the selector exists.
    prepare_pick("shortlist_pick", by_id, default=infos[0].id)

    def label(list_id: int) -> str:
        info = by_id[list_id]
        text = T.LIST_OPTION_SHARED if info.shared else T.LIST_OPTION
        return text.format(name=info.name, n=info.entries, s=plural(info.entries), owner=info.owner)

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
        delete_with_confirmation(
            cols[1], T.LIST_DELETE, "del", info.id,
            question=T.LIST_DELETE_CONFIRM.format(name=info.name, n=info.entries),
            delete=lambda session: service.delete_shortlist(session, user, info.id, confirm=True),
            done=T.LIST_DELETED.format(name=info.name), next_pick_key="next_shortlist_pick", disabled=info.shared,
        )  # fmt: skip
        if state.auth_enabled() and not info.shared:
            _sharing(user, info)


def _sharing(user: str, info: service.ShortlistInfo) -> None:
    users = read(service.shared_with, user, info.id) or []
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


def _exports(info: service.ShortlistInfo, frame) -> None:
    st.subheader(T.EXPORT_HEADER)
    for col, export in zip(st.columns(len(TABLES)), TABLES.values(), strict=True):
        download_button(
            col,
            export.label,
            data=partial(export_shortlist, frame, export.kind),
            file_name=shortlist_file_name(info.name, export),
            mime=export.mime,
            help=export.help,
            key=f"export_{export.kind}",
        )


def lists_tab(user: str) -> None:
    info = _pick_list(user)
    with st.expander(T.LIST_NEW, expanded=info is None):
        _new_list_form(user)
    if info is None:
        return
    _manage(user, info)
    frame = read(service.entries_frame, user, info.id)
    if frame is None:
        return
    if frame.empty:
        st.info(T.LIST_EMPTY)
        return
    counts = frame["status"].value_counts()
    by_status = ", ".join(f"{int(counts[s])} {s}" for s in STATUSES if s in counts.index)
    st.markdown(md_text(T.LIST_SUMMARY.format(n=len(frame), by_status=by_status)))
    # The list's suppliers only, from the search index: never the whole directory (10 s at 1,000,000).
    suppliers = overview.rows_of(state.search_index(st.session_state.directory_key), frame["id"].astype(str))
    review = service.review_changes(frame, suppliers)
    if review.changed:
        st.info(T.LIST_CHANGED_NOTE.format(n=review.changed), icon=":material/update:")
    entries_grid(user, frame, review)
    _exports(info, frame)
    entry_follow_up(user, frame, review)
