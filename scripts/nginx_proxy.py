"""nginx from Debian in front of several app processes, on loopback, with deploy/nginx.conf.

The repository's configuration is rendered with another listening port, other upstream servers
and a throwaway folder for the log, pid and temporary files; nothing else in it is changed, so the
tests and the load bench exercise the configuration a team deploys.

    with nginx_proxy(["http://127.0.0.1:8501", "http://127.0.0.1:8502"], workdir) as url: ...
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
CONF = PROJECT_DIR / "deploy" / "nginx.conf"
START_TIMEOUT_S = 20


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def render(conf: str, port: int, upstreams: list[str], workdir: Path) -> str:
    """deploy/nginx.conf with `port`, the `upstreams` (host:port) and its files under `workdir`."""
    servers = "".join(f"        server {u} max_fails=2 fail_timeout=10s;\n" for u in upstreams)
    conf, n = re.subn(r"(?m)^        server 127\.0\.0\.1:\d+ [^\n]*\n(?:        server [^\n]*\n)*", servers, conf)
    assert n == 1, "deploy/nginx.conf: upstream servers not found"
    conf, n = re.subn(r"listen 127\.0\.0\.1:\d+;", f"listen 127.0.0.1:{port};", conf)
    assert n == 1, "deploy/nginx.conf: listen line not found"
    conf, n = re.subn(r"access_log \S+ sourcing;", f"access_log {workdir / 'access.log'} sourcing;", conf)
    assert n == 1, "deploy/nginx.conf: access_log line not found"
    temp = "".join(
        f"    {kind}_temp_path {workdir / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return conf.replace("http {\n", "http {\n" + temp, 1)


@contextmanager
def nginx_proxy(upstream_urls: list[str], workdir: Path) -> Iterator[str]:
    """Start nginx on a free loopback port in front of `upstream_urls`; yield its URL; stop it."""
    binary = nginx_binary()
    if binary is None:
        raise FileNotFoundError("nginx is not installed (Debian package `nginx`, `make system-deps`)")
    workdir.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    upstreams = [u.removeprefix("http://").rstrip("/") for u in upstream_urls]
    conf_path = workdir / "nginx.conf"
    conf_path.write_text(render(CONF.read_text(), port, upstreams, workdir))
    globals_ = f"daemon off; pid {workdir / 'nginx.pid'}; error_log {workdir / 'error.log'};"
    proc = subprocess.Popen([binary, "-p", str(workdir), "-c", str(conf_path), "-g", globals_],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_listening(proc, port, workdir)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _wait_listening(proc: subprocess.Popen, port: int, workdir: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log = (workdir / "error.log").read_text() if (workdir / "error.log").exists() else ""
            raise RuntimeError(f"nginx exited ({proc.returncode}): {proc.stdout.read().decode()}{log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nginx did not listen on {port} in {START_TIMEOUT_S} s")


def access_log(workdir: Path) -> list[dict[str, str]]:
    """The proxy's access log, one dict per request: uri, upstream, route (a prefix of the sticky key)."""
    path = workdir / "access.log"
    rows = []
    for line in path.read_text().splitlines() if path.exists() else []:
        parts = line.split()
        fields = dict(p.split("=", 1) for p in parts if "=" in p)
        rows.append({"status": parts[1], "uri": parts[3], **fields})
    return rows


if __name__ == "__main__":  # a manual try: python scripts/nginx_proxy.py 8501 8502
    import sys
    import tempfile

    with nginx_proxy([f"127.0.0.1:{p}" for p in sys.argv[1:]], Path(tempfile.mkdtemp())) as proxy_url:
        print(proxy_url, flush=True)
        while True:
            time.sleep(3600)
