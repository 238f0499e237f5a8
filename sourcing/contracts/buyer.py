"""The contracts a BUYER notified, from the consolidated DECP by the buyer's SIRET: the annual report's input.

GET `<base>/api/resources/<resource id>/data/?acheteur_id__exact=<SIRET>&page=N&page_size=50` through
the live client (`sourcing.live.client`: requests spaced, 429 waited for, 5xx and timeouts retried,
`Offline` at once), every page until the last (at most `MAX_PAGES`). The rows are read by
`decp.read_records` (one contract per contract x holder, its date the earliest of its rows, its
attributes those of the current row), then one contract per `uid` (a contract with co-holders is
one contract), and turned into the `Contracts` a buyer's own file gives (`sourcing.plan.contracts`):
year, amount, family from the CPV, social clause / criterion / reserved flags. The DECP publish no
insertion hours: they are 0 (`NO_HOURS` says so). Nothing is stored: the report is computed on the fly.

Row report: rows read = rows counted (in a contract) + rows rejected (with their reason).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from sourcing.contracts import decp
from sourcing.contracts.fetch import API_NAME, PAGE_SIZE, base_url, check_page, endpoint
from sourcing.live.client import CompanyApiClient
from sourcing.live.fetch import _now
from sourcing.plan.contracts import COLUMNS, Contracts, purchase_family
from sourcing.plan.programme import RowReport

MAX_PAGES = 1000  # 50,000 rows: more than a region notifies in years
NO_HOURS = "Les DECP ne publient pas les heures d'insertion : elles sont comptées 0 dans ce bilan."
NO_CONTRACTS = "Aucun marché publié pour ce SIRET dans les DECP consolidées ({siret})."
TRUNCATED = "Lecture arrêtée après {pages} pages ({rows} lignes) : le bilan ne porte que sur ces lignes."
FILTER = "acheteur_id__exact"
Progress = Callable[[float, str], None]


class BadSiret(ValueError):
    """The SIRET typed is not one (message in French)."""


def buyer_siret(text: str) -> str:
    """The buyer's SIRET, spaces and dots removed; BadSiret (French) when it cannot be one."""
    from sourcing.siret import siret_valid

    siret = "".join(ch for ch in str(text) if ch not in " .\u00a0\u202f\t")
    if not siret:
        raise BadSiret("SIRET de l'acheteur manquant : saisissez les 14 chiffres du SIRET de votre organisme.")
    if not siret.isdigit() or len(siret) != 14:
        raise BadSiret(
            f"SIRET « {text.strip()} » invalide : 14 chiffres attendus ({len(siret)} caractère(s) saisi(s))."
        )
    if not siret_valid(siret):
        raise BadSiret(f"SIRET « {siret} » invalide : la clé de contrôle ne correspond pas (faute de frappe ?).")
    return siret


@dataclass
class BuyerContracts:
    """What the DECP gave for one buyer: the contracts (as from the buyer's file) and how they were read."""

    siret: str
    contracts: Contracts
    url: str
    fetched_at: str
    pages: int
    buyer_name: str = ""
    notes: list[str] = field(default_factory=list)  # French: hours absent, reading truncated

    @property
    def empty(self) -> bool:
        return self.contracts.frame.empty

    def to_dict(self) -> dict:
        return {"siret": self.siret, "buyer_name": self.buyer_name, "api": API_NAME, "url": self.url,
                "filter": FILTER, "fetched_at": self.fetched_at, "pages": self.pages,
                "contracts": len(self.contracts.frame), "report": self.contracts.report.to_dict(),
                "notes": self.notes}  # fmt: skip


def fetch_rows(siret: str, client: CompanyApiClient, progress: Progress) -> tuple[list[dict], int, bool]:
    """(every row the API gives for the buyer, pages read, whether MAX_PAGES stopped the reading)."""
    rows: list[dict] = []
    page, more = 1, True
    while more and page <= MAX_PAGES:
        progress(min(0.9, page / (page + 5)), f"Marchés de l'acheteur : page {page} ({API_NAME})")
        params = {FILTER: siret, "page": str(page), "page_size": str(PAGE_SIZE)}
        chunk, more = check_page(client.get_page(endpoint(), params))
        rows += chunk
        page += 1
    return rows, page - 1, more


def to_contracts(records: list[dict], siret: str, *, origin: str = "", fetched_at: str = "") -> Contracts:
    """DECP rows of one buyer -> `Contracts` (one per uid) with the row report (read = counted + rejected)."""
    read = decp.read_records(records, None, origin=origin, fetched_at=fetched_at, holder_required=False)
    report = RowReport(rows_read=read.rows_read, source=f"DECP, acheteur {siret}")
    for number, reason in read.rejected:
        report.reject(number, reason)
    found = read.contracts
    first_row: dict[str, int] = {}
    for number, record in enumerate(records, start=1):
        first_row.setdefault(str(record.get("uid") or "").strip(), number)
    if not found.empty:
        found = found.assign(notified=found.groupby("uid")["notified"].transform("min")).drop_duplicates("uid")
    no_amount = set(found.loc[found["amount"].isna(), "uid"])  # the amount of the current row unreadable
    rejected_rows = {n for n, _ in read.rejected}
    for number, record in enumerate(records, start=1):
        if number not in rejected_rows and str(record.get("uid") or "").strip() in no_amount:
            report.reject(number, "montant illisible ou négatif")
    rows = [_contract(c, first_row.get(c.uid, 0)) for c in found.itertuples(index=False) if c.uid not in no_amount]
    report.rejected.sort(key=lambda r: r["line"])
    report.analysed = report.rows_read - len(report.rejected)
    frame = pd.DataFrame(rows, columns=list(COLUMNS)).sort_values(["year", "line"], kind="stable")
    return Contracts(frame.reset_index(drop=True), report)


def _contract(contract, line: int) -> dict:
    social = set(contract.social.split("; ")) if contract.social else set()
    cpv = contract.cpv[:8] if contract.cpv[:8].isdigit() else None
    need = contract.object or f"Marché {contract.uid}"
    return {"line": line, "need": need, "amount": float(contract.amount), "year": int(contract.notified[:4]),
            "family": purchase_family(cpv, need), "clause": "clause sociale" in social,
            "criterion": "critère social" in social, "reserved": "marché réservé" in social, "hours": 0.0}  # fmt: skip


def buyer_contracts(
    siret_text: str, *, client: CompanyApiClient | None = None, progress: Progress | None = None
) -> BuyerContracts:
    """The contracts the buyer notified, read from the DECP. Raises BadSiret, or LiveError subclasses
    (Offline, Unavailable, Refused, MalformedPage), all French. No contract: `empty` and a note."""
    siret = buyer_siret(siret_text)
    progress = progress or (lambda f, m: None)
    client = client or CompanyApiClient(base_url())
    started = _now()
    records, pages, truncated = fetch_rows(siret, client, progress)
    url = client.base_url + endpoint()
    origin = json.dumps({"api": API_NAME, "url": url, "filter": FILTER, "siret": siret, "fetched_at": started})
    found = to_contracts(records, siret, origin=origin, fetched_at=started)
    progress(1.0, "Bilan calculé")
    names = [str(r.get("acheteur_nom") or "").strip() for r in records]
    result = BuyerContracts(siret, found, url, started, pages, next((n for n in names if n), ""))
    if found.frame.empty:
        result.notes.append(NO_CONTRACTS.format(siret=siret))
    else:
        result.notes.append(NO_HOURS)
    if truncated:
        result.notes.append(TRUNCATED.format(pages=pages, rows=len(records)))
    return result
