"""Every French text the app shows, in one place (code and comments stay English).

Field labels are not here: each field has one label, in `sourcing.model` (`field_label`).
"""

from sourcing.model import field_labels

APP_TITLE = "Sourçage ESS"
APP_SUBTITLE = "Trouver des fournisseurs de l'économie sociale et solidaire pour vos achats"
PAGE_DIRECTORY = "Annuaire"

DEMO_BADGE = "Annuaire de démonstration : données fictives de démonstration"
DEMO_EXPLAIN = (
    "Vous consultez un annuaire **fictif** de démonstration ({n} fournisseurs), utilisé tant que l'annuaire "
    "de l'équipe n'a aucune source. Ajoutez vos listes (liste CRESS, liste des SIAE, GEIQ, ESAT/EA, export du "
    "Marché de l'inclusion, extrait SIRENE ou FINESS) pour travailler sur des données réelles."
)
LOADED_FILE = "Annuaire chargé : **{filename}** ({format}) : {n} fournisseurs."

UPLOAD_HEADER = "Ajouter une source à l'annuaire"
UPLOAD_LABEL = "Fichier CSV, Excel (.xlsx) ou JSON"
UPLOAD_HELP = (
    "Le format est reconnu automatiquement : séparateur ; ou , , encodage UTF-8 ou Windows, "
    "plusieurs feuilles Excel. Taille maximale : {max_mb} Mo."
)
UPLOAD_TOO_LARGE = "Le fichier « {filename} » fait {size_mb:.1f} Mo : la taille maximale est de {max_mb} Mo."
UPLOAD_FAILED = "Import impossible : {message}"
UPLOAD_BUTTON = "Ajouter cette source"
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
COLUMN_LABELS = field_labels(
    "name", "kinds", "sectors", "city", "postal_code", "department", "siret", "geo_precision", "source_line"
)

# --- Search page ------------------------------------------------------------------------------
PAGE_SEARCH = "Recherche et carte"
SEARCH_HEADER = "Trouver des fournisseurs"
FILTERS = "Filtres"
PLACE_LABEL = "Lieu de l'achat"
PLACE_PLACEHOLDER = "Commune, code postal ou code INSEE"
PLACE_HELP = (
    "Tapez le début d'un nom de commune ou un code postal : la liste propose les communes de {population} habitants "
    "et plus, les départements et les régions. Pour une commune plus petite, tapez son nom, son code postal "
    "ou son code INSEE puis validez avec Entrée."
)
PLACE_AMBIGUOUS = "« {text} » désigne plusieurs lieux : précisez lequel."
PLACE_CHOICE = "Lieu précis"
RADIUS_LABEL = "Distance maximale (km)"
AREA_LABEL = "Inclure les fournisseurs qui interviennent sur ce lieu"
AREA_HELP = (
    "Ajoute les fournisseurs situés plus loin dont la zone d'intervention déclarée (rayon, "
    "départements, régions ou tout le territoire) couvre le lieu de l'achat."
)
DEPARTMENTS_LABEL = "Départements"
REGIONS_LABEL = "Régions"
EPCI_LABEL = "Intercommunalités (EPCI)"
KINDS_HEADER = "Types de structure"
FAMILY_LABELS = {
    "handicap": "Handicap",
    "insertion": "Insertion par l'activité économique",
    "ess": "Économie sociale et solidaire",
}
SECTORS_LABEL = "Secteurs d'activité"
SECTORS_PLACEHOLDER = "Tapez pour chercher un secteur"
NAF_LABEL = "Code NAF"
NAF_HELP = "Un code NAF complet (81.30Z) ou son début (81.3)."
CPV_LABEL = "Code CPV"
CPV_HELP = "Le code CPV de votre achat : il est traduit en secteurs d'activité."
CPV_UNKNOWN = "Code CPV « {code} » inconnu de la nomenclature retenue."
CPV_MAPS_TO = "CPV {code} ({label}) : secteurs {sectors}"
KEYWORDS_LABEL = "Mots-clés"
KEYWORDS_HELP = (
    "Dans le nom, l'enseigne, la description et les secteurs ; accents, majuscules et fautes de frappe tolérés."
)
HEADCOUNT_LABEL = "Effectif"
SORT_LABEL = "Trier par"
SORT_OPTIONS = {"distance": "Distance", "name": "Nom", "contracts": "Marchés publics remportés"}
RESET = "Effacer les filtres"
SHARE_HINT = "L'adresse de cette page contient la recherche : copiez-la pour la partager."

RESULTS_COUNT = "{n} fournisseur(s) trouvé(s)"
RESULTS_NEAR = " à {radius} km ou moins de {place}"
NO_RESULT = "Aucun fournisseur ne correspond à ces critères."
WIDEN_RADIUS = "Aucun résultat à {radius} km ; {n} à {wider} km."
WIDEN_FILTER = "Sans le filtre « {filter} » : {n} résultat(s)."
WIDEN_BUTTON = "Élargir à {wider} km"
TABLE_RESULTS = "Résultats"
TABLE_SELECT_HINT = "Cliquez sur une ligne (ou sur un point de la carte) pour voir la fiche du fournisseur."
MAP_HEADER = "Carte"
MAP_OFFLINE = "Carte hors ligne"
MAP_OFFLINE_HELP = (
    "Sans internet, la carte montre les contours des départements et le nom des communes (les plus grandes "
    "d'abord, davantage en zoomant). Avec internet, elle utilise le plan IGN et passe d'elle-même en mode "
    "hors ligne si le plan ne se charge pas."
)
CHARTS_HEADER = "Répartition"
CHART_KINDS = "Par type de structure"
CHART_SECTORS = "Par secteur (10 premiers)"
CHART_DISTANCE = "Par distance"
CHART_EMPTY = "Rien à compter pour ces résultats."
DETAIL_HEADER = "Fiche fournisseur"
DETAIL_NONE = "Sélectionnez un fournisseur dans le tableau ou sur la carte."
DETAIL_SOURCE = "Source : {source}, données du {date} (ligne {line} du tableau d'origine, comme l'affiche un tableur)."
DETAIL_SHOW_ON_MAP = "Voir sur la carte"
DETAIL_FIELDS = field_labels(
    "siret",
    "trade_name",
    "legal_form",
    "naf",
    "address",
    "postal_code",
    "city",
    "department",
    "region",
    "headcount_band",
    "email",
    "phone",
    "website",
    "geo_precision",
)
COL_DISTANCE = "Distance (km)"
COL_KINDS = "Types"
COL_SECTORS = "Secteurs"
COL_CITY = "Commune"
COL_NAME = "Raison sociale"
COL_WEBSITE = "Site web"
COL_DEPARTMENT = "Dép."
DISTANCE_BANDS = ["0-10 km", "10-30 km", "30-60 km", "60-100 km", "100-200 km", "> 200 km"]
SPINNER_SEARCH = "Préparation de la recherche…"
SPINNER_MAP = "Préparation de la carte…"
PLACE_DEPARTMENT = "Département : {name} ({code})"
PLACE_REGION = "Région : {name}"
MORE_FILTERS = "Codes NAF / CPV, territoires, effectif"
NAF_UNREADABLE = "Code NAF « {code} » illisible."
DETAIL_FIELD = "Champ"
DETAIL_VALUE = "Valeur"
DETAIL_SECTORS = "**Secteurs** : "
SPINNER_DIRECTORY = "Chargement de l'annuaire…"
PAGE_ADVICE = "Conseil achat"

