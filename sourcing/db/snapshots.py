"""Supplier snapshots: the supplier as it was when added to a list or invited to a meeting, and
what has changed in the directory since (the changes a buyer is shown, with their French names).

A snapshot is the supplier's canonical fields as JSON, so that a list still reads right after the
directory is reloaded, or after the supplier has left it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import pandas as pd

from sourcing.db.models import ShortlistEntry
from sourcing.model import CANONICAL_COLUMNS, LIST_COLUMNS, field_labels

# Fields whose change a buyer cares about, with their French names (others are shown by code).
CHANGE_LABELS: Final[dict[str, str]] = field_labels(
    "name",
    "trade_name",
    "kinds",
    "sectors",
    "address",
    "postal_code",
    "city",
    "email",
    "phone",
    "website",
    "headcount_band",
    "labels",
    "legal_form",
    "naf",
    "intervention_area",
)
# Bookkeeping of the import and geocoding: a new import changes them without the supplier changing.
IGNORED_CHANGES: Final[frozenset[str]] = frozenset(
    {"source_name", "source_date", "source_line", "lat", "lon", "geo_precision", "id"}
)

Changes = dict[str, tuple[Any, Any]]  # field -> (value in the snapshot, value now)


def _json_value(value: Any) -> Any:
    """A JSON-safe Python value: numpy scalars and arrays unwrapped, NaN / NA / NaT -> None."""
    if value is None:
        return None
    if hasattr(value, "tolist") and not isinstance(value, str):
        value = value.tolist()  # numpy arrays (list columns read from Parquet) and numpy scalars
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, bool | int | str):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, pd.Timestamp | datetime):
        return value.isoformat()
    return str(value)


def supplier_snapshot(row: Mapping[str, Any] | pd.Series) -> dict[str, Any]:
    """The supplier's canonical fields as JSON (raw source columns left out, lists as lists)."""
    get = row.get
    snap: dict[str, Any] = {}
    for col in CANONICAL_COLUMNS:
        value = _json_value(get(col))
        if col in LIST_COLUMNS and value is None:
            value = []
        snap[col] = value
    return snap


def snapshots_frame(rows: Sequence[Any], columns: Mapping[str, str]) -> pd.DataFrame:
    """Directory rows rebuilt from each row's `snapshot` (list columns as lists), then one column
    per `columns` item, frame column -> row attribute (a canonical column named there, such as
    `id`, is replaced)."""
    records = [{c: row.snapshot.get(c) for c in CANONICAL_COLUMNS} for row in rows]
    frame = pd.DataFrame.from_records(records, columns=list(CANONICAL_COLUMNS))
    for col in LIST_COLUMNS:
        frame[col] = frame[col].map(lambda v: v if isinstance(v, list) else [])
    for col, attribute in columns.items():
        frame[col] = [getattr(row, attribute) for row in rows]
    return frame


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, float) and isinstance(new, float):
        return math.isclose(old, new, rel_tol=0, abs_tol=1e-9)
    if isinstance(old, int | float) and isinstance(new, int | float) and not isinstance(old, bool):
        return float(old) == float(new)
    return old == new


def changes_since_snapshot(
    entry: ShortlistEntry | Mapping[str, Any], current_row: Mapping[str, Any] | pd.Series
) -> Changes:
    """Fields whose value differs between the snapshot taken when the supplier was added (an
    entry with a `snapshot`, or the snapshot itself) and its row in the directory now:
    ``{field: (old, new)}`` (empty when nothing changed)."""
    snapshot = entry.snapshot if isinstance(entry, ShortlistEntry) else entry
    current = supplier_snapshot(current_row)
    changes: Changes = {}
    for col in CANONICAL_COLUMNS:
        old, new = snapshot.get(col), current.get(col)
        if col in LIST_COLUMNS:
            old = old or []
        if not _same(old, new):
            changes[col] = (old, new)
    return changes


def change_label(field: str) -> str:
    """The French name of a changed field (its code when it has none)."""
    return CHANGE_LABELS.get(field, field)


@dataclass(frozen=True)
class ListChanges:
    """What changed in the directory for the suppliers of a list since each was added."""

    current: dict[str, pd.Series]  # supplier id -> its row in the directory now (absent ones left out)
    changes: dict[int, Changes]  # entry id -> the changes a buyer cares about (empty: none)
    absent: set[str]  # supplier ids no longer in the directory

    @property
    def changed(self) -> int:
        """How many suppliers changed."""
        return sum(1 for found in self.changes.values() if found)


def review_changes(frame: pd.DataFrame, directory: pd.DataFrame) -> ListChanges:
    """Compare each entry of a list (`entries_frame`) with its supplier in `directory`; the
    bookkeeping fields (`IGNORED_CHANGES`) are left out."""
    wanted = set(frame["id"])
    rows = directory[directory["id"].astype(str).isin(wanted)]
    current = {str(r["id"]): r for _, r in rows.iterrows()}
    changes: dict[int, Changes] = {}
    for _, row in frame.iterrows():
        now = current.get(row["id"])
        if now is None:
            continue
        # Through supplier_snapshot: the frame's missing numbers are NaN where the snapshot had None.
        changed = changes_since_snapshot(supplier_snapshot(row), now)
        changes[int(row["entry_id"])] = {k: v for k, v in changed.items() if k not in IGNORED_CHANGES}
    return ListChanges(current=current, changes=changes, absent=wanted - set(current))
