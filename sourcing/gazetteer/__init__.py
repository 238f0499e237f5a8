"""Offline French gazetteer: communes, postal codes, départements, régions and EPCI.

Everything here works from the committed CSV files under ``data/geo/`` (built by
``data/build_gazetteer.py``); nothing touches the network.

Public API (import it from here; one module per job behind it):

- ``names``: ``normalise_place_name`` / ``normalise_place_names``, canonical upper-case ASCII spelling
  of a place name; ``place_key`` / ``place_keys``, the same without articles and CEDEX, for matching.
- ``codes``: ``normalise_postal_code(s)``, ``normalise_department(s)``, ``normalise_insee_code(s)``,
  tolerant code cleaning, scalar and vectorised; ``department_of_postal_code(s)``.
- ``loading``: ``Gazetteer.load()``, the tables (``communes``, ``departments``, ``regions``, ``epcis``,
  ``postal_codes``) loaded once per process, with their disk cache.
- ``indexes``: the lookup indexes built from the tables.
- ``places``: ``resolve`` (what a buyer types -> ``Resolution``) and ``suggest`` (autocomplete ->
  ``Candidate`` list).
- ``geocode``: ``geocode`` (vectorised cascade for imported supplier lists).
"""

from sourcing.gazetteer.codes import (
    OVERSEAS_COLLECTIVITIES,
    department_of_postal_code,
    departments_of_postal_codes,
    normalise_department,
    normalise_departments,
    normalise_insee_code,
    normalise_insee_codes,
    normalise_postal_code,
    normalise_postal_codes,
)
from sourcing.gazetteer.geocode import GEOCODE_COLUMNS
from sourcing.gazetteer.indexes import CURRENT_TYPES
from sourcing.gazetteer.loading import DEFAULT_GEO_DIR, GEO_DIR_ENV, Gazetteer
from sourcing.gazetteer.names import normalise_place_name, normalise_place_names, place_key, place_keys
from sourcing.gazetteer.places import Candidate, PlaceKind, Resolution, Status

__all__ = [
    "CURRENT_TYPES",
    "DEFAULT_GEO_DIR",
    "GEOCODE_COLUMNS",
    "GEO_DIR_ENV",
    "OVERSEAS_COLLECTIVITIES",
    "Candidate",
    "Gazetteer",
    "PlaceKind",
    "Resolution",
    "Status",
    "department_of_postal_code",
    "departments_of_postal_codes",
    "normalise_department",
    "normalise_departments",
    "normalise_insee_code",
    "normalise_insee_codes",
    "normalise_place_name",
    "normalise_place_names",
    "normalise_postal_code",
    "normalise_postal_codes",
    "place_key",
    "place_keys",
]
