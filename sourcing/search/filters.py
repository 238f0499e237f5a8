"""The filters of a search other than the place, each a small object that knows its `SearchQuery`
field, its French wording (widening hints, the description of a search) and the rows it keeps.

Filters combine with AND, the values of one filter with OR. The sector filters (sectors, and the CPV
code searched as the sectors it maps to) pool their sectors first: a supplier in any of them passes.
To add a filter: a field on `SearchQuery`, what it needs in `SearchIndex.build` (usually a
`Category`), and one object in `FILTERS`; widening and the description follow.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from sourcing import taxonomy, vocabulary
from sourcing.search.index import SearchIndex
from sourcing.search.keywords import identifier, identifier_mask, keyword_mask, sector_rows
from sourcing.search.query import SearchQuery, clean
from sourcing.search.words import area_code, headcount_key, kind_mask_bits, naf_key, query_words, stripped


@dataclass(frozen=True)
class Filter:
    """One filter: ``name`` is its `SearchQuery` field, ``label`` its French wording."""

    name: str
    label: str

    def active(self, query: SearchQuery) -> bool:
        """Whether the (cleaned) query uses this filter."""
        return bool(getattr(query, self.name))

    def mask(self, index: SearchIndex, query: SearchQuery) -> np.ndarray | None:
        """The rows this filter keeps (None: it keeps every row)."""
        raise NotImplementedError


@dataclass(frozen=True)
class KindFilter(Filter):
    """Kinds of structure, as codes in any case or as wording; one bit test per row."""

    def mask(self, index: SearchIndex, query: SearchQuery) -> np.ndarray:
        return (index.kind_bits & kind_mask_bits(query.kinds)) != 0


@dataclass(frozen=True)
class SectorFilter(Filter):
    """Sector ids (or their French labels)."""

    def sector_ids(self, index: SearchIndex, query: SearchQuery) -> list[str]:
        """The sectors searched, in the query's order, without repeats."""
        labels = taxonomy.load_taxonomy().label_index
        sectors: list[str] = []
        for s in query.sectors:
            s = str(s).strip()
            s = s if s in index.sectors.position else labels.get(taxonomy.fold(s), s)
            if s not in sectors:
                sectors.append(s)
        return sectors

    def mask(self, index: SearchIndex, query: SearchQuery) -> np.ndarray:
        return sector_mask(index, self.sector_ids(index, query))


@dataclass(frozen=True)
class CpvFilter(SectorFilter):
    """A CPV code, searched as the sectors it maps to."""

    def sector_ids(self, index: SearchIndex, query: SearchQuery) -> list[str]:
        return list(taxonomy.sectors_for_cpv(query.cpv))


@dataclass(frozen=True)
class KeywordFilter(Filter):
    """Keywords (see `keyword_mask`), or a SIRET or SIREN; a query of stop words only is no filter."""

    def active(self, query: SearchQuery) -> bool:
        return bool(query_words(query.q))

    def match(self, index: SearchIndex, query: SearchQuery) -> tuple[np.ndarray, dict, tuple[str, ...]]:
        """The rows kept, the typo fixes used and the words searched."""
        words = query_words(query.q)
        digits = identifier(query.q)
        if digits is not None:
            return identifier_mask(index, digits), {}, tuple(words)
        mask, corrections = keyword_mask(index, words, vocabulary.phrases(query.q))
        return mask, corrections, tuple(words)

    def mask(self, index: SearchIndex, query: SearchQuery) -> np.ndarray:
        return self.match(index, query)[0]


@dataclass(frozen=True)
class NafFilter(Filter):
    """A NAF code or its beginning, in any spelling ("88.10C", "8810c", "88.1")."""

    def mask(self, index: SearchIndex, query: SearchQuery) -> np.ndarray:
        key = naf_key(query.naf)
        return index.naf.mask([u for u in index.naf.uniques if u.startswith(key)])


@dataclass(frozen=True)
class CategoryFilter(Filter):
    """Values of one text column of the directory (``category``: its `Category` in the index),
    compared once normalised (``normalise``: "1" and "01" are one département)."""

    category: str = ""
    normalise: Callable[[object], str] = field(default=stripped)

    def mask(self, index: SearchIndex, query: SearchQuery) -> np.ndarray | None:
        wanted = {self.normalise(v) for v in getattr(query, self.name)} - {""}
        return getattr(index, self.category).mask(wanted) if wanted else None


