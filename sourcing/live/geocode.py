"""Locate the suppliers of the team's directory at their door (opt-in), as one source of the store.

Who is asked: suppliers of the directory in use located below the address (commune, postal code,
département or not at all) that have a street address, a postal code or commune, and a SIRET or
SIREN (the store joins the geocoded row to the supplier by them); plus those the previous
geocoding located, re-emitted from the cache without a request.

What is kept: the best match of the address when its type is a house number, a street or a
lieu-dit, its score reaches the threshold, and it lies in the supplier's commune (INSEE code or
postal code); otherwise the commune point stays. Each located supplier becomes one row of the
source "Géocodage à l'adresse (BAN)" (kind `fetch`, file `geocodage-ban.json`): the supplier's own
location block with the new point and precision "address", plus its score, match type and label (columns kept in the
source file). The merge takes the location block from this source (the most recent), so the
point's provenance is the geocoding, and nothing of the other sources is changed. Each run
replaces the previous geocoding source; the store is written once, at the end.

Resumable: every answer goes to the cache (`AddressCache`) as it arrives, committed by batches;
an interrupted run (cancel, no network, 429 storm) loses no answer and the next run asks only
the addresses not yet in the cache.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from sourcing.db import LOCAL_USER
from sourcing.import_report import ImportReport
from sourcing.live.client import LiveError, MalformedPage
from sourcing.live.fetch import _query_lock, local_date
from sourcing.live.geocoder import LICENCE, SERVICE_NAME, AddressCache, AddressGeocoder, Answer
from sourcing.model import CANONICAL_COLUMNS, GEO_PRECISIONS, LIST_COLUMNS
from sourcing.store import files
from sourcing.store.merge import LOCATION_FIELDS

Progress = Callable[[float, str], None]
GEOCODE_KIND = "fetch"  # a source asked of a public service, told apart by its file name
SOURCE_LABEL = "Géocodage à l'adresse (BAN)"
FORMAT_NAME = "geocodage-ban"
SOURCE_FILE = f"{FORMAT_NAME}.json"
DEFAULT_MIN_SCORE = 0.6
BATCH_SIZE = 100  # answers committed to the cache together
STORE_PHASE = 0.8  # past this fraction of the progress, the source is being written
ACCEPTED_TYPES = {"housenumber": "numéro", "street": "rue", "locality": "lieu-dit"}
# Communes whose INSEE code covers arrondissements the address base names one by one.
ARRONDISSEMENT_CITIES = {"75056": "751", "69123": "6938", "13055": "132"}
DETAIL_COLUMNS = ("geocode_score", "geocode_type", "geocode_label", "geocode_query")
KEPT_REASONS = {
    "low_score": "score sous le seuil",
    "commune_only": "seule la commune est reconnue",
    "other_commune": "adresse trouvée dans une autre commune",
    "not_found": "adresse introuvable",
    "refused": "adresse refusée par le service",
    "malformed": "réponse illisible",
}


class GeocodeInterrupted(LiveError):
    """The buyer cancelled; every answer received is in the cache for the next run."""


@dataclass
class GeocodeOutcome:
    """What a geocoding run found, before it goes to the store."""

    started_at: str
    min_score: float
    candidates: int = 0
    not_joinable: int = 0
    asked: int = 0
    from_cache: int = 0
    pending: int = 0
    kept: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KEPT_REASONS, 0))
    located: list[dict] = field(default_factory=list)  # id, score, type, label, lat, lon, query
    finished_at: str = ""

    def record(self, url: str) -> dict:
        """The query and the run's times, as the catalogue keeps them."""
        return {"service": SERVICE_NAME, "url": url + "/search", "min_score": self.min_score,
                "geocoded_at": self.started_at, "finished_at": self.finished_at, "candidates": self.candidates,
                "asked": self.asked, "from_cache": self.from_cache, "located": len(self.located),
                "kept_at_commune": self.kept, "pending": self.pending}  # fmt: skip

    def summary(self) -> dict:
        return {"candidates": self.candidates, "located": len(self.located), "asked": self.asked,
                "from_cache": self.from_cache, "pending": self.pending, "not_joinable": self.not_joinable,
                "kept_at_commune": dict(self.kept), "min_score": self.min_score}  # fmt: skip


def is_geocode_source(source) -> bool:
    """Whether a source of the store is the geocoding one (a `fetch` source named by its file)."""
    return source.kind == GEOCODE_KIND and source.filename == SOURCE_FILE


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def cache_path(root: Path | None = None) -> Path:
    return (root or files.data_dir()) / "geocode" / "cache.sqlite"


def _text(values: pd.Series) -> pd.Series:
    return values.astype(object).fillna("").astype(str).str.strip()


def query_texts(directory: pd.DataFrame) -> pd.Series:
    """'12 rue de la Paix, 59000 Lille': the text asked for each supplier."""
    place = (_text(directory["postal_code"]) + " " + _text(directory["city"])).str.strip()
    return (_text(directory["address"]) + ", " + place).str.strip(", ")


