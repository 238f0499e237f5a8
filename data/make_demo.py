"""Deterministic generator of the fictitious demo directory (``data/demo/annuaire-demo.csv``).

Every supplier in it is invented: names carry "(démo)" or "– démo", SIRETs are random
(with a valid check digit), e-mails and websites are on the reserved ``example.org`` /
``example.net`` domains, and phone numbers come from the ranges ARCEP reserves for
fiction (01 99 00, 02 61 91, 03 53 01, 04 65 71, 05 36 49). Only the places are real:
suppliers sit in real communes (from ``data/geo/communes.csv``), drawn with probability
proportional to population, plus a floor per région so that every région has some.

The mix of kinds, legal forms, NAF codes, sectors and headcounts follows what CRESS,
ASP and UNEA directories look like (see ``PROFILES``); the lines of business they draw
from (NAF code, sectors, name stems, description) are the table ``data/demo_activities.csv``.
A handful of deliberate quirks (about 0.5 % of rows, see ``QUIRK_RATES``) make the import
report show something.

Same ``(n, seed)`` -> same rows, byte for byte: one numpy Generator drives every draw.

Regenerate: ``.venv/bin/python data/make_demo.py`` (from the project root).
"""

from __future__ import annotations

import csv
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make `sourcing` importable
    sys.path.insert(0, str(ROOT))

from sourcing.model import HEADCOUNT_BANDS, KIND_CODES  # noqa: E402

GEO_DIR = ROOT / "data" / "geo"
DEMO_DIR = ROOT / "data" / "demo"
DEMO_CSV = DEMO_DIR / "annuaire-demo.csv"
DEFAULT_N = 5000
DEFAULT_SEED = 2026

# The CSV header: canonical English column names (no id: the importer computes it).
COLUMNS: tuple[str, ...] = (
    "name", "trade_name", "siret", "kinds", "legal_form", "naf", "sectors", "description",
    "address", "postal_code", "city", "insee_code", "lat", "lon", "area_text", "headcount",
    "labels", "networks", "email", "phone", "website",
)  # fmt: skip

OVERSEAS_DEPARTMENTS: tuple[str, ...] = ("971", "972", "973", "974", "976")
# Share of suppliers spread evenly over the 18 régions (the rest follows population), so
# that small régions (Corse, Mayotte) always have a few dozen suppliers in the demo.
REGION_FLOOR_SHARE = 0.08
JITTER_KM = 1.5

# --- Activities and profiles -----------------------------------------------------------------


@dataclass(frozen=True)
class Activity:
    """One line of business: NAF code, our sector ids, name stems and a description."""

    naf: str
    sectors: tuple[str, ...]
    stems: tuple[str, ...]  # first words of a name, completed by a place-like suffix
    description: str


@dataclass(frozen=True)
class Profile:
    """A kind of supplier: its kind codes, legal forms, activities, sizes and networks."""

    kinds: tuple[str, ...]
    weight: float
    legal_forms: tuple[str, ...]
    activities: tuple[Activity, ...]
    headcount: dict[str, float]  # INSEE band code -> weight
    networks: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    extra_sectors: tuple[str, ...] = ()  # ESAT/GEIQ: several activities on top of the NAF one
    naf_override: str | None = None  # ESAT: NAF 88.10C "aide par le travail" for most of them


# The lines of business live in a data table beside this script (one a row).
ACTIVITIES_CSV = ROOT / "data" / "demo_activities.csv"


def load_activities(path: Path = ACTIVITIES_CSV) -> dict[str, Activity]:
    """The table of activities, keyed by name; its sectors and name stems are joined by "|"."""
    with path.open(encoding="utf-8", newline="") as f:
        return {
            row["key"]: Activity(
                row["naf"], tuple(row["sectors"].split("|")), tuple(row["stems"].split("|")), row["description"]
            )
            for row in csv.DictReader(f, delimiter=";")
        }


ACTIVITIES: dict[str, Activity] = load_activities()


def activities(names: str) -> tuple[Activity, ...]:
    """The activities named, space-separated: ``activities("MARAICHAGE VELO")``."""
    return tuple(ACTIVITIES[name] for name in names.split())


