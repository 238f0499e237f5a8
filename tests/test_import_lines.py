"""The import report numbers rows as a buyer finds them: the row a spreadsheet shows (Excel, LibreOffice:
the file's first record is row 1, a record with line breaks in a quoted cell is one row), with the
physical line of the file when the two differ; JSON records as « enregistrement n° N »."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from sourcing.import_report import FILE_LINE_COLUMN
from sourcing.importer import import_bytes

HEADER = ["Raison sociale", "SIRET", "Type de structure", "Code postal", "Commune"]
GOOD = ["Atelier A", "41071771400035", "EI", "01500", "Ambérieu-en-Bugey"]
BAD_SIRET = ["Atelier B", "41071771400036", "EA", "69001", "Lyon"]  # checksum wrong: a warning
NO_NAME = ["", "", "ACI", "59000", "Lille"]  # rejected


def _csv(rows: list[list[str]], sep: str = ";", end: str = "\n") -> bytes:
    def cell(value: str) -> str:
        return f'"{value}"' if "\n" in value or sep in value else value

    return end.join(sep.join(cell(v) for v in row) for row in rows).encode("utf-8") + end.encode()


def _report(content: bytes, filename: str):
    return import_bytes(content, filename, format_name="cress").report


def _seen(report) -> dict[str, tuple]:
    """What the buyer reads for each flagged row: (row number, physical line or None, where())."""
    frame = report.rows_frame()
    number = report.line_column()
    out = {}
    for item, kind in [(r, "rejected") for r in report.rejected] + [(w, w["code"]) for w in report.warnings]:
        row = frame[(frame[number] == item["line"]) & (frame["code"] == kind)].iloc[0]
        physical = row[FILE_LINE_COLUMN] if FILE_LINE_COLUMN in frame else None
        out[kind] = (int(row[number]), None if physical is None or pd.isna(physical) else int(physical))
        out[kind + ":text"] = report.where(item)
    return out


@pytest.mark.parametrize("end", ["\n", "\r\n"])
def test_csv_with_multiline_cells_gives_the_spreadsheet_row_and_the_file_line(end):
    two_lines = ["Atelier A", "41071771400035", "EI", "01500", f"Ambérieu{end}en-Bugey"]
    three_lines = ["Atelier C", "36227586900018", "EA", "59000", f"Lille{end}Bât. 2{end}3e étage"]
    content = _csv([HEADER, two_lines, BAD_SIRET, three_lines, NO_NAME], end=end)
    report = _report(content, "annuaire.csv")
    seen = _seen(report)
    # Rows: header 1, A 2 (lines 2-3), B 3 (line 4), C 4 (lines 5-7), the nameless one 5 (line 8).
    assert seen["siret_checksum"] == (3, 4)
    assert seen["siret_checksum:text"] == "ligne 3 (ligne 4 du fichier)"
    assert seen["rejected"] == (5, 8)
    assert seen["rejected:text"] == "ligne 5 (ligne 8 du fichier)"
    assert list(report.rows_frame().columns[:2]) == ["ligne", FILE_LINE_COLUMN]


def test_csv_blank_line_is_an_empty_row_as_in_a_spreadsheet():
    content = _csv([HEADER, GOOD, [], BAD_SIRET, ["Atelier C", "x", "EA", "59000", "Lille\nBât. 2"], NO_NAME])
    seen = _seen(_report(content, "annuaire.csv"))
    assert seen["siret_checksum"] == (4, None) and seen["siret_checksum:text"] == "ligne 4"
    assert seen["rejected"] == (6, 7)


def test_csv_without_line_breaks_in_cells_has_one_number_per_row():
    report = _report(_csv([HEADER, GOOD, BAD_SIRET, NO_NAME]), "annuaire.csv")
    seen = _seen(report)
    assert seen["siret_checksum"] == (3, None) and seen["rejected"] == (4, None)
    assert seen["rejected:text"] == "ligne 4"
    assert FILE_LINE_COLUMN not in report.rows_frame().columns


def test_csv_with_title_rows_above_the_header_counts_them():
    title = ["Annuaire des structures inclusives 2026", "", "", "", ""]
    report = _report(_csv([title, [""] * 5, HEADER, GOOD, BAD_SIRET, NO_NAME]), "annuaire.csv")
    seen = _seen(report)
    assert seen["siret_checksum"] == (5, None) and seen["rejected"] == (6, None)
    assert seen["rejected:text"] == "ligne 6"


def _xlsx(merged_title: bool) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if merged_title:
        sheet["A1"] = "Annuaire des structures inclusives"
        sheet.merge_cells("A1:E1")
        sheet["A2"] = "Mise à jour : mars 2026"
        sheet.merge_cells("A2:E3")
    rows = (HEADER, GOOD, BAD_SIRET, ["Atelier C", "36227586900018", "EA", "59000", "Lille\nBât. 2"], NO_NAME)
    for number, row in enumerate(rows, start=4 if merged_title else 1):  # row 3: only the merged cells
        for column, value in enumerate(row, start=1):
            sheet.cell(row=number, column=column, value=value or None)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("merged_title, first", [(False, 1), (True, 4)])
def test_xlsx_rows_are_the_workbook_row_numbers_even_under_merged_title_rows(merged_title, first):
    report = _report(_xlsx(merged_title), "annuaire.xlsx")
    seen = _seen(report)
    # Header on row `first`; B two rows below; the nameless row after C (a cell with a line break).
    assert seen["siret_checksum"] == (first + 2, None)
    assert seen["rejected"] == (first + 4, None)
    assert seen["rejected:text"] == f"ligne {first + 4}"


def test_json_records_are_said_enregistrement():
    records = [dict(zip(HEADER, row, strict=True)) for row in (GOOD, BAD_SIRET, NO_NAME, GOOD)]
    report = _report(json.dumps(records, indent=2).encode(), "annuaire.json")
    seen = _seen(report)
    assert seen["siret_checksum"] == (2, None) and seen["siret_checksum:text"] == "enregistrement n° 2"
    assert seen["rejected"] == (3, None) and seen["rejected:text"] == "enregistrement n° 3"
    duplicate = next(w for w in report.warnings if w["code"] == "duplicate")
    assert duplicate["line"] == 4 and "doublon de l'enregistrement n° 1" in duplicate["message"]
    assert report.rows_frame().columns[0] == "enregistrement n°"


def _libreoffice_rows(path: Path, tmp_path: Path) -> list[list]:
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}"
    cmd = ["soffice", "--headless", profile, "--infilter=CSV:59,34,76,1", "--convert-to", "xlsx", "--outdir",
           str(tmp_path / "out"), str(path)]  # fmt: skip
    subprocess.run(cmd, capture_output=True, check=True, timeout=180)
    sheet = openpyxl.load_workbook(tmp_path / "out" / (path.stem + ".xlsx")).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


@pytest.mark.skipif(not shutil.which("soffice"), reason="libreoffice-calc absent (make system-deps installs it)")
def test_the_row_numbers_are_those_libreoffice_shows(tmp_path):
    """The report's number of each flagged row is the row where LibreOffice Calc shows it."""
    title = ["Annuaire 2026", "", "", "", ""]
    two_lines = ["Atelier A", "41071771400035", "EI", "01500", "Ambérieu\nen-Bugey"]
    path = tmp_path / "annuaire.csv"
    path.write_bytes(_csv([title, HEADER, two_lines, [], BAD_SIRET, NO_NAME]))
    rows = _libreoffice_rows(path, tmp_path)
    calc_row = {row[0] or row[2]: number for number, row in enumerate(rows, start=1) if row and (row[0] or row[2])}
    seen = _seen(_report(path.read_bytes(), path.name))
    assert seen["siret_checksum"][0] == calc_row["Atelier B"]
    assert seen["rejected"][0] == calc_row["ACI"]
