"""The supplier layer as a folium element (`builder.build_map`: the map tests and the bench open as a page
of its own): outlines, buyer point, circle, markers and legend, in one script made by `script.py` (the
search page's component runs the same script without folium).

Safety rule: directory text only reaches the page through `payload.markers` (HTML-escaped) and
`MarkerPayload.to_json` (`safe_json`, in `script.declarations`); the script is rendered without handing
it to Jinja. No folium Popup/Tooltip: their templates put text inside JavaScript template literals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from branca.element import CssLink, Element, Figure, JavascriptLink, MacroElement
from folium.elements import JSCSSMixin

from ui.map.script import MAP_CSS, MAP_JS, declarations, layer_script, legend_html

if TYPE_CHECKING:
    from ui.map.payload import MarkerPayload

__all__ = ["MAP_CSS", "MAP_JS", "SupplierLayer", "legend_html"]


class _Rendered(Element):
    """Text already rendered: branca would otherwise compile it as a new Jinja template."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


class SupplierLayer(JSCSSMixin, MacroElement):
    """Outlines, buyer point, distance circle, clustered supplier markers and legend, in one script.
    Arguments: those of `script.declarations`."""

    def __init__(self, payload: MarkerPayload, **options: Any) -> None:
        super().__init__()
        self._name = "SupplierLayer"
        # Instance attributes, empty: the clusters are map.js's own (no plugin to load beside Leaflet).
        self.default_js: list[tuple[str, str]] = []
        self.default_css: list[tuple[str, str]] = []
        self.declared = declarations(payload, **options)

    def render(self, **kwargs: Any) -> None:
        """Like MacroElement.render, without parsing the rendered script as a Jinja template.

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
        # Keyed by identity, not get_name(): a cached map rendered again (the standalone page) must
        # replace its script, not append a second copy.
        key = f"supplier_layer_{id(self)}"
        figure.header.add_child(_Rendered(f"\n<style>{MAP_CSS}</style>\n"), name=key)
        figure.script.add_child(_Rendered(layer_script(self._parent.get_name(), self.declared)), name=key)