# Secondary activities an ESAT / EA commonly sells besides its main one.
ESAT_SECTORS: tuple[str, ...] = (
    "espaces-verts", "blanchisserie", "conditionnement", "restauration-collective", "nettoyage-locaux",
    "mailing-routage", "sous-traitance-industrielle", "menuiserie", "numerisation-ged", "traiteur",
)  # fmt: skip
# Tables read better one entry a line or two: kept out of the formatter.
# fmt: off
GEIQ_SECTORS: tuple[str, ...] = ("batiment-tce", "transport-marchandises", "aide-domicile", "logistique-stockage",
                                 "restauration-collective", "travaux-forestiers")

ASSOC = ("Association déclarée", "Association loi 1901", "Association déclarée")
COMPANY = ("SAS", "SARL", "SASU", "SARL", "SAS")
SIAE_NETWORKS = ("Coorace", "Chantier école", "Tissons la solidarité", "Emmaüs France", "Le Relais", "Réseau Cocagne")

PROFILES: tuple[Profile, ...] = (
    Profile(("ASSOCIATION", "ACI"), 15, ASSOC,
            activities("MARAICHAGE ESPACES_VERTS SECOND_OEUVRE RESSOURCERIE MATERIAUX TEXTILE FORET CUISINE "
                       "COUTURE VELO"),
            {"11": 3, "12": 5, "21": 2, "22": 0.5},
            SIAE_NETWORKS, ("Agriculture biologique", "Commerce équitable")),
    Profile(("ASSOCIATION", "AI"), 6, ASSOC, activities("PERSONNEL AIDE_PERS"), {"02": 1, "03": 2, "11": 3, "12": 3},
            ("Coorace",)),
    Profile(("ASSOCIATION", "ESAT"), 10, ASSOC,
            activities("ESAT_GENERIC ESPACES_VERTS BLANCHISSERIE CONDITIONNEMENT CUISINE"),
            {"12": 2, "21": 5, "22": 3, "31": 0.5}, ("Andicat", "Réseau Gesat"), ("ISO 9001", "Écolabel européen"),
            extra_sectors=ESAT_SECTORS, naf_override="88.10C"),
    Profile(("ESAT",), 2, ("Établissement public médico-social",),
            activities("ESAT_GENERIC CONDITIONNEMENT BLANCHISSERIE"), {"21": 3, "22": 2},
            ("Andicat", "Réseau Gesat"), extra_sectors=ESAT_SECTORS, naf_override="88.10C"),
    Profile(("EI",), 7, COMPANY,
            activities("NETTOYAGE CUISINE COLLECTE PLATRERIE DEMENAGEMENT ELECTROMENAGER LOGISTIQUE INFORMATIQUE_R "
                       "BLANCHISSERIE"),
            {"03": 1, "11": 3, "12": 4, "21": 2}, ("Fédération des entreprises d'insertion", "Envie", "Le Relais")),
    Profile(("EI", "ESUS"), 6, COMPANY,
            activities("NETTOYAGE COLLECTE ELECTROMENAGER RESTAURANT INFORMATIQUE_R MATERIAUX"),
            {"03": 1, "11": 3, "12": 4, "21": 2}, ("Fédération des entreprises d'insertion", "Envie"),
            ("Commerce équitable",)),
    Profile(("ETTI",), 3, COMPANY, activities("INTERIM"), {"03": 1, "11": 3, "12": 3},
            ("Coorace", "Fédération des entreprises d'insertion")),
    Profile(("ETTI", "ESUS"), 2, COMPANY, activities("INTERIM"), {"03": 1, "11": 3, "12": 3}, ("Coorace",)),
    Profile(("EA",), 6, COMPANY,
            activities("CONDITIONNEMENT NETTOYAGE CENTRE_APPELS NUMERISATION ESPACES_VERTS CABLAGE TESTS "
                       "BLANCHISSERIE"),
            {"11": 2, "12": 4, "21": 3, "22": 1, "32": 0.3}, ("UNEA",), ("ISO 9001", "Label Lucie")),
    Profile(("ASSOCIATION", "EA"), 3, ASSOC, activities("CONDITIONNEMENT ESPACES_VERTS BLANCHISSERIE NUMERISATION"),
            {"12": 3, "21": 3, "22": 1}, ("UNEA",), ("ISO 9001",)),
    Profile(("EATT",), 1, COMPANY, activities("INTERIM"), {"02": 1, "03": 2, "11": 2}, ("UNEA",)),
    Profile(("ASSOCIATION", "GEIQ"), 2, ASSOC, activities("GEIQ_ACT"), {"01": 1, "02": 2, "03": 2, "11": 1},
            ("Fédération française des GEIQ",), extra_sectors=GEIQ_SECTORS),
    Profile(("SCOP",), 10, ("SCOP SARL", "SCOP SA", "SCOP SARL", "SCOP SAS"),
            activities("ELECTRICITE PLOMBERIE BATIMENT MENUISERIE IMPRIMERIE CONSEIL INGENIERIE GRAPHISME FORMATION "
                       "TRADUCTION TESTS"),
            {"01": 2, "02": 3, "03": 3, "11": 3, "12": 2, "21": 0.5}, ("Les Scop",), ("Qualiopi", "Label Lucie")),
    Profile(("SCIC",), 4, ("SCIC SAS", "SCIC SARL", "SCIC SA"),
            activities("RESTAURANT RESSOURCERIE MOBILITE BOULANGERIE SPECTACLE HEBERGEMENT INFOGERANCE MARAICHAGE"),
            {"01": 2, "02": 3, "03": 2, "11": 2, "12": 1}, ("Les Scop", "Réseau des Ressourceries"),
            ("Commerce équitable", "Agriculture biologique")),
    Profile(("ESUS",), 5, COMPANY, activities("CONSEIL INFOGERANCE LOGISTIQUE EDITION ACCOMPAGNEMENT GRAPHISME"),
            {"00": 1, "01": 3, "02": 3, "03": 2, "11": 1}, ("Mouvement Impact France",), ("B Corp",)),
    Profile(("ASSOCIATION",), 12, ASSOC,
            activities("ACCOMPAGNEMENT FORMATION SPECTACLE SPORT PETITE_ENFANCE AIDE_DOMICILE SAVOIRS PATRIMOINE"),
            {"NN": 1, "00": 2, "01": 3, "02": 3, "03": 2, "11": 2, "12": 1, "21": 0.5},
            ("Le Mouvement associatif", "Familles rurales"), ("Qualiopi",)),
    Profile(("MUTUELLE",), 2, ("Mutuelle", "Union de mutuelles"), activities("SOINS DENTAIRE AIDE_DOMICILE"),
            {"12": 2, "21": 2, "22": 2, "32": 1, "41": 0.5}, ("Mutualité Française",)),
    Profile(("FONDATION",), 2, ("Fondation reconnue d'utilité publique", "Fondation"),
            activities("EHPAD FOYER FORMATION"),
            {"12": 1, "21": 2, "22": 2, "32": 1, "41": 0.5, "42": 0.2}, ("Centre français des fonds et fondations",)),
)