def candidates(directory: pd.DataFrame, provenance: pd.DataFrame, geocode_ids: set[int]) -> tuple[pd.DataFrame, int]:
    """(suppliers to locate, with their `query`; how many could be but have neither SIRET nor SIREN)."""
    by_id = provenance.set_index("id") if len(provenance) else pd.DataFrame(columns=["lat"])
    location_source = directory["id"].map(by_id["lat"]).fillna(-1).astype(int)
    ours = location_source.isin(geocode_ids)
    below = directory["geo_precision"].fillna("none").astype(str) != "address"
    street = _text(directory["address"]).str.contains(r"[A-Za-zÀ-ÿ]", regex=True)
    place = (_text(directory["postal_code"]) != "") | (_text(directory["city"]) != "")
    wanted = (below | ours) & street & place
    joinable = (_text(directory["siret"]) != "") | (_text(directory["siren"]) != "")
    chosen = directory[wanted & joinable].copy()
    chosen["query"] = query_texts(chosen)
    return chosen, int((wanted & ~joinable).sum())


def _same_commune(answer: Answer, row: pd.Series) -> bool:
    insee = str(row.get("insee_code") or "").strip()
    postal = str(row.get("postal_code") or "").strip()
    if insee:
        return answer.citycode == insee or (
            insee in ARRONDISSEMENT_CITIES and answer.citycode.startswith(ARRONDISSEMENT_CITIES[insee])
        )
    return answer.postcode == postal if postal else True


def decide(answer: Answer, row: pd.Series, min_score: float) -> str:
    """'address' when the answer locates the supplier at its door, else why the commune point stays."""
    if answer.status != "found":
        return "refused" if answer.status == "refused" else "not_found"
    if answer.type not in ACCEPTED_TYPES:
        return "commune_only"
    if answer.score < min_score:
        return "low_score"
    return "address" if _same_commune(answer, row) else "other_commune"


def _answer(query: str, cache: AddressCache, geocoder: AddressGeocoder, outcome: GeocodeOutcome) -> Answer:
    cached = cache.get(query)
    if cached is not None:
        outcome.from_cache += 1
        return cached
    answer = geocoder.locate(query)
    outcome.asked += 1
    cache.put(query, answer, geocoder.url)
    return answer


