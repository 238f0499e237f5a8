"""The data folder lacks files of sources the catalogue (the database) lists, or holds them damaged: a
folder moved without its database, a volume not mounted, a partial backup restored, a failing disk.
Each time the buyer and the administrator are told in French which sources, which files and what is
wrong, the app still opens (on the version in use, or the demo when none is published), nothing is
written, and the directory comes back when the folder does. A lost version with its sources there is
rebuilt from them."""

from __future__ import annotations

import json
import shutil

import pyarrow.parquet as pq
import pytest

from sourcing.cli import EXIT_DATA_FOLDER, main
from sourcing.db import upgrade_database
from sourcing.directory import load_demo
from sourcing.store import faults, files
from sourcing.store import service as store
from tests.helpers import TEST_DATA_DIR, app_test, open_page
from tests.test_app import count_in_headline
from ui import texts as T

SIAE67 = TEST_DATA_DIR / "realdata/les-emplois/siae67.csv"
CRESS = TEST_DATA_DIR / "store/cress-ain-2026-03.csv"
# Markdown and HTML in a label: shown as typed in the page's banner, never as markup.
ODD_LABEL = "CRESS <b>*Ain*</b> [lien](http://x)"
DIRECTORY_PAGE = "ui/pages/annuaire.py"


@pytest.fixture
def two_sources():
    upgrade_database()
    first = store.add_source(SIAE67.read_bytes(), SIAE67.name, label="SIAE 67", data_date="2026-01-01")
    second = store.add_source(CRESS.read_bytes(), CRESS.name, label=ODD_LABEL, data_date="2026-03-01")
    return first, second


def _source_file(uid: str):
    return files.store_dir() / "sources" / f"{uid}.parquet"


def _uids() -> dict[str, str]:
    return {s.label: s.uid for s in store.sources()}


def _store_listing() -> list[str]:
    root = files.store_dir()
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.name != ".lock")


def test_a_lost_data_folder_is_named_in_french_and_nothing_is_written(two_sources):
    uids = _uids()
    shutil.rmtree(files.store_dir())
    with pytest.raises(faults.SourceFilesUnusable) as raised:
        store.sync()
    message = str(raised.value)
    assert message.startswith("Fichiers de source introuvables ou illisibles dans le dossier de données")
    for label, uid in uids.items():  # each source by its label, the file looked for and what is wrong
        assert f"« {label} » ({_source_file(uid)} : introuvable)" in message
    assert raised.value.source_ids == tuple(s.id for s in two_sources)
    assert "Rien n'a été modifié" in message and "SOURCING_DATA_DIR" in message
    assert store.current_number() == 0
    assert _store_listing() == ["sources", "versions"]  # no version, no file written
    assert [s.label for s in store.sources()] == ["SIAE 67", ODD_LABEL]  # the catalogue kept as it was


def test_the_app_opens_on_the_demo_and_says_which_files_are_missing(two_sources):
    uids = _uids()
    shutil.rmtree(files.store_dir())
    at = app_test()
    at.run()
    assert not at.exception
    banners = [e.value for e in at.error]
    assert len(banners) == 1 and "introuvables" in banners[0]
    assert uids["SIAE 67"] in banners[0]
    # The label's markup is escaped: shown as typed, not as bold text or a link.
    assert r"\<b\>\*Ain\*\</b\> \[lien\]\(http://x\)" in banners[0]
    assert count_in_headline(at) == len(load_demo())  # the demo, said as such by the page's own banner
    assert any("démonstration" in i.value for i in at.info)


def test_the_directory_comes_back_with_its_folder(two_sources, tmp_path):
    root, kept = files.store_dir(), tmp_path / "kept"
    shutil.move(root, kept)
    at = app_test()
    at.run()
    assert [e.value for e in at.error] and store.current_number() == 0
    shutil.rmtree(root)  # what the failed attempt left: its lock file, empty folders
    shutil.move(kept, root)
    at.run()
    assert not at.exception and not at.error
    first, second = two_sources
    assert count_in_headline(at) == first.suppliers + second.suppliers


def test_one_missing_file_blocks_a_new_version_not_the_one_in_use(two_sources):
    """The version in use holds its own copy: it stays in service. Adding or removing another source
    needs a new version from every source: refused in French, the catalogue and the folder unchanged;
    removing the source whose file is missing works."""
    first, second = two_sources
    number, suppliers = store.current_number(), len(store.read_version(store.current_number()))
    _source_file(second.uid).unlink()
    assert store.sync().number == number  # nothing to build: the version in use agrees with the catalogue
    before = (_store_listing(), [(s.id, s.state) for s in store.sources()])
    with pytest.raises(faults.SourceFilesUnusable, match="Fichiers de source introuvables ou illisibles"):
        store.add_source(SIAE67.read_bytes(), SIAE67.name, label="SIAE 67 bis", data_date="2026-02-01")
    with pytest.raises(faults.SourceFilesUnusable, match=str(_source_file(second.uid))):
        store.remove_source(first.id)
    assert (_store_listing(), [(s.id, s.state) for s in store.sources()]) == before
    assert len(store.read_version(store.current_number())) == suppliers
    store.remove_source(second.id)
    assert [s.label for s in store.sources()] == ["SIAE 67"]
    assert len(store.read_version(store.current_number())) == first.suppliers


