"""`python -m sourcing geocode ...`: locate the suppliers of the team's directory at their address.

    geocode [--limit N] [--min-score S] [--json]

Opt-in and online (the Géoplateforme's geocoding service, the national address base); the
offline gazetteer stays what places suppliers otherwise. Same database and data folder as the
app. Progress on stderr, the result on stdout. No network, a refusal or errors of the service: a
French message and exit 2 (within seconds), nothing in the store changed; running the command
again resumes from the answers already received (kept in the cache, never asked twice).
"""

from __future__ import annotations

import json
import sys


def add_geocode_parser(sub, parser_class) -> None:
    geo = sub.add_parser(
        "geocode", help="localiser à l'adresse les fournisseurs de l'annuaire (Base Adresse Nationale)"
    )
    geo.add_argument("--limit", type=int, help="nombre maximal d'adresses à demander au service (toutes par défaut)")
    geo.add_argument(
        "--min-score", type=float, help="score minimal (0 à 1, 0,6 par défaut) : en dessous, la commune reste"
    )
    geo.add_argument("--json", action="store_true", help="le résultat en JSON")


def _progress(fraction: float, message: str) -> None:
    print(f"[{fraction:4.0%}] {message}", file=sys.stderr, flush=True)


def cmd_geocode(args, usage_error) -> int:
    from sourcing.db import upgrade_database
    from sourcing.live import geocode
    from sourcing.live.client import LiveError

    min_score = geocode.DEFAULT_MIN_SCORE if args.min_score is None else args.min_score
    if not 0.0 <= min_score <= 1.0:
        raise usage_error(f"--min-score doit être compris entre 0 et 1 (reçu : {args.min_score}).")
    if args.limit is not None and args.limit < 0:
        raise usage_error(f"--limit doit être positif ou nul (reçu : {args.limit}).")
    upgrade_database()
    try:
        result = geocode.geocode_into_store(min_score=min_score, limit=args.limit, progress=_progress)
    except (LiveError, ValueError) as exc:
        raise usage_error(str(exc)) from exc
    except KeyboardInterrupt:
        print("Interrompu : relancez la même commande, les adresses déjà demandées ne le seront plus.",
              file=sys.stderr)  # fmt: skip
        return 130
    outcome, source = result.outcome, result.source
    if args.json:
        found = outcome.summary() | {"changed": result.changed, "source": _source_json(source),
                                     "suppliers": outcome.located}  # fmt: skip
        print(json.dumps(found, ensure_ascii=False))
    else:
        print(_sentence(outcome, source))
    if outcome.kept["malformed"]:
        print(f"Attention : {outcome.kept['malformed']} réponse(s) illisible(s) ignorée(s) ; relancez plus tard.",
              file=sys.stderr)  # fmt: skip
    return 0


def _source_json(source) -> dict | None:
    return {**source.__dict__, "families": list(source.families)} if source is not None else None


def _sentence(outcome, source) -> str:
    kept = sum(outcome.kept.values())
    said = (f"{len(outcome.located)} fournisseur(s) localisé(s) à l'adresse sur {outcome.candidates} "
            f"({outcome.asked} adresse(s) demandée(s), {outcome.from_cache} déjà connue(s)) ; "
            f"{kept} gardé(s) au point de la commune.")  # fmt: skip
    if outcome.pending:
        said += f" {outcome.pending} adresse(s) restent à demander : relancez la commande."
    if outcome.not_joinable:
        said += f" {outcome.not_joinable} fournisseur(s) sans SIRET ni SIREN n'ont pas pu être géocodés."
    return said + (f" Source « {source.label} »." if source is not None else "")
