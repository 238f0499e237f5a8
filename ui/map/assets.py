"""Where the map's Leaflet files are served: constants only, importable before the server starts
(ui/serve.py announces them in the page's HTML) without the map's libraries."""

from __future__ import annotations

from typing import Final

DEFAULT_ASSET_BASE: Final = "/app/static/vendor"
# Paths below `asset_base`; the same layout `assets/fetch_assets.py` installs.
ASSET_PATHS: Final[dict[str, str]] = {
    "leaflet_js": "leaflet/dist/leaflet.js",
    "leaflet_css": "leaflet/dist/leaflet.css",
}


def local_urls(asset_base: str = DEFAULT_ASSET_BASE) -> dict[str, str]:
    """URLs of Leaflet's script and style under `asset_base` (the app's static files by default)."""
    base = asset_base.rstrip("/")
    return {key: f"{base}/{rel}" for key, rel in ASSET_PATHS.items()}
