"""Vectorised supplier search over a canonical directory.

`SearchIndex.build(directory)` does, once per directory, everything that does not depend on the
query (`index`, with the building blocks of `postings` and `columns`), so that
`search(index, query)` (`engine`) only combines integer arrays with numpy. Each filter other than
the place is a small object of `filters` that knows its field, its French wording and its rows;
`widen` loops over them to explain an empty result. `choices` and `facets` hold what the search
page asks of the domain (the places offered and their resolution, counts for the charts, the
supplier card's row), callable from the CLI as well.

Keyword rules (`query_words`, `search_words`, `fuzzy_budget`, `FUZZY_RATIO`): accents, case and
punctuation do not matter; stop words (« de », « la », « et »…) and one-letter words are neither
indexed nor searched; indexed words lose a plural ``s``/``x``. Every query word must match (AND)
a word of the supplier's name, trade name, description or sector labels: a word that starts with
it (« menuis » finds « menuiserie »), or its singular (« espaces » finds « espace »), or, for typos,
a word with the same first letter within 1 edit (4 to 7 letters) or 2 edits (8 letters or more;
an edit is an insertion, deletion, substitution or swap of two neighbouring letters) that is
found in at least `FUZZY_RATIO` times as many rows as the typed word: « menuserie » (found
nowhere) finds « menuiserie », but « vert » does not also find « vent ».
"""

from sourcing.search.engine import (
    MATCH_AREA,
    MATCH_DISTANCE,
    MATCH_TEXT,
    SORTS,
    WIDEN_RADII_KM,
    Widening,
    count,
    result_rows,
    search,
    search_table,
    widen,
)
from sourcing.search.filters import FILTER_LABELS, FILTERS, Filter, active_filters, describe
from sourcing.search.geo import EARTH_RADIUS_KM, haversine_km
from sourcing.search.index import SearchIndex
from sourcing.search.query import SearchQuery, SearchResult
from sourcing.search.words import FUZZY_RATIO, STOP_WORDS, fuzzy_budget, query_words, search_words

__all__ = [
    "EARTH_RADIUS_KM",
    "FILTERS",
    "FILTER_LABELS",
    "FUZZY_RATIO",
    "MATCH_AREA",
    "MATCH_DISTANCE",
    "MATCH_TEXT",
    "SORTS",
    "STOP_WORDS",
    "WIDEN_RADII_KM",
    "Filter",
    "SearchIndex",
    "SearchQuery",
    "SearchResult",
    "Widening",
    "active_filters",
    "count",
    "describe",
    "fuzzy_budget",
    "haversine_km",
    "query_words",
    "result_rows",
    "search",
    "search_table",
    "search_words",
    "widen",
]
