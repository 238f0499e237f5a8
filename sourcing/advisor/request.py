"""From what a buyer typed to what is shown: `advise_request`, the one call of the "Conseil achat" page.

The page gathers its form into an `AdviceRequest` (values as typed: CPV codes as one text, shares
in percent), calls `advise_request` and shows the `AdviceAnswer`. Everything in between (the
purchase, the report, the order and count of the levers, the note d'opportunité) happens here,
tested without Streamlit; the command line can build the same request.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from sourcing.advisor.engine import AdviceReport, LeverAdvice, advise
from sourcing.advisor.note import DEMO_SOURCE, note_docx
from sourcing.advisor.purchase import Purchase

PERCENT: float = 100.0


def cpv_codes(text: str) -> tuple[str, ...]:
    """CPV codes typed by the buyer, separated by commas, semicolons or spaces."""
    return tuple(c for c in text.replace(";", ",").replace(" ", ",").split(",") if c.strip())


def _fraction(percent: float | None) -> float | None:
    return None if percent is None else percent / PERCENT


@dataclass(frozen=True, kw_only=True)
class AdviceRequest:
    """The purchase as typed in the form. ``radius_km`` counts only with a ``place``; a
    ``consultation_date`` that is not a date means today; shares and rates are in percent.
    ``framework``: an accord-cadre (``amount_eur`` is then its maximum); ``defence_contract``: a defence
    or security contract (L1113-1); ``central_authority``: True, False or None (not said)."""

    need: str
    nature: str
    amount_eur: float
    duration_months: float
    buyer_type: str = "commune"
    cpv_text: str = ""
    sectors: tuple[str, ...] = ()
    place: str = ""
    radius_km: float | None = None
    consultation_date: date | None = None
    lots: int = 1
    labour_share_percent: float | None = None
    insertion_rate_percent: float | None = None
    hourly_cost: float | None = None
    framework: bool = False
    defence_contract: bool = False
    central_authority: bool | None = None

    def purchase(self) -> Purchase:
        """The purchase the advisor reasons about; raises `AdviceInputError` (French) when it is invalid."""
        place = self.place.strip()
        return Purchase(
            need=self.need.strip(),
            nature=self.nature,
            amount_eur=float(self.amount_eur),
            duration_months=float(self.duration_months),
            buyer_type=self.buyer_type,
            cpv=cpv_codes(self.cpv_text),
            sectors=tuple(self.sectors),
            place=place or None,
            radius_km=float(self.radius_km) if place and self.radius_km is not None else None,
            consultation_date=self.consultation_date if isinstance(self.consultation_date, date) else None,
            lots=int(self.lots),
            labour_share=_fraction(self.labour_share_percent),
            insertion_rate=_fraction(self.insertion_rate_percent),
            hourly_cost=float(self.hourly_cost) if self.hourly_cost is not None else None,
            framework=bool(self.framework),
            defence_contract=bool(self.defence_contract),
            central_authority=None if self.central_authority is None else bool(self.central_authority),
        )


def changed_fields(before: AdviceRequest, after: AdviceRequest) -> tuple[str, ...]:
    """Names of the fields of ``after`` that differ from ``before`` (in the form's order): what the buyer
    changed since the analysis of ``before``. Empty when the analysis still answers the form."""
    return tuple(f.name for f in fields(AdviceRequest) if getattr(before, f.name) != getattr(after, f.name))


@dataclass(frozen=True)
class AdviceAnswer:
    """What the page shows for one request: the report, and the note as a Word file."""

    purchase: Purchase
    report: AdviceReport
    note: bytes  # DOCX
    note_file_name: str

    @property
    def levers_in_display_order(self) -> list[LeverAdvice]:
        """Applicable levers first, mandatory ones at the top; otherwise the report's order."""
        return sorted(self.report.levers, key=lambda lv: (not lv.applies, not lv.mandatory))

    @property
    def applicable_count(self) -> int:
        return sum(lv.applies for lv in self.report.levers)

    @property
    def mandatory_count(self) -> int:
        return sum(lv.applies and lv.mandatory for lv in self.report.levers)


def advise_request(
    request: AdviceRequest, directory=None, *, directory_label: str | None = None, today: date | None = None
) -> AdviceAnswer:
    """Advise on the purchase of ``request`` and write its note d'opportunité.

    ``directory``: as for `advise` (None = the demo directory). ``directory_label`` names the directory
    in the note (None = the demo one); ``today`` dates the note (None = today). Raises
    `AdviceInputError` (French) for an invalid purchase or an unknown place, ValueError (French) for
    insertion-hours parameters out of range.
    """
    purchase = request.purchase()
    report = advise(purchase, directory)
    today = today or date.today()
    note = note_docx(purchase, report, directory_label=directory_label or DEMO_SOURCE, generated_on=today)
    return AdviceAnswer(purchase, report, note, f"note-opportunite-{today.isoformat()}.docx")
