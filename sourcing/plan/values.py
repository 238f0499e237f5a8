"""Cell values as buyers type them in a purchasing programme, read into numbers, dates and codes.

Each reader takes the cell's text and returns the value, or raises `ValueError` with a French
message saying what was expected (the row report quotes it with the line). Amounts: « 45 000 € »,
« 45k€ », « 1,2 M€ », « 45 000,00 € HT », « 45000.5 ». Dates (the expected launch of the
consultation): « 15/03/2027 », « 2027-03-15 », « 03/2027 », « mars 2027 », « T2 2027 »,
« S2 2027 », « 2027 ». Durations: « 36 », « 36 mois », « 3 ans », « 1 an et 6 mois ».
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Final

MONTHS: Final[dict[str, int]] = {
    "janvier": 1, "janv": 1, "jan": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4, "avr": 4,
    "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "sept": 9, "sep": 9,
    "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "decembre": 12, "dec": 12,
}  # fmt: skip
# First month of a quarter (T1..T4) and of a half-year (S1, S2).
_QUARTER_START: Final[dict[int, int]] = {1: 1, 2: 4, 3: 7, 4: 10}
_HALF_START: Final[dict[int, int]] = {1: 1, 2: 7}
_MULTIPLIERS: Final[dict[str, float]] = {"": 1.0, "k": 1e3, "ke": 1e3, "m": 1e6, "me": 1e6, "meur": 1e6, "keur": 1e3}
_AMOUNT_RE = re.compile(r"^(?P<number>[0-9][0-9 .,']*)(?P<unit>k|m|ke|me|keur|meur)?(?:€|eur|euros?)?(?:ht|ttc)?$")
_MONTHS_PER_UNIT: Final[dict[str, float]] = {
    "an": 12, "ans": 12, "a": 12, "annee": 12, "annees": 12, "mois": 1, "m": 1, "semaine": 12 / 52,
    "semaines": 12 / 52, "jour": 12 / 365, "jours": 12 / 365, "j": 12 / 365,
}  # fmt: skip
_TRUE: Final[frozenset[str]] = frozenset({"oui", "o", "yes", "y", "vrai", "true", "1", "x", "ok"})
_FALSE: Final[frozenset[str]] = frozenset({"non", "n", "no", "faux", "false", "0", ""})


def fold(text: str) -> str:
    """Lower case, no accents, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.lower().split())


def _number(text: str) -> float:
    """« 45 000,50 », « 45.000,50 », « 45,000.50 », « 45000.5 » -> 45000.5."""
    digits = text.replace(" ", "").replace("'", "")
    if "," in digits and "." in digits:  # the last one is the decimal mark
        thousands = "." if digits.rfind(",") > digits.rfind(".") else ","
        digits = digits.replace(thousands, "").replace(",", ".")
    elif "," in digits:  # the French decimal comma; several commas are thousands separators
        digits = digits.replace(",", "") if digits.count(",") > 1 else digits.replace(",", ".")
    elif digits.count(".") > 1 or (digits.count(".") == 1 and len(digits.rpartition(".")[2]) == 3):
        digits = digits.replace(".", "")  # « 45.000 » or « 1.250.000 »: dots as thousands
    return float(digits)


def parse_amount(text: str) -> float:
    """Amount in euros HT from a cell (see the module docstring); ValueError (French) otherwise."""
    raw = (text or "").strip()
    key = fold(raw).replace("\u202f", " ").replace("\xa0", " ")
    key = re.sub(r"\s*(€|eur|euros?|ht|ttc)\s*", r"\1", key).replace(" k", "k").replace(" m", "m")
    key = key.replace("hors taxes", "").strip()
    match = _AMOUNT_RE.match(key.strip())
    if not raw:
        raise ValueError("montant estimé manquant")
    if not match:
        raise ValueError(f"montant illisible « {raw} » (attendu : 45 000 €, 45k€, 1,2 M€…)")
    try:
        value = _number(match["number"]) * _MULTIPLIERS[match["unit"] or ""]
    except ValueError:
        raise ValueError(f"montant illisible « {raw} » (attendu : 45 000 €, 45k€, 1,2 M€…)") from None
    if value <= 0:
        raise ValueError(f"montant nul « {raw} » : un montant estimé positif est attendu")
    return value


def _year(text: str) -> int:
    year = int(text)
    if year < 100:
        year += 2000
    if not 2000 <= year <= 2100:
        raise ValueError
    return year