def run_geocode(
    chosen: pd.DataFrame,
    *,
    geocoder: AddressGeocoder,
    cache: AddressCache,
    min_score: float = DEFAULT_MIN_SCORE,
    limit: int | None = None,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> GeocodeOutcome:
    """Every candidate through the cache, then the service. Raises LiveError subclasses (French); the
    answers received before are committed to the cache whatever happens."""
    progress, cancel = progress or (lambda f, m: None), cancel or (lambda: False)
    outcome = GeocodeOutcome(_now(), min_score, candidates=len(chosen))
    total = len(chosen)
    try:
        for i, (_, row) in enumerate(chosen.iterrows()):
            query = row["query"]
            if i and i % BATCH_SIZE == 0:
                cache.commit()
            if limit is not None and outcome.asked >= limit and cache.get(query) is None:
                outcome.pending += 1
                continue
            if cancel():
                raise GeocodeInterrupted(
                    f"Géocodage interrompu à l'adresse {i + 1} sur {total} : les réponses déjà reçues sont gardées, "
                    "relancez-le pour reprendre."
                )
            if i % 50 == 0 or cache.get(query) is None:  # before each request: the app's cancel lands there
                progress(STORE_PHASE * i / max(total, 1), f"Adresse {i + 1} sur {total} (géocodage)")
            try:
                answer = _answer(query, cache, geocoder, outcome)
            except MalformedPage:
                outcome.kept["malformed"] += 1  # reported, not cached: asked again next time
                continue
            verdict = decide(answer, row, min_score)
            if verdict != "address":
                outcome.kept[verdict] += 1
                continue
            found = {"id": str(row["id"]), "score": answer.score, "type": answer.type, "label": answer.label}
            outcome.located.append(found | {"lat": answer.lat, "lon": answer.lon, "query": query})
    finally:
        cache.commit()
    outcome.finished_at = _now()
    return outcome


def _empty(column: str):
    if column in LIST_COLUMNS:
        return []
    return False if CANONICAL_COLUMNS[column][0] == "bool" else None


def source_frame(directory: pd.DataFrame, outcome: GeocodeOutcome) -> pd.DataFrame:
    """One row per located supplier: its identity and location block with the new point, nothing else
    (empty values never win a merge), and the score, type and label of the match."""
    found = pd.DataFrame(outcome.located)
    rows = directory.set_index(directory["id"].astype(str)).loc[found["id"]].reset_index(drop=True)
    frame = pd.DataFrame({c: [_empty(c) for _ in range(len(rows))] for c in CANONICAL_COLUMNS})
    for column in ("id", "siret", "siren", *LOCATION_FIELDS, "source_date"):
        frame[column] = rows[column].to_numpy()
    for column, (kind, _label) in CANONICAL_COLUMNS.items():
        if kind == "float":
            frame[column] = frame[column].astype(float)
    frame["lat"], frame["lon"] = found["lat"].astype(float), found["lon"].astype(float)
    frame["geo_precision"] = "address"
    frame["source_name"] = SOURCE_LABEL
    frame["source_line"] = range(1, len(frame) + 1)
    frame["geocode_score"] = found["score"].astype(float)
    frame["geocode_type"] = found["type"].map(ACCEPTED_TYPES)
    frame["geocode_label"], frame["geocode_query"] = found["label"], found["query"]
    return frame


def _report(frame: pd.DataFrame) -> ImportReport:
    report = ImportReport(filename=SOURCE_FILE, format=FORMAT_NAME, format_label=SERVICE_NAME)
    report.rows_read = report.rows_loaded = report.suppliers = len(frame)
    report.geocoded = dict.fromkeys(GEO_PRECISIONS, 0) | {"address": len(frame)}
    return report


@dataclass(frozen=True)
class GeocodeResult:
    source: object | None  # sourcing.store.service.SourceInfo; None when nothing is located at the address
    outcome: GeocodeOutcome
    changed: bool  # whether a new version of the directory was published


def geocode_into_store(
    *,
    min_score: float = DEFAULT_MIN_SCORE,
    limit: int | None = None,
    added_by: str = LOCAL_USER,
    geocoder: AddressGeocoder | None = None,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
    root: Path | None = None,
) -> GeocodeResult:
    """Locate the directory's suppliers at their address and publish them as the geocoding source."""
    from sourcing.store import service

    if not 0.0 <= min_score <= 1.0:
        raise ValueError(f"Le score minimal doit être compris entre 0 et 1 (reçu : {min_score}).")
    version = service.current_version(root)
    if version.is_empty:
        raise LiveError("L'annuaire de l'équipe n'a encore aucune source : ajoutez-en une avant de la géocoder.")
    ours = [s for s in version.sources if is_geocode_source(s)]
    directory = service.read_version(version.number, "directory", root)
    chosen, not_joinable = candidates(directory, service.read_version(version.number, "provenance", root),
                                      {s.id for s in ours})  # fmt: skip
    geocoder = geocoder or AddressGeocoder()
    progress = progress or (lambda f, m: None)
    with _query_lock(cache_path(root).parent / "run"):
        cache = AddressCache(cache_path(root))
        try:
            outcome = run_geocode(chosen, geocoder=geocoder, cache=cache, min_score=min_score, limit=limit,
                                  progress=progress, cancel=cancel)  # fmt: skip
        finally:
            cache.close()
    outcome.not_joinable = not_joinable
    return _store(directory, outcome, version, geocoder.url, added_by, progress, root)


def _unchanged(previous, version, frame: pd.DataFrame, root: Path | None) -> bool:
    """Whether the previous geocoding source already holds these rows and still wins the location (it is
    the source added last and its date is the newest): then nothing needs publishing."""
    newest = max(version.sources, key=lambda s: (s.data_date or "", s.id))
    if newest.id != previous.id:
        return False
    path = files.store_dir(root) / "sources" / f"{previous.uid}.parquet"
    if not path.exists():
        return False
    old = files.read_parquet(path, columns=["id", "lat", "lon", "address", "postal_code"])
    columns = ["id", "lat", "lon", "address", "postal_code"]
    key = lambda f: sorted(map(tuple, f[columns].astype(str).to_numpy()))  # noqa: E731
    return key(old) == key(frame)


def _store(directory, outcome: GeocodeOutcome, version, url: str, added_by: str, progress, root) -> GeocodeResult:
    from sourcing.store import service

    ours = [s for s in version.sources if is_geocode_source(s)]
    previous = ours[-1] if ours else None
    if not outcome.located:
        if previous is not None:
            service.remove_source(previous.id, removed_by=added_by, root=root)
        return GeocodeResult(None, outcome, previous is not None)
    frame = source_frame(directory, outcome)
    if previous is not None and _unchanged(previous, version, frame, root):
        return GeocodeResult(previous, outcome, False)
    progress(STORE_PHASE, "Ajout des adresses localisées à l'annuaire de l'équipe")
    source = service.add_frame(
        frame, _report(frame), label=SOURCE_LABEL, data_date=local_date(outcome.started_at), added_by=added_by,
        query=json.dumps(outcome.record(url), ensure_ascii=False), kind=GEOCODE_KIND, licence=LICENCE,
        filename=SOURCE_FILE, progress=lambda f, m: progress(STORE_PHASE + (1 - STORE_PHASE) * f, m),
        root=root,
    )  # fmt: skip
    return GeocodeResult(source, outcome, True)


def located_details(root: Path | None = None) -> pd.DataFrame:
    """The geocoding source's rows of the directory in use: id, score, match type and label."""
    from sourcing.store import service

    ours = [s for s in service.current_version(root).sources if is_geocode_source(s)]
    path = files.store_dir(root) / "sources" / f"{ours[-1].uid}.parquet" if ours else None
    if path is None or not path.exists():
        return pd.DataFrame(columns=["id", *DETAIL_COLUMNS])
    return files.read_parquet(path, columns=["id", *DETAIL_COLUMNS])
