"""Page « Annuaire »'s figures, first rows and disagreements, read from the directory's search index
(`sourcing.search.overview`): the same as from the whole directory, which the page no longer loads."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sourcing.directory import load_demo
from sourcing.search import SearchIndex, overview, stored
from sourcing.store import files, provenance
from tests.test_store import in_merged, merged  # noqa: F401 (fixtures: a store of three real sources)


def _both(directory: pd.DataFrame, folder) -> dict[str, SearchIndex]:
    built = SearchIndex.build(directory)
    saved = stored.load(stored.save(built, folder / stored.INDEX_FOLDER))
    assert saved is not None
    return {"built in memory": built, "saved with its version": saved}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    directory = load_demo()
    directory.loc[directory.index[:300], "siret"] = None  # some without a SIRET
    directory.loc[directory.index[5:40], "geo_precision"] = "department"
    return directory, _both(directory, tmp_path_factory.mktemp("demo"))


def _cells(frame: pd.DataFrame) -> list[list]:
    return [[list(v) if isinstance(v, (list, np.ndarray)) else (None if v is None or v != v else v) for v in row]
            for row in frame.itertuples(index=False)]  # fmt: skip


@pytest.mark.parametrize("which", ["built in memory", "saved with its version"])
@pytest.mark.parametrize("first", [0, 1, 2_000, 4_995, 10_000])
def test_the_figures_and_first_rows_are_the_whole_directorys(demo, which, first):
    directory, indexes = demo
    view = overview.overview(indexes[which], first)
    assert view.suppliers == len(directory) == 4_995
    assert view.located_share == pytest.approx(directory["geo_precision"].isin(["address", "commune"]).mean())
    assert view.siret_share == pytest.approx(directory["siret"].notna().mean()) and view.siret_share < 1
    expected = directory.head(first)[list(overview.TABLE_COLUMNS)]
    assert len(view.first_rows) == min(first, 4_995)
    assert _cells(view.first_rows[list(overview.TABLE_COLUMNS)]) == _cells(expected)


@pytest.mark.parametrize("which", ["built in memory", "saved with its version"])
def test_rows_of_gives_every_column_of_the_ids_asked(demo, which):
    directory, indexes = demo
    ids = [directory["id"].iloc[i] for i in (4_000, 3, 77)] + ["no-such-id"]
    rows = overview.rows_of(indexes[which], ids)
    expected = directory[directory["id"].isin(ids)]
    assert list(rows["id"]) == list(expected["id"])  # the directory's order, an unknown id ignored
    assert _cells(rows[list(directory.columns)]) == _cells(expected)
    assert overview.rows_of(indexes[which], []).empty


def test_an_empty_directory(tmp_path):
    empty = load_demo().head(0)
    for index in _both(empty, tmp_path).values():
        view = overview.overview(index, 10)
        assert (view.suppliers, view.located_share, view.siret_share, len(view.first_rows)) == (0, 0.0, None, 0)


def test_disagreements_read_only_their_suppliers_rows(in_merged):  # noqa: F811
    version, directory = in_merged["version"], in_merged["directory"]
    index = stored.load(stored.index_dir(files.version_dir(files.store_dir(), version.number)))
    assert index is not None  # published with its version
    asked: list[list[str]] = []

    def rows(ids: list[str]) -> pd.DataFrame:
        asked.append(ids)
        return overview.rows_of(index, ids)

    table = provenance.conflicts_table(version, rows)
    assert len(table) > 0 and table.equals(provenance.conflicts_table(version, directory))
    assert len(asked) == 1 and set(asked[0]) == set(table["Identifiant"]) and len(asked[0]) < len(directory)
