"""The supplier layer: one folium element that draws outlines, buyer point, circle, markers and legend.

The browser code is `map.js` and its style `map.css`, package data beside this module (read once, with
importlib.resources, wherever the app runs from). This module declares the variables `map.js` expects,
each as safe JSON (see `payload.safe_json`), and renders the script without handing it to Jinja again.

Safety rule: directory text only reaches the page through `payload.marker_payload` (HTML-escaped) and
`safe_json`; the legend is trusted text, escaped anyway. No folium Popup/Tooltip: their templates put
text inside JavaScript template literals.
"""

from __future__ import annotations

import html
from importlib.resources import files
from typing import Any, Final

from branca.element import CssLink, Element, Figure, JavascriptLink, MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from sourcing.frenchfmt import french_number, short_number
from sourcing.model import FAMILIES, KINDS
from ui.map.payload import FAMILY_ORDER, FAMILY_STYLE, safe_json

OUTLINES_ATTRIBUTION: Final = "Contours des départements : données publiques ouvertes"
MAP_JS: Final = files(__package__).joinpath("map.js").read_text(encoding="utf-8")
MAP_CSS: Final = files(__package__).joinpath("map.css").read_text(encoding="utf-8")

# Only the declarations go through Jinja; map.js is inserted as a value, never parsed as a template.
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
  var OUTLINES_ATTRIBUTION = {{ this.outlines_attribution }};
  var LABELS = {{ this.labels }};
  var PLACES = {{ this.places }};
  var TILES = {{ this.tiles }};
  var OFFLINE_MAX_ZOOM = {{ this.offline_max_zoom }};
  var CENTER = {{ this.center }};
  var LEGEND = {{ this.legend }};
  var BOUNDS = {{ this.bounds }};
{{ this.js }}
})();
{% endmacro %}
"""


# --- Legend ------------------------------------------------------------------------------------


def _family_kinds(family: str) -> str:
    return ", ".join(k.code for k in KINDS if k.family == family)


def _family_row(family: str) -> str:
    """One legend line: the symbol (hidden from screen readers, described in words instead) and the kinds."""
    e = html.escape
    letter, shape, _ = FAMILY_STYLE[family]
    kinds = _family_kinds(family) if family != "ess" else "autres structures"
    return (
        f'<li><span class="sup-m sup-{family}" aria-hidden="true"><b>{letter}</b></span>'
        f'<span><span class="sup-sr">Symbole {letter} dans un {e(shape)} : </span>'
        f"<strong>{e(FAMILIES[family])}</strong><br>{e(kinds)}</span></li>"
    )


def _center_row(radius_km: float | None) -> str:
    what = "Point de recherche"
    if radius_km is not None and radius_km > 0:
        what += f", zone de {html.escape(short_number(radius_km))} km"
    return f'<li><span class="sup-buyer" aria-hidden="true"></span><span>{what}</span></li>'


def _count_line(shown: int, total: int) -> str:
    count = f"{french_number(shown)} fournisseur{'s' if shown > 1 else ''} sur la carte"
    hidden = total - shown
    if hidden > 0:
        count += f" ; {french_number(hidden)} sans coordonnées, non affiché{'s' if hidden > 1 else ''}"
    return count


def _first_line(total: int, found_total: int | None) -> str:
    """When the map holds only the first results of a larger search: how many, and how to see the others."""
    if found_total is None or found_total <= total:
        return ""
    return (f"Les {french_number(total)} premiers des {french_number(found_total)} résultats (ordre du tableau) ; "
            "précisez la recherche pour voir les autres.")  # fmt: skip


def legend_html(
    *, shown: int, total: int, radius_km: float | None, has_center: bool, found_total: int | None = None
) -> str:
    """The legend, in French (trusted text only, escaped anyway); symbols are described for screen readers."""
    rows = [_family_row(fam) for fam in FAMILY_ORDER]
    rows.append(
        '<li><span class="sup-cluster-sample" aria-hidden="true">12</span>'
        "<span>Groupe de fournisseurs (nombre) : cliquer pour zoomer</span></li>"
    )
    if has_center:
        rows.append(_center_row(radius_km))
    count = html.escape(_count_line(shown, total))
    first = _first_line(total, found_total)
    if first:
        count += f"<br>{html.escape(first)}"
    # Folded at first: the buyer opens it when needed, and the view is framed clear of it.
    return (
        '<details class="sup-legend-box"><summary>Légende</summary>'
        f'<ul>{"".join(rows)}</ul><p class="sup-legend-count">{count}</p></details>'
    )


# --- The layer ---------------------------------------------------------------------------------


def _circle(center: tuple[float, float] | None, radius_km: float | None) -> dict[str, Any] | None:
    """The buyer point for the browser, with the distance circle's radius in metres when there is one."""
    if center is None:
        return None
    circle: dict[str, Any] = {"latlng": [float(center[0]), float(center[1])]}
    if radius_km is not None and radius_km > 0:
        circle["radius_m"] = float(radius_km) * 1000.0
    return circle


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
        places: str | None = None,
        tiles: dict[str, Any] | None = None,
        offline_max_zoom: int = 12,
        legend: str,
        bounds: list[list[float]] | None,
    ) -> None:
        super().__init__()
        self._name = "SupplierLayer"
        # Instance attributes: the class lists (and folium's) stay untouched for other maps.
        self.default_js = [("markercluster_js", urls["markercluster_js"])]
        self.default_css = [("markercluster_css", urls["markercluster_css"])]
        self.css = MAP_CSS
        self.js = MAP_JS
        self.payload = safe_json(payload)
        self.families = safe_json([
            {"key": fam, "letter": FAMILY_STYLE[fam][0], "label": html.escape(FAMILIES[fam])}
            for fam in FAMILY_ORDER
        ])  # fmt: skip
        self.outlines = outlines or "null"
        self.labels = labels or "null"
        self.places = places or "null"
        self.tiles = safe_json(tiles)
        self.offline_max_zoom = int(offline_max_zoom)
        self.outlines_attribution = safe_json(OUTLINES_ATTRIBUTION)
        self.center = safe_json(_circle(center, radius_km))
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
        # Keyed by identity, not get_name(): a cached map rendered again (the standalone page, the search
        # page's component data) must replace its script, not append a second copy.
        key = f"supplier_layer_{id(self)}"
        figure.header.add_child(_Rendered(module.header(self, kwargs)), name=key)
        figure.script.add_child(_Rendered(module.script(self, kwargs)), name=key)
