"""The buyer-word and purchase-description sets of tests/data/vocabulary/ and their precision and
recall (used by tests/test_vocabulary.py; `python -m tests.vocabulary_sets` prints the figures and
the misses for docs/vocabulary.md)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sourcing import taxonomy, vocabulary

SETS_DIR = Path(__file__).resolve().parent / "data" / "vocabulary"


@dataclass(frozen=True)
class Score:
    precision: float  # sectors found that are meant / sectors found
    recall: float  # sectors meant that are found / sectors meant
    misses: list[tuple[str, list[str], list[str]]]  # (text, meant, found) where they differ


def read_set(name: str) -> list[tuple[str, list[str]]]:
    with (SETS_DIR / name).open(encoding="utf-8", newline="") as f:
        return [(row["text"], row["sectors"].split()) for row in csv.DictReader(f)]


def score(items: Iterable[tuple[str, list[str]]], guess: Callable[[str], list[str]]) -> Score:
    found_n = meant_n = right = 0
    misses = []
    for text, meant in items:
        found = guess(text)
        hit = len(set(found) & set(meant))
        found_n, meant_n, right = found_n + len(found), meant_n + len(meant), right + hit
        if set(found) != set(meant):
            misses.append((text, meant, found))
    return Score(right / found_n if found_n else 1.0, right / meant_n if meant_n else 1.0, misses)


def buyer_word_sectors(text: str) -> list[str]:
    """What the keyword search reads in a typed text: the sectors of its phrases."""
    out: list[str] = []
    for phrase in vocabulary.phrases(text):
        out += [s for s in phrase.sectors if s not in out]
    return out


def text_sectors(text: str) -> list[str]:
    """The reading of directory text, used for purchase descriptions before `sectors_for_description`."""
    return list(taxonomy.sectors_for_text(pd.Series([text]))[0])


def main() -> None:
    for name, guessers in (
        ("buyer_words.csv", {"phrases": buyer_word_sectors}),
        (
            "purchase_descriptions.csv",
            {"sectors_for_text": text_sectors, "sectors_for_description": vocabulary.sectors_for_description},
        ),
    ):
        items = read_set(name)
        for label, guess in guessers.items():
            s = score(items, guess)
            print(f"{name} ({len(items)}) {label}: precision {s.precision:.3f} recall {s.recall:.3f}")
            for text, meant, found in s.misses:
                print(f"    {text!r}: meant {meant}, found {found}")


if __name__ == "__main__":
    main()
