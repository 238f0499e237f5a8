"""The demo directory: deterministic, fictitious, well-formed, and imported almost whole."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from sourcing import taxonomy
from sourcing.gazetteer import Gazetteer
from sourcing.importer import import_path
from sourcing.kinds import kinds_from_legal_form
from sourcing.model import HEADCOUNT_BANDS, KIND_CODES
from sourcing.siret import siret_valid
from tests.helpers import DEMO_CSV, load_script

make_demo = load_script("data/make_demo.py")


@pytest.fixture(scope="module")
def demo() -> pd.DataFrame:
    """The committed demo file, every cell as text."""
    return pd.read_csv(DEMO_CSV, sep=";", dtype=str, keep_default_na=False, encoding="utf-8")


@pytest.fixture(scope="module")
def imported():
    return import_path(DEMO_CSV)


def _split(values: pd.Series) -> pd.Series:
    return values.map(lambda s: [p.strip() for p in s.split(",") if p.strip()])


# --- Determinism ---------------------------------------------------------------------------------


def test_generate_is_deterministic_and_seed_dependent():
    a = make_demo.generate(400, seed=7)
    b = make_demo.generate(400, seed=7)
    c = make_demo.generate(400, seed=8)
    pd.testing.assert_frame_equal(a, b)
    assert make_demo.to_csv_bytes(a) == make_demo.to_csv_bytes(b)
    assert not a["siret"].equals(c["siret"])


def test_committed_file_is_the_generator_output_byte_for_byte():
    regenerated = make_demo.to_csv_bytes(make_demo.generate())
    assert regenerated == DEMO_CSV.read_bytes(), "data/demo/annuaire-demo.csv is stale: run data/make_demo.py"


def test_header_is_the_canonical_english_names(demo: pd.DataFrame):
    assert list(demo.columns) == list(make_demo.COLUMNS)
    assert "id" not in demo.columns
    assert len(demo) == make_demo.DEFAULT_N


# --- Identifiers ---------------------------------------------------------------------------------


def test_sirets_valid_and_unique_except_the_deliberate_duplicates(demo: pd.DataFrame):
    sirets = demo["siret"].str.replace(" ", "", regex=False)
    assert sirets.map(siret_valid).all()
    assert (sirets.str[:9] != "356000000").all()  # never La Poste's shared SIREN
    dup = sirets.duplicated(keep=False)
    assert 0 < dup.sum() <= 0.01 * len(demo)
    # Each duplicate is the same supplier listed again under other kinds.
    for _, group in demo[dup].groupby(sirets[dup]):
        assert len(group) == 2
        assert group["name"].nunique() == 1
        assert group["kinds"].nunique() == 2


def test_deliberate_quirks_stay_under_one_percent(demo: pd.DataFrame):
    quirky = (
        demo["siret"].str.contains(" ")
        | (demo["postal_code"] == "")
        | ~demo["naf"].str.contains(".", regex=False)
        | (demo["lat"] == "")
        | ((demo["website"] != "") & ~demo["website"].str.startswith("https://"))
        | demo["siret"].str.replace(" ", "").duplicated()
    )
    assert 0.002 * len(demo) <= quirky.sum() <= 0.01 * len(demo)


# --- Vocabulary ----------------------------------------------------------------------------------


def test_kinds_come_from_the_vocabulary_and_many_suppliers_hold_two(demo: pd.DataFrame):
    kinds = _split(demo["kinds"])
    assert kinds.map(len).min() >= 1
    assert kinds.map(lambda ks: set(ks) <= set(KIND_CODES)).all()
    assert (kinds.map(len) == 2).mean() > 0.3
    present = {k for ks in kinds for k in ks}
    expected = {"ASSOCIATION", "ACI", "AI", "EI", "ETTI", "ESAT", "EA", "EATT", "GEIQ", "SCOP", "SCIC", "ESUS",
                "MUTUELLE", "FONDATION"}  # fmt: skip
    assert expected <= present


def test_legal_forms_agree_with_kinds(demo: pd.DataFrame):
    kinds = _split(demo["kinds"]).map(set)
    implied = demo["legal_form"].map(lambda lf: set(kinds_from_legal_form(lf)))
    agree = [imp <= ks for imp, ks in zip(implied, kinds, strict=True)]
    assert all(agree)
    assert (implied.map(len) > 0).mean() > 0.4  # the check is not vacuous


def test_naf_sectors_and_headcounts_exist(demo: pd.DataFrame):
    tax = taxonomy.load_taxonomy()
    naf = taxonomy.normalise_naf(demo["naf"])
    assert naf.notna().all()
    sectors = _split(demo["sectors"])
    assert sectors.map(len).min() >= 1
    assert {s for ss in sectors for s in ss} <= set(tax.sector_labels)
    assert demo["headcount"].isin(list(HEADCOUNT_BANDS)).all()


def test_activity_is_coherent_with_kind(demo: pd.DataFrame):
    kinds = _split(demo["kinds"])
    esat = kinds.map(lambda ks: "ESAT" in ks)
    assert (demo.loc[esat, "naf"] == "88.10C").mean() > 0.6
    temp = kinds.map(lambda ks: "ETTI" in ks or "EATT" in ks)
    assert (demo.loc[temp, "naf"] == "78.20Z").all()
    assert demo.loc[temp, "sectors"].str.contains("mise-a-disposition").all()


# --- Fictitious and marked so ----------------------------------------------------------------------


def test_every_name_is_marked_as_demo(demo: pd.DataFrame):
    assert demo["name"].str.contains(r"\(démo\)|– démo", regex=True).all()
    assert demo["description"].str.contains("démonstration").all()


def test_contacts_are_fictitious(demo: pd.DataFrame):
    email = demo["email"][demo["email"] != ""]
    assert email.str.fullmatch(r"[a-z]+@[a-z0-9-]+\.example\.(org|net)").all()
    site = demo["website"][demo["website"] != ""]
    assert site.str.fullmatch(r"(https://)?www\.[a-z0-9-]+\.example\.(org|net)").all()
    phone = demo["phone"][demo["phone"] != ""]
    fiction = "|".join(re.escape(p) for p in make_demo.FICTION_PHONE_PREFIX.values())
    assert phone.str.fullmatch(rf"(?:{fiction}) \d\d \d\d").all()
    assert len(email) > 0.8 * len(demo) and len(phone) > 0.9 * len(demo)


# --- Places ----------------------------------------------------------------------------------------


def test_every_region_and_overseas_department_is_represented(demo: pd.DataFrame):
    g = Gazetteer.load()
    current = g.communes[g.communes["type"].isin(("commune", "arrondissement"))]
    region_of = dict(zip(current["insee_code"], current["region"], strict=True))
    regions = demo["insee_code"].map(region_of)
    assert regions.notna().all()
    assert set(regions) == set(g.regions["code"])
    assert len(set(regions)) == 18
    departments = set(demo["insee_code"].map(dict(zip(current["insee_code"], current["department"], strict=True))))
    assert {"971", "972", "973", "974", "976"} <= departments
    # Population-weighted: Île-de-France has the most suppliers, Corse far fewer.
    counts = regions.value_counts()
    assert counts.index[0] == "11"
    assert counts["94"] < counts["11"] / 5


def test_points_are_within_jitter_of_their_commune(demo: pd.DataFrame):
    g = Gazetteer.load()
    current = g.communes[g.communes["type"].isin(("commune", "arrondissement"))].set_index("insee_code")
    lat = pd.to_numeric(demo["lat"], errors="coerce").to_numpy()
    lon = pd.to_numeric(demo["lon"], errors="coerce").to_numpy()
    clat = current["lat"].reindex(demo["insee_code"]).to_numpy()
    clon = current["lon"].reindex(demo["insee_code"]).to_numpy()
    dy = (lat - clat) * 111.32
    dx = (lon - clon) * 111.32 * np.cos(np.radians(clat))
    dist = np.hypot(dx, dy)
    near = dist <= make_demo.JITTER_KM + 0.05
    assert near.mean() >= 0.99  # the rest are the deliberate missing/swapped coordinates
    assert np.nanmax(dist[near]) > 1.0  # points are really spread, not stuck on the commune point


def test_intervention_areas_are_mostly_radii(demo: pd.DataFrame):
    area = demo["area_text"]
    radius = area.str.fullmatch(r"\d+ km")
    assert 0.6 < radius.mean() < 0.85
    km = area[radius].str.split().str[0].astype(int)
    assert km.between(20, 80).all()
    assert area.str.fullmatch(r"[0-9AB]{2,3}(, [0-9AB]{2,3})+").any()
    assert (area == "national").any()
    assert area.isin(Gazetteer.load().regions["name"]).any()


def test_about_thirty_percent_have_a_label_or_network(demo: pd.DataFrame):
    share = ((demo["labels"] != "") | (demo["networks"] != "")).mean()
    assert 0.25 < share < 0.35


# --- Import ----------------------------------------------------------------------------------------


def test_demo_imports_as_cress_with_address_precision(imported):
    report = imported.report
    assert report.format == "cress"
    assert report.rows_read == make_demo.DEFAULT_N
    assert report.rows_loaded >= 0.99 * report.rows_read
    assert report.geocoded["address"] >= 0.99 * report.rows_read
    assert report.geocoded["none"] == 0
    assert report.duplicates >= 1
    codes = {w["code"] for w in report.warnings}
    assert {"duplicate", "coords_swapped"} <= codes


def test_imported_directory_keeps_kinds_and_sectors(imported, demo: pd.DataFrame):
    d = imported.directory
    assert d["kinds"].map(len).min() >= 1
    first = d.iloc[0]
    assert first["name"] == demo.at[0, "name"]
    assert set(_split(demo["sectors"]).iloc[0]) <= set(first["sectors"])
