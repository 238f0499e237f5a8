"""French formatting: each function's examples, as its docstring gives them."""

from datetime import date, datetime

import pandas as pd
import pytest

from sourcing.frenchfmt import (
    NARROW_NBSP,
    date_and_time,
    format_eur,
    french_date,
    french_number,
    iso_date,
    or_list,
    percent,
    short_number,
)

N = NARROW_NBSP


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (0, 0, "0"),
        (999, 0, "999"),
        (1234, 0, f"1{N}234"),
        (1_048_575, 0, f"1{N}048{N}575"),
        (12345.6, 0, f"12{N}346"),
        (12345.6, 1, f"12{N}345,6"),
        (12.25, 2, "12,25"),
        (-1500, 0, f"-1{N}500"),
    ],
)
def test_french_number(value, digits, expected):
    assert french_number(value, digits) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(30.0, "30"), (30, "30"), (12.5, "12,5"), (12.04, "12"), (0.5, "0,5"), (1500, "1500")]
)
def test_short_number(value, expected):
    assert short_number(value) == expected


def test_format_eur():
    assert format_eur(216_000) == f"216{N}000 €"
    assert format_eur(40_000.4) == f"40{N}000 €"
    assert format_eur(0) == "0 €"


@pytest.mark.parametrize(
    ("fraction", "digits", "expected"),
    [(0.05, None, "5 %"), (0.125, None, "12,5 %"), (0.65, None, "65 %"), (0.8532, 1, "85,3 %"), (1.0, 1, "100,0 %")],
)
def test_percent(fraction, digits, expected):
    assert percent(fraction, digits) == expected


def test_dates():
    assert french_date(date(2026, 9, 1)) == "01/09/2026"
    assert french_date(datetime(2026, 9, 1, 14, 30)) == "01/09/2026"
    assert french_date(pd.Timestamp("2026-09-01 14:30")) == "01/09/2026"
    assert french_date(None) == "?"
    assert date_and_time(datetime(2026, 9, 1, 14, 30)) == "01/09/2026 à 14:30"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-05-01", "01/05/2026"),
        ("2026-05-01T10:00:00", "01/05/2026"),
        (date(2026, 5, 1), "01/05/2026"),
        ("mai 2026", "mai 2026"),
        ("", ""),
        (None, ""),
        (pd.NA, ""),
        (float("nan"), ""),
    ],
)
def test_iso_date(text, expected):
    assert iso_date(text) == expected


def test_iso_date_says_what_is_missing():
    assert iso_date(None, missing="date inconnue") == "date inconnue"
    assert iso_date("2019-07-01", missing="date inconnue") == "01/07/2019"


def test_or_list():
    assert or_list(["csv", "xlsx", "ics", "docx", "pdf"]) == "csv, xlsx, ics, docx ou pdf"
    assert or_list(["csv", "xlsx"]) == "csv ou xlsx"
    assert or_list(["csv"]) == "csv"
    assert or_list([]) == ""
