"""Read a directory file (CSV, XLSX, JSON) into raw tables, whatever its habits.

Handles what buyers' files really look like: UTF-8 with or without BOM, cp1252/latin-1,
`;` `,` tab or `|` separators, CRLF, quoted cells spanning several lines, empty or
duplicate header names, trailing empty columns, title rows above the header, Excel
workbooks with several sheets (values of formulas, not the formulas).

Safety rule: cell contents are untrusted text; they are only ever read as strings,
never evaluated. XLSX formulas are not computed: openpyxl returns Excel's cached values.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from pathlib import Path

from sourcing.formats.base import FINESS_STRUCTUREET_FIELDS, RawTable

csv.field_size_limit(10_000_000)

DELIMITERS = (";", ",", "\t", "|")
MAX_HEADER_SEARCH_ROWS = 15


class ReadError(ValueError):
    """A file that cannot be read at all. The message is French and says where."""


# --- Text decoding -----------------------------------------------------------------------


def decode(content: bytes) -> tuple[str, str]:
    """Decode file bytes; returns (text, encoding name). UTF-8 (BOM or not), else cp1252.

    cp1252 is what Excel on Windows writes as "CSV"; bytes it leaves undefined fall back
    to latin-1 so that no byte is ever dropped.
    """
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16"), "utf-16"
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return content.decode("latin-1"), "latin-1"


def sniff_delimiter(text: str) -> str:
    """Pick the separator that splits the first lines into the most consistent columns."""
    sample_lines = []
    for line in io.StringIO(text[:200_000], newline=""):
        if line.strip():
            sample_lines.append(line)
        if len(sample_lines) >= 30:
            break
    best, best_score = ";", -1.0
    for delim in DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO("".join(sample_lines), newline=""), delimiter=delim))
        except csv.Error:
            continue
        widths = [len(r) for r in rows if r]
        if not widths or max(widths) < 2:
            continue
        most_common = max(set(widths), key=widths.count)
        consistency = widths.count(most_common) / len(widths)
        score = consistency * min(most_common, 50)
        if score > best_score:
            best, best_score = delim, score
    return best


# --- Header cleaning ---------------------------------------------------------------------


def clean_header(names: list[str]) -> list[str]:
    """Unique, non-empty column names: blanks become "colonne N", repeats get " (2)"."""
    seen: dict[str, int] = {}
    out = []
    for i, raw in enumerate(names, start=1):
        name = " ".join((raw or "").replace("\ufeff", "").split())
        if not name:
            name = f"colonne {i}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        out.append(name)
    return out


def _find_header_row(rows: list[list[str]]) -> int:
    """Index of the header: the first row nearly as wide as the widest of the first rows.

    Skips title rows ("Annuaire des structures 2026") and blank rows above the header.
    """
    head = rows[:MAX_HEADER_SEARCH_ROWS]
    filled = [sum(1 for c in r if str(c).strip()) for r in head]
    if not filled:
        return 0
    widest = max(filled)
    for i, n in enumerate(filled):
        if n >= max(2, 0.6 * widest):
            return i
    return 0


def build_table(records: list[tuple[int, list[str]]], **meta) -> RawTable:
    """Turn (line, cells) records into a RawTable: header found, blank rows skipped.

    Rows are padded or cut to the header's width; a row with extra non-empty cells
    gets a warning naming its line, so that nothing is dropped silently.
    """
    if not records:
        raise ReadError(f"Le fichier « {meta.get('filename', '')} » est vide.")
    if is_finess_extract(records):
        return build_finess_table(records, **meta)
    header_idx = _find_header_row([cells for _, cells in records])
    _, header_cells = records[header_idx]
    original = [str(c) for c in header_cells]
    # Trailing columns with an empty name and no data anywhere are Excel debris: drop them.
    width = len(original)
    data = records[header_idx + 1 :]
    while width > 0 and not original[width - 1].strip():
        col = width - 1
        if any(col < len(cells) and str(cells[col]).strip() for _, cells in data):
            break
        width -= 1
    original = original[:width]
    columns = clean_header(original)
    rows: list[list[str]] = []
    lines: list[int] = []
    warnings: list[dict] = []
    for line, cells in data:
        # Cells are already text (csv gives str, the XLSX reader converts); this loop runs
        # once per row of a 100,000-row file, so it stays minimal.
        if not "".join(cells).strip():
            continue  # blank line or a row of bare separators: nothing to read
        if len(cells) == width:
            pass
        elif len(cells) > width:
            extra = [c for c in cells[width:] if c.strip()]
            if extra:
                warnings.append(
                    {
                        "line": line,
                        "field": "",
                        "code": "extra_cells",
                        "message": f"{len(extra)} cellule(s) au-delà des {width} colonnes de l'en-tête, ignorée(s)",
                    }
                )
            cells = cells[:width]
        elif len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        rows.append(cells)
        lines.append(line)
    return RawTable(
        columns=columns,
        rows=rows,
        lines=lines,
        original_columns=original,
        warnings=warnings,
        **meta,
    )


# --- FINESS extracts (the one record-typed format) -----------------------------------------
# A FINESS extract is not one table: a metadata line "finess;etalab;<n>;<date>", then typed
# records of different widths: "structureet;" (32 fields) and "geolocalisation;" (6). Fitting
# them to the metadata line's width would cut every record, so the establishment records are
# kept whole, named by position after the official layout, and the other record types go to
# ``table.extra["records"][type]`` as (line, cells) for the FINESS format module to join.
# (The field names live in formats.base: format modules cannot import this module at load
# time, since it imports formats.base, which loads the formats package.)


def is_finess_extract(records: list[tuple[int, list[str]]]) -> bool:
    """True when the first record is a FINESS metadata line ("finess;etalab;...")."""
    first = records[0][1] if records else []
    return bool(first) and str(first[0]).strip().lower() == "finess"


def build_finess_table(records: list[tuple[int, list[str]]], **meta) -> RawTable:
    """FINESS extract -> RawTable of its "structureet" records, other record types in extra."""
    header_cells = [str(c) for c in records[0][1]]
    main: list[tuple[int, list[str]]] = []
    others: dict[str, list[tuple[int, list[str]]]] = {}
    for line, cells in records[1:]:
        cells = ["" if c is None else str(c) for c in cells]
        if not any(c.strip() for c in cells):
            continue
        kind = cells[0].strip().lower()
        if kind == "structureet":
            main.append((line, cells))
        else:
            others.setdefault(kind, []).append((line, cells))
    width = max([len(FINESS_STRUCTUREET_FIELDS)] + [len(c) for _, c in main])
    names = list(FINESS_STRUCTUREET_FIELDS) + [""] * (width - len(FINESS_STRUCTUREET_FIELDS))
    return RawTable(
        columns=clean_header(names),
        rows=[c + [""] * (width - len(c)) for _, c in main],
        lines=[line for line, _ in main],
        original_columns=header_cells,
        extra={"finess_header": header_cells, "records": others},
        **meta,
    )


# --- CSV ----------------------------------------------------------------------------------


def _physical_lines(text: str) -> int:
    ends = text.count("\n") + text.count("\r") - text.count("\r\n")
    return ends + (0 if text.endswith(("\n", "\r")) else 1)


def read_csv_text(text: str, filename: str = "", encoding: str | None = None, delimiter: str | None = None) -> RawTable:
    from sourcing.reading_arrow import read_plain_csv

    delimiter = delimiter or sniff_delimiter(text)
    plain = read_plain_csv(text, filename, encoding, delimiter)
    if plain is not None:
        return plain
    # Fast path: parse in one C call; when there are as many records as physical lines, no cell
    # spans lines and record i is on line i. Otherwise re-read tracking where each record starts.
    try:
        parsed = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        parsed = None
    if parsed is not None and len(parsed) == _physical_lines(text):
        records = [(i, cells) for i, cells in enumerate(parsed, start=1) if cells]
        return build_table(records, filename=filename, encoding=encoding, delimiter=delimiter)
    # A spreadsheet shows each record as one row (a blank line as an empty row): the row number is the
    # record's; the physical line where it starts is kept where the two differ.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []
    file_lines: dict[int, int] = {}
    previous_end = 0
    try:
        for row, cells in enumerate(reader, start=1):
            start = previous_end + 1
            previous_end = reader.line_num
            if start != row:
                file_lines[row] = start
            if cells:
                records.append((row, cells))
    except csv.Error as exc:
        raise ReadError(
            f"Fichier « {filename} », ligne {reader.line_num} du fichier : lecture CSV impossible ({exc})."
        ) from exc
    return build_table(records, filename=filename, encoding=encoding, delimiter=delimiter, file_lines=file_lines)


# --- XLSX ---------------------------------------------------------------------------------


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e17:
        return str(int(value))  # SIRET or postal code stored as a number
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def read_xlsx(content: bytes, filename: str = "") -> list[RawTable]:
    """Every non-empty sheet of a workbook as a RawTable (line = Excel row number)."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise ReadError(f"Le classeur Excel « {filename} » ne peut pas être ouvert ({exc}).") from exc
    tables = []
    try:
        for sheet in workbook.worksheets:
            records = []
            for row_number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = [_cell_text(v) for v in values]
                if any(c.strip() for c in cells):
                    records.append((row_number, cells))
            if len(records) >= 1:
                tables.append(build_table(records, filename=filename, sheet=sheet.title))
    finally:
        workbook.close()
    if not tables:
        raise ReadError(f"Le classeur Excel « {filename} » ne contient aucune feuille remplie.")
    return tables


