"""French renderings of amounts, numbers, percentages and dates, shared by the rules, the note and the page.

French typography: a narrow no-break space between thousands, a decimal comma, a space before "%"
and "€", dates as DD/MM/YYYY.
"""

from __future__ import annotations

from datetime import date
from typing import Final

NARROW_NBSP: Final[str] = "\u202f"


def french_number(value: float, digits: int = 0) -> str:
    """``12345.6`` -> ``"12 346"``; with ``digits=1``, ``"12 345,6"``."""
    return f"{value:,.{digits}f}".replace(",", NARROW_NBSP).replace(".", ",")


def format_eur(value: float) -> str:
    """French amount: ``216000`` -> ``"216 000 €"`` (narrow no-break space as thousands separator)."""
    return french_number(value) + " €"


def percent(fraction: float) -> str:
    """``0.05`` -> ``"5 %"``, ``0.125`` -> ``"12,5 %"``."""
    return f"{fraction * 100:g} %".replace(".", ",")


def french_date(d: date | None) -> str:
    """``2026-09-01`` -> ``"01/09/2026"``; "?" for an unknown date."""
    return d.strftime("%d/%m/%Y") if d else "?"


def validity_text(row: dict, *, since: str, until: str, always: str) -> str:
    """When a threshold row (``valid_from``/``valid_to`` ISO dates or None) holds, from the caller's
    French templates: ``since`` and ``until`` take ``{date}``, ``always`` says no bound is known."""
    parts = []
    if row.get("valid_from"):
        parts.append(since.format(date=french_date(date.fromisoformat(row["valid_from"]))))
    if row.get("valid_to"):
        parts.append(until.format(date=french_date(date.fromisoformat(row["valid_to"]))))
    return ", ".join(parts) or always
