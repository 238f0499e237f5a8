"""Fetch the map's JavaScript/CSS (Leaflet; the clusters are ui/map/map.js's own) from the npm registry.

Why: folium loads Leaflet from public CDNs, which buyers' intranets often block (the map frame then
stays empty). The app serves these files itself from `static/vendor/<package>/` (Streamlit static
serving, `/app/static/vendor/...`). They are installed here, never committed.

Rules:
- versions are pinned and each tarball's sha512 must match the pinned npm integrity string;
- only `dist/`, the licence and `package.json` of each package are kept;
- idempotent: a stamp file records the installed versions; a second run does nothing;
- stdlib only (it runs before the venv exists), `npm pack` is the only network access.

Usage: python assets/fetch_assets.py [--dest static/vendor] [--force]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Final

PROJECT_DIR: Final = Path(__file__).resolve().parents[1]
DEFAULT_DEST: Final = PROJECT_DIR / "static" / "vendor"
STAMP_NAME: Final = ".stamp.json"

# name -> (version, npm "dist.integrity" of that exact tarball)
PACKAGES: Final[dict[str, tuple[str, str]]] = {
    "leaflet": (
        "1.9.4",
        "sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA==",
    ),
}

# Files the map needs; their presence is checked before trusting the stamp.
REQUIRED_FILES: Final[tuple[str, ...]] = (
    "leaflet/dist/leaflet.js",
    "leaflet/dist/leaflet.css",
)

_KEEP_TOP_LEVEL: Final = ("package.json", "LICENSE", "LICENSE.md", "LICENSE.txt", "MIT-LICENCE.txt")


class FetchError(RuntimeError):
    """A download or check failed; the message is bilingual and says what to do."""


def wanted_stamp() -> dict[str, str]:
    return {name: version for name, (version, _) in PACKAGES.items()}


def is_up_to_date(dest: Path) -> bool:
    """True when the stamp lists exactly the pinned versions and every required file exists."""
    stamp = dest / STAMP_NAME
    try:
        installed = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return installed == wanted_stamp() and all((dest / f).is_file() for f in REQUIRED_FILES)


def _sri_sha512(path: Path) -> str:
    digest = hashlib.sha512(path.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode("ascii")


def _npm_pack(spec: str, workdir: Path) -> Path:
    """`npm pack <spec>` into workdir; returns the tarball path. Raises FetchError with a clear message."""
    npm = shutil.which("npm")
    if npm is None:
        raise FetchError(
            "npm est introuvable : installez Node.js et npm (Debian : apt-get install npm).\n"
            "npm not found: install Node.js and npm (Debian: apt-get install npm)."
        )
    cmd = [npm, "pack", spec, "--json", "--silent", "--pack-destination", str(workdir)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    except subprocess.TimeoutExpired as exc:
        raise FetchError(
            f"Le registre npm ne répond pas (délai dépassé) pour {spec}.\n"
            f"The npm registry did not answer in time for {spec}."
        ) from exc
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-8:])
        raise FetchError(
            f"Impossible de télécharger {spec} depuis le registre npm (réseau ou proxy ?).\n"
            f"Could not download {spec} from the npm registry (network or proxy?).\n"
            f"Vérifiez / check: `npm ping`, `npm config get registry`, HTTPS_PROXY.\n--- npm ---\n{tail}"
        )
    try:
        filename = json.loads(proc.stdout)[0]["filename"]
    except (ValueError, LookupError, TypeError) as exc:
        message = f"Réponse inattendue de npm pack / unexpected npm pack output: {proc.stdout[:300]}"
        raise FetchError(message) from exc
    # npm names scoped tarballs "scope-name-version.tgz"; the path is in workdir either way.
    return workdir / Path(filename).name


def _extract(tarball: Path, target: Path) -> None:
    """Extract `package/dist/**` and the licence files of an npm tarball into target (prefix stripped)."""
    with tarfile.open(tarball, "r:gz") as tar:
        members = []
        for member in tar.getmembers():
            if not member.isfile() or not member.name.startswith("package/"):
                continue
            rel = member.name[len("package/") :]
            if rel.startswith("dist/") or rel in _KEEP_TOP_LEVEL:
                member.name = rel
                members.append(member)
        # The "data" filter refuses absolute paths, links out of the tree and device files.
        tar.extractall(target, members=members, filter="data")


def fetch(dest: Path = DEFAULT_DEST, *, force: bool = False, log=print) -> bool:
    """Install the pinned packages into dest. Returns True if something was (re)installed."""
    if not force and is_up_to_date(dest):
        log(f"Ressources de la carte à jour / map assets up to date: {dest}")
        return False
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="fetch-assets-") as tmp:
        tmpdir = Path(tmp)
        staged: dict[str, Path] = {}
        for name, (version, integrity) in PACKAGES.items():
            spec = f"{name}@{version}"
            log(f"npm pack {spec}")
            tarball = _npm_pack(spec, tmpdir)
            actual = _sri_sha512(tarball)
            if actual != integrity:
                raise FetchError(
                    f"Empreinte inattendue pour {spec} : fichier refusé.\n"
                    f"Integrity mismatch for {spec}: expected {integrity}, got {actual}."
                )
            out = tmpdir / "out" / name
            _extract(tarball, out)
            staged[name] = out
        # Replace each package directory only once everything downloaded and checked.
        for name, out in staged.items():
            final = dest / name
            if final.exists():
                shutil.rmtree(final)
            shutil.move(str(out), str(final))
    (dest / STAMP_NAME).write_text(json.dumps(wanted_stamp(), indent=2) + "\n", encoding="utf-8")
    log(f"Ressources de la carte installées / map assets installed: {dest}")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", type=Path, default=DEFAULT_DEST, help="target folder (static/vendor)")
    parser.add_argument("--force", action="store_true", help="reinstall even if the stamp is current")
    args = parser.parse_args(argv)
    try:
        fetch(args.dest, force=args.force)
    except FetchError as exc:
        print(f"ERREUR / ERROR: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
