"""Directory columns turned into the index's parts: list columns flattened, texts cut into folded
words (word -> rows), sector labels into words (word -> sectors), names into an alphabetical order.

pyarrow does the per-row work in C++; Python code runs once per distinct value, never once per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain

import numpy as np
import pandas as pd

from sourcing import taxonomy
from sourcing.search.postings import Postings, Vocabulary
from sourcing.search.words import search_words


def column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series([None] * len(frame), index=frame.index, dtype=object)


def list_cells(values: pd.Series) -> np.ndarray:
    """A list column as an object array of sequences: missing cells empty, a bare string one item."""
    cells = values.to_numpy(dtype=object)
    if set(map(type, cells)) <= {list, np.ndarray, tuple}:
        return cells
    fixed = np.empty(len(cells), dtype=object)
    fixed[:] = [c if type(c) in (list, np.ndarray, tuple) else ([c] if isinstance(c, str) and c else []) for c in cells]
    return fixed


def flatten(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(row of each item, items) of a list column."""
    cells = list_cells(values)
    lengths = np.fromiter(map(len, cells), dtype=np.int64, count=len(cells))
    items = np.empty(int(lengths.sum()), dtype=object)
    items[:] = list(chain.from_iterable(cells))
    return np.repeat(np.arange(len(cells), dtype=np.int64), lengths), items


def pa_strings(values: pd.Series):
    import pyarrow as pa

    try:
        array = pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        array = pa.array([v if isinstance(v, str) else None for v in values.to_numpy(dtype=object)])
    return array.cast(pa.large_string())


def text_words(columns: Sequence[pd.Series]) -> Postings:
    """Word -> rows over the text columns, words as `search_words` makes them.

    pyarrow cuts the texts at white space and numbers the distinct pieces in C++; the Python
    folding then runs once per distinct piece (``"d'Espaces-Verts,"`` -> espace, vert), a few
    thousand to a few hundred thousand times, never once per row."""
    import pyarrow as pa
    import pyarrow.compute as pc

    splits = [pc.ascii_split_whitespace(pa_strings(values)) for values in columns]
    pieces = [pc.list_flatten(x) for x in splits]
    encoded = pc.dictionary_encode(pa.chunked_array(pieces, type=pa.large_string()))
    dictionary = encoded.chunks[-1].dictionary if encoded.num_chunks else pa.array([], pa.large_string())
    # One dictionary for all chunks; chunk boundaries are not promised (empty ones vanish): re-cut by length.
    all_ids = np.concatenate(
        [np.zeros(0, np.int32)] + [c.indices.to_numpy(zero_copy_only=False) for c in encoded.chunks]
    )
    ids = np.split(all_ids, np.cumsum([len(p) for p in pieces])[:-1])
    folded = [search_words(w) for w in dictionary.to_pylist()]
    vocabulary = sorted({w for ws in folded for w in ws})
    number = {w: i for i, w in enumerate(vocabulary)}
    first = np.array([number[ws[0]] if ws else -1 for ws in folded], dtype=np.int64)
    # Pieces of several words ("d'espaces-verts"): their other words, flat, piece by piece.
    n_extra = np.array([max(len(ws) - 1, 0) for ws in folded], dtype=np.int64)
    extra_start = np.concatenate(([0], np.cumsum(n_extra)[:-1])) if len(n_extra) else n_extra
    extra_words = np.array([number[w] for ws in folded for w in ws[1:]], dtype=np.int64)
    rows = [pc.list_parent_indices(split).to_numpy() for split in splits]
    extras = []
    for i, r in zip(ids, rows, strict=True):
        at = np.flatnonzero(n_extra[i] > 0) if len(extra_words) else i[:0]
        counts = n_extra[i[at]]
        within = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        extras.append((extra_words[np.repeat(extra_start[i[at]], counts) + within], np.repeat(r[at], counts)))
    # The (word << 32 | row) values are written straight into one array, column by column.
    packed = np.empty(sum(map(len, ids)) + sum(len(w) for w, _ in extras), dtype=np.int64)
    start = 0
    for i, r, (extra, extra_rows) in zip(ids, rows, extras, strict=True):
        for table, idx, row in ((first, i, r), (None, extra, extra_rows)):
            part = packed[start : start + len(idx)]
            if table is None:
                part[:] = idx
            else:
                np.take(table, idx, out=part, mode="clip")  # "raise" would buffer a copy
            part <<= 32
            part |= row
            start += len(idx)
    return Postings.from_packed(packed, vocabulary)


def label_words(sector_keys: Sequence[str]) -> tuple[Vocabulary, list[np.ndarray]]:
    """Word -> sectors (numbers in ``sector_keys``) over the sectors' French labels (or the id
    itself for a sector the taxonomy does not know)."""
    labels = taxonomy.load_taxonomy().sector_labels
    word_sectors: dict[str, set[int]] = {}
    for i, sector in enumerate(sector_keys):
        for w in search_words(labels.get(sector, sector)):
            word_sectors.setdefault(w, set()).add(i)
    words = sorted(word_sectors)
    postings = Postings(words, np.arange(len(words) + 1), np.arange(len(words), dtype=np.int32))
    return Vocabulary.of(postings), [np.array(sorted(word_sectors[w]), dtype=np.int64) for w in words]


def name_order(names: pd.Series) -> np.ndarray:
    """Row numbers in alphabetical order of name, case- and accent-insensitive, ties by row."""
    import pyarrow.compute as pc

    keys = pc.utf8_lower(pa_strings(names).fill_null(""))
    accented = pc.invert(pc.string_is_ascii(keys))
    if pc.any(accented).as_py():  # only names with non-ASCII letters: "Élan" sorts with "elan"
        folded = pc.filter(keys, accented)
        for ligature, letters in (("œ", "oe"), ("æ", "ae")):
            if pc.any(pc.match_substring(folded, ligature)).as_py():
                folded = pc.replace_substring(folded, ligature, letters)
        folded = pc.replace_substring_regex(pc.utf8_normalize(folded, "NFKD"), r"[^\x00-\x7f]", "")
        keys = pc.replace_with_mask(keys, accented, folded.cast(keys.type))
    return pc.sort_indices(keys).to_numpy().astype(np.int32)  # a stable sort
