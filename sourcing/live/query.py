"""What a buyer asks the company API for, checked offline before any request is sent.

A query is a place (a département, or a commune and a radius), NAF codes, and flags (ESS, SIAE,
FINESS, associations). `resolve_query` checks it against the offline gazetteer and NAF list and
turns it into the API's endpoint and parameters, a French description, and a stable key (the
name of its checkpoint folder, so that the same query resumes where it stopped).

/search filters on the département and the flags itself. /near_point (commune and radius) only
takes NAF codes: the flags and a département given with it are applied here, on each answer.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from sourcing import gazetteer as gz
from sourcing.taxonomy import normalise_naf_code

API_NAME = "API Recherche d'entreprises"
API_LICENCE = "Licence Ouverte / Open Licence 2.0 (Etalab) : données SIRENE et compléments publiés par l'État"
MAX_RADIUS_KM = 50.0  # the API's limit for /near_point
PER_PAGE = 25  # the API's maximum
MATCHING_LIMIT = 100  # establishments per company in the answer (the API's maximum)

# Our flag -> (API parameter and `complements` field, French wording)
FLAGS: dict[str, tuple[str, str]] = {
    "ess": ("est_ess", "ESS"),
    "siae": ("est_siae", "SIAE"),
    "finess": ("est_finess", "FINESS (sanitaire et social)"),
    "association": ("est_association", "associations"),
}


class QueryError(ValueError):
    """A query that cannot be sent as typed. The message is French and says what to change."""


@dataclass(frozen=True)
class FetchQuery:
    """The buyer's query as typed (CLI options or the app's form)."""

    department: str = ""
    near: str = ""
    radius_km: float | None = None
    naf: tuple[str, ...] = ()
    ess: bool = False
    siae: bool = False
    finess: bool = False
    association: bool = False


@dataclass(frozen=True)
class ResolvedQuery:
    """A checked query: the endpoint and parameters sent, and what is filtered here on each answer."""

    endpoint: str  # "/search" or "/near_point"
    params: dict[str, str]
    description: str  # French, recorded with the source
    local_flags: tuple[str, ...] = ()  # `complements` fields that must be true (near_point)
    local_department: str = ""  # establishments outside it are left out (near_point)
    key: str = field(default="")

    def record(self, base_url: str) -> dict:
        """What the catalogue keeps as the source's query (with the fetch times added by the caller)."""
        return {"api": API_NAME, "url": base_url.rstrip("/") + self.endpoint, "params": self.params,
                "description": self.description}  # fmt: skip


def _department(text: str) -> str:
    code = gz.normalise_department(text.strip())
    known = set(gz.Gazetteer.load().communes["department"].dropna().unique()) if code else set()
    if not code or code not in known:
        raise QueryError(f"Département « {text} » inconnu : donnez son code (59, 2A, 974…).")
    return code


def _naf_codes(codes: tuple[str, ...]) -> list[str]:
    out = []
    for text in codes:
        for part in str(text).replace(";", ",").split(","):
            if not part.strip():
                continue
            code = normalise_naf_code(part)
            if code is None:
                raise QueryError(f"Code NAF « {part.strip()} » inconnu : écrivez-le comme 88.10C ou 8810C.")
            out.append(code)
    return list(dict.fromkeys(out))


def _place(query: FetchQuery) -> tuple[float, float, str, float]:
    radius = query.radius_km if query.radius_km is not None else 10.0
    if not 0 < radius <= MAX_RADIUS_KM:
        raise QueryError(f"Rayon de {radius:g} km impossible : entre 0 et {MAX_RADIUS_KM:g} km (limite du service).")
    found = gz.Gazetteer.load().resolve(query.near)
    if found.status != "ok" or found.lat is None:
        choices = ", ".join(c.label for c in found.candidates[:5])
        hint = f" Précisez : {choices}." if choices and found.status == "ambiguous" else ""
        raise QueryError(f"Lieu « {query.near} » non trouvé ou ambigu.{hint} {found.message}".strip())
    return float(found.lat), float(found.lon), str(found.label or query.near), radius


def resolve_query(query: FetchQuery) -> ResolvedQuery:
    """Check the query offline and build what is sent. Raises QueryError (French)."""
    department = _department(query.department) if query.department.strip() else ""
    naf = _naf_codes(query.naf)
    flags = [name for name in FLAGS if getattr(query, name)]
    if not (department or query.near.strip() or naf):
        raise QueryError("Indiquez au moins un département, une commune (avec un rayon) ou un code NAF.")
    parts = []
    params: dict[str, str] = {"per_page": str(PER_PAGE), "limite_matching_etablissements": str(MATCHING_LIMIT)}
    if naf:
        params["activite_principale"] = ",".join(naf)
    if query.near.strip():
        lat, lon, label, radius = _place(query)
        params |= {"lat": f"{lat:.5f}", "long": f"{lon:.5f}", "radius": f"{radius:g}"}
        endpoint = "/near_point"
        parts.append(f"{radius:g} km autour de {label}")
        if department:
            parts.append(f"département {department}")
        local_flags = tuple(FLAGS[f][0] for f in flags)
        local_department = department
    else:
        endpoint = "/search"
        if department:
            params["departement"] = department
            parts.append(f"département {department}")
        params["etat_administratif"] = "A"
        params |= {FLAGS[f][0]: "true" for f in flags}
        local_flags, local_department = (), ""
    if naf:
        parts.append("NAF " + ", ".join(naf))
    parts += [FLAGS[f][1] for f in flags]
    description = f"{API_NAME} : " + " ; ".join(parts)
    key_text = json.dumps([endpoint, params, local_flags, local_department], sort_keys=True)
    key = hashlib.sha256(key_text.encode()).hexdigest()[:16]
    return ResolvedQuery(endpoint, params, description, local_flags, local_department, key)