def test_cli_lists_the_sources_then_exits_4_in_french(two_sources, capsys):
    shutil.rmtree(files.store_dir())
    assert main(["directory", "list"]) == EXIT_DATA_FOLDER
    out, err = capsys.readouterr()
    assert "SIAE 67" in out and ODD_LABEL in out  # the administrator sees what to remove
    assert out.count("[fichier introuvable ou illisible]") == 2
    assert err.startswith("Erreur : Fichiers de source introuvables ou illisibles") and "Traceback" not in err
    assert main(["directory", "list", "--json"]) == EXIT_DATA_FOLDER
    listed = json.loads(capsys.readouterr().out)
    assert listed["version"] == 0 and [(s["label"], s["unusable"]) for s in listed["sources"]] == [
        ("SIAE 67", True),
        (ODD_LABEL, True),
    ]
    assert main(["directory", "export", "--out", "x.csv"]) == EXIT_DATA_FOLDER
    assert main(["directory", "remove", str(two_sources[1].id)]) == EXIT_DATA_FOLDER  # the other one is missing too


@pytest.mark.parametrize("output", [[], ["--json"]])
def test_cli_search_on_a_lost_folder_exits_4_never_answering_from_the_demo(two_sources, output, capsys):
    """The whole data folder gone: nothing in it says the team had a directory, the catalogue does. A
    search answering from the demo would give its suppliers as the team's."""
    shutil.rmtree(files.store_dir())
    assert main(["search", "--kind", "ESAT", *output]) == EXIT_DATA_FOLDER
    out, err = capsys.readouterr()
    assert out == ""  # no result printed, not even a count
    assert err.startswith("Erreur : Fichiers de source introuvables ou illisibles") and "Traceback" not in err
    assert "« SIAE 67 »" in err
    assert _store_listing() == ["sources", "versions"]  # nothing written


