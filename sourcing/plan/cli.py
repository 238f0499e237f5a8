"""`python -m sourcing plan FILE`: a purchasing programme analysed from the command line.

    plan FILE [--buyer TYPE] [--near PLACE] [--radius-km R] [--directory PATH] [--xlsx OUT]
              [--summary OUT.docx|OUT.pdf] [--json]

Same analysis as the page "Programme d'achats"; the team's directory by default. Bad input: exit 2
and a French message (raised as the caller's usage error).
"""

from __future__ import annotations

import json
import math
from pathlib import Path


def add_plan_parser(sub) -> None:
    from sourcing.advisor.thresholds import BUYER_TYPES
    from sourcing.plan.analysis import DEFAULT_PLAN_RADIUS_KM

    plan = sub.add_parser("plan", help="analyser un programme d'achats (XLSX, CSV) : leviers, fournisseurs, priorités")
    plan.add_argument("file", help="programme prévisionnel des achats (XLSX ou CSV)")
    plan.add_argument("--buyer", default="commune", choices=BUYER_TYPES, help="type d'acheteur (commune par défaut)")
    plan.add_argument("--near", default="", help="lieu des achats qui n'en indiquent pas (commune, département…)")
    plan.add_argument(
        "--radius-km", type=float, default=DEFAULT_PLAN_RADIUS_KM, help="distance des fournisseurs (30 km par défaut)"
    )
    plan.add_argument("--directory", help="annuaire (Parquet ou fichier importable ; celui de l'équipe par défaut)")
    plan.add_argument("--xlsx", help="écrire le classeur (une feuille par vue)")
    plan.add_argument("--summary", help="écrire la synthèse pour les élus (.docx ou .pdf)")
    plan.add_argument("--json", action="store_true", help="résultat en JSON")


def _plain(value: object) -> object:
    """JSON-safe: NaN -> None, numpy numbers -> Python numbers."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return _plain(value.item())
    return value


def _records(table) -> list[dict]:
    return [{k: _plain(v) for k, v in row.items()} for row in table.to_dict("records")]


def payload(analysis) -> dict:
    from sourcing.plan import views

    return {
        "report": analysis.report.to_dict(),
        "total_amount": analysis.total_amount,
        "social_amount": analysis.social_amount,
        "social_share": round(analysis.social_share, 4),
        "levers": _records(views.levers_table(analysis)),
        "priorities": _records(views.priorities_table(analysis)),
        "suppliers": _records(views.suppliers_table(analysis, limit=30)),
        "lines": _records(views.lines_table(analysis)),
    }


def _index(directory: str | None):
    from sourcing.directory import load_any
    from sourcing.search import SearchIndex

    return SearchIndex.build(load_any(directory))


def _write(args, analysis) -> None:
    from sourcing.plan.exports import plan_summary, plan_xlsx

    if args.xlsx:
        Path(args.xlsx).write_bytes(plan_xlsx(analysis))
    if args.summary:
        fmt = Path(args.summary).suffix.lower().lstrip(".")
        Path(args.summary).write_bytes(plan_summary(fmt, analysis))  # type: ignore[arg-type]


def cmd_plan(args, usage_error: type[Exception]) -> int:
    from sourcing.advisor import AdviceInputError
    from sourcing.plan.analysis import PlanSettings, analyse
    from sourcing.plan.programme import ProgrammeError, read_programme
    from sourcing.reading import ReadError

    if args.summary and Path(args.summary).suffix.lower() not in (".docx", ".pdf"):
        raise usage_error(f"--summary : extension « {Path(args.summary).suffix} » non prise en charge (.docx ou .pdf).")
    if not math.isfinite(args.radius_km) or args.radius_km < 0:
        raise usage_error("--radius-km doit être une distance positive.")
    path = Path(args.file)
    try:
        programme = read_programme(path.read_bytes(), path.name)
    except FileNotFoundError as exc:
        raise usage_error(f"fichier introuvable : {path}") from exc
    except (ReadError, ProgrammeError) as exc:
        raise usage_error(str(exc)) from exc
    settings = PlanSettings(buyer_type=args.buyer, near=args.near.strip(), radius_km=args.radius_km)
    try:
        analysis = analyse(programme, _index(args.directory), settings)
    except AdviceInputError as exc:
        raise usage_error(str(exc)) from exc
    _write(args, analysis)
    if args.json:
        print(json.dumps(payload(analysis), ensure_ascii=False))
        return 0
    report = analysis.report
    print(f"{report.rows_read} lignes lues : {report.analysed} analysées, {len(report.rejected)} rejetées.")
    for rejection in report.rejected:
        print(f"  ligne {rejection['line']} : {rejection['reason']}")
    print(f"Montant analysé : {analysis.total_amount:,.0f} € HT ; ".replace(",", " ")
          + f"part pouvant porter une considération sociale : {100 * analysis.social_share:.1f} %.")  # fmt: skip
    from sourcing.plan import views

    for row in views.priorities_table(analysis, limit=10).to_dict("records"):
        print(f"{int(row['Rang'])}. ligne {row['Ligne']} : {row['Objet']} ({row['Opportunités'].split(' ; ')[0]})")
    return 0
