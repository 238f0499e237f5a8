"""The supplier layer's script, without folium: the variables `map.js` expects, each as safe JSON, and
the script that declares them around `map.js`. `layer.SupplierLayer` (the folium map that tests and the
bench open as a page of its own) and the search page's component (`ui/search_map.py`) both run this
script, so the two maps are the same; importing this module costs no folium (its 95 Jinja
templates are compiled at import: a third of a second of the app's start).

Safety rule: directory text only reaches the page through `payload.markers` (HTML-escaped) and
`MarkerPayload.to_json` (`safe_json`); the legend is trusted text, escaped anyway. `map.js` is inserted as
it is, never parsed as a template.
"""

from __future__ import annotations

import html
from importlib.resources import files
from typing import Any, Final

from sourcing.frenchfmt import french_number, short_number
from sourcing.model import FAMILIES, KINDS
from ui.map.payload import FAMILY_ORDER, FAMILY_STYLE, MarkerPayload, safe_json

OUTLINES_ATTRIBUTION: Final = "Contours des départements : données publiques ouvertes"
MAP_JS: Final = files(__package__).joinpath("map.js").read_text(encoding="utf-8")
MAP_CSS: Final = files(__package__).joinpath("map.css").read_text(encoding="utf-8")
# The variables `map.js` reads, in the order they are declared.
DECLARED: Final[tuple[tuple[str, str], ...]] = (
    ("D", "payload"), ("FAM", "families"), ("OUTLINES", "outlines"),
    ("OUTLINES_ATTRIBUTION", "outlines_attribution"), ("LABELS", "labels"), ("PLACES", "places"),
    ("TILES", "tiles"), ("OFFLINE_MAX_ZOOM", "offline_max_zoom"), ("CENTER", "center"), ("LEGEND", "legend"),
    ("BOUNDS", "bounds"),
)  # fmt: skip


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


# --- The script ------------------------------------------------------------------------------


def _circle(center: tuple[float, float] | None, radius_km: float | None) -> dict[str, Any] | None:
    """The buyer point for the browser, with the distance circle's radius in metres when there is one."""
    if center is None:
        return None
    circle: dict[str, Any] = {"latlng": [float(center[0]), float(center[1])]}
    if radius_km is not None and radius_km > 0:
        circle["radius_m"] = float(radius_km) * 1000.0
    return circle


def declarations(
    payload: MarkerPayload,
    *,
    center: tuple[float, float] | None,
    radius_km: float | None,
    outlines: str | None,
    labels: str | None,
    places: str | None = None,
    tiles: dict[str, Any] | None = None,
    offline_max_zoom: int = 12,
    legend: str,
    bounds: list[list[float]] | None,
) -> dict[str, str]:
    """The JavaScript text of each variable `map.js` reads (`DECLARED`'s second names): safe JSON, or a
    basemap payload already made safe by `basemap.py`."""
    families = [
        {"key": fam, "letter": FAMILY_STYLE[fam][0], "label": html.escape(FAMILIES[fam])} for fam in FAMILY_ORDER
    ]
    return {
        "payload": payload.to_json(),
        "families": safe_json(families),
        "outlines": outlines or "null",
        "outlines_attribution": safe_json(OUTLINES_ATTRIBUTION),
        "labels": labels or "null",
        "places": places or "null",
        "tiles": safe_json(tiles),
        "offline_max_zoom": str(int(offline_max_zoom)),
        "center": safe_json(_circle(center, radius_km)),
        "legend": safe_json(legend),
        "bounds": safe_json(bounds),
    }


def layer_script(map_variable: str, declared: dict[str, str]) -> str:
    """The layer's script: `map.js` in a function of its own, after the declarations, drawing on the Leaflet
    map held in `map_variable`."""
    lines = ["", "(function () {", f"  var map = {map_variable};"]
    lines += [f"  var {name} = {declared[key]};" for name, key in DECLARED]
    return "\n".join(lines) + "\n" + MAP_JS + "\n})();\n"