# --- Advice page ------------------------------------------------------------------------------
ADVICE_HEADER = "Conseil achat : ouvrir un marché aux structures de l'ESS"
ADVICE_INTRO = (
    "Décrivez votre achat : la page indique quels leviers juridiques (réservation, clause "
    "d'insertion, critère social, allotissement…) s'appliquent, combien de structures peuvent "
    "répondre près du lieu d'exécution, et prépare une note d'opportunité à télécharger."
)
ADVICE_NEED = "Ce que vous achetez"
ADVICE_NEED_PLACEHOLDER = "Ex. : entretien des espaces verts des écoles"
ADVICE_NATURE = "Nature du marché"
ADVICE_NATURES = {"travaux": "Travaux", "fournitures": "Fournitures", "services": "Services"}
ADVICE_AMOUNT = "Montant estimé HT sur toute la durée (€)"
ADVICE_AMOUNT_HELP = "Valeur totale du marché, reconductions comprises, hors taxes : c'est elle qui fixe la procédure."
ADVICE_DURATION = "Durée (mois)"
ADVICE_BUYER = "Type d'acheteur"
ADVICE_BUYERS = {
    "commune": "Commune",
    "epci": "Intercommunalité (EPCI)",
    "departement": "Département",
    "region": "Région",
    "etat": "État et ses établissements administratifs",
    "etablissement-public": "Établissement public local (hôpital, CCAS, OPH…)",
    "autre": "Autre acheteur public",
    "entite-adjudicatrice": "Entité adjudicatrice (eau, énergie, transports)",
    "defense": "Acheteur de la défense ou de la sécurité",
}
ADVICE_CPV = "Code CPV (facultatif)"
ADVICE_CPV_HELP = "8 chiffres, ex. 77310000. Plusieurs codes : séparez-les par des virgules."
ADVICE_SECTORS = "Secteurs d'activité (facultatif)"
ADVICE_SECTORS_HELP = "Sans secteur ni code CPV, le secteur est déduit des mots de « Ce que vous achetez »."
ADVICE_PLACE = "Lieu d'exécution"
ADVICE_PLACE_PLACEHOLDER = "Commune ou code postal, ex. Lyon ou 69003"
ADVICE_PLACE_HELP = "Laisser vide pour compter les structures de toute la France."
ADVICE_RADIUS = "Distance maximale des structures (km)"
ADVICE_DATE = "Date prévue de la consultation"
ADVICE_DATE_HELP = "Les seuils et les règles en vigueur à cette date sont appliqués."
ADVICE_LOTS = "Nombre de lots"
ADVICE_NATURE_HELP = (
    "La nature suit l'objet du marché : si vos codes CPV disent autre chose, les seuils les plus stricts "
    "sont appliqués et un avertissement s'affiche."
)
ADVICE_FRAMEWORK = "Accord-cadre"
ADVICE_FRAMEWORK_HELP = (
    "Cochez pour un accord-cadre (bons de commande, marchés subséquents) : le montant saisi est alors son "
    "montant maximum sur toute la durée, qui fixe la procédure."
)
ADVICE_DEFENCE = "Marché de défense ou de sécurité"
ADVICE_DEFENCE_HELP = (
    "Au sens de l'article L1113-1 (équipements, travaux ou services destinés à la défense ou sensibles pour "
    "la sécurité). Un acheteur de la défense qui achète du nettoyage ou des repas passe un marché ordinaire : "
    "ne cochez pas."
)
ADVICE_CENTRAL = "Autorité publique centrale ?"
ADVICE_CENTRAL_CHOICES = {None: "Je ne sais pas", True: "Oui", False: "Non"}
ADVICE_CENTRAL_HELP = (
    "Pour un établissement public ou un autre acheteur : les seuils européens de l'État (autorités publiques "
    "centrales) sont plus bas que ceux des autres acheteurs. Sans réponse, le plus bas est appliqué. Sans "
    "objet pour une commune, un département, une région ou l'État."
)
ADVICE_CAUTIONS = "Points de vigilance"
ADVICE_SETTINGS = "Paramètres du calcul des heures d'insertion"
ADVICE_SETTINGS_INTRO = "Laissez vide pour utiliser la valeur par défaut indiquée."
ADVICE_LABOUR_SHARE = "Part de main-d'œuvre (%)"
ADVICE_RATE = "Taux d'insertion (%)"
ADVICE_HOURLY_COST = "Coût horaire chargé (€)"
ADVICE_DEFAULT = "Par défaut : {value} — {source} ({confidence})"
ADVICE_DEFAULT_SHARE = "Par défaut : selon le secteur ({examples}…), sinon {value} — {source} ({confidence})"
ADVICE_SUBMIT = "Analyser l'achat"
ADVICE_SPINNER = "Analyse des leviers et comptage des structures…"
ADVICE_INPUT_ERROR = "Impossible d'analyser cet achat : {message}"
ADVICE_NEED_MISSING = "Décrivez ce que vous achetez."
ADVICE_EMPTY = "Remplissez le formulaire puis cliquez sur « Analyser l'achat »."
ADVICE_SUMMARY = "**{applies}** levier(s) sur {total} s'appliquent, dont **{mandatory}** obligatoire(s)."
ADVICE_AREA = "Structures comptées {area}."
ADVICE_LEVERS = "Leviers juridiques"
BADGE_MANDATORY = "Obligatoire"
BADGE_POSSIBLE = "Possible"
BADGE_NOT_APPLICABLE = "Ne s'applique pas"
BADGE_TO_CONFIRM = "à confirmer"
BADGE_TO_CONFIRM_HELP = "Règle ou valeur à vérifier sur Légifrance avant de l'utiliser."
ADVICE_REFS = "Références : {refs}"
ADVICE_CLAUSE = "Clause type à copier"
ADVICE_COUNTS = "Structures éligibles"
ADVICE_FAMILIES = {
    "handicap": "Handicap (EA, EATT, ESAT)",
    "insertion": "Insertion (SIAE)",
    "ess": "Entreprises de l'ESS",
}
# Family coverage (issue 12): a family the directory holds no supplier of at all.
ADVICE_NOT_COVERED = "non couvert"
ADVICE_NOT_COVERED_HELP = (
    "L'annuaire utilisé ne contient aucune structure de cette famille : zéro ne veut pas dire qu'il n'en existe "
    "pas près de chez vous. Ajoutez la liste qui les recense (voir le message ci-dessous)."
)
ADVICE_SEE_SUPPLIERS = "Voir ces structures sur la carte"
ADVICE_HOURS = "Heures d'insertion"
ADVICE_HOURS_METRIC = "Heures d'insertion à exiger"
ADVICE_HOURS_FORMULA = (
    "{amount} HT × part de main-d'œuvre {share} × taux d'insertion {rate} ÷ coût horaire {cost} = {hours} heures"
)
ADVICE_HOURS_SOURCES = {
    "labour_share": "Part de main-d'œuvre",
    "rate": "Taux d'insertion",
    "hourly_cost": "Coût horaire",
}
ADVICE_HOURS_NONE = "Achat de fournitures sans main-d'œuvre : pas d'heures d'insertion à calculer."
ADVICE_HOURS_ERROR = "Paramètres des heures d'insertion invalides : {message}"
ADVICE_THRESHOLDS = "Seuils en vigueur à la date de la consultation"
ADVICE_COL_THRESHOLD = "Seuil"
ADVICE_COL_AMOUNT = "Montant HT"
ADVICE_COL_REFERENCE = "Référence"
ADVICE_COL_VALIDITY = "En vigueur"
ADVICE_COL_CONFIDENCE = "Fiabilité"
ADVICE_SINCE = "depuis le {date}"
ADVICE_UNTIL = "jusqu'au {date}"
ADVICE_ALWAYS = "—"
ADVICE_NOTE = "Note d'opportunité"
ADVICE_NOTE_HELP = "Document Word reprenant l'achat, les leviers, les structures, les heures et les seuils."
ADVICE_DOWNLOAD = "Télécharger la note d'opportunité (Word)"
ADVICE_DIRECTORY_UPLOADED = "annuaire importé « {name} »"
# State that holds (issue 12): the form lives in the URL; an analysis of other values is flagged.
ADVICE_STALE = (
    "**Analyse à relancer** : le formulaire a changé depuis cette analyse ({fields}). Ce qui suit répond "
    "aux valeurs d'avant ; cliquez sur « Analyser l'achat » pour la mettre à jour."
)
ADVICE_STALE_DOWNLOAD = "Relancez l'analyse : la note doit décrire l'achat tel qu'il est dans le formulaire."
ADVICE_DISCLAIMER = (
    "Aide à la décision, pas un avis juridique : vérifiez sur Légifrance les règles marquées « à confirmer »."
)

