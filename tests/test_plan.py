"""Purchasing programme: reading buyers' spreadsheets, analysing every line, views, files, actions."""

from __future__ import annotations

import io
import json
from datetime import date

import openpyxl
import pandas as pd
import pytest

from sourcing.plan import views
from sourcing.plan.analysis import PlanSettings, analyse
from sourcing.plan.exports import SHEETS, plan_summary, plan_xlsx
from sourcing.plan.programme import LABELS, ProgrammeError, read_frame, read_programme
from sourcing.search import SearchIndex
from tests.helpers import TEST_DATA_DIR, docx_text

PLANS = TEST_DATA_DIR / "plans"
XLSX = PLANS / "programme-2027.xlsx"
CSV = PLANS / "programme-2027.csv"
TODAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    from sourcing.directory import load_demo

    return SearchIndex.build(load_demo())


@pytest.fixture(scope="module")
def programme():
    return read_programme(XLSX.read_bytes(), XLSX.name, today=TODAY)


@pytest.fixture(scope="module")
def analysis(programme, index):
    return analyse(programme, index, PlanSettings(near="Villeurbanne"))


def _csv(text: str) -> bytes:
    return text.encode("utf-8")


# --- Reading -------------------------------------------------------------------------------------


def test_realistic_programme_every_row_is_analysed_or_rejected_with_its_line(programme):
    report = programme.report
    assert report.analysed >= 200
    assert report.rows_read == report.analysed + len(report.rejected)
    assert all(isinstance(r["line"], int) and r["reason"] for r in report.rejected)
    reasons = {r["line"]: r["reason"] for r in report.rejected}
    # Excel row numbers: the merged title (1), a blank row, the merged group headers (3), the header (4).
    assert reasons[5].startswith("ligne de titre")  # "Direction des espaces publics"
    assert "montant illisible « à définir »" in reasons[42]
    assert reasons[61] == "objet de l'achat manquant"
    assert reasons[46].startswith("ligne de total")
    assert programme.lines[0].line == 6


def test_header_found_below_merged_title_and_group_rows(programme):
    assert programme.report.columns["need"] == "Objet de l'achat"
    assert programme.report.columns["amount"] == "Montant estimé HT"
    assert programme.report.columns["date"] == "Date prévisionnelle de lancement"
    assert set(programme.report.columns) >= {"cpv", "duration", "nature", "place", "lots", "reference"}


def test_messy_cells_are_read(programme):
    lines = programme.lines
    assert {line.nature for line in lines} == {"services", "fournitures", "travaux"}
    assert any(line.cpv is None for line in lines) and any(line.cpv for line in lines)
    assert any(line.nature_guessed for line in lines)
    assert all(line.amount_eur > 0 and line.duration_months > 0 for line in lines)
    assert all(date(2027, 1, 1) <= line.consultation_date <= date(2027, 12, 31) for line in lines)
    assert any(line.lots == 4 for line in lines)  # « 4 lots »


def test_csv_from_another_tool(index):
    programme = read_programme(CSV.read_bytes(), CSV.name, today=TODAY)
    assert programme.report.rows_read == 40 == programme.report.analysed
    assert programme.report.columns["date"] == "Trimestre"
    assert {line.consultation_date.month for line in programme.lines} <= {1, 4, 7, 10}


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("2;;45 000 €;Services", "objet de l'achat manquant"),
        ("2;Nettoyage;;Services", "montant estimé manquant"),
        (";Entretien des vitres;;", "montant estimé manquant"),
        ("2;Nettoyage;à définir;Services", "montant illisible « à définir »"),
        ("2;Nettoyage;0 €;Services", "montant nul"),
        ("Total;;45 000 €;", "ligne de total"),
        ("Sous-total services;;45 000 €;", "ligne de total"),
        (";TOTAL GÉNÉRAL;45 000 €;", "ligne de total"),
        ("Direction des sports;;;", "ligne de titre"),
    ],
)
def test_each_kind_of_rejected_row(row, reason):
    content = _csv(f"N°;Objet;Montant;Nature\n1;Peinture;10 000 €;Travaux\n{row}\n")
    programme = read_programme(content, "p.csv", TODAY)
    assert programme.report.rows_read == 2 and programme.report.analysed == 1
    assert programme.report.rejected[0]["line"] == 3
    assert programme.report.rejected[0]["reason"].startswith(reason)


@pytest.mark.parametrize(
    ("cells", "warning"),
    [
        ("Nettoyage;10 000 €;1234;;", "code CPV « 1234 » invalide"),
        ("Nettoyage;10 000 €;;bientôt;", "date illisible « bientôt »"),
        ("Nettoyage;10 000 €;;;longtemps", "durée illisible « longtemps »"),
    ],
)
def test_unreadable_optional_cell_is_a_warning_not_a_rejection(cells, warning):
    programme = read_programme(_csv(f"Objet;Montant;CPV;Date;Durée\n{cells}\n"), "p.csv", TODAY)
    assert programme.report.analysed == 1 and not programme.report.rejected
    assert programme.report.warnings[0]["line"] == 2
    assert programme.report.warnings[0]["message"].startswith(warning)
    line = programme.lines[0]
    assert line.cpv is None and line.consultation_date in (TODAY, date(2026, 12, 1)) and line.duration_months > 0


