"""The words buyers use, read through the taxonomy's vocabulary (sector labels and keywords of
``data/taxonomy/sectors.csv``).

- `phrases`: the keyword phrases found in what a buyer typed, each with its sectors and the text as
  typed (« tonte », « ménage des bureaux »), for the keyword search and its match reasons;
- `sectors_for_description`: the sectors a purchase description is about. Only the objects of the
  purchase count, not the words that complete them: in « entretien des espaces verts des écoles »,
  « écoles » says where, not what (the school is not a teaching purchase).

Measured on the sets of ``tests/data/vocabulary/`` (``docs/vocabulary.md``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sourcing import taxonomy

_WORD = re.compile(r"[^\W_]+")
# What joins two objects of a purchase: punctuation that lists, and coordinating words.
_JOIN = re.compile(r"[,;/+\n•:()]|\s-\s|\b(?:et|ou|ainsi que|plus|avec|incluant|comprenant|y compris)\b")
# What makes a phrase the complement of the previous one (« des écoles », « pour la cantine »).
_PREPOSITIONS = frozenset("a au aux d de des du dans en l la le les pour sur chez vers par entre".split())


@dataclass(frozen=True)
class Phrase:
    """A keyword phrase found in a text: its words as typed, its sectors, where it lies in the text."""

    text: str  # as typed: « ménage des bureaux »
    words: tuple[str, ...]  # its folded words, stop words left out: ("menage", "bureaux")
    sectors: tuple[str, ...]
    start: int  # character offsets in the text
    end: int


def phrases(text: str | None) -> list[Phrase]:
    """The keyword phrases of ``text`` (accent-, case- and plural-insensitive, stop words ignored), in
    order; at each word the longest phrase starting there, and no phrase inside a longer one."""
    if not text:
        return []
    words: list[tuple[str, int, int]] = []  # folded content word, start, end
    for m in _WORD.finditer(text):
        words += [(w, m.start(), m.end()) for w in taxonomy.fold(m.group()).split() if taxonomy.content_word(w)]
    stems = [taxonomy._stem(w) for w, _, _ in words]
    out = []
    for s, e, sectors in taxonomy.load_taxonomy().matcher.spans(stems):
        start, end = words[s][1], words[e - 1][2]
        out.append(Phrase(text[start:end], tuple(w for w, _, _ in words[s:e]), tuple(sectors), start, end))
    return out


def _has_preposition(text: str) -> bool:
    return any(w in _PREPOSITIONS for w in taxonomy.fold(text).split())


def _joined(between: str, previous_kept: bool) -> bool:
    """Whether a phrase preceded by ``between`` (the text since the previous phrase) is an object of
    the purchase. Right after a preposition it completes the previous one (« des écoles »). After a
    list separator or « et » it is a new object (« et élagage »), unless a preposition follows the
    « et »: then it goes on like what it is joined to (« des locaux et des vitres », « de la mairie
    et des écoles »)."""
    joins = list(_JOIN.finditer(between.lower()))
    if not joins:
        return not _has_preposition(between)
    if not _has_preposition(between[joins[-1].end() :]):
        return True
    return previous_kept and not _has_preposition(between[: joins[0].start()])


def sectors_for_description(text: str | None) -> list[str]:
    """Sector ids a purchase description is about: those of its objects, not of the words that only
    say for whom or where (« nettoyage des locaux de la crèche » is cleaning, not childcare)."""
    found = phrases(text)
    out: list[str] = []
    kept = True
    for i, phrase in enumerate(found):
        if i:
            kept = _joined(text[found[i - 1].end : phrase.start], kept)  # type: ignore[index]
        if kept:
            out.extend(s for s in phrase.sectors if s not in out)
    return out
