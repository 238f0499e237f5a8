"""Command line: the same code as the app, for scripting and tests.

    python -m sourcing import FILE [--format NAME] [--out PATH] [--units PATH] [--json]
    python -m sourcing search [--directory PATH] [--near PLACE] [--radius-km R] ... [--json]
    python -m sourcing advise --need TEXT --amount EUR --duration-months M --nature NATURE [...] [--json]
    python -m sourcing shortlist create NAME | add NAME --siret S [--directory PATH] | list [--json]
    python -m sourcing directory add FILE [--label L] [--date D] | list | remove ID... | export --out P | conflicts
    python -m sourcing fetch [--department CODE] [--near PLACE --radius-km R] [--naf CODE]... [--ess] [--siae] [--json]
    python -m sourcing geocode [--limit N] [--min-score S] [--json]
    python -m sourcing contracts fetch [--json] | import FILE [--json] | buyer SIRET [--json]   (DECP)
    python -m sourcing shortlist export NAME --format csv|xlsx|ics|pdf|docx --out PATH [--title T --start ...]
    python -m sourcing bench [--rows N] [--runs R] [--no-postgis] [--json]
    python -m sourcing prepare   (the derived files a first start would build: gazetteer, demo, index)
    python -m sourcing meeting create --list NAME --title T --start AAAA-MM-JJTHH:MM [--status S ...] [--json]
    python -m sourcing plan FILE [--buyer TYPE] [--near PLACE] [--xlsx OUT] [--summary OUT] [--json]

Bad input or usage: exit code 2 and a French message on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from sourcing.cli_advise import add_advise_parser, cmd_advise
from sourcing.cli_bench import add_bench_parser, cmd_bench
from sourcing.cli_contracts import add_contracts_parser, cmd_contracts
from sourcing.cli_directory import add_directory_parser, cmd_directory
from sourcing.cli_fetch import add_fetch_parser, cmd_fetch
from sourcing.cli_geocode import add_geocode_parser, cmd_geocode
from sourcing.cli_prepare import add_prepare_parser, cmd_prepare
from sourcing.model import GEO_PRECISION_LABELS, KIND_CODES
from sourcing.plan.cli import add_plan_parser, cmd_plan

if TYPE_CHECKING:
    import pandas as pd

EXIT_USAGE = 2
EXIT_DATABASE = 3  # the lists' database refuses writes or is unreachable (sourcing.db.faults)
EXIT_DATA_FOLDER = 4  # the data folder refuses a write or lacks sources' files (sourcing.store.faults)

_ARGPARSE_FR = (
    ("the following arguments are required", "arguments obligatoires manquants"),
    ("unrecognized arguments", "arguments inconnus"),
    ("invalid choice", "valeur non permise"),
    ("choose from", "valeurs possibles"),
    ("expected one argument", "une valeur est attendue"),
    ("invalid float value", "nombre invalide"),
    ("invalid int value", "nombre entier invalide"),
    ("argument", "option"),
)


class UsageError(Exception):
    """Bad input or usage; the message is French."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's messages are English: translate the usual ones
        for en, fr in _ARGPARSE_FR:
            message = message.replace(en, fr)
        raise UsageError(f"{message}\n{self.format_usage().strip()}")


LIGHT_COMMANDS = ("search", "bench", "prepare")  # parsed without the other commands' options (and their imports)


