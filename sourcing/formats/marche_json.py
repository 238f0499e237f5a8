"""Marché de l'inclusion, Django fixture of model ``siaes.siae`` (JSON).

The reader lifts each record's ``fields`` to columns (plus ``model`` and ``pk``). Mapping:
name, brand -> trade name, kind, siret, naf, legal_form, address, post_code, city,
department, coords ``SRID=4326;POINT (lon lat)`` -> lat/lon, description,
api_entreprise_employees -> headcount, updated_at -> source date.

Contacts: the marketplace publishes to buyers the ``contact_email``, ``contact_phone``
and ``contact_website`` a structure fills in itself. Its ``email`` and ``phone`` fields
are synchronised administrative data, and in the public development fixture they are
generated (fake) values, so they are never imported. ``website`` (from the ASP data) is
the fallback for ``contact_website``.
"""

from __future__ import annotations

import json

import pandas as pd

from sourcing.formats import _common as c
from sourcing.formats.base import Example, RawTable

NAME = "marche-json"
LABEL = "Marché de l'inclusion (export JSON)"
SOURCE_NAME = "Marché de l'inclusion"

MODEL = "siaes.siae"
_FIELDS = ("name", "brand", "kind", "siret", "post_code", "city", "coords", "department", "naf", "slug")
_POINT = r"POINT\s*\(\s*(?P<lon>[-+0-9.eE]+)\s+(?P<lat>[-+0-9.eE]+)\s*\)"


def score(table: RawTable) -> float:
    """1.0 when records are of model siaes.siae; else the share of its typical fields (max 0.85)."""
    if "model" in table.columns and table.rows:
        models = set(table.column("model")[:50]) - {""}
        if models == {MODEL}:
            return 1.0
        if models:
            return 0.0  # another Django model
    if "name" not in table.columns or "kind" not in table.columns:
        return 0.0
    return round(0.85 * sum(1 for f in _FIELDS if f in table.columns) / len(_FIELDS), 3)


def to_staging(table: RawTable, **_options: object) -> pd.DataFrame:
    frame = c.raw_frame(table)
    get = c.column_reader(frame)

    point = get("coords").str.extract(_POINT)
    fields = {
        "name": get("name"),
        "trade_name": get("brand"),
        "kind_text": get("kind"),
        "siret": get("siret"),
        "naf": get("naf"),
        "legal_form": get("legal_form"),
        "description": get("description"),
        "address": get("address"),
        "postal_code": get("post_code"),
        "city": get("city"),
        "department": get("department"),
        "lat": point["lat"].fillna(""),
        "lon": point["lon"].fillna(""),
        "email": get("contact_email"),
        "phone": get("contact_phone"),
        "website": c.first_nonempty([get("contact_website"), get("website")]),
        "headcount": get("api_entreprise_employees"),
        "source_date": get("updated_at").str[:10],
    }
    if "sectors" in frame:  # an export with sector names instead of primary keys
        fields["sector_text"] = get("sectors")
    return c.staging(fields, table)


def _fixture(*records: dict) -> bytes:
    return json.dumps(
        [{"model": MODEL, "pk": i, "fields": r} for i, r in enumerate(records, start=1)], ensure_ascii=False
    ).encode("utf-8")


EXAMPLES: tuple[Example, ...] = (
    Example(
        filename="01_siaes.json",
        # Generated "email"/"phone" are ignored; coordinates in EWKT; one record without coords.
        content=_fixture(
            {
                "address": "3 rue de la Solidarité",
                "post_code": "93230",
                "city": "Romainville",
                "department": "93",
                "coords": "SRID=4326;POINT (2.4319 48.8805)",
                "siret": "81391639200018",
                "naf": "5621Z",
                "kind": "EI",
                "legal_form": "SARL",
                "name": "CUISINE DU LIEN",
                "brand": "Le Lien à table",
                "phone": "+33 8 03 42 98 29",
                "email": "fake@generated.example",
                "website": "http://www.cuisine-lien.example",
                "description": "Traiteur d'insertion",
                "updated_at": "2020-12-18T10:40:16.387Z",
                "api_entreprise_employees": "50 à 99 salariés",
            },
            {
                "address": "",
                "post_code": "62200",
                "city": "Boulogne-sur-Mer",
                "department": "62",
                "coords": None,
                "siret": "85440996800013",
                "naf": "8130Z",
                "kind": "ACI",
                "name": "RIVAGES NETS",
                "brand": "",
                "contact_email": "contact@rivages.example",
                "contact_phone": "03 21 00 00 00",
                "updated_at": "2021-01-04T08:00:00Z",
            },
        ),
        rows_read=2,
        rows_loaded=2,
        first_name="CUISINE DU LIEN",
        kinds=("EI",),
    ),
    Example(
        filename="siaes_sans_model.json",
        # A plain list of records (no Django envelope) with the same field names.
        content=json.dumps(
            [
                {
                    "name": "ATELIER DU FIL",
                    "brand": "",
                    "kind": "EA",
                    "siret": "88322694600019",
                    "post_code": "69003",
                    "city": "Lyon",
                    "department": "69",
                    "coords": "SRID=4326;POINT (4.85 45.76)",
                    "naf": "1413Z",
                    "slug": "atelier-du-fil-69",
                },
            ]
        ).encode("utf-8"),
        rows_read=1,
        rows_loaded=1,
        first_name="ATELIER DU FIL",
        kinds=("EA",),
    ),
)

COUNTER_EXAMPLES: tuple[Example, ...] = (
    Example(
        filename="0c_sectors.json",
        content=json.dumps(
            [{"model": "sectors.sector", "pk": 1, "fields": {"name": "Espaces verts", "slug": "espaces-verts"}}]
        ).encode("utf-8"),
        rows_read=1,
        rows_loaded=0,
        first_name="",
    ),
    Example(
        filename="api.json",
        content=json.dumps({"results": [{"siren": "813916392", "nom_complet": "X", "siege": {"siret": "1"}}]}).encode(
            "utf-8"
        ),
        rows_read=1,
        rows_loaded=0,
        first_name="",
    ),
)
