"""Regional SIAE list, as published by a département or a DREETS (e.g. Bas-Rhin, siae67.csv).

Header: ``type;nom;Secteur d'activités;Adresse;Téléphone;email;SIRET``. The address is
one cell, often on two lines ("10 rue Sainte Marguerite\\n 67000 STRASBOURG"), sometimes
on one with several addresses ("Siège : ... 21300 CHENOVE Structure : ... 67200
STRASBOURG"): the postal code and city are the *last* "5 digits + words" of the cell,
and the street is what comes before them on that line.
"""

from __future__ import annotations

import pandas as pd

from sourcing.formats import _common as c
from sourcing.formats.base import Example, RawTable

NAME = "siae-regional"
LABEL = "Liste régionale de SIAE"
SOURCE_NAME = "Liste régionale des SIAE"

EXPECTED = ("type", "nom", "Secteur d'activités", "Adresse", "Téléphone", "email", "SIRET")

# The last "NNNNN City" of a cell (greedy prefix): the city runs to the end of the cell.
_POSTAL_CITY = r"(?s)^(?P<before>.*)(?P<postal>\b\d{5})[ \t]+(?P<city>[^\n\d][^\n]*?)\s*$"


def score(table: RawTable) -> float:
    """Share of the seven expected headers; 0 unless "type", "nom" and "adresse" are there."""
    return c.share_if_present(table, ("type", "nom", "adresse"), EXPECTED)


def split_address(cell: pd.Series) -> pd.DataFrame:
    """Address cells -> columns address, postal_code, city (vectorised regex).

    Without a "NNNNN City" at the end, the whole cell stays the address.
    """
    cell = cell.fillna("").astype("str")
    parts = cell.str.extract(_POSTAL_CITY)
    matched = parts["postal"].notna()
    street = parts["before"].fillna("")
    # A one-line cell listing several places: keep the text after the last label "xxx :".
    street = street.str.replace(r"(?s)^.*\b\w+\s*:\s*", "", regex=True)
    street = street.str.replace(r"\s+", " ", regex=True).str.strip(" ,-\n")
    return pd.DataFrame(
        {
            "address": street.where(matched, cell),
            "postal_code": parts["postal"].fillna(""),
            "city": parts["city"].fillna("").str.strip(),
        },
        index=cell.index,
    )


def to_staging(table: RawTable, **_options: object) -> pd.DataFrame:
    frame = c.raw_frame(table)
    get = c.column_reader(frame, c.header_keys(table))

    place = split_address(get("Adresse"))
    fields = {
        "kind_text": get("type"),
        "name": get("nom"),
        "sector_text": get("Secteur d'activités"),
        "address": place["address"],
        "postal_code": place["postal_code"],
        "city": place["city"],
        "phone": get("Téléphone"),
        "email": get("email"),
        "siret": get("SIRET"),
    }
    return c.staging(fields, table)


EXAMPLES: tuple[Example, ...] = (
    Example(
        filename="siae67.csv",
        # UTF-8 BOM, two-line address cells, spaced SIRET, a duplicate row (merged), CRLF.
        content=(
            "\ufefftype;nom;Secteur d'activités;Adresse;Téléphone;email;SIRET\r\n"
            "ETTI;TREMPLIN INTERIM 67;Travail temporaire d'insertion - BTP;\"10 rue des Artisans\r\n"
            ' 67000 STRASBOURG";03 88 00 00 01;contact@tremplin67.example;353 246 119 00013\r\n'
            'ACI;JARDINS DU RIED;Maraîchage biologique;"2 route de Colmar\r\n'
            ' 67600 SELESTAT";03 88 00 00 02;contact@jardinsried.example;631 229 838 00018\r\n'
            'ACI;JARDINS DU RIED;Maraîchage biologique;"2 route de Colmar\r\n'
            ' 67600 SELESTAT";03 88 00 00 02;contact@jardinsried.example;631 229 838 00018\r\n'
        ).encode("utf-8"),
        rows_read=3,
        rows_loaded=3,
        first_name="TREMPLIN INTERIM 67",
        kinds=("ETTI",),
    ),
    Example(
        filename="siae_bas_rhin.csv",
        # A one-line cell naming the head office and the site: the last place is kept.
        content=(
            "type;nom;Secteur d'activités;Adresse;Téléphone;email;SIRET\n"
            "AI;ENTRAIDE SERVICES;Mise à disposition de personnel;Siège : 8 rue Paul Langevin 21300 CHENOVE "
            "Structure : 104 rue de Hochfelden 67200 STRASBOURG;03 88 00 00 03;contact@entraide.example;"
            "622 390 037 00019\n"
        ).encode(),
        rows_read=1,
        rows_loaded=1,
        first_name="ENTRAIDE SERVICES",
        kinds=("AI",),
    ),
)

COUNTER_EXAMPLES: tuple[Example, ...] = (
    Example(
        filename="asp.csv",
        content=(
            "MESURE;CODE_DEPARTEMENT;LIBELLE_DPT;CODE_POSTAL;COMMUNE;CODE_NAF2;NATURE_JURIDIQUE;SIRET;"
            "DENOMINATION_SOCIALE;NUM_RUE;NOM_RUE;CODE_POST_COM;LIB_COM;TELEPHONE;MAIL_SIAE\n"
            "AI;067;BAS-RHIN;67000;STRASBOURG;7830Z;Association intermédiaire ;36227586900018;"
            "ENTRAIDE 67;1;Rue HAUTE;67000;STRASBOURG;;contact@e67.example\n"
        ).encode(),
        rows_read=1,
        rows_loaded=1,
        first_name="ENTRAIDE 67",
    ),
    Example(
        filename="inventaire.csv",
        content=b"type;nom;quantite\nchaise;Chaise pliante;12\ntable;Table ronde;3\n",
        rows_read=2,
        rows_loaded=2,
        first_name="Chaise pliante",
    ),
)
