"""Answers of data.gouv's tabular API (api-tabular) over the recorded fictitious DECP rows of `table.json`.

`answer(url)` gives what GET /api/resources/<rid>/data/?titulaire_id__in=...&page=N&page_size=S
(or ?acheteur_id__exact=<buyer SIRET>&..., over `table.json` and one buyer's `buyer.json`) would:
the rows of those holders (or of that buyer), paginated, in the api-tabular shape (data, links.next,
meta.page/page_size/total). The unit tests plug it into `responses`; the browser test runs
`serve()`, a tiny HTTP server on 127.0.0.1 (SOURCING_DECP_API_URL points the app at it).
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, urlparse

HERE = Path(__file__).resolve().parent
TABLE = json.loads((HERE / "table.json").read_text(encoding="utf-8"))
BUYER_TABLE = json.loads((HERE / "buyer.json").read_text(encoding="utf-8"))  # one buyer's contracts


def answer(url: str) -> dict:
    """The api-tabular answer to one data request (see the module docstring)."""
    parsed = urlparse(url)
    params = {k: v[0] for k, v in parse_qs(parsed.query).items()}
    page, size = int(params.get("page", "1")), min(int(params.get("page_size", "20")), 50)
    if "acheteur_id__exact" in params:  # a buyer's own contracts
        rows = [r for r in TABLE + BUYER_TABLE if str(r["acheteur_id"]) == params["acheteur_id__exact"]]
    else:
        wanted = set(params.get("titulaire_id__in", "").split(","))
        rows = [r for r in TABLE if str(r["titulaire_id"]) in wanted]
    chunk = rows[(page - 1) * size : page * size]
    more = page * size < len(rows)
    base = f"{parsed.scheme}://{parsed.netloc}{parsed.path}"
    query = "&".join(f"{k}={v}" for k, v in params.items() if k != "page")
    return {
        "data": chunk,
        "links": {"profile": base.replace("/data/", "/profile/"), "swagger": base.replace("/data/", "/swagger/"),
                  "next": f"{base}?{query}&page={page + 1}" if more else None,
                  "prev": f"{base}?{query}&page={page - 1}" if page > 1 else None},
        "meta": {"page": page, "page_size": size, "total": len(rows)},
    }  # fmt: skip


class _Handler(BaseHTTPRequestHandler):
    requests_seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:  # http.server's name
        self.requests_seen.append(self.path)
        if "/data/" not in urlparse(self.path).path:
            self.send_error(404)
            return
        body = json.dumps(answer(f"http://{self.headers['Host']}{self.path}"), ensure_ascii=False).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args) -> None:
        return None


@contextlib.contextmanager
def serve() -> Iterator[tuple[str, list[str]]]:
    """(base URL, the request paths it receives) while the server runs on 127.0.0.1."""
    handler = type("Handler", (_Handler,), {"requests_seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler.requests_seen
    finally:
        server.shutdown()
        server.server_close()
