"""Record what the import gives today on the real extracts, as golden outputs for `tests/test_import_golden.py`.

Run it ONCE with the code whose results are the reference (it was run on the import before the
national-scale rewrite: reading, normalising and geocoding with pandas row sets), never to make a failing
test pass. For each file of `FILES` it writes, under tests/data/golden/:
  <stem>.directory.parquet   the canonical suppliers (every canonical column, in order)
  <stem>.raw.parquet         the source row of each supplier, verbatim (`raw:<header>` columns)
  <stem>.report.json         the import report (counts, rejections, warnings, precisions)
The hardened CRESS-style input of the import benchmark (`bench/import.py`, 2,000 rows: half without
coordinates, INSEE codes, La Poste-style city names) is generated here and kept gzipped as an input too.

Usage: .venv/bin/python scripts/make_import_golden.py
"""

from __future__ import annotations

import gzip
import importlib
import json
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR))

from sourcing.importer import import_bytes  # noqa: E402
from sourcing.model import CANONICAL_COLUMNS, RAW_PREFIX  # noqa: E402

GOLDEN_DIR = PROJECT_DIR / "tests" / "data" / "golden"
SOURCE_DATE = "2026-12-01"  # fixed: the default would be the day of the run
HARDENED = GOLDEN_DIR / "hardened-cress-2000.csv.gz"
HARDENED_ROWS, HARDENED_SEED = 2_000, 4242
PARQUET = {"index": False, "compression": "zstd", "compression_level": 19}
# (stem, path of the input relative to the project); a .gz input is read decompressed.
FILES: tuple[tuple[str, str], ...] = (
    ("liste-siae", "tests/data/realdata/les-emplois/2019_07_liste_siae.csv"),
    ("liste-siae-additional", "tests/data/realdata/les-emplois/2019_07_liste_siae_additional_data.csv"),
    ("siae67", "tests/data/realdata/les-emplois/siae67.csv"),
    ("geiq", "tests/data/realdata/les-emplois/2019_11_21_export_bbd_geiq.csv"),
    ("marche-json", "tests/data/realdata/le-marche/01_siaes.json"),
    ("cress-ain", "tests/data/store/cress-ain-2026-03.csv"),
    ("hardened-cress", "tests/data/golden/hardened-cress-2000.csv.gz"),
)


def read_input(relative: str) -> tuple[bytes, str]:
    path = PROJECT_DIR / relative
    content = path.read_bytes()
    if path.suffix == ".gz":
        return gzip.decompress(content), path.name.removesuffix(".gz")
    return content, path.name


def write_hardened() -> None:
    sys.path.insert(0, str(PROJECT_DIR / "bench"))  # only here: bench/ has modules named search, store, map
    bench_import = importlib.import_module("import")  # bench/import.py
    make_demo = bench_import._load_generator()
    frame, _counts = bench_import.harden(make_demo.generate(HARDENED_ROWS, seed=HARDENED_SEED), HARDENED_SEED)
    HARDENED.write_bytes(gzip.compress(make_demo.to_csv_bytes(frame), mtime=0))


def main() -> int:
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    if not HARDENED.exists():
        write_hardened()
    for stem, relative in FILES:
        content, name = read_input(relative)
        result = import_bytes(content, name, source_date=SOURCE_DATE)
        directory = result.directory
        raw_columns = [c for c in directory.columns if c.startswith(RAW_PREFIX)]
        directory[list(CANONICAL_COLUMNS)].to_parquet(GOLDEN_DIR / f"{stem}.directory.parquet", **PARQUET)
        directory[raw_columns].to_parquet(GOLDEN_DIR / f"{stem}.raw.parquet", **PARQUET)
        report = json.dumps(result.report.to_dict(), ensure_ascii=False, indent=0, default=str)
        (GOLDEN_DIR / f"{stem}.report.json").write_text(report + "\n", encoding="utf-8")
        print(f"{stem}: {len(directory)} suppliers, {len(raw_columns)} raw columns")
    return 0


if __name__ == "__main__":
    sys.exit(main())
