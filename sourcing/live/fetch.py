"""Fetch every page of a query, resumable, then add the suppliers to the team's directory.

Checkpoint: `<data dir>/live/<query key>/` holds `state.json` (start time, totals, pages skipped
and why) and one `page-NNNN.json` per page done, each written atomically once the page is
checked and mapped whole. Running the same query again skips the pages on disk: an interrupted
fetch (no network, cancel, 429 storm, crash) resumes where it stopped, and rows seen twice (the
API's order may shift between pages) are kept once. The checkpoint is deleted once the source
is in the store; nothing is written to the store before the fetch ends, so a failure never
touches what the store already holds.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from sourcing.db import LOCAL_USER
from sourcing.formats.base import RawTable
from sourcing.live.client import CompanyApiClient, LiveError, MalformedPage
from sourcing.live.mapping import RAW_FIELDS, check_page, page_rows
from sourcing.live.query import API_LICENCE, API_NAME, ResolvedQuery
from sourcing.normalise import ImportReport, normalise
from sourcing.store import files

Progress = Callable[[float, str], None]
FORMAT_NAME = "api-recherche-entreprises"
MAX_PAGES = 400  # 10,000 companies: past that, the buyer is asked to narrow the query
BUSY_WAIT_S = 30.0  # how long a second run of the same query waits for the first one to stop


class FetchInterrupted(LiveError):
    """The buyer cancelled; the pages done are kept for a resume."""


class FetchBusy(LiveError):
    """The same query is being fetched by another run (another tab, the CLI)."""


@contextlib.contextmanager
def _query_lock(folder: Path, wait_s: float = BUSY_WAIT_S) -> Iterator[None]:
    """One run of a query at a time, across threads and processes. A cancelled run in the app ends at
    its next Streamlit call (after the page it is receiving), so a resume waits for it a little."""
    folder.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_s
    with open(folder / ".lock", "a+") as fh:
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise FetchBusy(
                        "Cette même demande est déjà en cours de récupération (autre onglet ou ligne de commande) : "
                        "réessayez quand elle sera finie."
                    ) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@dataclass
class FetchOutcome:
    """What a fetch brought back, before it goes to the store."""

    query: ResolvedQuery
    started_at: str
    finished_at: str
    total_pages: int
    total_results: int
    pages_done: int
    skipped: dict[int, str] = field(default_factory=dict)
    truncated: bool = False
    duplicates: int = 0
    rows: list[dict] = field(default_factory=list)

    def record(self, base_url: str) -> dict:
        """The query and the fetch times, as the catalogue keeps them."""
        return self.query.record(base_url) | {
            "fetched_at": self.started_at, "finished_at": self.finished_at, "total_results": self.total_results,
            "pages": self.total_pages, "skipped_pages": {str(k): v for k, v in self.skipped.items()},
            "truncated": self.truncated,
        }  # fmt: skip


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def local_date(iso_utc: str) -> str:
    """The buyer's calendar date of a UTC time stamp (the data date of a fetch)."""
    return datetime.fromisoformat(iso_utc).astimezone().date().isoformat()


def checkpoint_dir(query: ResolvedQuery, root: Path | None = None) -> Path:
    return (root or files.data_dir()) / "live" / query.key


def _page_path(folder: Path, page: int) -> Path:
    return folder / f"page-{page:04d}.json"


