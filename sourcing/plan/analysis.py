"""Every line of a purchasing programme through the advisor, with who can answer nearby.

For each line: the advisor's levers (`sourcing.advisor.engine.advise`, built from an
`AdviceRequest` like the "Conseil achat" page), the eligible suppliers near the place by family,
the insertion hours, and the opportunities (reserved contract or lot, direct award, mandatory
clause). What does not depend on the line is built once per directory and kept (`PlanContext`):
a slim copy of the search index (the advisor only reads the headcount of the rows it counts) and
a memo of the places already resolved; suppliers are searched once per (place, sectors).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import ClassVar, Final

import numpy as np
import pandas as pd

from sourcing.advisor import AdviceInputError, AdviceReport, LeverAdvice
from sourcing.advisor.engine import FAMILY_KINDS, _area, advise
from sourcing.advisor.request import AdviceRequest
from sourcing.plan.programme import PlanLine, Programme, RowReport
from sourcing.plan.values import fold
from sourcing.search import SearchIndex, SearchQuery, search

SUPPLIERS_PER_LINE: Final[int] = 15
DEFAULT_PLAN_RADIUS_KM: Final[float] = 30.0
# Levers that put a social consideration in a contract (reservation, clause, award criterion).
SOCIAL_LEVERS: Final[tuple[str, ...]] = (
    "reserve-handicap", "reserve-insertion", "reserve-mixed", "reserve-ess", "clause-insertion", "criterion-social",
)  # fmt: skip
RESERVATIONS: Final[tuple[str, ...]] = ("reserve-handicap", "reserve-insertion", "reserve-mixed", "reserve-ess")
VIABLE: Final[dict[str, str]] = {"marche-entier": "marché entier réservable", "lot-reserve": "lot réservable"}
# Weight of a line's amount in its priority: a viable reservation first, then a clause.
_WEIGHTS: Final[dict[str, float]] = {"reservation": 3.0, "clause-mandatory": 2.5, "clause": 2.0, "social": 1.0}
_ALL_KINDS: Final[tuple[str, ...]] = tuple(dict.fromkeys(k for kinds in FAMILY_KINDS.values() for k in kinds))
_MAX_CONTEXTS: Final[int] = 4


@dataclass(frozen=True)
class PlanSettings:
    """What holds for the whole programme: the buyer, and the place of lines that name none."""

    buyer_type: str = "commune"
    near: str = ""
    radius_km: float = DEFAULT_PLAN_RADIUS_KM
    suppliers_per_line: int = SUPPLIERS_PER_LINE


class _Places:
    """The gazetteer's `resolve`, remembered per text (a programme names a few places many times)."""

    def __init__(self) -> None:
        from sourcing.gazetteer import Gazetteer

        self._gazetteer = Gazetteer.load()
        self._memo: dict[str, object] = {}

    def resolve(self, text: str):
        if text not in self._memo:
            self._memo[text] = self._gazetteer.resolve(text)
        return self._memo[text]


class PlanContext:
    """What analysing a line needs and no line changes, for one directory's search index."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index
        # `advise` copies the frame's rows it counts and reads their headcount: with two plain numpy
        # columns instead of fifty Arrow ones, no conversion of the whole column at every line. Read one
        # column at a time (`directory_column`): a saved index never loads its whole directory for them.
        columns = {c: index.directory_column(c) for c in ("headcount_band", "source_date")}
        frame = pd.DataFrame(
            {c: pd.Series(v.to_numpy(dtype=object), dtype=object) for c, v in columns.items() if v is not None}
        )
        self.slim = dataclasses.replace(index, frame=frame)
        self.places = _Places()
        self.suppliers: dict[tuple, tuple[np.ndarray, int]] = {}

    _cache: ClassVar[dict[int, tuple[SearchIndex, PlanContext]]] = {}

    @classmethod
    def of(cls, index: SearchIndex) -> PlanContext:
        """The context of `index`, built once and kept for the last few indexes."""
        found = cls._cache.get(id(index))
        if found is not None and found[0] is index:
            return found[1]
        if len(cls._cache) >= _MAX_CONTEXTS:
            cls._cache.pop(next(iter(cls._cache)))
        context = cls(index)
        cls._cache[id(index)] = (index, context)
        return context


@dataclass(frozen=True)
class LineAnalysis:
    """One line of the programme and what the advisor says of it."""

    line: PlanLine
    place: str  # the place searched (the line's, else the programme's)
    report: AdviceReport
    families: dict[str, int]  # handicap / insertion / ess -> eligible suppliers nearby
    supplier_rows: np.ndarray  # positions in the index's frame, nearest first (up to the settings' limit)
    supplier_total: int  # all eligible suppliers nearby, any family
    opportunities: tuple[str, ...]  # French, most useful first
    priority: float  # amount weighted by how far the line can go (see _WEIGHTS)
    warnings: tuple[str, ...] = ()

    @property
    def applicable(self) -> list[LeverAdvice]:
        return [lv for lv in self.report.levers if lv.applies]

    @property
    def social(self) -> bool:
        """The line can carry a social consideration that works: an insertion clause (the line has
        labour), or a reservation with enough eligible suppliers nearby for a lot or the contract.
        (An award criterion is always allowed, so it alone would make every line count.)"""
        return any(
            lv.applies
            and (lv.id == "clause-insertion" or (lv.id in RESERVATIONS and (lv.viability or {}).get("level") in VIABLE))
            for lv in self.report.levers
        )

    @property
    def hours(self) -> float | None:
        hours = self.report.insertion_hours
        return hours.hours if hours is not None else None

    @property
    def sectors(self) -> tuple[str, ...]:
        return self.report.sectors


@dataclass
class PlanAnalysis:
    lines: list[LineAnalysis]
    report: RowReport
    settings: PlanSettings
    index: SearchIndex = field(repr=False)

    @property
    def total_amount(self) -> float:
        return float(sum(a.line.amount_eur for a in self.lines))

    @property
    def social_amount(self) -> float:
        return float(sum(a.line.amount_eur for a in self.lines if a.social))

    @property
    def social_share(self) -> float:
        """Share of the programme's spend that could carry a social consideration (0 to 1)."""
        total = self.total_amount
        return self.social_amount / total if total else 0.0

    def by_line(self, line: int) -> LineAnalysis:
        return next(a for a in self.lines if a.line.line == line)


