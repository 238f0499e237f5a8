"""Format modules: every format recognises its examples, claims none of its counter-examples,
and maps the real public extracts onto staging rows (one per record, names filled).

The generic tests run whatever EXAMPLES / COUNTER_EXAMPLES the modules declare; the
specific tests below pin the rules each format documents (address splitting, joins,
coordinates, rejections).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from sourcing import formats
from sourcing.formats import _common, cress, finess, marche_json, sirene
from sourcing.formats.base import STAGING_COLUMNS, Example, RawTable
from sourcing.reading import read_path, read_tables
from sourcing.siret import siret_valid
from tests.helpers import REAL_FILES

EXAMPLES = [(m, ex) for m in formats.FORMATS for ex in m.EXAMPLES]
COUNTER_EXAMPLES = [(m, ex) for m in formats.FORMATS for ex in m.COUNTER_EXAMPLES]


def _id(pair: tuple) -> str:
    module, example = pair
    return f"{module.NAME}:{example.filename}"


def _table(example: Example) -> RawTable:
    tables = read_tables(example.content, example.filename)
    assert len(tables) == 1
    return tables[0]


def _first_kept_name(staging: pd.DataFrame) -> str:
    kept = staging
    if "reject_reason" in staging:
        kept = staging[staging["reject_reason"].fillna("") == ""]
    names = kept["name"].fillna("").str.split().str.join(" ")
    if "trade_name" in kept:
        names = names.where(names != "", kept["trade_name"].fillna("").str.strip())
    names = names[names != ""]
    return names.iloc[0] if len(names) else ""


# --- Generic: examples and counter-examples --------------------------------------------


def test_every_format_has_examples_and_counter_examples():
    for module in formats.FORMATS:
        assert 2 <= len(module.EXAMPLES) <= 4, module.NAME
        assert len(module.COUNTER_EXAMPLES) >= 2, module.NAME
        assert module.NAME and module.LABEL and module.SOURCE_NAME


@pytest.mark.parametrize("pair", EXAMPLES, ids=_id)
def test_example_is_detected_and_staged(pair):
    module, example = pair
    table = _table(example)
    detected, score = formats.detect(table)
    assert detected is module, f"detected {detected and detected.NAME} ({score})"
    assert score >= 0.5
    staging = module.to_staging(table)
    assert set(staging.columns) - {"line"} <= set(STAGING_COLUMNS)
    assert len(staging) == example.rows_read
    # One staging row per raw row, in order: the normaliser pairs them by position.
    assert list(staging.index) == list(range(len(table.rows)))
    assert staging["line"].tolist() == table.lines
    assert _first_kept_name(staging) == example.first_name


@pytest.mark.parametrize("pair", COUNTER_EXAMPLES, ids=_id)
def test_counter_example_is_not_claimed(pair):
    module, example = pair
    for table in read_tables(example.content, example.filename):
        detected, score = formats.detect(table)
        assert detected is not module, f"{module.NAME} claimed {example.filename} ({score})"


@pytest.mark.parametrize("pair", EXAMPLES, ids=_id)
def test_example_sirets_are_valid(pair):
    """Example SIRETs pass the Luhn check once spaces are removed (Excel floats aside)."""
    module, example = pair
    staging = module.to_staging(_table(example))
    if "siret" not in staging:
        return
    for raw in staging["siret"].fillna(""):
        digits = re.sub(r"\s", "", raw)
        if digits and "E+" not in digits.upper():
            assert siret_valid(digits), raw


@pytest.mark.parametrize("pair", EXAMPLES, ids=_id)
def test_example_imports_end_to_end(pair):
    """Through the importer and normaliser: counts, first supplier's name and kinds."""
    from sourcing import importer

    module, example = pair
    result = importer.import_bytes(example.content, example.filename)
    report = result.report
    assert report.format == module.NAME
    assert report.rows_read == example.rows_read
    assert report.rows_loaded == example.rows_loaded
    first = result.directory.sort_values("source_line").iloc[0]
    assert first["name"] == example.first_name
    assert set(first["kinds"]) == set(example.kinds)


# --- Registry ------------------------------------------------------------------------


def test_registry():
    assert len(set(formats.FORMAT_NAMES)) == len(formats.FORMATS)
    for module in formats.FORMATS:
        assert formats.get_format(module.NAME) is module
    with pytest.raises(KeyError):
        formats.get_format("inconnu")
    assert formats.FORMATS[-1] is cress  # the fallback comes last


