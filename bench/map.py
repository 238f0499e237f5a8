"""Benchmark: building the supplier map's HTML, our single-payload layer against one folium Marker per row.

Both sides get the same synthetic results (random points in metropolitan France, accented names) and
produce the full HTML page (`get_root().render()`), which is what Streamlit ships to the browser. The
naive side is what folium's documentation suggests: a `MarkerCluster` holding one `folium.Marker` with a
`Popup` and a tooltip per supplier. Each figure is the median of 3 runs in the same process.

Usage: .venv/bin/python bench/map.py [--sizes 1000 5000 20000] [--naive-cap N] [--no-write]
  --naive-cap N: time the naive map only up to N rows and extrapolate linearly above (labelled so).
Writes its section of docs/performance.md, between the bench:map markers, leaving the rest untouched.
"""

from __future__ import annotations

import argparse
import html
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import folium
import numpy as np
import pandas as pd
from folium.plugins import MarkerCluster
from perfdoc import DOC, markers, write_section

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))

from ui.map.builder import map_html  # noqa: E402

START, END = markers("map")
TARGET_S = 0.3  # 20,000 results
RUNS = 3

_WORDS = ("Atelier", "Régie", "Coopérative", "Entreprise adaptée", "ESAT", "Ferme", "Recyclerie", "Œuvre")
_PLACES = ("Besançon", "Orléans", "Nîmes", "Évreux", "Saint-Étienne", "Béziers", "Châlons", "Aÿ-Champagne")
_KINDS = (["ESAT"], ["EA"], ["EI"], ["ACI", "EI"], ["SCOP"], ["ASSOCIATION"], ["ESAT", "EA"], ["GEIQ"], [])


def synthetic_results(n: int, seed: int = 0) -> pd.DataFrame:
    """n search results with the columns the map reads, at random points of metropolitan France."""
    rng = np.random.default_rng(seed)
    words, places = np.array(_WORDS), np.array(_PLACES)
    number = pd.Series(np.arange(n)).astype(str)
    return pd.DataFrame({
        "id": ("x" + number.str.zfill(13)).to_numpy(),
        "siret": number.str.zfill(14).to_numpy(),
        "name": (pd.Series(words[rng.integers(0, len(words), n)]) + " des Érables " + number).to_numpy(),
        "trade_name": None,
        "kinds": [_KINDS[i] for i in rng.integers(0, len(_KINDS), n)],
        "city": places[rng.integers(0, len(places), n)],
        "postal_code": rng.integers(1000, 95999, n).astype(str),
        "department": "69",
        "lat": rng.uniform(42.5, 51.0, n),
        "lon": rng.uniform(-4.5, 7.8, n),
        "distance_km": rng.uniform(0, 400, n),
    })  # fmt: skip


def naive_map_html(results: pd.DataFrame) -> str:
    """The per-row approach: one escaped folium Marker (popup + tooltip) per supplier in a MarkerCluster."""
    m = folium.Map(location=[46.6, 2.4], zoom_start=6, tiles=None, max_zoom=18)
    cluster = MarkerCluster().add_to(m)
    for row in results.itertuples(index=False):
        name = html.escape(row.name)
        text = f"<b>{name}</b><br>{html.escape(', '.join(row.kinds))}<br>{html.escape(row.city)}"
        text += f"<br>{row.distance_km:.1f} km<br>Réf. : {html.escape(row.id)}"
        popup = folium.Popup(text, max_width=320)
        folium.Marker([row.lat, row.lon], popup=popup, tooltip=name).add_to(cluster)
    return m.get_root().render()


def median_time(fn: Callable[[pd.DataFrame], str], results: pd.DataFrame) -> tuple[float, int]:
    """Median wall time of fn(results) over RUNS runs, and the HTML size in bytes."""
    times, size = [], 0
    for _ in range(RUNS):
        start = time.perf_counter()
        page = fn(results)
        times.append(time.perf_counter() - start)
        size = len(page.encode("utf-8"))
    return statistics.median(times), size


def run(sizes: list[int], naive_cap: int | None) -> list[dict]:
    map_html(synthetic_results(100))  # warm-up: imports, outlines cache
    rows = []
    naive_rate = None
    for n in sizes:
        results = synthetic_results(n)
        ours, ours_size = median_time(map_html, results)
        row = {"n": n, "ours": ours, "ours_mb": ours_size / 1e6}
        if naive_cap is None or n <= naive_cap:
            naive, naive_size = median_time(naive_map_html, results)
            naive_rate = naive / n
            row.update(naive=naive, naive_mb=naive_size / 1e6, extrapolated=False)
        else:
            if naive_rate is None:
                raise SystemExit("--naive-cap must allow at least the smallest size to be measured")
            row.update(naive=naive_rate * n, naive_mb=None, extrapolated=True)
        rows.append(row)
        note = " (extrapolated)" if row["extrapolated"] else ""
        print(f"{n:>7} results: ours {ours:.3f} s, naive {row['naive']:.2f} s{note}", flush=True)
    return rows


def section(rows: list[dict]) -> str:
    """The markdown between the markers."""
    biggest = max(rows, key=lambda r: r["n"])
    lines = [
        START,
        "## Map: building the HTML of all results (`bench/map.py`)",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} CPU, Python {platform.python_version()}, "
        f"folium {folium.__version__}, pandas {pd.__version__}. Median of {RUNS} runs; full page "
        "(`get_root().render()`), offline mode with département outlines, synthetic results at random points "
        "of metropolitan France with accented names.",
        "",
        "| results | `map_html` (one JSON payload) | HTML size "
        "| naive: one `folium.Marker` per row | HTML size | speed-up |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]  # fmt: skip
    for r in rows:
        naive = f"{r['naive']:.2f} s"
        if r["extrapolated"]:
            naive += " (extrapolated linearly from the largest measured size)"
        naive_mb = "" if r["naive_mb"] is None else f"{r['naive_mb']:.1f} MB"
        lines.append(
            f"| {r['n']:,} | {r['ours']:.3f} s | {r['ours_mb']:.1f} MB | {naive} | {naive_mb} | "
            f"×{r['naive'] / r['ours']:.0f} |"
        )
    verdict = "met" if biggest["ours"] <= TARGET_S else "NOT met"
    lines += [
        "",
        f"Target: {biggest['n']:,} results in ≤ {TARGET_S} s: **{verdict}** ({biggest['ours']:.3f} s). "
        "The browser then builds the markers from the payload; tooltips and popups are made only "
        "when a marker is first hovered or clicked.",
        END,
    ]  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 5_000, 20_000])
    parser.add_argument("--naive-cap", type=int, default=None, help="extrapolate the naive map above N rows")
    parser.add_argument("--no-write", action="store_true", help="print only, leave docs/performance.md")
    args = parser.parse_args(argv)
    rows = run(sorted(args.sizes), args.naive_cap)
    text = section(rows)
    print(text)
    if not args.no_write:
        write_section(text, "map")
        print(f"written: {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