# --- Shortlists and meetings ("Listes et rencontres") -------------------------------------------

PAGE_LISTS = "Listes et rencontres"
LOGIN_HEADER = "Connexion requise"
LOGIN_EXPLAIN = "Connectez-vous pour retrouver vos listes et vos rencontres (chaque acheteur ne voit que les siennes)."
LOGIN_BUTTON = "Se connecter"
LOGOUT_BUTTON = "Se déconnecter"
LOGGED_AS = "Connecté : {user}"
DB_ERROR = (
    "La base de données des listes est inaccessible ({message}). Vos listes ne sont pas perdues : "
    "réessayez dans un instant ou prévenez l'administrateur."
)

TAB_LISTS = "Mes listes"
TAB_MEETINGS = "Rencontres fournisseurs"
LISTS_NONE = (
    "Vous n'avez pas encore de liste. Créez-en une ci-dessous, ou ajoutez des fournisseurs depuis la page "
    "« Recherche et carte »."
)
LIST_PICK = "Liste"
LIST_OPTION = "{name} ({n} fournisseur{s})"
LIST_OPTION_SHARED = "{name} ({n} fournisseur{s}) — partagée par {owner}"
LIST_NEW = "Nouvelle liste"
LIST_NEW_NAME = "Nom de la nouvelle liste"
LIST_NEW_PLACEHOLDER = "Par exemple : Entretien des espaces verts 2027"
LIST_CREATE = "Créer la liste"
LIST_CREATED = "Liste « {name} » créée."
LIST_MANAGE = "Renommer, dupliquer, supprimer, partager"
LIST_RENAME = "Nouveau nom"
LIST_RENAME_BUTTON = "Renommer"
LIST_RENAMED = "Liste renommée en « {name} »."
LIST_DUPLICATE = "Dupliquer la liste"
LIST_DUPLICATED = "Copie créée : « {name} »."
LIST_DELETE = "Supprimer la liste"
LIST_DELETE_CONFIRM = (
    "Supprimer définitivement la liste « {name} » ? Ses {n} fournisseur(s), leurs notes et l'historique des "
    "contacts seront perdus (les rencontres déjà préparées sont conservées)."
)
LIST_DELETE_YES = "Oui, supprimer"
LIST_DELETE_NO = "Annuler"
LIST_DELETED = "Liste « {name} » supprimée."
LIST_SHARE = "Partager avec (adresse de connexion d'un collègue)"
LIST_SHARE_BUTTON = "Partager"
LIST_SHARED_WITH = "Partagée avec : {users}"
LIST_SHARED = "Liste partagée avec {user}."
LIST_UNSHARE = "Retirer le partage avec {user}"
LIST_OWNER_ONLY = "Seul le propriétaire de la liste ({owner}) peut la renommer, la supprimer ou la partager."
LIST_EMPTY = "Cette liste est vide : ajoutez des fournisseurs depuis la page « Recherche et carte »."
LIST_SUMMARY = "{n} fournisseur(s) — {by_status}"
LIST_EDIT_HINT = "Modifiez le statut et les notes directement dans le tableau : c'est enregistré aussitôt."
LIST_SAVED = "Modifications enregistrées ({n}) : {names}."
LIST_CHANGED_NOTE = (
    "{n} fournisseur(s) ont changé dans l'annuaire depuis leur ajout (colonne « Changé depuis l'ajout »)."
)
COL_STATUS = "Statut"
COL_NOTES = "Notes"
COL_CHANGES = "Changé depuis l'ajout"
COL_ADDED = "Ajouté le"
NOT_IN_DIRECTORY = "n'est plus dans aucune source de l'annuaire"

