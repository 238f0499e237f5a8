"""List of GEIQ (groupements d'employeurs pour l'insertion et la qualification).

Header: ``GEIQ;ADRESSE;COMPLEMENT ADRESSE;VILLE;CODE POSTAL;EMAIL;TEL;NAF;SIRET;;;`` (the
reader drops the empty trailing header names). The first column holds the GEIQ's name;
every row is a GEIQ, so the kind is always GEIQ.
"""

from __future__ import annotations

import pandas as pd

from sourcing.formats import _common as c
from sourcing.formats.base import Example, RawTable

NAME = "geiq"
LABEL = "Liste des GEIQ"
SOURCE_NAME = "Liste des GEIQ"

EXPECTED = ("GEIQ", "ADRESSE", "COMPLEMENT ADRESSE", "VILLE", "CODE POSTAL", "EMAIL", "TEL", "NAF", "SIRET")


def score(table: RawTable) -> float:
    """Share of the nine expected headers; 0 unless the first column is named "GEIQ"."""
    if not table.columns or c.header_key(table.columns[0]) != "geiq":
        return 0.0
    return round(c.share_present(table, EXPECTED), 3)


def to_staging(table: RawTable, **_options: object) -> pd.DataFrame:
    frame = c.raw_frame(table)
    get = c.column_reader(frame, c.header_keys(table))

    fields = {
        "name": get("GEIQ"),
        "kind_text": pd.Series("GEIQ", index=frame.index, dtype="str"),
        "address": c.join_nonempty([get("ADRESSE"), get("COMPLEMENT ADRESSE")], ", "),
        "city": get("VILLE"),
        "postal_code": get("CODE POSTAL"),
        "email": get("EMAIL"),
        "phone": get("TEL"),
        "naf": get("NAF"),
        "siret": get("SIRET"),
    }
    return c.staging(fields, table)


EXAMPLES: tuple[Example, ...] = (
    Example(
        filename="export_bbd_geiq.csv",
        # Empty trailing header names, a complement address, a trailing space in an e-mail,
        # spaced phones, a CEDEX city.
        content=(
            "GEIQ;ADRESSE;COMPLEMENT ADRESSE;VILLE;CODE POSTAL;EMAIL;TEL;NAF;SIRET;;;\n"
            "GEIQ BATIMENT ARMOR;12, rue du Port;;SAINT-BRIEUC;22000;contact@geiq-armor.example;"
            "02 96 00 00 00;7830Z;66520360000010;;;\n"
            "GEIQ PROPRETE LOIRE;Maison des Entreprises;16, rue de la Vallée;BLOIS CEDEX;41018;"
            "contact@geiq-loire.example ;02 54 00 00 00;7830Z;48044056900014;;;\n"
        ).encode(),
        rows_read=2,
        rows_loaded=2,
        first_name="GEIQ BATIMENT ARMOR",
        kinds=("GEIQ",),
    ),
    Example(
        filename="geiq_excel.csv",
        # cp1252, CRLF, a SIRET Excel wrote as a rounded float (reported, row still loaded).
        content=(
            "GEIQ;ADRESSE;COMPLEMENT ADRESSE;VILLE;CODE POSTAL;EMAIL;TEL;NAF;SIRET\r\n"
            "GEIQ AGRICOLE DE L'HÉRAULT;3 avenue d'Occitanie;;MONTPELLIER;34000;contact@geiq34.example;"
            "04 67 00 00 00;7830Z;6.0272081E+13\r\n"
        ).encode("cp1252"),
        rows_read=1,
        rows_loaded=1,
        first_name="GEIQ AGRICOLE DE L'HÉRAULT",
        kinds=("GEIQ",),
    ),
)

COUNTER_EXAMPLES: tuple[Example, ...] = (
    Example(
        filename="regional.csv",
        content=(
            "type;nom;Secteur d'activités;Adresse;Téléphone;email;SIRET\n"
            "GEIQ;GEIQ ALSACE;Qualification;1 rue X 67000 STRASBOURG;03 88 00 00 00;c@g.example;"
            "30439547800015\n"
        ).encode(),
        rows_read=1,
        rows_loaded=1,
        first_name="GEIQ ALSACE",
    ),
    Example(
        filename="sigles.csv",
        content=b"Sigle;Signification\nGEIQ;Groupement d'employeurs\nEA;Entreprise adaptee\n",
        rows_read=2,
        rows_loaded=0,
        first_name="",
    ),
)
