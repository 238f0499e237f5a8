"""The byte-level shortcuts of the import's text cleaning give exactly what the value-by-value path gives.

`sourcing.text_columns` answers "certainly not" or "maybe" from a column's bytes; these tests build text
columns of every kind a file brings (tabs, line breaks, no-break and other Unicode spaces at either end or
inside, accented endings, emptiness, runs of spaces across two values) in one or several Arrow chunks,
sliced or not, and compare with pandas' own `str.strip`, regex and `to_numeric`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sourcing.text_columns import arrow_text, may_change_case, may_hold_space, may_hold_spacing, parse_decimal, stripped

# Characters that matter here, and ordinary ones (ASCII, French accents, a CJK one, an emoji).
SPECIAL = [" ", "  ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\u00a0", "\u2000", "\u2029", "\u202f",
           "\u3000", "\u0085", "\u1680"]  # fmt: skip
PLAIN = ["a", "Z", "0", "-", ",", ".", "é", "à", "É", "ç", "œ", "’", "中", "🙂", "Â", "©"]
texts = st.lists(st.sampled_from(SPECIAL + PLAIN), max_size=6).map("".join)
columns = st.lists(texts, max_size=40)


def _column(values: list[str], chunks: int, sliced: bool) -> pd.Series:
    """An Arrow-backed pandas text column of ``values`` in up to ``chunks`` chunks, the first sliced
    (offset into a larger buffer, as the CSV reader's columns once the header row is cut off)."""
    typ = pa.large_string()
    parts = np.array_split(np.array(values, dtype=object), max(1, min(chunks, len(values) or 1)))
    arrays = [pa.array(list(p), type=typ) for p in parts]
    if sliced and arrays:
        arrays[0] = pa.concat_arrays([pa.array(["  en-tête\t "], type=typ), arrays[0]]).slice(1)
    data = pa.chunked_array(arrays, type=typ)
    s = pd.Series(data, dtype="str")  # as the CSV reader wraps its columns
    assert s.array._pa_array.num_chunks == len(arrays)
    return s


def _expected_spacing(values: list[str]) -> bool:
    return any(c in v for v in values for c in ("\t", "\r", "\n", "\u00a0", "  "))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(columns, st.integers(1, 4), st.booleans())
def test_spacing_is_never_missed(values, chunks, sliced):
    s = _column(values, chunks, sliced)
    if _expected_spacing(values):
        assert may_hold_spacing(s)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(columns, st.integers(1, 4), st.booleans())
def test_stripped_gives_what_strip_gives(values, chunks, sliced):
    s = _column(values, chunks, sliced)
    assert stripped(s).tolist() == s.str.strip().tolist()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(columns, st.integers(1, 4), st.booleans())
def test_case_and_space_are_never_missed(values, chunks, sliced):
    s = _column(values, chunks, sliced)
    if s.str.lower().tolist() != values:
        assert may_change_case(s)
    if any(c <= " " for v in values for c in v):
        assert may_hold_space(s)
    assert arrow_text(s).to_pylist() == values


def test_a_clean_column_is_handed_back_as_it_is():
    """No value to strip: the very same Series (no copy of a 100 MB column)."""
    s = _column(["Atelier Vert", "Coopérative é", "à", "", "中"], 2, True)
    assert stripped(s) is s
    assert not may_hold_spacing(s)
    assert not may_change_case(_column(["contact@a.example", "", "x-1@b.fr"], 2, True))
    assert not may_hold_space(_column(["12345678901234", "", "x"], 2, True))


@pytest.mark.parametrize("inside", ["a\tb", "a\nb", "a\rb", "a\u00a0b", "a  b", "\x1f"])
def test_each_kind_of_spacing_is_seen(inside):
    assert may_hold_spacing(_column(["propre", inside, "propre"], 2, False))


def test_columns_that_are_not_plain_arrow_text_take_the_exact_path():
    s = pd.Series(["  a ", None, "b"], dtype=object)
    assert may_hold_spacing(s)
    assert stripped(s.fillna("")).tolist() == ["a", "", "b"]


ODD_NUMBERS = ["", "48,5", "48 , 5", "1 234,5", "abc", "1e5", ".5", "5.", "+3", "inf", "-0", "0007.25",
               "12345678901234567", "48.123456789012345"]  # fmt: skip
decimals = st.one_of(
    st.floats(-200, 200, allow_nan=False).map(lambda x: f"{x:.{abs(hash(x)) % 14}f}"),
    st.from_regex(r"\A-?[0-9]{1,4}([.,][0-9]{1,12})?\Z"),
    st.sampled_from(ODD_NUMBERS),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(decimals, max_size=30), st.integers(1, 3), st.booleans())
def test_parse_decimal_gives_what_to_numeric_gives(values, chunks, sliced):
    s = _column(values, chunks, sliced)
    expected = pd.to_numeric(s.str.replace(",", ".").str.replace(" ", ""), errors="coerce").astype(float)
    got = parse_decimal(s)
    assert np.array_equal(got.to_numpy(dtype=float), expected.to_numpy(dtype=float), equal_nan=True)


@pytest.mark.parametrize("positions", [[0, 1, 2, 3], [0, 2, 3], [3, 1], []])
def test_source_rows_come_back_as_text_whatever_rows_were_kept(positions):
    """`RawRows.frame`: every kept row, in the directory's order, categorical source cells spelt out."""
    from sourcing.formats.base import RawTable
    from sourcing.raw_rows import RawRows

    cells = {"Nom": ["A", "B", "C", "D"], "Forme": ["SCOP", "SCOP", "Association", "SCOP"]}
    table = RawTable(columns=list(cells), rows=[list(r) for r in zip(*cells.values(), strict=True)], lines=[2, 3, 4, 5])
    frame = table.frame()
    frame["Forme"] = frame["Forme"].astype("category")
    raw = RawRows(table, np.array(positions, dtype=np.int64)).frame()
    assert list(raw.columns) == ["raw:Nom", "raw:Forme"]
    assert raw["raw:Nom"].tolist() == [cells["Nom"][i] for i in positions]
    assert raw["raw:Forme"].tolist() == [cells["Forme"][i] for i in positions]
    assert raw["raw:Forme"].dtype == "str"
    assert list(raw.index) == list(range(len(positions)))
