"""The annual report from a buyer's notified contracts: row report, shares by year and family, SPASER workbook."""

from __future__ import annotations

import io

import openpyxl
import pytest

from sourcing.plan import contracts
from sourcing.plan.programme import ProgrammeError
from tests.helpers import TEST_DATA_DIR

FILE = TEST_DATA_DIR / "plans" / "contrats-2024-2026.xlsx"
HEADER = "Objet;Montant HT;Date de notification;CPV;Clause sociale;Critère social;Marché réservé;Heures d'insertion\n"


def _read(rows: str) -> contracts.Contracts:
    return contracts.read_contracts((HEADER + rows).encode("utf-8"), "marches.csv")


@pytest.fixture(scope="module")
def found() -> contracts.Contracts:
    return contracts.read_contracts(FILE.read_bytes(), FILE.name)


def test_every_row_is_counted_or_rejected_with_its_line(found):
    report = found.report
    # 147 contracts, 3 × 2 unfinished rows, 1 total row.
    assert report.rows_read == report.analysed + len(report.rejected) == 154
    reasons = {r["line"]: r["reason"] for r in report.rejected}
    assert reasons[51] == "montant estimé manquant"
    assert reasons[52] == "clause sociale : « à vérifier » : oui ou non attendu"
    assert reasons[155].startswith("ligne de total")


def test_shares_by_year_are_those_of_the_rows():
    table = contracts.by_year(
        _read(
            "Nettoyage;100 000 €;15/03/2025;90911200;Oui;Non;Non;500\n"
            "Papier;50 000 €;2025-06-01;30197600;Non;Oui;Non;\n"
            "Repas;50 000 €;01/09/2025;55524000;Non;Non;Non;\n"
            "Espaces verts;200 000 €;2026-01-10;77310000;Oui;Oui;Oui;1 200\n"
        )
    )
    y2025, y2026 = table.to_dict("records")
    assert (y2025["Année"], y2025["Marchés"], y2025["Montant (€ HT)"]) == (2025, 3, 200_000)
    assert y2025["Part des marchés : clause sociale (%)"] == pytest.approx(33.3)
    assert y2025["Part du montant : clause sociale (%)"] == 50.0
    assert y2025["Part du montant : critère social (%)"] == 25.0
    assert y2025["Part des marchés : au moins une considération sociale (%)"] == pytest.approx(66.7)
    assert y2025["Part du montant : au moins une considération sociale (%)"] == 75.0
    assert y2025["Heures d'insertion prévues"] == 500
    assert y2026["Part du montant : réservé (%)"] == 100.0 and y2026["Heures d'insertion prévues"] == 1200


def test_family_from_cpv_else_object():
    found = _read(
        "Entretien;10 000 €;2025;77310000;Non;Non;Non;\n"
        "Nettoyage des bureaux;10 000 €;2025;;Non;Non;Non;\n"
        "Objet sans famille connue;10 000 €;2025;;Non;Non;Non;\n"
    )
    families = list(found.frame["family"])
    assert "espaces verts" in families[0].lower()
    assert "nettoyage" in families[1].lower()
    assert families[2] == contracts.OTHER_FAMILY
    assert len(contracts.by_family(found)) == 3


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (";10 000 €;2025;;Non;Non;Non;", "objet du marché manquant"),
        ("Nettoyage;;2025;;Non;Non;Non;", "montant estimé manquant"),
        ("Nettoyage;10 000 €;;;Non;Non;Non;", "date illisible"),
        ("Nettoyage;10 000 €;demain;;Non;Non;Non;", "date illisible « demain »"),
        ("Nettoyage;10 000 €;2025;;peut-être;Non;Non;", "clause sociale : « peut-être »"),
        ("Nettoyage;10 000 €;2025;;Non;?;Non;", "critère social : « ? »"),
        ("Nettoyage;10 000 €;2025;;Non;Non;bof;", "réservé : « bof »"),
        ("Nettoyage;10 000 €;2025;;Oui;Non;Non;beaucoup", "heures d'insertion illisibles « beaucoup »"),
        ("Sous-total 2025;10 000 €;2025;;;;;", "ligne de total"),
    ],
)
def test_each_kind_of_rejected_contract(row, reason):
    found = _read("Papier;1 000 €;2025;;Non;Non;Non;\n" + row + "\n")
    assert found.report.rows_read == 2 and found.report.analysed == 1
    assert found.report.rejected[0]["line"] == 3
    assert found.report.rejected[0]["reason"].startswith(reason)


def test_file_without_amount_or_date_is_refused_in_french():
    with pytest.raises(ProgrammeError, match="Montant, Date"):
        contracts.read_contracts(b"Objet;Commentaire\nNettoyage;ok\n", "x.csv")


def test_spaser_workbook_reads_back(found):
    book = openpyxl.load_workbook(io.BytesIO(contracts.report_xlsx(found)))
    assert book.sheetnames == list(contracts.SPASER_SHEETS)
    sheet = book["Indicateurs SPASER"]
    assert [c.value for c in sheet[1]] == ["Indicateur", "2024", "2025", "2026"]
    rows = {r[0].value: [c.value for c in r[1:]] for r in sheet.iter_rows(min_row=2)}
    assert sum(rows["Marchés"]) == found.report.analysed
    assert all(0 <= v <= 100 for v in rows["Part du montant : clause sociale (%)"])
    assert book["Marchés"].max_row == found.report.analysed + 1
    assert book["Rapport de lecture"].max_row == len(found.report.rejected) + 1


def test_workbook_neutralises_formulas():
    found = _read('=HYPERLINK("http://x");1 000 €;2025;;Non;Non;Non;\n')
    book = openpyxl.load_workbook(io.BytesIO(contracts.report_xlsx(found)))
    assert book["Marchés"]["B2"].value == '\'=HYPERLINK("http://x")'