def _save(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    files.atomic_write_bytes(path, json.dumps(data, ensure_ascii=False).encode())


def load_state(query: ResolvedQuery, root: Path | None = None) -> dict | None:
    """The checkpoint of an unfinished fetch of this query (pages done, totals), or None."""
    path = checkpoint_dir(query, root) / "state.json"
    if not path.exists():
        return None
    state = json.loads(path.read_text(encoding="utf-8"))
    state["pages_done"] = len(list(path.parent.glob("page-*.json")))
    return state


def forget(query: ResolvedQuery, root: Path | None = None) -> None:
    shutil.rmtree(checkpoint_dir(query, root), ignore_errors=True)


def _fetch_page(client: CompanyApiClient, query: ResolvedQuery, page: int) -> tuple[list[dict], bool, int, int]:
    """(staging rows, whether the answer had results, total pages, total results) of one page."""
    data = client.get_page(query.endpoint, query.params | {"page": str(page)})
    results, total_pages, total_results = check_page(data)
    rows = page_rows(results, page, query.local_flags, query.local_department)
    return rows, bool(results), total_pages, total_results


def _fetch_pages(query, folder, state, client, progress, cancel) -> None:
    """Fetch the pages not on disk yet, in order, writing each one whole as soon as it is checked."""
    page = 1
    while state["total_pages"] is None or page <= min(state["total_pages"], MAX_PAGES):
        if _page_path(folder, page).exists():
            page += 1
            continue
        if cancel():
            raise FetchInterrupted(f"Récupération interrompue à la page {page} : relancez-la pour la reprendre.")
        total = state["total_pages"]
        progress(0.7 * (page - 1) / max(min(total or 1, MAX_PAGES), 1),
                 f"Page {page} sur {total or '?'} ({API_NAME})")  # fmt: skip
        try:
            rows, any_result, total_pages, total_results = _fetch_page(client, query, page)
        except MalformedPage as exc:
            if state["total_pages"] is None:
                raise MalformedPage(f"Première page illisible ({exc}) : rien n'a été ajouté.") from exc
            state["skipped"][str(page)] = str(exc)
            _save(folder / "state.json", state)
            page += 1
            continue
        state["skipped"].pop(str(page), None)
        state["total_pages"], state["total_results"] = total_pages, total_results
        _save(_page_path(folder, page), {"page": page, "rows": rows})
        _save(folder / "state.json", state)
        if not any_result:  # an empty page ends the fetch (the last one, or the API ran out early)
            state["total_pages"] = page - 1
            _save(folder / "state.json", state)
            break
        page += 1


def _assemble(folder: Path) -> tuple[list[dict], int]:
    """Rows of every page on disk in page order, each establishment once (SIRET, else SIREN)."""
    seen: set[str] = set()
    rows, duplicates = [], 0
    for path in sorted(folder.glob("page-*.json")):
        for row in json.loads(path.read_text(encoding="utf-8"))["rows"]:
            key = row["siret"] or f"siren:{row['siren']}"
            if key in seen:
                duplicates += 1
                continue
            seen.add(key)
            rows.append(row)
    return rows, duplicates


def run_fetch(
    query: ResolvedQuery,
    *,
    client: CompanyApiClient | None = None,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
    root: Path | None = None,
) -> FetchOutcome:
    """Every page of the query (resuming from the checkpoint). Raises LiveError subclasses (French)."""
    with _query_lock(checkpoint_dir(query, root)):
        return _collect(query, client, progress, cancel, root)


def _collect(query, client, progress, cancel, root) -> FetchOutcome:
    folder = checkpoint_dir(query, root)
    state = load_state(query, root) or {"started_at": _now(), "total_pages": None, "total_results": None,
                                        "skipped": {}}  # fmt: skip
    state.pop("pages_done", None)
    _save(folder / "state.json", state)
    _fetch_pages(query, folder, state, client or CompanyApiClient(), progress or (lambda f, m: None),
                 cancel or (lambda: False))  # fmt: skip
    rows, duplicates = _assemble(folder)
    return FetchOutcome(
        query, state["started_at"], _now(), state["total_pages"] or 0, state["total_results"] or 0,
        len(list(folder.glob("page-*.json"))), {int(k): v for k, v in state["skipped"].items()},
        (state["total_pages"] or 0) > MAX_PAGES, duplicates, rows,
    )  # fmt: skip


def to_directory(outcome: FetchOutcome) -> tuple[pd.DataFrame, ImportReport]:
    """The fetched rows through the one normaliser: canonical suppliers and the row-by-row report."""
    staging = pd.DataFrame([{k: v for k, v in row.items() if k != "raw"} for row in outcome.rows])
    staging["line"] = range(1, len(staging) + 1)
    table = RawTable(
        columns=list(RAW_FIELDS), rows=[[row["raw"][f] for f in RAW_FIELDS] for row in outcome.rows],
        lines=list(staging["line"]), filename=f"{FORMAT_NAME}.json", original_columns=list(RAW_FIELDS),
        line_unit="enregistrement",  # an API answer has records, not lines
    )  # fmt: skip
    directory, report = normalise(staging, table, source_name=API_NAME, source_date=local_date(outcome.started_at))
    report.format, report.format_label = FORMAT_NAME, API_NAME
    return directory, report


@dataclass(frozen=True)
class FetchResult:
    source: object | None  # sourcing.store.service.SourceInfo, None when nothing was found
    outcome: FetchOutcome


def fetch_into_store(
    query: ResolvedQuery,
    *,
    label: str | None = None,
    added_by: str = LOCAL_USER,
    client: CompanyApiClient | None = None,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
    root: Path | None = None,
) -> FetchResult:
    """Fetch, normalise and add as one source (kind "fetch", its query and fetch time recorded)."""
    progress = progress or (lambda f, m: None)
    client = client or CompanyApiClient()
    with _query_lock(checkpoint_dir(query, root)):
        outcome = _collect(query, client, progress, cancel, root)
        return _store(query, outcome, label, added_by, client, progress, root)


def _store(query, outcome, label, added_by, client, progress, root) -> FetchResult:
    from sourcing.store import service

    if not outcome.rows:
        forget(query, root)
        return FetchResult(None, outcome)
    progress(0.7, "Contrôle des lignes et ajout à l'annuaire de l'équipe")
    directory, report = to_directory(outcome)
    label = (label or "").strip() or query.description.replace(f"{API_NAME} : ", "API entreprises – ")
    source = service.add_frame(
        directory, report, label=label, data_date=local_date(outcome.started_at), added_by=added_by,
        query=json.dumps(outcome.record(client.base_url), ensure_ascii=False), licence=API_LICENCE,
        filename=f"{FORMAT_NAME}.json", progress=lambda f, m: progress(0.7 + 0.3 * f, m), root=root,
    )  # fmt: skip
    forget(query, root)
    return FetchResult(source, outcome)