def _parser(light: bool = False) -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m sourcing", description="Annuaire des fournisseurs de l'ESS pour les acheteurs publics."
    )
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    if not light:  # the formats' readers (pandas and their modules) are not needed to search
        _add_import_parser(sub)
    sea = sub.add_parser("search", help="chercher des fournisseurs")
    sea.add_argument("--directory", help="annuaire (Parquet écrit par import --out, ou tout fichier importable)")
    sea.add_argument("--near", help="commune, code postal ou code INSEE")
    sea.add_argument("--radius-km", type=float, help="distance maximale en km autour de --near")
    sea.add_argument("--department", action="append", default=[], help="code département (répétable)")
    sea.add_argument("--region", action="append", default=[], help="code région (répétable)")
    sea.add_argument("--kind", action="append", default=[], help=f"type de structure ({', '.join(KIND_CODES)})")
    sea.add_argument("--sector", action="append", default=[], help="identifiant de secteur (répétable)")
    sea.add_argument("--naf", help="code NAF (ou début de code)")
    sea.add_argument("--cpv", help="code CPV")
    sea.add_argument("--q", help="mots-clés")
    sea.add_argument(
        "--fresh", action="store_true", help="seulement les fournisseurs connus d'une source de moins d'un an"
    )
    sea.add_argument(
        "--won-contracts", action="store_true", help="seulement les fournisseurs ayant déjà remporté un marché public"
    )
    sea.add_argument("--sort", choices=("distance", "name", "contracts"), help="ordre des résultats")
    sea.add_argument("--limit", type=int, default=50, help="nombre maximal de résultats (50 par défaut)")
    sea.add_argument("--json", action="store_true", help="résultats en JSON")
    add_bench_parser(sub, _Parser)
    add_prepare_parser(sub)
    if not light:  # their choices come from the advisor, exports and database modules: a second to import
        add_advise_parser(sub)
        _add_shortlist_parser(sub)
        add_directory_parser(sub, _Parser)
        _add_meeting_parser(sub)
        add_fetch_parser(sub, _Parser)
        add_geocode_parser(sub, _Parser)
        add_plan_parser(sub)
        add_contracts_parser(sub, _Parser)
    return parser


def _add_import_parser(sub) -> None:
    from sourcing import formats

    imp = sub.add_parser("import", help="importer un annuaire (CSV, XLSX, JSON)")
    imp.add_argument("file", help="fichier à importer")
    imp.add_argument("--format", choices=formats.FORMAT_NAMES, help="format (détecté automatiquement sinon)")
    imp.add_argument("--out", help="écrire l'annuaire normalisé (Parquet)")
    imp.add_argument("--units", help="SIRENE : fichier StockUniteLegale à joindre sur le SIREN")
    imp.add_argument("--json", action="store_true", help="rapport en JSON")


def _add_user_option(parser: argparse.ArgumentParser) -> None:
    import os

    default_user = os.environ.get("SOURCING_USER") or "local"
    parser.add_argument("--user", default=default_user, help="utilisateur (« local » en mode mono-utilisateur)")


def _add_shortlist_parser(sub) -> None:
    from sourcing.exports import SHORTLIST_EXPORTS

    sho = sub.add_parser("shortlist", help="listes de fournisseurs présélectionnés (même base que l'application)")
    _add_user_option(sho)
    actions = sho.add_subparsers(dest="action", parser_class=_Parser)
    create = actions.add_parser("create", help="créer une liste vide")
    create.add_argument("name", help="nom de la liste")
    add = actions.add_parser("add", help="ajouter des fournisseurs de l'annuaire par SIRET")
    add.add_argument("name", help="nom de la liste")
    add.add_argument("--siret", action="append", required=True, help="SIRET du fournisseur (répétable)")
    add.add_argument("--directory", help="annuaire (annuaire de démonstration par défaut)")
    lst = actions.add_parser("list", help="vos listes et celles partagées avec vous")
    lst.add_argument("--json", action="store_true", help="résultat en JSON")
    exp = actions.add_parser("export", help="exporter une liste (tableau, ou documents d'une rencontre)")
    exp.add_argument("name", help="nom de la liste")
    exp.add_argument("--format", required=True, choices=tuple(SHORTLIST_EXPORTS), help="format")
    exp.add_argument("--out", required=True, help="fichier à écrire")
    exp.add_argument("--title", help="ics, pdf, docx : titre de la rencontre")
    exp.add_argument("--start", help="ics, pdf, docx : début de la rencontre (AAAA-MM-JJTHH:MM, heure de Paris)")
    exp.add_argument("--place", default="", help="ics, pdf, docx : lieu ou lien de visioconférence")
    exp.add_argument("--purpose", default="", help="ics, pdf, docx : objet de la rencontre")
    exp.add_argument("--slot-minutes", type=int, default=20, help="durée d'un créneau en minutes (20 par défaut)")