def test_detect_returns_none_for_unrelated_table():
    table = read_tables(b"a;b;c\n1;2;3\n", "x.csv")[0]
    assert formats.detect(table) == (None, 0.0)


def test_ties_go_to_the_earlier_format(monkeypatch):
    table = read_tables(b"a;b\n1;2\n", "x.csv")[0]
    first, second = formats.FORMATS[0], formats.FORMATS[1]
    monkeypatch.setattr(first, "score", lambda t: 0.7)
    monkeypatch.setattr(second, "score", lambda t: 0.7)
    assert formats.detect(table) == (first, 0.7)


# --- Real public extracts --------------------------------------------------------------


@pytest.fixture(scope="module")
def real_staging(realdata):
    out = {}
    for name in REAL_FILES:
        table = read_path(realdata / name)[0]
        module, score = formats.detect(table)
        out[name] = (table, module, score, module.to_staging(table) if module else None)
    return out


@pytest.mark.parametrize("name", list(REAL_FILES))
def test_real_file_detected_and_staged(real_staging, name):
    fmt, rows = REAL_FILES[name]
    table, module, score, staging = real_staging[name]
    assert module is not None and module.NAME == fmt
    assert score >= 0.8
    others = [s for m, s in formats.scores(table) if m is not module]
    assert max(others) < score
    assert len(staging) == rows
    assert (staging["name"].str.strip() != "").all()
    assert staging["line"].is_monotonic_increasing


def test_asp_address_and_kinds(real_staging, realdata):
    _, _, _, staging = real_staging["les-emplois/2019_07_liste_siae.csv"]
    raw = pd.read_csv(realdata / "les-emplois/2019_07_liste_siae.csv", sep=";", dtype=str, keep_default_na=False)
    assert staging["kind_text"].tolist() == raw["MESURE"].tolist()
    assert staging["postal_code"].tolist() == raw["CODE_POST_COM"].tolist()
    assert staging["city"].tolist() == raw["LIB_COM"].tolist()
    expected = [
        " ".join(p for p in (num.strip(), street.strip()) if p)
        for num, street in zip(raw["NUM_RUE"], raw["NOM_RUE"], strict=True)
    ]
    assert staging["address"].tolist() == expected


def test_asp_additional_data_job_titles_become_sector_text(real_staging, realdata):
    _, _, _, staging = real_staging["les-emplois/2019_07_liste_siae_additional_data.csv"]
    assert staging["sector_text"].iloc[2] == "Ouvrier / Ouvrière des espaces verts ; Manoeuvre bâtiment"
    raw = pd.read_csv(
        realdata / "les-emplois/2019_07_liste_siae_additional_data.csv", sep=";", dtype=str, keep_default_na=False
    )
    titles = raw[[c for c in raw.columns if c.startswith("APPELATION")]]
    has_title = titles.apply(lambda col: col.str.strip() != "").any(axis=1)
    assert ((staging["sector_text"] != "").to_numpy() == has_title.to_numpy()).all()
    assert staging["website"].tolist() == raw["SITE WEB"].tolist()


def test_siae67_every_address_split(real_staging):
    _, _, _, staging = real_staging["les-emplois/siae67.csv"]
    assert staging["postal_code"].str.fullmatch(r"67\d{3}").all()
    assert (staging["city"].str.strip() != "").all()
    assert not staging["address"].str.contains(r"\n|\b67\d{3}\b", regex=True).any()
    first = staging.iloc[0]
    assert (first["address"], first["postal_code"], first["city"]) == (
        "10 rue Sainte Marguerite",
        "67000",
        "STRASBOURG",
    )


def test_geiq_kind_and_joined_address(real_staging):
    _, _, _, staging = real_staging["les-emplois/2019_11_21_export_bbd_geiq.csv"]
    assert set(staging["kind_text"]) == {"GEIQ"}
    assert staging["address"].iloc[1] == "ZA Le Libraire, Voie Gutenberg"


