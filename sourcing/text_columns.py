"""Fast tests over the text columns an import reads (pandas' Arrow-backed ``str``), on their bytes.

A 1,000,000-row column is one buffer of UTF-8 bytes per chunk plus the offsets of each value. Most
columns of a clean file need no cleaning at all: no tab, line break, no-break space or run of spaces
inside, no space at either end. Asking pyarrow's regex engine or `str.strip` that of every value costs
a call per value (0.1 to 0.3 s per column at 1,000,000 rows); looking at the bytes with numpy costs a
few passes over the buffer. Each test here only ever answers "certainly not" or "maybe": on "maybe"
the caller takes its exact, value-by-value path, so results never depend on these shortcuts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# What `str.strip` may remove, as the first or last byte of a value: ASCII spaces and controls (<= 0x20),
# or any byte of a multi-byte UTF-8 character (>= 0x80: the no-break space, U+2000.., U+3000...).
_EDGE = np.zeros(256, dtype=bool)
_EDGE[:0x21] = True
_EDGE[0x80:] = True


def _arrow(s: pd.Series):
    """The Arrow data (a ChunkedArray) of a text column without missing values, or None (another dtype,
    or gaps)."""
    import pyarrow as pa

    if s.dtype != "str":
        return None
    data = getattr(s.array, "_pa_array", None)
    if not isinstance(data, pa.ChunkedArray) or data.null_count:
        return None
    if not (pa.types.is_large_string(data.type) or pa.types.is_string(data.type)):
        return None
    return data


def _value_bytes(chunk) -> tuple[np.ndarray, np.ndarray]:
    """(offsets of the chunk's values, from 0, length + 1; the bytes of all its values, end to end)."""
    import pyarrow as pa

    _validity, offsets_buffer, data_buffer = chunk.buffers()
    kind = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
    offsets = np.frombuffer(offsets_buffer, dtype=kind)[chunk.offset : chunk.offset + len(chunk) + 1]
    if data_buffer is None or not len(offsets):
        return np.zeros(len(offsets), dtype=np.int64), np.zeros(0, dtype=np.uint8)
    start, end = int(offsets[0]), int(offsets[-1])
    data = np.frombuffer(data_buffer, dtype=np.uint8)[start:end]
    return offsets.astype(np.int64) - start, data


def may_hold_spacing(s: pd.Series) -> bool:
    """False when certainly no value holds a tab, a line break (or any other control character), a
    no-break space or two spaces in a row; True when one may (or the column is not plain Arrow text)."""
    data = _arrow(s)
    if data is None:
        return True
    for chunk in data.chunks:
        _offsets, text = _value_bytes(chunk)
        if not len(text):
            continue
        if (text < 0x20).any():
            return True
        space = text == 0x20
        if (space[1:] & space[:-1]).any():  # across two values too: a "maybe", never a miss
            return True
        lead = np.flatnonzero(text[:-1] == 0xC2)  # U+00A0 is C2 A0 in UTF-8
        if len(lead) and (text[lead + 1] == 0xA0).any():
            return True
    return False


def arrow_text(s: pd.Series):
    """The column as Arrow text: its own chunks when it has them (no cast to 32-bit offsets, no copy)."""
    import pyarrow as pa

    data = _arrow(s)
    return data if data is not None else pa.array(s, type=pa.string())


def may_change_case(s: pd.Series) -> bool:
    """False when certainly `str.lower()` changes no value: no byte is an ASCII capital or non-ASCII."""
    data = _arrow(s)
    if data is None:
        return True
    for chunk in data.chunks:
        text = _value_bytes(chunk)[1]
        if ((text >= 0x41) & (text <= 0x5A)).any() or (text >= 0x80).any():
            return True
    return False


def may_hold_space(s: pd.Series) -> bool:
    """False when certainly no value holds a space, a tab, a line break or another ASCII control character
    (no byte at or below 0x20); True when one may (or the column is not plain Arrow text)."""
    data = _arrow(s)
    if data is None:
        return True
    return any(bool((_value_bytes(chunk)[1] <= 0x20).any()) for chunk in data.chunks)


def _edge_candidates(s: pd.Series) -> np.ndarray | None:
    """Positions of the values whose first or last byte may be whitespace (None: not plain Arrow text)."""
    arrow = _arrow(s)
    if arrow is None:
        return None
    found: list[np.ndarray] = []
    base = 0
    for chunk in arrow.chunks:
        offsets, data = _value_bytes(chunk)
        starts, ends = offsets[:-1], offsets[1:]
        filled = np.flatnonzero(ends > starts)
        if len(filled):
            edge = _EDGE[data[starts[filled]]] | _EDGE[data[ends[filled] - 1]]
            found.append(filled[edge] + base)
        base += len(chunk)
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def stripped(s: pd.Series) -> pd.Series:
    """`s.str.strip()`, or `s` itself when that changes no value (the column then stays the file's own
    Arrow buffer, shared by the source cells, the staging and the directory: no copy per column)."""
    candidates = _edge_candidates(s)
    if candidates is not None:
        # A boolean mask filters the Arrow chunks one by one; a take of positions would first join them.
        mask = np.zeros(len(s), dtype=bool)
        mask[candidates] = True
        sub = pd.Series(s.array[mask], copy=False)
        if not len(sub) or bool((sub == sub.str.strip()).all()):
            return s
        return s.str.strip()
    after = s.str.strip()
    return unless_same(s, after)


def unless_same(before: pd.Series, after: pd.Series) -> pd.Series:
    """`after`, or `before` itself when no value changed (see `stripped`)."""
    if before.dtype == "str" and after.dtype == "str" and bool((before == after).all()):
        return before
    return after


def parse_decimal(s: pd.Series) -> pd.Series:
    """`pd.to_numeric` of the text with a decimal comma allowed and spaces dropped (NaN where not a number).

    A column of plain decimals ("-48.5", "7,75", at most 15 characters: what a double holds exactly, so
    pyarrow's and pandas' parsers give the same double) is cast by pyarrow; anything else by pandas.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    arrow = _arrow(s)
    if arrow is not None:
        text = arrow
        for old, new in ((",", "."), (" ", "")):
            if any((_value_bytes(chunk)[1] == ord(old)).any() for chunk in text.chunks):
                text = pc.replace_substring(text, old, new)
        filled = pc.not_equal(text, "")
        plain = pc.and_(
            pc.match_substring_regex(text, r"^-?[0-9]+(\.[0-9]+)?$"), pc.less_equal(pc.binary_length(text), 15)
        )
        if pc.all(pc.or_(pc.invert(filled), plain)).as_py() is not False:
            numbers = pc.cast(pc.if_else(filled, text, pa.scalar(None, text.type)), pa.float64())
            return pd.Series(numbers.to_numpy(), index=s.index, dtype=float)
    return pd.to_numeric(s.str.replace(",", ".", regex=False).str.replace(" ", "", regex=False), errors="coerce")
