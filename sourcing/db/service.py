"""Shortlists and meetings: the rules, whoever calls (Streamlit page, CLI, tests), in one place
to import from. The code lives in the modules beside this one:

- `access`: who may see or change a list, `NotFoundError`, `ConcurrentEditError`;
- `shortlists`: create, rename, duplicate, delete, "my lists", sharing;
- `entries`: the suppliers of a list, their follow-up and contact log;
- `snapshots`: a supplier as it was when added, and what changed in the directory since;
- `meetings`: stored meetings, invitations, schedule, attendance.

Every function that reads or writes takes an open `Session` (see `session_scope`) and the
acting `user`; it never commits itself, so that a caller can group several calls in one
transaction. (`review_changes`, `change_label` and `meeting_plan` only compute.)

Access rule: a shortlist is readable and editable by its owner and by the users it is shared
with; only the owner renames, deletes or (un)shares it. Anyone else gets a PermissionError with
a French message. A missing shortlist or entry is a `NotFoundError` (a LookupError).

Concurrency rule: edits are single-row statements (INSERT … ON CONFLICT DO NOTHING, UPDATE …
WHERE id = …), never a read-modify-write of a whole list, so two sessions editing the same list
at once lose nothing. An edit may also pass `expected_version`: it is then applied only if
nobody changed the entry since it was read, else `ConcurrentEditError`.
"""

from __future__ import annotations

from sourcing.db.access import NAME_MAX, ConcurrentEditError, NotFoundError, find_shortlist, get_shortlist
from sourcing.db.entries import (
    CHANNELS,
    FollowUpEdit,
    add_contact,
    add_suppliers,
    contact_log,
    entries,
    entries_frame,
    get_entry,
    refresh_snapshot,
    remove_entry,
    save_follow_ups,
    set_notes,
    set_status,
)
from sourcing.db.meetings import (
    DEFAULT_INVITED_STATUSES,
    Attendance,
    PreparedMeeting,
    create_meeting,
    create_meeting_from_shortlist,
    delete_meeting,
    get_meeting,
    invite_from_shortlist,
    invite_suppliers,
    invited_suppliers,
    invites,
    list_meetings,
    meeting_plan,
    plan_schedule,
    record_attendance,
    record_attendances,
    set_slots,
    stored_schedule,
)
from sourcing.db.shortlists import (
    ShortlistInfo,
    create_shortlist,
    delete_shortlist,
    duplicate_shortlist,
    list_shortlists,
    rename_shortlist,
    share_shortlist,
    shared_with,
    unshare_shortlist,
)
from sourcing.db.snapshots import (
    CHANGE_LABELS,
    ListChanges,
    change_label,
    changes_since_snapshot,
    review_changes,
    supplier_snapshot,
)

__all__ = [
    "CHANGE_LABELS",
    "CHANNELS",
    "DEFAULT_INVITED_STATUSES",
    "NAME_MAX",
    "Attendance",
    "ConcurrentEditError",
    "FollowUpEdit",
    "ListChanges",
    "NotFoundError",
    "PreparedMeeting",
    "ShortlistInfo",
    "add_contact",
    "add_suppliers",
    "change_label",
    "changes_since_snapshot",
    "contact_log",
    "create_meeting",
    "create_meeting_from_shortlist",
    "create_shortlist",
    "delete_meeting",
    "delete_shortlist",
    "duplicate_shortlist",
    "entries",
    "entries_frame",
    "find_shortlist",
    "get_entry",
    "get_meeting",
    "get_shortlist",
    "invite_from_shortlist",
    "invite_suppliers",
    "invited_suppliers",
    "invites",
    "list_meetings",
    "list_shortlists",
    "meeting_plan",
    "plan_schedule",
    "record_attendance",
    "record_attendances",
    "refresh_snapshot",
    "remove_entry",
    "rename_shortlist",
    "review_changes",
    "save_follow_ups",
    "set_notes",
    "set_slots",
    "set_status",
    "share_shortlist",
    "shared_with",
    "stored_schedule",
    "supplier_snapshot",
    "unshare_shortlist",
]
