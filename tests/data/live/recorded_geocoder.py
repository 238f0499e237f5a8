"""Recorded answers of the Géoplateforme geocoding service (BAN), and a tiny server replaying them.

The answers follow the documented shape of `GET /geocodage/search?q=...&limit=1` (the same as the
former api-adresse.data.gouv.fr): a GeoJSON FeatureCollection whose features carry a Point
`[lon, lat]` and `properties` label, score, type (housenumber, street, locality, municipality),
housenumber, street, name, postcode, citycode, city, context, id, x, y, importance, `_type`.
The points are FICTITIOUS (near the real communes, never a real door). `ANSWERS` maps the text
asked (`address, postal code commune`) to (label, score, type, citycode, postcode, lat, lon), or
None for "no result". `BODIES` holds answers that are not the documented shape.

The browser test points the app at the server (SOURCING_GEOCODE_URL=http://127.0.0.1:PORT/geocodage):
GET /geocodage/search answers from `ANSWERS` (an address not recorded: no result). Only 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import parse_qs, urlparse

# The CRESS Ain test file (tests/data/store/cress-ain-2026-03.csv), located by the offline gazetteer at the commune.
ANSWERS: dict[str, tuple | None] = {
    "9 rue Nouvelle, 01700 Miribel": (
        "9 Rue Nouvelle 01700 Miribel",
        0.93,
        "housenumber",
        "01249",
        "01700",
        45.8251,
        4.9562,
    ),
    "62 avenue du Général Sarrail, 01500 Ambérieu-en-Bugey": (
        "62 Avenue du Général Sarrail 01500 Ambérieu-en-Bugey",
        0.88,
        "housenumber",
        "01004",
        "01500",
        45.9559,
        5.3571,
    ),
    "13 avenue Arsène d’Arsonval, 01000 Bourg-en-Bresse": (
        "Avenue Arsène d'Arsonval 01000 Bourg-en-Bresse",
        0.41,
        "street",
        "01053",
        "01000",
        46.2121,
        5.2433,
    ),
    "1 chemin des Prés, 69100 Villeurbanne": (
        "1 Chemin des Prés 69100 Villeurbanne",
        0.9,
        "housenumber",
        "69266",
        "69100",
        45.7701,
        4.8802,
    ),
    # Single cases of the unit tests.
    "4 place de la Mairie, 59000 Lille": ("Lille", 0.95, "municipality", "59350", "59000", 50.6311, 3.0621),
    "12 rue de Paris, 59000 Lille": (
        "12 Rue de Paris 77000 Melun",
        0.72,
        "housenumber",
        "77288",
        "77000",
        48.5391,
        2.6610,
    ),
    "99 impasse Inconnue, 59000 Lille": None,
}
BODIES = {
    "truncated": '{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Po',
    "html": "<html><body>Service momentanément indisponible</body></html>",
    "no-features": '{"type": "FeatureCollection", "version": "draft"}',
    "no-geometry": '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"score": 0.9}}]}',
}


def feature(label: str, score: float, kind: str, citycode: str, postcode: str, lat: float, lon: float) -> dict:
    city = label.split(postcode)[-1].strip() if postcode in label else label
    name = label.split(postcode)[0].strip() if postcode in label else label
    number = name.split(" ")[0] if kind == "housenumber" else None
    props = {"label": label, "score": score, "id": f"{citycode}_fict_{abs(hash(label)) % 10000:05d}", "name": name,
             "postcode": postcode, "citycode": citycode, "x": 850000.0, "y": 6500000.0, "city": city,
             "context": f"{citycode[:2]}, fictif", "type": kind, "importance": 0.6, "_type": "address"}  # fmt: skip
    if number:
        props |= {"housenumber": number, "street": name[len(number) :].strip()}
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": props}


def collection(query: str) -> dict:
    """The service's answer to `q=query&limit=1`, as recorded."""
    found = ANSWERS.get(query)
    return {"type": "FeatureCollection", "version": "draft", "features": [feature(*found)] if found else [],
            "attribution": "BAN", "licence": "ETALAB-2.0", "query": query, "filters": {}, "center": None,
            "limit": 1}  # fmt: skip


def body(query: str) -> str:
    return json.dumps(collection(query), ensure_ascii=False)


class _Handler(BaseHTTPRequestHandler):
    requests_seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:  # http.server's name
        url = urlparse(self.path)
        if url.path != "/geocodage/search":
            self.send_error(404)
            return
        query = parse_qs(url.query).get("q", [""])[0]
        self.requests_seen.append(query)
        time.sleep(getattr(self.server, "delay_s", 0.0))
        payload = body(query).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *_args) -> None:
        return None


@contextlib.contextmanager
def serve() -> Iterator[tuple[str, list[str], ThreadingHTTPServer]]:
    """(service URL, the addresses it is asked, the server) while the server runs."""
    handler = type("Handler", (_Handler,), {"requests_seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/geocodage", handler.requests_seen, server
    finally:
        server.shutdown()
        server.server_close()
