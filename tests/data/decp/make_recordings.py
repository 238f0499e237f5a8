"""Build the recorded DECP rows that the contracts tests replay (tabular API answers and DECP files).

The rows follow the consolidated DECP's documented schema (decp-processing, `schema_base.json`:
uid, titulaire_id, titulaire_typeIdentifiant, acheteur_id, acheteur_nom, acheteur_commune_nom,
acheteur_latitude/longitude, dateNotification, montant, codeCPV, objet, considerationsSociales,
marcheInnovant, donneesActuelles, modification_id...). Everything is FICTITIOUS: the holders are
the fictitious companies of `tests/data/live/` (their SIRETs are read from the recorded company
pages), the buyers' SIRETs and the contracts are invented; only the communes and their
coordinates are real places.

    .venv/bin/python tests/data/decp/make_recordings.py   # rewrites the JSON files beside it
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
COMPANIES = HERE.parent / "live" / "search-59-ess" / "page-1.json"

# buyer key -> (SIRET (fictitious), name, commune, lat, lon)
BUYERS = {
    "maubeuge": ("21590392000011", "COMMUNE DE MAUBEUGE (FICTIF)", "Maubeuge", 50.2775, 3.9734),
    "agglo": ("20004005900013", "COMMUNAUTE D'AGGLOMERATION DE LA SAMBRE (FICTIF)", "Maubeuge", 50.2790, 3.9700),
    "nord": ("22590001700010", "DEPARTEMENT DU NORD (FICTIF)", "Lille", 50.6311, 3.0621),
    "lille": ("21590350100018", "COMMUNE DE LILLE (FICTIF)", "Lille", 50.6311, 3.0621),
    "roubaix": ("21590512900013", "COMMUNE DE ROUBAIX (FICTIF)", "Roubaix", 50.6903, 3.1817),
    "tourcoing": ("21590599900016", "COMMUNE DE TOURCOING (FICTIF)", "Tourcoing", 50.7239, 3.1612),
    "dunkerque": ("21590183000019", "COMMUNE DE DUNKERQUE (FICTIF)", "Dunkerque", 51.0343, 2.3768),
}
# (holder name in the company pages, buyer, buyer's own id, date, amount, CPV, object, social, current, rank)
CONTRACTS = [
    (
        "recyclerie de la sambre",
        "maubeuge",
        "2023-014",
        "2023-03-14",
        45000,
        "90500000",
        "Collecte et valorisation des encombrants",
        "Clause sociale",
        True,
        0,
    ),
    (
        "recyclerie de la sambre",
        "agglo",
        "2024-AC-07",
        "2024-06-02",
        120000,
        "90510000",
        "Réemploi des déchets de déchèterie",
        "Marché réservé",
        False,
        0,
    ),
    (
        "recyclerie de la sambre",
        "agglo",
        "2024-AC-07",
        "2025-01-10",
        135000,
        "90510000",
        "Réemploi des déchets de déchèterie",
        "Marché réservé",
        True,
        1,
    ),  # its modification
    (
        "recyclerie de la sambre",
        "nord",
        "25-0042",
        "2025-02-20",
        80000,
        "39000000",
        "Mobilier de réemploi pour les collèges",
        "Sans objet",
        True,
        0,
    ),
    (
        "jardins solidaires du nord",
        "lille",
        "2023-EV-11",
        "2023-05-01",
        60000,
        "77310000",
        "Entretien des espaces verts des écoles",
        "Clause sociale, Critère social",
        True,
        0,
    ),
    (
        "jardins solidaires du nord",
        "roubaix",
        "24-0310",
        "2024-09-15",
        30000,
        "77311000",
        "Entretien des parcs",
        "Sans objet",
        True,
        0,
    ),
    (
        "nettoyage et insertion lilloise",
        "tourcoing",
        "2022-N-03",
        "2022-11-30",
        150000,
        "90910000",
        "Nettoyage des bâtiments communaux",
        "Clause sociale",
        True,
        0,
    ),
    (
        "ateliers du littoral",
        "dunkerque",
        "2024-R-01",
        "2024-04-04",
        25000,
        "79800000",
        "Impression et mise sous pli",
        "Marché réservé",
        True,
        0,
    ),
]


def _sirets() -> dict[str, str]:
    """The head-office SIRET of each fictitious company of the recorded page 1."""
    page = json.loads(COMPANIES.read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for company in page["results"]:
        found.setdefault(company["nom_complet"], company["siege"]["siret"])
    return found


def _row(holder: str, siret: str, contract: tuple, number: int) -> dict:
    _name, buyer, own_id, day, amount, cpv, subject, social, current, rank = contract
    b_siret, b_name, commune, lat, lon = BUYERS[buyer]
    return {
        "__id": number, "uid": b_siret + own_id, "id": own_id, "nature": "Marché", "acheteur_id": b_siret,
        "acheteur_nom": b_name, "titulaire_id": siret, "titulaire_typeIdentifiant": "SIRET",
        "titulaire_nom": holder.upper(), "objet": subject, "montant": amount, "codeCPV": cpv,
        "procedure": "Procédure adaptée", "dureeMois": 12, "dateNotification": day,
        "datePublicationDonnees": day, "marcheInnovant": False, "considerationsSociales": social,
        "considerationsEnvironnementales": "Sans objet", "acheteur_commune_nom": commune,
        "acheteur_departement_code": "59", "acheteur_latitude": lat, "acheteur_longitude": lon,
        "modification_id": rank, "donneesActuelles": current,
    }  # fmt: skip


def build_table() -> list[dict]:
    sirets = _sirets()
    rows = [_row(c[0], sirets[c[0]], c, i) for i, c in enumerate(CONTRACTS, start=1)]
    # A holder identified by a VAT number (no SIRET): rejected by the reader.
    rows.append(_row("ateliers du littoral", "FR12345678901", CONTRACTS[-1], len(rows) + 1)
                | {"titulaire_typeIdentifiant": "TVA", "uid": "21590183000019FICTIF-TVA"})  # fmt: skip
    # A row whose date is unreadable: rejected.
    rows.append(_row("restauration solidaire de roubaix", sirets["restauration solidaire de roubaix"],
                     CONTRACTS[5], len(rows) + 1) | {"dateNotification": "16 2021 00:00:00"})  # fmt: skip
    return rows


# The buyer whose own report is read from the DECP (fictitious SIRET with a valid check digit).
BUYER = ("21590036000003", "COMMUNE D'AVESNES-SUR-HELPE (FICTIF)", "Avesnes-sur-Helpe", 50.1236, 3.9279)
# (holder SIRET or VAT number, holder name, own id, date, amount, CPV, object, social, current, rank)
BUYER_CONTRACTS = [
    ("90000999000004", "ESAT DE L'AVESNOIS", "2024-01", "2024-02-12", 40000, "77310000-6",
     "Entretien des espaces verts", "Marché réservé", True, 0),
    ("90000999000012", "ENTREPRISE GENERALE DU BATIMENT", "2024-02", "2024-05-06", 250000, "45210000",
     "Rénovation de l'école", "Clause sociale", True, 0),
    ("90000999000020", "RESTAURATION DU NORD", "2024-03", "2024-07-01", 90000, "55524000",
     "Restauration scolaire", "Clause sociale, Critère social", True, 0),
    ("90000999000038", "PAPETERIE CENTRALE", "2024-04", "2024-09-20", 15000, "30197600",
     "Fournitures de bureau", "Sans objet", True, 0),
    # A framework agreement: its modification raises the amount; the contract keeps its first date.
    ("90000999000046", "NETTOYAGE ET INSERTION", "2024-05", "2024-11-15", 60000, "90911200",
     "Nettoyage des bâtiments", "Clause sociale", False, 0),
    ("90000999000046", "NETTOYAGE ET INSERTION", "2024-05", "2025-03-01", 75000, "90911200",
     "Nettoyage des bâtiments", "Clause sociale", True, 1),
    # Co-holders (groupement): two rows, one contract.
    ("90000999000053", "SCOP DU BOCAGE", "2025-01", "2025-04-10", 120000, "45262700",
     "Réhabilitation de la halle", "Critère social", True, 0),
    ("90000999000061", "ENTREPRISE D'INSERTION DU BOCAGE", "2025-01", "2025-04-10", 120000, "45262700",
     "Réhabilitation de la halle", "Critère social", True, 0),
    # A holder without a SIRET (foreign company): the contract still counts for the buyer.
    ("BE0123456789", "IMPRIMERIE DE MONS", "2025-02", "2025-06-30", 20000, "79800000",
     "Impression du bulletin municipal", "Sans objet", True, 0),
    ("90000999000079", "SAMBRE MOBILITE", "2025-03", "2025-09-01", 45000, "60130000",
     "Transport des élèves", "Sans objet", True, 0),
]  # fmt: skip


def _buyer_row(contract: tuple, number: int) -> dict:
    holder, name, own_id, day, amount, cpv, subject, social, current, rank = contract
    b_siret, b_name, commune, lat, lon = BUYER
    return {
        "__id": number, "uid": b_siret + own_id, "id": own_id, "nature": "Marché", "acheteur_id": b_siret,
        "acheteur_nom": b_name, "titulaire_id": holder,
        "titulaire_typeIdentifiant": "SIRET" if holder.isdigit() else "TVA", "titulaire_nom": name,
        "objet": subject, "montant": amount, "codeCPV": cpv, "procedure": "Procédure adaptée", "dureeMois": 12,
        "dateNotification": day, "datePublicationDonnees": day, "marcheInnovant": False,
        "considerationsSociales": social, "considerationsEnvironnementales": "Sans objet",
        "acheteur_commune_nom": commune, "acheteur_departement_code": "59", "acheteur_latitude": lat,
        "acheteur_longitude": lon, "modification_id": rank, "donneesActuelles": current,
    }  # fmt: skip


def build_buyer() -> list[dict]:
    rows = [_buyer_row(c, i) for i, c in enumerate(BUYER_CONTRACTS, start=1)]
    # Rejected: an unreadable date, and an amount that is not a number.
    rows.append(_buyer_row(BUYER_CONTRACTS[0], len(rows) + 1) | {"uid": BUYER[0] + "2025-90", "dateNotification": "?"})
    rows.append(_buyer_row(BUYER_CONTRACTS[3], len(rows) + 1) | {"uid": BUYER[0] + "2025-91", "montant": "NC"})
    return rows


def build() -> dict[str, object]:
    """File name -> content: a JSON value, or the text of a file that is deliberately not JSON."""
    empty = {"data": [], "links": {"profile": None, "swagger": None, "next": None, "prev": None},
             "meta": {"page": 1, "page_size": 50, "total": 0}}  # fmt: skip
    return {
        "table.json": build_table(),
        "buyer.json": build_buyer(),
        "empty.json": empty,
        "malformed-shape.json": {"data": "pas une liste", "meta": {}},
        "malformed-truncated.json": '{"data": [{"uid": "2159035010001',  # cut mid-answer: not JSON
    }


def main() -> None:
    for name, content in build().items():
        text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False, indent=1) + "\n"
        (HERE / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
