"""`python -m sourcing fetch ...`: add suppliers fetched from API Recherche d'entreprises to the team's directory.

    fetch --department CODE [--near PLACE --radius-km R] [--naf CODE]... [--ess] [--siae]
          [--finess] [--association] [--label L] [--json]

Same database and data folder as the app. Progress on stderr, the result on stdout. No network,
a refusal or an error of the service: a French message and exit 2 (within seconds), nothing in
the store changed; running the same command again resumes an interrupted fetch.
"""

from __future__ import annotations

import json
import sys


def add_fetch_parser(sub, parser_class) -> None:
    fetch = sub.add_parser("fetch", help="récupérer des fournisseurs depuis l'API Recherche d'entreprises")
    fetch.add_argument("--department", default="", help="code du département (59, 2A, 974…)")
    fetch.add_argument("--near", default="", help="commune (ou code postal) au centre de la recherche")
    fetch.add_argument("--radius-km", type=float, help="rayon autour de --near, 50 km au plus (10 par défaut)")
    fetch.add_argument("--naf", action="append", default=[], help="code NAF (répétable), ex. 81.30Z")
    fetch.add_argument("--ess", action="store_true", help="seulement les entreprises de l'ESS")
    fetch.add_argument("--siae", action="store_true", help="seulement les structures d'insertion (SIAE)")
    fetch.add_argument("--finess", action="store_true", help="seulement le sanitaire et social (FINESS)")
    fetch.add_argument("--association", action="store_true", help="seulement les associations")
    fetch.add_argument("--label", help="nom de la source (une source du même nom est remplacée)")
    fetch.add_argument("--json", action="store_true", help="le résultat en JSON")


def _progress(fraction: float, message: str) -> None:
    print(f"[{fraction:4.0%}] {message}", file=sys.stderr, flush=True)


def cmd_fetch(args, usage_error) -> int:
    from sourcing.db import upgrade_database
    from sourcing.live import fetch as live_fetch
    from sourcing.live.client import LiveError
    from sourcing.live.query import FetchQuery, QueryError, resolve_query
    from sourcing.store.dates import DateError

    try:
        query = resolve_query(FetchQuery(args.department, args.near, args.radius_km, tuple(args.naf), args.ess,
                                         args.siae, args.finess, args.association))  # fmt: skip
    except QueryError as exc:
        raise usage_error(str(exc)) from exc
    upgrade_database()
    try:
        result = live_fetch.fetch_into_store(query, label=args.label, progress=_progress)
    except (LiveError, DateError, ValueError) as exc:
        raise usage_error(str(exc)) from exc
    except KeyboardInterrupt:
        print("Interrompu : relancez la même commande pour reprendre où la récupération s'est arrêtée.",
              file=sys.stderr)  # fmt: skip
        return 130
    outcome, source = result.outcome, result.source
    if args.json:
        found = {"added": source is not None, "description": query.description,
                 "source": {**source.__dict__, "families": list(source.families)} if source else None,
                 "total_results": outcome.total_results, "pages": outcome.total_pages, "skipped_pages": outcome.skipped,
                 "truncated": outcome.truncated, "duplicates_dropped": outcome.duplicates}  # fmt: skip
        print(json.dumps(found, ensure_ascii=False))
    elif source is None:
        print(f"Aucun résultat pour « {query.description} » : rien n'a été ajouté à l'annuaire.")
    else:
        print(f"Source n° {source.id} « {source.label} » : {source.suppliers} fournisseurs "
              f"({outcome.total_results} entreprises trouvées), données du {source.data_date}.")  # fmt: skip
    for page, reason in sorted(outcome.skipped.items()):
        print(f"Attention : page {page} ignorée ({reason}).", file=sys.stderr)
    if outcome.truncated:
        print("Attention : seuls les 10 000 premiers résultats ont été récupérés ; précisez la recherche.",
              file=sys.stderr)  # fmt: skip
    return 0
