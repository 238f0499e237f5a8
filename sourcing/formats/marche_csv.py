"""Marché de l'inclusion, CSV (or XLSX) export of its structures.

The export's columns are the model's French labels, starting with ``Raison sociale;
Enseigne``, then, depending on the version, ``Type de structure; Adresse; Code postal;
Ville`` and client references, or ``Slug; Siret; Établissement; Type de structure; Type
de prestation; Site internet; Adresse; Ville; Code Postal; Département; Région; ...;
Secteurs d'activité; Inscrite; Lien vers le marché``; with contacts, ``Prénom; Nom;
E-mail; Téléphone; Réseau social``.

Beware: in this export "Nom" is the contact person's last name, not the structure's:
the name is "Raison sociale" only. "Type de structure" holds the kind's display text
("Entreprise d'insertion (EI)"), read by the normaliser.
"""

from __future__ import annotations

import pandas as pd

from sourcing.formats import _common as c
from sourcing.formats.base import Example, RawTable

NAME = "marche-csv"
LABEL = "Marché de l'inclusion (export CSV ou Excel)"
SOURCE_NAME = "Marché de l'inclusion"

_CORE = ("raison sociale", "enseigne", "type de structure", "ville")
# Columns only the marketplace's export has: each adds confidence.
_MARKERS = (
    "slug", "etablissement", "type de prestation", "inscrite", "lien vers le marche", "reference client 1",
    "secteurs d activite", "reseau social", "region", "quartier prioritaire de la politique de la ville api qpv",
)  # fmt: skip

# staging field -> header keys, first present wins (several for the export's versions).
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("raison sociale",),
    "trade_name": ("enseigne",),
    "kind_text": ("type de structure",),
    "siret": ("siret", "n siret"),
    "address": ("adresse",),
    "postal_code": ("code postal",),
    "city": ("ville",),
    "department": ("departement",),
    "sector_text": ("secteurs d activite", "secteurs"),
    "website": ("site internet", "site web"),
    "email": ("e mail", "email", "courriel"),
    "phone": ("telephone",),
    "description": ("description",),
    "labels_text": ("labels certifications", "labels"),
    "networks_text": ("reseaux",),
    "area_text": ("perimetre d intervention",),
}


def score(table: RawTable) -> float:
    """0.92 for the export's core columns opened by "Raison sociale; Enseigne", +0.02 per marker.

    The same columns in another order score 0.55, below a CRESS list that has them: the
    column order is the export's signature.
    """
    keys = [c.header_key(col) for col in table.columns]
    present = set(keys)
    if not all(k in present for k in _CORE):
        return 0.0
    if "code postal" not in present and "departement" not in present:
        return 0.0
    if keys[:2] != ["raison sociale", "enseigne"]:
        return 0.55
    markers = sum(1 for m in _MARKERS if m in present)
    return round(min(1.0, 0.92 + 0.02 * markers), 3)


def to_staging(table: RawTable, **_options: object) -> pd.DataFrame:
    keys = c.header_keys(table)
    frame = c.raw_frame(table)
    fields: dict[str, pd.Series] = {}
    for field_name, candidates in COLUMNS.items():
        col = next((keys[k] for k in candidates if k in keys), None)
        if col is not None:
            fields[field_name] = c.text(frame, col)
    if "area_text" in fields:  # "Distance en kilomètres (périmètre d'intervention)" completes "Distance"
        km = next((keys[k] for k in keys if k.startswith("distance en kilometres")), None)
        if km is not None:
            radius = c.text(frame, km).str.strip()
            fields["area_text"] = c.first_nonempty([(radius + " km").where(radius != "", ""), fields["area_text"]])
    return c.staging(fields, table)


EXAMPLES: tuple[Example, ...] = (
    Example(
        filename="liste_structures.csv",
        # The short export, comma-separated, with contact columns ("Nom" is the contact person).
        content=(
            "Raison sociale,Enseigne,Type de structure,Adresse,Code postal,Ville,Référence client 1,"
            "Référence client 2,Référence client 3,Prénom,Nom,E-mail,Téléphone,Réseau social\n"
            "RECYCLERIE DU VAL,La Recyclerie,Atelier chantier d'insertion (ACI),4 rue de la Gare,"
            "01600,Trévoux,Mairie de Trévoux,,,Anne,Dupont,contact@recyclerie.example,04 74 00 00 00,\n"
            'PROPRE ET NET,,Entreprise d\'insertion (EI),"10 avenue Jean Jaurès, bât. C",69007,Lyon,,,,,,,,\n'
        ).encode(),
        rows_read=2,
        rows_loaded=2,
        first_name="RECYCLERIE DU VAL",
        kinds=("ACI",),
    ),
    Example(
        filename="liste_structures_2023.csv",
        # The long export: SIRET, sectors, département and région, ";" and a UTF-8 BOM.
        content=(
            "\ufeffRaison sociale;Enseigne;Slug;Siret;Établissement;Type de structure;Type de prestation;"
            "Site internet;Adresse;Ville;Code Postal;Département;Région;Secteurs d'activité;Inscrite\n"
            "ESAT DES COTEAUX;;esat-des-coteaux-33;35645263100019;Siège;Etablissement et service d'aide "
            "par le travail (ESAT);Prestation de service;www.esat-coteaux.example;12 route de Libourne;"
            "Bordeaux;33000;33;Nouvelle-Aquitaine;Blanchisserie, Espaces verts;Oui\n"
        ).encode("utf-8"),
        rows_read=1,
        rows_loaded=1,
        first_name="ESAT DES COTEAUX",
        kinds=("ESAT",),
    ),
)

COUNTER_EXAMPLES: tuple[Example, ...] = (
    Example(
        filename="cress.csv",
        # A CRESS list with a name and a type of structure, but not the export's columns.
        content=(b"Nom;SIRET;Type de structure;Code postal;Commune\nCoop Atelier;66790243100010;SCOP;44000;Nantes\n"),
        rows_read=1,
        rows_loaded=1,
        first_name="Coop Atelier",
    ),
    Example(
        filename="fournisseurs.csv",
        content=b"Fournisseur;Montant;Date\nPapeterie X;120;2024-01-02\n",
        rows_read=1,
        rows_loaded=0,
        first_name="",
    ),
)
