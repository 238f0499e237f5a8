"""The supplier map: every search result on one Leaflet map, fast, offline and injection-safe.

Rules:
- One supplier layer fed with one compact JSON payload (columnar arrays): no folium object per supplier,
  so 20,000 results build in a fraction of a second. The browser counts the suppliers in a grid of
  cells for the current zoom and view (`map.js`) and makes markers only for those cells; tooltips and
  popups only when a marker is first hovered or clicked.
- Offline by default: Leaflet comes from `asset_base` (the files installed by
  `assets/fetch_assets.py` under `static/vendor/`, served by Streamlit at `/app/static/vendor`), never
  from a CDN. The offline basemap is drawn from `data/geo/`: département outlines and codes, and the
  names of communes, the largest first, more as the buyer zooms in; zoom stops at `OFFLINE_MAX_ZOOM`,
  where that basemap has nothing more to show. `tiles=True` adds the IGN Géoplateforme plan
  (PLANIGNV2) tiles; the page falls back by itself to the offline basemap when they do not load (first
  tile in error, or none loaded after a few seconds: see `map.js`). `cdn=True` loads the libraries from
  the CDN URL folium itself uses.
- Directory text is untrusted: every string of the payload is HTML-escaped (`payload.py`) and the
  payload is JSON with `<`, `>`, `&`, `$`, backtick, U+2028 and U+2029 escaped, so it can neither close
  the `<script>` nor start a template-literal substitution. The browser code (`map.js`) only
  concatenates these escaped strings into element content or quoted attributes; no folium Popup/Tooltip
  (their templates put text inside JavaScript template literals).
- Families are told apart by colour AND by shape and letter (RGAA): H in a circle (handicap), I in a
  square (insertion), E in a diamond (other ESS); a French legend explains them.

Layout: this module builds the map (the one entry point for pages, the CLI and the bench);
`payload.py` turns results into safe browser data; `script.py` declares that data around `map.js`
(package data beside it, with `map.css`); `layer.py` is the folium element that runs that script. The
search page's component runs the same script without folium (`map_parts`, `view_options`): folium is
imported only by the functions that make a folium map. Nothing here imports Streamlit.

Clicks: each marker carries its supplier id (`supplierId`, HTML-escaped like all of `D`); the search
page's component (ui/search_map.js) sends the id of a clicked marker back to the page.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypedDict, Unpack

import numpy as np
import pandas as pd

from ui.map.assets import ASSET_PATHS, DEFAULT_ASSET_BASE, local_urls
from ui.map.basemap import labels_payload, outlines_payload, places_payload
from ui.map.columns import Results
from ui.map.payload import REQUIRED_COLUMNS, MarkerPayload, markers, view_bounds
from ui.map.script import legend_html

if TYPE_CHECKING:
    import folium

__all__ = [
    "ASSET_PATHS", "REQUIRED_COLUMNS", "LayerOptions", "asset_urls", "build_map", "map_html", "map_parts",
    "view_options",
]  # fmt: skip

PROJECT_DIR: Final = Path(__file__).resolve().parents[2]
DEPARTEMENTS_GEOJSON: Final = PROJECT_DIR / "data" / "geo" / "departements.geojson"
DEPARTEMENTS_CSV: Final = PROJECT_DIR / "data" / "geo" / "departements.csv"


COMMUNES_CSV: Final = PROJECT_DIR / "data" / "geo" / "communes.csv"

MAX_ZOOM: Final = 18  # with tiles (map.js spreads the suppliers of a cluster at the map's maxZoom)
# The offline basemap names communes of 2,000 inhabitants and more: nothing more to show beyond the scale of
# a town (and at this zoom, suppliers a kilometre apart are no longer clustered together).
OFFLINE_MAX_ZOOM: Final = 13
FRANCE_CENTER: Final = (46.6, 2.4)
FRANCE_ZOOM: Final = 6
IGN_TILES: Final = (
    "https://data.geopf.fr/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER=GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2&STYLE=normal&TILEMATRIXSET=PM&FORMAT=image/png"
    "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}"
)
IGN_ATTRIBUTION: Final = '&copy; <a href="https://www.ign.fr/">IGN</a> – Géoplateforme (Plan IGN)'
TILES: Final = {"url": IGN_TILES, "attribution": IGN_ATTRIBUTION, "max_zoom": MAX_ZOOM}


class LayerOptions(TypedDict, total=False):
    """What a map of some results shows besides them (`map_parts`'s keyword arguments), for the functions
    that pass them on."""

    center: tuple[float, float] | None
    radius_km: float | None
    tiles: bool
    found_total: int | None


class MapOptions(LayerOptions, total=False):
    """The keyword arguments of `build_map`, for the functions that pass them on."""

    asset_base: str
    cdn: bool


# --- Assets ------------------------------------------------------------------------------------


def _cdn_url(links: list[tuple[str, str]], name: str) -> str:
    return dict(links)[name]


def asset_urls(asset_base: str = DEFAULT_ASSET_BASE, *, cdn: bool = False) -> dict[str, str]:
    """URLs of the two files the map loads (Leaflet's script and style): local under asset_base, or folium's
    own CDN URLs."""
    if cdn:
        import folium

        return {
            "leaflet_js": _cdn_url(folium.Map.default_js, "leaflet"),
            "leaflet_css": _cdn_url(folium.Map.default_css, "leaflet_css"),
        }
    return local_urls(asset_base)


# --- The map -----------------------------------------------------------------------------------


def _initial_view(
    payload: MarkerPayload, center: tuple[float, float] | None, radius_km: float | None
) -> list[list[float]] | None:
    """The bounds to frame: the distance circle, else the results, else a small box around the center.

    None leaves the map on France.
    """
    if center is not None and radius_km is not None and radius_km > 0:
        dlat = radius_km / 111.32
        dlon = radius_km / (111.32 * max(np.cos(np.radians(center[0])), 0.01))
        return [[center[0] - dlat, center[1] - dlon], [center[0] + dlat, center[1] + dlon]]
    bounds = view_bounds(payload.lat, payload.lon)
    if bounds is None and center is not None:
        bounds = [[center[0] - 0.2, center[1] - 0.3], [center[0] + 0.2, center[1] + 0.3]]
    return bounds


def view_options(center: tuple[float, float] | None, *, tiles: bool) -> dict[str, Any]:
    """The Leaflet map's first view and zoom range: on `center` (else France), zoom limited to what the
    basemap can show (`OFFLINE_MAX_ZOOM` without tiles)."""
    return {
        "center": [float(c) for c in (center if center is not None else FRANCE_CENTER)],
        "zoom": FRANCE_ZOOM,
        "max_zoom": MAX_ZOOM if tiles else OFFLINE_MAX_ZOOM,
        "min_zoom": 2,
    }


def _base_map(center: tuple[float, float] | None, urls: dict[str, str], *, tiles: bool) -> folium.Map:
    """An empty Leaflet map loading Leaflet from `urls` (the tiles, if asked, are added by `map.js`)."""
    import folium

    view = view_options(center, tiles=tiles)
    m = folium.Map(location=view["center"], zoom_start=view["zoom"], tiles=None, prefer_canvas=True)
    m.options["max_zoom"] = view["max_zoom"]
    m.options["min_zoom"] = view["min_zoom"]
    # Instance attributes: folium's class lists stay untouched for other maps.
    m.default_js = [("leaflet", urls["leaflet_js"])]
    m.default_css = [("leaflet_css", urls["leaflet_css"])]
    return m


def map_parts(
    results: Results,
    *,
    center: tuple[float, float] | None = None,
    radius_km: float | None = None,
    tiles: bool = False,
    found_total: int | None = None,
) -> tuple[MarkerPayload, dict[str, Any]]:
    """The markers of `results` (a DataFrame, or an Arrow table of the same rows) and the other arguments
    of `script.declarations` (basemap, tiles, legend, view to frame): what a map of these results draws,
    with folium or without."""
    payload = markers(results)
    legend = legend_html(shown=len(payload), total=len(results), radius_km=radius_km,
                         has_center=center is not None, found_total=found_total)  # fmt: skip
    options = {
        "center": center,
        "radius_km": radius_km,
        # The offline basemap is always there: it is the fallback when the tiles do not load.
        "outlines": outlines_payload(DEPARTEMENTS_GEOJSON),
        "labels": labels_payload(DEPARTEMENTS_CSV),
        "places": places_payload(COMMUNES_CSV),
        "tiles": TILES if tiles else None,
        "offline_max_zoom": OFFLINE_MAX_ZOOM,
        "legend": legend,
        "bounds": _initial_view(payload, center, radius_km),
    }
    return payload, options


def build_map(
    results: pd.DataFrame,
    *,
    center: tuple[float, float] | None = None,
    radius_km: float | None = None,
    tiles: bool = False,
    asset_base: str = DEFAULT_ASSET_BASE,
    cdn: bool = False,
    found_total: int | None = None,
) -> folium.Map:
    """A folium Map of all located results (see the module docstring for the rules).

    The view frames the distance circle when center and radius are given, else the results, else France.
    Rows without valid coordinates are skipped and counted in the legend. `found_total`: how many results
    the search found when `results` holds only the first of them (the legend says so).
    """
    from ui.map.layer import SupplierLayer

    payload, options = map_parts(results, center=center, radius_km=radius_km, tiles=tiles, found_total=found_total)
    urls = asset_urls(asset_base, cdn=cdn)
    m = _base_map(center, urls, tiles=tiles)
    SupplierLayer(payload, **options).add_to(m)
    return m


def map_html(results: pd.DataFrame, **options: Unpack[MapOptions]) -> str:
    """The whole standalone HTML page of `build_map` (same arguments)."""
    return build_map(results, **options).get_root().render()
