"""Keyword matching: the rows where every query word matches a word of the supplier's texts or of
its sectors' labels, with typos forgiven (the rules are in the package docstring); the words of a
phrase of the taxonomy's vocabulary (« tonte », « ménage des bureaux ») also match every supplier of
the phrase's sectors; a SIRET or SIREN finds that supplier."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import chain
from typing import Literal

import numpy as np
import pandas as pd

from sourcing.search.index import SearchIndex
from sourcing.search.postings import Vocabulary
from sourcing.search.words import FUZZY_RATIO, stem
from sourcing.vocabulary import Phrase

VocabularyName = Literal["text", "label"]  # names, trade names and descriptions; or sector labels
_Span = tuple[int, int, int | None]  # a word's prefix range in a vocabulary, and its stem's number


def keyword_mask(
    index: SearchIndex, words: Sequence[str], phrases: Sequence[Phrase] = ()
) -> tuple[np.ndarray, dict[str, tuple[str, ...]]]:
    """Rows where every query word matches a word of the texts or of the sector labels, and the
    typo fixes used (typed word -> close words found).

    A query word ``w`` matches an indexed (stemmed) word ``v`` that starts with ``w`` or equals
    ``stem(w)``; and, for typos, a word ``v`` with the first letter of ``stem(w)`` within
    `fuzzy_budget` edits (OSA distance) of it, when ``v`` alone is found in at least
    `FUZZY_RATIO` times as many rows as ``w`` (so a word found nowhere is always corrected, and a
    common word is not "corrected" into a rarer one: "vert" does not also find "vent").

    The words of each vocabulary phrase (`sourcing.vocabulary.phrases` of the query) match together
    either that way or as a supplier of one of the phrase's sectors."""
    mask = np.ones(len(index), dtype=bool)
    corrections: dict[str, tuple[str, ...]] = {}
    direct: dict[str, np.ndarray] = {}
    for word in words:
        hits, spans = _direct_hits(index, word)
        used = _add_typo_fixes(index, hits, _close_words(index, stem(word), spans))
        if used:
            corrections[word] = tuple(used)
        direct[word] = hits
    in_phrases: set[str] = set()
    for phrase in phrases:
        group = sector_rows(index, phrase.sectors)
        typed = [w for w in dict.fromkeys(phrase.words) if w in direct]
        if typed:
            group |= np.logical_and.reduce([direct[w] for w in typed])
        in_phrases.update(typed)
        mask &= group
    for word, hits in direct.items():
        if word not in in_phrases:
            mask &= hits
    return mask, corrections


def sector_rows(index: SearchIndex, sectors: Iterable[str]) -> np.ndarray:
    """Rows in any of ``sectors`` (ids the directory does not use select nothing)."""
    mask = np.zeros(len(index), dtype=bool)
    index.sectors.mark(mask, [index.sectors.position[s] for s in sectors if s in index.sectors.position])
    return mask


_IDENTIFIER = re.compile(r"\d{9}|\d{14}")


def identifier(text: str | None) -> str | None:
    """The SIREN (9 digits) or SIRET (14 digits) typed in the keyword box, spaces and dots forgiven
    (« 424 143 089 00037 »); None for any other text."""
    digits = re.sub(r"[\s.]", "", text or "")
    return digits if _IDENTIFIER.fullmatch(digits) else None


def identifier_mask(index: SearchIndex, digits: str) -> np.ndarray:
    """Rows with that SIRET, or (9 digits) that SIREN: its establishments."""
    siret = _identifiers(index, "siret")
    if len(digits) == 14:
        return (siret == digits).to_numpy(dtype=bool)
    siren = _identifiers(index, "siren")
    return ((siren == digits) | (siret.str[:9] == digits)).to_numpy(dtype=bool)


def _identifiers(index: SearchIndex, name: str) -> pd.Series:
    """A SIRET or SIREN column without spaces ("" where missing)."""
    values = index.directory_column(name)
    if values is None:
        values = pd.Series([None] * len(index), dtype=object)
    return values.fillna("").astype(str).str.replace(r"\s", "", regex=True)


def _vocabularies(index: SearchIndex) -> dict[VocabularyName, Vocabulary]:
    return {"text": index.words, "label": index.label_words}


def _mark_rows(index: SearchIndex, mask: np.ndarray, vocabulary: VocabularyName, numbers: Iterable[int]) -> None:
    """Mark the rows of words of the texts' (``"text"``) or sector labels' (``"label"``) vocabulary."""
    if vocabulary == "text":
        index.words.postings.mark(mask, numbers)
    else:
        sectors = set(chain.from_iterable(index.label_sectors[i].tolist() for i in numbers))
        index.sectors.mark(mask, sorted(sectors))


def _direct_hits(index: SearchIndex, word: str) -> tuple[np.ndarray, dict[VocabularyName, _Span]]:
    """Rows with a word that starts with ``word`` or equals its stem, and where those words are."""
    hits = np.zeros(len(index), dtype=bool)
    spans: dict[VocabularyName, _Span] = {}
    exact_word = stem(word)
    for name, vocab in _vocabularies(index).items():
        lo, hi = vocab.prefix_range(word)
        exact = vocab.postings.position.get(exact_word)
        spans[name] = (lo, hi, exact)
        if name == "text":
            hits[vocab.postings.span(lo, hi)] = True
        else:
            _mark_rows(index, hits, name, range(lo, hi))
        if exact is not None and not lo <= exact < hi:
            _mark_rows(index, hits, name, [exact])
    return hits, spans


def _close_words(index: SearchIndex, word: str, spans: dict[VocabularyName, _Span]) -> dict[str, dict]:
    """Words within typo distance of ``word`` not already matched: close word -> vocabulary -> number."""
    candidates: dict[str, dict[VocabularyName, int]] = {}
    for name, vocab in _vocabularies(index).items():
        lo, hi, exact = spans[name]
        for i in vocab.fuzzy(word):
            if not lo <= i < hi and i != exact:
                candidates.setdefault(vocab.postings.keys[i], {})[name] = i
    return candidates


def _add_typo_fixes(index: SearchIndex, hits: np.ndarray, candidates: dict[str, dict]) -> list[str]:
    """Add to ``hits`` the rows of the close words found in `FUZZY_RATIO` times as many rows as the
    word itself; return those words."""
    found = int(np.count_nonzero(hits))
    used = []
    for close, where in sorted(candidates.items()):
        if set(where) == {"text"}:  # the postings say how many rows: no need to mark them to count
            i = where["text"]
            if index.words.postings.size(i) >= FUZZY_RATIO * found:
                _mark_rows(index, hits, "text", [i])
                used.append(close)
            continue
        rows = np.zeros(len(index), dtype=bool)
        for name, i in where.items():
            _mark_rows(index, rows, name, [i])
        if np.count_nonzero(rows) >= FUZZY_RATIO * found:
            hits |= rows
            used.append(close)
    return used
