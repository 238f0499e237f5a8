"""The persisted tables: shortlists of suppliers, their follow-up, and sourcing meetings.

Rules kept by the schema itself (so that every client, even two at once, obeys them):
- a shortlist name is unique per owner;
- a supplier appears at most once in a shortlist (unique (shortlist_id, supplier_id)), which
  makes adding suppliers idempotent and lets two sessions add concurrently without duplicates;
- deleting a shortlist deletes its entries, shares and contact log (ON DELETE CASCADE), and
  detaches (does not delete) the meetings prepared from it.
Each entry keeps a JSON `snapshot` of the supplier as it was when added, so that the list still
reads right after the directory is reloaded, and changes can be shown.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

STATUSES: Final[tuple[str, ...]] = ("à contacter", "contacté", "invité", "confirmé", "décliné", "rencontré")
DEFAULT_STATUS: Final[str] = STATUSES[0]
LOCAL_USER: Final[str] = "local"  # the owner of everything in single-user mode

# Named constraints: Alembic can then alter or drop them by name on every backend.
NAMING_CONVENTION: Final[dict[str, str]] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend: SQLite keeps no offset, so values read
    back naive are UTC by construction and get their tzinfo again."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    """Now, timezone-aware UTC (stored as such on PostgreSQL, as UTC text on SQLite)."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


_STATUS_SQL = ", ".join("'" + s + "'" for s in STATUSES)


class Shortlist(Base):
    __tablename__ = "shortlists"
    __table_args__ = (UniqueConstraint("owner", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(200), index=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    entries: Mapped[list[ShortlistEntry]] = relationship(
        back_populates="shortlist", cascade="all, delete-orphan", passive_deletes=True
    )
    shares: Mapped[list[ShortlistShare]] = relationship(cascade="all, delete-orphan", passive_deletes=True)


class ShortlistShare(Base):
    """Explicit team sharing: `user` may read and edit the shortlist (not rename, delete or re-share it)."""

    __tablename__ = "shortlist_shares"

    shortlist_id: Mapped[int] = mapped_column(ForeignKey("shortlists.id", ondelete="CASCADE"), primary_key=True)
    user: Mapped[str] = mapped_column(String(200), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ShortlistEntry(Base):
    __tablename__ = "shortlist_entries"
    __table_args__ = (
        UniqueConstraint("shortlist_id", "supplier_id"),
        CheckConstraint(f"status IN ({_STATUS_SQL})", name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shortlist_id: Mapped[int] = mapped_column(ForeignKey("shortlists.id", ondelete="CASCADE"), index=True)
    supplier_id: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default=DEFAULT_STATUS)
    notes: Mapped[str] = mapped_column(Text, default="")
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Incremented by every edit: a client that read version N can ask "update only if still N".
    version: Mapped[int] = mapped_column(Integer, default=1)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    shortlist: Mapped[Shortlist] = relationship(back_populates="entries")
    contacts: Mapped[list[ContactLog]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", passive_deletes=True, order_by="ContactLog.at"
    )


class ContactLog(Base):
    __tablename__ = "contact_logs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("shortlist_entries.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    channel: Mapped[str] = mapped_column(String(50))
    text: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(200), default=LOCAL_USER)

    entry: Mapped[ShortlistEntry] = relationship(back_populates="contacts")


class Meeting(Base):
    """A sourcing meeting (CCP R2111-1). `start` is Paris wall-clock time, stored naive."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(200), index=True)
    title: Mapped[str] = mapped_column(String(300))
    purpose: Mapped[str] = mapped_column(Text, default="")
    start: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    place_or_link: Mapped[str] = mapped_column(String(500), default="")
    slot_minutes: Mapped[int] = mapped_column(Integer, default=20)
    break_minutes: Mapped[int] = mapped_column(Integer, default=0)
    shortlist_id: Mapped[int | None] = mapped_column(
        ForeignKey("shortlists.id", ondelete="SET NULL"), nullable=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    invites: Mapped[list[MeetingInvite]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", passive_deletes=True
    )


class MeetingInvite(Base):
    __tablename__ = "meeting_invites"
    __table_args__ = (UniqueConstraint("meeting_id", "supplier_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    supplier_id: Mapped[str] = mapped_column(String(100))
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    slot_start: Mapped[datetime | None] = mapped_column(DateTime(timezone=False), nullable=True)
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, default=utcnow)
    attended: Mapped[bool | None] = mapped_column(Boolean, nullable=True)  # None: not known yet
    info_given: Mapped[str] = mapped_column(Text, default="")

    meeting: Mapped[Meeting] = relationship(back_populates="invites")


# --- The catalogue of directory sources (see sourcing.store.catalogue) -----------------------------

SOURCE_KINDS: Final[tuple[str, ...]] = ("file", "fetch", "demo")
SOURCE_STATES: Final[tuple[str, ...]] = ("pending", "active", "removing")


class DirectorySource(Base):
    __tablename__ = "directory_sources"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'active', 'removing')", name="state"),
        CheckConstraint("kind IN ('file', 'fetch', 'demo')", name="kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(40), unique=True)  # file stem under store/sources/
    label: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10), default="file")
    filename: Mapped[str] = mapped_column(String(300), default="")
    format: Mapped[str] = mapped_column(String(40), default="")
    format_label: Mapped[str] = mapped_column(String(200), default="")
    added_by: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    data_date: Mapped[str | None] = mapped_column(String(10), nullable=True)  # ISO date of the data
    data_date_origin: Mapped[str] = mapped_column(String(40), default="")  # buyer, file, file name, unknown
    licence: Mapped[str] = mapped_column(Text, default="")
    query: Mapped[str] = mapped_column(Text, default="")  # for live fetches: what was asked
    families: Mapped[list[str]] = mapped_column(JSON, default=list)
    kinds: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # kind code -> number of suppliers
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_loaded: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    suppliers: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(10), default="pending")


# --- The audit trail (see sourcing.db.audit) -------------------------------------------------------

AUDIT_ACTIONS: Final[tuple[str, ...]] = (
    "source_added",
    "source_removed",
    "list_shared",
    "list_unshared",
    "list_deleted",
)


class AuditEvent(Base):
    """One administrative action: who did what to which source or list, and when. Append-only."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(300), default="")  # the source's label or the list's name
    detail: Mapped[str] = mapped_column(Text, default="")  # e.g. the colleague a list was shared with
