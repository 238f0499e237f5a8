"""FINESS extract (établissements sanitaires, sociaux et médico-sociaux), for ESAT and EA.

The file is not one table: a metadata line ``finess;etalab;<n>;<date>``, then
``structureet;...`` records (32 fields: nofinesset, nofinessej, rs, rslongue, complrs,
compldistrib, numvoie, typvoie, voie, compvoie, lieuditbp, commune, departement,
libdepartement, ligneacheminement, telephone, telecopie, categetab, libcategetab,
categagretab, libcategagretab, siret, codeape, codemft, libmft, codesph, libsph,
dateouv, dateautor, datemaj, numuai) and
``geolocalisation;nofinesset;coordxet;coordyet;sourcecoordet;datemaj`` records. The
reader (`sourcing.reading.build_finess_table`) keeps the structureet records whole under
those names and hands the geolocation records over in ``table.extra["records"]``.
A FINESS table already flattened to named columns (``nofinesset``, ``categetab``, and
optionally ``coordxet``/``coordyet``/``sourcecoordet``) is read the same way.

Rules: category 246 is an ESAT, 247 an entreprise adaptée; every other establishment is
rejected with its category. The INSEE code is the département plus the 3-digit commune
("01" + "451"; overseas "9A" + "123" -> "97123"). "75013 PARIS" in ligneacheminement
gives the postal code and city. Coordinates are projected; their CRS is read from
sourcecoordet ("EPSG:5490 ..." or "...,LAMBERT_93"), else from the département.
"""

from __future__ import annotations

import pandas as pd

from sourcing.formats import _common as c
from sourcing.formats.base import FINESS_STRUCTUREET_FIELDS, Example, RawTable

NAME = "finess"
LABEL = "FINESS (extraction des établissements, ESAT et EA)"
SOURCE_NAME = "FINESS (ministère chargé de la santé)"

KIND_BY_CATEGORY = {"246": "ESAT", "247": "EA"}
# Older extracts name the projection by an IGN label at the end of sourcecoordet.
CRS_BY_LABEL = {
    "LAMBERT_93": "EPSG:2154",
    "UTM_N20": "EPSG:4559",  # RRAF 1991 / UTM 20N (Guadeloupe, Martinique)
    "UTM_N21": "EPSG:4467",  # RGSPM06 / UTM 21N (Saint-Pierre-et-Miquelon)
    "UTM_N22": "EPSG:2972",  # RGFG95 / UTM 22N (Guyane)
    "UTM_S38": "EPSG:4471",  # RGM04 / UTM 38S (Mayotte)
    "UTM_S40": "EPSG:2975",  # RGR92 / UTM 40S (La Réunion)
}
_REQUIRED = ("nofinesset", "rs", "categetab")


def score(table: RawTable) -> float:
    """1.0 for a FINESS extract (metadata line then structureet records); 0.9 for named columns."""
    header = table.extra.get("finess_header") or []
    if header and header[0].strip().lower() == "finess" and all(col in table.columns for col in _REQUIRED):
        return 1.0
    names = {col.lower() for col in table.columns}
    if all(col in names for col in _REQUIRED):
        return 0.9
    return 0.0


def _crs_from_source(source: pd.Series, insee: pd.Series) -> pd.Series:
    """CRS named by sourcecoordet ("EPSG:NNNN" or a trailing IGN label), else by the commune."""
    epsg = source.str.extract(r"(EPSG:\d+)", expand=False)
    label = source.str.rsplit(",", n=1).str[-1].str.strip().str.upper().map(CRS_BY_LABEL)
    return epsg.fillna(label).fillna(c.crs_for_insee(insee)).astype("str")


def _geolocation(table: RawTable) -> pd.DataFrame:
    """Geolocation records as a frame indexed by nofinesset (last record wins)."""
    records = table.extra.get("records", {}).get("geolocalisation", [])
    cols = ["nofinesset", "coordxet", "coordyet", "sourcecoordet"]
    if not records:
        return pd.DataFrame(columns=cols, dtype="str").set_index("nofinesset")
    rows = [(cells + [""] * 6)[1:5] for _, cells in records]
    geo = pd.DataFrame(rows, columns=cols, dtype="str")
    geo["nofinesset"] = geo["nofinesset"].str.strip()
    return geo.drop_duplicates("nofinesset", keep="last").set_index("nofinesset")


def _insee(department: pd.Series, commune: pd.Series) -> pd.Series:
    """FINESS département + commune -> INSEE code; "9A".."9I" are 97x, "9J" onwards 98x."""
    dep = department.str.strip().str.upper()
    com = commune.str.strip().str.zfill(3)
    overseas = dep.str.match(r"^9[A-Z]$")
    prefix = dep.where(~overseas, "97").where(~(overseas & (dep.str[1] >= "J")), "98")
    return (prefix + com).where((dep != "") & (commune.str.strip() != ""), "")


