"""ASP list of SIAE (structures de l'insertion par l'activité économique).

Header: ``MESURE;CODE_DEPARTEMENT;LIBELLE_DPT;CODE_POSTAL;COMMUNE;CODE_NAF2;
NATURE_JURIDIQUE;SIRET;DENOMINATION_SOCIALE;NUM_RUE;NOM_RUE;CODE_POST_COM;LIB_COM;
TELEPHONE;MAIL_SIAE``. The "additional data" variant drops the street and contact
columns and adds ``SITE WEB`` and up to nine ROME job codes with their titles
(``ROME``/``APPELATION``, ``ROME 2``/``APPELATION 2``...): the titles are the best
description of what the structure does, so they go to the sector text.

MESURE is the kind (ACI, EI, AI, ETTI). Postal code and commune: CODE_POST_COM/LIB_COM
belong to the street address (NUM_RUE, NOM_RUE) and are preferred; CODE_POSTAL/COMMUNE
(identical in the July 2019 file) are the fallback. CODE_DEPARTEMENT has 3 digits
("001"): kept as given, the normaliser reads it.
"""

from __future__ import annotations

import pandas as pd

from sourcing.formats import _common as c
from sourcing.formats.base import Example, RawTable

NAME = "asp-siae"
LABEL = "Liste des SIAE de l'ASP"
SOURCE_NAME = "ASP (liste des SIAE)"

# Columns both variants share: the score is the share of these present.
CORE = (
    "MESURE", "CODE_DEPARTEMENT", "LIBELLE_DPT", "CODE_POSTAL", "COMMUNE", "CODE_NAF2",
    "NATURE_JURIDIQUE", "SIRET", "DENOMINATION_SOCIALE",
)  # fmt: skip


def score(table: RawTable) -> float:
    """Share of the ASP core columns present; 0 without MESURE and DENOMINATION_SOCIALE."""
    return c.share_if_present(table, ("MESURE", "DENOMINATION_SOCIALE"), CORE)


def to_staging(table: RawTable, **_options: object) -> pd.DataFrame:
    frame = c.raw_frame(table)
    get = c.column_reader(frame, c.header_keys(table))

    fields = {
        "kind_text": get("MESURE"),
        "name": get("DENOMINATION_SOCIALE"),
        "siret": get("SIRET"),
        "naf": get("CODE_NAF2"),
        "legal_form": get("NATURE_JURIDIQUE"),
        "department": get("CODE_DEPARTEMENT"),
        "address": c.join_nonempty([get("NUM_RUE"), get("NOM_RUE")]),
        "postal_code": c.first_nonempty([get("CODE_POST_COM"), get("CODE_POSTAL")]),
        "city": c.first_nonempty([get("LIB_COM"), get("COMMUNE")]),
        "phone": get("TELEPHONE"),
        "email": get("MAIL_SIAE"),
        "website": get("SITE WEB"),
    }
    titles = [col for col in table.columns if c.header_key(col).startswith("appelation")]
    if titles:
        fields["sector_text"] = c.join_nonempty([c.text(frame, col) for col in titles], " ; ")
    return c.staging(fields, table)


_HEADER = (
    "MESURE;CODE_DEPARTEMENT;LIBELLE_DPT;CODE_POSTAL;COMMUNE;CODE_NAF2;NATURE_JURIDIQUE;SIRET;"
    "DENOMINATION_SOCIALE;NUM_RUE;NOM_RUE;CODE_POST_COM;LIB_COM;TELEPHONE;MAIL_SIAE"
)

EXAMPLES: tuple[Example, ...] = (
    Example(
        filename="liste_siae.csv",
        # 3-digit département, trailing space in the legal form, empty street number.
        content=(
            _HEADER + "\n"
            "ACI;001;AIN;01150;BLYES;9499Z;Association déclarée ;36227586900018;ASSOC LES PRES VERTS;;"
            "Allée DES PRUNUS;01150;BLYES;0474000000;contact@presverts.example\n"
            "ETTI;067;BAS-RHIN;67000;STRASBOURG;7820Z;SARL coopérative ouvrière de production (SCOP);"
            "53053041900015;INTERIM SOLIDAIRE 67;10;Rue DU TRAVAIL;67000;STRASBOURG;;contact@is67.example\n"
        ).encode("utf-8"),
        rows_read=2,
        rows_loaded=2,
        first_name="ASSOC LES PRES VERTS",
        kinds=("ACI", "ASSOCIATION"),
    ),
    Example(
        filename="liste_siae_additional_data.csv",
        # The ROME variant, cp1252 and CRLF: job titles become the sector text.
        content=(
            "MESURE;CODE_DEPARTEMENT;LIBELLE_DPT;CODE_POSTAL;COMMUNE;CODE_NAF2;NATURE_JURIDIQUE;SIRET;"
            "DENOMINATION_SOCIALE;SITE WEB;ROME;APPELATION;ROME 2;APPELATION 2\r\n"
            "EI;062;PAS-DE-CALAIS;62800;LIEVIN;8130Z;Association déclarée ;74900893400012;"
            "JARDINS DE L'ARTOIS;www.jardins-artois.example;A1203;Jardinier / Jardinière;"
            "F1704;Manoeuvre bâtiment\r\n"
        ).encode("cp1252"),
        rows_read=1,
        rows_loaded=1,
        first_name="JARDINS DE L'ARTOIS",
        kinds=("EI", "ASSOCIATION"),
    ),
)

COUNTER_EXAMPLES: tuple[Example, ...] = (
    Example(
        filename="geiq.csv",
        content=(
            b"GEIQ;ADRESSE;COMPLEMENT ADRESSE;VILLE;CODE POSTAL;EMAIL;TEL;NAF;SIRET\n"
            b"GEIQ BTP TEST;1 rue du Port;;BREST;29200;contact@geiq.example;02 98 00 00 00;7830Z;36227586900018\n"
        ),
        rows_read=1,
        rows_loaded=1,
        first_name="GEIQ BTP TEST",
    ),
    Example(
        filename="mesures.csv",
        # MESURE as a column of measurements, no company name: not the ASP list.
        content=b"MESURE;VALEUR;UNITE\nTemperature;21;C\nHumidite;40;%\n",
        rows_read=2,
        rows_loaded=0,
        first_name="",
    ),
)
