"""Page smoke tests with Streamlit's AppTest: each page runs without exception and shows its essentials."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from sourcing.directory import load_demo
from sourcing.search import SearchIndex, SearchQuery, search
from tests.helpers import DIRECTORY_PAGE, app_test, format_regex, open_page, search_page_around_lyon
from ui import texts as T


@pytest.fixture(scope="module")
def demo_index():
    return SearchIndex.build(load_demo())


def count_in_headline(at: AppTest) -> int:
    """The count of the results headline (T.RESULTS_COUNT)."""
    counts = (format_regex(T.RESULTS_COUNT).match(h.value) for h in at.subheader)
    return int(re.sub(r"\D", "", next(c for c in counts if c).group(1)))


def test_directory_page_shows_demo_directory_and_its_report():
    at = open_page(DIRECTORY_PAGE)
    texts = " ".join(m.value for m in at.markdown) + " ".join(i.value for i in at.info)
    assert T.DEMO_BADGE in texts
    metrics = {m.label: m.value for m in at.metric}
    n = int(metrics[T.METRIC_SUPPLIERS].replace("\u202f", ""))
    assert 4500 <= n <= 5500
    assert any(format_regex(T.REPORT_SUMMARY).search(m.value) for m in at.markdown)
    table = at.dataframe[-1].value
    assert len(table) == min(n, 5000)
    assert {T.COLUMN_LABELS[c] for c in ("name", "kinds", "city", "siret")} <= set(table.columns)


def test_search_page_counts_every_supplier_without_filters(demo_index):
    at = app_test().run()
    assert not at.exception
    assert count_in_headline(at) == len(demo_index.frame)


def test_search_page_filters_match_the_search_core(demo_index):
    """The page's filters give the same count as the core search (and so as the CLI)."""
    at = app_test().run()
    at.checkbox(key="t_ESAT").check().run()
    at.text_input(key="q").input("espaces verts").run()
    assert not at.exception
    expected = search(demo_index, SearchQuery(kinds=("ESAT",), q="espaces verts")).total
    assert 0 < expected < len(demo_index.frame)
    assert count_in_headline(at) == expected


def test_place_and_radius_from_the_url(demo_index):
    at, query = search_page_around_lyon(20)
    assert not at.exception
    expected = search(demo_index, query).total
    assert count_in_headline(at) == expected > 0


@pytest.mark.parametrize(
    ("typed", "insee"),
    [("Lyon (69001)", "69123"), ("Ferrière-la-Petite (59680)", "59231"), ("Rochechinard", "26270")],
)
def test_a_place_from_the_url_listed_or_not(demo_index, typed, insee):
    """A link keeps its place whether the box lists it (2,000 inhabitants and more) or not: a smaller
    commune, typed by its label or its name, searches around that commune."""
    from sourcing.gazetteer import Gazetteer

    at = app_test()
    at.query_params["lieu"] = typed
    at.query_params["rayon"] = "50"
    at.run()
    assert not at.exception
    assert at.selectbox(key="lieu").value == typed
    place = Gazetteer.load().resolve(f"INSEE {insee}")
    expected = search(
        demo_index,
        SearchQuery(near=(place.lat, place.lon), radius_km=50.0, near_department=place.department,
                    near_region=place.region),
    ).total  # fmt: skip
    assert count_in_headline(at) == expected > 0
    assert place.label.split(" (")[0] in at.subheader[0].value


def test_cli_search_and_page_agree(capsys):
    """Same filters in the CLI and in the page: same count."""
    import json

    from sourcing.cli import main

    assert main(["search", "--near", "Lyon", "--radius-km", "60", "--kind", "ESAT", "--kind", "EA", "--json"]) == 0
    cli_total = json.loads(capsys.readouterr().out)["total"]
    at = app_test()
    at.query_params["lieu"] = "Lyon (69001)"
    at.query_params["rayon"] = "60"
    at.query_params["t_ESAT"] = "true"
    at.query_params["t_EA"] = "true"
    at.run()
    assert not at.exception
    assert count_in_headline(at) == cli_total > 0


def test_results_export_holds_every_result_not_only_the_shown_rows(demo_index):
    """The search page's "Exporter" buttons: all results (the grid shows 2,000), injection-safe."""
    import csv
    import io

    import openpyxl

    from ui.search_page import TABLE_LIMIT, results_file

    query = SearchQuery()  # no filter: the whole demo directory
    total = search(demo_index, query).total
    assert total > TABLE_LIMIT
    rows = list(csv.reader(io.StringIO(results_file("demo", query, "csv").decode("utf-8-sig")), delimiter=";"))
    assert len(rows) - 1 == total
    assert not any(cell[:1] in ("=", "+", "@") for row in rows[1:] for cell in row)
    sheet = openpyxl.load_workbook(io.BytesIO(results_file("demo", query, "xlsx"))).active
    assert sheet.max_row - 1 == total
    siret_col = [c.value for c in sheet[1]].index("SIRET") + 1
    assert all(isinstance(sheet.cell(r, siret_col).value, str | None) for r in range(2, 50))


@pytest.mark.parametrize("limit", [631, 632])
def test_the_excel_button_is_offered_up_to_the_page_limit_the_csv_always(monkeypatch, limit):
    """Above `XLSX_PAGE_MAX_ROWS` results a workbook would take longer than the browser waits for it (3
    minutes at 1,000,000 suppliers): the page says so in French and offers the CSV. 632 ESAT on the demo,
    the limit set just under and at it."""
    import ui.search_page

    monkeypatch.setattr(ui.search_page, "XLSX_PAGE_MAX_ROWS", limit)
    at = app_test()
    at.query_params["t_ESAT"] = "true"
    at.run()
    assert not at.exception and count_in_headline(at) == 632
    buttons = {b.proto.label: b.proto for b in at.get("download_button")}
    csv_button, xlsx_button = buttons["CSV (données brutes)"], buttons["Classeur Excel (.xlsx)"]
    assert not csv_button.disabled
    assert xlsx_button.disabled == (limit < 632)
    if limit < 632:
        assert xlsx_button.help.startswith(f"Plus de {limit} résultats") and "CSV" in xlsx_button.help
