"""HTTP client of API Recherche d'entreprises (no key): polite, patient, and honest when it fails.

- At most `MAX_RATE` requests per second (the API allows 7 per IP): requests are spaced.
- 429 Too Many Requests: wait what Retry-After says (capped), then ask again.
- 5xx and read timeouts: retried with exponential backoff, then reported (`Unavailable`).
- No network (DNS failure, connection refused, connect timeout): `Offline` at once, never a retry
  loop, so the buyer hears it within seconds (connect timeout `CONNECT_TIMEOUT_S`).
- Other 4xx: `Refused`, with the API's own `erreur` text. A body that is not JSON: `MalformedPage`.

Every message is French and says what happened and that nothing already stored is touched.
`SOURCING_COMPANY_API_URL` points the client elsewhere (tests serve recorded answers locally).
"""

from __future__ import annotations

import email.utils
import os
import time
from collections.abc import Callable

import requests

DEFAULT_BASE_URL = "https://recherche-entreprises.api.gouv.fr"
BASE_URL_ENV = "SOURCING_COMPANY_API_URL"
USER_AGENT = "sourcage-ess/1.0 (outil des acheteurs publics ; annuaire des fournisseurs de l'ESS)"
MAX_RATE = 6.0  # requests per second, under the API's 7
CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 20.0
RETRIES = 3  # after the first attempt, for 5xx and read timeouts
BACKOFF_S = 1.0  # 1 s, 2 s, 4 s
MAX_RETRY_AFTER_S = 60.0
MAX_429 = 6  # 429 answers in a row for one page before giving up (the fetch can be resumed later)

NOTHING_LOST = "Rien n'a été modifié dans l'annuaire."


class LiveError(Exception):
    """A fetch that could not be done. The message is French."""


class Offline(LiveError):
    """No network, or the service cannot be reached at all."""


class Unavailable(LiveError):
    """The service answers with errors (5xx, timeouts, too many 429) after the retries."""


class Refused(LiveError):
    """The service refused the request (4xx other than 429)."""


class MalformedPage(LiveError):
    """An answer that is not the documented JSON: the page is reported and skipped."""


def base_url() -> str:
    return os.environ.get(BASE_URL_ENV, "").strip() or DEFAULT_BASE_URL


def retry_after_seconds(value: str | None, now: float | None = None) -> float:
    """Retry-After as seconds (a number or an HTTP date), 1 s when absent or unreadable, capped."""
    if not value:
        return 1.0
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value).timestamp()
        except (TypeError, ValueError, IndexError):
            return 1.0
        seconds = when - (now if now is not None else time.time())
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)


class Paced:
    """Spacing and deliberate waits shared by the online clients (company API, geocoder).

    Invariant (tested through each client): two requests are never closer than 1 / max_rate
    seconds; every wait is recorded in `waits` and every request time in `sent_at`, so tests
    check the pacing by count on a fake clock, never by timing."""

    max_rate: float = MAX_RATE
    sleep: Callable[[float], None]
    clock: Callable[[], float]
    sent_at: list[float]
    waits: list[tuple[str, float]]

    def _space(self) -> None:
        if self.sent_at:
            wait = self.sent_at[-1] + 1.0 / self.max_rate - self.clock()
            if wait > 0:
                self.sleep(wait)
        self.sent_at.append(self.clock())

    def _wait(self, reason: str, seconds: float) -> None:
        self.waits.append((reason, seconds))
        self.sleep(seconds)


class CompanyApiClient(Paced):
    """GET pages of the API. `sleep` and `clock` are injectable: tests never wait for real."""

    def __init__(
        self,
        url: str | None = None,
        *,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base_url = (url or base_url()).rstrip("/")
        self.session = session or requests.Session()
        self.session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
        self.sleep = sleep
        self.clock = clock
        self.sent_at: list[float] = []  # clock time of every request sent (rate checks in tests)
        self.waits: list[tuple[str, float]] = []  # (reason, seconds) of every deliberate wait

    def get_page(self, endpoint: str, params: dict[str, str]) -> dict:
        """One page as a dict. Raises Offline, Unavailable, Refused or MalformedPage (French)."""
        url = self.base_url + endpoint
        failures = too_many = 0
        while True:
            self._space()
            try:
                response = self.session.get(url, params=params, timeout=(CONNECT_TIMEOUT_S, READ_TIMEOUT_S))
            except requests.ConnectionError as exc:  # includes ConnectTimeout
                raise Offline(
                    f"Pas de connexion au service {self.base_url} (réseau coupé ou service injoignable). "
                    f"{NOTHING_LOST} Réessayez une fois connecté : la récupération reprendra où elle s'est arrêtée."
                ) from exc
            except requests.Timeout as exc:
                failures += 1
                if failures > RETRIES:
                    raise Unavailable(
                        f"Le service {self.base_url} ne répond pas (délai dépassé, {failures} essais). {NOTHING_LOST}"
                    ) from exc
                self._wait("timeout", BACKOFF_S * 2 ** (failures - 1))
                continue
            if response.status_code == 429:
                too_many += 1
                if too_many > MAX_429:
                    raise Unavailable(
                        "Le service limite les requêtes (trop de demandes) : réessayez dans quelques minutes, "
                        f"la récupération reprendra où elle s'est arrêtée. {NOTHING_LOST}"
                    )
                self._wait("429", retry_after_seconds(response.headers.get("Retry-After")))
                continue
            if response.status_code >= 500:
                failures += 1
                if failures > RETRIES:
                    raise Unavailable(
                        f"Le service {self.base_url} est en erreur (code {response.status_code}, {failures} essais). "
                        f"{NOTHING_LOST} Réessayez plus tard : la récupération reprendra où elle s'est arrêtée."
                    )
                self._wait("5xx", BACKOFF_S * 2 ** (failures - 1))
                continue
            return _json_of(response)


def _json_of(response: requests.Response) -> dict:
    if 400 <= response.status_code < 500:
        try:
            said = response.json().get("erreur", "")
        except (ValueError, AttributeError):
            said = ""
        raise Refused(f"Le service a refusé la demande (code {response.status_code}) : {said or response.reason}.")
    try:
        data = response.json()
    except ValueError as exc:
        raise MalformedPage("réponse illisible (ce n'est pas du JSON)") from exc
    if not isinstance(data, dict):
        raise MalformedPage("réponse inattendue (un objet JSON était attendu)")
    return data
