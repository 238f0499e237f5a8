"""Loading the gazetteer: the committed CSV tables, the built object, and its disk cache.

``Gazetteer`` reads the tables under ``data/geo/`` (built by ``data/build_gazetteer.py``; nothing
touches the network) and builds its indexes; ``Gazetteer.load`` keeps one per directory and process,
and a pickle of the built object in the project's ``.cache/``.

Invariant: the cache file is named by a hash of the data files (name, size, mtime) and of the source
of every module of this package, so editing either rebuilds it; a stale or damaged file is never trusted.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
from pathlib import Path
from typing import Final

import pandas as pd

from sourcing.gazetteer.geocode import Geocoder
from sourcing.gazetteer.names import place_keys
from sourcing.gazetteer.places import PlaceFinder

PACKAGE_DIR: Final[Path] = Path(__file__).resolve().parent
PROJECT_DIR: Final[Path] = PACKAGE_DIR.parents[1]
GEO_DIR_ENV: Final[str] = "SOURCING_GEO_DIR"
DEFAULT_GEO_DIR: Final[Path] = PROJECT_DIR / "data" / "geo"


def read_places(path: Path, **read_options: object) -> pd.DataFrame:
    """A table of places (communes, départements or régions) with typed numbers and a matching key."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False, **read_options)
    df["population"] = pd.to_numeric(df["population"]).astype("Int64")
    df["lat"] = df["lat"].astype(float)
    df["lon"] = df["lon"].astype(float)
    df["key"] = place_keys(df["name"]).astype(str)
    return df


def cache_file(directory: Path) -> Path | None:
    """Where the built gazetteer of ``directory`` is cached, named by a hash of what it is built from:
    the data files and this package's source (the pickle holds objects its modules built)."""
    try:
        digest = hashlib.sha1()
        for module in sorted(PACKAGE_DIR.glob("*.py")):
            digest.update(module.name.encode() + b"\0" + module.read_bytes())
        for f in sorted(p for p in directory.iterdir() if p.suffix in (".csv", ".geojson")):
            st = f.stat()
            digest.update(f"{f.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    except OSError:
        return None
    return PROJECT_DIR / ".cache" / f"gazetteer-{digest.hexdigest()[:16]}.pickle"


def _read_cache(cache: Path, cls: type) -> object | None:
    if not cache.exists():
        return None
    try:
        with open(cache, "rb") as fh:
            loaded = pickle.load(fh)
    except Exception:  # a stale or damaged cache is rebuilt, never trusted
        return None
    return loaded if isinstance(loaded, cls) else None


def _write_cache(cache: Path, built: object) -> None:
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(built, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cache)  # atomic: a concurrent reader never sees half a file
    except OSError:
        pass


class Gazetteer(PlaceFinder, Geocoder):
    """Communes, départements, régions and EPCI, with ``resolve``/``suggest`` (``PlaceFinder``) for what
    buyers type and ``geocode`` (``Geocoder``) for imported lists."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.communes = read_places(directory / "communes.csv", na_values=[""])
        self.departments = read_places(directory / "departements.csv")
        self.regions = read_places(directory / "regions.csv")
        self.epcis = pd.read_csv(directory / "epci.csv", dtype=str, keep_default_na=False)
        self.postal_names = pd.read_csv(directory / "postal_names.csv", dtype=str, keep_default_na=False)
        self._build_targets()
        self._build_indexes()

    @classmethod
    @functools.lru_cache(maxsize=4)
    def load(cls, directory: str | None = None) -> Gazetteer:
        """The gazetteer of ``directory`` (default: $SOURCING_GEO_DIR, else data/geo), loaded once per process.

        Building the indexes takes about 1 s; the built object is kept in the project's `.cache/`
        (a pickle written by this code only, keyed on the data files and this package's source), so a
        new process (the CLI, a benchmark run) loads it in about 0.05 s.
        """
        path = Path(directory or os.environ.get(GEO_DIR_ENV) or DEFAULT_GEO_DIR)
        cache = cache_file(path)
        loaded = _read_cache(cache, cls) if cache is not None else None
        if loaded is not None:
            return loaded  # type: ignore[return-value]
        built = cls(path)
        if cache is not None:
            _write_cache(cache, built)
        return built
