"""CRESS-style list of ESS enterprises: the tolerant, generic format (CSV or XLSX).

Regional CRESS directories, buyers' own spreadsheets and our demo directory all list
suppliers with a name, an identifier and a place, under headers that vary: "Raison
sociale" / "Nom" / "denomination_sociale", "N° SIRET" / "siret_etablissement", "CP" /
"Code postal"... Columns are matched on their normalised header (accents, case,
punctuation ignored): exact aliases first, then key words. Our own canonical column
names (English, as in `sourcing.model`, and their French labels) are aliases too.

Being the fallback, this format scores at most 0.9, so that a specific format always
wins on its own files.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from sourcing.formats import _common as c
from sourcing.formats.base import Example, RawTable
from sourcing.model import CANONICAL_COLUMNS

NAME = "cress"
LABEL = "Liste d'entreprises de l'ESS (CRESS ou tableau libre)"
SOURCE_NAME = "Liste d'entreprises de l'ESS"

MAX_SCORE = 0.9


@dataclass(frozen=True)
class Rule:
    field: str  # staging column
    aliases: tuple[str, ...]  # header keys matched exactly
    keyword: Callable[[str], bool] | None = None  # fallback test on a header key
    multi: bool = False  # several columns joined (e.g. "Agréments" and "Famille")


def _has(*words: str) -> Callable[[str], bool]:
    """Header key contains one of the words (whole words, or phrases)."""
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b")
    return lambda key: bool(pattern.search(key))


_PERSON = _has("contact", "dirigeant", "responsable", "referent", "president", "directeur", "prenom", "gerant")


def _canonical(*names: str) -> tuple[str, ...]:
    """Keys of our canonical column names and of their French labels."""
    keys = []
    for n in names:
        keys.append(c.header_key(n))
        if n in CANONICAL_COLUMNS:
            keys.append(c.header_key(CANONICAL_COLUMNS[n][1]))
    return tuple(keys)


# Order matters: a column goes to the first rule that claims it ("code commune" is the
# INSEE code before "commune" can be the city). Exact aliases of every rule are tried before
# any key word, so "Adresse mail" is an e-mail, not an address.
RULES: tuple[Rule, ...] = (
    Rule("siret", ("siret", "n siret", "no siret", "num siret", "numero siret", "numero de siret", "code siret",
                   "siret etablissement", "siret de l etablissement", "siret siege", *_canonical("siret")),
         _has("siret")),
    Rule("siren", ("siren", "n siren", "no siren", "numero siren", "siren entreprise", *_canonical("siren")),
         _has("siren")),
    Rule("name", ("raison sociale", "nom", "denomination", "denomination sociale", "nom de la structure",
                  "nom structure", "structure", "entreprise", "nom de l entreprise", "nom entreprise",
                  "organisme", "nom de l organisme", "nom etablissement", "nom de l etablissement",
                  "raison sociale de l entreprise", "libelle", *_canonical("name")),
         lambda k: not _PERSON(k) and _has("raison sociale", "denomination", "nom de la structure")(k)),
    Rule("trade_name", ("enseigne", "nom commercial", "sigle", "acronyme", "nom d usage", "marque",
                        *_canonical("trade_name")),
         _has("enseigne", "nom commercial", "sigle")),
    Rule("kind_text", ("agrements", "agrement", "type de structure", "types de structure", "type structure",
                       "famille", "type", "typologie", "categorie", "categorie de structure", "kinds", "kind",
                       "type d agrement", "agrement ess", "statut ess", "dispositif", *_canonical("kinds")),
         _has("agrement", "agrements", "type de structure", "types de structure", "famille"), multi=True),
    Rule("legal_form", ("forme juridique", "statut", "statut juridique", "nature juridique", "forme",
                        "categorie juridique", "legal form", *_canonical("legal_form")),
         _has("forme juridique", "statut juridique", "nature juridique", "categorie juridique")),
    Rule("naf", ("code naf", "naf", "ape", "code ape", "naf ape", "code naf ape", "ape naf", "code ape naf",
                 "naf rev 2", "activite principale code", *_canonical("naf")),
         _has("naf", "ape")),
    Rule("sector_text", ("activite", "activites", "secteur", "secteurs", "domaine", "domaines",
                         "secteur d activite", "secteurs d activite", "secteur d activites",
                         "secteurs d activites", "domaine d activite", "domaines d activite", "activite principale",
                         "prestations", "offre", "metiers", "sectors", *_canonical("sectors")),
         _has("secteur", "secteurs", "activite", "activites", "domaine", "domaines", "prestation", "prestations"),
         multi=True),
    Rule("description", ("description", "presentation", "descriptif", *_canonical("description")),
         _has("description", "presentation")),
    Rule("address", ("adresse", "adresse postale", "adresse 1", "adresse ligne 1", "adresse l1", "voie", "rue",
                     "numero et voie", "adresse du siege", "adresse siege", "adresse de l etablissement",
                     "complement d adresse", "complement adresse", "adresse 2", "adresse ligne 2", "adresse l2",
                     "complement", "address", "address line", *_canonical("address")),
         lambda k: _has("adresse", "complement d adresse")(k) and not _has("mail", "web", "internet", "e mail")(k),
         multi=True),
    Rule("insee_code", ("code insee", "code commune", "insee", "code insee commune", "code commune insee", "cog",
                        "code officiel geographique", *_canonical("insee_code")),
         _has("insee")),
    Rule("postal_code", ("code postal", "cp", "code post", "postal code", "zip", "zip code", "codepostal",
                         "post code", *_canonical("postal_code")),
         _has("code postal")),
    Rule("city", ("commune", "ville", "city", "localite", "libelle commune", "nom commune", "nom de la commune",
                  "commune d implantation", *_canonical("city")),
         lambda k: _has("commune", "ville", "localite")(k) and not _has("code")(k)),
    Rule("department", ("departement", "dept", "dep", "dpt", "code departement", "n departement",
                        "numero departement", *_canonical("department")),
         lambda k: _has("departement")(k) and not _has("libelle", "nom")(k)),
    Rule("lat", ("latitude", "lat", "y wgs84", "coord y", *_canonical("lat")), _has("latitude")),
    Rule("lon", ("longitude", "lon", "lng", "long", "x wgs84", "coord x", *_canonical("lon")), _has("longitude")),
    Rule("email", ("courriel", "e mail", "email", "mail", "adresse mail", "adresse email", "adresse e mail",
                   "mel", "adresse electronique", *_canonical("email")),
         _has("courriel", "mail", "email", "e mail")),
    Rule("phone", ("telephone", "tel", "tel fixe", "phone", "numero de telephone", "portable", "tel portable",
                   "n telephone", "n tel", *_canonical("phone")),
         _has("telephone", "tel")),
    Rule("website", ("site web", "site internet", "site", "url", "website", "web", "lien", *_canonical("website")),
         lambda k: _has("site", "url", "web")(k)),
    Rule("headcount", ("effectif", "effectifs", "tranche d effectif", "tranche d effectifs", "tranche effectif",
                       "tranche effectifs", "nombre de salaries", "salaries", "headcount", "headcount band",
                       *_canonical("headcount_band")),
         _has("effectif", "effectifs", "salaries")),
    Rule("labels_text", ("labels", "label", "labels et certifications", "certifications", *_canonical("labels")),
         _has("label", "labels")),
    Rule("networks_text", ("reseaux", "reseau", "networks", "reseau d appartenance", "reseaux d appartenance",
                           "tete de reseau", "federation", *_canonical("networks")),
         _has("reseau", "reseaux")),
    Rule("area_text", ("zone d intervention", "zones d intervention", "perimetre d intervention",
                       "territoire d intervention", "zone geographique", "area", "area text",
                       "zone d intervention geographique"),
         _has("intervention", "perimetre")),
    Rule("ess_flag", ("ess", "economie sociale et solidaire", "ess flag", "entreprise de l ess"), None),
    Rule("source_date", ("date de mise a jour", "date maj", "mise a jour", "derniere mise a jour", "source date",
                         "date de la source",
                         *_canonical("source_date")),
         _has("mise a jour")),
)  # fmt: skip

# Canonical intervention-area columns (our own exports): folded into area_text.
_AREA_RADIUS = set(_canonical("area_radius_km"))
_AREA_NATIONAL = set(_canonical("area_national"))
_AREA_DEPARTMENTS = set(_canonical("area_departments"))

# The fields that make a list of ESS enterprises; the score is the share found.
IMPORTANT = (
    "name", "siret", "postal_code", "city", "address", "kind_text", "legal_form",
    "sector_text", "naf", "insee_code", "email", "phone", "website", "headcount",
)  # fmt: skip
# At least one of these must be present: they say the rows are organisations, not people.
_ORGANISATION_SIGNALS = ("siret", "siren", "kind_text", "legal_form", "naf", "sector_text")


def match_columns(columns: list[str]) -> dict[str, list[str]]:
    """{staging field: [column names]} for a header, exact aliases first, then key words."""
    keys = {col: c.header_key(col) for col in columns}
    used: set[str] = set()
    found: dict[str, list[str]] = {}
    for rule in RULES:  # pass 1: exact aliases, in alias order
        for alias in rule.aliases:
            for col in columns:
                if col not in used and keys[col] == alias:
                    found.setdefault(rule.field, []).append(col)
                    used.add(col)
                    if not rule.multi:
                        break
            if rule.field in found and not rule.multi:
                break
    for rule in RULES:  # pass 2: key words, for fields still missing (or multi fields)
        if rule.keyword is None or (rule.field in found and not rule.multi):
            continue
        for col in columns:
            if col not in used and keys[col] and rule.keyword(keys[col]):
                found.setdefault(rule.field, []).append(col)
                used.add(col)
                if not rule.multi:
                    break
    position = {col: i for i, col in enumerate(columns)}
    return {f: sorted(cols, key=position.__getitem__) for f, cols in found.items()}  # joined in file order


def score(table: RawTable) -> float:
    """Share of the important fields found, scaled to 0.35..0.9; 0 without name and place/id.

    Needs a name column, one of SIRET / postal code / commune / INSEE code, and one
    column saying the rows are organisations (SIRET, SIREN, kind, legal form, NAF, sector).
    """
    found = match_columns(table.columns)
    if "name" not in found or not any(f in found for f in ("siret", "postal_code", "city", "insee_code")):
        return 0.0
    if not any(f in found for f in _ORGANISATION_SIGNALS):
        return 0.0
    share = sum(1 for f in IMPORTANT if f in found) / len(IMPORTANT)
    return round(0.35 + (MAX_SCORE - 0.35) * share, 3)


def _area_from_canonical(frame: pd.DataFrame, columns: list[str]) -> pd.Series | None:
    """area_text from our canonical area columns: "national", "30 km" or the départements."""
    by_key = {c.header_key(col): col for col in columns}
    radius = next((by_key[k] for k in by_key if k in _AREA_RADIUS), None)
    national = next((by_key[k] for k in by_key if k in _AREA_NATIONAL), None)
    departments = next((by_key[k] for k in by_key if k in _AREA_DEPARTMENTS), None)
    if not (radius or national or departments):
        return None
    r = c.text(frame, radius).str.strip()
    radius_text = (r + " km").where(r != "", "")
    nat = c.text(frame, national).str.strip().str.lower().isin(("true", "vrai", "oui", "1", "o", "yes"))
    deps = c.text(frame, departments).str.strip()
    deps = deps.where(~deps.isin(("[]", "nan")), "")
    deps = deps.str.strip("[]").str.replace("'", "", regex=False)
    return c.first_nonempty([pd.Series("national", index=frame.index).where(nat, ""), radius_text, deps])


def to_staging(table: RawTable, **_options: object) -> pd.DataFrame:
    """Rows -> staging columns; joined columns use ", " (address) or " ; " (lists)."""
    found = match_columns(table.columns)
    frame = c.raw_frame(table)
    fields: dict[str, pd.Series] = {}
    for field_name, cols in found.items():
        parts = [c.text(frame, col) for col in cols]
        if len(parts) == 1:
            fields[field_name] = parts[0]
        else:
            fields[field_name] = c.join_nonempty(parts, ", " if field_name == "address" else " ; ")
    if "area_text" not in fields:
        used = {col for cols in found.values() for col in cols}
        area = _area_from_canonical(frame, [col for col in table.columns if col not in used])
        if area is not None:
            fields["area_text"] = area
    return c.staging(fields, table)


EXAMPLES: tuple[Example, ...] = (
    Example(
        filename="cress_grand_est.csv",
        # cp1252 (Excel "CSV"), CRLF, a multi-line address cell, decimal-comma coordinates,
        # a spaced SIRET and an Excel-float SIRET, a postal code that lost its leading zero.
        content=(
            "Raison sociale;N° SIRET;Agréments;Forme juridique;Secteur d'activité;Adresse;"
            "Complément d'adresse;CP;Commune;Latitude;Longitude;Tél.;Courriel;Site web\r\n"
            "Atelier Vert Horizon;362 275 869 00018;ESUS, ACI;Association déclarée;Espaces verts;"
            '"12 rue des Tilleuls\r\nBâtiment B";;67000;Strasbourg;48,5734;7,7521;03 88 00 00 01;'
            "contact@vert-horizon.example;www.vert-horizon.example\r\n"
            "Coop Bois et Sens;7.4900893400012E+13;SCOP;SCOP SARL;Menuiserie;5 chemin du Moulin;ZA Est;1500;"
            "Ambérieu-en-Bugey;;;04 74 00 00 02;bois@coop.example;\r\n"
        ).encode("cp1252"),
        rows_read=2,
        rows_loaded=2,
        first_name="Atelier Vert Horizon",
        kinds=("ACI", "ESUS", "ASSOCIATION"),
    ),
    Example(
        filename="annuaire_demo.csv",
        # Our canonical English column names (the demo directory), comma-separated, UTF-8 BOM.
        content=(
            "\ufeffname,siret,kinds,sectors,postal_code,city,insee_code,lat,lon,area_text\n"
            "Les Jardins Solidaires,35324611900013,EI|ACI,espaces verts,69003,Lyon,69383,45.76,4.85,30 km\n"
            "Plateforme Tri Emploi,63122983800018,EA,recyclage,35000,Rennes,35238,,,Ille-et-Vilaine\n"
        ).encode("utf-8"),
        rows_read=2,
        rows_loaded=2,
        first_name="Les Jardins Solidaires",
        kinds=("EI", "ACI"),
    ),
    Example(
        filename="ess_nouvelle_aquitaine.csv",
        # snake_case headers, tab-separated, a row without a name (rejected by the normaliser).
        content=(
            b"denomination_sociale\tsiret_etablissement\ttype_de_structure\tcode_postal\tville\tcode_naf\n"
            b"Restaurant Le Partage\t63122983800018\tEntreprise d'insertion\t33000\tBordeaux\t56.10A\n"
            b"\t35324611900013\tESAT\t64000\tPau\t8122Z\n"
        ),
        rows_read=2,
        rows_loaded=1,
        first_name="Restaurant Le Partage",
        kinds=("EI",),
    ),
)

COUNTER_EXAMPLES: tuple[Example, ...] = (
    Example(
        filename="contacts.csv",
        # A list of people, not organisations: name and town but nothing about a structure.
        content=b"Nom;Prenom;Ville;Telephone\nMartin;Claire;Lyon;0600000000\nDurand;Paul;Metz;0600000001\n",
        rows_read=2,
        rows_loaded=0,
        first_name="",
    ),
    Example(
        filename="budget.csv",
        content=b"Poste;Montant 2025;Montant 2026\nFournitures;1200;1300\nEntretien;800;900\n",
        rows_read=2,
        rows_loaded=0,
        first_name="",
    ),
)
