"""The import gives, field by field, what it gave before its national-scale rewrite.

`scripts/make_import_golden.py` recorded the import's outputs on the real extracts (and on the
benchmark's hardened CRESS-style input) with the code before the rewrite (pandas row sets, the raw
columns inside the directory); these tests import the same files now and compare every canonical field
of every supplier, the verbatim source row kept for each, and the whole report (counts, rejections,
warnings in order, precisions).
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from sourcing.importer import import_bytes
from sourcing.model import CANONICAL_COLUMNS, RAW_PREFIX
from sourcing.store.files import read_parquet
from tests.helpers import load_script

golden = load_script("scripts/make_import_golden.py")


def _value(v: object) -> object:
    """A cell as a plain Python value: NaN, None and NA alike; arrays as lists."""
    if isinstance(v, np.ndarray | list | tuple):
        return [_value(x) for x in v]
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, np.generic):
        return v.item()
    return v


def assert_same_fields(actual: pd.DataFrame, expected: pd.DataFrame, what: str) -> None:
    assert list(actual.columns) == list(expected.columns), what
    assert len(actual) == len(expected), what
    for column in expected.columns:
        got = [_value(v) for v in actual[column].tolist()]
        want = [_value(v) for v in expected[column].tolist()]
        if got != want:
            row = next(i for i, (g, w) in enumerate(zip(got, want, strict=True)) if g != w)
            raise AssertionError(f"{what}, column {column}, row {row}: {got[row]!r} != {want[row]!r}")


def test_the_directory_holds_no_raw_column(imported):
    """The source cells are kept apart (`result.raw`), never in the searched table."""
    _stem, result = imported
    assert list(result.directory.columns) == list(CANONICAL_COLUMNS)
    assert all(c.startswith(RAW_PREFIX) for c in result.raw.columns)


@pytest.fixture(scope="module", params=[stem for stem, _ in golden.FILES])
def imported(request):
    stem, relative = next(f for f in golden.FILES if f[0] == request.param)
    content, name = golden.read_input(relative)
    return stem, import_bytes(content, name, source_date=golden.SOURCE_DATE)


def test_every_canonical_field_is_as_before(imported):
    stem, result = imported
    expected = read_parquet(golden.GOLDEN_DIR / f"{stem}.directory.parquet", lists=True)
    assert_same_fields(result.directory[list(CANONICAL_COLUMNS)].reset_index(drop=True), expected, stem)


def test_the_source_row_of_each_supplier_is_kept_verbatim_as_before(imported):
    stem, result = imported
    expected = read_parquet(golden.GOLDEN_DIR / f"{stem}.raw.parquet")
    assert_same_fields(result.raw.frame(), expected, stem)


def test_the_report_is_as_before(imported):
    stem, result = imported
    expected = json.loads((golden.GOLDEN_DIR / f"{stem}.report.json").read_text(encoding="utf-8"))
    assert json.loads(json.dumps(result.report.to_dict(), ensure_ascii=False, default=str)) == expected
