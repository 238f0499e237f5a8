"""Address geocoding through geopy's BAN geocoder, pointed at the IGN Géoplateforme, with a disk cache.

The national address base (BAN) was served at api-adresse.data.gouv.fr until that endpoint was
shut down at the end of January 2026; the same BAN-style search (`/search?q=...`, a GeoJSON
FeatureCollection with `properties.score`, `type`, `citycode`, `postcode`) now answers at
`https://data.geopf.fr/geocodage/search`. geopy 2.5's `BANFrance` builds its URL as
`scheme://domain/search`, so `domain="data.geopf.fr/geocodage"` reaches the new endpoint with
geopy's own request, error and parsing code (the batch CSV endpoint is not reachable through geopy).

- At most `MAX_RATE` requests per second (the service allows 50 per IP): requests are spaced.
- 429: wait what Retry-After says (the service blocks for 5 s), then ask again.
- 5xx, 503/504 and timeouts: retried with exponential backoff, then `Unavailable`.
- No network: `Offline` at once (French), never a retry loop.
- An answer that is not the documented GeoJSON: `MalformedPage` for that address only.

`AddressCache` (SQLite in the data folder) keeps every answer, found or not, so that no address
is asked twice, across runs and processes. `SOURCING_GEOCODE_URL` points the client elsewhere
(the browser test serves recorded answers on 127.0.0.1).
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from geopy import exc as geopy_exc
from geopy.adapters import RequestsAdapter
from geopy.geocoders import BANFrance

from sourcing.live.client import USER_AGENT, MalformedPage, Offline, Paced, Refused, Unavailable

DEFAULT_URL = "https://data.geopf.fr/geocodage"
URL_ENV = "SOURCING_GEOCODE_URL"
SERVICE_NAME = "Service de géocodage de la Géoplateforme (Base Adresse Nationale)"
LICENCE = "Licence Ouverte / Open Licence 2.0 (Etalab) : Base Adresse Nationale, IGN"
MAX_RATE = 40.0  # requests per second, under the service's 50
CONNECT_TIMEOUT_S = 5.0  # a network that drops packets is told as offline within the buyer's 15 s
READ_TIMEOUT_S = 10.0
RETRIES = 3  # after the first attempt, for 5xx and timeouts
BACKOFF_S = 1.0  # 1 s, 2 s, 4 s
DEFAULT_RETRY_AFTER_S = 5.0  # the service's documented block
MAX_RETRY_AFTER_S = 60.0
MAX_429 = 6
NOTHING_LOST = "Rien n'a été modifié dans l'annuaire ; les adresses déjà localisées sont gardées."
_NOT_ALNUM = re.compile(r"[^A-Z0-9]+")


def service_url() -> str:
    return (os.environ.get(URL_ENV, "").strip() or DEFAULT_URL).rstrip("/")


def address_key(query: str) -> str:
    """The cache key of an address: upper case, no accents, no punctuation ('12, rue de l'Église' ~ '12 RUE DE L
    EGLISE'): the same address written twice is asked once."""
    plain = unicodedata.normalize("NFKD", query).encode("ascii", "ignore").decode()
    return _NOT_ALNUM.sub(" ", plain.upper()).strip()


@dataclass(frozen=True)
class Answer:
    """What the service said about one address (status: found, none or refused)."""

    status: str
    score: float = 0.0
    type: str = ""
    label: str = ""
    citycode: str = ""
    postcode: str = ""
    lat: float | None = None
    lon: float | None = None


class _Geoplateforme(BANFrance):
    """geopy's BAN geocoder, strict about the answer's shape (a malformed answer is not 'no result')."""

    def _parse_json(self, response, exactly_one):
        features = response.get("features") if isinstance(response, dict) else None
        if not isinstance(features, list):
            raise geopy_exc.GeocoderParseError("réponse inattendue (une collection GeoJSON était attendue)")
        for feature in features[:1]:
            coords = (feature.get("geometry") or {}).get("coordinates") if isinstance(feature, dict) else None
            props = feature.get("properties") if isinstance(feature, dict) else None
            if not (isinstance(coords, list) and len(coords) == 2 and isinstance(props, dict)):
                raise geopy_exc.GeocoderParseError("réponse inattendue (point ou propriétés manquants)")
        return super()._parse_json(response, exactly_one)


def _answer_of(location) -> Answer:
    if location is None:
        return Answer("none")
    props = location.raw.get("properties", {})
    try:
        score = float(props.get("score") or 0.0)
    except (TypeError, ValueError) as exc:
        raise MalformedPage("réponse inattendue (score illisible)") from exc
    return Answer("found", score, str(props.get("type") or ""), str(props.get("label") or ""),
                  str(props.get("citycode") or ""), str(props.get("postcode") or ""),
                  float(location.latitude), float(location.longitude))  # fmt: skip


def _adapter(proxies, ssl_context) -> RequestsAdapter:
    """geopy's requests adapter without urllib3's own retries: waits and retries are ours (and counted)."""
    return RequestsAdapter(proxies=proxies, ssl_context=ssl_context, max_retries=0)


class AddressGeocoder(Paced):
    """One address at a time through geopy. `sleep` and `clock` are injectable: tests never wait."""

    max_rate = MAX_RATE

    def __init__(
        self,
        url: str | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = (url or service_url()).rstrip("/")
        parts = urlsplit(self.url)
        self.geocoder = _Geoplateforme(
            domain=parts.netloc + parts.path, scheme=parts.scheme or "https", user_agent=USER_AGENT,
            timeout=(CONNECT_TIMEOUT_S, READ_TIMEOUT_S), adapter_factory=_adapter,
        )  # fmt: skip
        self.sleep = sleep
        self.clock = clock
        self.sent_at: list[float] = []  # clock time of every request sent (rate checks in tests)
        self.waits: list[tuple[str, float]] = []  # (reason, seconds) of every deliberate wait

    def locate(self, query: str) -> Answer:
        """The best match of one address. Raises Offline, Unavailable or MalformedPage (French)."""
        failures = too_many = 0
        while True:
            self._space()
            try:
                return _answer_of(self.geocoder.geocode(query, limit=1, exactly_one=True))
            except geopy_exc.GeocoderUnavailable as exc:  # connection refused, DNS failure: no network
                raise Offline(
                    f"Pas de connexion au service de géocodage {self.url} (réseau coupé ou service injoignable). "
                    f"{NOTHING_LOST} Réessayez une fois connecté : le géocodage reprendra où il s'est arrêté."
                ) from exc
            except geopy_exc.GeocoderRateLimited as exc:
                too_many += 1
                if too_many > MAX_429:
                    raise Unavailable(
                        "Le service de géocodage limite les requêtes (trop de demandes) : réessayez dans quelques "
                        f"minutes, le géocodage reprendra où il s'est arrêté. {NOTHING_LOST}"
                    ) from exc
                wait = exc.retry_after if exc.retry_after is not None else DEFAULT_RETRY_AFTER_S
                self._wait("429", min(max(float(wait), 0.0), MAX_RETRY_AFTER_S))
            except geopy_exc.GeocoderParseError as exc:
                said = str(exc) if str(exc).startswith("réponse") else "réponse illisible (ce n'est pas du JSON)"
                raise MalformedPage(said) from exc
            except geopy_exc.GeocoderQueryError:
                return Answer("refused")  # the service refuses this text (too short, too long): never asked again
            except (geopy_exc.GeocoderTimedOut, geopy_exc.GeocoderServiceError) as exc:
                status = getattr(exc.__cause__, "status_code", None)
                if status is not None and 400 <= status < 500 and status != 408:
                    raise Refused(
                        f"Le service de géocodage a refusé la demande (code {status}). {NOTHING_LOST}"
                    ) from exc
                failures += 1
                if failures > RETRIES:
                    raise Unavailable(
                        f"Le service de géocodage {self.url} est en erreur ou ne répond pas ({failures} essais). "
                        f"{NOTHING_LOST} Réessayez plus tard : le géocodage reprendra où il s'est arrêté."
                    ) from exc
                self._wait("retry", BACKOFF_S * 2 ** (failures - 1))


class AddressCache:
    """Every answer of the service, by address key, in `<data dir>/geocode/cache.sqlite`."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path, timeout=30)
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, query TEXT, status TEXT, score REAL, "
            "type TEXT, label TEXT, citycode TEXT, postcode TEXT, lat REAL, lon REAL, service TEXT, asked_at TEXT)"
        )
        self.db.commit()

    def get(self, query: str) -> Answer | None:
        row = self.db.execute(
            "SELECT status, score, type, label, citycode, postcode, lat, lon FROM answers WHERE key = ?",
            (address_key(query),),
        ).fetchone()
        return None if row is None else Answer(*row)

    def put(self, query: str, answer: Answer, service: str) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (address_key(query), query, answer.status, answer.score, answer.type, answer.label, answer.citycode,
             answer.postcode, answer.lat, answer.lon, service, datetime.now(UTC).isoformat(timespec="seconds")),
        )  # fmt: skip

    def commit(self) -> None:
        self.db.commit()

    def __len__(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM answers").fetchone()[0])

    def close(self) -> None:
        self.db.commit()
        self.db.close()
