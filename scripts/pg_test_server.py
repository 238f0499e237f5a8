"""A throwaway PostgreSQL server for the persistence tests (and for trying the app on PostgreSQL).

Uses Debian's `postgresql` binaries (/usr/lib/postgresql/*/bin, or initdb/pg_ctl on PATH): a new
cluster in a temporary folder, trust authentication, listening on 127.0.0.1 at a free port with
its unix socket in that folder, fsync off (tests only). PostgreSQL refuses to run as root, so as
root the cluster is created and run by the `postgres` system user (runuser).

    python scripts/pg_test_server.py      # prints the URL, serves until Ctrl-C, then removes everything
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SUPERUSER = "postgres"
# Running clusters by URL: what `restart` needs to stop and start one again.
_clusters: dict[str, dict] = {}


def pg_bin_dir() -> Path | None:
    """The folder holding initdb and pg_ctl (newest Debian version first), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]), reverse=True)
    if found:
        return Path(found[0]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb and shutil.which("pg_ctl") else None


def postgis_missing() -> str | None:
    """Why PostGIS cannot be created in a throwaway server, in French (the packages to install), or None.
    The benchmark asks first: it used to find out after minutes of import, with psycopg's traceback."""
    bindir = pg_bin_dir()
    if bindir is None:
        return "PostgreSQL n'est pas installé (paquet Debian postgresql)."
    major = bindir.parent.name  # /usr/lib/postgresql/<major>/bin, or a PATH folder without a major
    controls = glob.glob(f"/usr/share/postgresql/{major if major.isdigit() else '*'}/extension/postgis.control")
    if controls:
        return None
    package = f"postgresql-{major}-postgis-3" if major.isdigit() else "postgis"
    return f"PostGIS n'est pas installé pour PostgreSQL {major} (paquet Debian {package} ; `make bench` l'installe)."


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _runner() -> tuple[list[str], str | None]:
    """The command prefix to run server binaries, and the system user to own the files (as root)."""
    if os.geteuid() != 0:
        return [], None
    try:
        pwd.getpwnam("postgres")
    except KeyError as exc:
        raise RuntimeError("running as root, and no 'postgres' system user to run PostgreSQL as") from exc
    return ["runuser", "-u", "postgres", "--"], "postgres"


@contextmanager
def throwaway_postgres(database: str = "sourcing_test") -> Iterator[str]:
    """Start a new cluster, create `database`, yield its SQLAlchemy URL; stop and delete on exit."""
    bindir = pg_bin_dir()
    if bindir is None:
        raise FileNotFoundError("PostgreSQL is not installed (Debian package `postgresql`)")
    prefix, owner = _runner()
    root = Path(tempfile.mkdtemp(prefix="sourcing-pg-"))
    try:
        if owner:
            shutil.chown(root, user=owner)
        data, log = root / "data", root / "server.log"
        subprocess.run(
            [*prefix, str(bindir / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8",
             "--locale=C", "--no-sync"],
            check=True, capture_output=True,
        )  # fmt: skip
        port = _free_port()
        options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        started = subprocess.run(
            [
                *prefix,
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(log),
                "-o",
                options,
                "-w",
                "-t",
                "30",
                "start",
            ],
            capture_output=True,
            text=True,
        )
        if started.returncode != 0:
            detail = log.read_text(errors="replace") if log.exists() else started.stderr
            raise RuntimeError(f"PostgreSQL did not start: {detail[-2000:]}")
        url = f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{port}/{database}"
        try:
            subprocess.run(
                [str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", SUPERUSER, database],
                check=True,
                capture_output=True,
            )
            _clusters[url] = {"prefix": prefix, "bindir": bindir, "data": data, "log": log, "options": options}
            yield url
        finally:
            _clusters.pop(url, None)
            subprocess.run(
                [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                capture_output=True,
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _pg_ctl(url: str) -> tuple[list[str], dict]:
    c = _clusters[url]
    return [*c["prefix"], str(c["bindir"] / "pg_ctl"), "-D", str(c["data"]), "-l", str(c["log"])], c


def stop(url: str, mode: str = "fast") -> None:
    """Stop the cluster serving `url` (`pg_ctl stop -m fast|immediate`: clients are cut off)."""
    pg_ctl, _ = _pg_ctl(url)
    subprocess.run([*pg_ctl, "-m", mode, "-w", "stop"], check=True, capture_output=True)


def start(url: str) -> None:
    """Start the stopped cluster serving `url` again, and wait until it accepts connections."""
    pg_ctl, cluster = _pg_ctl(url)
    subprocess.run([*pg_ctl, "-o", cluster["options"], "-w", "-t", "60", "start"], check=True, capture_output=True)


def restart(url: str, mode: str = "fast", down_for: float = 1.0) -> None:
    """`stop` with `mode`, `down_for` seconds of outage, then `start`."""
    import time

    stop(url, mode)
    time.sleep(down_for)
    start(url)


if __name__ == "__main__":
    import time

    with throwaway_postgres() as url:
        print(url, flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
