"""Build the recorded answers of API Recherche d'entreprises that the live-source tests replay.

The shape follows the API's OpenAPI description (repository annuaire-entreprises-data-gouv-fr/
search-api, app/doc/open-api.yml: payload = results[], total_results, page, per_page,
total_pages; each result an unité légale with siege, matching_etablissements, complements,
nature_juridique, tranche_effectif_salarie...). The companies are FICTITIOUS (names, SIRET with a
valid check digit, addresses in real communes of the Nord so that the offline gazetteer places
them); nothing here describes a real structure.

    .venv/bin/python tests/data/live/make_recordings.py   # rewrites the JSON files beside it
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent

# (commune INSEE, postal code, commune label, lat, lon)
PLACES = [
    ("59350", "59000", "LILLE", 50.6311, 3.0621),
    ("59512", "59100", "ROUBAIX", 50.6903, 3.1817),
    ("59599", "59200", "TOURCOING", 50.7239, 3.1612),
    ("59009", "59650", "VILLENEUVE-D'ASCQ", 50.6233, 3.1450),
    ("59183", "59140", "DUNKERQUE", 51.0343, 2.3768),
    ("59606", "59300", "VALENCIENNES", 50.3570, 3.5235),
    ("59122", "59400", "CAMBRAI", 50.1759, 3.2345),
    ("59178", "59500", "DOUAI", 50.3714, 3.0800),
    ("59392", "59600", "MAUBEUGE", 50.2775, 3.9734),
    ("59017", "59280", "ARMENTIERES", 50.6881, 2.8806),
]
# (name, nature juridique, NAF, type_siae or None, est_ess, est_siae, headcount band)
COMPANIES = [
    ("JARDINS SOLIDAIRES DU NORD", "9220", "81.30Z", "ACI", True, True, "12"),
    ("NETTOYAGE ET INSERTION LILLOISE", "5710", "81.21Z", "EI", True, True, "21"),
    ("TRAVAIL TEMPORAIRE INSERTION FLANDRE", "5710", "78.20Z", "ETTI", True, True, "11"),
    ("ASSOCIATION INTERMEDIAIRE DU HAINAUT", "9220", "78.30Z", "AI", True, True, "03"),
    ("ATELIERS DU LITTORAL", "9220", "88.10C", "ESAT", True, False, "22"),
    ("ENTREPRISE ADAPTEE DES MONTS", "5499", "82.92Z", "EA", True, False, "12"),
    ("SCOP MENUISERIE DES FLANDRES", "5458", "16.23Z", None, True, False, "11"),
    ("COOPERATIVE D'ACTIVITE ET D'EMPLOI NORD", "5560", "70.22Z", None, True, False, "03"),
    ("RESTAURATION SOLIDAIRE DE ROUBAIX", "9220", "56.29A", "ACI", True, True, "12"),
    ("RECYCLERIE DE LA SAMBRE", "9220", "38.32Z", "ACI", True, True, "11"),
    ("MUTUELLE DES TRAVAILLEURS DU NORD", "8210", "65.12Z", None, True, False, "21"),
    ("FONDATION POUR L'EMPLOI DES JEUNES", "9300", "88.99B", None, True, False, "12"),
    ("ESPACES VERTS DE L'AVESNOIS", "5499", "81.30Z", "EI", True, True, "03"),
    ("BLANCHISSERIE DU DOUAISIS", "9220", "96.01A", "ACI", True, True, "11"),
    ("TRANSPORTS ADAPTES DE LA LYS", "5710", "49.39A", "EA", True, False, "12"),
]


def _luhn_key(digits: str) -> str:
    """The digit that makes `digits` + key pass the Luhn check (SIREN/SIRET keys)."""
    for key in "0123456789":
        total = 0
        for i, ch in enumerate(reversed(digits + key)):
            d = int(ch) * (2 if i % 2 else 1)
            total += d - 9 if d > 9 else d
        if total % 10 == 0:
            return key
    raise AssertionError


def _siren(n: int) -> str:
    base = f"90{n:06d}"
    return base + _luhn_key(base)


def _siret(siren: str, nic: int) -> str:
    base = f"{siren}{nic:04d}"
    return base + _luhn_key(base)


def _establishment(siren: str, nic: int, place: tuple, naf: str, band: str, siege: bool, street: str) -> dict:
    insee, postal, label, lat, lon = place
    return {
        "activite_principale": naf, "ancien_siege": False, "annee_tranche_effectif_salarie": "2024",
        "adresse": f"{street} {postal} {label}", "caractere_employeur": "O", "code_postal": postal,
        "commune": insee, "date_creation": "2011-03-01", "date_debut_activite": "2011-03-01",
        "date_fermeture": None, "epci": "200093201", "est_siege": siege, "etat_administratif": "A",
        "geo_id": None, "latitude": f"{lat:.5f}", "libelle_commune": label, "liste_enseignes": None,
        "liste_finess": None, "liste_id_bio": [], "liste_idcc": [], "liste_id_organisme_formation": [],
        "liste_rge": [], "liste_uai": [], "longitude": f"{lon:.5f}", "nom_commercial": None, "region": "32",
        "siret": _siret(siren, nic), "statut_diffusion_etablissement": "O", "tranche_effectif_salarie": band,
    }  # fmt: skip


def _unit(i: int) -> dict:
    name, nature, naf, type_siae, ess, siae, band = COMPANIES[i % len(COMPANIES)]
    if i >= len(COMPANIES):
        name = f"{name} {i // len(COMPANIES) + 1}"
    siren = _siren(i + 1)
    place = PLACES[i % len(PLACES)]
    street = f"{10 + i} RUE DE LA SOLIDARITE"
    siege = _establishment(siren, 1, place, naf, band, True, street) | {"departement": "59"}
    matching = [_establishment(siren, 1, place, naf, band, True, street)]
    if i % 5 == 0:  # a second establishment in another commune of the département
        matching.append(_establishment(siren, 2, PLACES[(i + 3) % len(PLACES)], naf, "03", False, "2 PLACE DU MARCHE"))
    if i % 7 == 3:  # and a closed one, which is not a supplier
        matching.append(_establishment(siren, 3, PLACES[(i + 1) % len(PLACES)], naf, "NN", False, "1 RUE FERMEE")
                        | {"etat_administratif": "F", "date_fermeture": "2022-06-30"})  # fmt: skip
    return {
        "siren": siren, "nom_complet": name.lower(), "nom_raison_sociale": name, "sigle": None,
        "nombre_etablissements": len(matching), "nombre_etablissements_ouverts": len(matching), "siege": siege,
        "activite_principale": naf, "categorie_entreprise": "PME", "caractere_employeur": "O",
        "annee_categorie_entreprise": "2022", "date_creation": "2011-03-01", "date_fermeture": None,
        "date_mise_a_jour": "2026-10-02T03:34:50", "dirigeants": [], "etat_administratif": "A",
        "nature_juridique": nature, "section_activite_principale": "N", "tranche_effectif_salarie": band,
        "annee_tranche_effectif_salarie": "2024", "statut_diffusion": "O",
        "matching_etablissements": matching, "finances": {},
        "complements": {
            "collectivite_territoriale": None, "convention_collective_renseignee": False, "liste_idcc": [],
            "egapro_renseignee": False, "est_achats_responsables": False, "est_alim_confiance": False,
            "est_association": nature.startswith("92"), "est_bio": False, "est_entrepreneur_individuel": False,
            "est_entrepreneur_spectacle": False, "est_ess": ess, "est_finess": type_siae == "ESAT",
            "est_organisme_formation": False, "est_qualiopi": i % 4 == 0, "est_rge": naf == "16.23Z",
            "est_administration": False, "est_siae": siae, "est_societe_mission": False, "est_uai": False,
            "est_patrimoine_vivant": False, "bilan_ges_renseigne": False,
            "identifiant_association": f"W59{i:07d}" if nature.startswith("92") else None,
            "statut_entrepreneur_spectacle": None, "type_siae": type_siae,
        },
        "tva": [],
    }  # fmt: skip


def _payload(units: list[dict], page: int, total_results: int, per_page: int = 25) -> dict:
    total_pages = -(-total_results // per_page)
    return {"results": units, "total_results": total_results, "page": page, "per_page": per_page,
            "total_pages": total_pages}  # fmt: skip


def build() -> dict[str, object]:
    units = [_unit(i) for i in range(57)]
    out: dict[str, object] = {}
    # /search?departement=59&est_ess=true: 57 companies, pages of 25, the last one with 7.
    # The API's order shifted between pages 1 and 2: the last company of page 1 comes again first on page 2.
    out["search-59-ess/page-1.json"] = _payload(units[:25], 1, 57)
    out["search-59-ess/page-2.json"] = _payload([units[24], *units[25:49]], 2, 57)
    out["search-59-ess/page-3.json"] = _payload(units[49:57], 3, 57)
    out["empty.json"] = _payload([], 1, 0)
    # /near_point around Lille: the endpoint takes no flags; two companies, one outside the ESS.
    ess, other = _unit(60), _unit(61)
    other["complements"]["est_ess"] = False
    other["complements"]["est_siae"] = False
    other["complements"]["type_siae"] = None
    out["near-lille/page-1.json"] = _payload([ess, other], 1, 2)
    return out


def main() -> None:
    for name, payload in build().items():
        path = HERE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    # Malformed answers: cut in the middle, and valid JSON of the wrong shape.
    (HERE / "malformed-truncated.json").write_text('{"results": [{"siren": "900000016", "nom_comp', encoding="utf-8")
    (HERE / "malformed-shape.json").write_text('{"results": "indisponible", "total_pages": 3}\n', encoding="utf-8")


if __name__ == "__main__":
    main()
