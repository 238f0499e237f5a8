"""The supplier map: every search result on one Leaflet map, fast, offline and injection-safe.

Rules:
- One cluster layer fed with one compact JSON payload (columnar arrays): no folium object per supplier,
  so 20,000 results build in a fraction of a second. Markers, tooltips and popups are made in the
  browser; tooltips and popups only when a marker is first hovered or clicked.
- Offline by default: Leaflet and Leaflet.markercluster come from `asset_base` (the files installed by
  `assets/fetch_assets.py` under `static/vendor/`, served by Streamlit at `/app/static/vendor`), never
  from a CDN; no tile layer, a light basemap of département outlines from `data/geo/`, `maxZoom` set
  (Leaflet.markercluster refuses a map without one). `tiles=True` adds OpenStreetMap tiles; `cdn=True`
  loads the libraries from the CDN URLs folium itself uses.
- Directory text is untrusted: every string of the payload is HTML-escaped here (`html.escape`) and the
  payload is JSON with `<`, `>`, `&`, `$`, backtick, U+2028 and U+2029 escaped, so it can neither close
  the `<script>` nor start a template-literal substitution. The browser code only concatenates these
  escaped strings into element content or quoted attributes; no folium Popup/Tooltip (their templates
  put text inside JavaScript template literals).
- Families are told apart by colour AND by shape and letter (RGAA): H in a circle (handicap), I in a
  square (insertion), E in a diamond (other ESS); a French legend explains them.

Clicks with streamlit-folium: `st_folium(m, returned_objects=["last_object_clicked_popup"])` returns the
text of the clicked marker's popup; it ends with "Réf. : <id>", which `supplier_id_from_click` reads.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

import folium
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from branca.element import CssLink, Element, Figure, JavascriptLink, MacroElement
from folium.elements import JSCSSMixin
from folium.plugins import MarkerCluster
from folium.template import Template

from sourcing.model import FAMILIES, KINDS

PROJECT_DIR: Final = Path(__file__).resolve().parents[1]
DEPARTEMENTS_GEOJSON: Final = PROJECT_DIR / "data" / "geo" / "departements.geojson"
DEPARTEMENTS_CSV: Final = PROJECT_DIR / "data" / "geo" / "departements.csv"

DEFAULT_ASSET_BASE: Final = "/app/static/vendor"
# Paths below `asset_base`; the same layout `assets/fetch_assets.py` installs.
ASSET_PATHS: Final[dict[str, str]] = {
    "leaflet_js": "leaflet/dist/leaflet.js",
    "leaflet_css": "leaflet/dist/leaflet.css",
    "markercluster_js": "leaflet.markercluster/dist/leaflet.markercluster.js",
    "markercluster_css": "leaflet.markercluster/dist/MarkerCluster.css",
}

MAX_ZOOM: Final = 18  # Leaflet.markercluster needs it when no tile layer sets one
FRANCE_CENTER: Final = (46.6, 2.4)
FRANCE_ZOOM: Final = 6
# Metropolitan France (with Corsica): the view frames these points when they are the majority, so
# one overseas supplier does not zoom the map out to the whole Atlantic.
METRO_BOX: Final = (41.0, -5.6, 51.6, 10.0)  # south, west, north, east
OSM_TILES: Final = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION: Final = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">les contributeurs d’OpenStreetMap</a>'
)
OUTLINES_ATTRIBUTION: Final = "Contours des départements : données publiques ouvertes"

# Family -> (letter, shape, colour). Colours keep white text at a contrast ratio >= 4.5:1.
FAMILY_ORDER: Final[tuple[str, ...]] = ("handicap", "insertion", "ess")
FAMILY_STYLE: Final[dict[str, tuple[str, str, str]]] = {
    "handicap": ("H", "rond", "#2f55a4"),
    "insertion": ("I", "carré", "#a33b00"),
    "ess": ("E", "losange", "#18753c"),
}
_FAMILY_RANK: Final[dict[str, int]] = {k.code: FAMILY_ORDER.index(k.family) for k in KINDS}
_ESS_RANK: Final = FAMILY_ORDER.index("ess")
_RANK_CODES: Final = pa.array(list(_FAMILY_RANK), type=pa.string())
_RANK_VALUES: Final = np.array([*_FAMILY_RANK.values(), _ESS_RANK], dtype=np.int8)

REQUIRED_COLUMNS: Final[tuple[str, ...]] = (
    "id", "siret", "name", "trade_name", "kinds", "city", "postal_code", "department", "lat", "lon",
    "distance_km",
)  # fmt: skip

_JINJA_OPEN: Final = re.compile(r"\{(?=[{%#])")
_REF_RE: Final = re.compile(r"Réf\.\s*:\s*(\S+)")


# --- Payload -----------------------------------------------------------------------------------


def safe_json(obj: Any) -> str:
    """JSON that is safe inside a <script> element, a JavaScript template literal and a Jinja template.

    `<`, `>` and `&` are escaped so `</script>` or `<!--` cannot appear; `$` and backtick so a copy into
    a template literal can never start `${...}`; U+2028/U+2029 because older engines end a line there;
    the `{` of `{{`, `{%` and `{#` so no template engine on the way sees a tag.
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escaped in (
        ("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("$", "\\u0024"), ("`", "\\u0060"),
        ("\u2028", "\\u2028"), ("\u2029", "\\u2029"),
    ):  # fmt: skip
        text = text.replace(char, escaped)
    # "{{", "{%" and "{#" only occur inside JSON strings: escaping that "{" keeps Jinja (folium renders
    # through it) from ever seeing a template tag in directory text.
    return _JINJA_OPEN.sub(r"\\u007b", text)


def _text(series: pd.Series) -> pd.Series:
    """Trimmed strings, missing values as ''."""
    return series.astype("string[pyarrow]").fillna("").str.strip()


def _escaped(values: pd.Series | pa.Array) -> list[str]:
    """`html.escape(value, quote=True)` for a whole column, vectorised (Arrow); missing -> ''."""
    arr = values if isinstance(values, pa.Array) else pa.array(_text(values), type=pa.string())
    arr = pc.fill_null(arr, "")
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;")):
        arr = pc.replace_substring(arr, char, entity)
    return arr.to_pylist()


def _kinds_arrow(kinds: pd.Series) -> pa.ListArray:
    """The kinds column as an Arrow list<string> array (lists, tuples, arrays or missing values)."""
    # Arrow would read a bare string as a list of characters: such columns take the slow path.
    if not any(isinstance(x, str) for x in kinds):
        try:
            return pa.array(kinds, type=pa.list_(pa.string()), from_pandas=True)
        except pa.ArrowException:  # rare: non-string items or an all-missing column
            pass
    cleaned = [
        [x]
        if isinstance(x, str)
        else [str(v) for v in x if v is not None and v == v]  # v == v drops NaN
        if isinstance(x, list | tuple | np.ndarray)
        else None
        for x in kinds
    ]
    return pa.array(cleaned, type=pa.list_(pa.string()))


def _family_and_kinds(kinds: pd.Series) -> tuple[np.ndarray, pa.StringArray]:
    """Per row: the family index (handicap before insertion before ESS) and the kind codes joined.

    A supplier with kinds of two families takes the first in FAMILY_ORDER (reserved markets first);
    no kind or an unknown kind counts as ESS, "everything else". Vectorised with Arrow.
    """
    lists = _kinds_arrow(kinds)
    flat = pc.utf8_trim_whitespace(pc.list_flatten(lists))
    parents = pc.list_parent_indices(lists).to_numpy()
    keep = pc.fill_null(pc.not_equal(flat, ""), False)
    flat = flat.filter(keep)
    parents = parents[keep.to_numpy(zero_copy_only=False)]
    known = pc.index_in(pc.utf8_upper(flat), value_set=_RANK_CODES)
    rank = _RANK_VALUES[pc.fill_null(known, len(_RANK_CODES)).to_numpy()]
    family = np.full(len(kinds), _ESS_RANK, dtype=np.int8)
    np.minimum.at(family, parents, rank)
    offsets = np.zeros(len(kinds) + 1, dtype=np.int32)
    np.cumsum(np.bincount(parents, minlength=len(kinds)), out=offsets[1:])
    joined = pc.binary_join(pa.ListArray.from_arrays(pa.array(offsets), flat), ", ")
    return family, joined


def _place(rows: pd.DataFrame) -> pd.Series:
    """'Commune (code postal)', falling back to the postal code or the département."""
    city, postal, dept = _text(rows["city"]), _text(rows["postal_code"]), _text(rows["department"])
    with_postal = city + " (" + postal + ")"
    place = city.where(postal.eq(""), with_postal)
    place = place.where(city.ne(""), postal)
    return place.where(place.ne(""), dept.where(dept.eq(""), "Département " + dept))


def _coords(results: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    lat = pd.to_numeric(results["lat"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    lon = pd.to_numeric(results["lon"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return lat, lon


def located_mask(results: pd.DataFrame) -> np.ndarray:
    """Rows that can be drawn: finite latitude in [-90, 90] and longitude in [-180, 180]."""
    lat, lon = _coords(results)
    with np.errstate(invalid="ignore"):
        return np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)


def marker_payload(results: pd.DataFrame) -> dict[str, list]:
    """The columnar marker data sent to the browser, for the rows with coordinates.

    Keys: lat, lon (5 decimals, about 1 m), f (family index in FAMILY_ORDER), id, n (name), t (trade
    name when it differs from the name), k (kind codes), c (commune and postal code), s (SIRET) — all
    strings HTML-escaped — and d (distance in km, 1 decimal, or null).
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in results.columns]
    if missing:
        raise ValueError(f"Colonnes manquantes pour la carte : {', '.join(missing)}")
    ok = located_mask(results)
    lat, lon = (a[ok] for a in _coords(results))
    rows = results.loc[ok].reset_index(drop=True)
    family, kinds = _family_and_kinds(rows["kinds"])
    name, trade = _text(rows["name"]), _text(rows["trade_name"])
    trade = trade.where(trade.str.casefold().ne(name.str.casefold()), "")
    dist = pd.to_numeric(rows["distance_km"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    dist_out = np.round(dist, 1).astype(object)
    dist_out[~np.isfinite(dist)] = None
    return {
        "lat": np.round(lat, 5).tolist(),
        "lon": np.round(lon, 5).tolist(),
        "f": family.tolist(),
        "id": _escaped(rows["id"]),
        "n": _escaped(name),
        "t": _escaped(trade),
        "k": _escaped(kinds),
        "c": _escaped(_place(rows)),
        "s": _escaped(rows["siret"]),
        "d": dist_out.tolist(),
    }


def _view_bounds(lat: np.ndarray, lon: np.ndarray) -> list[list[float]] | None:
    """Bounds to frame: the metropolitan points when they are at least half, else all points."""
    if lat.size == 0:
        return None
    south, west, north, east = METRO_BOX
    metro = (lat >= south) & (lat <= north) & (lon >= west) & (lon <= east)
    if metro.sum() * 2 >= lat.size:
        lat, lon = lat[metro], lon[metro]
    return [[float(lat.min()), float(lon.min())], [float(lat.max()), float(lon.max())]]


# --- Basemap -----------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _outlines_json(path: str, mtime_ns: int) -> str:
    del mtime_ns  # part of the cache key only: a rebuilt file is read again
    return safe_json(json.loads(Path(path).read_text(encoding="utf-8")))


@lru_cache(maxsize=4)
def _labels_json(path: str, mtime_ns: int) -> str:
    del mtime_ns
    frame = pd.read_csv(path, dtype={"code": str, "name": str})
    return safe_json({
        "code": frame["code"].tolist(), "name": frame["name"].tolist(),
        "lat": frame["lat"].round(4).tolist(), "lon": frame["lon"].round(4).tolist(),
    })  # fmt: skip


def outlines_payload(path: Path = DEPARTEMENTS_GEOJSON) -> str | None:
    """Safe JSON of the département outlines, or None if the file is not there (the map still works)."""
    try:
        return _outlines_json(str(path), path.stat().st_mtime_ns)
    except FileNotFoundError:
        return None


def labels_payload(path: Path = DEPARTEMENTS_CSV) -> str | None:
    """Safe JSON of the département label points (code, name, lat, lon), or None without the file."""
    try:
        return _labels_json(str(path), path.stat().st_mtime_ns)
    except FileNotFoundError:
        return None


# --- Legend ------------------------------------------------------------------------------------


def _family_kinds(family: str) -> str:
    return ", ".join(k.code for k in KINDS if k.family == family)


def legend_html(*, shown: int, total: int, radius_km: float | None, has_center: bool) -> str:
    """The legend, in French (trusted text only, escaped anyway); symbols are described for screen readers."""
    e = html.escape
    rows = []
    for fam in FAMILY_ORDER:
        letter, shape, _ = FAMILY_STYLE[fam]
        kinds = _family_kinds(fam) if fam != "ess" else "autres structures"
        rows.append(
            f'<li><span class="sup-m sup-{fam}" aria-hidden="true"><b>{letter}</b></span>'
            f'<span><span class="sup-sr">Symbole {letter} dans un {e(shape)} : </span>'
            f"<strong>{e(FAMILIES[fam])}</strong><br>{e(kinds)}</span></li>"
        )
    rows.append(
        '<li><span class="sup-cluster-sample" aria-hidden="true">12</span>'
        "<span>Groupe de fournisseurs (nombre) : cliquer pour zoomer</span></li>"
    )
    if has_center:
        what = "Point de recherche"
        if radius_km is not None and radius_km > 0:
            what += f", zone de {e(_fr_number(radius_km))} km"
        rows.append(f'<li><span class="sup-buyer" aria-hidden="true"></span><span>{what}</span></li>')
    count = f"{_fr_int(shown)} fournisseur{'s' if shown > 1 else ''} sur la carte"
    hidden = total - shown
    if hidden > 0:
        count += f" ; {_fr_int(hidden)} sans coordonnées, non affiché{'s' if hidden > 1 else ''}"
    return (
        '<details class="sup-legend-box" open><summary>Légende</summary>'
        f'<ul>{"".join(rows)}</ul><p class="sup-legend-count">{e(count)}</p></details>'
    )


def _fr_int(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def _fr_number(x: float) -> str:
    return (f"{x:.1f}".rstrip("0").rstrip(".") if x % 1 else f"{int(x)}").replace(".", ",")


# --- Assets ------------------------------------------------------------------------------------


def _cdn_url(links: list[tuple[str, str]], name: str) -> str:
    return dict(links)[name]


def asset_urls(asset_base: str = DEFAULT_ASSET_BASE, *, cdn: bool = False) -> dict[str, str]:
    """URLs of the four files the map loads: local under asset_base, or folium's own CDN URLs."""
    if cdn:
        return {
            "leaflet_js": _cdn_url(folium.Map.default_js, "leaflet"),
            "leaflet_css": _cdn_url(folium.Map.default_css, "leaflet_css"),
            "markercluster_js": _cdn_url(MarkerCluster.default_js, "markerclusterjs"),
            "markercluster_css": _cdn_url(MarkerCluster.default_css, "markerclustercss"),
        }
    base = asset_base.rstrip("/")
    return {key: f"{base}/{rel}" for key, rel in ASSET_PATHS.items()}


# --- The layer ---------------------------------------------------------------------------------

_CSS = """
.sup-icon { background: none; border: none; }
.sup-m { display: flex; align-items: center; justify-content: center; box-sizing: border-box;
  width: 22px; height: 22px; border: 2px solid #fff; color: #fff;
  box-shadow: 0 0 0 1px rgba(0,0,0,.55), 0 1px 3px rgba(0,0,0,.35); }
.sup-m b { font: 700 12px/1 system-ui, -apple-system, "Segoe UI", Arial, sans-serif; }
.sup-handicap { background: #2f55a4; border-radius: 50%; }
.sup-insertion { background: #a33b00; border-radius: 2px; }
.sup-ess { background: #18753c; width: 19px; height: 19px; margin: 1.5px; transform: rotate(45deg); }
.sup-ess b { transform: rotate(-45deg); }
.sup-cluster { background: rgba(58,58,58,.25); border-radius: 50%; }
.sup-cluster div { background: #3a3a3a; color: #fff; border-radius: 50%; width: 30px; height: 30px;
  margin: 5px; display: flex; align-items: center; justify-content: center;
  font: 700 12px/1 system-ui, Arial, sans-serif; }
.sup-cluster-large div { font-size: 11px; }
.sup-buyer { display: block; width: 14px; height: 14px; border-radius: 50%; background: #000091;
  border: 3px solid #fff; box-shadow: 0 0 0 2px #000091; }
.sup-offline.leaflet-container { background: #e3ecf2; }
.sup-dept-label { background: none; border: none; color: #6a6a6a; text-align: center; white-space: nowrap;
  font: 600 11px/1.1 system-ui, Arial, sans-serif; text-shadow: 0 0 2px #fff, 0 0 2px #fff; }
.sup-legend { background: #fff; padding: 6px 10px; border-radius: 4px; max-width: 260px;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); font: 12px/1.35 system-ui, Arial, sans-serif; color: #161616; }
.sup-legend summary { font-weight: 700; cursor: pointer; }
.sup-legend ul { list-style: none; margin: 6px 0 0; padding: 0; }
.sup-legend li { display: flex; align-items: center; gap: 8px; margin: 4px 0; }
.sup-legend li strong { font-weight: 600; }
.sup-legend li > .sup-m, .sup-legend li > .sup-buyer, .sup-legend li > .sup-cluster-sample { flex: none; }
.sup-sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap; }
.sup-legend-count { margin: 6px 0 0; color: #444; }
.sup-cluster-sample { display: flex; align-items: center; justify-content: center; width: 22px; height: 22px;
  border-radius: 50%; background: #3a3a3a; color: #fff; font-weight: 700; font-size: 10px;
  box-shadow: 0 0 0 3px rgba(58,58,58,.25); }
.sup-popup { font: 13px/1.4 system-ui, Arial, sans-serif; min-width: 180px; }
.sup-popup .sup-name { font-size: 14px; display: block; }
.sup-popup .sup-muted, .sup-ref { color: #555; }
"""

_TEMPLATE = """
{% macro header(this, kwargs) %}
<style>{{ this.css }}</style>
{% endmacro %}

{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var D = {{ this.payload }};
  var FAM = {{ this.families }};
  var OUTLINES = {{ this.outlines }};
  var LABELS = {{ this.labels }};
  var CENTER = {{ this.center }};
  var LEGEND = {{ this.legend }};
  var BOUNDS = {{ this.bounds }};

  function fmtKm(d) {
    return d.toLocaleString("fr-FR", {maximumFractionDigits: 1}) + " km";
  }
  // Every D string is already HTML-escaped by the server: they are only joined into element
  // content or double-quoted attributes, never evaluated.
  function tooltipHtml(i) {
    // The hidden dash separates the lines in the plain text streamlit-folium returns.
    var s = "<strong>" + D.n[i] + '</strong><span class="sup-sr"> — </span><br>' +
      (D.k[i] ? D.k[i] + " · " : "") + D.c[i];
    if (D.d[i] !== null) { s += " · " + fmtKm(D.d[i]); }
    return s;
  }
  function popupElement(i) {
    var s = '<strong class="sup-name">' + D.n[i] + "</strong>";
    if (D.t[i]) { s += '<div class="sup-muted">' + D.t[i] + "</div>"; }
    s += "<div>" + FAM[D.f[i]].label + (D.k[i] ? " : " + D.k[i] : "") + "</div>";
    if (D.c[i]) { s += "<div>" + D.c[i] + "</div>"; }
    if (D.d[i] !== null) { s += "<div>Distance : " + fmtKm(D.d[i]) + "</div>"; }
    if (D.s[i]) { s += "<div>SIRET : " + D.s[i] + "</div>"; }
    s += '<div class="sup-ref">Réf. : ' + D.id[i] + "</div>";
    var wrap = document.createElement("div");
    wrap.innerHTML = '<div class="sup-popup" data-supplier-id="' + D.id[i] + '">' + s + "</div>";
    return wrap.firstChild;
  }

  if (OUTLINES) {
    L.DomUtil.addClass(map.getContainer(), "sup-offline");
    L.geoJSON(OUTLINES, {
      interactive: false,
      attribution: {{ this.outlines_attribution }},
      style: {color: "#8c8c8c", weight: 0.8, fillColor: "#f8f6f1", fillOpacity: 1}
    }).addTo(map);
  }
  if (LABELS) {
    var labels = L.layerGroup();
    for (var j = 0; j < LABELS.code.length; j++) {
      var el = document.createElement("span");
      el.textContent = LABELS.code[j];
      el.title = LABELS.name[j];
      labels.addLayer(L.marker([LABELS.lat[j], LABELS.lon[j]], {
        icon: L.divIcon({className: "sup-dept-label", html: el, iconSize: [40, 14]}),
        interactive: false, keyboard: false
      }));
    }
    var showLabels = function () {
      if (map.getZoom() >= 7) { map.addLayer(labels); } else { map.removeLayer(labels); }
    };
    map.on("zoomend", showLabels);
    map.whenReady(showLabels);
  }
  if (CENTER) {
    if (CENTER.radius_m) {
      L.circle(CENTER.latlng, {
        radius: CENTER.radius_m, interactive: false, color: "#000091", weight: 2, dashArray: "6 5",
        fillColor: "#000091", fillOpacity: 0.04
      }).addTo(map);
    }
    L.marker(CENTER.latlng, {
      icon: L.divIcon({className: "sup-icon", html: '<span class="sup-buyer"></span>', iconSize: [20, 20]}),
      interactive: false, keyboard: false, zIndexOffset: -1000
    }).addTo(map);
  }

  var icons = FAM.map(function (f) {
    return L.divIcon({
      className: "sup-icon", iconSize: [22, 22], iconAnchor: [11, 11], popupAnchor: [0, -10],
      tooltipAnchor: [0, -10], html: '<span class="sup-m sup-' + f.key + '"><b>' + f.letter + "</b></span>"
    });
  });
  var n = D.lat.length, markers = new Array(n);
  for (var i = 0; i < n; i++) {
    markers[i] = L.marker([D.lat[i], D.lon[i]], {icon: icons[D.f[i]], supIndex: i, supplierId: D.id[i]});
  }
  var cluster = L.markerClusterGroup({
    chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 50, spiderfyOnMaxZoom: true,
    iconCreateFunction: function (c) {
      var count = c.getChildCount();
      var size = count < 10 ? "small" : (count < 100 ? "medium" : "large");
      return L.divIcon({
        html: "<div><span>" + count.toLocaleString("fr-FR") + "</span></div>",
        className: "marker-cluster sup-cluster sup-cluster-" + size, iconSize: L.point(40, 40)
      });
    }
  });
  // Tooltips and popups are bound on first use: 20,000 markers cost no DOM until touched. The click
  // handler runs before streamlit-folium's (bound later), which then reads the popup's text.
  cluster.on("mouseover", function (e) {
    var m = e.layer;
    if (!m || m.options.supIndex === undefined || m.getTooltip()) { return; }
    m.bindTooltip(tooltipHtml(m.options.supIndex), {direction: "top"});
    m.openTooltip();
  });
  // Keep popups clear of the legend (controls are drawn above popups); it may have been folded.
  function legendPadding() {
    return L.point((legendDiv ? legendDiv.offsetWidth : 0) + 15, 15);
  }
  cluster.on("preclick", function (e) {
    if (e.layer && e.layer.getPopup && e.layer.getPopup()) {
      e.layer.getPopup().options.autoPanPaddingBottomRight = legendPadding();
    }
  });
  cluster.on("click", function (e) {
    var m = e.layer;
    if (!m || m.options.supIndex === undefined || m.getPopup()) { return; }
    var options = {maxWidth: 320, autoPanPaddingBottomRight: legendPadding()};
    m.bindPopup(popupElement(m.options.supIndex), options);
    m.openPopup();
  });
  cluster.addLayers(markers);
  map.addLayer(cluster);

  var legendDiv = null;
  L.control.scale({imperial: false}).addTo(map);
  var legend = L.control({position: "bottomright"});
  legend.onAdd = function () {
    var div = legendDiv = L.DomUtil.create("div", "sup-legend");
    div.innerHTML = LEGEND;
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
  };
  legend.addTo(map);

  if (BOUNDS) { map.fitBounds(BOUNDS, {padding: [24, 24], maxZoom: 13}); }
  window.supplierCluster = cluster;
})();
{% endmacro %}
"""


class _Rendered(Element):
    """Text already rendered: branca would otherwise compile it as a new Jinja template."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


class SupplierLayer(JSCSSMixin, MacroElement):
    """Outlines, buyer point, distance circle, clustered supplier markers and legend, in one script."""

    _template = Template(_TEMPLATE)

    def __init__(
        self,
        payload: dict[str, list],
        *,
        urls: dict[str, str],
        center: tuple[float, float] | None,
        radius_km: float | None,
        outlines: str | None,
        labels: str | None,
        legend: str,
        bounds: list[list[float]] | None,
    ) -> None:
        super().__init__()
        self._name = "SupplierLayer"
        # Instance attributes: the class lists (and folium's) stay untouched for other maps.
        self.default_js = [("markercluster_js", urls["markercluster_js"])]
        self.default_css = [("markercluster_css", urls["markercluster_css"])]
        self.css = _CSS
        self.payload = safe_json(payload)
        self.families = safe_json([
            {"key": fam, "letter": FAMILY_STYLE[fam][0], "label": html.escape(FAMILIES[fam])}
            for fam in FAMILY_ORDER
        ])  # fmt: skip
        self.outlines = outlines or "null"
        self.labels = labels or "null"
        self.outlines_attribution = safe_json(OUTLINES_ATTRIBUTION)
        circle = None
        if center is not None:
            circle = {"latlng": [float(center[0]), float(center[1])]}
            if radius_km is not None and radius_km > 0:
                circle["radius_m"] = float(radius_km) * 1000.0
        self.center = safe_json(circle)
        self.legend = safe_json(legend)
        self.bounds = safe_json(bounds)

    def render(self, **kwargs: Any) -> None:
        """Like MacroElement.render, without re-parsing the rendered script as a Jinja template.

        branca wraps each rendered macro in `Element(text)`, which compiles the text as a template: on
        megabytes of payload that costs 0.15 s per 20,000 markers, and it would evaluate any `{{ ... }}`
        present in the data (server-side template injection).
        """
        figure = self.get_root()
        assert isinstance(figure, Figure), "SupplierLayer must be inside a folium Map"
        for name, url in self.default_js:
            figure.header.add_child(JavascriptLink(url), name=name)
        for name, url in self.default_css:
            figure.header.add_child(CssLink(url), name=name)
        module = self._template.module
        # Keyed by identity, not get_name(): streamlit-folium renames elements between renders, and a
        # cached map rendered again must replace its script, not append a second copy.
        key = f"supplier_layer_{id(self)}"
        figure.header.add_child(_Rendered(module.header(self, kwargs)), name=key)
        figure.script.add_child(_Rendered(module.script(self, kwargs)), name=key)


def build_map(
    results: pd.DataFrame,
    *,
    center: tuple[float, float] | None = None,
    radius_km: float | None = None,
    tiles: bool = False,
    asset_base: str = DEFAULT_ASSET_BASE,
    cdn: bool = False,
) -> folium.Map:
    """A folium Map of all located results (see the module docstring for the rules).

    The view frames the distance circle when center and radius are given, else the results, else France.
    Rows without valid coordinates are skipped and counted in the legend.
    """
    payload = marker_payload(results)
    urls = asset_urls(asset_base, cdn=cdn)
    if center is not None and radius_km is not None and radius_km > 0:
        dlat = radius_km / 111.32
        dlon = radius_km / (111.32 * max(np.cos(np.radians(center[0])), 0.01))
        bounds = [[center[0] - dlat, center[1] - dlon], [center[0] + dlat, center[1] + dlon]]
    else:
        bounds = _view_bounds(np.asarray(payload["lat"]), np.asarray(payload["lon"]))
        if bounds is None and center is not None:
            bounds = [[center[0] - 0.2, center[1] - 0.3], [center[0] + 0.2, center[1] + 0.3]]
    m = folium.Map(
        location=list(center) if center is not None else list(FRANCE_CENTER),
        zoom_start=FRANCE_ZOOM,
        tiles=None,
        prefer_canvas=True,
    )
    m.options["max_zoom"] = MAX_ZOOM
    m.options["min_zoom"] = 2
    m.default_js = [("leaflet", urls["leaflet_js"])]
    m.default_css = [("leaflet_css", urls["leaflet_css"])]
    if tiles:
        osm = folium.TileLayer(OSM_TILES, attr=OSM_ATTRIBUTION, name="OpenStreetMap", max_zoom=19)
        osm.add_to(m)
    legend = legend_html(shown=len(payload["lat"]), total=len(results), radius_km=radius_km,
                         has_center=center is not None)  # fmt: skip
    SupplierLayer(
        payload,
        urls=urls,
        center=center,
        radius_km=radius_km,
        outlines=None if tiles else outlines_payload(DEPARTEMENTS_GEOJSON),
        labels=None if tiles else labels_payload(DEPARTEMENTS_CSV),
        legend=legend,
        bounds=bounds,
    ).add_to(m)
    return m


def map_html(
    results: pd.DataFrame,
    *,
    center: tuple[float, float] | None = None,
    radius_km: float | None = None,
    tiles: bool = False,
    asset_base: str = DEFAULT_ASSET_BASE,
    cdn: bool = False,
) -> str:
    """The whole standalone HTML page of `build_map` (same arguments)."""
    m = build_map(results, center=center, radius_km=radius_km, tiles=tiles, asset_base=asset_base, cdn=cdn)
    return m.get_root().render()


def supplier_id_from_click(value: Mapping[str, Any] | None) -> str | None:
    """The supplier id of the marker last clicked, from st_folium's return value, or None.

    Reads `last_object_clicked_popup` (the popup's rendered text, which ends with "Réf. : <id>"). A
    click on a cluster leaves that text unchanged, so compare with the previous id before acting on it.
    """
    if not value:
        return None
    text = value.get("last_object_clicked_popup")
    if not isinstance(text, str):
        return None
    found = _REF_RE.search(text)
    return found.group(1) if found else None
