"""The contracts won by the directory's suppliers, from the consolidated DECP through data.gouv's tabular API.

GET `<base>/api/resources/<resource id>/data/?titulaire_id__in=<SIRET>,<SIRET>...&page=N&page_size=50`
(api-tabular: answer `{"data": [...], "links": {"next": ...}, "meta": {"page", "page_size", "total"}}`,
at most 50 rows a page). The suppliers' SIRETs are asked by batches of `BATCH` with the live client
(`sourcing.live.client`: requests spaced, 429 waited for, 5xx and timeouts retried, `Offline` at once).

Checkpoint `<data dir>/live/decp-<key>/`: one `batch-BBBB-page-PPPP.json` per page checked whole, a
`batch-BBBB.done` once a batch's last page is in. Running the same look-up again (same SIRETs)
skips what is on disk: an interruption resumes without duplicates. A malformed page is reported
and skipped; the SIRETs of a batch with a skipped page are not marked as looked up (their earlier
contracts stay). Nothing is written to the store before the end.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sourcing.contracts import decp, stored
from sourcing.live.client import CompanyApiClient, LiveError, MalformedPage
from sourcing.live.fetch import FetchInterrupted, _now, _query_lock, _save
from sourcing.store import files

DEFAULT_BASE_URL = "https://tabular-api.data.gouv.fr"
BASE_URL_ENV = "SOURCING_DECP_API_URL"
RESOURCE_ID = "22847056-61df-452d-837d-8b8ceadbfc52"  # DECP consolidées (format tabulaire), data.gouv.fr
RESOURCE_ENV = "SOURCING_DECP_RESOURCE"
API_NAME = "API tabulaire de data.gouv.fr (DECP consolidées)"
PAGE_SIZE = 50  # the tabular API's maximum
BATCH = 20  # SIRETs per request (titulaire_id__in)
MAX_PAGES = 40  # per batch: 2,000 contracts for 20 suppliers
Progress = Callable[[float, str], None]


NO_SUPPLIERS = "L'annuaire de l'équipe n'a aucun fournisseur avec un SIRET valide : ajoutez d'abord une source."


class NoSuppliers(LiveError):
    """The directory has no supplier with a SIRET to look up."""


def base_url() -> str:
    return os.environ.get(BASE_URL_ENV, "").strip() or DEFAULT_BASE_URL


def resource_id() -> str:
    return os.environ.get(RESOURCE_ENV, "").strip() or RESOURCE_ID


def endpoint() -> str:
    return f"/api/resources/{resource_id()}/data/"


def check_page(data: dict) -> tuple[list[dict], bool]:
    """(rows, whether more pages follow) of one answer, or MalformedPage (French)."""
    rows, meta, links = data.get("data"), data.get("meta"), data.get("links") or {}
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise MalformedPage("réponse inattendue (la liste « data » manque ou n'est pas une liste de lignes)")
    if not isinstance(meta, dict) or not isinstance(meta.get("total"), int) or not isinstance(links, dict):
        raise MalformedPage("réponse inattendue (« meta.total » manque)")
    page, size = meta.get("page") or 1, meta.get("page_size") or PAGE_SIZE
    more = bool(links.get("next")) or (isinstance(page, int) and isinstance(size, int) and page * size < meta["total"])
    return rows, bool(rows) and more


def supplier_sirets(root: Path | None = None) -> list[str]:
    """The valid SIRETs of the directory in use, sorted, once each."""
    from sourcing.siret import siret_valid
    from sourcing.store import service

    number = service.current_number(root)
    if not number:
        return []
    frame = files.read_parquet(files.version_dir(files.store_dir(root), number) / "directory.parquet", ["siret"])
    return sorted({s for s in frame["siret"].dropna().astype(str) if siret_valid(s)})


def checkpoint_dir(sirets: list[str], root: Path | None = None) -> Path:
    key = hashlib.sha1(("\n".join([resource_id(), *sirets])).encode()).hexdigest()[:16]
    return (root or files.data_dir()) / "live" / f"decp-{key}"


@dataclass
class ContractsOutcome:
    """A look-up done: what was asked, what came back, what was skipped, the version published."""

    started_at: str
    finished_at: str
    suppliers: int
    checked: int
    pages: int
    skipped: dict[str, str] = field(default_factory=dict)  # "batch/page" -> reason
    read: decp.ContractsRead | None = None
    version: int = 0

    def to_dict(self) -> dict:
        return {"started_at": self.started_at, "finished_at": self.finished_at, "suppliers": self.suppliers,
                "suppliers_checked": self.checked, "pages": self.pages, "skipped_pages": self.skipped,
                "version": self.version, **(self.read.to_dict() if self.read else {})}  # fmt: skip


def _batch(client, folder: Path, number: int, sirets: list[str], state: dict, cancel, progress) -> None:
    """Every page of one batch not on disk yet, each written whole once checked."""
    page, more = 1, True
    while more and page <= MAX_PAGES:
        path = folder / f"batch-{number:04d}-page-{page:04d}.json"
        if path.exists():
            more = json.loads(path.read_text(encoding="utf-8"))["more"]
            page += 1
            continue
        if cancel():
            raise FetchInterrupted(
                f"Récupération des marchés interrompue (lot {number + 1}) : relancez-la pour la reprendre."
            )
        params = {"titulaire_id__in": ",".join(sirets), "page": str(page), "page_size": str(PAGE_SIZE)}
        try:
            rows, more = check_page(client.get_page(endpoint(), params))
        except MalformedPage as exc:
            state["skipped"][f"{number + 1}/{page}"] = str(exc)
            _save(folder / "state.json", state)
            if page == 1:
                return  # nothing known of this batch: its suppliers stay as they were
            page += 1
            continue
        _save(path, {"batch": number, "page": page, "rows": rows, "more": more})
        page += 1
    (folder / f"batch-{number:04d}.done").write_text("", encoding="utf-8")


def _collect(client, folder: Path, batches: list[list[str]], cancel, progress) -> tuple[dict, list[dict], set[str]]:
    state_path = folder / "state.json"
    state = json.loads(state_path.read_text(encoding="utf-8")) if state_path.exists() else {}
    state = {"started_at": state.get("started_at") or _now(), "skipped": state.get("skipped") or {}}
    _save(state_path, state)
    for number, batch in enumerate(batches):
        progress(0.8 * number / len(batches), f"Marchés publics : lot {number + 1} sur {len(batches)} ({API_NAME})")
        if not (folder / f"batch-{number:04d}.done").exists():
            _batch(client, folder, number, batch, state, cancel, progress)
    rows, checked = [], set()
    for number, batch in enumerate(batches):
        if not any(key.startswith(f"{number + 1}/") for key in state["skipped"]):
            checked.update(batch)
    for path in sorted(folder.glob("batch-*-page-*.json")):
        rows += json.loads(path.read_text(encoding="utf-8"))["rows"]
    return state, rows, checked


def fetch_contracts(
    *, sirets: list[str] | None = None, client: CompanyApiClient | None = None, progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None, root: Path | None = None,
) -> ContractsOutcome:  # fmt: skip
    """Look up the contracts won by the directory's suppliers and publish them with a new version.
    Raises LiveError subclasses (French): Offline, Unavailable, Refused, FetchInterrupted, NoSuppliers."""
    progress = progress or (lambda f, m: None)
    sirets = sorted(set(sirets if sirets is not None else supplier_sirets(root)))
    if not sirets:
        raise NoSuppliers(NO_SUPPLIERS)
    client = client or CompanyApiClient(base_url())
    folder = checkpoint_dir(sirets, root)
    batches = [sirets[i : i + BATCH] for i in range(0, len(sirets), BATCH)]
    with _query_lock(folder):
        state, rows, checked = _collect(client, folder, batches, cancel or (lambda: False), progress)
        finished = _now()
        query = {"api": API_NAME, "url": client.base_url + endpoint(), "filter": "titulaire_id__in",
                 "suppliers": len(sirets), "fetched_at": state["started_at"], "finished_at": finished,
                 "skipped_pages": state["skipped"]}  # fmt: skip
        origin = json.dumps(query, ensure_ascii=False)
        read = decp.read_records(rows, set(sirets), origin=origin, fetched_at=state["started_at"])
        progress(0.8, "Enregistrement des marchés dans l'annuaire de l'équipe")
        event = {"kind": "api", "at": state["started_at"], "query": query, **read.to_dict()} | {"rejected": []}
        version = stored.record(read.contracts, checked, origin=origin, fetched_at=state["started_at"], event=event,
                                root=root, progress=lambda f, m: progress(0.8 + 0.2 * f, m))  # fmt: skip
        pages = len(list(folder.glob("batch-*-page-*.json")))
    shutil.rmtree(folder, ignore_errors=True)
    return ContractsOutcome(state["started_at"], finished, len(sirets), len(checked), pages, state["skipped"], read,
                            version.number)  # fmt: skip