def _add_meeting_parser(sub) -> None:
    from sourcing.schedule import ORDERS

    mee = sub.add_parser("meeting", help="rencontres avec les fournisseurs (même base que l'application)")
    _add_user_option(mee)
    actions = mee.add_subparsers(dest="action", parser_class=_Parser)
    create = actions.add_parser("create", help="créer une rencontre depuis une liste : invitations et programme")
    create.add_argument(
        "--list", required=True, dest="list_name", metavar="LISTE", help="nom de la liste des fournisseurs à inviter"
    )
    create.add_argument("--title", required=True, help="titre de la rencontre")
    create.add_argument("--start", required=True, help="début de la rencontre (AAAA-MM-JJTHH:MM, heure de Paris)")
    create.add_argument("--place", default="", help="lieu ou lien de visioconférence")
    create.add_argument("--purpose", default="", help="objet de la rencontre")
    create.add_argument("--slot-minutes", type=int, default=20, help="durée d'un créneau en minutes (20 par défaut)")
    create.add_argument("--break-minutes", type=int, default=5, help="pause entre deux créneaux (5 min par défaut)")
    create.add_argument(
        "--status", action="append", help="inviter les fournisseurs de ce statut (répétable ; tous sauf « décliné »)"
    )
    create.add_argument("--order", choices=ORDERS, default="name", help="ordre de passage (name par défaut)")
    create.add_argument("--json", action="store_true", help="résultat en JSON")


def _json_value(v):
    if isinstance(v, float) and math.isnan(v):
        return None
    if hasattr(v, "tolist"):
        return v.tolist()
    return v


def cmd_import(args) -> int:
    from sourcing.directory import save_parquet
    from sourcing.importer import ImportFailure, import_path
    from sourcing.reading import ReadError, read_path

    options = {}
    if args.units:
        try:
            options["units"] = read_path(args.units)[0]
        except ReadError as exc:
            raise UsageError(str(exc)) from exc
    try:
        result = import_path(args.file, args.format, **options)
    except ImportFailure as exc:
        raise UsageError(str(exc)) from exc
    if args.out:
        save_parquet(result.directory, args.out, raw=result.raw)
    report = result.report
    if args.json:
        payload = {k: v for k, v in report.to_dict().items()}
        print(json.dumps(payload, ensure_ascii=False))
    else:
        print(f"Format : {report.format_label} ({report.encoding}, séparateur {report.delimiter!r})")
        print(f"Lignes lues : {report.rows_read}, chargées : {report.rows_loaded}, rejetées : {report.rows_rejected}")
        print(f"Fournisseurs : {report.suppliers} (doublons fusionnés : {report.duplicates})")
        located = ", ".join(f"{GEO_PRECISION_LABELS[k]} {v}" for k, v in report.geocoded.items())
        print(f"Localisation : {located}")
        for r in report.rejected[:20]:
            print(f"  {report.where(r)} rejetée : {r['reason']}")
        if len(report.rejected) > 20:
            print(f"  … et {len(report.rejected) - 20} autres lignes rejetées")
        print(f"Avertissements : {len(report.warnings)}")
        if args.out:
            print(f"Annuaire écrit : {args.out}")
    return 0


RESULT_FIELDS = (
    "siret", "name", "kinds", "sectors", "naf", "postal_code", "city", "insee_code",
    "department", "region", "lat", "lon", "geo_precision", "distance_km",
)  # fmt: skip


def _load_directory(path: str | None) -> pd.DataFrame:
    """The directory file at `path` (Parquet or any importable file), the demo when None."""
    from sourcing.directory import load_any
    from sourcing.importer import ImportFailure

    if path and not Path(path).exists():
        raise UsageError(f"annuaire introuvable : {path}")
    try:
        return load_any(path)
    except (ImportFailure, ValueError) as exc:
        raise UsageError(str(exc)) from exc


