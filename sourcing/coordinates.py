"""Where a supplier's own coordinates can be: boxes of France, and projected coordinates turned to WGS84."""

from __future__ import annotations

import numpy as np
import pandas as pd

# Where a WGS84 point can be for a French supplier: metropolitan France and Corsica, and
# the overseas départements and collectivities.
_BOXES = (
    (41.2, 51.2, -5.3, 9.7),  # metropolitan France + Corsica
    (14.3, 18.2, -63.2, -60.7),  # Martinique, Guadeloupe, Saint-Martin, Saint-Barthélemy
    (2.0, 6.0, -54.7, -51.5),  # Guyane
    (-21.5, -20.8, 55.1, 55.9),  # La Réunion
    (-13.1, -12.5, 44.9, 45.4),  # Mayotte
    (46.7, 47.2, -56.5, -56.1),  # Saint-Pierre-et-Miquelon
    (-28.0, -7.0, -155.0, -134.0),  # Polynésie française
    (-23.0, -19.0, 163.0, 169.0),  # Nouvelle-Calédonie
    (-14.5, -13.0, -178.5, -176.0),  # Wallis-et-Futuna
)


def in_france(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Which points (WGS84) fall in one of the boxes of France, metropolitan or overseas."""
    ok = np.zeros(len(lat), dtype=bool)
    for south, north, west, east in _BOXES:
        ok |= (lat >= south) & (lat <= north) & (lon >= west) & (lon <= east)
    return ok


def projected_to_wgs84(x: pd.Series, y: pd.Series, crs: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Convert projected coordinates (Lambert 93 by default) to WGS84, one CRS at a time."""
    from pyproj import Transformer

    lat = pd.Series(np.nan, index=x.index)
    lon = pd.Series(np.nan, index=x.index)
    have = x.notna() & y.notna()
    crs = crs.where(crs != "", "EPSG:2154")
    for name in crs[have].unique():
        mask = have & (crs == name)
        try:
            transformer = Transformer.from_crs(name, "EPSG:4326", always_xy=True)
        except Exception:  # unknown CRS name: leave those rows to the gazetteer
            continue
        lo, la = transformer.transform(x[mask].to_numpy(), y[mask].to_numpy())
        lon[mask] = lo
        lat[mask] = la
    return lat, lon
