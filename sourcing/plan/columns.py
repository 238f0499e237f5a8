"""Which column of a buyer's spreadsheet holds which field, whatever its header says.

As for directories (`sourcing.formats.cress`), headers are compared on their normalised key
(accents, case and punctuation ignored): exact aliases first, then key words. Spreadsheets kept
by buyers often have a title row and a row of merged group headers above the real header
(« Identification | Montant | Calendrier »): `rehead` picks, among the first rows, the one that
names the most fields.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from sourcing.formats._common import header_key
from sourcing.formats.base import RawTable
from sourcing.reading import clean_header

# How many rows below the reader's header may hold the real one (title and group rows above it).
MAX_HEADER_SHIFT = 6


@dataclass(frozen=True)
class Field:
    name: str
    aliases: tuple[str, ...]  # header keys matched exactly
    keyword: Callable[[str], bool] | None = None  # fallback test on a header key


def has(*words: str) -> Callable[[str], bool]:
    """Header key contains one of the words (whole words, or phrases)."""
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b")
    return lambda key: bool(pattern.search(key))


def match(columns: list[str], fields: tuple[Field, ...]) -> dict[str, str]:
    """{field: column} for a header: exact aliases of every field first, then key words."""
    keys = {col: header_key(col) for col in columns}
    found: dict[str, str] = {}
    used: set[str] = set()
    for field in fields:
        for alias in field.aliases:
            col = next((c for c in columns if c not in used and keys[c] == alias), None)
            if col is not None:
                found[field.name] = col
                used.add(col)
                break
    for field in fields:
        if field.name in found or field.keyword is None:
            continue
        col = next((c for c in columns if c not in used and keys[c] and field.keyword(keys[c])), None)
        if col is not None:
            found[field.name] = col
            used.add(col)
    return found


def rehead(table: RawTable, fields: tuple[Field, ...]) -> RawTable:
    """The table with, as its header, whichever of its header and first rows names the most fields
    (rows above the chosen one are dropped: they are titles or group headers, not data)."""
    best, best_count = -1, len(match(table.columns, fields))
    for i, cells in enumerate(table.rows[:MAX_HEADER_SHIFT]):
        count = len(match(clean_header([str(c) for c in cells]), fields))
        if count > best_count:
            best, best_count = i, count
    if best < 0:
        return table
    header = [str(c) for c in table.rows[best]]
    return replace(
        table,
        columns=clean_header(header),
        original_columns=list(header),
        rows=table.rows[best + 1 :],
        lines=table.lines[best + 1 :],
    )
