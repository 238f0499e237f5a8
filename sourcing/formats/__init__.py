"""Directory formats: one module per format, and recognition of a file's format.

Each module follows the contract in `sourcing.formats.base` (NAME, LABEL, SOURCE_NAME,
score, to_staging, EXAMPLES, COUNTER_EXAMPLES). Specific formats come first; the generic
CRESS format is the tolerant fallback, last, and scores at most 0.9 so that a specific
format wins on its own files.
"""

from __future__ import annotations

from types import ModuleType

from sourcing.formats import asp_siae, cress, finess, geiq, marche_csv, marche_json, siae_regional, sirene
from sourcing.formats.base import RawTable

FORMATS: tuple[ModuleType, ...] = (
    asp_siae,
    siae_regional,
    geiq,
    marche_json,
    marche_csv,
    sirene,
    finess,
    cress,
)
FORMAT_NAMES: list[str] = [m.NAME for m in FORMATS]
_BY_NAME: dict[str, ModuleType] = {m.NAME: m for m in FORMATS}


def get_format(name: str) -> ModuleType:
    """The format module of a CLI name (e.g. "asp-siae"); KeyError if unknown."""
    return _BY_NAME[name]


def scores(table: RawTable) -> list[tuple[ModuleType, float]]:
    """Every format's score for a table, in FORMATS order."""
    return [(m, float(m.score(table))) for m in FORMATS]


def detect(table: RawTable) -> tuple[ModuleType | None, float]:
    """The best-scoring format and its score; ties go to the earlier format in FORMATS.

    (None, 0.0) when no format claims the table at all. The caller decides what score is
    enough (the importer's threshold).
    """
    best: ModuleType | None = None
    best_score = 0.0
    for module, s in scores(table):
        if s > best_score:
            best, best_score = module, s
    return best, best_score
