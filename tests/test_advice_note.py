"""The note d'opportunité: a DOCX that carries the inputs, every lever, counts, hours and thresholds."""

from __future__ import annotations

import io
from datetime import date

import docx
import pytest

from sourcing.advisor import Purchase, advise
from sourcing.advisor.note import DEMO_SOURCE, note_docx
from tests.helpers import docx_text


@pytest.fixture(scope="module")
def green_spaces():
    purchase = Purchase(
        "Entretien des espaces verts",
        "services",
        300_000,
        36,
        place="Lyon",
        radius_km=30,
        consultation_date=date(2026, 9, 1),
        lots=2,
    )
    return purchase, advise(purchase)


@pytest.fixture(scope="module")
def green_note(green_spaces) -> str:
    purchase, report = green_spaces
    return docx_text(note_docx(purchase, report, directory_label=DEMO_SOURCE, generated_on=date(2026, 8, 15)))


def test_note_is_a_docx_with_title_and_dates(green_note):
    assert "Note d'opportunité" in green_note
    assert "15/08/2026" in green_note  # generated on
    assert "01/09/2026" in green_note  # consultation date


def test_note_lists_the_inputs(green_note):
    for expected in ("Entretien des espaces verts", "Services", "300\u202f000 €", "36 mois", "Commune", "Lyon"):
        assert expected in green_note
    assert "rayon de 30 km" in green_note
    assert "Espaces verts" in green_note or "espaces verts" in green_note.lower()


def test_note_has_every_lever_and_the_applicable_clauses(green_spaces, green_note):
    _, report = green_spaces
    assert len(report.levers) == 11
    for lever in report.levers:
        assert lever.title in green_note
        for ref in lever.legal_refs:
            assert ref in green_note
    for lever in (lv for lv in report.levers if lv.applies and lv.sample_clause):
        # The first line of each clause is written as is.
        assert lever.sample_clause.splitlines()[0] in green_note


def test_note_gives_supplier_counts_and_viability(green_spaces, green_note):
    _, report = green_spaces
    handicap = report.lever("reserve-handicap")
    assert handicap.applies and handicap.eligible_suppliers["handicap"] > 0
    assert f"handicap (EA, EATT, ESAT) : {handicap.eligible_suppliers['handicap']}" in green_note
    assert handicap.viability["message"] in green_note


def test_note_gives_insertion_hours_with_sources(green_spaces, green_note):
    _, report = green_spaces
    hours = report.insertion_hours
    assert hours is not None
    assert f"≈ {round(hours.hours):,} heures".replace(",", "\u202f") in green_note
    assert "65 %" in green_note and "5 %" in green_note
    for source in hours.sources.values():
        assert source in green_note


def test_note_lists_thresholds_and_warns_about_rules_to_confirm(green_spaces, green_note):
    _, report = green_spaces
    for row in report.thresholds.values():
        assert row["reference"] in green_note
    assert "à confirmer" in green_note
    assert "Légifrance" in green_note
    assert DEMO_SOURCE in green_note


def test_untrusted_text_stays_plaindocx_text():
    """Markup and control characters in the buyer's text neither break the file nor become fields."""
    need = 'Tonte <w:fldSimple w:instr="HYPERLINK x"/> {{ DATE }} \x07\x0b & « fin »'
    purchase = Purchase(need, "fournitures", 10_000, 6, consultation_date=date(2026, 9, 1))
    data = note_docx(
        purchase, advise(purchase), directory_label="Annuaire <b>CRESS</b>\x00", generated_on=date(2026, 9, 1)
    )
    text = docx_text(data)
    assert 'Tonte <w:fldSimple w:instr="HYPERLINK x"/> {{ DATE }}  & « fin »' in text
    assert "Annuaire <b>CRESS</b>" in text
    assert "pas d'heures d'insertion" in text  # pure supplies
    document_xml = docx.Document(io.BytesIO(data)).element.xml
    assert "fldSimple w:instr" not in document_xml.replace("&lt;w:fldSimple", "")


def test_note_carries_the_cautions_and_the_new_inputs():
    purchase = Purchase(
        "Nettoyage des locaux",
        "travaux",
        300_000,
        60,
        buyer_type="etablissement-public",
        cpv=("90910000",),
        consultation_date=date(2028, 3, 1),
        framework=True,
    )
    report = advise(purchase)
    text = docx_text(note_docx(purchase, report, directory_label=DEMO_SOURCE, generated_on=date(2028, 2, 1)))
    assert "Points de vigilance" in text
    for caution in report.cautions:
        assert caution.message in text
    for expected in ("seuils 2026-2027 appliqués, à vérifier", "L1111-2 à L1111-4", "R2121-8", "R2162-4",
                     "oui (le montant est son maximum)", "non précisé (seuil le plus bas appliqué)",
                     "Nettoyage de locaux"):  # fmt: skip
        assert expected in text, expected


def test_note_without_cautions_has_no_such_section(green_note):
    assert "Points de vigilance" not in green_note
