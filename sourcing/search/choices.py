"""What a search form offers and how a pick reads: the places (communes, départements, régions) with
what each resolves to, and the readable names of sectors and territories.

Used by the search page and callable from the CLI; the French wording of the département and région
entries is given by the caller (the page keeps its texts in `ui/texts.py`). Only `Gazetteer`'s
public API is used (`resolve` and its tables).
"""

from __future__ import annotations

from dataclasses import dataclass

from sourcing.gazetteer import Candidate, Gazetteer, Resolution
from sourcing.taxonomy import load_taxonomy

PLACE_TYPES = ("commune", "arrondissement")  # the current places offered (not former communes)
# The box lists the communes of this many inhabitants and more (5,554 of 34,920; the offline map names
# the same ones). Listing all of them cost the browser about 1.5 s of work at each draw of the page and
# the server 0.9 MB to send at each rerun; a smaller commune is typed (name, postal code or INSEE code)
# and validated with Enter, and resolves exactly as if it had been listed.
OFFERED_MIN_POPULATION = 2000


@dataclass(frozen=True)
class PlaceChoices:
    """The places offered, in order, and for each label the text `Gazetteer.resolve` reads as that place."""

    options: list[str]  # communes of OFFERED_MIN_POPULATION and more (most populated first), départements, régions
    lookup: dict[str, str]  # every label (all communes included) -> "INSEE 69123", a département code or a région


@dataclass(frozen=True)
class Place:
    """A resolved place: where it is, its département and région (for intervention areas), its label."""

    lat: float
    lon: float
    department: str | None
    region: str | None
    label: str


@dataclass(frozen=True)
class PlacePick:
    """What a picked (or typed) place resolves to: a place; or, when the text names several places,
    the labels to choose from; or, when it names none, why (French, from the gazetteer)."""

    place: Place | None = None
    choices: tuple[str, ...] = ()
    message: str = ""
    suggestions: tuple[str, ...] = ()  # when it names none: the closest places, most similar first


def place_choices(
    department_label: str,
    region_label: str,
    gazetteer: Gazetteer | None = None,
    min_population: int = OFFERED_MIN_POPULATION,
) -> PlaceChoices:
    """Every commune and arrondissement as "Name (first postal code)" (most populated first; the
    département code stands in without a postal code; a repeated label keeps the most populated
    place), then every département (``department_label.format(name=..., code=...)``) and région
    (``region_label.format(name=...)``). All of them are in ``lookup``; ``options`` offers the communes
    of ``min_population`` inhabitants and more, then every département and région."""
    g = gazetteer or Gazetteer.load()
    communes = g.communes[g.communes["type"].isin(PLACE_TYPES)].sort_values("population", ascending=False)
    first_pc = communes["postal_codes"].fillna("").str.split().str[0].fillna("")
    labels = (communes["name"] + " (" + first_pc.where(first_pc != "", communes["department"]) + ")").tolist()
    lookup: dict[str, str] = {}
    offered: list[str] = []
    # Plain lists: iterating over Arrow-backed columns costs a Python call per value (0.25 s here).
    codes, populations = communes["insee_code"].tolist(), communes["population"].tolist()
    for label, code, population in zip(labels, codes, populations, strict=True):
        if label not in lookup and population >= min_population:  # a repeated label: the first (largest) place
            offered.append(label)
        lookup.setdefault(label, f"INSEE {code}")
    territories = {department_label.format(name=name, code=code): code
                   for code, name in zip(g.departments["code"], g.departments["name"], strict=True)}  # fmt: skip
    territories |= {region_label.format(name=name): name for name in g.regions["name"]}
    lookup |= territories
    return PlaceChoices([*offered, *territories], lookup)


def resolve_place(
    choices: PlaceChoices, value: str | None, choice: str | None = None, gazetteer: Gazetteer | None = None
) -> PlacePick:
    """The place a buyer picked (``value``: an offered label or any text), with ``choice`` the label
    picked among the candidates when ``value`` names several places."""
    if not value:
        return PlacePick()
    g = gazetteer or Gazetteer.load()
    found = g.resolve(choices.lookup.get(value, value))
    if found.status == "ambiguous":
        labels = tuple(c.label for c in found.candidates)
        return PlacePick(_chosen(g, found, choice), labels)
    if found.status != "ok":
        return PlacePick(message=found.message, suggestions=tuple(c.label for c in found.candidates))
    return PlacePick(_place(found))


def _place(found: Resolution | Candidate) -> Place:
    return Place(found.lat, found.lon, found.department, found.region, found.label)


def _chosen(g: Gazetteer, ambiguous: Resolution, choice: str | None) -> Place | None:
    """The candidate labelled ``choice``: resolved anew when its label names one place, else as listed."""
    if not choice:
        return None
    found = g.resolve(choice)
    if found.status == "ok":
        return _place(found)
    listed = next((c for c in (*found.candidates, *ambiguous.candidates) if c.label == choice), None)
    return _place(listed) if listed else None


@dataclass(frozen=True)
class TerritoryNames:
    """Code -> readable name of départements ("Rhône (69)"), régions and EPCI, as the filters show them."""

    departments: dict[str, str]
    regions: dict[str, str]
    epcis: dict[str, str]


def territory_names(gazetteer: Gazetteer | None = None) -> TerritoryNames:
    g = gazetteer or Gazetteer.load()
    deps = g.departments
    return TerritoryNames(
        departments=dict(zip(deps["code"], deps["name"] + " (" + deps["code"] + ")", strict=True)),
        regions=dict(zip(g.regions["code"], g.regions["name"], strict=True)),
        epcis=dict(zip(g.epcis["code"], g.epcis["name"], strict=True)),
    )


def sector_names(with_group: bool = False) -> dict[str, str]:
    """Sector id -> French label; with ``with_group``, "Group › Label" (as the sector filter offers them)."""
    sectors = load_taxonomy().sectors
    labels = sectors["group_label"] + " › " + sectors["label"] if with_group else sectors["label"]
    return dict(zip(sectors["sector_id"], labels, strict=True))
