"""The audit trail: who added or removed a directory source, shared or deleted a list, and when.

A list's event is written in the same transaction as the change it records; a source's once the
directory built with (or without) it is published. So the trail never tells of a change that was
rolled back or refused (full disk, read-only folder). Only administrators
read it (`sourcing.roles`). The application logs carry none of this: the trail is the one place
naming who did what, kept in the database with its backups.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sourcing.db.engine import read
from sourcing.db.models import AUDIT_ACTIONS, AuditEvent, utcnow
from sourcing.roles import require_admin

DEFAULT_LIMIT = 500


@dataclass(frozen=True)
class AuditEntry:
    """One line of the trail as an administrator reads it."""

    at: datetime
    actor: str
    action: str
    subject: str
    detail: str


def record(session: Session, actor: str, action: str, subject: str, detail: str = "") -> None:
    """Add an event to the trail, in the caller's transaction."""
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    session.add(AuditEvent(at=utcnow(), actor=actor or "", action=action, subject=subject[:300], detail=detail))


def recent_events(user: str | None, limit: int = DEFAULT_LIMIT, url: str | None = None) -> list[AuditEntry]:
    """The newest events first (administrators only: PermissionError otherwise)."""
    require_admin(user, "consulter le journal des modifications")

    def newest(session: Session) -> list[AuditEntry]:
        rows = session.scalars(select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit))
        return [AuditEntry(r.at, r.actor, r.action, r.subject, r.detail) for r in rows]

    return read(newest, url=url)
