"""The team's directory as pages show it: the card's sources, the filter on old data, the CLI alike."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from sourcing.cli import main
from sourcing.db import upgrade_database
from sourcing.search import SearchIndex, SearchQuery, describe, search, widen
from sourcing.store import service
from tests.helpers import TEST_DATA_DIR, app_test
from ui import texts as T

SIAE67 = TEST_DATA_DIR / "realdata/les-emplois/siae67.csv"
CRESS = TEST_DATA_DIR / "store/cress-ain-2026-03.csv"
SEARCH_PAGE = "ui/pages/recherche.py"


@pytest.fixture
def two_sources():
    """SIAE 67 dated 2019 (old) and the CRESS file dated last month (fresh)."""
    upgrade_database()
    old = service.add_source(SIAE67.read_bytes(), SIAE67.name, label="SIAE 67", data_date="2019-07-01")
    fresh = service.add_source(CRESS.read_bytes(), CRESS.name, label="CRESS", data_date="2026-11-01")
    return old, fresh


def test_fresh_only_keeps_suppliers_a_recent_source_knows(two_sources):
    old, fresh = two_sources
    directory = service.read_version(service.current_number())
    index = SearchIndex.build(directory)
    assert search(index, SearchQuery()).total == old.suppliers + fresh.suppliers
    found = search(index, SearchQuery(fresh_only=True))
    assert found.total == fresh.suppliers
    assert set(found.results["source_name"]) == {"CRESS 2026-11"}
    assert "données de moins d'un an" in describe(SearchQuery(fresh_only=True))


def test_fresh_only_widening_names_the_filter(two_sources):
    directory = service.read_version(service.current_number())
    index = SearchIndex.build(directory)
    query = SearchQuery(fresh_only=True, departments=("67",))
    assert search(index, query).total == 0
    hints = dict(widen(index, query).filters)
    assert hints["données de moins d'un an"] > 0  # without it: the old list's suppliers in the 67


def test_cli_fresh_counts_like_the_core(two_sources, capsys):
    _, fresh = two_sources
    assert main(["search", "--fresh", "--limit", "0", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == fresh.suppliers


def test_card_shows_where_each_value_comes_from(two_sources):
    directory = service.read_version(service.current_number())
    supplier = directory[directory["source_name"] == "SIAE 67 2019-07"].iloc[0]
    at = app_test()
    at.run()
    at.switch_page(SEARCH_PAGE).run()
    at.session_state["selected_id"] = supplier["id"]
    at.run()
    assert not at.exception
    assert any(T.DETAIL_STALE in w.value for w in at.warning)
    expander = next(e for e in at.expander if e.label == T.PROVENANCE_HEADER)
    table = expander.dataframe[0].value
    assert set(table["Source"]) == {"SIAE 67"} and set(table["Données du"]) == {"01/07/2019"}
    assert set(table["À vérifier"]) == {"oui"}


def test_lists_keep_suppliers_across_rebuilds_and_say_which_left_every_source(two_sources):
    """A list points at suppliers by SIRET: after the store is rebuilt (a source replaced or removed)
    the entries are all still there; a supplier no source lists any more is reported, never dropped."""
    from sourcing.db import service as lists
    from sourcing.db import session_scope

    old, _ = two_sources
    directory = service.read_version(service.current_number())
    picked = pd.concat([directory[directory["source_name"].str.startswith("SIAE 67")].head(2),
                        directory[directory["source_name"].str.startswith("CRESS")].head(2)])  # fmt: skip
    with session_scope() as s:
        list_id = lists.create_shortlist(s, "local", "Avant reconstruction").id
        lists.add_suppliers(s, "local", list_id, picked)
    service.add_source(CRESS.read_bytes(), "cress-v2.csv", label="CRESS", data_date="2026-11-15")  # replaced
    service.remove_source(old.id)
    rebuilt = service.read_version(service.current_number())
    with session_scope() as s:
        frame = lists.entries_frame(s, "local", list_id)
    assert sorted(frame["id"]) == sorted(picked["id"].astype(str))
    review = lists.review_changes(frame, rebuilt)
    gone = set(picked["id"].astype(str)[picked["source_name"].str.startswith("SIAE 67")])
    assert review.absent == gone
    assert set(review.current) == set(picked["id"].astype(str)) - gone


def test_the_directory_key_tells_apart_two_folders_at_the_same_version_number(tmp_path, monkeypatch):
    """The pages' caches are keyed on it: a data folder restored from a backup, or another folder in the
    same process, publishes version 1 again with other suppliers; the key must not say it is the same."""
    from ui import state

    keys = []
    for name, path in (("a", SIAE67), ("b", CRESS)):  # two deployments: folder and database each
        monkeypatch.setenv("SOURCING_DATA_DIR", str(tmp_path / name))
        monkeypatch.setenv("SOURCING_DB_PATH", str(tmp_path / f"{name}.db"))
        monkeypatch.delenv("DATABASE_URL", raising=False)
        upgrade_database()
        service.add_source(path.read_bytes(), path.name, label=name, data_date="2026-11-01")
        keys.append(state.current_directory_key())
    assert [state.version_number(k) for k in keys] == [service.current_number()] * 2
    assert keys[0] != keys[1]
    assert state.current_directory_key() == keys[1]  # stable between reruns
