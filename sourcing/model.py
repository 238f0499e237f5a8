"""The canonical supplier record and its controlled vocabularies.

Every importer ends in this one shape: a pandas DataFrame with exactly the columns of
`CANONICAL_COLUMNS` (plus `raw:<header>` columns that keep the source row verbatim for
traceability). List-valued fields (kinds, sectors, labels...) are Python lists in memory
and Parquet list columns on disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

# --- Supplier kinds -----------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    code: str
    label: str  # French, shown to buyers
    family: str  # "handicap", "insertion" or "ess"
    legal_basis: str  # shown on hover: what the kind means in law


KINDS: Final[tuple[Kind, ...]] = (
    Kind(
        "ESAT",
        "Établissement et service d'accompagnement par le travail",
        "handicap",
        "CASF L344-2 ; marchés réservés L2113-12",
    ),
    Kind("EA", "Entreprise adaptée", "handicap", "Code du travail L5213-13 ; marchés réservés L2113-12"),
    Kind(
        "EATT",
        "Entreprise adaptée de travail temporaire",
        "handicap",
        "Code du travail L5213-13-3 ; marchés réservés L2113-12",
    ),
    Kind("EI", "Entreprise d'insertion", "insertion", "Code du travail L5132-5 ; marchés réservés L2113-13"),
    Kind(
        "ETTI",
        "Entreprise de travail temporaire d'insertion",
        "insertion",
        "Code du travail L5132-6 ; marchés réservés L2113-13",
    ),
    Kind("AI", "Association intermédiaire", "insertion", "Code du travail L5132-7 ; marchés réservés L2113-13"),
    Kind("ACI", "Atelier et chantier d'insertion", "insertion", "Code du travail L5132-15 ; marchés réservés L2113-13"),
    Kind(
        "EITI",
        "Entreprise d'insertion par le travail indépendant",
        "insertion",
        "Loi 2018-771 art. 83 (expérimental) ; L2113-13 comme structure équivalente",
    ),
    Kind(
        "GEIQ",
        "Groupement d'employeurs pour l'insertion et la qualification",
        "insertion",
        "Code du travail L1253-1 ; pas de réservation, partenaire des clauses d'insertion",
    ),
    Kind(
        "SEP", "Service de l'emploi pénitentiaire (travail en détention)", "insertion", "CCP L2113-13-1, jamais combiné"
    ),
    Kind(
        "ESUS",
        "Entreprise solidaire d'utilité sociale (agrément)",
        "ess",
        "Code du travail L3332-17-1 ; L2113-15 si les conditions sont réunies",
    ),
    Kind("SCOP", "Société coopérative et participative", "ess", "Loi 78-763 ; ESS (loi 2014-856 art. 1)"),
    Kind("SCIC", "Société coopérative d'intérêt collectif", "ess", "Loi 47-1775 titre II ter ; ESS"),
    Kind("ASSOCIATION", "Association", "ess", "Loi du 1er juillet 1901 ; ESS (loi 2014-856 art. 1)"),
    Kind("MUTUELLE", "Mutuelle", "ess", "Code de la mutualité ; ESS (loi 2014-856 art. 1)"),
    Kind("FONDATION", "Fondation", "ess", "Loi 87-571 ; ESS (loi 2014-856 art. 1)"),
    Kind("COOPERATIVE", "Coopérative", "ess", "Loi 47-1775 ; ESS (loi 2014-856 art. 1)"),
    Kind("ESS", "Entreprise de l'ESS", "ess", "Loi 2014-856 art. 1"),
)
KIND_CODES: Final[tuple[str, ...]] = tuple(k.code for k in KINDS)
KIND_BY_CODE: Final[dict[str, Kind]] = {k.code: k for k in KINDS}
FAMILIES: Final[dict[str, str]] = {
    "handicap": "Handicap",
    "insertion": "Insertion par l'activité économique",
    "ess": "Économie sociale et solidaire",
}

# --- Geography precision ---------------------------------------------------------------

GEO_PRECISIONS: Final[tuple[str, ...]] = ("address", "commune", "postal_code", "department", "none")
GEO_PRECISION_LABELS: Final[dict[str, str]] = {
    "address": "adresse",
    "commune": "commune",
    "postal_code": "code postal",
    "department": "département",
    "none": "non localisé",
}

# --- Headcount bands (INSEE "tranche d'effectif salarié" codes) ------------------------

HEADCOUNT_BANDS: Final[dict[str, str]] = {
    "NN": "non renseigné",
    "00": "0 salarié",
    "01": "1 ou 2 salariés",
    "02": "3 à 5 salariés",
    "03": "6 à 9 salariés",
    "11": "10 à 19 salariés",
    "12": "20 à 49 salariés",
    "21": "50 à 99 salariés",
    "22": "100 à 199 salariés",
    "31": "200 à 249 salariés",
    "32": "250 à 499 salariés",
    "41": "500 à 999 salariés",
    "42": "1 000 à 1 999 salariés",
    "51": "2 000 à 4 999 salariés",
    "52": "5 000 à 9 999 salariés",
    "53": "10 000 salariés et plus",
}

# --- The canonical columns -------------------------------------------------------------

# name -> (pandas dtype as stored, French label for tables and exports)
CANONICAL_COLUMNS: Final[dict[str, tuple[str, str]]] = {
    "id": ("string", "Identifiant"),
    "siret": ("string", "SIRET"),
    "siren": ("string", "SIREN"),
    "name": ("string", "Raison sociale"),
    "trade_name": ("string", "Enseigne"),
    "kinds": ("list", "Types de structure"),
    "legal_form": ("string", "Forme juridique"),
    "naf": ("string", "Code NAF"),
    "sectors": ("list", "Secteurs"),
    "description": ("string", "Description"),
    "address": ("string", "Adresse"),
    "postal_code": ("string", "Code postal"),
    "city": ("string", "Commune"),
    "insee_code": ("string", "Code INSEE"),
    "department": ("string", "Département"),
    "region": ("string", "Région"),
    "epci": ("string", "EPCI"),
    "lat": ("float", "Latitude"),
    "lon": ("float", "Longitude"),
    "geo_precision": ("string", "Précision de la localisation"),
    "area_radius_km": ("float", "Rayon d'intervention (km)"),
    "area_departments": ("list", "Départements d'intervention"),
    "area_regions": ("list", "Régions d'intervention"),
    "area_national": ("bool", "Intervention nationale"),
    "headcount_band": ("string", "Tranche d'effectif"),
    "labels": ("list", "Labels"),
    "networks": ("list", "Réseaux"),
    "email": ("string", "Courriel"),
    "phone": ("string", "Téléphone"),
    "website": ("string", "Site web"),
    "source_name": ("string", "Source"),
    "source_date": ("string", "Date de la source"),
    "source_line": ("int", "Ligne dans la source"),
}
LIST_COLUMNS: Final[tuple[str, ...]] = tuple(c for c, (t, _) in CANONICAL_COLUMNS.items() if t == "list")
RAW_PREFIX: Final[str] = "raw:"