ENTRY_HEADER = "Suivi d'un fournisseur"
ENTRY_PICK = "Fournisseur"
ENTRY_SAVE = "Enregistrer le statut et les notes"
ENTRY_CONTACTS = "Historique des contacts"
ENTRY_NO_CONTACT = "Aucun contact enregistré."
CONTACT_DATE = "Date"
CONTACT_CHANNEL = "Canal"
CONTACT_TEXT = "Compte rendu"
CONTACT_AUTHOR = "Par"
CONTACT_ADD = "Enregistrer le contact"
CONTACT_ADDED = "Contact enregistré."
CONTACT_TEXT_PLACEHOLDER = "Par exemple : appel au directeur, intéressé, capacité 2 équipes"
ENTRY_CHANGES = "Changements depuis l'ajout à la liste"
ENTRY_NO_CHANGE = "Les données de l'annuaire n'ont pas changé depuis l'ajout."
ENTRY_ABSENT = (
    "Ce fournisseur n'est plus dans aucune source de l'annuaire (source retirée, ou liste plus récente "
    "qui ne le cite plus) : la liste garde les données du jour de l'ajout. À vérifier auprès de lui."
)
CHANGE_FIELD = "Champ"
CHANGE_OLD = "À l'ajout"
CHANGE_NEW = "Maintenant"
ENTRY_ACCEPT = "Prendre les données actuelles"
ENTRY_ACCEPTED = "Données mises à jour."
ENTRY_REMOVE = "Retirer de la liste"
ENTRY_REMOVED = "« {name} » retiré de la liste."

EXPORT_HEADER = "Exporter"

MEETING_NEW = "Préparer une rencontre acheteurs–fournisseurs"
MEETING_EXPLAIN = (
    "Une rencontre de sourçage (article R2111-1 du code de la commande publique) reçoit chaque fournisseur "
    "invité en tête-à-tête, sur un créneau. Donnez la même information à tous : la fiche de traçabilité le "
    "vérifie."
)
MEETING_TITLE = "Titre"
MEETING_TITLE_PLACEHOLDER = "Par exemple : Sourçage espaces verts"
MEETING_PURPOSE = "Objet (l'achat envisagé)"
MEETING_DATE = "Date"
MEETING_TIME = "Heure de début"
MEETING_PLACE = "Lieu ou lien de visioconférence"
MEETING_SLOT = "Durée d'un créneau (minutes)"
MEETING_BREAK = "Pause entre deux créneaux (minutes)"
MEETING_FROM_LIST = "Fournisseurs de la liste"
MEETING_STATUSES = "Inviter les fournisseurs au statut"
MEETING_ORDER = "Ordre de passage"
MEETING_ORDERS = {"name": "Par nom", "given": "Dans l'ordre de la liste"}
MEETING_CREATE = "Créer la rencontre et son programme"
MEETING_CREATED = "Rencontre « {title} » créée : {n} fournisseur(s) invité(s)."
MEETING_NO_LIST = "Créez d'abord une liste de fournisseurs (onglet « Mes listes »)."
MEETING_PICK = "Rencontre"
MEETING_OPTION = "{date} — {title}"
MEETING_NONE = "Aucune rencontre préparée pour l'instant."
MEETING_WHEN = "**{date}**, à partir de {time} — créneaux de {slot} min"
MEETING_WHERE = "Lieu ou lien : {place}"
MEETING_SCHEDULE = "Programme et invitations"
MEETING_REPLAN = "Refaire le programme"
MEETING_REPLANNED = "Programme refait."
MEETING_FILES = "Documents à télécharger"
MEETING_BRIEF_PICK = "Fiche d'un fournisseur invité"
MEETING_FILES_NONE = "Invitez au moins un fournisseur pour préparer les documents de la rencontre."
MEETING_ATTENDANCE = "Présences et information communiquée"
MEETING_ATTENDANCE_HINT = (
    "Après la rencontre, indiquez qui est venu et l'information donnée à chacun : c'est enregistré aussitôt."
)
MEETING_SAME_INFO = "Information communiquée à tous les invités"
MEETING_SAME_INFO_BUTTON = "Appliquer à tous"
MEETING_ATTENDED = "Présent"
MEETING_ATTENDED_OPTIONS = {"unknown": "non renseigné", "yes": "oui", "no": "non"}
MEETING_INFO = "Information communiquée"
MEETING_SLOT_COL = "Créneau"
MEETING_DELETE = "Supprimer la rencontre"
MEETING_DELETE_CONFIRM = "Supprimer la rencontre « {title} » et sa liste d'invitations ?"
MEETING_DELETED = "Rencontre « {title} » supprimée."

# Adding to a list from the search page
ADD_HEADER = "Ajouter à une liste"
ADD_TARGET = "Liste de destination"
ADD_NEW_OPTION = "(nouvelle liste…)"
ADD_NEW_NAME = "Nom de la nouvelle liste"
ADD_SELECTED = "Ajouter les {n} fournisseur(s) cochés"
ADD_NONE_SELECTED = "Cochez des fournisseurs dans le tableau pour les ajouter à une liste."
ADD_ONE = "Ajouter à la liste « {name} »"
ADD_DONE = "{added} fournisseur(s) ajouté(s) à « {name} » ({already} déjà présent(s))."
ADD_GO = "Ouvrir mes listes"
RESULTS_EXPORT = "Exporter les {n} résultats"
RESULTS_XLSX_TOO_MANY = (
    "Plus de {max} résultats : un classeur Excel prendrait plusieurs minutes à préparer. "
    "Téléchargez le CSV (Excel l'ouvre aussi) ou précisez la recherche."
)
TABLE_MULTI_HINT = (
    "Cochez une ou plusieurs lignes (ou cliquez sur un point de la carte) : la dernière cochée s'affiche dans la fiche."
)

# --- The team's directory: sources, versions, provenance (page "Annuaire") -----------------------

