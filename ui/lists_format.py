"""How the lists and meetings pages write numbers, times, values and confirmations for a buyer."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from sourcing.frenchfmt import french_date
from ui import texts as T


def plural(n: int) -> str:
    """The French plural "s" after a count."""
    return "s" if n > 1 else ""


def local_time(moment: datetime | None) -> str:
    """A stored UTC time as Paris date and time for the buyer."""
    if moment is None or pd.isna(moment):
        return ""
    stamp = pd.Timestamp(moment)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp
    stamp = stamp.tz_convert("Europe/Paris")
    return f"{french_date(stamp)} {stamp:%H:%M}"


def value_text(value: object) -> str:
    """A supplier field's value as a grid cell (lists joined by commas, None empty)."""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def saved_message(names: list[str]) -> str:
    """The confirmation after a save, naming what was saved (the first three, then "…")."""
    shown = ", ".join(str(n) for n in names[:3]) + (", …" if len(names) > 3 else "")
    return T.LIST_SAVED.format(n=len(names), names=shown)
