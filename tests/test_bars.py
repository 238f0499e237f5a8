"""The search page's count charts as HTML bars (ui/bars.py): what each row says and draws, read back
with an HTML parser as a browser would; and the page's charts against the core's counts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pandas as pd
import pytest

from sourcing.directory import load_demo
from sourcing.search import SearchIndex
from sourcing.search.facets import facet_counts
from tests.helpers import XSS_NAMES, app_test, search_page_around_lyon
from ui import texts as T
from ui.bars import bar_width, bars_html

NNBSP = "\u202f"


@dataclass
class Row:
    label: str = ""
    count: str = ""
    width: str | None = None  # None: no bar drawn
    hidden_bar: bool = False


@dataclass
class Chart:
    rows: list[Row] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)
    list_name: str | None = None
    empty_text: str = ""
    spoken: list[str] = field(default_factory=list)  # each row's text, bar aside (what a screen reader reads)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.chart = Chart()
        self.open: list[str] = []  # the class of each open element
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.chart.tags.add(tag)
        self.in_style = tag == "style"
        css = attributes.get("class") or ""
        if tag == "ul":
            self.chart.list_name = attributes.get("aria-label")
        if tag == "li":
            self.chart.rows.append(Row())
            self.chart.spoken.append("")
        if css == "ess-track":
            self.chart.rows[-1].hidden_bar = attributes.get("aria-hidden") == "true"
        if css == "ess-bar":
            width = re.fullmatch(r"width:(.*)", attributes.get("style") or "")
            self.chart.rows[-1].width = width.group(1) if width else "?"
        self.open.append(css)

    def handle_endtag(self, tag):
        self.in_style = False
        self.open.pop()

    def handle_data(self, data):
        if self.in_style:
            return
        if "ess-empty" in self.open:
            self.chart.empty_text += data
        elif self.chart.rows:
            row = self.chart.rows[-1]
            if "ess-sr" not in self.open and "ess-label" in self.open:
                row.label += data
            elif "ess-count" in self.open:
                row.count += data
            self.chart.spoken[-1] += data


def read(html: str) -> Chart:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    assert reader.open == [], "every element is closed"
    return reader.chart


def chart(counts: dict | pd.Series, title: str = "Par type", empty: str = "Rien") -> Chart:
    series = counts if isinstance(counts, pd.Series) else pd.Series(counts, dtype="int64")
    return read(bars_html(series, title=title, empty=empty))


def test_rows_keep_the_series_order_not_the_counts_order():
    counts = {"SCOP": 3, "ESAT": 632, "EA": 0, "EI": 40}
    assert [row.label for row in chart(counts).rows] == list(counts)
    bands = pd.Series([0, 12, 3], index=pd.CategoricalIndex(T.DISTANCE_BANDS[:3], categories=T.DISTANCE_BANDS))
    assert [row.label for row in chart(bands).rows] == T.DISTANCE_BANDS[:3]


@pytest.mark.parametrize(
    ("counts", "widths"),
    [
        ([632], ["100%"]),
        ([50, 100, 25], ["50%", "100%", "25%"]),
        ([1, 3], ["33.33%", "100%"]),
        ([2, 3], ["66.67%", "100%"]),
        ([1, 1000], ["0.1%", "100%"]),
        ([3, 12345], ["0.02%", "100%"]),
        ([10, 1000], ["1%", "100%"]),
        ([7, 7], ["100%", "100%"]),
    ],
)
def test_bars_are_proportional_and_the_longest_is_full(counts, widths):
    rows = chart(pd.Series(counts, index=[f"k{i}" for i in range(len(counts))])).rows
    assert [row.width for row in rows] == widths
    assert all(row.hidden_bar for row in rows)


def test_a_zero_count_shows_its_zero_and_no_bar_even_when_all_are_zero():
    for counts in ({"ESAT": 5, "EA": 0}, {"ESAT": 0, "EA": 0}):
        rows = chart(counts).rows
        assert [row.count for row in rows] == [str(n) for n in counts.values()]
        assert [row.width for row in rows] == [None if n == 0 else "100%" for n in counts.values()]
    assert bar_width(0, 0) == "0%" and bar_width(3, 0) == "0%"


def test_an_empty_series_says_so_without_a_list():
    drawn = chart(pd.Series([], dtype="int64"), empty=T.CHART_EMPTY)
    assert drawn.rows == [] and "ul" not in drawn.tags
    assert drawn.empty_text == T.CHART_EMPTY


@pytest.mark.parametrize(
    ("n", "shown"),
    [(0, "0"), (7, "7"), (999, "999"), (1000, f"1{NNBSP}000"), (12345, f"12{NNBSP}345"), (1234567, "1 234 567")],
)
def test_counts_are_written_in_french(n, shown):
    assert chart({"ESAT": n}).rows[0].count == shown.replace(" ", NNBSP)


def test_a_screen_reader_reads_label_and_count_and_the_list_has_the_title():
    drawn = chart({"ESAT": 632, "EA": 12345}, title="Par type de structure")
    assert drawn.spoken == ["ESAT : 632", f"EA : 12{NNBSP}345"]
    assert drawn.list_name == "Par type de structure"


@pytest.mark.parametrize("hostile", [*XSS_NAMES, '"><svg onload=alert(1)>', "a & b </li></ul><b>x</b>"])
def test_hostile_labels_and_titles_show_as_text(hostile):
    drawn = chart(pd.Series([5, 2], index=[hostile, "EA"]), title=hostile, empty=hostile)
    assert [row.label for row in drawn.rows] == [hostile, "EA"]
    assert drawn.list_name == hostile
    assert drawn.tags <= {"style", "div", "ul", "li", "span"}
    empty = chart(pd.Series([], dtype="int64"), empty=hostile)
    assert empty.empty_text == hostile and empty.tags <= {"style", "div", "p"}


# --- The page: its three charts say the core's counts ------------------------------------------


def _page_charts(at) -> list[Chart]:
    return [read(element.value) for element in at.html if 'class="ess-bars"' in element.value]


def test_search_page_charts_show_the_core_counts_by_kind_sector_and_distance():
    at, query = search_page_around_lyon(50)
    assert not at.exception
    facets = facet_counts(SearchIndex.build(load_demo()), query, T.DISTANCE_BANDS)
    drawn = _page_charts(at)
    assert [c.list_name for c in drawn] == [T.CHART_KINDS, T.CHART_SECTORS, T.CHART_DISTANCE]
    for shown, counts in zip(drawn, (facets.kinds, facets.sectors, facets.bands), strict=True):
        assert len(counts) > 0
        assert [(row.label, row.count) for row in shown.rows] == [
            (str(label), f"{int(n):,}".replace(",", NNBSP)) for label, n in counts.items()
        ]
    assert [c.value for c in at.caption if c.value.startswith("Par ")][-3:] == [
        T.CHART_KINDS,
        T.CHART_SECTORS,
        T.CHART_DISTANCE,
    ]
    assert len(at.get("vega_lite_chart")) == 0  # no Vega chart left on the page


def test_without_a_place_the_page_shows_two_charts():
    at = app_test().run()
    assert not at.exception
    assert [c.list_name for c in _page_charts(at)] == [T.CHART_KINDS, T.CHART_SECTORS]
