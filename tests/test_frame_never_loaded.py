"""What the app does on a saved directory index never loads the whole directory as a DataFrame (`index.frame`:
10 s and 1.3 GB at 1,000,000 suppliers, docs/performance.md): the advice's counts, a purchasing
programme's analysis and its views, a supplier's card beyond the shown results, page « Annuaire »'s
figures, a file of every result. Each gives what the same index built in memory gives."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from sourcing.advisor import advise
from sourcing.advisor.purchase import Purchase
from sourcing.directory import load_demo
from sourcing.exports.search_results import export_search
from sourcing.plan import views
from sourcing.plan.analysis import PlanSettings, analyse
from sourcing.plan.exports import plan_sheets
from sourcing.plan.programme import read_programme
from sourcing.search import SearchIndex, SearchQuery, overview, search, stored
from sourcing.search.facets import supplier_row
from tests.helpers import TEST_DATA_DIR

PROGRAMME = TEST_DATA_DIR / "plans" / "programme-2027.xlsx"
LYON = (45.764, 4.8357)


def _never(*_args) -> pd.DataFrame:
    raise AssertionError("the whole directory was loaded as a DataFrame")


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    built = SearchIndex.build(load_demo())
    folder = stored.save(built, tmp_path_factory.mktemp("version") / stored.INDEX_FOLDER)
    saved = stored.load(folder, frame_loader=_never)
    assert saved is not None
    return built, saved


def _same(a, b) -> None:
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False)
    else:
        assert a == b


def test_the_advice_counts_suppliers_from_one_column(pair):
    built, saved = pair
    purchase = Purchase(need="Entretien des espaces verts", nature="services", amount_eur=300_000,
                        duration_months=24, buyer_type="commune", consultation_date=date(2026, 9, 1),
                        place="Lyon", radius_km=30)  # fmt: skip
    got, expected = advise(purchase, saved), advise(purchase, built)
    assert [(lv.id, lv.applies, lv.rationale) for lv in got.levers] == [
        (lv.id, lv.applies, lv.rationale) for lv in expected.levers
    ]


def test_a_programme_its_views_and_its_suppliers(pair):
    built, saved = pair
    programme = read_programme(PROGRAMME.read_bytes(), PROGRAMME.name, today=date(2026, 12, 1))
    got, expected = (analyse(programme, i, PlanSettings(near="Villeurbanne")) for i in (saved, built))
    got_sheets, expected_sheets = plan_sheets(got), plan_sheets(expected)
    assert list(got_sheets) == list(expected_sheets)
    for name in got_sheets:
        _same(got_sheets[name], expected_sheets[name])
    line = next(a for a in got.lines if len(a.supplier_rows))
    twin = expected.lines[got.lines.index(line)]
    _same(views.line_suppliers(got, line), views.line_suppliers(expected, twin))


def test_a_card_beyond_the_shown_results(pair):
    built, saved = pair
    shown = search(saved, SearchQuery(limit=5)).results
    far_id = str(built.frame["id"].iloc[4_000])  # a map marker beyond the five shown rows
    got, expected = supplier_row(saved, shown, far_id, LYON), supplier_row(built, shown, far_id, LYON)
    assert got is not None and got["id"] == far_id
    assert got["distance_km"] == pytest.approx(expected["distance_km"])
    assert got["name"] == expected["name"] and list(got["kinds"]) == list(expected["kinds"])
    assert supplier_row(saved, shown, "no-such-id", LYON) is None


def test_the_directory_page_and_a_file_of_every_result(pair):
    built, saved = pair
    got, expected = overview.overview(saved, 100), overview.overview(built, 100)
    assert (got.suppliers, got.located_share, got.siret_share) == (
        expected.suppliers,
        expected.located_share,
        expected.siret_share,
    )
    ids = list(built.frame["id"].iloc[np.r_[0, 10, 4_500]])
    assert list(overview.rows_of(saved, ids)["id"]) == ids
    assert export_search(saved, SearchQuery(kinds=("ESAT",)), "csv") == export_search(
        built, SearchQuery(kinds=("ESAT",)), "csv"
    )
