"""`python -m sourcing directory ...`: the same store as the app, from the command line."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from sourcing.cli import main
from tests.test_store import CRESS, SIAE67


def _json(capsys) -> dict:
    return json.loads(capsys.readouterr().out)


def test_add_list_conflicts_export_remove(tmp_path, capsys):
    assert main(["directory", "add", str(SIAE67), "--label", "SIAE 67", "--date", "2026-02-01", "--json"]) == 0
    first = _json(capsys)
    assert (first["label"], first["data_date"], first["rows_read"]) == ("SIAE 67", "2026-02-01", 65)
    assert main(["directory", "add", str(CRESS), "--label", "CRESS", "--json"]) == 0
    second = _json(capsys)
    assert main(["directory", "list", "--json"]) == 0
    listed = _json(capsys)
    assert [s["id"] for s in listed["sources"]] == [first["id"], second["id"]]
    assert listed["suppliers"] == first["suppliers"] + second["suppliers"]  # no overlap between these two
    assert main(["directory", "conflicts", "--json"]) == 0
    assert _json(capsys)["conflicts"] == []
    out = tmp_path / "annuaire.xlsx"
    assert main(["directory", "export", "--out", str(out)]) == 0
    exported = pd.read_excel(out, dtype=str)
    assert len(exported) == listed["suppliers"] and "SIRET" in exported.columns
    capsys.readouterr()
    assert main(["directory", "remove", str(first["id"])]) == 0
    assert f"Source n° {first['id']} retirée" in capsys.readouterr().out
    assert main(["directory", "list", "--json"]) == 0
    assert [s["id"] for s in _json(capsys)["sources"]] == [second["id"]]


def test_search_reads_the_store_once_it_has_a_source(capsys):
    assert main(["search", "--json", "--limit", "0"]) == 0
    demo_total = _json(capsys)["total"]
    assert main(["directory", "add", str(CRESS), "--label", "CRESS"]) == 0
    capsys.readouterr()
    assert main(["search", "--json", "--limit", "0"]) == 0
    assert _json(capsys)["total"] == 4 != demo_total


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["directory", "add", "absent.csv"], "fichier introuvable"),
        (["directory", "add", str(SIAE67), "--date", "31/02/2026"], "Date des données"),
        (["directory", "remove", "42"], "Aucune source n° 42"),
        (["directory", "export", "--out", "x.csv"], "aucune source"),
    ],
)
def test_bad_input_exits_2_with_a_french_message(args, message, capsys):
    assert main(args) == 2
    assert message in capsys.readouterr().err


def test_unreadable_file_exits_2_and_writes_nothing(tmp_path, capsys):
    bad = tmp_path / "contacts.csv"
    bad.write_text("Nom;Prenom\nMartin;Claire\n")
    assert main(["directory", "add", str(bad)]) == 2
    assert "Format non reconnu" in capsys.readouterr().err
    assert main(["directory", "list", "--json"]) == 0
    assert _json(capsys)["sources"] == []