# --- Names, addresses, contacts ------------------------------------------------------------------

NAME_SUFFIXES: tuple[str, ...] = (
    "des Tilleuls", "de la Vallée", "du Moulin", "des Quatre Vents", "du Val Fleuri", "de l'Étang", "des Coteaux",
    "du Pont Neuf", "de la Source", "des Lilas", "du Bocage", "des Genêts", "de la Forge", "du Levant",
    "des Hirondelles", "de la Prairie", "du Vieux Chêne", "des Sablons", "de la Clairière", "du Grand Pré",
    "des Saules", "de l'Aubépine", "des Bruyères", "du Ruisseau", "de la Colline", "des Mésanges", "du Soleil",
    "de l'Horizon", "des Cerisiers", "du Bois Joli", "des Deux Rives", "de la Passerelle", "du Petit Pont",
    "des Érables", "de la Roseraie", "du Clos Vert", "des Platanes", "de la Fontaine", "du Verger", "des Acacias",
)  # fmt: skip
STREETS: tuple[str, ...] = (
    "rue des Tilleuls", "avenue de la République", "rue du Moulin", "chemin des Vignes", "rue Pasteur",
    "boulevard Victor Hugo", "rue de la Gare", "impasse des Lilas", "route de la Forêt", "rue Jean Jaurès",
    "allée des Peupliers", "rue de l'Église", "place du Marché", "rue des Écoles", "avenue du Général Leclerc",
    "rue du Stade", "chemin du Lavoir", "rue des Artisans", "rue de la Paix", "quai des Mariniers",
    "rue des Jardins", "rue Voltaire", "avenue des Sports", "rue de la Fontaine", "rue du Château",
)  # fmt: skip
ZONES: tuple[str, ...] = (
    "ZA des Prés", "ZI du Moulin", "ZA de la Croix", "Parc d'activités des Forges", "ZAC du Pont",
)  # fmt: skip
EMAIL_USERS: tuple[str, ...] = ("contact", "accueil", "commercial", "direction", "info", "devis")
LABEL_SHARE = 0.30  # share of suppliers with at least one label or network