def test_marche_json_coordinates_and_contacts(real_staging, realdata):
    import json

    _, _, _, staging = real_staging["le-marche/01_siaes.json"]
    records = json.loads((realdata / "le-marche/01_siaes.json").read_text())
    lat = pd.to_numeric(staging["lat"], errors="coerce")
    lon = pd.to_numeric(staging["lon"], errors="coerce")
    with_coords = sum(1 for r in records if r["fields"].get("coords"))
    assert lat.notna().sum() == with_coords
    metro = lat.between(41, 51.5) & lon.between(-5.5, 10)
    overseas = lat.between(-22, 19) & (lon.between(-63, -51) | lon.between(44, 56))
    assert (metro | overseas)[lat.notna()].all()
    # The fixture's "email"/"phone" are generated: only the structures' own contact fields are read.
    contacts = {r["fields"].get("contact_email") or "" for r in records}
    assert set(staging["email"]) <= contacts
    assert (staging["email"] != "").sum() == sum(1 for r in records if r["fields"].get("contact_email"))
    assert staging["source_date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()


# --- CRESS: tolerant header matching ------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Raison sociale", "name"), ("Nom", "name"), ("Dénomination", "name"), ("denomination_sociale", "name"),
        ("SIRET", "siret"), ("N° SIRET", "siret"), ("siret_etablissement", "siret"), ("Numéro SIRET", "siret"),
        ("Code postal", "postal_code"), ("CP", "postal_code"), ("Commune", "city"), ("Ville", "city"),
        ("Code INSEE", "insee_code"), ("code commune", "insee_code"), ("Forme juridique", "legal_form"),
        ("Statut", "legal_form"), ("Activité", "sector_text"), ("Secteur", "sector_text"),
        ("Domaine", "sector_text"), ("Code NAF", "naf"), ("APE", "naf"), ("Agréments", "kind_text"),
        ("Type de structure", "kind_text"), ("Famille", "kind_text"), ("Latitude", "lat"), ("Longitude", "lon"),
        ("Effectif", "headcount"), ("Tranche d'effectif", "headcount"), ("Labels", "labels_text"),
        ("Réseaux", "networks_text"), ("Zone d'intervention", "area_text"), ("Site web", "website"),
        ("Site internet", "website"), ("Courriel", "email"), ("E-mail", "email"), ("Téléphone", "phone"),
        ("Tél", "phone"), ("Adresse", "address"), ("Complément d'adresse", "address"),
        ("Adresse e-mail", "email"), ("Nom du contact", None), ("Prénom", None),
    ],
)  # fmt: skip
def test_cress_header_variants(header, field):
    found = cress.match_columns(["Raison sociale" if field != "name" else "Autre", header])
    claimed = [f for f, cols in found.items() if header in cols]
    assert claimed == ([field] if field else [])


def test_cress_reads_our_canonical_columns_and_labels():
    """Our demo directory (English names) and our exports (French labels) read back."""
    from sourcing.model import CANONICAL_COLUMNS

    mapping = {
        "name": "name", "siret": "siret", "kinds": "kind_text", "sectors": "sector_text",
        "postal_code": "postal_code", "city": "city", "insee_code": "insee_code", "lat": "lat", "lon": "lon",
        "email": "email", "phone": "phone", "website": "website", "labels": "labels_text",
        "networks": "networks_text", "headcount_band": "headcount", "legal_form": "legal_form", "naf": "naf",
        "address": "address", "department": "department", "trade_name": "trade_name",
    }  # fmt: skip
    for by in ("name", "label"):
        columns = [c if by == "name" else CANONICAL_COLUMNS[c][1] for c in mapping]
        found = cress.match_columns(columns)
        got = {col: f for f, cols in found.items() for col in cols}
        assert got == {col: mapping[c] for col, c in zip(columns, mapping, strict=True)}, by


def test_cress_joins_address_parts_and_canonical_area():
    content = (
        "name;siret;postal_code;city;address;Complément d'adresse;area_radius_km;area_national\n"
        "A;36227586900018;67000;Strasbourg;1 rue X;Bât. B;30;False\n"
        "B;53053041900015;67000;Strasbourg;2 rue Y;;;True\n"
    ).encode()
    staging = cress.to_staging(read_tables(content, "a.csv")[0])
    assert staging["address"].tolist() == ["1 rue X, Bât. B", "2 rue Y"]
    assert staging["area_text"].tolist() == ["30 km", "national"]