STORE_HEADER = "Annuaire de l'équipe"
STORE_SUMMARY = (
    "Version n° {number} du {built_at} : **{suppliers}** fournisseurs issus de **{n_sources}** source(s) "
    "({merged} fiches fusionnées car présentes dans plusieurs sources)."
)
STORE_EMPTY_AFTER_REMOVAL = "L'annuaire n'a plus aucune source : l'annuaire de démonstration est utilisé."
SOURCE_LABEL = "Nom de la source"
SOURCE_LABEL_HELP = (
    "Par exemple « Liste SIAE » ou « CRESS Auvergne-Rhône-Alpes ». Une source du même nom est remplacée."
)
SOURCE_DATE = "Date des données (facultatif)"
SOURCE_DATE_HELP = (
    "La date à laquelle la liste a été établie (AAAA-MM-JJ ou JJ/MM/AAAA), si le fichier ne la donne pas. "
    "Ce n'est pas la date d'aujourd'hui : une liste de 2019 reste une liste de 2019."
)
SOURCE_ADDED = "Source « {label} » ajoutée : {suppliers} fournisseurs, données du {date}."
SOURCES_HEADER = "Sources de l'annuaire"
SOURCES_NONE = "Aucune source pour l'instant."
SOURCES_COLUMNS = {
    "id": "N°",
    "label": "Source",
    "format_label": "Format",
    "suppliers": "Fournisseurs",
    "rows": "Lignes lues / chargées / rejetées",
    "data_date": "Données du",
    "age": "Ancienneté",
    "stale": "À vérifier",
    "families": "Familles couvertes",
    "added": "Ajoutée par, le",
}
SOURCE_STALE = "plus d'un an"
SOURCE_UNKNOWN_DATE = "date inconnue"
SOURCE_REMOVE = "Retirer une source"
SOURCE_REMOVE_PICK = "Source à retirer"
SOURCE_REMOVE_CONFIRM = "Je confirme : l'annuaire sera reconstruit sans cette source"
SOURCE_REMOVE_BUTTON = "Retirer la source"
SOURCE_REMOVED = "Source « {label} » retirée ; l'annuaire a été reconstruit."
UNUSABLE_SOURCES_HEADER = "Sources dont les fichiers sont introuvables ou illisibles"
UNUSABLE_SOURCES_EXPLAIN = (
    "Ces sources figurent dans la base de données mais leurs fichiers manquent dans le dossier de données, ou "
    "sont abîmés : "
    "l'annuaire ne peut pas être reconstruit tant qu'elles y sont. Rétablissez le dossier de données (l'annuaire "
    "revient au chargement suivant de la page) ou retirez-les ici, toutes ensemble."
)
UNUSABLE_SOURCES_CONFIRM = "Je confirme : l'annuaire sera reconstruit sans ces sources"
UNUSABLE_SOURCES_REMOVE = "Retirer ces sources ({n})"
UNUSABLE_SOURCES_REMOVED = "Sources retirées ({n}) ; l'annuaire a été reconstruit sans elles."
SOURCE_REPORT_PICK = "Rapport d'import de la source"
CONFLICTS_HEADER = "Désaccords entre sources ({n})"
CONFLICTS_NONE = "Les sources ne se contredisent sur aucun fournisseur."
CONFLICTS_EXPLAIN = (
    "Quand deux sources disent autre chose d'un même fournisseur (même SIRET), l'outil retient la plus récente, "
    "sauf pour les types de structure certifiés : la liste des SIAE fait foi pour l'insertion, FINESS et le "
    "Marché de l'inclusion pour les ESAT et EA."
)
CONFLICTS_DOWNLOAD = "Télécharger les désaccords (Excel)"
PROVENANCE_HEADER = "D'où viennent ces informations"
PROVENANCE_STALE = "Certaines informations viennent d'une source de plus d'un an : à vérifier auprès du fournisseur."
AGE_DAYS = "{n} jours"
AGE_MONTHS = "{n} mois"
AGE_YEARS = "{years} an(s) et {months} mois"
FRESH_LABEL = "Masquer les données de plus d'un an"
FRESH_HELP = (
    "Ne montrer que les fournisseurs qu'au moins une source de moins d'un an mentionne : un fournisseur "
    "connu seulement d'une vieille liste a pu changer d'adresse, d'activité ou fermer."
)
DETAIL_STALE = "Données de plus d'un an (ou de date inconnue) : à vérifier auprès du fournisseur."

# --- Live sources: building the directory from public data (page "Annuaire", issue 13) -----------
FETCH_HEADER = "Construire l'annuaire depuis les données publiques"
FETCH_EXPLAIN = (
    "Récupère les entreprises de l'ESS, les structures d'insertion, les associations… d'un territoire depuis "
    "l'API Recherche d'entreprises (données SIRENE publiques, sans compte). Rien n'est demandé à internet tant "
    "que vous ne cliquez pas sur « Récupérer » ; le résultat devient une source de l'annuaire, datée du jour."
)
FETCH_DEPARTMENT = "Département"
FETCH_DEPARTMENT_HELP = "Code du département : 59, 2A, 974…"
FETCH_NEAR = "Ou autour d'une commune"
FETCH_NEAR_HELP = "Commune ou code postal ; le rayon s'applique autour de son centre."
FETCH_RADIUS = "Rayon (km)"
FETCH_NAF = "Codes NAF (facultatif)"
FETCH_NAF_HELP = "Séparés par des virgules, par exemple 81.30Z, 81.21Z."
FETCH_ESS = "Entreprises de l'ESS"
FETCH_SIAE = "Structures d'insertion (SIAE)"
FETCH_FINESS = "Sanitaire et social (FINESS)"
FETCH_ASSOCIATION = "Associations"
FETCH_LABEL = "Nom de la source (facultatif)"
FETCH_LABEL_HELP = "Une source du même nom est remplacée : récupérer à nouveau met la source à jour."
FETCH_QUERY = "Demande : {description}"
FETCH_BUTTON = "Récupérer et ajouter à l'annuaire"
FETCH_RESUME_BUTTON = "Reprendre la récupération"
FETCH_RESUME = (
    "Une récupération de cette demande a été interrompue : {done} page(s) sur {total} déjà récupérée(s). "
    "Elle reprendra où elle s'est arrêtée."
)
FETCH_CANCEL = "Annuler"
FETCH_CANCEL_HELP = "Arrête la récupération ; les pages déjà reçues sont gardées pour la reprendre plus tard."
FETCH_CANCELLED = "Récupération annulée : les pages déjà reçues sont gardées, l'annuaire est inchangé."
FETCH_STARTING = "Connexion à l'API Recherche d'entreprises…"
FETCH_FAILED = "Récupération impossible : {message}"
FETCH_NONE = "Aucun résultat pour « {description} » : rien n'a été ajouté à l'annuaire."
FETCH_ADDED = (
    "Source « {label} » ajoutée : {suppliers} fournisseurs ({companies} entreprises trouvées), "
    "données récupérées le {date}."
)
FETCH_SKIPPED = "Page(s) illisible(s) ignorée(s) : {pages}. Relancez la même demande plus tard pour les compléter."
FETCH_TRUNCATED = "Seuls les 10 000 premiers résultats ont été récupérés : précisez la demande (NAF, commune…)."

