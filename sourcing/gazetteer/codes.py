"""Postal, INSEE and département codes as files and buyers write them, cleaned to their canonical form.

``normalise_postal_code(s)``, ``normalise_department(s)``, ``normalise_insee_code(s)``: tolerant code
cleaning, scalar and vectorised (once per distinct value); ``department_of_postal_code(s)``: the
département a postal code implies.
"""

from __future__ import annotations

import re
from typing import Final

import numpy as np
import pandas as pd

from sourcing.gazetteer.names import factorised, per_distinct, spread_distinct

_POSTAL_PATTERN: Final[str] = r"\d{5}"
_INSEE_PATTERN: Final[str] = r"\d{5}|2[AB]\d{3}"
_POSTAL_RE: Final[re.Pattern[str]] = re.compile(rf"^{_POSTAL_PATTERN}$")
_INSEE_RE: Final[re.Pattern[str]] = re.compile(rf"^(?:{_INSEE_PATTERN})$")
# Départements of metropolitan France and the five DROM; COM codes (975, 977, 978, 984, 986-989) are real
# codes too but the gazetteer has no commune geometry for them.
_DEPARTMENTS: Final[frozenset[str]] = frozenset(
    [f"{i:02d}" for i in range(1, 96) if i != 20]
    + ["2A", "2B", "971", "972", "973", "974", "976", "975", "977", "978", "984", "986", "987", "988", "989"]
)


def _clean_code(s: object) -> str:
    if s is None or (isinstance(s, float) and np.isnan(s)) or s is pd.NA:
        return ""
    text = str(s).strip().upper()
    return re.sub(r"[\s.\-]", "", text)


def normalise_postal_code(s: object) -> str | None:
    """Five-digit postal code, or None.

    Rule: spaces/dots removed, a "F-"/"FR" prefix dropped, a float rendering ("1500.0") and a lost
    leading zero ("1500" from a spreadsheet) repaired; anything else that is not five digits is None.
    """
    if s is None or (isinstance(s, float) and np.isnan(s)) or s is pd.NA:
        return None
    text = re.sub(r"^(\d{4,5})[.,]0$", r"\1", str(s).strip())
    return _code_matching(re.sub(r"^(?:FR|F)", "", _clean_code(text)), _POSTAL_RE)


def normalise_postal_codes(values: pd.Series) -> pd.Series:
    """Vectorised ``normalise_postal_code`` (object Series of str/None), once per distinct value."""
    return per_distinct(values.astype(object), _postal_codes_of_unique, None)