# ARCEP numbers reserved for fiction ("numéros réservés aux œuvres de fiction"), by zone.
FICTION_PHONE_PREFIX: dict[str, str] = {
    "01": "01 99 00", "02": "02 61 91", "03": "03 53 01", "04": "04 65 71", "05": "05 36 49",
}  # fmt: skip
# Région code -> phone zone (01 Île-de-France, 02 north-west + Réunion/Mayotte, 03 north-east,
# 04 south-east, 05 south-west + Antilles/Guyane).
REGION_PHONE_ZONE: dict[str, str] = {
    "11": "01", "24": "02", "28": "02", "52": "02", "53": "02", "04": "02", "06": "02",
    "27": "03", "32": "03", "44": "03", "84": "04", "93": "04", "94": "04", "76": "05", "75": "05",
    "01": "05", "02": "05", "03": "05",
}  # fmt: skip

# Deliberate quirks, as shares of rows (each at least one row): what real files contain.
QUIRK_RATES: dict[str, float] = {
    "duplicate_siret": 0.001,  # same supplier listed again under another kind (merged on import)
    "missing_postal_code": 0.001,  # a city but no postal code
    "spaced_siret": 0.0008,  # "123 456 789 00012"
    "naf_without_dot": 0.0008,  # "8130Z"
    "missing_coordinates": 0.0008,  # located from the commune instead
    "swapped_coordinates": 0.0004,  # latitude and longitude inverted (corrected on import)
    "website_without_scheme": 0.0006,  # "www.xxx.example.org"
}


def check_vocabulary() -> None:
    """Fail loudly if a profile uses a kind, NAF code, sector or headcount band we do not know."""
    from sourcing.taxonomy import load_taxonomy

    tax = load_taxonomy()
    for p in PROFILES:
        assert set(p.kinds) <= set(KIND_CODES), p.kinds
        assert set(p.headcount) <= set(HEADCOUNT_BANDS), p.headcount
        for sector in p.extra_sectors:
            assert sector in tax.sector_labels, sector
        for a in p.activities:
            assert a.naf in tax.naf_subclasses, a.naf
            for sector in a.sectors:
                assert sector in tax.sector_labels, sector
        if p.naf_override:
            assert p.naf_override in tax.naf_subclasses, p.naf_override


# --- Helpers -------------------------------------------------------------------------------------


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "OE"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def slug(text: str, limit: int = 32) -> str:
    """Lower-case ASCII words joined by hyphens (for fictitious domains): "Les Jardins" -> "les-jardins"."""
    words = "".join(ch if ch.isalnum() else " " for ch in _ascii(text).lower()).split()
    out = ""
    for word in words:  # whole words only, up to `limit` characters
        if out and len(out) + 1 + len(word) > limit:
            break
        out = f"{out}-{word}" if out else word[:limit]
    return out or "structure"


def of_place(city: str) -> str:
    """French "de" + a commune name with elision and contraction: "du Havre", "d'Arles", "des Mureaux"."""
    if city.startswith("Le "):
        return "du " + city[3:]
    if city.startswith("Les "):
        return "des " + city[4:]
    if city.startswith("La ") or city.startswith("L'"):
        return "de " + city
    if _ascii(city[:1]).upper() in "AEIOUYH":
        return "d'" + city
    return "de " + city


