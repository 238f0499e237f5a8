"""The normaliser's rules, one behaviour at a time, through the real importer."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sourcing.importer import import_bytes
from tests.helpers import SIRET_BAD_CHECKSUM, VALID_SIRETS

HEADER = "Raison sociale;SIRET;Type de structure;Forme juridique;Code NAF;Code postal;Commune;Latitude;Longitude"


def load(*rows: str, header: str = HEADER):
    content = (header + "\n" + "\n".join(rows) + "\n").encode("utf-8")
    return import_bytes(content, "annuaire.csv", format_name="cress")


def warnings_of(result, code):
    return [w for w in result.report.warnings if w["code"] == code]


def test_row_without_name_nor_siret_is_rejected_with_its_line():
    result = load("Atelier A;41071771400035;EI;;;01500;Ambérieu-en-Bugey;;", ";;ACI;;;59000;Lille;;")
    assert result.report.rows_read == 2
    assert result.report.rows_loaded == 1
    assert result.report.rejected == [{"line": 3, "reason": "ni nom ni SIRET"}]


def test_duplicate_siret_merged_kinds_united_and_reported_with_both_lines():
    result = load(
        "Atelier A;41071771400035;ACI;Association déclarée;;01500;Ambérieu-en-Bugey;;",
        "Atelier B;36227586900018;EA;;;69001;Lyon;;",
        "Atelier A;410 717 714 00035;EI;;;01500;Ambérieu-en-Bugey;;",
    )
    report = result.report
    assert (report.rows_read, report.rows_loaded, report.suppliers, report.duplicates) == (3, 3, 2, 1)
    [dup] = warnings_of(result, "duplicate")
    assert dup["line"] == 4 and "ligne 2" in dup["message"]
    merged = result.directory.set_index("siret").loc["41071771400035"]
    assert merged["kinds"] == ["EI", "ACI", "ASSOCIATION"]


def test_invalid_siret_kept_as_supplier_with_a_warning_naming_line_and_field():
    result = load("Atelier A;41071771400036;EI;;;01500;Ambérieu-en-Bugey;;")
    [w] = warnings_of(result, "siret_checksum")
    assert w["line"] == 2 and w["field"] == "siret" and "41071771400036" in w["message"]
    assert result.directory["siret"].isna().all() and len(result.directory) == 1


def test_decimal_commas_and_swapped_coordinates():
    result = load(
        "A;41071771400035;EI;;;59000;Lille;50,6292;3,0573",
        "B;36227586900018;EA;;;59000;Lille;3.0573;50.6292",
    )
    d = result.directory
    assert d["geo_precision"].tolist() == ["address", "address"]
    assert math.isclose(d["lat"].iloc[0], 50.6292) and math.isclose(d["lat"].iloc[1], 50.6292)
    assert [w["line"] for w in warnings_of(result, "coords_swapped")] == [3]


def test_coordinates_outside_france_fall_back_to_the_commune():
    result = load("A;41071771400035;EI;;;59000;Lille;0;0")
    assert result.directory["geo_precision"].iloc[0] == "commune"
    assert warnings_of(result, "coords_outside")[0]["line"] == 2


def test_overseas_coordinates_are_kept():
    result = load("A;41071771400035;ACI;;;97200;Fort-de-France;14.6104;-61.0733")
    assert result.directory["geo_precision"].iloc[0] == "address"
    assert result.directory["department"].iloc[0] == "972"


def test_lost_leading_zeros_in_postal_code_and_siret():
    result = load("A;1234567890128;EI;;;1500;AMBERIEU EN BUGEY;;")
    d = result.directory.iloc[0]
    assert d["siret"] == "01234567890128"
    assert d["postal_code"] == "01500" and d["department"] == "01" and d["geo_precision"] == "commune"


def test_kinds_from_legal_form_and_naf_to_sectors():
    result = load("A;41071771400035;;SARL coopérative ouvrière de production (SCOP);8130Z;59000;Lille;;")
    d = result.directory.iloc[0]
    assert d["kinds"] == ["SCOP"]
    assert d["naf"] == "81.30Z"
    assert len(d["sectors"]) >= 1


def test_unknown_kind_text_is_warned():
    result = load("A;41071771400035;Licorne;;;59000;Lille;;")
    [w] = warnings_of(result, "kind_unknown")
    assert w["field"] == "kind" and "Licorne" in w["message"]


@pytest.mark.parametrize(
    ("area", "radius", "departments", "regions", "national"),
    [
        ("30 km", 30.0, [], [], False),
        ("national", None, [], [], True),
        ("France entière", None, [], [], True),
        ("59, 62", None, ["59", "62"], [], False),
        ("Hauts-de-France", None, [], ["32"], False),
        ("Bretagne", None, [], ["53"], False),  # also two communes' name: an area means the région
        ("Nord et Pas-de-Calais", None, ["59", "62"], [], False),
    ],
)
def test_intervention_area(area, radius, departments, regions, national):
    result = load(f"A;41071771400035;EI;;;59000;Lille;;;{area}", header=HEADER + ";Zone d'intervention")
    d = result.directory.iloc[0]
    assert (d["area_radius_km"] == radius) if radius else math.isnan(d["area_radius_km"])
    assert list(d["area_departments"]) == departments
    assert list(d["area_regions"]) == regions
    assert bool(d["area_national"]) is national


def test_raw_columns_kept_verbatim_for_traceability():
    result = load("A;410 717 714 00035;EI;;;1500;AMBERIEU EN BUGEY;;")
    d = result.directory.iloc[0]
    raw = result.raw.frame().iloc[0]
    assert raw["raw:SIRET"] == "410 717 714 00035"
    assert raw["raw:Code postal"] == "1500"
    assert d["source_line"] == 2
    assert not [c for c in result.directory.columns if c.startswith("raw:")]  # kept apart, not searched


def test_raw_rows_follow_rejections_and_merged_duplicates():
    """Row i of the raw rows is the source row of supplier i, whatever was rejected or merged before it."""
    result = load(
        ";41071771400035;EI;;;59000;Lille;;",  # no name: rejected
        "A;41071771400035;EI;;;59000;Lille;;",
        "B;36227586900018;EA;;;62300;Lens;;",
        "A bis;41071771400035;ACI;;;59000;;;",  # duplicate of A: merged
        "C;;ESAT;;;67000;Strasbourg;;",
    )
    raw = result.raw.frame()
    assert list(raw["raw:Raison sociale"]) == list(result.directory["name"]) == ["A", "B", "C"]
    assert len(raw) == len(result.directory)


names = st.text(alphabet=st.characters(codec="utf-8", exclude_characters=';"\r\n\x00'), max_size=12)
sirets = st.sampled_from([*VALID_SIRETS, SIRET_BAD_CHECKSUM, "", "4.24143E+13", "abc"])
postal = st.sampled_from(["59000", "1500", "", "99999", "75015"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(names, sirets, postal), min_size=1, max_size=12))
def test_every_row_read_is_loaded_or_rejected(rows):
    lines = [f"{n};{s};EI;;;{p};;;" for n, s, p in rows]
    result = load(*lines)
    report = result.report
    assert report.rows_read == len(rows)
    assert report.rows_read == report.rows_loaded + report.rows_rejected
    assert report.suppliers == len(result.directory) == report.rows_loaded - report.duplicates
    assert sum(report.geocoded.values()) == report.suppliers