def test_cress_xlsx_sheet():
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Annuaire ESS 2026"])
    ws.append([])
    ws.append(["Dénomination", "SIRET", "Code postal", "Commune", "Agrément"])
    ws.append(["Atelier Bois", 36227586900018, 1500, "Ambérieu-en-Bugey", "ESUS"])
    buf = io.BytesIO()
    wb.save(buf)
    table = read_tables(buf.getvalue(), "annuaire.xlsx")[0]
    assert formats.detect(table)[0] is cress
    staging = cress.to_staging(table)
    assert staging.iloc[0][["name", "siret", "postal_code", "kind_text"]].tolist() == [
        "Atelier Bois", "36227586900018", "1500", "ESUS",
    ]  # fmt: skip
    assert staging["line"].tolist() == [4]


# --- SIRENE ------------------------------------------------------------------------------

_ETAB = (
    "siren,nic,siret,etatAdministratifEtablissement,numeroVoieEtablissement,typeVoieEtablissement,"
    "libelleVoieEtablissement,codePostalEtablissement,libelleCommuneEtablissement,codeCommuneEtablissement,"
    "coordonneeLambertAbscisseEtablissement,coordonneeLambertOrdonneeEtablissement,enseigne1Etablissement,"
    "denominationUsuelleEtablissement,activitePrincipaleEtablissement,trancheEffectifsEtablissement\n"
    "530530419,00015,53053041900015,A,3,BD,DU PORT,59000,LILLE,59350,704000,7059000,,,81.21Z,\n"
    "362275869,00018,36227586900018,F,12,AV,DES LILAS,59000,LILLE,59350,,,,,88.10C,12\n"
    "999999999,00010,99999999900010,A,,,,97400,SAINT-DENIS,97411,338500,7690500,KAZ EN BOIS,,16.23Z,NN\n"
)
_UNITS = (
    "siren,denominationUniteLegale,categorieJuridiqueUniteLegale,economieSocialeSolidaireUniteLegale,"
    "trancheEffectifsUniteLegale,nomUniteLegale,prenom1UniteLegale\n"
    "362275869,ASSOCIATION DES LILAS,9220,O,12,,\n"
    "530530419,SCOP NET,5458,O,21,,\n"
)


def test_sirene_joins_separate_unit_file():
    etab = read_tables(_ETAB.encode(), "StockEtablissement.csv")[0]
    units = read_tables(_UNITS.encode(), "StockUniteLegale.csv")[0]
    assert formats.detect(etab)[0] is sirene
    assert sirene.score_units(units) > 0.5
    assert sirene.score_units(etab) == 0.0
    staging = sirene.to_staging(etab, units=units)
    assert list(staging.index) == [0, 1, 2]
    assert staging["name"].tolist() == ["SCOP NET", "ASSOCIATION DES LILAS", "KAZ EN BOIS"]
    assert staging["legal_form"].tolist() == ["5458", "9220", ""]
    assert staging["ess_flag"].tolist() == ["O", "O", ""]
    assert staging["headcount"].tolist() == ["21", "12", "NN"]  # establishment band first, else the unit's
    assert staging["address"].tolist() == ["3 Boulevard DU PORT", "12 Avenue DES LILAS", ""]
    assert staging["reject_reason"].tolist() == ["", sirene.CLOSED_REASON, ""]
    assert staging["proj_crs"].tolist() == ["EPSG:2154", "", "EPSG:2975"]


def test_sirene_join_matches_units_whatever_their_order():
    n = 50_000
    sirens = pd.Series(np.arange(100_000_000, 100_000_000 + n).astype(str))
    etab = RawTable(
        columns=["siren", "siret", "codePostalEtablissement", "etatAdministratifEtablissement"],
        rows=[[s, s + "00010", "75001", "A"] for s in sirens],
        lines=list(range(2, n + 2)),
    )
    units = RawTable(
        columns=["siren", "denominationUniteLegale", "categorieJuridiqueUniteLegale"],
        rows=[[s, "UNITE " + s, "9220"] for s in sirens[::-1]],
        lines=list(range(2, n + 2)),
    )
    staging = sirene.to_staging(etab, units=units)
    assert (staging["name"] == "UNITE " + sirens).all()


# --- FINESS ------------------------------------------------------------------------------


def test_finess_records_kept_whole_and_geolocated():
    example = finess.EXAMPLES[0]
    table = _table(example)
    assert len(table.columns) >= 32 and table.columns[:4] == ["section", "nofinesset", "nofinessej", "rs"]
    assert all(len(r) == len(table.columns) for r in table.rows)
    assert not table.warnings
    assert len(table.extra["records"]["geolocalisation"]) == 2
    staging = finess.to_staging(table)
    assert staging["kind_text"].tolist() == ["ESAT", ""]
    assert staging["reject_reason"].iloc[1].startswith("catégorie FINESS 500 (")
    assert staging["insee_code"].tolist() == ["67462", "67482"]
    assert staging["postal_code"].tolist() == ["67600", "67000"]
    assert staging["address"].iloc[0] == "4 Rue DES TISSERANDS"