def _place(line: PlanLine, settings: PlanSettings, context: PlanContext) -> tuple[str, list[str]]:
    """The place to search for a line, with a warning when the line's own is unknown or ambiguous."""
    if not line.place:
        return settings.near, []
    resolved = context.places.resolve(line.place)
    if resolved.status == "ok":
        return line.place, []
    fallback = f"lieu par défaut « {settings.near} » retenu" if settings.near else "recherche dans toute la France"
    return settings.near, [f"lieu « {line.place} » non reconnu ({resolved.message}) ; {fallback}"]


def _request(line: PlanLine, place: str, settings: PlanSettings) -> AdviceRequest:
    return AdviceRequest(
        need=line.need, nature=line.nature, amount_eur=line.amount_eur, duration_months=line.duration_months,
        buyer_type=settings.buyer_type, cpv_text=line.cpv or "", place=place,
        radius_km=settings.radius_km if place else None, consultation_date=line.consultation_date, lots=line.lots,
        framework="accord cadre" in fold(line.need).replace("-", " "),
    )  # fmt: skip


def _suppliers(context: PlanContext, purchase, limit: int) -> tuple[np.ndarray, int]:
    """Eligible suppliers (any family) in the line's sectors and area: nearest first, and how many."""
    key = (purchase.place, purchase.radius_km, purchase.resolved_sectors, limit)
    if key not in context.suppliers:
        area = _area(purchase, context.places)
        query = SearchQuery(
            kinds=_ALL_KINDS, sectors=purchase.resolved_sectors, limit=limit, columns=("id",), **area.query_kw
        )
        result = search(context.slim, query)
        context.suppliers[key] = (result.rows, result.total)
    return context.suppliers[key]


def _opportunities(report: AdviceReport) -> tuple[tuple[str, ...], str | None]:
    """French opportunities of a line, and the weight key of the best one."""
    out: list[str] = []
    best: str | None = None
    for lever in report.levers:
        if not lever.applies:
            continue
        level = (lever.viability or {}).get("level")
        if lever.id in RESERVATIONS and level in VIABLE:
            out.append(
                f"{lever.title} : {VIABLE[level]} ({lever.legal_refs[0]}, {lever.viability['total']} structures)"
            )
            best = "reservation"
        elif lever.id == "direct-award":
            out.append(f"{lever.title} ({lever.legal_refs[0]})")
        elif lever.id == "clause-insertion":
            out.append(lever.title + (" : obligatoire" if lever.mandatory else ""))
            best = best or ("clause-mandatory" if lever.mandatory else "clause")
    if best is None and any(lv.applies and lv.id in SOCIAL_LEVERS for lv in report.levers):
        best = "social"
    return tuple(out), best


def analyse_line(line: PlanLine, settings: PlanSettings, context: PlanContext) -> LineAnalysis:
    """One line through the advisor; raises `AdviceInputError` (French) when it cannot be advised."""
    place, warnings = _place(line, settings, context)
    purchase = _request(line, place, settings).purchase()
    report = advise(purchase, context.slim, gazetteer=context.places)
    rows, total = _suppliers(context, purchase, settings.suppliers_per_line)
    families = {}
    for lever in report.levers:
        families.update(lever.eligible_suppliers or {})
    opportunities, best = _opportunities(report)
    return LineAnalysis(
        line=line,
        place=place,
        report=report,
        families=families,
        supplier_rows=rows,
        supplier_total=total,
        opportunities=opportunities,
        priority=line.amount_eur * _WEIGHTS.get(best or "", 0.0),
        warnings=tuple(warnings),
    )


def analyse(programme: Programme, index: SearchIndex, settings: PlanSettings | None = None) -> PlanAnalysis:
    """Every line of ``programme`` (see the module docstring). A line the advisor refuses moves to the
    rejections with its reason, so the row report still adds up."""
    settings = settings or PlanSettings()
    context = PlanContext.of(index)
    if settings.near and context.places.resolve(settings.near).status != "ok":
        raise AdviceInputError(f"lieu par défaut « {settings.near} » : {context.places.resolve(settings.near).message}")
    report = dataclasses.replace(
        programme.report, rejected=list(programme.report.rejected), warnings=list(programme.report.warnings)
    )
    done: list[LineAnalysis] = []
    for line in programme.lines:
        try:
            analysed = analyse_line(line, settings, context)
        except (AdviceInputError, ValueError) as exc:
            report.reject(line.line, str(exc))
            continue
        done.append(analysed)
        report.warnings += [{"line": line.line, "message": w} for w in analysed.warnings]
    report.analysed = len(done)
    report.rejected.sort(key=lambda r: r["line"])
    report.warnings.sort(key=lambda w: w["line"])
    return PlanAnalysis(done, report, settings, index)
