"""The app process warmed up before its first visitor (`python -m ui.serve`, `ui.warmup`)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

from tests.helpers import PROJECT_DIR

# Run in a fresh interpreter: what the first run of the search page imports after `warm_up()`.
_PROBE = """
import json, sys
from streamlit.testing.v1 import AppTest
from ui.warmup import warm_up
warm_up()
before = set(sys.modules)
at = AppTest.from_file(sys.argv[1], default_timeout=180)
at.run()
assert not at.exception, at.exception
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def _third_party(name: str) -> bool:
    top = name.split(".")[0]
    ours = {"streamlit", "ui", "sourcing", "__main__"}
    return top not in sys.stdlib_module_names and top not in ours


def _probe(script: str, tmp_path) -> str:
    """The last line `script` prints, run in a fresh interpreter on an empty store (the demo)."""
    env = {**os.environ, "SOURCING_DATA_DIR": str(tmp_path / "data"), "SOURCING_DB_PATH": str(tmp_path / "s.db")}
    done = subprocess.run(
        [sys.executable, "-c", script, str(PROJECT_DIR / "app.py")],
        cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]


def test_after_warm_up_the_first_search_page_imports_no_library(tmp_path):
    imported = json.loads(_probe(_PROBE, tmp_path))
    assert [m for m in imported if _third_party(m)] == [], "add these to ui.warmup.MODULES (or what loads them)"
    assert "ui.search_filters" not in imported and "sourcing.search" not in imported  # ours were warmed too
    assert "streamlit_folium" not in imported  # the map is our own component (ui/search_map.js)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_launcher_serves_the_app_and_finishes_its_warm_up(tmp_path):
    port = _free_port()
    env = {**os.environ, "SOURCING_DATA_DIR": str(tmp_path / "data"), "SOURCING_DB_PATH": str(tmp_path / "s.db")}
    log = tmp_path / "server.log"
    with open(log, "w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "ui.serve", "--server.port", str(port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--logger.level", "info", "--browser.gatherUsageStats", "false"],
            cwd=PROJECT_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 180
            while "warm-up done" not in log.read_text() and time.monotonic() < deadline:
                assert server.poll() is None, log.read_text()[-3000:]
                time.sleep(0.2)
            text = log.read_text()
            assert "warm-up done" in text and "warm-up failed" not in text, text[-3000:]
            assert "missing ScriptRunContext" not in text  # the warm-up's expected warnings are silenced
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=10) as answer:
                assert answer.read() == b"ok"
            assert (tmp_path / "s.db").exists()  # the database was brought to the current schema
        finally:
            server.terminate()
            server.wait(timeout=30)


# After the warm-up and the directory's warm-up, what the first search page still computes: its
# searches, the place box's labels, Streamlit's once-per-process check at the first element drawn.
_FIRST_PAGE_PROBE = """
import json, sys
from streamlit import env_util
from streamlit.testing.v1 import AppTest
from ui import search_filters, search_map, search_page
from ui.warmup import warm_directory, warm_up
warm_up()
warm_directory()
calls = {"search": 0, "count": 0, "place_choices": 0, "is_repl": 0}
def counted(name, real):
    def call(*a, **k):
        calls[name] += 1
        return real(*a, **k)
    return call
for module in (search_map, search_page):
    module.search = counted("search", module.search)
search_page.count = counted("count", search_page.count)
search_filters.place_choices = counted("place_choices", search_filters.place_choices)
env_util.is_repl = counted("is_repl", env_util.is_repl)
at = AppTest.from_file(sys.argv[1], default_timeout=180)
at.run()
assert not at.exception, at.exception
print(json.dumps(calls))
"""


def test_after_the_directory_warm_up_a_fresh_search_page_computes_nothing_it_prepared(tmp_path):
    """The table, the charts and the map of a fresh search page, the place box's labels and
    Streamlit's first-element check were done by the warm-up: the first visitor waits for none of
    them (at 1,000,000 suppliers, about 5 s of searches; 0.3 to 0.5 s on any directory)."""
    prepared = {"search": 0, "count": 0, "place_choices": 0, "is_repl": 0}
    assert json.loads(_probe(_FIRST_PAGE_PROBE, tmp_path)) == prepared
