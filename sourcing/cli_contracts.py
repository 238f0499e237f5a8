"""`python -m sourcing contracts fetch|import`: the public contracts won by the directory's suppliers.

    contracts fetch [--json]          the consolidated DECP through data.gouv's tabular API (online)
    contracts import FILE [--json]    a DECP file downloaded by the buyer (CSV, Parquet, JSON; offline)
    contracts buyer SIRET [--json]    the SPASER indicators by year of the contracts a buyer notified (online)

Same database and data folder as the app. Progress on stderr, the result on stdout. No network,
a refusal or an error of the service, an unreadable file: a French message and exit 2, nothing in
the store changed; running `contracts fetch` again resumes an interrupted look-up.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def add_contracts_parser(sub, parser_class) -> None:
    con = sub.add_parser("contracts", help="marchés publics remportés par les fournisseurs de l'annuaire (DECP)")
    actions = con.add_subparsers(dest="action", parser_class=parser_class)
    fetch = actions.add_parser("fetch", help="depuis l'API tabulaire de data.gouv.fr (DECP consolidées)")
    fetch.add_argument("--json", action="store_true", help="le résultat en JSON")
    imp = actions.add_parser("import", help="depuis un fichier des DECP consolidées (CSV, Parquet, JSON)")
    imp.add_argument("file", help="fichier téléchargé sur data.gouv.fr")
    imp.add_argument("--json", action="store_true", help="le résultat en JSON")
    buyer = actions.add_parser(
        "buyer", help="bilan annuel (SPASER) des marchés notifiés par un acheteur, depuis les DECP"
    )
    buyer.add_argument("siret", help="SIRET de l'acheteur (14 chiffres)")
    buyer.add_argument("--json", action="store_true", help="le résultat en JSON")


def _progress(fraction: float, message: str) -> None:
    print(f"[{fraction:4.0%}] {message}", file=sys.stderr, flush=True)


def _say(result: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
        return
    print(f"{result['contracts']} marché(s) public(s) trouvé(s) pour les fournisseurs de l'annuaire "
          f"({result['rows_read']} ligne(s) lue(s), {result['rows_rejected']} rejetée(s)) ; "
          f"annuaire version {result['version']}.")  # fmt: skip


def cmd_contracts(args, usage_error) -> int:
    from sourcing.contracts import fetch as decp_fetch
    from sourcing.contracts.reading import ContractsFileError, import_contracts
    from sourcing.db import upgrade_database
    from sourcing.live.client import LiveError

    if args.action == "buyer":
        return cmd_buyer(args, usage_error)
    if args.action not in ("fetch", "import"):
        raise usage_error("précisez « contracts fetch », « contracts import FICHIER » ou « contracts buyer SIRET ».")
    upgrade_database()
    try:
        if args.action == "fetch":
            outcome = decp_fetch.fetch_contracts(progress=_progress)
            result = outcome.to_dict()
            for page, reason in sorted(outcome.skipped.items()):
                print(f"Attention : lot/page {page} ignoré(e) ({reason}).", file=sys.stderr)
        else:
            path = Path(args.file)
            if not path.is_file():
                raise usage_error(f"fichier introuvable : {path}")
            read, version = import_contracts(path.read_bytes(), path.name, progress=_progress)
            result = {"file": path.name, "version": version, **read.to_dict()}
    except (LiveError, ContractsFileError) as exc:
        raise usage_error(str(exc)) from exc
    except KeyboardInterrupt:
        print("Interrompu : relancez la même commande pour reprendre.", file=sys.stderr)
        return 130
    _say(result, args.json)
    return 0


def cmd_buyer(args, usage_error) -> int:
    """`contracts buyer SIRET`: the indicators by year (SPASER) of the buyer's contracts in the DECP."""
    from sourcing.contracts.buyer import BadSiret, buyer_contracts
    from sourcing.live.client import LiveError
    from sourcing.plan import contracts
    from sourcing.plan.cli import _records

    try:
        found = buyer_contracts(args.siret, progress=_progress)
    except (BadSiret, LiveError) as exc:
        raise usage_error(str(exc)) from exc
    years = contracts.by_year(found.contracts)
    if args.json:
        print(json.dumps({**found.to_dict(), "years": _records(years)}, ensure_ascii=False))
        return 0
    report = found.contracts.report
    print(f"{found.buyer_name or found.siret} : {len(found.contracts.frame)} marché(s) "
          f"({report.rows_read} ligne(s) DECP lue(s), {len(report.rejected)} écartée(s)).")  # fmt: skip
    for note in found.notes:
        print(note)
    if not years.empty:
        print(contracts.spaser_table(found.contracts).to_string(index=False))
    return 0