def cmd_search(args) -> int:
    from sourcing.gazetteer import Gazetteer
    from sourcing.search import SearchQuery, search, stored

    unknown = [k for k in args.kind if k.upper() not in KIND_CODES]
    if unknown:
        raise UsageError(
            f"type de structure inconnu : {', '.join(unknown)}. Types possibles : {', '.join(KIND_CODES)}."
        )
    if args.radius_km is not None and (args.radius_km < 0 or not args.near):
        raise UsageError("--radius-km demande --near et une distance positive.")
    if args.limit is not None and args.limit < 0:
        raise UsageError("--limit doit être positif.")
    near, resolving = None, time.perf_counter()
    if args.near:
        place = Gazetteer.load().resolve(args.near)
        if place.status != "ok":
            raise UsageError(place.message)
        near = (place.lat, place.lon)
    started = time.perf_counter()
    index = stored.index_of(args.directory, _load_directory)  # saved with its directory: no rebuild
    if args.q or args.sector or args.cpv:
        from sourcing.taxonomy import load_taxonomy

        load_taxonomy()  # reference data these filters read (~0.1 s): loaded with the index, not in the query
    loaded = time.perf_counter()
    query = SearchQuery(
        near=near,
        radius_km=args.radius_km,
        departments=tuple(args.department),
        regions=tuple(args.region),
        kinds=tuple(k.upper() for k in args.kind),
        sectors=tuple(args.sector),
        naf=args.naf,
        cpv=args.cpv,
        q=args.q,
        fresh_only=args.fresh,
        won_contracts=args.won_contracts,
        sort=args.sort,
        limit=args.limit,
        columns=tuple(f for f in RESULT_FIELDS if f != "distance_km"),  # what is printed: fewer columns read
    )
    found = search(index, query)
    rows = [{f: _json_value(rec[f]) for f in RESULT_FIELDS} for rec in found.results.to_dict("records")]
    timing = {"place": (started - resolving) * 1000, "load": (loaded - started) * 1000,
              "query": (time.perf_counter() - loaded) * 1000}  # fmt: skip
    if args.json:
        payload = {"total": found.total, "results": rows, "timing_ms": {k: round(v, 1) for k, v in timing.items()}}
        print(json.dumps(payload, ensure_ascii=False))
    else:
        print(f"{found.total} fournisseur(s)")
        for r in rows:
            dist = f"{r['distance_km']:.1f} km  " if r["distance_km"] is not None else ""
            print(f"{dist}{r['name']} [{', '.join(r['kinds'])}] {r['postal_code'] or ''} {r['city'] or ''}")
    return 0


def _find_by_siret(directory, sirets: list[str]):
    """The directory rows whose SIRET is one of `sirets` (spaces ignored); unknown ones: UsageError."""
    wanted = ["".join(s.split()) for s in sirets]
    if "siret" not in directory.columns:
        raise UsageError("cet annuaire n'a pas de colonne SIRET.")
    found = directory[directory["siret"].astype("string").isin(wanted).fillna(False).to_numpy(dtype=bool)]
    missing = sorted(set(wanted) - set(found["siret"].astype(str)))
    if missing:
        raise UsageError(f"SIRET absent de l'annuaire : {', '.join(missing)}.")
    return found.drop_duplicates("siret")


def _parse_start(text: str):
    from datetime import datetime

    try:
        return datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise UsageError(f"date et heure invalides : « {text} » (format attendu AAAA-MM-JJTHH:MM).") from exc


def _export_meeting(args):
    from sourcing.exports import TABLES

    if args.format in TABLES:
        return None
    if not args.title or not args.start:
        raise UsageError(f"l'export {args.format} demande la rencontre : --title et --start (AAAA-MM-JJTHH:MM).")
    return _meeting_plan(args)


def _meeting_plan(args, break_minutes: int = 0):
    """The meeting the options --title, --start, --purpose, --place and --slot-minutes describe."""
    from sourcing.schedule import MeetingPlan

    start = _parse_start(args.start)
    return MeetingPlan(
        title=args.title, purpose=args.purpose, start=start, place_or_link=args.place,
        slot_minutes=args.slot_minutes, break_minutes=break_minutes,
    )  # fmt: skip


def cmd_shortlist(args) -> int:
    from sourcing.db import service
    from sourcing.db.engine import session_scope, upgrade_database

    if args.action is None:
        raise UsageError("action manquante : create, add, list ou export.")
    meeting = _export_meeting(args) if args.action == "export" else None
    directory = None
    if args.action == "add":
        directory = _load_directory(args.directory)
        rows = _find_by_siret(directory, args.siret)
    upgrade_database()
    try:
        with session_scope() as session:
            if args.action == "create":
                shortlist = service.create_shortlist(session, args.user, args.name)
                print(f"Liste « {shortlist.name} » créée (n° {shortlist.id}).")
            elif args.action == "add":
                shortlist = service.find_shortlist(session, args.user, args.name)
                added = service.add_suppliers(session, args.user, shortlist.id, rows)
                print(f"{added} fournisseur(s) ajouté(s) à « {shortlist.name} » ({len(rows) - added} déjà présent(s)).")
            elif args.action == "list":
                infos = service.list_shortlists(session, args.user)
                if args.json:
                    payload = [
                        {"id": i.id, "name": i.name, "owner": i.owner, "shared": i.shared, "entries": i.entries,
                         "updated_at": i.updated_at.isoformat()}
                        for i in infos
                    ]  # fmt: skip
                    print(json.dumps(payload, ensure_ascii=False))
                else:
                    for i in infos:
                        shared = f" (partagée par {i.owner})" if i.shared else ""
                        print(f"{i.name}{shared} : {i.entries} fournisseur(s)")
            else:
                shortlist = service.find_shortlist(session, args.user, args.name)
                frame = service.entries_frame(session, args.user, shortlist.id)
                from sourcing.exports import export_shortlist

                data = export_shortlist(frame, args.format, meeting)
                Path(args.out).write_bytes(data)
                print(f"{len(frame)} fournisseur(s) exporté(s) dans {args.out}")
    except (ValueError, LookupError, PermissionError) as exc:
        message = exc.args[0] if isinstance(exc, LookupError) and exc.args else str(exc)
        raise UsageError(message) from exc
    return 0


