"""Every French text of the note d'opportunité, in one place (the note is built in `note.py`)."""

from sourcing.advisor.thresholds import NATURE_TITLES

DEMO_SOURCE = "données fictives de démonstration"

# --- The title
TITLE = "Note d'opportunité : ouverture de l'achat aux structures de l'ESS"
GENERATED_ON = "Note établie le {date}."

# --- The purchase as the buyer described it
H_INPUTS = "L'achat"
INPUT_LABELS = {
    "need": "Objet de l'achat",
    "nature": "Nature du marché",
    "amount": "Montant estimé HT (toute la durée)",
    "duration": "Durée",
    "buyer": "Type d'acheteur",
    "cpv": "Code(s) CPV",
    "sectors": "Secteur(s) d'activité",
    "place": "Lieu d'exécution",
    "area": "Zone de recherche des structures",
    "date": "Date de la consultation",
    "lots": "Nombre de lots",
    "framework": "Accord-cadre",
    "defence": "Marché de défense ou de sécurité (L1113-1)",
    "central": "Autorité publique centrale",
}
NATURES = NATURE_TITLES  # never the code
FRAMEWORK = {True: "oui (le montant est son maximum)", False: "non"}
CENTRAL = {True: "oui", False: "non", None: "non précisé (seuil le plus bas appliqué)"}
CENTRAL_NOT_ASKED = "sans objet (fixé par le type d'acheteur)"

# --- Points to check before relying on the advice
H_CAUTIONS = "Points de vigilance"
NONE_GIVEN = "non renseigné"
MONTHS = "{n} mois"
RADIUS = "{place} (rayon de {radius} km)"

# --- The table of every lever
H_LEVERS = "Leviers juridiques"
LEVER_COLUMNS = ("Levier", "S'applique", "Obligatoire", "Références", "Fiabilité")
APPLIES = {True: "oui", False: "non"}  # also for "mandatory"

# --- Each applicable lever
H_DETAILS = "Leviers applicables : justification et clause type"
RATIONALE = "Pourquoi : "
CONFIDENCE = "Fiabilité : {confidence}."
SUPPLIERS = "Structures éligibles : "
FAMILY_LABELS = {
    "handicap": "handicap (EA, EATT, ESAT)",
    "insertion": "insertion (SIAE)",
    "ess": "ESS",
}
CAPACITY = "Capacité : "
CLAUSE = "Clause type :"

# --- Insertion hours
H_HOURS = "Heures d'insertion"
HOURS_NONE = "Achat de fournitures sans main-d'œuvre : pas d'heures d'insertion calculées."
HOURS_RESULT = "Volume à exiger : ≈ {hours} heures d'insertion."
HOURS_FORMULA = "Calcul : {amount} HT × part de main-d'œuvre {share} × taux d'insertion {rate} ÷ coût horaire {cost}."
HOURS_SOURCES = {
    "labour_share": "Part de main-d'œuvre",
    "rate": "Taux d'insertion",
    "hourly_cost": "Coût horaire chargé",
}

# --- Thresholds in force
H_THRESHOLDS = "Seuils en vigueur"
THRESHOLD_COLUMNS = ("Seuil", "Montant HT", "Référence", "En vigueur", "Fiabilité")
SINCE = "depuis le {date}"
UNTIL = "jusqu'au {date}"
ALWAYS = "sans date connue"

# --- Data source and disclaimer
H_SOURCE = "Source des données et avertissement"
SOURCE = "Annuaire utilisé pour compter les structures : {name}."
DISCLAIMER = (
    "Cette note est une aide à la décision, pas un avis juridique. Les règles et seuils marqués "
    "« à confirmer » doivent être vérifiés sur Légifrance (Code de la commande publique) avant "
    "toute décision ; les nombres de structures dépendent de l'annuaire utilisé."
)