def to_staging(table: RawTable, **_options: object) -> pd.DataFrame:
    frame = c.raw_frame(table)
    frame.columns = [col.lower() for col in frame.columns]
    get = c.column_reader(frame)

    category = get("categetab").str.strip()
    kind = category.map(KIND_BY_CATEGORY).fillna("")
    reason = (
        "catégorie FINESS " + category + " (" + get("libcategetab").str.strip() + ") : ni ESAT ni entreprise adaptée"
    )
    insee = _insee(get("departement"), get("commune"))
    department = insee.str[:3].where(insee.str.match(r"^9[78]"), get("departement").str.strip())
    routing = get("ligneacheminement").str.strip().str.extract(r"^(?P<postal>\d{5})\s*(?P<city>.*)$")
    street = c.join_nonempty([get("numvoie"), get("compvoie"), c.expand_street_type(get("typvoie")), get("voie")])

    nofinesset = get("nofinesset").str.strip()
    geo = _geolocation(table)
    if len(geo):
        x = nofinesset.map(geo["coordxet"]).fillna("")
        y = nofinesset.map(geo["coordyet"]).fillna("")
        source = nofinesset.map(geo["sourcecoordet"]).fillna("")
    else:  # flattened table: coordinates on the row, if at all
        x, y, source = get("coordxet"), get("coordyet"), get("sourcecoordet")

    fields = {
        "name": c.first_nonempty([get("rslongue"), get("rs")]),
        "trade_name": get("rs"),
        "kind_text": kind,
        "siret": get("siret"),
        "naf": get("codeape"),
        "address": c.join_nonempty([street, get("lieuditbp"), get("compldistrib")], ", "),
        "postal_code": routing["postal"].fillna(""),
        "city": routing["city"].fillna(""),
        "insee_code": insee,
        "department": department,
        "phone": get("telephone"),
        "proj_x": x,
        "proj_y": y,
        "proj_crs": _crs_from_source(source, insee).where(x.str.strip() != "", ""),
        "source_date": get("datemaj").str[:10],
        "reject_reason": reason.where(kind == "", ""),
    }
    return c.staging(fields, table)


def _structureet(**values: str) -> str:
    """One structureet line from named fields (the others empty), for the examples."""
    cells = [values.get(f, "") for f in FINESS_STRUCTUREET_FIELDS]
    cells[0] = "structureet"
    return ";".join(cells)


_ESAT = _structureet(
    nofinesset="670001234", nofinessej="670001226", rs="ESAT LES TISSERANDS",
    rslongue="ESAT LES TISSERANDS DE SÉLESTAT", numvoie="4", typvoie="R", voie="DES TISSERANDS",
    commune="462", departement="67", libdepartement="BAS RHIN", ligneacheminement="67600 SELESTAT",
    telephone="0388000000", categetab="246", libcategetab="Etablissement et Service d'Aide par le Travail (E.S.A.T.)",
    categagretab="4301", libcategagretab="Etab. et Services de Travail Protégé", siret="30439547800015",
    codeape="8810C", datemaj="2024-03-01",
)  # fmt: skip
_EHPAD = _structureet(
    nofinesset="670005678", nofinessej="670005660", rs="EHPAD LES GLYCINES", commune="482",
    departement="67", ligneacheminement="67000 STRASBOURG", categetab="500",
    libcategetab="Etablissement d'hébergement pour personnes âgées dépendantes", datemaj="2024-03-01",
)  # fmt: skip
_EA_REUNION = _structureet(
    nofinesset="970401234", nofinessej="970401226", rs="EA ILE SERVICES", numvoie="12", typvoie="CHE",
    voie="DES LETCHIS", commune="411", departement="9D", libdepartement="LA REUNION",
    ligneacheminement="97400 ST DENIS", categetab="247", libcategetab="Entreprise Adaptée",
    siret="35645263100019", datemaj="2023-11-13",
)  # fmt: skip

EXAMPLES: tuple[Example, ...] = (
    Example(
        filename="etalab-cs1100507-stock.csv",
        # Latin-1 as in older extracts, CRLF; one ESAT, one EHPAD (rejected), geolocation lines
        # in the old sourcecoordet style.
        content=(
            "finess;etalab;98;2024-03-04\r\n"
            + _ESAT
            + "\r\n"
            + _EHPAD
            + "\r\n"
            + "geolocalisation;670001234;1030500.0;6804700.0;1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93;"
            "2024-03-01\r\n"
            + "geolocalisation;670005678;1050000.0;6840000.0;1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93;"
            "2024-03-01\r\n"
        ).encode("latin-1"),
        rows_read=2,
        rows_loaded=1,
        first_name="ESAT LES TISSERANDS DE SÉLESTAT",
        kinds=("ESAT",),
    ),
    Example(
        filename="finess_reunion.csv",
        # UTF-8, an overseas EA ("9D" département), coordinates in RGR92 / UTM 40S named by EPSG code.
        content=(
            "finess;etalab;111;2026-05-12\n"
            + _EA_REUNION
            + "\n"
            + "geolocalisation;970401234;338500.0;7690500.0;3,ATLASANTE,96,BAN,EPSG:2975 RGR92/UTM 40S (Réunion);"
            "2026-05-04\n"
        ).encode("utf-8"),
        rows_read=1,
        rows_loaded=1,
        first_name="EA ILE SERVICES",
        kinds=("EA",),
    ),
)

COUNTER_EXAMPLES: tuple[Example, ...] = (
    Example(
        filename="finess_notes.csv",
        # Mentions FINESS in a header, but is a plain table.
        content=b"Etablissement;N FINESS;Ville\nESAT X;670001234;Selestat\n",
        rows_read=1,
        rows_loaded=1,
        first_name="ESAT X",
    ),
    Example(
        filename="siae67.csv",
        content=(
            "type;nom;Secteur d'activités;Adresse;Téléphone;email;SIRET\n"
            'EA;ATELIERS REUNIS;Sous-traitance;"1 rue X\n 67000 STRASBOURG";03 88 00 00 00;a@b.example;'
            "30439547800015\n"
        ).encode(),
        rows_read=1,
        rows_loaded=1,
        first_name="ATELIERS REUNIS",
    ),
)
