"""Faults that really happen on a server: the data folder fills up or turns read-only. Each time a
buyer gets a clear French message, no half-written directory version or source is left, and
nothing already saved (the directory in use, the catalogue, the lists) is lost.

The folder is a small tmpfs the test mounts (as root, as `make test` runs in CI): writes really fail
with ENOSPC or EROFS, no mock."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from sourcing.cli import EXIT_DATA_FOLDER, main
from sourcing.db import service, session_scope, upgrade_database
from sourcing.directory import load_demo
from sourcing.store import faults, files
from sourcing.store import service as store
from tests.helpers import TEST_DATA_DIR, app_test
from tests.test_app import count_in_headline

SIAE67 = TEST_DATA_DIR / "realdata/les-emplois/siae67.csv"
ASP = TEST_DATA_DIR / "realdata/les-emplois/2019_07_liste_siae.csv"


@pytest.fixture
def small_disk(tmp_path, monkeypatch):
    """A 1 MB tmpfs as the data folder (the database stays on the normal disk)."""
    if os.geteuid() != 0:
        pytest.fail("the fault tests mount a tmpfs: run them as root (as `make test` does in CI)")
    mount = tmp_path / "mnt"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], check=True)
    monkeypatch.setenv("SOURCING_DATA_DIR", str(mount))
    upgrade_database()
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def _snapshot(mount) -> tuple:
    """What a buyer relies on: the version in use and its rows, the catalogue."""
    number = store.current_number()
    rows = len(store.read_version(number)) if number else 0
    return number, rows, [(s.id, s.label, s.state) for s in store.sources()]


def _no_half_written(mount) -> None:
    root = mount / "store"
    assert not [p for p in (root / "versions").iterdir() if p.name.startswith(".tmp-")]
    numbers = {int(p.name) for p in (root / "versions").iterdir() if p.name.isdigit()}
    assert max(numbers) == store.current_number()  # no version beyond the one in use
    on_disk = {p.name.split(".")[0] for p in (root / "sources").iterdir()}
    assert on_disk == {s.uid for s in store.sources()}  # no orphan source file


def test_full_disk_refuses_a_source_in_french_and_loses_nothing(small_disk):
    store.add_source(SIAE67.read_bytes(), SIAE67.name, label="SIAE 67", data_date="2026-01-01")
    with session_scope() as s:
        sid = service.create_shortlist(s, "local", "Espaces verts").id
    before = _snapshot(small_disk)
    with pytest.raises(
        faults.StoreWriteError, match=r"Impossible d'écrire .* le disque est plein.*Rien n'a été modifié"
    ):
        store.add_source(ASP.read_bytes(), ASP.name, label="Liste SIAE nationale", data_date="2019-07-01")
    assert _snapshot(small_disk) == before
    _no_half_written(small_disk)
    with session_scope() as s:
        assert service.get_shortlist(s, "local", sid).name == "Espaces verts"
    # Replacing the same label on a full disk: the old source stays in use, not "removing".
    with pytest.raises(faults.StoreWriteError):
        store.add_source(ASP.read_bytes(), ASP.name, label="SIAE 67", data_date="2019-07-01")
    assert _snapshot(small_disk) == before
    _no_half_written(small_disk)


def test_cli_add_on_a_full_disk_exits_4_in_french_and_loses_nothing(small_disk, capsys):
    store.add_source(SIAE67.read_bytes(), SIAE67.name, label="SIAE 67", data_date="2026-01-01")
    before = _snapshot(small_disk)
    args = ["directory", "add", str(ASP), "--label", "Liste SIAE nationale", "--date", "2019-07-01"]
    assert main(args) == EXIT_DATA_FOLDER
    err = capsys.readouterr().err  # the progress lines, then the error
    last = err.strip().splitlines()[-1]
    assert last.startswith("Erreur : Impossible d'écrire") and "le disque est plein" in last
    assert "Traceback" not in err
    assert _snapshot(small_disk) == before
    _no_half_written(small_disk)


def test_a_file_replaced_on_a_full_disk_keeps_its_old_content_and_leaves_nothing_beside(small_disk):
    """Every file the store replaces (reports, manifests, CURRENT) goes through `atomic_write_bytes`:
    where the disk fills during a write, whichever write that is, the old content stays and no part of
    the new one is left behind (one was, and a later listing took it for an orphan source)."""
    target = small_disk / "report.json"
    files.atomic_write_bytes(target, b'{"old": true}')
    with pytest.raises(OSError):
        files.atomic_write_bytes(target, b"x" * 2_000_000)  # more than the 1 MB disk holds
    assert target.read_bytes() == b'{"old": true}'
    assert sorted(p.name for p in small_disk.iterdir()) == ["report.json"]


def test_a_search_index_that_does_not_fit_leaves_nothing_on_the_disk(small_disk):
    """A saved search index is the largest file a version adds: when it does not fit, the save fails
    and no part of it stays (a next process builds it again, or the version is refused)."""
    from sourcing.directory import load_demo
    from sourcing.search import SearchIndex, stored

    with pytest.raises(OSError):
        stored.save(SearchIndex.build(load_demo()), small_disk / "cache" / stored.INDEX_FOLDER)
    assert [p.name for p in small_disk.rglob("*")] == ["cache"]


def test_read_only_folder_refuses_add_and_remove_in_french_and_loses_nothing(small_disk):
    source = store.add_source(SIAE67.read_bytes(), SIAE67.name, label="SIAE 67", data_date="2026-01-01")
    before = _snapshot(small_disk)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    try:
        with pytest.raises(faults.StoreWriteError, match="lecture seule"):
            store.add_source(SIAE67.read_bytes(), "autre.csv", label="Autre", data_date="2026-01-01")
        with pytest.raises(faults.StoreWriteError, match="lecture seule"):
            store.remove_source(source.id)
        assert _snapshot(small_disk) == before  # still searched, still catalogued as active
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    store.remove_source(source.id)  # writable again: the same action now works
    assert store.sources() == []


def test_a_new_read_only_data_folder_opens_on_the_demo_and_refuses_a_source_in_french(small_disk, capsys):
    """A data folder mounted read-only before the app ever wrote to it: the pages and the CLI search the
    demo (said as such), adding a source says why it cannot."""
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    try:
        at = app_test()
        at.run()
        assert not at.exception and count_in_headline(at) == len(load_demo())
        assert main(["search", "--limit", "0", "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["total"] == len(load_demo())
        with pytest.raises(faults.StoreWriteError, match="lecture seule"):
            store.add_source(SIAE67.read_bytes(), SIAE67.name, label="SIAE 67", data_date="2026-01-01")
        assert store.sources() == []
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)


@pytest.mark.parametrize(
    ("code", "reason"),
    [(28, "disque est plein"), (30, "lecture seule"), (13, "accès en écriture est refusé"), (122, "quota")],
)
def test_every_refused_write_is_named_in_french(code, reason, tmp_path):
    message = str(faults.write_error(OSError(code, os.strerror(code)), tmp_path))
    assert reason in message and str(tmp_path) in message


def test_a_list_survives_a_full_data_folder(small_disk):
    """Lists live in the database: a full data folder never touches them."""
    with session_scope() as s:
        sid = service.create_shortlist(s, "local", "Restauration").id
    filler = small_disk / "filler"
    with pytest.raises(OSError), open(filler, "wb") as fh:
        fh.write(b"\0" * 2_000_000)
    with session_scope() as s:
        service.rename_shortlist(s, "local", sid, "Restauration 2027")
    with session_scope() as s:
        assert service.get_shortlist(s, "local", sid).name == "Restauration 2027"
    assert files.data_dir() == small_disk
