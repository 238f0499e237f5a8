"""The command line: JSON contracts, exit codes and French errors without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from sourcing.cli import main
from sourcing.directory import load_parquet
from sourcing.raw_rows import read_raw
from tests.helpers import PROJECT_DIR


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sourcing", *args], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=300
    )


def test_import_json_report_keys(realdata, tmp_path):
    out = tmp_path / "annuaire.parquet"
    proc = run_cli("import", str(realdata / "les-emplois/siae67.csv"), "--out", str(out), "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    for key in ("format", "encoding", "delimiter", "rows_read", "rows_loaded", "rows_rejected",
                "rejected", "warnings", "geocoded"):  # fmt: skip
        assert key in report
    assert report["format"] == "siae-regional"
    assert report["encoding"] == "utf-8-sig" and report["delimiter"] == ";"
    assert report["rows_read"] == report["rows_loaded"] + report["rows_rejected"] == 65
    assert set(report["geocoded"]) == {"address", "commune", "postal_code", "department", "none"}
    assert all({"line", "field", "code", "message"} <= set(w) for w in report["warnings"])
    assert out.exists() and out.read_bytes()[:4] == b"PAR1"
    # The source rows verbatim beside the directory, not in it: read only when asked.
    directory, raw = load_parquet(out), read_raw(out)
    assert not [c for c in directory.columns if c.startswith("raw:")]
    assert len(raw) == len(directory) == report["suppliers"]
    assert set(raw["raw:SIRET"].str.replace(" ", "")) >= set(directory["siret"].dropna())


def test_search_on_imported_parquet_sorted_by_distance(realdata, tmp_path, capsys):
    out = tmp_path / "siae.parquet"
    assert main(["import", str(realdata / "les-emplois/2019_07_liste_siae.csv"), "--out", str(out), "--json"]) == 0
    capsys.readouterr()
    code = main(["search", "--directory", str(out), "--near", "Strasbourg", "--radius-km", "30",
                 "--kind", "ACI", "--limit", "500", "--json"])  # fmt: skip
    assert code == 0
    payload = json.loads(capsys.readouterr().out)
    results = payload["results"]
    assert payload["total"] == len(results) > 0
    distances = [r["distance_km"] for r in results]
    assert distances == sorted(distances) and max(distances) <= 30
    assert all("ACI" in r["kinds"] for r in results)
    assert all(r["department"] in {"67", "68"} or r["distance_km"] <= 30 for r in results)
    expected = {"siret", "name", "kinds", "sectors", "naf", "postal_code", "city", "insee_code",
                "department", "region", "lat", "lon", "geo_precision", "distance_km"}  # fmt: skip
    assert set(results[0]) == expected


def test_search_department_filter(realdata, tmp_path, capsys):
    out = tmp_path / "siae.parquet"
    main(["import", str(realdata / "les-emplois/2019_07_liste_siae.csv"), "--out", str(out)])
    capsys.readouterr()
    assert main(["search", "--directory", str(out), "--department", "59", "--limit", "0", "--json"]) == 0
    total = json.loads(capsys.readouterr().out)["total"]
    assert main(["search", "--directory", str(out), "--department", "59", "--limit", "10000", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["results"]
    assert len(rows) == total > 50
    assert {r["department"] for r in rows} == {"59"}


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["import", "/nonexistent/file.csv", "--json"], "introuvable"),
        (["search", "--near", "Saint-Denis", "--json"], "Saint-Denis"),  # ambiguous: candidates listed
        (["search", "--near", "Zzyzxville", "--json"], "Zzyzxville"),
        (["search", "--kind", "LICORNE", "--json"], "LICORNE"),
        (["search", "--radius-km", "10", "--json"], "--near"),
        (["frobnicate"], "valeur non permise"),
        (["import"], "obligatoires"),
    ],
)
def test_bad_usage_exits_2_with_french_message(args, fragment):
    proc = run_cli(*args)
    assert proc.returncode == 2
    assert fragment in proc.stderr
    assert proc.stderr.startswith("Erreur")
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_unrecognised_file_exits_2(tmp_path):
    junk = tmp_path / "notes.csv"
    junk.write_text("a;b\n1;2\n", encoding="utf-8")
    proc = run_cli("import", str(junk), "--json")
    assert proc.returncode == 2
    assert "Format non reconnu" in proc.stderr and "notes.csv" in proc.stderr
