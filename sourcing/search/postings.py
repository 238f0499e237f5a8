"""The index's building blocks: inverted lists (`Postings`), small integer categories (`Category`)
and a sorted vocabulary with prefix and typo lookups (`Vocabulary`)."""

from __future__ import annotations

import sys
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import OSA

from sourcing.search.words import PAST_LAST, fuzzy_budget


def small_codes(codes: np.ndarray, n_uniques: int) -> np.ndarray:
    """Category codes in the narrowest integer type that holds them (int16 mostly: less memory to scan)."""
    return codes.astype(np.int16 if n_uniques < 2**15 - 1 else np.int32)


@dataclass(frozen=True)
class Postings:
    """An inverted index: ``keys[i]`` -> ``rows[offsets[i]:offsets[i + 1]]`` (sorted, no repeats)."""

    keys: list[str]
    offsets: np.ndarray
    rows: np.ndarray

    @classmethod
    def build(cls, key_codes: np.ndarray, rows: np.ndarray, keys: Sequence[str]) -> Postings:
        """From parallel arrays (key number, row); negative key numbers are dropped."""
        packed = key_codes.astype(np.int64)
        packed <<= 32
        packed |= rows
        return cls.from_packed(packed, keys)

    @classmethod
    def from_packed(cls, packed: np.ndarray, keys: Sequence[str]) -> Postings:
        """From ``key << 32 | row`` values (int64, sorted here in place; negative keys dropped).

        One sort (numpy's SIMD sort) groups by key with rows ascending; repeats (a word twice in
        one text) are dropped. Few large temporaries: at a million rows there are tens of millions
        of values, and every large allocation costs."""
        packed.sort()
        offsets = np.searchsorted(packed, np.arange(len(keys) + 1, dtype=np.int64) << 32)
        keep = np.empty(len(packed), dtype=bool)
        keep[:1] = True
        np.not_equal(packed[1:], packed[:-1], out=keep[1:])
        keep[: offsets[0]] = False
        low = packed.view(np.int32)[0::2] if sys.byteorder == "little" else (packed & 0xFFFFFFFF).astype(np.int32)
        rows = low[keep]
        repeats = np.flatnonzero(~keep[offsets[0] :]) + offsets[0]  # few: count them per key
        kept = (
            np.diff(offsets)
            - np.bincount(np.searchsorted(offsets, repeats, side="right") - 1, minlength=len(keys))[: len(keys)]
        )
        return cls(list(keys), np.concatenate(([0], np.cumsum(kept))), rows)

    @cached_property
    def position(self) -> dict[str, int]:
        return {k: i for i, k in enumerate(self.keys)}

    def rows_of(self, key: str) -> np.ndarray:
        i = self.position.get(key)
        return self.rows[:0] if i is None else self.rows[self.offsets[i] : self.offsets[i + 1]]

    def size(self, i: int) -> int:
        """Number of rows of key number ``i``."""
        return int(self.offsets[i + 1] - self.offsets[i])

    def span(self, lo: int, hi: int) -> np.ndarray:
        """Rows of keys ``lo`` to ``hi - 1`` (repeats possible across keys)."""
        return self.rows[self.offsets[lo] : self.offsets[hi]]

    def mark(self, mask: np.ndarray, key_numbers: Iterable[int]) -> None:
        for i in key_numbers:
            mask[self.rows[self.offsets[i] : self.offsets[i + 1]]] = True


@dataclass(frozen=True)
class Category:
    """A text column as integer codes (-1 missing) and its distinct normalised values."""

    codes: np.ndarray
    uniques: list[str]

    @classmethod
    def build(cls, values: pd.Series, normalise: Callable[[object], str] | None = None) -> Category:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        keys = [normalise(u) if normalise else str(u).strip() for u in uniques]
        # Different spellings of one value ("1" and "01") share one code.
        merged, remap = pd.factorize(pd.Series(keys, dtype=object))
        remap_codes = np.append(merged, -1)  # code -1 (missing) stays -1
        return cls(small_codes(remap_codes[codes], len(remap)), [str(k) for k in remap])

    def mask(self, wanted: Iterable[str]) -> np.ndarray:
        """Rows whose value is one of ``wanted`` (already normalised)."""
        table = np.zeros(len(self.uniques) + 1, dtype=bool)  # last slot: missing (-1)
        position = {u: i for i, u in enumerate(self.uniques)}
        for w in wanted:
            if w in position:
                table[position[w]] = True
        return table[self.codes]

    def values(self) -> np.ndarray:
        """The column back as an object array of strings ("" where missing)."""
        return np.append(np.array(self.uniques, dtype=object), "")[self.codes]


@dataclass(frozen=True)
class Vocabulary:
    """Sorted folded words with their postings; prefix and fuzzy lookups."""

    postings: Postings
    lengths: np.ndarray

    @classmethod
    def of(cls, postings: Postings) -> Vocabulary:
        return cls(postings, np.fromiter(map(len, postings.keys), dtype=np.int16, count=len(postings.keys)))

    def prefix_range(self, word: str) -> tuple[int, int]:
        words = self.postings.keys
        return bisect_left(words, word), bisect_left(words, word + PAST_LAST)

    def fuzzy(self, word: str) -> list[int]:
        """Numbers of the words with the same first letter within `fuzzy_budget` typos of ``word``."""
        budget = fuzzy_budget(word)
        if not budget:
            return []
        words = self.postings.keys
        lo, hi = bisect_left(words, word[0]), bisect_left(words, word[0] + PAST_LAST)
        near = lo + np.flatnonzero(np.abs(self.lengths[lo:hi].astype(np.int32) - len(word)) <= budget)
        if not len(near):
            return []
        candidates = [words[i] for i in near]
        found = process.extract(word, candidates, scorer=OSA.distance, score_cutoff=budget, limit=None)
        return [int(near[i]) for _, _, i in found]
