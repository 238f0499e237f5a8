"""A tiny local HTTP server replaying the recorded answers of API Recherche d'entreprises.

The browser test points the app at it (SOURCING_COMPANY_API_URL=http://127.0.0.1:PORT): GET
/search?...&page=N answers `search-59-ess/page-N.json`, GET /near_point answers
`near-lille/page-N.json`; a page not recorded answers an empty page. Only 127.0.0.1 is served.
Setting `delay_s` on the yielded server makes every answer that slow (to click "Annuler" mid-fetch).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, urlparse

HERE = Path(__file__).resolve().parent
SCENARIOS = {"/search": "search-59-ess", "/near_point": "near-lille"}
EMPTY = b'{"results": [], "total_results": 0, "page": 1, "per_page": 25, "total_pages": 0}'


class _Handler(BaseHTTPRequestHandler):
    requests_seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:  # http.server's name
        url = urlparse(self.path)
        self.requests_seen.append(self.path)
        page = parse_qs(url.query).get("page", ["1"])[0]
        scenario = SCENARIOS.get(url.path)
        if scenario is None:
            self.send_error(404)
            return
        time.sleep(getattr(self.server, "delay_s", 0.0))
        path = HERE / scenario / f"page-{int(page)}.json"
        body = path.read_bytes() if path.exists() else EMPTY
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args) -> None:
        return None


@contextlib.contextmanager
def serve() -> Iterator[tuple[str, list[str], ThreadingHTTPServer]]:
    """(base URL, the list of request paths it receives, the server) while the server runs."""
    handler = type("Handler", (_Handler,), {"requests_seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler.requests_seen, server
    finally:
        server.shutdown()
        server.server_close()