# --- Entry point --------------------------------------------------------------------------


def _blank(content: bytes, block: int = 1 << 20) -> bool:
    """`not content.strip()` without a stripped copy of the whole file (400 MB at 1,000,000 rows)."""
    return not any(content[i : i + block].strip() for i in range(0, len(content), block))


def read_tables(content: bytes, filename: str = "", delimiter: str | None = None) -> list[RawTable]:
    """Read a file's bytes into one RawTable per sheet (one for CSV and JSON)."""
    if _blank(content):
        raise ReadError(f"Le fichier « {filename} » est vide.")
    if content[:4] == b"PK\x03\x04":
        if zipfile.is_zipfile(io.BytesIO(content)):
            names = zipfile.ZipFile(io.BytesIO(content)).namelist()
            if any(n.startswith("xl/") for n in names):
                return read_xlsx(content, filename)
            raise ReadError(
                f"« {filename} » est une archive ZIP : décompressez-la "
                "et chargez le fichier CSV ou Excel qu'elle contient."
            )
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ReadError(
            f"« {filename} » est un ancien classeur Excel (.xls) : "
            "enregistrez-le au format .xlsx ou CSV puis rechargez-le."
        )
    from sourcing.reading_arrow import read_utf8_csv

    plain = read_utf8_csv(content, filename, delimiter)
    if plain is not None:
        return [plain]
    text, encoding = decode(content)
    stripped = text.lstrip()
    if stripped[:1] in ("[", "{"):
        from sourcing.reading_json import read_json_text  # here: that module imports ReadError from this one

        return [read_json_text(text, filename, encoding)]
    return [read_csv_text(text, filename, encoding, delimiter)]


def read_path(path: str | Path, delimiter: str | None = None) -> list[RawTable]:
    path = Path(path)
    try:
        content = path.read_bytes()
    except FileNotFoundError as exc:
        raise ReadError(f"Fichier introuvable : {path}") from exc
    except IsADirectoryError as exc:
        raise ReadError(f"« {path} » est un dossier, pas un fichier.") from exc
    return read_tables(content, path.name, delimiter)
