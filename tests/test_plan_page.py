"""The page "Programme d'achats" under Streamlit's AppTest: the views of an analysed programme, the
drill-down to one purchase, one click to a list and a meeting, the annual report's errors.

(AppTest cannot upload a file or type in a data editor: the browser test does both; here the
analysis of the test programme is put where the page keeps it, as the analyse button does.)"""

from __future__ import annotations

from datetime import date

import pytest

from sourcing.plan.analysis import PlanSettings, analyse
from sourcing.plan.exports import plan_xlsx
from sourcing.plan.programme import read_programme
from tests.helpers import TEST_DATA_DIR, open_page
from ui import texts as T

PAGE = "ui/pages/programme.py"
XLSX = TEST_DATA_DIR / "plans" / "programme-2027.xlsx"


@pytest.fixture(scope="module")
def analysis():
    from sourcing.directory import load_demo
    from sourcing.search import SearchIndex

    programme = read_programme(XLSX.read_bytes(), XLSX.name, today=date(2026, 12, 1))
    return analyse(programme, SearchIndex.build(load_demo()), PlanSettings(near="Villeurbanne"))


def _table(at, first_column: str):
    """The first table whose first column is `first_column`."""
    return next(d.value for d in at.dataframe if list(d.value.columns)[:1] == [first_column])


def _analysed_page(analysis):
    at = open_page(PAGE)
    at.session_state["plan_result"] = ("demo", analysis, {"xlsx": plan_xlsx(analysis)})
    at.run()
    assert not at.exception
    return at


def test_page_before_any_programme():
    at = open_page(PAGE)
    assert at.header[0].value == T.PLAN_HEADER
    assert T.PLAN_EMPTY in [c.value for c in at.caption]
    assert at.button(key="plan_submit").disabled  # nothing to analyse yet


def test_views_of_an_analysed_programme(analysis):
    at = _analysed_page(analysis)
    report = analysis.report
    expected = T.PLAN_ROWS.format(
        rows_read=report.rows_read, analysed=report.analysed, rejected=len(report.rejected),
        warnings=len(report.warnings),
    )  # fmt: skip
    assert expected in [m.value for m in at.markdown]
    assert {m.label for m in at.metric} >= {T.PLAN_METRIC_TOTAL, T.PLAN_METRIC_SOCIAL, T.PLAN_METRIC_RESERVABLE}
    subheaders = [s.value for s in at.subheader]
    for title in (T.PLAN_LEVERS, T.PLAN_PRIORITIES, T.PLAN_SUPPLIERS, T.PLAN_DETAIL, T.PLAN_EXPORTS):
        assert title in subheaders
    levers = _table(at, "Levier")
    assert len(levers) == len(analysis.lines[0].report.levers)
    assert len(at.get("download_button")) == 1  # only the workbook was given to the page here


def test_drill_down_to_one_purchase_and_prepare_its_meeting(analysis):
    at = _analysed_page(analysis)
    line = next(a for a in analysis.lines if a.line.need.startswith("Nettoyage des écoles"))
    at.selectbox(key="plan_line").set_value(line.line.line).run()
    assert not at.exception
    levers = next(d.value for d in at.dataframe if "S'applique" in d.value.columns)
    assert (
        list(levers["Levier"])[: len(line.applicable)]
        == [lv.title for lv in sorted(line.report.levers, key=lambda lv: (not lv.applies, not lv.mandatory))][
            : len(line.applicable)
        ]
    )
    suppliers = at.dataframe[-1].value  # drawn last, after the programme's suppliers to meet
    assert suppliers.columns[0] == T.COLUMN_LABELS["name"]
    assert len(suppliers) == len(line.supplier_rows) > 0
    assert {m.label: m.value for m in at.metric}["Handicap"] == str(line.families["handicap"])
    at.button(key=f"plan_prepare_{line.line.line}").click().run()
    assert not at.exception and not at.error
    done = [s.value for s in at.success]
    assert done and f"{len(line.supplier_rows)} structure(s) ajoutée(s)" in done[0]
    assert f"(ligne {line.line.line})" in done[0].replace("\\", "")


def test_annual_report_tab_without_a_file_says_what_it_expects():
    at = open_page(PAGE)
    assert T.ANNUAL_INTRO in [c.value for c in at.caption]


def test_an_asked_analysis_outlives_a_run_that_did_not_finish():
    """The click is kept until a run answers it: a rerun arriving during the analysis (a late grid
    edit, a setting changed) would otherwise drop it, and the buyer would get nothing. Here the request
    is left as a run interrupted before its answer leaves it; the next run answers it (the empty grid:
    nothing to analyse, said so) and then forgets it."""
    at = open_page(PAGE)
    at.radio(key="plan_source").set_value(T.PLAN_SOURCE_GRID).run()
    assert "plan_result" not in at.session_state
    at.session_state["plan_pending"] = True
    at.run()
    assert not at.exception
    assert at.session_state["plan_result"][1].report.rows_read == 0
    assert [w.value for w in at.warning] == [T.PLAN_NOTHING]
    assert "plan_pending" not in at.session_state  # answered once, not at every rerun


def test_a_removed_file_leaves_no_analysis_asked():
    at = open_page(PAGE)
    at.session_state["plan_pending"] = True  # asked, then the file removed before the run answered
    at.run()
    assert "plan_pending" not in at.session_state and "plan_result" not in at.session_state
