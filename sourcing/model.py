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


# The legal bases share their references to the reserved-contract articles and the ESS law.
_RESERVED_HANDICAP = "marchés réservés L2113-12"
_RESERVED_INSERTION = "marchés réservés L2113-13"
_ESS_LAW = "ESS (loi 2014-856 art. 1)"

KINDS: Final[tuple[Kind, ...]] = (
    Kind(
        "ESAT",
        "Établissement et service d'accompagnement par le travail",
        "handicap",
        f"CASF L344-2 ; {_RESERVED_HANDICAP}",
    ),
    Kind("EA", "Entreprise adaptée", "handicap", f"Code du travail L5213-13 ; {_RESERVED_HANDICAP}"),
    Kind(
        "EATT",
        "Entreprise adaptée de travail temporaire",
        "handicap",
        f"Code du travail L5213-13-3 ; {_RESERVED_HANDICAP}",
    ),
    Kind("EI", "Entreprise d'insertion", "insertion", f"Code du travail L5132-5 ; {_RESERVED_INSERTION}"),
    Kind(
        "ETTI",
        "Entreprise de travail temporaire d'insertion",
        "insertion",
        f"Code du travail L5132-6 ; {_RESERVED_INSERTION}",
    ),
    Kind("AI", "Association intermédiaire", "insertion", f"Code du travail L5132-7 ; {_RESERVED_INSERTION}"),
    Kind("ACI", "Atelier et chantier d'insertion", "insertion", f"Code du travail L5132-15 ; {_RESERVED_INSERTION}"),
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
    Kind("SCOP", "Société coopérative et participative", "ess", f"Loi 78-763 ; {_ESS_LAW}"),
    Kind("SCIC", "Société coopérative d'intérêt collectif", "ess", "Loi 47-1775 titre II ter ; ESS"),
    Kind("ASSOCIATION", "Association", "ess", f"Loi du 1er juillet 1901 ; {_ESS_LAW}"),
    Kind("MUTUELLE", "Mutuelle", "ess", f"Code de la mutualité ; {_ESS_LAW}"),
    Kind("FONDATION", "Fondation", "ess", f"Loi 87-571 ; {_ESS_LAW}"),
    Kind("COOPERATIVE", "Coopérative", "ess", f"Loi 47-1775 ; {_ESS_LAW}"),
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
    "source_date": ("string", "Date des données"),
    "source_line": ("int", "Ligne dans la source"),
}
# Columns that are not canonical fields but appear in tables buyers read (search results, lists).
DERIVED_LABELS: Final[dict[str, str]] = {
    "distance_km": "Distance (km)",
    "data_stale": "Données de plus d'un an",
    "match_reason": "Pourquoi",
    "status": "Statut",
    "notes": "Notes",
    "intervention_area": "Zone d'intervention",
}


def field_label(name: str) -> str:
    """The one French label of a field, declared once: canonical fields in `CANONICAL_COLUMNS`,
    table-only columns in `DERIVED_LABELS`. Exports, pages and change reports all read it here."""
    if name in CANONICAL_COLUMNS:
        return CANONICAL_COLUMNS[name][1]
    return DERIVED_LABELS[name]


def field_labels(*names: str) -> dict[str, str]:
    """{field: label} for `names`, in that order."""
    return {name: field_label(name) for name in names}


LIST_COLUMNS: Final[tuple[str, ...]] = tuple(c for c, (t, _) in CANONICAL_COLUMNS.items() if t == "list")
RAW_PREFIX: Final[str] = "raw:"
