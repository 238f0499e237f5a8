"""Cells of a purchasing programme as buyers type them: amounts, dates, durations, natures."""

from __future__ import annotations

from datetime import date

import pytest

from sourcing.plan import values


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("45 000 €", 45_000), ("45000", 45_000), ("45k€", 45_000), ("45 k€", 45_000), ("45 K€", 45_000),
        ("45 KEUR", 45_000), ("1,2 M€", 1_200_000), ("2,5M€", 2_500_000), ("45 000,00 € HT", 45_000),
        ("45\u202f000 €", 45_000), ("45\xa0000,50", 45_000.5), ("45000.5", 45_000.5), ("45.000", 45_000),
        ("1.250.000", 1_250_000), ("1 250 000 euros", 1_250_000), ("12 500 € TTC", 12_500),
        ("45,000.50", 45_000.5), ("45.000,50", 45_000.5), ("45 000 EUR HT", 45_000),
    ],
)  # fmt: skip
def test_amounts_typed_every_way(text, expected):
    assert values.parse_amount(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["", "   ", "à définir", "NC", "ca 40k", "45 000 € / an", "-5000", "abc €"])
def test_unreadable_amount_says_what_is_expected(text):
    with pytest.raises(ValueError, match="montant"):
        values.parse_amount(text)


@pytest.mark.parametrize("text", ["0", "0 €", "0,00"])
def test_zero_amount_is_refused(text):
    with pytest.raises(ValueError, match="positif"):
        values.parse_amount(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15/03/2027", date(2027, 3, 15)), ("15-03-2027", date(2027, 3, 15)), ("15.03.27", date(2027, 3, 15)),
        ("2027-03-15", date(2027, 3, 15)), ("2027-03-15 00:00:00", date(2027, 3, 15)), ("03/2027", date(2027, 3, 1)),
        ("3/2027", date(2027, 3, 1)), ("2027-03", date(2027, 3, 1)), ("mars 2027", date(2027, 3, 1)),
        ("Mars 2027", date(2027, 3, 1)), ("février 2027", date(2027, 2, 1)), ("sept. 2027", date(2027, 9, 1)),
        ("1er mars 2027", date(2027, 3, 1)), ("décembre 2027", date(2027, 12, 1)),
        ("T1 2027", date(2027, 1, 1)), ("T2 2027", date(2027, 4, 1)), ("T3-2027", date(2027, 7, 1)),
        ("t4 2027", date(2027, 10, 1)), ("Q4 2027", date(2027, 10, 1)), ("1er trimestre 2027", date(2027, 1, 1)),
        ("2e trimestre 2027", date(2027, 4, 1)), ("S1 2027", date(2027, 1, 1)), ("S2 2027", date(2027, 7, 1)),
        ("2e semestre 2027", date(2027, 7, 1)), ("2027", date(2027, 1, 1)),
    ],
)  # fmt: skip
def test_dates_typed_every_way(text, expected):
    assert values.parse_date(text) == expected


@pytest.mark.parametrize("text", ["bientôt", "T5 2027", "13/2027", "31/02/2027", "S3 2027", "3/27", "1850", "mars"])
def test_unreadable_date_says_what_is_expected(text):
    with pytest.raises(ValueError, match="date illisible"):
        values.parse_date(text)


@pytest.mark.parametrize(
    ("text", "months"),
    [("36", 36), ("36 mois", 36), ("3 ans", 36), ("1 an", 12), ("1 an et 6 mois", 18), ("2 ans + 6 mois", 30),
     ("12,5", 12.5), ("4 années", 48)],
)  # fmt: skip
def test_durations(text, months):
    assert values.parse_duration(text) == pytest.approx(months)


@pytest.mark.parametrize("text", ["longue", "0", "0 mois", "3 ans environ"])
def test_bad_duration(text):
    with pytest.raises(ValueError, match="durée"):
        values.parse_duration(text)


@pytest.mark.parametrize(
    ("text", "nature"),
    [("Services", "services"), ("FCS", "fournitures"), ("Fournitures courantes", "fournitures"),
     ("Travaux", "travaux"), ("TX", "travaux"), ("Prestations intellectuelles", "services"), ("PI", "services")],
)  # fmt: skip
def test_natures(text, nature):
    assert values.parse_nature(text) == nature


@pytest.mark.parametrize(
    ("cpv", "need", "nature"),
    [("45442100", "", "travaux"), ("30192000", "", "fournitures"), ("48000000", "", "fournitures"),
     ("90911200", "", "services"), (None, "Travaux de peinture", "travaux"), (None, "Achat de papier", "fournitures"),
     (None, "Entretien des espaces verts", "services")],
)  # fmt: skip
def test_nature_guessed_from_cpv_then_object(cpv, need, nature):
    assert values.guess_nature(cpv, need) == nature


@pytest.mark.parametrize(("text", "expected"), [("Oui", True), ("X", True), ("1", True), ("non", False), ("", False)])
def test_yes_no(text, expected):
    assert values.parse_yes_no(text) is expected


def test_yes_no_refuses_other_words():
    with pytest.raises(ValueError, match="oui ou non"):
        values.parse_yes_no("peut-être")