def _postal_codes_of_unique(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip().str.upper()
    text = text.str.replace(r"\.0$|,0$", "", regex=True).str.replace(r"[\s.\-]", "", regex=True)
    return _codes_matching(text.str.replace(r"^(?:FR|F)", "", regex=True), _POSTAL_PATTERN)


def _codes_matching(text: pd.Series, pattern: str) -> pd.Series:
    """Cleaned codes with a lost leading zero put back ("1500" -> "01500"); None where ``pattern`` still fails."""
    text = text.where(~text.str.fullmatch(r"\d{4}").fillna(False), "0" + text)
    ok = text.str.fullmatch(pattern).fillna(False)
    return pd.Series(np.where(ok, text.to_numpy(dtype=object, na_value=None), None), index=text.index, dtype="object")


def _code_matching(text: str, pattern: re.Pattern[str]) -> str | None:
    """Scalar ``_codes_matching``."""
    if re.fullmatch(r"\d{4}", text):
        text = "0" + text
    return text if pattern.match(text) else None


def department_of_postal_code(postal_code: str | None) -> str | None:
    """Département implied by a postal code's leading digits (Corsica: 200xx/201xx -> 2A, else 2B).

    A postal code can cross a département border (05110 serves communes of the 04): the result is only
    a hint, used when nothing better is known.
    """
    if not postal_code or not _POSTAL_RE.match(postal_code):
        return None
    if postal_code in _COM_POSTAL_CODES:
        code = _COM_POSTAL_CODES[postal_code]
    elif postal_code.startswith("97") or postal_code.startswith("98"):
        code = postal_code[:3]
    elif postal_code.startswith("20"):
        code = "2A" if postal_code[2] in "01" else "2B"
    else:
        code = postal_code[:2]
    return code if code in _DEPARTMENTS else None


# Saint-Barthélemy and Saint-Martin kept Guadeloupe's 971xx postal codes when they left it in 2007.
_COM_POSTAL_CODES: Final[dict[str, str]] = {"97133": "977", "97150": "978"}
# Overseas collectivities: real codes, but no commune of theirs is in the gazetteer.
OVERSEAS_COLLECTIVITIES: Final[frozenset[str]] = frozenset({"975", "977", "978", "984", "986", "987", "988", "989"})


def normalise_department(s: object, postal_code: str | None = None) -> str | None:
    """Département code ("01", "2A", "971") from what a file holds, or None.

    Rule: "1"/"001" -> "01", "2a"/"02A" -> "2A", ASP sub-codes such as "59L"/"59V" -> "59", "971" kept;
    "20" (pre-1976 Corsica) becomes 2A or 2B from the postal code when one is given, else None; a code that
    is not a département is None.
    """
    text = _clean_code(s)
    if re.fullmatch(r"0\d{2}|0\d[AB]", text):
        text = text[1:]
    if re.fullmatch(r"\d", text):
        text = "0" + text
    match = re.fullmatch(r"(\d{2})[C-Z]", text)
    if match:
        text = match.group(1)
    if text == "20":
        return department_of_postal_code(normalise_postal_code(postal_code)) if postal_code else None
    return text if text in _DEPARTMENTS else None


def normalise_departments(values: pd.Series, postal_codes: pd.Series | None = None) -> pd.Series:
    """Vectorised ``normalise_department``; ``postal_codes`` (same index) settles "20"."""
    codes, uniques = factorised(values)
    cleaned = pd.Series(
        [normalise_department(v) for v in uniques.to_numpy(dtype=object, na_value=None)], dtype="object"
    )
    out = spread_distinct(codes, cleaned, values.index, None)
    if postal_codes is not None:
        is_corsica = spread_distinct(
            codes, uniques.str.strip().str.fullmatch(r"0?20").fillna(False).astype(object), values.index, False
        ).astype(bool)
        if is_corsica.any():
            hints = departments_of_postal_codes(normalise_postal_codes(postal_codes[is_corsica]))
            out[is_corsica] = hints
    return out


def departments_of_postal_codes(postal_codes: pd.Series) -> pd.Series:
    """Vectorised ``department_of_postal_code`` on already normalised postal codes."""
    pc = postal_codes.astype("string")
    dom = pc.str.slice(0, 3)
    metro = pc.str.slice(0, 2)
    corsica = np.where(pc.str.slice(2, 3).isin(["0", "1"]).fillna(False), "2A", "2B")
    guess = np.where(
        pc.str.match(r"9[78]").fillna(False),
        dom.to_numpy(dtype=object, na_value=None),
        np.where(
            metro.to_numpy(dtype=object, na_value="") == "20", corsica, metro.to_numpy(dtype=object, na_value=None)
        ),
    )
    guess = np.where(
        pc.isin(list(_COM_POSTAL_CODES)).fillna(False),
        pc.map(_COM_POSTAL_CODES).to_numpy(dtype=object, na_value=None),
        guess,
    )
    valid = pd.Series(guess, index=postal_codes.index, dtype="object").isin(_DEPARTMENTS)
    return pd.Series(np.where(valid & pc.notna().to_numpy(), guess, None), index=postal_codes.index, dtype="object")


def normalise_insee_code(s: object) -> str | None:
    """INSEE commune code ("59350", "2A004"), a lost leading zero repaired ("1001" -> "01001"), else None."""
    return _code_matching(_clean_code(s), _INSEE_RE)


def normalise_insee_codes(values: pd.Series) -> pd.Series:
    """Vectorised ``normalise_insee_code``, once per distinct value."""
    return per_distinct(values.astype(object), _insee_codes_of_unique, None)


def _insee_codes_of_unique(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip().str.upper().str.replace(r"[\s.\-]", "", regex=True)
    return _codes_matching(text, _INSEE_PATTERN)