def test_file_without_object_or_amount_column_is_refused_in_french():
    with pytest.raises(ProgrammeError, match="colonne\\(s\\) introuvable\\(s\\) : Montant"):
        read_programme(_csv("Objet;Commentaire\nNettoyage;urgent\n"), "p.csv", TODAY)


def test_grid_is_read_like_a_file():
    grid = pd.DataFrame(
        {
            LABELS["need"]: ["Entretien des espaces verts", "", "Achat de papier"],
            LABELS["amount"]: ["120k€", "", ""],
            LABELS["place"]: ["Lyon", "", ""],
        }
    )
    programme = read_frame(grid, TODAY)
    assert programme.report.rows_read == 2  # the empty row is not a row
    assert programme.report.analysed == 1
    assert programme.report.rejected == [{"line": 3, "reason": "montant estimé manquant"}]
    assert programme.lines[0].amount_eur == 120_000 and programme.lines[0].place == "Lyon"


# --- Analysis ------------------------------------------------------------------------------------


def test_analysis_keeps_the_row_report_adding_up(analysis, programme):
    report = analysis.report
    assert report.rows_read == programme.report.rows_read
    assert report.rows_read == report.analysed + len(report.rejected)
    assert report.analysed == len(analysis.lines) >= 200


def test_every_line_has_levers_articles_and_suppliers_by_family(analysis):
    for line in analysis.lines:
        assert line.report.levers and all(lv.legal_refs for lv in line.report.levers)
        assert set(line.families) == {"handicap", "insertion", "ess"}
        assert len(line.supplier_rows) <= analysis.settings.suppliers_per_line
        assert line.supplier_total >= len(line.supplier_rows)


def test_unknown_place_falls_back_to_the_programme_place_with_a_warning(analysis):
    tous_sites = [a for a in analysis.lines if a.line.place == "Tous sites"]
    assert tous_sites and all(a.place == "Villeurbanne" for a in tous_sites)
    warned = {w["line"] for w in analysis.report.warnings if "« Tous sites » non reconnu" in w["message"]}
    assert warned == {a.line.line for a in tous_sites}


def test_lines_without_place_use_the_programme_place(analysis):
    assert all(a.place == "Villeurbanne" for a in analysis.lines if not a.line.place)


def test_cleaning_near_villeurbanne_can_be_reserved(analysis):
    cleaning = [a for a in analysis.lines if a.line.need.startswith("Nettoyage des écoles")]
    assert cleaning
    for line in cleaning:
        assert line.families["handicap"] > 0
        assert any("réservable" in o for o in line.opportunities)
        assert line.social and line.priority > 0 and line.hours and line.hours > 0


def test_totals_by_lever_add_the_lines_up(analysis):
    levers = views.levers_table(analysis)
    assert len(levers) == len(analysis.lines[0].report.levers)
    clause = levers[levers["Levier"].str.startswith("Clause sociale")].iloc[0]
    applying = [a for a in analysis.lines if any(lv.id == "clause-insertion" and lv.applies for lv in a.report.levers)]
    assert clause["Lignes"] == len(applying)
    assert clause["Montant concerné (€ HT)"] == pytest.approx(sum(a.line.amount_eur for a in applying))
    assert 0 < analysis.social_share <= 1
    assert analysis.social_amount == pytest.approx(sum(a.line.amount_eur for a in analysis.lines if a.social))


def test_priorities_are_ranked_by_weighted_amount(analysis):
    table = views.priorities_table(analysis)
    assert list(table["Rang"]) == list(range(1, len(table) + 1))
    by_line = {a.line.line: a for a in analysis.lines}
    scores = [by_line[line].priority for line in table["Ligne"]]
    assert scores == sorted(scores, reverse=True)


def test_suppliers_to_meet_serve_the_most_lines_first(analysis):
    table = views.suppliers_table(analysis, limit=20)
    assert len(table) == 20
    counts = list(table["Lignes concernées"])
    assert counts == sorted(counts, reverse=True)
    assert counts[0] >= 2


def test_drill_down_of_one_line(analysis):
    line = analysis.lines[0]
    levers = views.line_levers(line)
    assert len(levers) == len(line.report.levers)
    assert list(levers["S'applique"]).index("non") >= sum(lv.applies for lv in line.report.levers)
    suppliers = views.line_suppliers(analysis, line)
    assert len(suppliers) == len(line.supplier_rows) and "siret" in suppliers.columns