# --- Streamlit's own texts, in French (ui/french_ui.py and ui/french_ui.js) ----------------------
# Streamlit 1.67 has no locale option: its built-in texts are English literals in its JavaScript.
# Exact texts (a whole text node, placeholder, aria-label or title) and their French version.
STREAMLIT_TEXTS = {
    "Upload": "Choisir un fichier",
    "Browse files": "Parcourir",
    "Drag and drop file here": "Glissez-déposez le fichier ici",
    "Drag and drop a file here": "Glissez-déposez un fichier ici",
    "Drag and drop files here": "Glissez-déposez les fichiers ici",
    "Choose an option": "Choisir",
    "Choose options": "Choisir",
    "Choose or add an option": "Choisir ou saisir",
    "Choose or add options": "Choisir ou saisir",
    "No results": "Aucun résultat",
    "Select all": "Tout sélectionner",
    "Clear all": "Tout effacer",
    "Clear value": "Effacer",
    "Clear": "Effacer",
    "Remove": "Retirer",
    "Delete": "Supprimer",
    "Page not found": "Page introuvable",
    "Running...": "Calcul en cours…",
    "Stop": "Arrêter",
    "Stopping...": "Arrêt…",
    "Rerun": "Relancer",
    "Settings": "Paramètres",
    "Print": "Imprimer",
    "About": "À propos",
    "Clear cache": "Vider le cache",
    "Clear caches": "Vider les caches",
    "Cancel": "Annuler",
    "Close": "Fermer",
    "Get help": "Aide",
    "Report a bug": "Signaler un problème",
    "Main menu": "Menu principal",
    "Download as CSV": "Télécharger en CSV",
    "Search": "Rechercher",
    "Fullscreen": "Plein écran",
    "Close fullscreen": "Quitter le plein écran",
    "Show/hide columns": "Afficher ou masquer des colonnes",
    "Copy to clipboard": "Copier",
    "Please wait...": "Patientez…",
    "Connecting": "Connexion…",
    "Theme": "Thème",
    "Light": "Clair",
    "Dark": "Sombre",
    "System": "Système",
    "Appearance": "Apparence",
    "Wide mode": "Pleine largeur",
    "Run on save": "Relancer à l'enregistrement",
    "Choose app theme, colors and fonts": "Thème, couleurs et polices",
    "Made with Streamlit": "Fait avec Streamlit",
    "Open sidebar": "Ouvrir le panneau",
    "Close sidebar": "Fermer le panneau",
    "Collapse sidebar": "Replier le panneau",
    "Expand sidebar": "Déplier le panneau",
    "View more": "Voir plus",
    "View less": "Voir moins",
    "Skip to main content": "Aller au contenu",
    "Sidebar": "Panneau latéral",
    "App pages": "Pages de l'application",
    "Link to heading": "Lien vers ce titre",
    "file upload": "dépôt de fichier",
    "Download": "Télécharger",
    "Show data": "Voir les données",
    "Show password": "Afficher le mot de passe",
    "Hide password": "Masquer le mot de passe",
    "Increment": "Augmenter",
    "Decrement": "Diminuer",
    "Open": "Ouvrir",
}
# Texts with a variable part: JavaScript regular expression (whole text) -> replacement ($1...).
STREAMLIT_PATTERNS = {
    r"^Add: (.*)$": "Ajouter : $1",
    r"^Press Enter to submit form$": "Appuyez sur Entrée pour valider",
    r"^Press Enter to apply$": "Appuyez sur Entrée pour appliquer",
    r"^Press (?:⌘|Ctrl)\+Enter to submit form$": "Ctrl+Entrée pour valider",
    r"^Press (?:⌘|Ctrl)\+Enter to apply$": "Ctrl+Entrée pour appliquer",
    r"^(\d+(?:\.\d+)?)\s?([KMGT])B per file$": "$1 $2o par fichier",
    r"^Limit (\d+(?:\.\d+)?)\s?([KMGT])B per file(.*)$": "Limite : $1 $2o par fichier$3",
    r"^You have requested page (.*), but no corresponding file was found in the app's pages/ directory(.*)$": (
        "La page $1 n'existe pas : voici la page d'accueil."
    ),
    r"^The page that you have requested does not seem to exist\. Running the app's main page\.$": (
        "La page demandée n'existe pas : voici la page d'accueil."
    ),
    r"^(.*) does not seem to exist\. Running the app's main page\.$": (
        "La page demandée n'existe pas : voici la page d'accueil."
    ),
    r"^Select all (\d+) matches$": "Sélectionner les $1 résultats",
    r"^Help for (.*)$": "Aide : $1",
}

# --- Keywords and places (issue 12: the words buyers use) ---
COL_REASON = "Pourquoi"
PLACE_NOT_UNDERSTOOD = "Lieu non compris : « {text} »."
PLACE_SUGGESTION = "Vouliez-vous dire :"
PLACE_NOT_UNDERSTOOD_MAIN = (
    "Lieu non compris : « {text} ». Choisissez un lieu proposé dans le panneau de gauche ; en attendant, "
    "la recherche porte sur toute la France, sans distance."
)

