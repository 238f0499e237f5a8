"""From a line of the programme to a shortlist and a sourcing meeting, in one call.

`prepare_line` creates the list (named after the line), adds the line's eligible suppliers
(nearest first, with their snapshots) and plans a meeting with them, in the caller's transaction
(`sourcing.db.service` rules: access, idempotent adds, French errors). The meeting is set a few
weeks before the consultation's expected launch, so the market research happens in time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Final

from sqlalchemy.orm import Session

from sourcing.db import service
from sourcing.db.access import NAME_MAX
from sourcing.plan.analysis import LineAnalysis, PlanAnalysis
from sourcing.plan.views import line_suppliers
from sourcing.schedule import MeetingPlan

# The meeting: this many weeks before the expected launch, never before next week; 9:00, 20-minute slots.
WEEKS_BEFORE_LAUNCH: Final[int] = 8
MEETING_START: Final[time] = time(9, 0)
SLOT_MINUTES: Final[int] = 20


@dataclass(frozen=True)
class PreparedLine:
    shortlist_id: int
    shortlist_name: str
    added: int
    meeting_id: int
    meeting_start: datetime
    invited: int


def list_name(line: LineAnalysis) -> str:
    """« Programme – <objet> (ligne N) », within the list name's limit."""
    suffix = f" (ligne {line.line.line})"
    head = f"Programme – {line.line.need}"
    return head[: NAME_MAX - len(suffix)] + suffix


def meeting_day(line: LineAnalysis, today: date) -> datetime:
    """A weekday `WEEKS_BEFORE_LAUNCH` weeks before the launch, and at least a week from today."""
    day = max(line.line.consultation_date - timedelta(weeks=WEEKS_BEFORE_LAUNCH), today + timedelta(days=7))
    while day.weekday() >= 5:  # Saturday, Sunday -> Monday
        day += timedelta(days=1)
    return datetime.combine(day, MEETING_START)


def prepare_line(
    session: Session, user: str, analysis: PlanAnalysis, line: LineAnalysis, today: date | None = None
) -> PreparedLine:
    """The list and the meeting of one line (see the module docstring). A line without eligible
    supplier nearby: ValueError (French), nothing is written."""
    suppliers = line_suppliers(analysis, line)
    if suppliers.empty:
        raise ValueError(f"Ligne {line.line.line} : aucune structure éligible à proximité, rien à préparer.")
    name = list_name(line)
    try:  # a second click on the same line reuses its list (adding is idempotent)
        shortlist = service.find_shortlist(session, user, name)
    except service.NotFoundError:
        shortlist = service.create_shortlist(session, user, name)
    added = service.add_suppliers(session, user, shortlist.id, suppliers)
    plan = MeetingPlan(
        title=f"Sourçage : {line.line.need}"[:200],
        purpose=f"Rencontre préalable à la consultation « {line.line.need} » (CCP R2111-1).",
        start=meeting_day(line, today or date.today()),
        place_or_link="",
        slot_minutes=SLOT_MINUTES,
    )
    prepared = service.create_meeting_from_shortlist(session, user, shortlist.id, plan)
    return PreparedLine(
        shortlist.id, shortlist.name, added, prepared.meeting.id, prepared.meeting.start, prepared.invited
    )
