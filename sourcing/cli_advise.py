"""`python -m sourcing advise ...`: the advisor from the command line, with the page's questions.

    advise --need TEXT --amount EUR --duration-months M --nature NATURE [--cpv C ...] [--buyer TYPE]
           [--near PLACE --radius-km R] [--date YYYY-MM-DD] [--lots N] [--framework]
           [--defence-contract] [--central-authority oui|non] [--directory PATH] [--json]

Points to check ("Attention : ...") are printed first; bad input: exit 2 and a French message.
"""

from __future__ import annotations

import json
import math
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sourcing.advisor.request import AdviceRequest


def add_advise_parser(sub) -> None:
    """The `advise` subcommand and its options (help in French)."""
    from sourcing.advisor.thresholds import BUYER_TYPES, NATURES

    adv = sub.add_parser("advise", help="leviers d'achat responsable pour un besoin (réservations, clauses…)")
    adv.add_argument("--need", required=True, help="description du besoin")
    adv.add_argument("--cpv", action="append", default=[], help="code CPV (répétable)")
    adv.add_argument("--sector", action="append", default=[], help="identifiant de secteur (répétable)")
    adv.add_argument("--amount", required=True, type=float, help="montant estimé HT sur toute la durée (€)")
    adv.add_argument("--duration-months", required=True, type=float, help="durée du marché en mois")
    adv.add_argument("--nature", required=True, choices=NATURES, help="nature du marché")
    adv.add_argument("--buyer", default="commune", choices=BUYER_TYPES, help="type d'acheteur (commune par défaut)")
    adv.add_argument("--near", help="lieu d'exécution : commune, code postal, département ou région")
    adv.add_argument("--radius-km", type=float, help="distance maximale en km autour de --near")
    adv.add_argument("--date", help="date de lancement de la consultation (AAAA-MM-JJ, aujourd'hui par défaut)")
    adv.add_argument("--lots", type=int, default=1, help="nombre de lots (1 par défaut)")
    adv.add_argument("--directory", help="annuaire (Parquet écrit par import --out, ou tout fichier importable)")
    adv.add_argument(
        "--framework", action="store_true", help="accord-cadre : --amount est alors son montant maximum (R2121-8)"
    )
    adv.add_argument(
        "--defence-contract", action="store_true", help="marché de défense ou de sécurité (article L1113-1)"
    )
    adv.add_argument(
        "--central-authority", choices=("oui", "non"),
        help="établissement public ou autre acheteur : autorité publique centrale ? (non précisé par défaut)",
    )  # fmt: skip
    adv.add_argument("--json", action="store_true", help="résultat en JSON")


def _parse_date(text: str | None, usage_error) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise usage_error(f"date invalide : « {text} » (format attendu AAAA-MM-JJ, par exemple 2026-09-01).") from exc


def _advice_request(args, usage_error) -> AdviceRequest:
    """The purchase as the page would send it, from the command line's options."""
    from sourcing.advisor.request import AdviceRequest

    return AdviceRequest(
        need=args.need,
        nature=args.nature,
        amount_eur=args.amount,
        duration_months=args.duration_months,
        buyer_type=args.buyer,
        cpv_text=",".join(args.cpv),
        sectors=tuple(args.sector),
        place=args.near or "",
        radius_km=args.radius_km,
        consultation_date=_parse_date(args.date, usage_error),
        lots=args.lots,
        framework=args.framework,
        defence_contract=args.defence_contract,
        central_authority=None if args.central_authority is None else args.central_authority == "oui",
    )


def _print_advice(report) -> None:
    from sourcing.advisor.coverage import NOT_COVERED_LABEL
    from sourcing.advisor.note_texts import FAMILY_LABELS
    from sourcing.frenchfmt import french_date

    report_date = date.fromisoformat(payload_date) if (payload_date := report.area.get("date")) else None

    payload = report.to_dict()
    print(f"Acheteur : {payload['area']['buyer']} ; consultation du {french_date(report_date)}")
    print(f"Fournisseurs comptés : {payload['area']['description']}")
    for caution in report.cautions:
        print(f"Attention : {caution.message}")
    for lever in report.levers:
        status = "OBLIGATOIRE" if lever.mandatory else ("possible" if lever.applies else "non applicable")
        counts = ""
        if lever.eligible_suppliers is not None:
            missing = (lever.viability or {}).get("not_covered", ())
            counts = " [" + ", ".join(
                f"{FAMILY_LABELS.get(k, k)} : {NOT_COVERED_LABEL if k in missing else v}"
                for k, v in lever.eligible_suppliers.items()
            ) + "]"  # fmt: skip
        print(f"- {lever.title} : {status}{counts} ({', '.join(lever.legal_refs)} ; {lever.confidence})")
        print(f"    {lever.rationale}")
    hours = payload["insertion_hours"]
    if hours:
        print(f"Heures d'insertion suggérées : {hours['hours']:.0f} h")


def cmd_advise(args, usage_error, load_directory) -> int:
    """Advise on the purchase the options describe; bad input raises ``usage_error`` (French)."""
    from sourcing.advisor import AdviceInputError, advise

    if not math.isfinite(args.amount) or args.amount <= 0:
        raise usage_error("--amount doit être un montant strictement positif (HT, en euros, sur toute la durée).")
    try:
        purchase = _advice_request(args, usage_error).purchase()
    except AdviceInputError as exc:
        raise usage_error(str(exc)) from exc
    directory = load_directory(args.directory) if args.directory else None
    try:
        report = advise(purchase, directory)
    except AdviceInputError as exc:
        raise usage_error(str(exc)) from exc
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        _print_advice(report)
    return 0
