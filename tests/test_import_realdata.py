"""The real public extracts import whole: every row loaded or rejected, located, duplicates reported.

Figures asserted here are the acceptance criteria of the import: rows_read equals
rows_loaded + rows_rejected, at least 99 % of suppliers located at commune precision or
better, and the same records whatever the encoding and line ends of the file.
"""

from __future__ import annotations

import pandas as pd
import pytest

from sourcing.importer import import_bytes
from tests.helpers import REAL_FILES


@pytest.fixture(scope="module")
def imported(realdata):
    results = {}
    for name in REAL_FILES:
        path = realdata / name
        results[name] = import_bytes(path.read_bytes(), path.name)
    return results


@pytest.mark.parametrize("name", list(REAL_FILES))
def test_every_row_is_loaded_or_rejected(imported, name):
    fmt, rows = REAL_FILES[name]
    report = imported[name].report
    assert report.format == fmt
    assert report.rows_read == rows
    assert report.rows_read == report.rows_loaded + report.rows_rejected
    assert len(report.rejected) == report.rows_rejected
    assert report.suppliers == len(imported[name].directory)
    assert report.suppliers == report.rows_loaded - report.duplicates
    lines_rejected = {r["line"] for r in report.rejected}
    lines_loaded = set(imported[name].directory["source_line"])
    assert not lines_rejected & lines_loaded


@pytest.mark.parametrize("name", list(REAL_FILES))
def test_at_least_99_percent_located_at_commune_or_better(imported, name):
    directory = imported[name].directory
    good = directory["geo_precision"].isin(["address", "commune"]).mean()
    assert good >= 0.99, f"{name}: {good:.2%} located at commune precision or better"
    assert directory.loc[directory["geo_precision"] != "none", ["lat", "lon"]].notna().all().all()
    assert sum(imported[name].report.geocoded.values()) == len(directory)


def test_duplicates_are_merged_and_reported(imported):
    report = imported["les-emplois/siae67.csv"].report
    assert report.duplicates > 0
    dup_warnings = [w for w in report.warnings if w["code"] == "duplicate"]
    assert len(dup_warnings) == report.duplicates
    assert all("ligne" in w["message"] for w in dup_warnings)
    directory = imported["les-emplois/siae67.csv"].directory
    assert directory["siret"].dropna().is_unique


def test_same_siret_under_two_kinds_keeps_both_kinds(realdata, imported):
    """The ASP list names some SIAE once per measure (e.g. ACI and EI): one supplier, all its kinds."""
    raw = pd.read_csv(realdata / "les-emplois/2019_07_liste_siae.csv", sep=";", dtype=str)
    measures = raw.groupby("SIRET")["MESURE"].agg(lambda m: set(m.str.strip()))
    multi = measures[measures.map(len) >= 2]
    assert len(multi) > 0
    directory = imported["les-emplois/2019_07_liste_siae.csv"].directory.set_index("siret")
    for siret, kinds in multi.items():
        if siret in directory.index:
            assert kinds <= set(directory.loc[siret, "kinds"]), siret


def test_geiq_bad_check_digit_is_warned_not_lost(imported):
    result = imported["les-emplois/2019_11_21_export_bbd_geiq.csv"]
    bad = [w for w in result.report.warnings if w["code"] == "siret_checksum"]
    assert len(bad) >= 1
    line = bad[0]["line"]
    row = result.directory[result.directory["source_line"] == line]
    assert len(row) == 1 and row["siret"].isna().all()  # kept, without the wrong SIRET
    assert (result.directory["kinds"].map(lambda k: "GEIQ" in k)).all()


@pytest.mark.parametrize("name", [n for n in REAL_FILES if n.endswith(".csv")])
def test_cp1252_crlf_copy_imports_to_the_same_records(realdata, imported, name):
    original = (realdata / name).read_bytes()
    text = original.decode("utf-8-sig")
    # Characters cp1252 cannot hold would not be in an Excel-for-Windows file either.
    recoded = text.replace("\r\n", "\n").replace("\n", "\r\n").encode("cp1252", errors="replace")
    again = import_bytes(recoded, name.split("/")[-1])
    assert again.report.encoding == "cp1252"
    first = imported[name].directory.drop(columns=[c for c in imported[name].directory if c.startswith("raw:")])
    second = again.directory.drop(columns=[c for c in again.directory if c.startswith("raw:")])
    pd.testing.assert_frame_equal(first.reset_index(drop=True), second.reset_index(drop=True))
