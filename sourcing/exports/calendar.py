"""Meeting invitations as an iCalendar file (RFC 5545), readable by Outlook, Thunderbird, Google.

One VEVENT for the whole meeting and one per one-to-one slot. Times carry the Europe/Paris
TZID (with its VTIMEZONE), UIDs are stable (same meeting and supplier -> same UID, so a
re-sent file updates the calendar entry instead of duplicating it), and text escaping is left
to the `icalendar` library.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sourcing.schedule import MeetingPlan, Slot

PARIS = ZoneInfo("Europe/Paris")
PRODID = "-//sourcing-ess//Rencontres acheteur-fournisseur//FR"
SUMMARY_PREFIX = "Rencontre acheteur–fournisseur : "
_UID_NAMESPACE = uuid.UUID("6f1c7a52-3b4e-4d8e-9a51-0c2b7e9d4f10")

if TYPE_CHECKING:
    from icalendar import Event


def _paris(moment: datetime) -> datetime:
    """Naive times are Paris wall-clock times; aware ones are converted to Paris."""
    return moment.replace(tzinfo=PARIS) if moment.tzinfo is None else moment.astimezone(PARIS)


def _uid(meeting: MeetingPlan, key: str) -> str:
    seed = f"{meeting.title}\x1f{meeting.start.isoformat()}\x1f{key}"
    return f"{uuid.uuid5(_UID_NAMESPACE, seed)}@sourcing-ess"


def _event(meeting: MeetingPlan, uid: str, summary: str, start: datetime, end: datetime, stamp: datetime) -> Event:
    from icalendar import Event

    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", _paris(start))
    event.add("dtend", _paris(end))
    event.add("summary", summary)
    if meeting.place_or_link:
        event.add("location", meeting.place_or_link)
        if meeting.place_or_link.strip().lower().startswith(("http://", "https://")):
            event.add("url", meeting.place_or_link.strip())
    if meeting.purpose:
        event.add("description", meeting.purpose)
    return event


def meeting_ics(meeting: MeetingPlan, slots: Sequence[Slot], now: datetime | None = None) -> bytes:
    """The meeting and its slots as an .ics file.

    Meeting event: from `meeting.start` to the end of the last slot (one slot length when
    there is none). Slot events: SUMMARY "Rencontre acheteur–fournisseur : <title> — <supplier>".
    `now` (UTC) is the DTSTAMP; defaults to the current time.
    """
    # Imported here: the search page reaches this module (the export registry) at a fresh process's first
    # page, and icalendar costs 50-60 ms of it; the other pages' warm-up imports it in a quiet moment.
    from icalendar import Calendar

    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    end = max((s.end for s in slots), default=meeting.start + timedelta(minutes=max(meeting.slot_minutes, 1)))
    cal.add_component(_event(meeting, _uid(meeting, ""), SUMMARY_PREFIX + meeting.title, meeting.start, end, stamp))
    for slot in slots:
        summary = f"{SUMMARY_PREFIX}{meeting.title} — {slot.supplier_name}"
        cal.add_component(_event(meeting, _uid(meeting, slot.supplier_id), summary, slot.start, slot.end, stamp))
    cal.add_missing_timezones()
    return cal.to_ical()