def parse_date(text: str) -> date:
    """Expected launch date of the consultation: the first day of the month, quarter or half-year
    given (see the module docstring); ValueError (French) otherwise."""
    raw = (text or "").strip()
    key = re.sub(r"\b([12])(?:er|re)\b", r"\1", fold(raw))
    error = ValueError(f"date illisible « {raw} » (attendu : 15/03/2027, 03/2027, mars 2027, T2 2027…)")
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t].*)?", key):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})", key):
            return date(_year(m[3]), int(m[2]), int(m[1]))
        if m := re.fullmatch(r"(\d{1,2})[/.-](\d{4})", key):
            return date(_year(m[2]), int(m[1]), 1)
        if m := re.fullmatch(r"(?:t|q|trim(?:estre)?\.?)\s*([1-4])\s*[-/ ]?\s*(\d{2,4})", key):
            return date(_year(m[2]), _QUARTER_START[int(m[1])], 1)
        if m := re.fullmatch(r"([1-4])(?:er|e|eme)?\s*trimestre\s*(\d{4})", key):
            return date(_year(m[2]), _QUARTER_START[int(m[1])], 1)
        if m := re.fullmatch(r"(?:s|sem(?:estre)?\.?)\s*([12])\s*[-/ ]?\s*(\d{2,4})", key):
            return date(_year(m[2]), _HALF_START[int(m[1])], 1)
        if m := re.fullmatch(r"([12])(?:e|eme)?\s*semestre\s*(\d{4})", key):
            return date(_year(m[2]), _HALF_START[int(m[1])], 1)
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", key):
            return date(int(m[1]), int(m[2]), 1)
        if m := re.fullmatch(r"(?:(\d{1,2})\s+)?([a-z]+)\.?\s+(\d{4})", key):
            if m[2] in MONTHS:
                return date(_year(m[3]), MONTHS[m[2]], int(m[1] or 1))
        if m := re.fullmatch(r"(\d{4})", key):
            return date(_year(m[1]), 1, 1)
    except ValueError:
        raise error from None
    raise error


def parse_duration(text: str) -> float:
    """Duration in months: « 36 », « 36 mois », « 3 ans », « 1 an et 6 mois »; ValueError (French)."""
    raw = (text or "").strip()
    key = fold(raw).replace(",", ".")
    if re.fullmatch(r"\d+(?:\.\d+)?", key):
        months = float(key)
    else:
        parts = re.findall(r"(\d+(?:\.\d+)?)\s*(ans?|annees?|mois|m|a|semaines?|jours?|j)\b", key)
        if not parts or re.sub(r"(\d+(?:\.\d+)?)\s*(ans?|annees?|mois|m|a|semaines?|jours?|j)\b|et|\+|\s", "", key):
            raise ValueError(f"durée illisible « {raw} » (attendu : 36, 36 mois, 3 ans…)")
        months = sum(float(n) * _MONTHS_PER_UNIT[unit] for n, unit in parts)
    if months <= 0:
        raise ValueError(f"durée nulle « {raw} » : une durée positive est attendue")
    return months


def parse_yes_no(text: str) -> bool:
    """« oui », « X », « 1 », « vrai » -> True; « non », « », « 0 » -> False; ValueError (French) otherwise."""
    key = fold(text).strip(" .")
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValueError(f"« {text} » : oui ou non attendu")


_NATURE_WORDS: Final[tuple[tuple[str, str], ...]] = (
    ("trav", "travaux"), ("tx", "travaux"), ("fourn", "fournitures"), ("fcs", "fournitures"),
    ("achat", "fournitures"), ("acquisition", "fournitures"), ("serv", "services"), ("fs", "services"),
    ("presta", "services"), ("pi", "services"), ("mixte", "services"),
)  # fmt: skip
# Words of an object that say its nature when no column does (first match wins).
_OBJECT_HINTS: Final[tuple[tuple[str, str], ...]] = (
    ("travaux", "travaux"), ("renovation", "travaux"), ("construction", "travaux"), ("refection", "travaux"),
    ("rehabilitation", "travaux"), ("amenagement", "travaux"), ("fourniture", "fournitures"),
    ("achat", "fournitures"), ("acquisition", "fournitures"), ("location", "fournitures"),
)  # fmt: skip


def parse_nature(text: str) -> str:
    """« Services », « Travaux », « FCS », « Fournitures courantes »… -> a nature of the advisor."""
    key = fold(text)
    for prefix, nature in _NATURE_WORDS:
        if key.startswith(prefix):
            return nature
    raise ValueError(f"nature inconnue « {text} » (attendu : travaux, fournitures ou services)")


def guess_nature(cpv: str | None, need: str) -> str:
    """The nature a CPV code (division 45 = works, 03–44 and 48 = supplies) or the object's words
    suggest; services otherwise."""
    if cpv:
        division = int(cpv[:2])
        if division == 45:
            return "travaux"
        if division <= 44 or division == 48:
            return "fournitures"
        return "services"
    words = fold(need)
    for word, nature in _OBJECT_HINTS:
        if word in words:
            return nature
    return "services"