@pytest.mark.parametrize(
    ("source", "insee", "crs"),
    [
        ("1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93", "01451", "EPSG:2154"),
        ("1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,UTM_S40", "97411", "EPSG:2975"),
        ("2,ATLASANTE,96,BAN,EPSG:5490 RGAF09/UTM Zone 20N (Antilles)", "97101", "EPSG:5490"),
        ("", "97611", "EPSG:4471"),
        ("", "75056", "EPSG:2154"),
    ],
)
def test_finess_projection_from_source(source, insee, crs):
    got = finess._crs_from_source(pd.Series([source], dtype="str"), pd.Series([insee], dtype="str"))
    assert got.tolist() == [crs]


@pytest.mark.parametrize("pair", [p for p in EXAMPLES if p[0] in (finess, sirene)], ids=_id)
def test_projected_example_coordinates_land_in_their_commune(pair):
    """Example coordinates, converted with the CRS the format chose, fall in the right place."""
    from pyproj import Transformer

    places = {"67462": (48.26, 7.45), "67482": (48.58, 7.75), "97411": (-20.88, 55.45), "59350": (50.63, 3.06)}
    module, example = pair
    staging = module.to_staging(_table(example))
    for _, row in staging[staging["proj_x"] != ""].iterrows():
        transformer = Transformer.from_crs(row["proj_crs"], "EPSG:4326", always_xy=True)
        lon, lat = transformer.transform(float(row["proj_x"]), float(row["proj_y"]))
        want = places[row["insee_code"]]
        assert abs(lat - want[0]) < 0.05 and abs(lon - want[1]) < 0.05, (row["insee_code"], lat, lon)


def test_finess_overseas_insee_codes():
    dep = pd.Series(["01", "2A", "9A", "9D", "9F", "9J", ""], dtype="str")
    com = pd.Series(["451", "004", "123", "411", "606", "613", "100"], dtype="str")
    assert finess._insee(dep, com).tolist() == ["01451", "2A004", "97123", "97411", "97606", "98613", ""]


# --- Marché -----------------------------------------------------------------------------


def test_marche_json_point_parsing():
    table = RawTable(
        columns=["model", "name", "kind", "coords"],
        rows=[["siaes.siae", "A", "EI", "SRID=4326;POINT (-61.5 16.2)"], ["siaes.siae", "B", "EA", ""]],
        lines=[1, 2],
    )
    staging = marche_json.to_staging(table)
    assert staging[["lat", "lon"]].values.tolist() == [["16.2", "-61.5"], ["", ""]]


# --- Performance ---------------------------------------------------------------------------


def test_cress_100k_rows_read_detect_and_stage():
    """A large file goes through whole (its speed is measured in bench/import.py, not here)."""
    header = (
        "Raison sociale;N° SIRET;Agréments;Forme juridique;Activité;Adresse;Complément d'adresse;"
        "Code postal;Commune;Latitude;Longitude;Téléphone;Courriel;Site web\n"
    )
    row = (
        "Structure {i};36227586900018;ESUS;Association;Espaces verts;{i} rue X;Bât. B;67000;Strasbourg;"
        "48,57;7,75;0388000000;c{i}@x.example;www.x.example\n"
    )
    content = (header + "".join(row.format(i=i) for i in range(100_000))).encode()
    table = read_tables(content, "big.csv")[0]
    module, _ = formats.detect(table)
    staging = module.to_staging(table)
    assert module is cress and len(staging) == 100_000
    assert staging["line"].iloc[-1] == 100_001
    assert staging["address"].iloc[-1] == "99999 rue X, Bât. B"


def test_join_nonempty_and_first_nonempty():
    a = pd.Series(["12", "", " ", "4"], dtype="str")
    b = pd.Series(["rue X", "rue Y", "", ""], dtype="str")
    assert _common.join_nonempty([a, b]).tolist() == ["12 rue X", "rue Y", "", "4"]
    assert _common.first_nonempty([a, b]).tolist() == ["12", "rue Y", "", "4"]