def test_cli_search_answers_from_the_demo_when_the_catalogue_is_empty(capsys):
    upgrade_database()
    assert main(["search", "--limit", "0", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == len(load_demo())
    first = store.add_source(SIAE67.read_bytes(), SIAE67.name, label="SIAE 67", data_date="2026-01-01")
    store.remove_source(first.id)  # a catalogue whose every source was removed: the demo again
    assert main(["search", "--limit", "0", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == len(load_demo())


def _unusable_section_labels(at) -> list[str]:
    tables = [d.value for d in at.dataframe if T.SOURCES_COLUMNS["label"] in d.value.columns]
    headers = [h.value for h in at.subheader]
    if T.UNUSABLE_SOURCES_HEADER not in headers:
        return []
    return list(tables[0][T.SOURCES_COLUMNS["label"]])  # the section comes first on the page


def test_an_administrator_removes_the_missing_sources_on_the_directory_page(two_sources):
    """The folder cannot be put back: the sources named are listed on page « Annuaire » and removed there,
    together (one at a time, each new version would still lack the other's file); then the banner goes and
    the directory is the sources left (here none: the demo)."""
    shutil.rmtree(files.store_dir())
    at = open_page(DIRECTORY_PAGE)
    assert _unusable_section_labels(at) == ["SIAE 67", ODD_LABEL]
    assert at.button(key="unusable_remove").disabled  # a confirmation first, as for any source
    at.checkbox(key="unusable_confirm").check().run()
    at.button(key="unusable_remove").click().run()
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == [T.UNUSABLE_SOURCES_REMOVED.format(n=2)]
    assert _unusable_section_labels(at) == []
    assert store.sources() == [] and store.current_version().is_empty


def test_removing_one_of_two_missing_sources_is_refused_and_changes_nothing(two_sources):
    first, second = two_sources
    shutil.rmtree(files.store_dir())
    with pytest.raises(faults.SourceFilesUnusable, match="CRESS") as raised:
        store.remove_source(first.id)
    assert raised.value.source_ids == (second.id,)  # the one left to build from
    assert [(s.label, s.state) for s in store.sources()] == [("SIAE 67", "active"), (ODD_LABEL, "active")]


def test_cli_removes_the_missing_sources_together(two_sources, capsys):
    shutil.rmtree(files.store_dir())
    ids = [str(s.id) for s in two_sources]
    assert main(["directory", "remove", *ids]) == 0
    assert f"Sources n° {', '.join(ids)} retirées." in capsys.readouterr().out
    assert main(["directory", "list"]) == 0 and store.sources() == []


def test_no_unusable_section_when_the_folder_is_whole(two_sources):
    at = open_page(DIRECTORY_PAGE)
    assert _unusable_section_labels(at) == [] and not at.error


# --- One source's file damaged: missing, cut short (no footer), or damaged past its footer ---


def _delete(path) -> str:
    path.unlink()
    return "introuvable"


def _cut_short(path) -> str:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return "illisible"


def _damage_pages(path) -> str:
    """Bytes of the first data pages overwritten: the footer still reads, the data does not."""
    data = bytearray(path.read_bytes())
    data[8:3000] = b"Z" * (3000 - 8)
    path.write_bytes(bytes(data))
    assert pq.read_metadata(path).num_rows > 0
    return "illisible"


@pytest.mark.parametrize("damage", [_delete, _cut_short, _damage_pages])
def test_a_damaged_source_is_named_and_an_administrator_removes_it(two_sources, damage):
    first, second = two_sources
    problem = damage(_source_file(second.uid))
    versions = files.store_dir() / "versions"
    shutil.rmtree(versions)  # a version to build at start, as after a partial restore
    versions.mkdir()
    with pytest.raises(faults.SourceFilesUnusable) as raised:
        store.sync()
    assert f"« {ODD_LABEL} » ({_source_file(second.uid)} : {problem})" in str(raised.value)
    assert "SIAE 67" not in str(raised.value) and raised.value.source_ids == (second.id,)
    at = open_page(DIRECTORY_PAGE)
    assert next(e.value for e in at.error).startswith("Fichiers de source introuvables ou illisibles")
    assert _unusable_section_labels(at) == [ODD_LABEL]
    at.checkbox(key="unusable_confirm").check().run()
    at.button(key="unusable_remove").click().run()
    assert not at.exception and not at.error
    assert T.UNUSABLE_SOURCES_REMOVED.format(n=1) in [s.value for s in at.success]
    assert _unusable_section_labels(at) == []
    assert [s.label for s in store.sources()] == ["SIAE 67"]
    assert len(store.read_version(store.current_number())) == first.suppliers


# --- The version in use lost, the sources there: rebuilt from them, by the app and by the CLI alike ---


def _lose_version_folder(root, number):
    shutil.rmtree(root / "versions" / str(number))


def _lose_manifest(root, number):
    (root / "versions" / str(number) / files.MANIFEST).unlink()


def _lose_every_version(root, number):
    shutil.rmtree(root / "versions")
    (root / "versions").mkdir()


def _garble_current(root, number):
    (root / "CURRENT").write_text("version ?")


@pytest.mark.parametrize("lose", [_lose_version_folder, _lose_manifest, _lose_every_version, _garble_current])
@pytest.mark.parametrize("reader", ["app", "cli"])
def test_a_lost_version_is_rebuilt_from_the_sources(two_sources, lose, reader, capsys):
    first, second = two_sources
    root, number = files.store_dir(), store.current_number()
    lose(root, number)
    assert store.current_number() == 0  # no version usable: none, rather than a failing manifest read
    if reader == "app":
        at = app_test()
        at.run()
        assert not at.exception and not at.error
        assert count_in_headline(at) == first.suppliers + second.suppliers
    else:
        assert main(["search", "--limit", "0", "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["total"] == first.suppliers + second.suppliers
    rebuilt = store.current_version()
    assert [s.label for s in rebuilt.sources] == ["SIAE 67", ODD_LABEL]
    assert len(store.read_version(rebuilt.number)) == first.suppliers + second.suppliers


def test_a_failure_is_tried_again_when_the_folder_changes_not_at_every_page(two_sources, monkeypatch):
    """A file damaged past its footer is found only by reading every source (seconds at 1,000,000
    suppliers): the app does not read them again at every page until the folder changes."""
    first, second = two_sources
    path = _source_file(second.uid)
    good = path.read_bytes()
    _damage_pages(path)
    versions = files.store_dir() / "versions"
    shutil.rmtree(versions)
    versions.mkdir()
    calls = []
    real_sync = store.sync
    monkeypatch.setattr(store, "sync", lambda *a, **k: calls.append(1) or real_sync(*a, **k))
    at = app_test()
    at.run()
    at.run()
    assert len(calls) == 1 and "illisible" in at.error[0].value
    path.write_bytes(good)  # the file put back (from a backup)
    at.run()
    assert len(calls) == 2 and not at.error
    assert count_in_headline(at) == first.suppliers + second.suppliers