@dataclass(frozen=True)
class FreshFilter(Filter):
    """Suppliers some source of less than a year knows (`source_date` is the newest data date of
    the sources that list the supplier; undated counts as old). ISO dates compare as text."""

    def mask(self, index: SearchIndex, query: SearchQuery) -> np.ndarray:
        from datetime import date, timedelta

        from sourcing.store.dates import STALE_AFTER_DAYS

        cutoff = (date.today() - timedelta(days=STALE_AFTER_DAYS)).isoformat()
        dates = index.directory_column("source_date")
        if dates is None:
            return np.zeros(len(index), dtype=bool)
        return (dates.fillna("").astype(str).str[:10] >= cutoff).to_numpy(dtype=bool)


@dataclass(frozen=True)
class ContractsFilter(Filter):
    """Suppliers that already won a public contract (`contracts_won` > 0: the DECP look-up kept in the
    store, see `sourcing.contracts`); a directory never looked up keeps none."""

    def mask(self, index: SearchIndex, query: SearchQuery) -> np.ndarray:
        return contracts_won(index) > 0


def contracts_won(index: SearchIndex) -> np.ndarray:
    """Public contracts won, per row of the index (0 where none is known)."""
    won = index.directory_column("contracts_won")
    if won is None:
        return np.zeros(len(index), dtype=np.int64)
    return won.fillna(0).to_numpy(dtype=np.int64, na_value=0)


# In the order widening hints are shown to buyers.
FILTERS: tuple[Filter, ...] = (
    KindFilter("kinds", "types de structure"),
    SectorFilter("sectors", "secteurs"),
    CpvFilter("cpv", "code CPV"),
    KeywordFilter("q", "mots-clés"),
    NafFilter("naf", "code NAF"),
    CategoryFilter("departments", "départements", category="departments", normalise=area_code),
    CategoryFilter("regions", "régions", category="regions", normalise=area_code),
    CategoryFilter("epcis", "EPCI", category="epcis", normalise=stripped),
    CategoryFilter("headcount_bands", "effectif", category="headcounts", normalise=headcount_key),
    FreshFilter("fresh_only", "données de moins d'un an"),
    ContractsFilter("won_contracts", "a déjà remporté un marché public"),
)
FILTER_LABELS: dict[str, str] = {f.name: f.label for f in FILTERS}


def active_filters(query: SearchQuery, skip: Iterable[str] = ()) -> tuple[Filter, ...]:
    """The filters the (cleaned) query uses, but those named in ``skip``."""
    return tuple(f for f in FILTERS if f.name not in skip and f.active(query))


def describe(query: SearchQuery) -> list[str]:
    """The French wording of the filters a query uses: ["types de structure", "mots-clés"] (empty
    values and stop words alone filter nothing, so they are not named)."""
    return [f.label for f in active_filters(clean(query))]


sector_mask = sector_rows  # rows in any of the sectors (ids the directory does not use select nothing)


@dataclass(frozen=True)
class Narrowing:
    """What the filters other than the place leave, and what explains it."""

    mask: np.ndarray | None  # rows kept (None: no filter)
    sectors_used: tuple[str, ...] = ()  # sectors searched (from the CPV code too)
    corrections: dict[str, tuple[str, ...]] = field(default_factory=dict)  # typed word -> words found by typo
    words: tuple[str, ...] = ()  # keywords searched
    phrases: tuple[vocabulary.Phrase, ...] = ()  # vocabulary phrases of the keywords (their sectors matched)
    identifier: str | None = None  # the SIRET or SIREN searched instead of keywords


def narrow(index: SearchIndex, query: SearchQuery, skip: Iterable[str] = ()) -> Narrowing:
    """Combine the filters of a (cleaned) query, but those named in ``skip``, into one row mask."""
    mask: np.ndarray | None = None
    sectors: list[str] = []
    corrections: dict[str, tuple[str, ...]] = {}
    words: tuple[str, ...] = ()
    found = Narrowing(None)
    filters = active_filters(query, skip)
    for f in filters:
        if isinstance(f, SectorFilter):  # pooled: any of the sectors of every sector filter
            sectors += [s for s in f.sector_ids(index, query) if s not in sectors]
            continue
        if isinstance(f, KeywordFilter):
            kept, corrections, words = f.match(index, query)
            digits = identifier(query.q)
            found = Narrowing(None, phrases=() if digits else tuple(vocabulary.phrases(query.q)), identifier=digits)
        else:
            kept = f.mask(index, query)
        mask = _and(mask, kept)
    if any(isinstance(f, SectorFilter) for f in filters):
        mask = _and(mask, sector_mask(index, sectors))
    return Narrowing(mask, tuple(sectors), corrections, words, found.phrases, found.identifier)


def _and(mask: np.ndarray | None, other: np.ndarray | None) -> np.ndarray | None:
    if other is None:
        return mask
    if mask is None:
        return other
    mask &= other
    return mask
