import io

import openpyxl
import pytest

from sourcing.reading import ReadError, clean_header, decode, read_tables, sniff_delimiter


def test_decode_utf8_bom_and_cp1252():
    assert decode("é;ü".encode("utf-8-sig")) == ("é;ü", "utf-8-sig")
    assert decode("é;ü".encode()) == ("é;ü", "utf-8")
    assert decode("Évry;œuvre".encode("cp1252")) == ("Évry;œuvre", "cp1252")


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_sniff_delimiter(delimiter):
    text = delimiter.join(["nom", "siret", "ville"]) + "\n" + delimiter.join(["A, B", "1", "Lille"]) + "\n"
    if delimiter == ",":
        text = 'nom,siret,ville\n"A, B",1,Lille\n'
    assert sniff_delimiter(text) == delimiter


def test_header_cleaning_names_blank_and_repeated_columns():
    assert clean_header(["Nom", "", "Nom", " Ville  ", ""]) == ["Nom", "colonne 2", "Nom (2)", "Ville", "colonne 5"]


def test_multiline_cells_crlf_and_line_numbers():
    content = 'nom;adresse;cp\r\nA;"1 rue X\r\n59000 LILLE";59000\r\n\r\nB;2 rue Y;59100\r\n'.encode("cp1252")
    [table] = read_tables(content, "x.csv")
    assert table.delimiter == ";"
    assert table.columns == ["nom", "adresse", "cp"]
    assert [r[0] for r in table.rows] == ["A", "B"]
    assert table.rows[0][1] == "1 rue X\r\n59000 LILLE"
    # As a spreadsheet shows it: A is row 2 (its cell spans lines 2-3), the blank line 4 an empty row 3,
    # B row 4, on the file's line 5.
    assert table.lines == [2, 4]
    assert table.file_lines == {3: 4, 4: 5}


def test_trailing_empty_columns_dropped_and_extra_cells_reported():
    content = b"nom;ville;;;\nA;Lille;;;\nB;Lens;;;surplus\n"
    [table] = read_tables(content, "x.csv")
    assert table.columns[:2] == ["nom", "ville"]
    assert len(table.columns) == 5  # the last column has data on one row: kept
    content = b"nom;ville\nA;Lille;oops\n"
    [table] = read_tables(content, "x.csv")
    assert table.rows == [["A", "Lille"]]
    assert table.warnings[0]["line"] == 2 and table.warnings[0]["code"] == "extra_cells"


def test_title_rows_above_header_are_skipped():
    content = b"Annuaire 2026;;\n;;\nnom;cp;ville\nA;59000;Lille\n"
    [table] = read_tables(content, "x.csv")
    assert table.columns == ["nom", "cp", "ville"]
    assert table.lines == [4]


def test_xlsx_sheets_numbers_and_formulas():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Notes"
    ws.append(["Rien ici"])
    ws2 = wb.create_sheet("Structures")
    ws2.append(["Nom", "SIRET", "CP"])
    ws2.append(['=HYPERLINK("x")', 42414308900037, 1500])
    buf = io.BytesIO()
    wb.save(buf)
    tables = read_tables(buf.getvalue(), "a.xlsx")
    table = next(t for t in tables if t.sheet == "Structures")
    assert table.rows[0][1] == "42414308900037"  # a number, not "4.24E+13"
    assert table.rows[0][2] == "1500"
    assert table.lines == [2]


def test_json_fixture_fields_are_lifted():
    content = b'[{"model": "siaes.siae", "pk": 1, "fields": {"name": "A", "kind": "EI"}}]'
    [table] = read_tables(content, "f.json")
    assert table.column("name") == ["A"] and table.column("kind") == ["EI"]


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "vide"),
        (b"[{]", "JSON invalide"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 20, ".xls"),
    ],
)
def test_unreadable_files_get_french_errors(content, fragment):
    with pytest.raises(ReadError, match=r"«|vide") as info:
        read_tables(content, "f")
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    "content",
    [
        b"nom;siret;ville\nA;1;Lille\nB;2;Lens\n",
        b'nom;siret;ville;;\r\nA;1;Lille;;\r\n;;;;\r\nB;2;"Lens; centre";;\r\n',
        'nom,ville\n"Café, ""le""",Évry\n'.encode("cp1252"),
        b"nom;ville\nA;Lille",  # no final line end
        "\ufeffnom;ville\nA;Évry\r\nB;Saint-Étienne\r\n".encode(),  # UTF-8 with BOM, read from the bytes
        b"\xef\xbb\xbfnom;ville\nA;\xe9vry\n",  # a BOM, then a byte that is not UTF-8 (replaced)
        b"  \n\nnom;ville\nA;Lille\n",  # blank lines above the header
    ],
)
def test_column_wise_fast_path_reads_like_the_general_path(content, monkeypatch):
    """The pyarrow fast path and the line-by-line path give the same table, line numbers included."""
    from sourcing import reading_arrow

    [fast] = read_tables(content, "x.csv")
    monkeypatch.setattr(reading_arrow, "read_plain_bytes", lambda *a, **k: None)
    [general] = read_tables(content, "x.csv")
    assert fast.columns == general.columns
    assert [list(r) for r in fast.rows] == general.rows
    assert fast.lines == general.lines
    assert fast.frame().equals(general.frame())
