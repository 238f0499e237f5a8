"""An API page (unités légales, each with its siège and matching establishments) -> staging rows.

One staging row per matching establishment (the siège when the answer lists none): the
establishment's SIRET, address, commune, coordinates, NAF and headcount band, the company's
name, legal form (nature juridique: 92xx associations, 5458/5558/5658 SCOP...), SIAE type
(complements.type_siae: EI, ACI, AI, ETTI, EA...) and ESS flag. The normaliser then does what it
does for every file: SIRET check, kinds from the legal form and type, NAF and sectors, places.

A page is checked whole before a row of it is kept: an answer that is not the documented shape
raises MalformedPage and the page is skipped, never half-kept.
"""

from __future__ import annotations

import re

from sourcing.live.client import MalformedPage

# complements flags shown as labels on the supplier (they help a buyer, none is a kind)
LABEL_FLAGS = {
    "est_rge": "RGE",
    "est_qualiopi": "Qualiopi",
    "est_bio": "Agriculture biologique",
    "est_patrimoine_vivant": "Entreprise du patrimoine vivant",
    "est_achats_responsables": "Relations fournisseurs et achats responsables",
    "est_societe_mission": "Société à mission",
}
CLOSED_REASON = "établissement fermé (état administratif F dans SIRENE)"
RAW_FIELDS = ("page", "siren", "siret", "nature_juridique", "type_siae", "est_ess", "est_siae", "est_finess")


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def check_page(data: dict) -> tuple[list[dict], int, int]:
    """(results, total_pages, total_results) of a page, or MalformedPage saying what is wrong."""
    results = data.get("results")
    if not isinstance(results, list):
        raise MalformedPage("réponse sans liste « results »")
    total_pages, total_results = data.get("total_pages", 0), data.get("total_results", 0)
    if not isinstance(total_pages, int) or not isinstance(total_results, int) or total_pages < 0:
        raise MalformedPage("nombre de pages ou de résultats illisible")
    for i, unit in enumerate(results, start=1):
        if not isinstance(unit, dict) or not re.fullmatch(r"\d{9}", _text(unit.get("siren"))):
            raise MalformedPage(f"résultat n° {i} sans numéro SIREN")
        for key in ("siege", "complements"):
            if unit.get(key) is not None and not isinstance(unit[key], dict):
                raise MalformedPage(f"résultat n° {i} (SIREN {unit['siren']}) : « {key} » illisible")
        matching = unit.get("matching_etablissements")
        if matching is not None and not (isinstance(matching, list) and all(isinstance(e, dict) for e in matching)):
            raise MalformedPage(f"résultat n° {i} (SIREN {unit['siren']}) : établissements illisibles")
    return results, total_pages, total_results


def _department_of(establishment: dict) -> str:
    dept = _text(establishment.get("departement"))
    if dept:
        return dept
    commune = _text(establishment.get("commune"))
    return commune[:3] if commune.startswith("97") else commune[:2]


def _row(unit: dict, est: dict, page: int) -> dict:
    comp = unit.get("complements") or {}
    enseignes = est.get("liste_enseignes") or []
    trade = _text(est.get("nom_commercial")) or (_text(enseignes[0]) if enseignes else "")
    coordinates = _text(est.get("coordonnees")).split(",") if not est.get("latitude") else []
    lat = _text(est.get("latitude")) or (coordinates[0] if len(coordinates) == 2 else "")
    lon = _text(est.get("longitude")) or (coordinates[1] if len(coordinates) == 2 else "")
    labels = [label for flag, label in LABEL_FLAGS.items() if comp.get(flag) is True]
    return {
        "siret": _text(est.get("siret")),
        "siren": _text(unit.get("siren")),
        "name": _text(unit.get("nom_raison_sociale")) or _text(unit.get("nom_complet")),
        "trade_name": trade,
        "kind_text": _text(comp.get("type_siae")),
        "legal_form": _text(unit.get("nature_juridique")),
        "naf": _text(est.get("activite_principale")) or _text(unit.get("activite_principale")),
        "address": _text(est.get("adresse")),
        "postal_code": _text(est.get("code_postal")),
        "city": _text(est.get("libelle_commune")),
        "insee_code": _text(est.get("commune")),
        "department": _department_of(est),
        "lat": lat,
        "lon": lon,
        "headcount": _text(est.get("tranche_effectif_salarie")) or _text(unit.get("tranche_effectif_salarie")),
        "labels_text": "; ".join(labels),
        "ess_flag": "O" if comp.get("est_ess") is True else "",
        "reject_reason": CLOSED_REASON if _text(est.get("etat_administratif")) == "F" else "",
        "raw": {
            "page": str(page), "siren": _text(unit.get("siren")), "siret": _text(est.get("siret")),
            "nature_juridique": _text(unit.get("nature_juridique")), "type_siae": _text(comp.get("type_siae")),
            "est_ess": str(comp.get("est_ess", "")), "est_siae": str(comp.get("est_siae", "")),
            "est_finess": str(comp.get("est_finess", "")),
        },
    }  # fmt: skip


def page_rows(results: list[dict], page: int, local_flags=(), local_department: str = "") -> list[dict]:
    """Staging rows of a checked page; flags and département filtered here when the endpoint cannot."""
    rows = []
    for unit in results:
        comp = unit.get("complements") or {}
        if any(comp.get(flag) is not True for flag in local_flags):
            continue
        establishments = unit.get("matching_etablissements") or ([unit["siege"]] if unit.get("siege") else [])
        for est in establishments:
            row = _row(unit, est, page)
            if local_department and row["department"] != local_department:
                continue
            rows.append(row)
    return rows