def luhn_check_digits(payload: np.ndarray) -> np.ndarray:
    """The digit to append to each row of an (n, k) digit matrix so that the whole passes Luhn."""
    k = payload.shape[1]
    weights = np.where((k - np.arange(k)) % 2 == 1, 2, 1)  # rightmost payload digit is doubled
    doubled = payload * weights
    doubled = np.where(doubled > 9, doubled - 9, doubled)
    return (10 - doubled.sum(axis=1) % 10) % 10


def random_sirets(rng: np.random.Generator, n: int) -> np.ndarray:
    """n distinct 14-digit SIRETs: a Luhn-valid SIREN, then a "000NN" NIC completing the SIRET's Luhn key."""
    sirens: np.ndarray = np.empty((0, 9), dtype=np.int64)
    while len(sirens) < n:
        need = n - len(sirens)
        head = np.column_stack([rng.integers(1, 10, need), rng.integers(0, 10, (need, 7))])
        batch = np.column_stack([head, luhn_check_digits(head)])
        sirens = np.unique(np.vstack([sirens, batch]), axis=0)  # sorted: reshuffled below
        sirens = sirens[~(sirens == np.array([3, 5, 6, 0, 0, 0, 0, 0, 0])).all(axis=1)]  # never La Poste
    sirens = rng.permutation(sirens)[:n]
    nic = np.column_stack([np.zeros((n, 3), dtype=np.int64), rng.integers(1, 4, n)])
    body = np.column_stack([sirens, nic])
    digits = np.column_stack([body, luhn_check_digits(body)])
    return np.array(["".join(map(str, row)) for row in digits.tolist()], dtype=object)


def _weighted(rng: np.random.Generator, options: Sequence, weights: Sequence[float], n: int) -> np.ndarray:
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(options), size=n, p=p / p.sum())


def _pick(rng: np.random.Generator, options: Sequence[str]) -> str:
    return options[int(rng.integers(len(options)))]


# --- Places --------------------------------------------------------------------------------------


def load_places() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(communes a supplier can sit in, départements, régions) from data/geo.

    Communes are the current ones, with Paris, Lyon and Marseille replaced by their
    arrondissements (their own postal code and point); Saint-Pierre-et-Miquelon and the
    other collectivities outside the 18 régions are left out.
    """
    c = pd.read_csv(GEO_DIR / "communes.csv", dtype=str, keep_default_na=False)
    split = set(c.loc[c["type"] == "arrondissement", "parent_insee"])
    c = c[c["type"].isin(("commune", "arrondissement")) & ~c["insee_code"].isin(split)]
    regions = pd.read_csv(GEO_DIR / "regions.csv", dtype=str, keep_default_na=False)
    c = c[c["region"].isin(regions["code"]) & (c["postal_codes"] != "") & (c["lat"] != "")].copy()
    c["population"] = pd.to_numeric(c["population"], errors="coerce").fillna(0).clip(lower=1)
    c["lat"] = c["lat"].astype(float)
    c["lon"] = c["lon"].astype(float)
    # Arrondissements are named "Paris 15e Arrondissement": directories write "Paris".
    c["city"] = c["name"].str.replace(r"\s+\d+(?:er|e)\s+Arrondissement$", "", regex=True)
    c = c.sort_values("insee_code", kind="stable").reset_index(drop=True)
    deps = pd.read_csv(GEO_DIR / "departements.csv", dtype=str, keep_default_na=False)
    deps["lat"] = deps["lat"].astype(float)
    deps["lon"] = deps["lon"].astype(float)
    return c, deps, regions


def _commune_weights(communes: pd.DataFrame) -> np.ndarray:
    """Probability of each commune: population share, plus an even floor per région."""
    pop = communes["population"].to_numpy(dtype=float)
    by_pop = pop / pop.sum()
    region_pop = communes.groupby("region")["population"].transform("sum").to_numpy(dtype=float)
    n_regions = communes["region"].nunique()
    floor = pop / region_pop / n_regions
    return (1 - REGION_FLOOR_SHARE) * by_pop + REGION_FLOOR_SHARE * floor


def _nearby_departments(deps: pd.DataFrame) -> dict[str, list[str]]:
    """Each metropolitan département's three nearest others (by centre point), for "59, 62"-style areas."""
    metro = deps[~deps["code"].str.startswith("97")].reset_index(drop=True)
    lat = np.radians(metro["lat"].to_numpy())
    lon = np.radians(metro["lon"].to_numpy())
    x = np.cos(lat) * np.cos(lon)
    y = np.cos(lat) * np.sin(lon)
    z = np.sin(lat)
    pts = np.column_stack([x, y, z])
    dist = ((pts[:, None, :] - pts[None, :, :]) ** 2).sum(axis=2)
    codes = metro["code"].to_numpy()
    return {codes[i]: [codes[j] for j in np.argsort(dist[i], kind="stable")[1:4]] for i in range(len(codes))}


