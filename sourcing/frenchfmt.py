"""French renderings of numbers, amounts, percentages, dates and lists: the one place where the
application formats a value for a French reader (pages, documents, advice, map legend).

French typography: a narrow no-break space between thousands, a decimal comma, a space before
"%" and "€", dates as DD/MM/YYYY, lists ending in "ou". Pure functions, no locale: the result
never depends on the machine's settings.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Final

NARROW_NBSP: Final[str] = "\u202f"


def french_number(value: float, digits: int = 0) -> str:
    """``12345.6`` -> ``"12 346"``; with ``digits=1``, ``"12 345,6"`` (narrow no-break spaces)."""
    return f"{value:,.{digits}f}".replace(",", NARROW_NBSP).replace(".", ",")


def short_number(value: float) -> str:
    """At most one decimal, none when it is zero: ``30.0`` -> ``"30"``, ``12.5`` -> ``"12,5"``,
    ``12.04`` -> ``"12"`` (no thousands separator: for small quantities such as a radius in km)."""
    text = f"{value:.1f}".rstrip("0").rstrip(".") if value % 1 else f"{int(value)}"
    return text.replace(".", ",")


def format_eur(value: float) -> str:
    """French amount, rounded to the euro: ``216000`` -> ``"216 000 €"``."""
    return french_number(value) + " €"


def percent(fraction: float, digits: int | None = None) -> str:
    """``0.05`` -> ``"5 %"``, ``0.125`` -> ``"12,5 %"``; with ``digits``, that many decimals
    (``percent(0.8532, 1)`` -> ``"85,3 %"``)."""
    number = f"{fraction * 100:g}" if digits is None else f"{fraction * 100:.{digits}f}"
    return f"{number} %".replace(".", ",")


def french_date(day: date | None) -> str:
    """``date(2026, 9, 1)`` -> ``"01/09/2026"``; "?" for an unknown date."""
    return day.strftime("%d/%m/%Y") if day else "?"


WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")  # fmt: skip


def long_date(day: date) -> str:
    """``date(2026, 12, 3)`` -> ``"jeudi 3 décembre 2026"`` (``"1er"`` for the first of a month)."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{WEEKDAYS[day.weekday()]} {number} {MONTHS[day.month - 1]} {day.year}"


def date_and_time(moment: datetime) -> str:
    """``datetime(2026, 9, 1, 14, 30)`` -> ``"01/09/2026 à 14:30"``."""
    return f"{french_date(moment)} à {moment:%H:%M}"


def iso_date(text: object, missing: str = "") -> str:
    """A date as the source wrote it, for a French reader: ``"2026-05-01"`` (or
    ``"2026-05-01T10:00"``) -> ``"01/05/2026"``; any other text is kept as it is ("mai 2026");
    a missing value gives `missing`."""
    if isinstance(text, date):
        return french_date(text)
    if not isinstance(text, str) or not text:
        return missing
    try:
        return french_date(date.fromisoformat(text[:10]))
    except ValueError:
        return text


def or_list(items: Sequence[str]) -> str:
    """``["csv", "xlsx", "pdf"]`` -> ``"csv, xlsx ou pdf"``; one item alone as it is."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} ou {items[-1]}"
