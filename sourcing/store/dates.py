"""The date of a source's data: what the buyer says, else what the file states, else its name.

Never the import date: a July 2019 list imported today holds July 2019 data, and every card,
export and brief must say so. Unknown stays unknown ("date inconnue").
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from sourcing.frenchfmt import iso_date

STALE_AFTER_DAYS = 365

ORIGIN_BUYER = "indiquée à l'ajout"
ORIGIN_FILE = "indiquée dans le fichier"
ORIGIN_FILENAME = "nom du fichier"
ORIGIN_UNKNOWN = "inconnue"
ORIGIN_FETCH = "date de la récupération"  # live sources: the data is as of the fetch

# 2019_07_liste.csv, liste-2026-03-15.xlsx, export_20240102.csv, annuaire 2025.csv
_FILENAME_DATE = re.compile(r"(?<!\d)(20\d\d|19\d\d)[-_. ]?(0[1-9]|1[0-2])(?:[-_. ]?(0[1-9]|[12]\d|3[01]))?(?!\d)")


class DateError(ValueError):
    """A date the buyer typed that is not a date. The message is French."""


def parse_buyer_date(text: str | None, today: date | None = None) -> str | None:
    """`YYYY-MM-DD` or `JJ/MM/AAAA` -> ISO date; empty -> None; a date in the future is refused."""
    if text is None or not str(text).strip():
        return None
    text = str(text).strip()
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    iso = f"{match[3]}-{int(match[2]):02d}-{int(match[1]):02d}" if match else text
    try:
        parsed = date.fromisoformat(iso)
    except ValueError as exc:
        raise DateError(f"Date des données « {text} » non comprise : écrivez-la AAAA-MM-JJ ou JJ/MM/AAAA.") from exc
    if parsed > (today or date.today()):
        raise DateError(
            f"Date des données « {text} » dans le futur : donnez la date à laquelle la liste a été établie."
        )
    return parsed.isoformat()


def date_from_filename(filename: str) -> str | None:
    """`2019_07_liste_siae.csv` -> 2019-07-01 (the first of the month when no day is given)."""
    match = _FILENAME_DATE.search(filename or "")
    if not match:
        return None
    year, month, day = match[1], match[2], match[3] or "01"
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def date_from_rows(row_dates: pd.Series) -> str | None:
    """The newest date the rows themselves state (e.g. a 'date de mise à jour' column)."""
    valid = pd.to_datetime(row_dates.dropna().astype(str).str[:10], errors="coerce", format="%Y-%m-%d").dropna()
    return valid.max().date().isoformat() if len(valid) else None


def data_date(buyer: str | None, row_dates: pd.Series, filename: str) -> tuple[str | None, str]:
    """(ISO date or None, where it comes from), in the order buyer > file content > file name."""
    if buyer:
        return buyer, ORIGIN_BUYER
    stated = date_from_rows(row_dates)
    if stated:
        return stated, ORIGIN_FILE
    named = date_from_filename(filename)
    if named:
        return named, ORIGIN_FILENAME
    return None, ORIGIN_UNKNOWN


def age_days(iso: str | None, today: date | None = None) -> int | None:
    if not iso:
        return None
    try:
        return ((today or date.today()) - date.fromisoformat(str(iso)[:10])).days
    except ValueError:
        return None


def is_stale(iso: str | None, today: date | None = None) -> bool:
    """Older than a year, or of unknown date: a buyer should check it before relying on it."""
    age = age_days(iso, today)
    return age is None or age > STALE_AFTER_DAYS


def french_date(iso: str | None) -> str:
    """2019-07-01 -> 01/07/2019; unknown -> 'date inconnue'."""
    return iso_date(iso, missing="date inconnue")


def french_age(days: int | None) -> str:
    """An age a buyer reads: '12 jours', '5 mois', '7 an(s) et 5 mois'; unknown -> 'inconnue'."""
    if days is None:
        return "inconnue"
    if days < 60:
        return f"{days} jours"
    months = days * 12 // 365
    return f"{months} mois" if months < 12 else f"{months // 12} an(s) et {months % 12} mois"
