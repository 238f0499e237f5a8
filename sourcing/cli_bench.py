"""`python -m sourcing bench`: the national-scale benchmark (`bench/national.py`) from the CLI.

The benchmark lives with the other benchmarks in bench/ (a folder of scripts, not a package):
this command runs it in a new process with the same Python, passing the options through.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

from sourcing import PROJECT_DIR

BENCH_SCRIPT = PROJECT_DIR / "bench" / "national.py"


def add_bench_parser(sub, parser_class: type[argparse.ArgumentParser]) -> None:
    ben = sub.add_parser("bench", help="mesurer import, recherche, carte et PostGIS sur N lignes générées")
    ben.add_argument("--rows", type=int, default=100_000, help="nombre de lignes générées (100 000 par défaut)")
    ben.add_argument("--runs", type=int, default=3, help="mesures par chiffre (médiane ; 3 par défaut)")
    ben.add_argument("--no-postgis", action="store_true", help="sans la comparaison PostgreSQL + PostGIS")
    ben.add_argument("--json", action="store_true", help="un objet JSON (sinon : section de docs/performance.md)")


def cmd_bench(args, usage_error: type[Exception]) -> int:
    if args.rows < 1 or args.runs < 1:
        raise usage_error("--rows et --runs doivent être des entiers positifs.")
    if not BENCH_SCRIPT.exists():
        raise usage_error(f"benchmark introuvable : {BENCH_SCRIPT} (il fait partie du dépôt, pas du paquet).")
    cmd = [sys.executable, str(BENCH_SCRIPT), "--rows", str(args.rows), "--runs", str(args.runs)]
    cmd += ["--json"] * args.json + ["--no-postgis"] * args.no_postgis
    return subprocess.call(cmd, cwd=PROJECT_DIR)
