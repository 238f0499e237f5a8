"""The living directory: sources added, merged with provenance, replaced, removed, dated.

Two real extracts that overlap (the ASP SIAE list of July 2019 and the Marché de l'inclusion
fixture) and a hand-made CRESS file (cp1252, CRLF) that disagrees with them on kinds and
addresses, and has a row with a SIREN but no SIRET.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sourcing.db import upgrade_database
from sourcing.store import dates, files, provenance, service
from sourcing.store.merge import NO_SOURCE, PROVENANCE_FIELDS
from tests.helpers import PROJECT_DIR, TEST_DATA_DIR

DATA = TEST_DATA_DIR
ASP = DATA / "realdata/les-emplois/2019_07_liste_siae.csv"
MARCHE = DATA / "realdata/le-marche/01_siaes.json"
CRESS = DATA / "store/cress-ain-2026-03.csv"
SIAE67 = DATA / "realdata/les-emplois/siae67.csv"


@pytest.fixture
def store_env(tmp_path, monkeypatch) -> Path:
    """An empty store: its own data folder and database."""
    monkeypatch.setenv("SOURCING_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SOURCING_DB_PATH", str(tmp_path / "store.db"))
    upgrade_database()
    return tmp_path


@pytest.fixture(scope="module")
def merged(tmp_path_factory):
    """ASP (dated by its file name), Marché (dated 2026-10-01 by the buyer) and CRESS (2026-03-15)."""
    root = tmp_path_factory.mktemp("merged")
    env = {"SOURCING_DATA_DIR": str(root / "data"), "SOURCING_DB_PATH": str(root / "store.db")}
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        upgrade_database()
        asp = service.add_source(ASP.read_bytes(), ASP.name, label="Liste SIAE")
        marche = service.add_source(MARCHE.read_bytes(), MARCHE.name, label="Marché", data_date="2026-10-01")
        cress = service.add_source(CRESS.read_bytes(), CRESS.name, label="CRESS", data_date="15/03/2026")
        version = service.current_version()
        directory = service.read_version(version.number)
        prov = service.read_version(version.number, "provenance")
        yield {"env": env, "asp": asp, "marche": marche, "cress": cress, "version": version,
               "directory": directory, "provenance": prov}  # fmt: skip


@pytest.fixture
def in_merged(merged, monkeypatch):
    for key, value in merged["env"].items():
        monkeypatch.setenv(key, value)
    return merged


def _row(directory: pd.DataFrame, supplier_id: str) -> pd.Series:
    rows = directory[directory["id"] == supplier_id]
    assert len(rows) == 1, f"{supplier_id} should be in the directory exactly once, found {len(rows)}"
    return rows.iloc[0]


def test_every_source_keeps_its_row_invariant(merged):
    for key in ("asp", "marche", "cress"):
        source = merged[key]
        assert source.rows_read == source.rows_loaded + source.rows_rejected
        assert source.state == "active"
    assert (merged["asp"].rows_read, merged["asp"].suppliers) == (3932, 3637)


def test_merge_counts_suppliers_in_out_and_merged(merged):
    version = merged["version"]
    sources = {s.id: s for s in version.sources}
    assert version.suppliers_in == sum(s.suppliers for s in sources.values())
    assert version.suppliers_in == version.suppliers_out + version.merged
    assert version.suppliers_out == len(merged["directory"])
    assert merged["directory"]["id"].is_unique
    # The two real lists overlap: most Marché SIAE are in the ASP list.
    assert version.merged > 3000


def test_each_field_of_each_supplier_has_its_source(merged):
    directory, prov = merged["directory"], merged["provenance"]
    assert list(prov["id"]) == list(directory["id"])
    known = {s.id for s in merged["version"].sources}
    for field in ("name", "kinds", "city", "lat", "siret"):
        has_value = directory[field].map(lambda v: len(v) > 0 if isinstance(v, list) else pd.notna(v) and v != "")
        assert prov.loc[has_value.to_numpy(), field].isin(known).all(), field
        assert (prov.loc[~has_value.to_numpy(), field] == NO_SOURCE).all(), field
    assert set(PROVENANCE_FIELDS) <= set(prov.columns)


def test_certifying_list_wins_kinds_even_when_older(merged):
    # CRESS (2026) says EI, the SIAE list (2019, certifying) says ACI: ACI stays; ESUS is added.
    row = _row(merged["directory"], "34356040500023")
    assert "ACI" in row["kinds"] and "EI" not in row["kinds"] and "ESUS" in row["kinds"]


def test_most_recent_source_wins_other_fields_and_location_moves_as_a_block(merged):
    row = _row(merged["directory"], "34356040500023")
    prov = merged["provenance"].set_index("id").loc["34356040500023"]
    cress_id = merged["cress"].id
    # The Marché fixture (2026-10) is newer than CRESS (2026-03) for what it has; CRESS gives the rest.
    assert row["phone"] in ("0478000009", "04 78 00 00 09") or prov["phone"] != cress_id
    assert prov["address"] == prov["lat"] == prov["city"] == prov["postal_code"]


def test_status_kinds_are_united_across_sources(merged):
    row = _row(merged["directory"], "41071771400035")
    assert {"ETTI", "SCOP"} <= set(row["kinds"])


def test_siren_plus_address_joins_the_establishment(merged):
    directory = merged["directory"]
    assert not directory["name"].str.fullmatch("Micronov").any(), "the SIREN-only row must join 41921556100020"
    row = _row(directory, "41921556100020")
    assert "ESUS" in row["kinds"]
    assert "CRESS" in row["source_name"]


def test_a_row_no_other_source_knows_stays_with_its_own_values(merged):
    rows = merged["directory"][merged["directory"]["name"] == "Jardins de la Plaine"]
    assert len(rows) == 1 and rows.iloc[0]["source_name"].startswith("CRESS")


def test_conflicts_name_each_source_with_its_date(in_merged):
    table = provenance.conflicts_table(in_merged["version"], in_merged["directory"])
    kinds = table[(table["Identifiant"] == "34356040500023") & (table["Information"] == "Types de structure")]
    assert len(kinds) == 1
    said = kinds.iloc[0]["Valeurs selon les sources"]
    assert "CRESS 2026-03 : EI" in said and "Liste SIAE 2019-07 : ACI" in said
    address = table[(table["Identifiant"] == "34356040500023") & (table["Information"] == "Adresse")]
    assert "9 rue Nouvelle" in address.iloc[0]["Valeurs selon les sources"]


def test_card_provenance_gives_source_date_and_age(in_merged):
    version, directory = in_merged["version"], in_merged["directory"]
    table = provenance.supplier_provenance(version, _row(directory, "34356040500023"))
    kinds = table[table["Information"] == "Types de structure"].iloc[0]
    # Both lists certify SIAE kinds; the Marché's data is the newer.
    assert (kinds["Source"], kinds["Données du"], kinds["À vérifier"]) == ("Marché", "01/10/2026", "")
    only_asp = directory[directory["source_name"] == "Liste SIAE 2019-07"].iloc[0]
    table = provenance.supplier_provenance(version, only_asp)
    assert set(table["Source"]) == {"Liste SIAE"} and set(table["À vérifier"]) == {"oui"}
    assert set(table["Données du"]) == {"01/07/2019"}


def test_data_date_comes_from_buyer_then_file_then_name_never_today(merged):
    assert (merged["asp"].data_date, merged["asp"].data_date_origin) == ("2019-07-01", dates.ORIGIN_FILENAME)
    assert (merged["marche"].data_date, merged["marche"].data_date_origin) == ("2026-10-01", dates.ORIGIN_BUYER)
    assert merged["cress"].data_date == "2026-03-15"


def test_source_without_any_date_stays_unknown(store_env):
    info = service.add_source(SIAE67.read_bytes(), "siae.csv", label="SIAE 67")
    assert info.data_date is None and info.data_date_origin == dates.ORIGIN_UNKNOWN
    directory = service.read_version(service.current_number())
    assert directory["source_date"].isna().all()


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-03-15", "2026-03-15"), ("15/03/2026", "2026-03-15"), ("1/3/2026", "2026-03-01"), ("", None), (None, None)],
)
def test_buyer_dates(text, expected):
    assert dates.parse_buyer_date(text) == expected


@pytest.mark.parametrize("text", ["2026-13-01", "31/02/2026", "hier", "2099-01-01"])
def test_bad_buyer_dates_are_refused_in_french(text):
    with pytest.raises(dates.DateError, match="Date des données"):
        dates.parse_buyer_date(text)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("2019_07_liste_siae.csv", "2019-07-01"), ("liste-2026-03-15.xlsx", "2026-03-15"), ("export_20240102.csv",
     "2024-01-02"), ("annuaire.csv", None), ("liste_123456.csv", None)],
)  # fmt: skip
def test_date_from_filename(name, expected):
    assert dates.date_from_filename(name) == expected


def test_stale_after_a_year():
    from datetime import date

    today = date(2026, 12, 1)
    assert not dates.is_stale("2025-12-01", today) and dates.is_stale("2025-11-30", today)
    assert dates.is_stale(None, today)


def test_remove_source_rebuilds_without_it(store_env):
    a = service.add_source(SIAE67.read_bytes(), "siae67.csv", label="SIAE 67")
    b = service.add_source(CRESS.read_bytes(), CRESS.name, label="CRESS")
    assert {s.id for s in service.current_version().sources} == {a.id, b.id}
    service.remove_source(a.id)
    version = service.current_version()
    assert [s.id for s in version.sources] == [b.id]
    assert [s.id for s in service.sources()] == [b.id]
    assert len(service.read_version(version.number)) == b.suppliers
    # Its files are gone; the folder keeps only the versions it needs.
    kept = sorted(p.name.split(".", 1)[1] for p in (files.store_dir() / "sources").iterdir())
    assert kept == ["parquet", "raw.parquet", "report.json"]  # one source: suppliers, source rows, report
    with pytest.raises(KeyError, match="Aucune source"):
        service.remove_source(999)


def test_source_rows_are_kept_verbatim_beside_the_source_not_in_the_directory(store_env):
    added = service.add_source(SIAE67.read_bytes(), "siae67.csv", label="SIAE 67")
    directory = service.read_version(service.current_number())
    assert not [c for c in directory.columns if c.startswith("raw:")]
    [raw_file] = (files.store_dir() / "sources").glob("*.raw.parquet")
    raw = files.read_parquet(raw_file)
    assert len(raw) == added.suppliers and "raw:SIRET" in raw.columns
    assert "424 143 089 00037" in set(raw["raw:SIRET"])  # as written in the file, spaces included


def test_same_label_replaces_the_source(store_env):
    service.add_source(SIAE67.read_bytes(), "siae67.csv", label="SIAE 67", data_date="2026-01-01")
    newer = service.add_source(SIAE67.read_bytes(), "siae67-v2.csv", label="SIAE 67", data_date="2026-06-01")
    assert [(s.id, s.data_date) for s in service.sources()] == [(newer.id, "2026-06-01")]
    assert [s.id for s in service.current_version().sources] == [newer.id]


def test_empty_store_has_no_version_and_removing_the_last_source_empties_it(store_env):
    assert service.current_version().is_empty and service.current_number() == 0
    a = service.add_source(SIAE67.read_bytes(), "siae67.csv", label="SIAE 67")
    service.remove_source(a.id)
    assert service.current_version().is_empty


def test_a_bad_file_writes_nothing(store_env):
    from sourcing.importer import ImportFailure

    with pytest.raises(ImportFailure):
        service.add_source(b"Nom;Prenom\nMartin;Claire\n", "contacts.csv")
    assert service.sources() == [] and service.current_number() == 0
    assert not list((files.store_dir() / "sources").iterdir())


def test_families_covered_by_each_source(merged):
    assert merged["asp"].families == ("ess", "insertion")
    assert "handicap" in merged["marche"].families


def test_large_directory_read_back_in_one_chunk_per_column(tmp_path):
    """Parquet read back at several hundred thousand rows comes in several chunks; searching
    columns must still work (pyarrow compute refuses a ChunkedArray as a mask)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    n = 300_000
    table = pa.table({"id": pa.array([f"x{i}" for i in range(n)]), "department": pa.array(["69", "01"] * (n // 2))})
    path = tmp_path / "big.parquet"
    pq.write_table(table, path, row_group_size=50_000)
    assert pq.read_table(path).column("id").num_chunks > 1
    frame = files.read_parquet(path)
    assert len(frame) == n and (frame["department"] == "69").sum() == n // 2


_CHURN = """
import itertools, sys
from pathlib import Path
from sourcing.store import service
siae, cress = Path(sys.argv[1]).read_bytes(), Path(sys.argv[2]).read_bytes()
for i in itertools.count():
    print("start", i, flush=True)
    service.add_source(siae if i % 2 else cress, f"f{i}.csv", label=f"L{i % 3}")
    if i % 4 == 3:
        service.remove_source(service.sources()[0].id)
    print("done", i, flush=True)
"""


def _assert_complete_and_agreeing() -> None:
    store = files.store_dir()
    number = files.current_version(store)
    if number is None:
        return
    manifest = files.read_manifest(store, number)
    directory = service.read_version(number)
    assert len(directory) == manifest["suppliers_out"]
    assert len(service.read_version(number, "provenance")) == manifest["suppliers_out"]
    version = service.sync()
    published = {s.id for s in version.sources}
    assert {s.id for s in service.sources()} == published
    assert all(s.state == "active" for s in service.sources())
    assert len(service.read_version(version.number)) == version.suppliers_out


def test_sigkill_in_the_middle_of_builds_always_leaves_a_complete_version(store_env):
    """A writer killed at random moments (import, merge, publish, catalogue update): every time,
    the current version is complete, and after `sync` the catalogue lists exactly its sources."""
    import os
    import random
    import signal
    import subprocess
    import sys
    import time

    rng = random.Random(20261201)
    env = {**os.environ}
    kills = 0
    for _ in range(10):
        proc = subprocess.Popen([sys.executable, "-c", _CHURN, str(SIAE67), str(CRESS)], cwd=PROJECT_DIR, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)  # fmt: skip
        # Wait for one whole add (imports done), then kill somewhere inside the following ones.
        assert proc.stdout.readline().startswith("start")
        started = time.monotonic()
        assert proc.stdout.readline().startswith("done"), "the writer died before its first add"
        one_add = time.monotonic() - started
        time.sleep(rng.uniform(0.0, 2.0 * one_add))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait()
        _assert_complete_and_agreeing()
    assert kills >= 10
    assert service.current_number() > 0


def test_search_a_directory_of_300000_suppliers_read_back_in_several_chunks(tmp_path, capsys):
    """The crash of a 300,000-row directory read back from Parquet (columns in several chunks,
    refused by pyarrow compute): the CLI search answers, with the count pandas gives."""
    import json

    import pyarrow.parquet as pq

    from sourcing.cli import main
    from sourcing.directory import load_demo

    demo = load_demo()
    copies = -(-300_000 // len(demo))
    big = pd.concat([demo.assign(id=demo["id"] + f"-{i}") for i in range(copies)], ignore_index=True)
    path = tmp_path / "big.parquet"
    big.to_parquet(path, index=False, row_group_size=50_000)
    assert pq.read_table(path, columns=["name"]).column("name").num_chunks > 1
    expected = int(((big["department"] == "69") & big["kinds"].map(lambda ks: "ACI" in ks)).sum())
    assert main(["search", "--directory", str(path), "--department", "69", "--kind", "ACI", "--limit", "0",
                 "--json"]) == 0  # fmt: skip
    assert json.loads(capsys.readouterr().out)["total"] == expected > 0
