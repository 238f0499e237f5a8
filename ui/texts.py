"""Every French text the app shows, in one place (code and comments stay English)."""

APP_TITLE = "Sourçage ESS"
APP_SUBTITLE = "Trouver des fournisseurs de l'économie sociale et solidaire pour vos achats"
PAGE_DIRECTORY = "Annuaire"

DEMO_BADGE = "Annuaire de démonstration : données fictives de démonstration"
DEMO_EXPLAIN = (
    "Vous consultez un annuaire **fictif** de démonstration ({n} fournisseurs). "
    "Chargez votre propre annuaire (liste CRESS, liste des SIAE, GEIQ, ESAT/EA, export du Marché de "
    "l'inclusion, extrait SIRENE ou FINESS) pour travailler sur des données réelles."
)
LOADED_FILE = "Annuaire chargé : **{filename}** ({format}) : {n} fournisseurs."

UPLOAD_HEADER = "Charger un annuaire"
UPLOAD_LABEL = "Fichier CSV, Excel (.xlsx) ou JSON"
UPLOAD_HELP = (
    "Le format est reconnu automatiquement : séparateur ; ou , , encodage UTF-8 ou Windows, "
    "plusieurs feuilles Excel. Taille maximale : {max_mb} Mo."
)
UPLOAD_TOO_LARGE = "Le fichier « {filename} » fait {size_mb:.1f} Mo : la taille maximale est de {max_mb} Mo."
UPLOAD_FAILED = "Import impossible : {message}"
UPLOAD_BUTTON = "Importer ce fichier"
BACK_TO_DEMO = "Revenir à l'annuaire de démonstration"
PROGRESS_READING = "Lecture du fichier…"

REPORT_HEADER = "Rapport d'import"
REPORT_SUMMARY = (
    "**{rows_read}** lignes lues : **{rows_loaded}** chargées, **{rows_rejected}** rejetées. "
    "**{suppliers}** fournisseurs distincts ({duplicates} doublons fusionnés)."
)
REPORT_FORMAT = "Format reconnu : {format} — encodage {encoding}, séparateur « {delimiter} »{sheet}."
REPORT_GEO = "Localisation"
REPORT_DOWNLOAD = "Télécharger le rapport ligne par ligne (CSV)"
REPORT_NO_ISSUE = "Aucune ligne rejetée, aucun avertissement."
REPORT_ROWS = "Lignes rejetées et avertissements"
REPORT_TABLE_NOTE = (
    "{n} lignes signalées ; le tableau en montre {shown}. Le fichier téléchargeable les contient toutes."
)

TABLE_HEADER = "Fournisseurs"
TABLE_NOTE = "Les {shown} premiers fournisseurs sur {n} sont affichés : utilisez la recherche pour affiner."
METRIC_SUPPLIERS = "Fournisseurs"
METRIC_LOCATED = "Localisés à la commune ou mieux"
METRIC_SIRET = "Avec un SIRET valide"

GEO_LABELS = {
    "address": "à l'adresse",
    "commune": "à la commune",
    "postal_code": "au code postal",
    "department": "au département",
    "none": "non localisés",
}
COLUMN_LABELS = {
    "name": "Raison sociale",
    "kinds": "Types",
    "sectors": "Secteurs",
    "city": "Commune",
    "postal_code": "Code postal",
    "department": "Dép.",
    "siret": "SIRET",
    "geo_precision": "Localisation",
    "source_line": "Ligne source",
}
