"""End-to-end fixtures: `streamlit run app.py` on a free port, and Debian's Chromium.

The browser is the system one (/usr/bin/chromium, Debian package), driven by Playwright;
no browser is ever downloaded. Screenshots go to tests/artifacts/, which CI keeps.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path
from typing import TextIO

import pytest

from tests.browser.helpers import (
    ARTIFACTS,
    CHROMIUM_ARGS,
    DEFAULT_WAIT_MS,
    SERVER_READY_LINE,
    SERVER_START_TIMEOUT_S,
)
from tests.helpers import PROJECT_DIR

STREAMLIT_RUN = ("-m", "streamlit", "run", "app.py")


class ServerUrl(str):
    """The server's address; `log_path`: its output so far (tests wait for a line of it)."""

    log_path: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Debian's chromium is not installed: `make test` installs it (apt-get install chromium)")
    return path


def _echo_output(proc: subprocess.Popen, log: TextIO, ready: threading.Event, ended: threading.Event) -> None:
    """Copy the server's output to its log; set `ready` once it says it serves, `ready` and `ended`
    once its output ends (it exited)."""
    for line in proc.stdout:
        log.write(line)
        log.flush()
        if SERVER_READY_LINE in line:
            ready.set()
    ended.set()
    ready.set()


@contextlib.contextmanager
def _streamlit_server(
    tmp_path_factory, extra_env: dict[str, str] | None = None, launcher: tuple[str, ...] = STREAMLIT_RUN
):
    """A real `streamlit run app.py` (or `launcher`: `python -m ui.serve`) on a free port, with its own
    database and directory store (or those `extra_env` names: DATABASE_URL, SOURCING_DATA_DIR, secrets...)."""
    port = _free_port()
    log_path = tmp_path_factory.mktemp("streamlit") / "server.log"
    # The server keeps its shortlists in a throwaway SQLite file and its directory store in a
    # throwaway data folder, never the buyer's.
    db_path = tmp_path_factory.mktemp("db") / "sourcing.db"
    data_dir = tmp_path_factory.mktemp("data")
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", "SOURCING_DB_PATH": str(db_path),
           "SOURCING_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1", **(extra_env or {})}  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, *launcher, "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1"],
        cwd=PROJECT_DIR, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True,
    )  # fmt: skip
    url = ServerUrl(f"http://127.0.0.1:{port}")
    url.log_path = log_path
    ready, ended = threading.Event(), threading.Event()
    with open(log_path, "w") as log:
        echo = threading.Thread(target=_echo_output, args=(proc, log, ready, ended), daemon=True)
        echo.start()
        # Streamlit prints its URL once the server listens: wait for that line, not for a guessed delay.
        if not ready.wait(SERVER_START_TIMEOUT_S):
            proc.kill()
            pytest.fail(f"streamlit did not start in {SERVER_START_TIMEOUT_S} s:\n" + log_path.read_text())
        if ended.is_set():
            pytest.fail("streamlit exited:\n" + log_path.read_text())
        with urllib.request.urlopen(url + "/_stcore/health", timeout=10) as response:
            assert response.status == 200
        try:
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
            echo.join(timeout=10)  # the output ends with the process: the log is complete before it closes


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """The app on the demo directory, shared by the browser tests that do not add sources."""
    with _streamlit_server(tmp_path_factory) as url:
        yield url


@pytest.fixture(scope="module")
def own_app_url(tmp_path_factory):
    """An app server of the module's own, for tests that change the team's directory."""
    with _streamlit_server(tmp_path_factory) as url:
        yield url


@pytest.fixture(scope="session")
def streamlit_server(tmp_path_factory):
    """`streamlit_server(env)`: a context manager starting one more app server with that environment."""
    return lambda extra_env=None, launcher=STREAMLIT_RUN: _streamlit_server(tmp_path_factory, extra_env, launcher)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=_chromium_path(), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    # Every wait is on a condition; this is only how long a condition may take on a loaded machine.
    context.set_default_timeout(DEFAULT_WAIT_MS)
    # No network beyond the app: any request to another host fails the test's expectations.
    pg = context.new_page()
    pg.dialogs = []  # type: ignore[attr-defined]
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    yield pg
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
