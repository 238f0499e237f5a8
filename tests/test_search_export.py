"""The file of every result of a search (`sourcing.exports.search_results.export_search`): what the search
page's « CSV » and « Excel » buttons give. It reads the index a part at a time; the buyer gets the same file
as the whole results table exported at once, for every kind of search and every cut between parts."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import openpyxl
import pytest

from sourcing.directory import load_demo
from sourcing.exports import export_suppliers
from sourcing.exports.search_results import export_search
from sourcing.search import SearchIndex, SearchQuery, search, stored

LYON = (45.764, 4.8357)
QUERIES = {
    "everything": SearchQuery(),
    "a kind": SearchQuery(kinds=("ESAT",)),
    "around Lyon": SearchQuery(near=LYON, radius_km=60),
    "around Lyon by name": SearchQuery(near=LYON, radius_km=60, sort="name"),
    "keywords": SearchQuery(q="nettoyage"),
    "nothing": SearchQuery(q="zzzqqqxxx"),
    "a page's limit": SearchQuery(kinds=("EI",), limit=50),  # the file holds every result, not the page's
}
# Cells a spreadsheet would run as formulas, written by a hostile directory file.
HOSTILE = ['=HYPERLINK("http://x";"clic")', "+33 1 23", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]


@pytest.fixture(scope="module")
def indexes(tmp_path_factory):
    directory = load_demo()
    for i, text in enumerate(HOSTILE):
        directory.loc[directory.index[i * 797], "name"] = text  # spread over the parts of 700 rows below
        directory.loc[directory.index[i * 797 + 1], "city"] = text
    built = SearchIndex.build(directory)
    saved = stored.load(stored.save(built, tmp_path_factory.mktemp("version") / stored.INDEX_FOLDER))
    assert saved is not None
    return {"built in memory": built, "saved with its version": saved}


def _whole(index: SearchIndex, query: SearchQuery, fmt: str) -> bytes:
    """What the page gave before: every result as one table, exported at once."""
    return export_suppliers(search(index, replace(query, limit=None)).results, fmt)


@pytest.mark.parametrize("which", ["built in memory", "saved with its version"])
@pytest.mark.parametrize("name", list(QUERIES))
def test_the_csv_is_the_whole_results_table_whatever_the_parts(indexes, which, name):
    index, query = indexes[which], QUERIES[name]
    expected = _whole(index, query, "csv")
    total = search(index, replace(query, limit=None)).total
    assert expected.count(b"\r\n") == total + 1  # a header, then one line per result (none holds a newline here)
    for chunk_rows in {1_000, max(total - 1, 1), max(total, 1), total + 1, 100_000}:
        assert export_search(index, query, "csv", chunk_rows=chunk_rows) == expected, chunk_rows


@pytest.mark.parametrize("chunk_rows", [1, 2, 3, 47, 48, 49])
def test_every_cut_between_parts_gives_the_same_csv(indexes, chunk_rows):
    """48 EATT: parts of one row, of two, of three (the last one short), and cuts around the total."""
    index, query = indexes["saved with its version"], SearchQuery(kinds=("EATT",))
    assert search(index, query).total == 48
    data = export_search(index, query, "csv", chunk_rows=chunk_rows)
    assert data == _whole(index, query, "csv")
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\xef\xbb\xbf") == 1  # one BOM, at the start


def test_formulas_are_neutralised_in_every_part(indexes):
    data = export_search(indexes["saved with its version"], SearchQuery(), "csv", chunk_rows=700).decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(data, newline=""), delimiter=";") for c in row]
    for text in HOSTILE:  # each shown as text: an apostrophe before it
        assert cells.count("'" + text) == 2, text
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]


@pytest.mark.parametrize("name", ["everything", "around Lyon", "nothing"])
def test_the_xlsx_holds_the_same_cells(indexes, name):
    index, query = indexes["saved with its version"], QUERIES[name]

    def cells(data: bytes) -> list[tuple]:
        return list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))

    got = cells(export_search(index, query, "xlsx"))
    assert got == cells(_whole(index, query, "xlsx"))
    assert len(got) == search(index, query).total + 1


def test_an_unknown_format_is_said_in_french(indexes):
    with pytest.raises(ValueError, match="Format d'export inconnu"):
        export_search(indexes["built in memory"], SearchQuery(), "ods")  # type: ignore[arg-type]