# --- Team deployment: roles, audit trail, sign-in errors (issue 16) ----------------------------------
SOURCES_ADMIN_ONLY = (
    "Seuls les administrateurs de l'annuaire ajoutent ou retirent des sources. "
    "Demandez à l'un d'eux si une liste manque ou doit être retirée."
)
AUDIT_HEADER = "Journal des modifications (administrateurs)"
AUDIT_EXPLAIN = "Qui a ajouté ou retiré une source, partagé ou supprimé une liste, et quand (les plus récents d'abord)."
AUDIT_EMPTY = "Aucune modification enregistrée pour l'instant."
AUDIT_COLUMNS = {
    "at": "Date (UTC)",
    "actor": "Par",
    "action": "Action",
    "subject": "Source ou liste",
    "detail": "Détail",
}
AUDIT_ACTIONS = {
    "source_added": "Source ajoutée",
    "source_removed": "Source retirée",
    "list_shared": "Liste partagée",
    "list_unshared": "Partage retiré",
    "list_deleted": "Liste supprimée",
}
ACTION_REFUSED = "Action refusée : {message}"
LOGIN_FAILED = (
    "La connexion n'a pas abouti (refusée ou expirée). Cliquez de nouveau sur « Se connecter » ; "
    "si cela se répète, contactez l'administrateur de l'outil."
)
# --- Geocoding at the address (page "Annuaire", issue 13 item 2) --------------------------------
GEOCODE_HEADER = "Localiser les fournisseurs à leur adresse (Base Adresse Nationale)"
GEOCODE_EXPLAIN = (
    "Par défaut, un fournisseur sans coordonnées est placé au centre de sa commune (sans internet). Sur "
    "demande, ses adresses sont envoyées au service de géocodage de la Géoplateforme (IGN, Base Adresse "
    "Nationale) : un fournisseur trouvé à son adresse avec un score suffisant y est placé, les autres restent "
    "au centre de leur commune. Les adresses déjà demandées ne le sont jamais deux fois ; le résultat devient "
    "la source « {label} » de l'annuaire."
)
GEOCODE_MIN_SCORE = "Score minimal"
GEOCODE_MIN_SCORE_HELP = (
    "Entre 0 et 1 : sous ce score de correspondance, le fournisseur reste au centre de sa commune. "
    "0,6 par défaut ; plus haut, moins d'adresses mais plus sûres."
)
GEOCODE_LAST = "Dernier géocodage : {suppliers} fournisseur(s) localisé(s) à l'adresse, le {date}."
GEOCODE_BUTTON = "Localiser à l'adresse"
GEOCODE_CANCEL = "Annuler le géocodage"
GEOCODE_CANCEL_HELP = "Arrête le géocodage ; les adresses déjà reçues sont gardées et ne seront plus demandées."
GEOCODE_CANCELLED = "Géocodage annulé : les réponses déjà reçues sont gardées, l'annuaire est inchangé."
GEOCODE_STARTING = "Connexion au service de géocodage de la Géoplateforme…"
GEOCODE_FAILED = "Géocodage impossible : {message}"
GEOCODE_DONE = (
    "Géocodage terminé : {located} fournisseur(s) localisé(s) à l'adresse sur {candidates} "
    "({asked} adresse(s) demandée(s), {cached} déjà connue(s)) ; {kept} gardé(s) au centre de leur commune."
)
GEOCODE_NOT_JOINABLE = "{n} fournisseur(s) sans SIRET ni SIREN n'ont pas pu être géocodés."
GEOCODE_MALFORMED = "{n} réponse(s) illisible(s) ignorée(s) : relancez plus tard pour les compléter."
GEOCODE_UNCHANGED = "L'annuaire était déjà à jour."


# --- Purchasing programme and annual report (page "Programme d'achats") -----------------------------

PAGE_PLAN = "Programme d'achats"
PLAN_HEADER = "Programme prévisionnel des achats"
PLAN_INTRO = (
    "Chargez le programme de l'année tel que vous le tenez (Excel ou CSV : objet, CPV, montant estimé, durée, "
    "lieu, date prévue, nature) ou saisissez-le dans la grille. Chaque achat passe par le conseil achat : "
    "leviers et articles, structures éligibles à proximité, heures d'insertion, marchés ou lots réservables."
)
PLAN_TAB_PROGRAMME = "Programme de l'année"
PLAN_TAB_REPORT = "Bilan annuel"
PLAN_SOURCE = "Programme"
PLAN_SOURCE_FILE = "Charger un fichier"
PLAN_SOURCE_GRID = "Saisir dans une grille"
PLAN_UPLOAD = "Programme d'achats (Excel .xlsx ou CSV)"
PLAN_UPLOAD_HELP = (
    "Les colonnes sont reconnues à leur intitulé (« Objet », « Montant estimé HT », « Code CPV », « Durée », "
    "« Lieu d'exécution », « Date prévisionnelle », « Nature »…), même sous un titre ou des en-têtes fusionnés."
)
PLAN_GRID_HELP = "Une ligne par achat ; l'objet et le montant suffisent, le reste affine l'analyse."
PLAN_BUYER = "Type d'acheteur"
PLAN_NEAR = "Lieu par défaut"
PLAN_NEAR_HELP = "Commune, code postal ou département : utilisé pour les achats sans lieu ou au lieu non reconnu."
PLAN_RADIUS = "Distance des structures (km)"
PLAN_SUBMIT = "Analyser le programme"
PLAN_SPINNER = "Analyse de chaque achat…"
PLAN_ERROR = "Analyse impossible : {message}"
PLAN_EMPTY = "Chargez un programme ou saisissez des achats, puis lancez l'analyse."
PLAN_NOTHING = "Aucun achat n'a pu être analysé : voyez le rapport de lecture ci-dessous."
PLAN_ROWS = (
    "**{rows_read}** lignes lues : **{analysed}** achats analysés, **{rejected}** lignes écartées "
    "(titres, sous-totaux, lignes incomplètes) ; {warnings} avertissement(s)."
)
PLAN_REPORT_DETAIL = "Rapport de lecture (lignes écartées et avertissements)"
PLAN_METRIC_TOTAL = "Montant analysé (HT)"
PLAN_METRIC_SOCIAL = "Part pouvant porter une considération sociale"
PLAN_METRIC_SOCIAL_HELP = (
    "Montant des achats où une clause d'insertion s'applique ou où une réservation est viable au vu des "
    "structures proches (assez de structures pour un lot ou le marché entier)."
)
PLAN_METRIC_RESERVABLE = "Achats réservables (marché ou lot)"
PLAN_LEVERS = "Leviers mobilisables sur le programme"
PLAN_PRIORITIES = "Achats à traiter en priorité"
PLAN_PRIORITIES_HELP = "Les plus gros montants où une réservation, puis une clause, est possible."
PLAN_SUPPLIERS = "Structures à rencontrer"
PLAN_LINES = "Tous les achats"
PLAN_DETAIL = "Détail d'un achat"
PLAN_DETAIL_PICK = "Achat"
PLAN_DETAIL_LINE = "Ligne {line} – {need}"
PLAN_DETAIL_FACTS = (
    "{amount} HT sur {months} mois, lancement prévu le {date}, {nature} ; structures cherchées : {place}."
)
PLAN_DETAIL_HOURS = "Heures d'insertion possibles : **{hours}** h."
PLAN_DETAIL_LEVERS = "Leviers, articles et dates d'entrée en vigueur"
PLAN_DETAIL_SUPPLIERS = "Structures éligibles les plus proches ({shown} sur {total})"
PLAN_DETAIL_NO_SUPPLIER = "Aucune structure éligible à proximité dans ce secteur : élargissez la distance."
PLAN_PREPARE = "Créer la liste et la rencontre de cet achat"
PLAN_PREPARE_HELP = (
    "Crée la liste « Programme – objet (ligne N) » avec ces structures et une rencontre de sourçage "
    "quelques semaines avant le lancement ; à retrouver sur la page Listes et rencontres."
)
PLAN_PREPARED = (
    "Liste « {name} » : {added} structure(s) ajoutée(s). Rencontre du {start} : {invited} structure(s) invitée(s)."
)
PLAN_EXPORTS = "Exporter"
PLAN_DOWNLOAD_XLSX = "Classeur Excel (une feuille par vue)"
PLAN_DOWNLOAD_DOCX = "Synthèse pour les élus (Word)"
PLAN_DOWNLOAD_PDF = "Synthèse pour les élus (PDF)"
PLAN_FAMILIES = {"handicap": "Handicap", "insertion": "Insertion", "ess": "ESS"}

