"""The catalogue of directory sources, in the database beside the shortlists.

Each row is one source: a file a buyer added, a live fetch, or the bundled demo. Its `state`
says where it stands against the versions on disk:
- "pending": added, not yet in a published version (a build is running, or was killed);
- "active": in the current version;
- "removing": asked to be removed (or replaced), still in the current version until the
  next build publishes a version without it, after which the row is deleted.
The manifest of the current version is the truth of what is searched; the catalogue is made to
agree with it by the next build (`sourcing.store.service.sync`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from sqlalchemy import JSON, CheckConstraint, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sourcing.db.models import Base, UTCDateTime, utcnow

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
