"""`python -m sourcing directory ...`: the team's directory from the command line.

    directory add FILE [--label L] [--date YYYY-MM-DD] [--json]
    directory list [--json]
    directory remove ID [ID ...]
    directory export --out PATH(.csv|.xlsx|.parquet)
    directory conflicts [--out PATH] [--json]

Same database (DATABASE_URL / SOURCING_DB_PATH) and data folder (SOURCING_DATA_DIR) as the app.
Progress goes to stderr, results to stdout; bad input: exit 2 and a French message.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def add_directory_parser(sub, parser_class) -> None:
    directory = sub.add_parser("directory", help="l'annuaire de l'équipe : sources ajoutées, fusionnées, datées")
    actions = directory.add_subparsers(dest="action", parser_class=parser_class)
    add = actions.add_parser("add", help="ajouter une source (fichier CSV, XLSX, JSON)")
    add.add_argument("file", help="fichier à ajouter")
    add.add_argument("--label", help="nom de la source (une source du même nom est remplacée)")
    add.add_argument("--date", help="date des données (AAAA-MM-JJ), si le fichier ne la dit pas")
    add.add_argument("--json", action="store_true", help="la source ajoutée en JSON")
    lst = actions.add_parser("list", help="les sources de l'annuaire")
    lst.add_argument("--json", action="store_true", help="en JSON")
    rem = actions.add_parser("remove", help="retirer des sources (l'annuaire est reconstruit sans elles)")
    rem.add_argument("id", type=int, nargs="+", help="numéros des sources (voir directory list)")
    exp = actions.add_parser("export", help="exporter l'annuaire fusionné")
    exp.add_argument("--out", required=True, help="fichier à écrire (.csv, .xlsx ou .parquet)")
    con = actions.add_parser("conflicts", help="les désaccords entre sources")
    con.add_argument("--out", help="les écrire dans un fichier (.csv ou .xlsx)")
    con.add_argument("--json", action="store_true", help="en JSON")


def _progress(fraction: float, message: str) -> None:
    print(f"[{fraction:4.0%}] {message}", file=sys.stderr, flush=True)


def _source_dict(source) -> dict:
    return {**source.__dict__, "families": list(source.families)}


def _write_table(frame, out: Path, suppliers: bool) -> None:
    """Suppliers as the buyer's table (French headers, formulas neutralised); other tables as they are."""
    from sourcing.exports import tables

    suffix = out.suffix.lower()
    if suffix == ".parquet":
        frame.to_parquet(out, index=False)
    elif suffix == ".csv":
        table = tables.supplier_table(frame) if suppliers else frame
        out.write_bytes(tables.csv_bytes(table))
    elif suffix == ".xlsx":
        out.write_bytes(tables.to_xlsx(frame) if suppliers else tables.table_to_xlsx(frame, sheet="Désaccords"))
    else:
        raise ValueError(f"extension « {out.suffix} » non prise en charge : .csv, .xlsx ou .parquet.")


def cmd_directory(args, usage_error) -> int:
    from sourcing.db import upgrade_database
    from sourcing.importer import ImportFailure
    from sourcing.store import dates, service

    upgrade_database()
    if args.action == "add":
        path = Path(args.file)
        if not path.is_file():
            raise usage_error(f"fichier introuvable : {args.file}")
        try:
            source = service.add_source(path.read_bytes(), path.name, label=args.label, data_date=args.date,
                                        progress=_progress)  # fmt: skip
        except (ImportFailure, dates.DateError) as exc:
            raise usage_error(str(exc)) from exc
        if args.json:
            print(json.dumps(_source_dict(source), ensure_ascii=False))
        else:
            print(f"Source n° {source.id} « {source.label} » : {source.suppliers} fournisseurs, "
                  f"données du {source.data_date or 'date inconnue'} ({source.data_date_origin}).")  # fmt: skip
        return 0
    if args.action == "list":
        return _list(service, args.json)
    if args.action == "remove":
        try:
            service.remove_sources(args.id, progress=_progress)
        except KeyError as exc:
            raise usage_error(exc.args[0]) from exc
        many = len(args.id) > 1
        print(f"Source{'s' if many else ''} n° {', '.join(map(str, args.id))} retirée{'s' if many else ''}.")
        return 0
    if args.action in ("export", "conflicts"):
        return _export_or_conflicts(args, service, usage_error)
    raise usage_error("action attendue : add, list, remove, export ou conflicts.")


def _list(service, as_json: bool) -> int:
    from sourcing.store import faults

    try:
        version = service.sync()
    except faults.SourceFilesUnusable as exc:
        # The list first (the administrator picks there the sources to remove), then the error (exit 4).
        _print_sources(service.sources(), service.current_version(), as_json, unusable=exc.source_ids)
        raise
    _print_sources(service.sources(), version, as_json)
    return 0


def _print_sources(sources, version, as_json: bool, unusable: tuple[int, ...] = ()) -> None:
    if as_json:
        listed = [_source_dict(s) | ({"unusable": s.id in unusable} if unusable else {}) for s in sources]
        print(json.dumps({"version": version.number, "suppliers": version.suppliers_out, "sources": listed},
                         ensure_ascii=False))  # fmt: skip
        return
    if not sources:
        print("Aucune source : l'outil utilise l'annuaire de démonstration (données fictives).")
    for s in sources:
        flag = "  [fichier introuvable ou illisible]" if s.id in unusable else ""
        print(f"{s.id:>4}  {s.label}  ({s.format_label}, {s.suppliers} fournisseurs, "
              f"données du {s.data_date or 'date inconnue'}, ajoutée par {s.added_by}){flag}")  # fmt: skip
    print(f"Version {version.number} : {version.suppliers_out} fournisseurs ({version.merged} fusionnés).")


def _export_or_conflicts(args, service, usage_error) -> int:
    from sourcing.store import provenance

    version = service.sync()
    if version.is_empty:
        raise usage_error("l'annuaire n'a aucune source : ajoutez-en une avec « directory add FICHIER ».")
    directory = service.read_version(version.number)
    frame = directory if args.action == "export" else provenance.conflicts_table(version, directory)
    if args.action == "conflicts" and args.json:
        print(json.dumps({"version": version.number, "conflicts": frame.to_dict("records")}, ensure_ascii=False))
        return 0
    if args.out:
        try:
            _write_table(frame, Path(args.out), suppliers=args.action == "export")
        except (ValueError, OSError) as exc:
            raise usage_error(str(exc)) from exc
        print(f"{len(frame)} lignes écrites : {args.out}")
    else:
        print(frame.to_string(index=False))
    return 0
