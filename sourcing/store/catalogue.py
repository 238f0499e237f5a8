"""The catalogue of directory sources, in the database beside the shortlists.

Each row is one source: a file a buyer added, a live fetch, or the bundled demo. Its `state`
says where it stands against the versions on disk:
- "pending": added, not yet in a published version (a build is running, or was killed);
- "active": in the current version;
- "removing": asked to be removed (or replaced), still in the current version until the
  next build publishes a version without it, after which the row is deleted.
The table is declared with the others in `sourcing.db.models` (one metadata for the migrations).
The manifest of the current version is the truth of what is searched; the catalogue is made to
agree with it by the next build (`sourcing.store.service.sync`).
"""

from __future__ import annotations

from sourcing.db.models import SOURCE_KINDS, SOURCE_STATES, DirectorySource

__all__ = ["SOURCE_KINDS", "SOURCE_STATES", "DirectorySource"]
