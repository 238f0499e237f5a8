import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sourcing.siret import clean_siret_series, clean_siret_text, luhn_valid, siret_valid, siret_valid_series


def make_valid(prefix13: str) -> str:
    """Complete 13 digits with the Luhn check digit."""
    for d in "0123456789":
        if luhn_valid(prefix13 + d):
            return prefix13 + d
    raise AssertionError


@pytest.mark.parametrize(
    ("raw", "expected", "code"),
    [
        ("41071771400035", "41071771400035", None),
        ("424 143 089 00037", "42414308900037", None),  # siae67.csv writes them spaced
        ("424.143.089.00037", "42414308900037", None),
        ("42414308900037.0", "42414308900037", None),  # Excel float tail
        ("4.2414308900037E+13", "42414308900037", None),  # full-precision scientific notation
        ("4,2414308900037E+13", "42414308900037", None),
        ("4.24143E+13", None, "siret_rounded"),  # Excel rounded it: unrecoverable
        ("41071771400036", None, "siret_checksum"),
        ("4107177140003", None, "siret_length"),
        ("abc", None, "siret_length"),
        ("", None, None),
        ("35600000000048", "35600000000048", None),  # La Poste head office (Luhn)
    ],
)
def test_clean_siret_text(raw, expected, code):
    assert clean_siret_text(raw) == (expected, code)


def test_la_poste_establishments_use_the_sum_of_digits_rule():
    # La Poste's establishments fail Luhn but their digit sum is a multiple of 5.
    siret = "35600000049837"
    assert not luhn_valid(siret)
    assert sum(map(int, siret)) % 5 == 0
    assert siret_valid(siret)
    assert not siret_valid("35600000049838")
    # The rule is La Poste's only: another SIREN with a digit sum multiple of 5 still needs Luhn.
    assert not siret_valid("41071771400040") or luhn_valid("41071771400040")


def test_lost_leading_zero_is_restored():
    siret = make_valid("0123456789012")
    assert clean_siret_text(siret[1:]) == (siret, "siret_padded")


@given(st.text(alphabet="0123456789", min_size=13, max_size=13))
def test_vectorised_check_agrees_with_scalar(prefix):
    candidates = [prefix + d for d in "0123456789"]
    vector = siret_valid_series(pd.Series(candidates)).tolist()
    assert vector == [siret_valid(c) for c in candidates]
    assert sum(vector) >= 1  # exactly one Luhn digit exists (La Poste may add more)


def test_series_cleaning_matches_scalar_cleaning():
    raw = pd.Series(["424 143 089 00037", "41071771400036", None, "4.24143E+13", "41071771400035", "12"])
    sirets, codes = clean_siret_series(raw)
    for value, siret, code in zip(raw, sirets, codes, strict=True):
        exp_siret, exp_code = clean_siret_text(value)
        assert (siret if isinstance(siret, str) else None) == exp_siret
        assert (code if isinstance(code, str) else None) == exp_code


_ODD_SIRETS = ["424 143 089 00037", "41071771400036", "4.24143E+13", "4.2414308900037E+13", "1234567890128",
               "42414308900037.0", "356000000 00048", "35600000000049", "41071771400035", "12", "", " "]  # fmt: skip
_SIRET_CELLS = st.one_of(
    st.sampled_from(_ODD_SIRETS),
    st.text(alphabet="0123456789 .-\t\u00a0\u202fE+", max_size=18),
    st.text(max_size=16),
)


@given(st.lists(_SIRET_CELLS, max_size=30), st.booleans())
def test_series_cleaning_matches_scalar_cleaning_on_any_cells(cells, ascii_only):
    """Bulk cleaning (pyarrow for ASCII columns, pandas otherwise) gives what cleaning each cell gives."""
    if ascii_only:
        cells = [c.encode("ascii", "ignore").decode() for c in cells]
    sirets, codes = clean_siret_series(pd.Series(cells, dtype="str"))
    for value, siret, code in zip(cells, sirets, codes, strict=True):
        got = tuple(v if isinstance(v, str) else None for v in (siret, code))  # None or NaN: missing alike
        assert got == clean_siret_text(value), repr(value)


@pytest.mark.parametrize(
    "cell", ["1E\t2", "4.24143E+13", "4.24143\tE+13", "4.2414308900037 E+13", "4.2414308900037\nE+13"]
)
def test_a_space_of_any_kind_inside_a_scientific_siret_reads_alike(cell):
    """A tab or line break pasted inside a cell is read as a space, in the bulk path and cell by cell."""
    expected = clean_siret_text(cell.replace("\t", " ").replace("\n", " "))
    assert clean_siret_text(cell) == expected
    sirets, codes = clean_siret_series(pd.Series([cell], dtype="str"))
    assert tuple(v if isinstance(v, str) else None for v in (sirets[0], codes[0])) == expected  # None or NaN alike