def cmd_meeting(args) -> int:
    """`meeting create`: the meeting, its invitations (by follow-up status) and its planned day,
    as the page's form makes them."""
    from sourcing.db import service
    from sourcing.db.engine import session_scope, upgrade_database

    if args.action is None:
        raise UsageError("action manquante : create.")
    plan = _meeting_plan(args, break_minutes=args.break_minutes)
    statuses = args.status or service.DEFAULT_INVITED_STATUSES
    upgrade_database()
    try:
        with session_scope() as session:
            shortlist = service.find_shortlist(session, args.user, args.list_name)
            prepared = service.create_meeting_from_shortlist(
                session, args.user, shortlist.id, plan, statuses=statuses, order=args.order
            )
            meeting = prepared.meeting
    except (ValueError, LookupError, PermissionError) as exc:
        message = exc.args[0] if isinstance(exc, LookupError) and exc.args else str(exc)
        raise UsageError(message) from exc
    if args.json:
        slots = [
            {
                "supplier_id": s.supplier_id,
                "name": s.supplier_name,
                "start": s.start.isoformat(),
                "end": s.end.isoformat(),
            }
            for s in prepared.slots
        ]
        payload = {"id": meeting.id, "title": meeting.title, "start": meeting.start.isoformat(), "slots": slots}
        print(json.dumps(payload, ensure_ascii=False))
    else:
        print(f"Rencontre « {meeting.title} » créée (n° {meeting.id}) : {prepared.invited} fournisseur(s) invité(s).")
        for slot in prepared.slots:
            print(f"{slot.label}  {slot.supplier_name}")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = _parser(light=bool(argv) and argv[0] in LIGHT_COMMANDS)
    try:
        args = parser.parse_args(argv)
        if args.command == "import":
            return cmd_import(args)
        if args.command == "search":
            return cmd_search(args)
        if args.command == "advise":
            return cmd_advise(args, UsageError, _load_directory)
        if args.command == "shortlist":
            return cmd_shortlist(args)
        if args.command == "directory":
            return cmd_directory(args, UsageError)
        if args.command == "bench":
            return cmd_bench(args, UsageError)
        if args.command == "prepare":
            return cmd_prepare(_load_directory)
        if args.command == "meeting":
            return cmd_meeting(args)
        if args.command == "fetch":
            return cmd_fetch(args, UsageError)
        if args.command == "geocode":
            return cmd_geocode(args, UsageError)
        if args.command == "plan":
            return cmd_plan(args, UsageError)
        if args.command == "contracts":
            return cmd_contracts(args, UsageError)
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    except UsageError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return EXIT_USAGE
    except RuntimeError as exc:
        # Loaded by the commands that use the database and the data folder.
        db_faults, store_faults = sys.modules.get("sourcing.db.faults"), sys.modules.get("sourcing.store.faults")
        if db_faults is not None and isinstance(exc, db_faults.DatabaseFault):
            print(f"Erreur : {exc}", file=sys.stderr)
            return EXIT_DATABASE
        folder_faults = () if store_faults is None else (store_faults.SourceFilesUnusable, store_faults.StoreWriteError)
        if isinstance(exc, folder_faults):
            print(f"Erreur : {exc}", file=sys.stderr)
            return EXIT_DATA_FOLDER
        raise
    except KeyboardInterrupt:
        return 130