def _jitter(rng: np.random.Generator, lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points uniformly spread within JITTER_KM of each commune point, rounded to 5 decimals (about 1 m)."""
    n = len(lat)
    r = JITTER_KM * np.sqrt(rng.random(n))
    theta = rng.random(n) * 2 * np.pi
    dlat = r * np.cos(theta) / 111.32
    dlon = r * np.sin(theta) / (111.32 * np.cos(np.radians(lat)))
    return np.round(lat + dlat, 5), np.round(lon + dlon, 5)


# --- The generator --------------------------------------------------------------------------------


def generate(n: int = DEFAULT_N, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """n fictitious suppliers as text columns (``COLUMNS``), the same for the same (n, seed)."""
    check_vocabulary()
    rng = np.random.default_rng(seed)
    communes, deps, regions = load_places()
    region_names = dict(zip(regions["code"], regions["name"], strict=True))
    nearby = _nearby_departments(deps)

    where = rng.choice(len(communes), size=n, p=_commune_weights(communes))
    place = communes.iloc[where].reset_index(drop=True)
    lat, lon = _jitter(rng, place["lat"].to_numpy(), place["lon"].to_numpy())
    profile_ix = _weighted(rng, PROFILES, [p.weight for p in PROFILES], n)
    sirets = random_sirets(rng, n)

    cities, departments, region_codes, insee_codes, postal_lists = (
        place[col].tolist() for col in ("city", "department", "region", "insee_code", "postal_codes")
    )
    rows: list[dict[str, str]] = []
    for i in range(n):
        p = PROFILES[profile_ix[i]]
        act = p.activities[int(rng.integers(len(p.activities)))]
        city, dep, region = cities[i], departments[i], region_codes[i]

        stem = _pick(rng, act.stems)
        u = rng.random()
        base = f"{stem} {of_place(city)}" if u < 0.3 else f"{stem} {_pick(rng, NAME_SUFFIXES)}"
        name = f"{base} – démo" if rng.random() < 0.1 else f"{base} (démo)"
        initials = "".join(w[0] for w in _ascii(base).replace("'", " ").split() if w[0].isupper())
        trade_name = initials if rng.random() < 0.2 and len(initials) >= 2 else ""

        sectors = list(act.sectors)
        if p.extra_sectors:
            extra = rng.choice(len(p.extra_sectors), size=int(rng.integers(1, 3)), replace=False)
            sectors += [p.extra_sectors[j] for j in sorted(extra) if p.extra_sectors[j] not in sectors]
        naf = p.naf_override if p.naf_override and rng.random() < 0.8 else act.naf
        kinds_text = ", ".join(p.kinds)
        description = f"{act.description}. Structure fictive : données de démonstration."

        num = int(rng.integers(1, 120))
        if rng.random() < 0.15:
            address = f"{num} {_pick(rng, STREETS)}, {_pick(rng, ZONES)}"
        else:
            address = f"{num} {_pick(rng, STREETS)}"
        postal = _pick(rng, postal_lists[i].split(" "))

        overseas = dep in OVERSEAS_DEPARTMENTS
        u = rng.random()
        if u < 0.70 or (overseas and u < 0.9):
            area = f"{int(rng.integers(4, 17)) * 5} km"
        elif u < 0.85 and not overseas:
            k = int(rng.integers(1, 3))
            area = ", ".join(sorted([dep, *nearby[dep][:k]]))
        elif u < 0.94:
            area = dep if overseas else region_names[region]
        else:
            area = "national"

        band = p.headcount
        headcount = list(band)[_weighted(rng, list(band), list(band.values()), 1)[0]]

        labels = networks = ""
        if rng.random() < LABEL_SHARE:
            has_network = bool(p.networks) and (not p.labels or rng.random() < 0.7)
            if has_network:
                networks = _pick(rng, p.networks)
            if p.labels and (not has_network or rng.random() < 0.3):
                labels = _pick(rng, p.labels)

        domain = f"{slug(base)}.{'example.org' if rng.random() < 0.8 else 'example.net'}"
        email = f"{_pick(rng, EMAIL_USERS)}@{domain}" if rng.random() < 0.9 else ""
        zone = REGION_PHONE_ZONE[region]
        phone = f"{FICTION_PHONE_PREFIX[zone]} {int(rng.integers(0, 100)):02d} {int(rng.integers(0, 100)):02d}"
        phone = phone if rng.random() < 0.95 else ""
        website = f"https://www.{domain}" if rng.random() < 0.7 else ""

        rows.append({
            "name": name, "trade_name": trade_name, "siret": sirets[i], "kinds": kinds_text,
            "legal_form": _pick(rng, p.legal_forms), "naf": naf, "sectors": ", ".join(sectors),
            "description": description, "address": address, "postal_code": postal, "city": city,
            "insee_code": insee_codes[i], "lat": f"{lat[i]:.5f}", "lon": f"{lon[i]:.5f}",
            "area_text": area, "headcount": headcount, "labels": labels, "networks": networks,
            "email": email, "phone": phone, "website": website,
        })  # fmt: skip
    frame = pd.DataFrame(rows, columns=list(COLUMNS), dtype=object)
    return _add_quirks(frame, rng)


def _other_kinds(kinds: str) -> str:
    """The kinds a second listing of the same supplier gives: one kind added or dropped."""
    codes = kinds.split(", ")
    if "ESUS" not in codes:
        return ", ".join([*codes, "ESUS"])
    return ", ".join(c for c in codes if c != "ESUS") or "ESS"


def _add_quirks(frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Overwrite a few rows with the defects of ``QUIRK_RATES`` (disjoint rows, at least one each)."""
    n = len(frame)
    counts = {q: max(1, round(rate * n)) for q, rate in QUIRK_RATES.items()}
    total = sum(counts.values()) + counts["duplicate_siret"]  # a duplicate needs its original too
    if total > n:
        return frame
    chosen = rng.choice(n, size=total, replace=False)
    out = frame.copy()
    start = 0
    for quirk, k in counts.items():
        rows = chosen[start : start + k]
        start += k
        if quirk == "duplicate_siret":
            originals = chosen[start : start + k]
            start += k
            for dup, orig in zip(rows, originals, strict=True):
                out.iloc[dup] = frame.iloc[orig]
                out.at[dup, "kinds"] = _other_kinds(frame.at[orig, "kinds"])
        elif quirk == "missing_postal_code":
            out.loc[rows, "postal_code"] = ""
        elif quirk == "spaced_siret":
            s = out.loc[rows, "siret"]
            out.loc[rows, "siret"] = s.str[:3] + " " + s.str[3:6] + " " + s.str[6:9] + " " + s.str[9:]
        elif quirk == "naf_without_dot":
            out.loc[rows, "naf"] = out.loc[rows, "naf"].str.replace(".", "", regex=False)
        elif quirk == "missing_coordinates":
            out.loc[rows, ["lat", "lon"]] = ""
        elif quirk == "swapped_coordinates":
            out.loc[rows, ["lat", "lon"]] = out.loc[rows, ["lon", "lat"]].to_numpy()
        elif quirk == "website_without_scheme":
            names = out.loc[rows, "name"].str.replace(r" (\(démo\)|– démo)$", "", regex=True)
            out.loc[rows, "website"] = "www." + names.map(slug) + ".example.org"
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """The CSV as written to disk: UTF-8, ";" separator, "\\n" line ends, minimal quoting."""
    return frame.to_csv(sep=";", index=False, lineterminator="\n").encode("utf-8")


def main(argv: Sequence[str] | None = None) -> None:
    """Write data/demo/annuaire-demo.csv (or the path given) with the default size and seed."""
    args = list(sys.argv[1:] if argv is None else argv)
    path = Path(args[0]) if args else DEMO_CSV
    frame = generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(to_csv_bytes(frame))
    print(f"{len(frame)} fournisseurs fictifs écrits dans {path}")


if __name__ == "__main__":
    main()