def test_unknown_programme_place_is_refused(programme, index):
    from sourcing.advisor import AdviceInputError

    with pytest.raises(AdviceInputError, match="Nulle-Part-sur-Mer"):
        analyse(programme, index, PlanSettings(near="Nulle-Part-sur-Mer"))


# --- Files ---------------------------------------------------------------------------------------


def test_workbook_has_one_sheet_per_view_and_reads_back(analysis):
    book = openpyxl.load_workbook(io.BytesIO(plan_xlsx(analysis)))
    assert book.sheetnames == list(SHEETS)
    lines = book["Lignes"]
    header = [c.value for c in lines[1]]
    assert header[:3] == ["Ligne", "Référence", "Objet"]
    assert lines.max_row == len(analysis.lines) + 1
    amount = header.index(views.AMOUNT)
    assert lines.cell(2, amount + 1).value == analysis.lines[0].line.amount_eur  # a number, not text
    summary = {r[0].value: r[1].value for r in book["Synthèse"].iter_rows(min_row=2)}
    assert summary["Lignes lues"] == analysis.report.rows_read
    report_rows = book["Rapport de lecture"].max_row - 1
    assert report_rows == len(analysis.report.rejected) + len(analysis.report.warnings)


def test_workbook_never_holds_a_formula(index):
    grid = pd.DataFrame({LABELS["need"]: ['=HYPERLINK("http://x","clic")', "@SUM(A1)"], LABELS["amount"]: ["1000"] * 2})
    analysis = analyse(read_frame(grid, TODAY), index, PlanSettings(near="Lyon"))
    book = openpyxl.load_workbook(io.BytesIO(plan_xlsx(analysis)))
    objects = [row[2].value for row in book["Lignes"].iter_rows(min_row=2)]
    assert objects == ['\'=HYPERLINK("http://x","clic")', "'@SUM(A1)"]
    assert all(cell.data_type != "f" for sheet in book for row in sheet.iter_rows() for cell in row)


def test_summary_for_elected_officials(analysis):
    text = docx_text(plan_summary("docx", analysis, buyer="Ville de Villeurbanne", today=TODAY))
    assert "Ville de Villeurbanne — synthèse établie le 01/12/2026" in text
    assert f"{analysis.report.analysed} achats analysés sur {analysis.report.rows_read} lignes lues" in text
    assert "Achats à traiter en priorité" in text and "Structures à rencontrer" in text
    assert "CCP L2113-12" in text
    assert plan_summary("pdf", analysis).startswith(b"%PDF-")


# --- One click: a list and a meeting per line ------------------------------------------------------


def test_prepare_line_creates_a_list_and_a_meeting(db_url, analysis):
    from sourcing.db import service
    from sourcing.db.engine import session_scope
    from sourcing.plan.actions import list_name, prepare_line

    line = next(a for a in analysis.lines if len(a.supplier_rows) >= 3)
    with session_scope(db_url) as session:
        done = prepare_line(session, "alice", analysis, line, today=TODAY)
    assert done.added == len(line.supplier_rows) == done.invited
    assert done.shortlist_name == list_name(line)
    assert done.meeting_start.date() >= date(2026, 12, 8) and done.meeting_start.weekday() < 5
    assert done.meeting_start.date() < line.line.consultation_date or line.line.consultation_date < date(2027, 2, 2)
    with session_scope(db_url) as session:
        again = prepare_line(session, "alice", analysis, line, today=TODAY)  # same list, nothing added twice
        assert again.shortlist_id == done.shortlist_id and again.added == 0
        assert len(service.list_meetings(session, "alice")) == 2
        assert len(service.entries(session, "alice", done.shortlist_id)) == len(line.supplier_rows)


# --- Command line --------------------------------------------------------------------------------


def test_cli_plan_json_and_files(tmp_path, capsys):
    from sourcing.cli import main

    xlsx, pdf = tmp_path / "plan.xlsx", tmp_path / "synthese.pdf"
    code = main(["plan", str(XLSX), "--near", "Villeurbanne", "--json", "--xlsx", str(xlsx), "--summary", str(pdf)])
    assert code == 0
    payload = json.loads(capsys.readouterr().out)
    report = payload["report"]
    assert report["rows_read"] == report["analysed"] + report["rejected"]
    assert len(payload["lines"]) == report["analysed"]
    assert payload["priorities"][0]["Rang"] == 1
    assert openpyxl.load_workbook(xlsx).sheetnames == list(SHEETS)
    assert pdf.read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["plan", "absent.xlsx"], "fichier introuvable"),
        (["plan", str(CSV), "--near", "Nulle-Part-sur-Mer"], "Nulle-Part-sur-Mer"),
        (["plan", str(CSV), "--summary", "x.txt"], "extension"),
        (["plan", str(CSV), "--buyer", "roi"], "valeur non permise"),
    ],
)
def test_cli_plan_bad_input_exits_2_in_french(args, message, capsys):
    from sourcing.cli import main

    assert main(args) == 2
    assert message in capsys.readouterr().err