ANNUAL_INTRO = (
    "Chargez la liste de vos marchés notifiés (objet, montant, date, CPV, clause sociale oui/non, critère "
    "social oui/non, marché réservé oui/non, heures d'insertion) : le bilan calcule les parts de marchés et "
    "de montant avec une considération sociale, par année et par famille d'achats, au format du bilan "
    "annuel du SPASER."
)
ANNUAL_UPLOAD = "Marchés notifiés (Excel .xlsx ou CSV)"
ANNUAL_ROWS = "**{rows_read}** lignes lues : **{analysed}** marchés comptés, **{rejected}** lignes écartées."
ANNUAL_BY_YEAR = "Indicateurs par année"
ANNUAL_CHART = "Part des marchés avec une considération sociale (%)"
ANNUAL_BY_FAMILY = "Par famille d'achats"
ANNUAL_HOURS = "Heures d'insertion prévues"
ANNUAL_DOWNLOAD = "Bilan annuel SPASER (Excel)"
ANNUAL_ERROR = "Lecture impossible : {message}"
# Annual report from the DECP by the buyer's SIRET (tab "Bilan annuel")
ANNUAL_SOURCE = "Marchés du bilan"
ANNUAL_SOURCE_FILE = "Depuis mon fichier"
ANNUAL_SOURCE_DECP = "Depuis les données essentielles (DECP) par SIRET de l'acheteur"
ANNUAL_DECP_INTRO = (
    "Saisissez le SIRET de votre organisme : le bilan lit les marchés qu'il a publiés dans les données "
    "essentielles de la commande publique (DECP consolidées, data.gouv.fr) et calcule les mêmes parts, par "
    "année et par famille d'achats, au format du bilan annuel du SPASER."
)
ANNUAL_DECP_SIRET = "SIRET de votre organisme (acheteur, 14 chiffres)"
ANNUAL_DECP_GO = "Lire mes marchés dans les DECP"
ANNUAL_DECP_SPINNER = "Lecture des marchés publiés dans les DECP consolidées (data.gouv.fr)…"
ANNUAL_DECP_FAILED = "Lecture des DECP impossible : {message}"
ANNUAL_DECP_ROWS = (
    "**{buyer}** : **{contracts}** marché(s) trouvé(s) dans les DECP ; **{rows_read}** lignes lues : "
    "**{analysed}** comptées (modifications et cotitulaires regroupés), **{rejected}** écartées."
)
ANNUAL_DECP_EMPTY = (
    "Aucun marché publié pour ce SIRET ({siret}) dans les DECP consolidées : vérifiez le SIRET (celui de "
    "l'acheteur, pas d'un fournisseur) ou partez de votre fichier."
)
ANNUAL_DECP_NO_HOURS = (
    "Les DECP ne publient pas les heures d'insertion : elles sont comptées 0 dans ce bilan. Pour les y "
    "porter, partez de votre fichier."
)

# --- Public contracts won (DECP): filter, card, page "Annuaire" ---------------------------------
CONTRACTS_FILTER_LABEL = "A déjà remporté un marché public"
CONTRACTS_FILTER_HELP = (
    "Seulement les fournisseurs titulaires d'au moins un marché public d'après les données essentielles "
    "de la commande publique (DECP) récupérées sur la page « Annuaire »."
)
CONTRACTS_LINE = "**Marchés publics** : {sentence}"
CONTRACTS_LIST = "Derniers marchés publics remportés"
CONTRACTS_HEADER = "Ajouter les marchés publics remportés par les fournisseurs (DECP)"
CONTRACTS_EXPLAIN = (
    "Les données essentielles de la commande publique (DECP consolidées, data.gouv.fr) disent quels "
    "fournisseurs de l'annuaire ont déjà remporté des marchés publics, pour quels acheteurs et quand. "
    "En ligne, l'outil interroge l'API tabulaire de data.gouv.fr pour chaque fournisseur ayant un SIRET ; "
    "hors ligne, vous pouvez importer un fichier des DECP consolidées téléchargé (CSV, Parquet ou JSON)."
)
CONTRACTS_FETCH_BUTTON = "Récupérer les marchés publics en ligne"
CONTRACTS_FILE_TOGGLE = "Hors ligne : importer un fichier des DECP consolidées téléchargé"
CONTRACTS_FILE = "Fichier des DECP consolidées (CSV, Parquet ou JSON)"
CONTRACTS_IMPORT_BUTTON = "Importer ce fichier"
CONTRACTS_DONE = (
    "Marchés publics à jour : {contracts} marché(s) trouvé(s) pour {suppliers} fournisseur(s) vérifié(s) "
    "({rows} ligne(s) lue(s), {rejected} rejetée(s))."
)
CONTRACTS_SKIPPED = "Pages ignorées car illisibles (lot/page) : {pages} ; ces fournisseurs n'ont pas été vérifiés."
CONTRACTS_FAILED = "Les marchés publics n'ont pas pu être récupérés : {message}"
CONTRACTS_LAST = "Dernière mise à jour des marchés publics : {date} ({what})."
CONTRACTS_NONE_YET = "Aucun fournisseur de l'annuaire n'a encore été vérifié dans les DECP."

# --- Search page: the map of a large search (ui/search_map.py) ---
MAP_NOTE = (
    "La carte montre les {shown} premiers fournisseurs sur {n}, dans l'ordre du tableau : "
    "précisez la recherche pour les voir tous."
)
