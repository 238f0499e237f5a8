"""Where a meeting takes place, as a point: the brief counts the contracts won near it.

The buyer types the meeting's place freely ("Salle du conseil, 59600 Maubeuge", "Lille", a video
link). Only a commune the offline gazetteer names without doubt gives a point; a video link, a
text naming no commune, several communes or an ambiguous name give none, so the brief never says a
wrong distance (it then says nothing of distance).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from sourcing.gazetteer import Gazetteer

_LINK = re.compile(r"://|\bwww\.|\b(visio|visioconf\w*|teams|zoom|webex|jitsi)\b", re.IGNORECASE)
_PIECES = re.compile(r"[,;\n]|\s[–—-]\s")
_POSTAL_THEN_NAME = re.compile(r"(\d{5})\s+(\D.*)")


@dataclass(frozen=True)
class MeetingPoint:
    """The commune of a meeting: its name as written in a sentence and its point."""

    commune: str
    lat: float
    lon: float

    @property
    def near(self) -> tuple[float, float]:
        return (self.lat, self.lon)


def _commune(g: Gazetteer, text: str) -> tuple[str, str, float, float] | None:
    """(INSEE code, name, lat, lon) of the one commune `text` names, else None."""
    postal = _POSTAL_THEN_NAME.fullmatch(text)
    found = g.resolve(f"{postal.group(2)} ({postal.group(1)})" if postal else text)
    if found.status != "ok" or found.lat is None or found.lon is None:
        return None
    if found.kind == "postal_code" and found.insee_code:  # a postal code of one commune only
        found = g.resolve(f"INSEE {found.insee_code}")
    if found.status != "ok" or found.kind != "commune" or found.lat is None or found.lon is None:
        return None
    name = re.sub(r"\s*\(.*\)$", "", found.label or "")
    return str(found.insee_code or found.code), name, float(found.lat), float(found.lon)


@functools.lru_cache(maxsize=64)
def meeting_point(place_or_link: str, geo_dir: str | None = None) -> MeetingPoint | None:
    """The commune where the meeting takes place, from the place the buyer typed; None for a video
    link or a place the gazetteer does not name as exactly one commune."""
    text = (place_or_link or "").strip()
    if not text or _LINK.search(text):
        return None
    g = Gazetteer.load(geo_dir)
    whole = _commune(g, text)
    if whole is not None:
        return MeetingPoint(*whole[1:])
    found = {c[0]: c for piece in _PIECES.split(text) if piece.strip() and (c := _commune(g, piece.strip()))}
    if len(found) != 1:
        return None
    _, name, lat, lon = next(iter(found.values()))
    return MeetingPoint(name, lat, lon)
