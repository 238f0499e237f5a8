"""The app process warmed up before its first visitor (`python -m ui.serve`, `ui.warmup`)."""

from __future__ import annotations

import gc
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import PROJECT_DIR

# Run in a fresh interpreter: what the first run of the search page imports after `warm_up()`.
_PROBE = """
import json, sys
from streamlit.testing.v1 import AppTest
from ui.warmup import warm_up
import streamlit.components.v2.manifest_scanner  # what the server's runtime imports at its start
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
    assert "folium" not in imported  # whose script is made without folium (ui/map/script.py)


# What a fresh process's first search page must not load (no warm-up at all, as with `streamlit run`):
# each costs its first visitor 40-130 ms of CPU for nothing that page draws. Streamlit's table of every
# emoji comes with an emoji page icon (ui/french_ui.py: PAGE_ICON), the others with the export registry.
_NOT_ON_THE_FIRST_PAGE = ("streamlit.emojis", "icalendar", "xlsxwriter", "altair")
_FRESH_PROBE = """
import json, sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(sys.argv[1], default_timeout=180)
at.run()
assert not at.exception, at.exception
assert at.title[0].value, "the page was drawn"
print(json.dumps(sorted(sys.modules)))
"""


def test_a_fresh_search_page_loads_nothing_it_does_not_draw(tmp_path):
    loaded = set(json.loads(_probe(_FRESH_PROBE, tmp_path)))
    assert "ui.search_page" in loaded and "xlsxwriter" not in loaded  # the page ran, its exports not made
    assert sorted(loaded & set(_NOT_ON_THE_FIRST_PAGE)) == []


def test_the_page_icon_is_the_handshake_without_streamlits_emoji_table():
    from urllib.parse import unquote

    from streamlit.commands.page_config import _get_favicon_string

    from ui.french_ui import PAGE_ICON

    assert PAGE_ICON.isascii()  # Streamlit looks an icon up in its emoji table only when it is not ASCII
    assert _get_favicon_string(PAGE_ICON) == PAGE_ICON  # sent to the page as it is: no file, no network
    svg = unquote(PAGE_ICON.removeprefix("data:image/svg+xml,"))
    assert svg.startswith("<svg xmlns='http://www.w3.org/2000/svg'") and ">\N{HANDSHAKE}</text>" in svg


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
            # Both stages: the search page's, then the other pages' (no visitor: no quiet moment to wait for).
            while "other pages warmed up" not in log.read_text() and time.monotonic() < deadline:
                assert server.poll() is None, log.read_text()[-3000:]
                time.sleep(0.2)
            text = log.read_text()
            assert "warm-up done" in text and "warm-up failed" not in text, text[-3000:]
            assert text.index("warm-up done") < text.index("other pages warmed up")
            assert "missing ScriptRunContext" not in text  # the warm-up's expected warnings are silenced
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=10) as answer:
                assert answer.read() == b"ok"
            assert (tmp_path / "s.db").exists()  # the database was brought to the current schema
            # our modules' bytecode is on disk for the next start, whatever PYTHONDONTWRITEBYTECODE says
            assert list((PROJECT_DIR / "ui" / "__pycache__").glob("search_page.*.pyc"))
        finally:
            server.terminate()
            server.wait(timeout=30)


def test_the_launcher_writes_missing_or_stale_bytecode_even_when_python_may_not(tmp_path, monkeypatch):
    import compileall
    import importlib.util

    from ui import serve

    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # what PYTHONDONTWRITEBYTECODE sets
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    sources = [package / "__init__.py", package / "a.py", package / "sub" / "__init__.py", package / "sub" / "b.py"]
    for path in sources:
        path.write_text("VALUE = 1\n", encoding="utf-8")
    serve.compile_bytecode((package,))
    cached = [Path(importlib.util.cache_from_source(str(path))) for path in sources]
    assert all(path.is_file() for path in cached), [path for path in cached if not path.is_file()]
    before = cached[1].read_bytes()
    serve.compile_bytecode((package,))
    assert cached[1].read_bytes() == before  # up to date: left as it is
    sources[1].write_text("VALUE = 22\n", encoding="utf-8")
    os.utime(sources[1], (time.time() + 5, time.time() + 5))
    serve.compile_bytecode((package,))
    assert cached[1].read_bytes() != before  # compiled again after its source changed

    def refused(*args, **kwargs):
        raise PermissionError("read-only checkout")

    monkeypatch.setattr(compileall, "compile_dir", refused)
    serve.compile_bytecode((package,))  # a checkout it may not write to: no error, the server starts


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
search_map.search_table = counted("search", search_map.search_table)  # the map's rows, as Arrow
search_page.search = counted("search", search_page.search)
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


_HELD_PROBE = """
import json
from ui import state
from ui.warmup import warm_directory, warm_other_pages, warm_up
warm_up()
warm_directory()
index = state.search_index(state.current_directory_key())
before = list(index.held_columns)
warm_other_pages(quiet_s=0, import_quiet_s=0)
print(json.dumps([before, list(index.held_columns)]))
"""


def test_the_other_pages_warm_up_then_keeps_the_search_pages_columns_in_memory(tmp_path):
    """Not before the first visitor's map (at 1,000,000 suppliers it takes 0.4 to 0.7 s), then in a quiet
    moment: the map's and the table's columns of the saved index held in memory, for the next searches."""
    from ui.map.builder import REQUIRED_COLUMNS
    from ui.search_page import GRID_COLUMNS

    before, after = json.loads(_probe(_HELD_PROBE, tmp_path))
    assert before == []
    assert set(after) == {*REQUIRED_COLUMNS, *GRID_COLUMNS} - {"distance_km"}  # the distance is the search's


# What the other pages import at their first run once the other pages were warmed up too.
_OTHER_PAGES_PROBE = """
import json, sys
from streamlit.testing.v1 import AppTest
from ui.warmup import warm_other_pages, warm_up
warm_up()
warm_other_pages(quiet_s=0, import_quiet_s=0)
imported = {}
at = AppTest.from_file(sys.argv[1], default_timeout=180)
at.run()
for page in ("ui/pages/conseil.py", "ui/pages/programme.py", "ui/pages/listes.py", "ui/pages/annuaire.py"):
    before = set(sys.modules)
    at.switch_page(page).run()
    assert not at.exception, (page, at.exception)
    imported[page] = sorted(set(sys.modules) - before)
print(json.dumps(imported))
"""


def test_after_the_other_pages_warm_up_no_page_imports_a_library(tmp_path):
    imported = json.loads(_probe(_OTHER_PAGES_PROBE, tmp_path))
    assert len(imported) == 4
    late = {page: [m for m in modules if _third_party(m)] for page, modules in imported.items()}
    assert late == {page: [] for page in imported}, "add these to ui.warmup.OTHER_PAGE_MODULES"


def test_the_other_pages_wait_for_a_quiet_moment(monkeypatch):
    """While a page runs, and for `quiet_s` after it ends, the warm-up does nothing: a buyer who arrives
    early does not share the interpreter with it. The search page's columns come first (tens of ms each),
    the other pages' imports (up to 0.4 s each, Altair) only after the longer pause `import_quiet_s`: a
    buyer ticking a box right after the first map does not wait behind an import."""
    from ui import warmup

    done: list[tuple[str, float]] = []
    monkeypatch.setattr(warmup, "OTHER_PAGE_MODULES", ("json", "csv"))
    monkeypatch.setattr(warmup.importlib, "import_module", lambda name: done.append((name, time.monotonic())))
    monkeypatch.setattr(warmup, "_first_chart", lambda: done.append(("chart", time.monotonic())))

    def hold_columns(quiet_s: float) -> None:
        warmup.PAGE_RUNS.wait_until_quiet(quiet_s)
        done.append((f"columns {quiet_s}", time.monotonic()))

    monkeypatch.setattr(warmup, "_hold_search_page_columns", hold_columns)
    monkeypatch.setattr(warmup, "PAGE_RUNS", warmup._PageRuns())
    thread = threading.Thread(target=warmup.warm_other_pages, kwargs={"quiet_s": 0.2, "import_quiet_s": 0.6})
    with warmup.PAGE_RUNS.running():
        thread.start()
        time.sleep(0.5)
        assert done == []  # a page is running
        ended = time.monotonic()
    thread.join(timeout=10)
    assert [name for name, _ in done] == ["columns 0.2", "json", "csv", "chart"]
    assert done[1][1] >= ended + 0.6  # the imports wait for the longer pause


def test_the_search_pages_columns_are_held_one_per_quiet_moment(monkeypatch):
    from ui import warmup

    steps: list[tuple[str, object]] = []

    class Index:
        def hold_columns(self, names):
            steps.append(("hold", names))

    monkeypatch.setattr(warmup.PAGE_RUNS, "wait_until_quiet", lambda quiet_s: steps.append(("wait", quiet_s)))
    monkeypatch.setattr("ui.state.search_index", lambda key: Index())
    monkeypatch.setattr("ui.state.current_directory_key", lambda: ("demo",))
    warmup._hold_search_page_columns(0.7)
    held = [names for step, names in steps if step == "hold"]
    assert len(held) > 1 and all(len(names) == 1 for names in held)
    assert steps == [item for names in held for item in (("wait", 0.7), ("hold", names))]  # a wait before each


def test_without_any_page_run_the_other_pages_are_warmed_at_once(monkeypatch):
    from ui import warmup

    imported: list[str] = []
    monkeypatch.setattr(warmup, "OTHER_PAGE_MODULES", ("json",))
    monkeypatch.setattr(warmup.importlib, "import_module", imported.append)
    monkeypatch.setattr(warmup, "_first_chart", lambda: imported.append("chart"))
    monkeypatch.setattr(warmup, "PAGE_RUNS", warmup._PageRuns())
    assert warmup.warm_other_pages(quiet_s=5, import_quiet_s=5) < 1
    assert imported == ["json", "chart"]


def test_each_page_run_is_counted_until_it_ends():
    """app.py wraps each page's run: the count is back to zero after a run, even one that failed."""
    from streamlit.testing.v1 import AppTest

    from ui import warmup

    before = warmup.PAGE_RUNS._last_end
    at = AppTest.from_file(str(PROJECT_DIR / "app.py"), default_timeout=180)
    at.run()
    assert warmup.PAGE_RUNS._running == 0
    assert warmup.PAGE_RUNS._last_end > before


@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")  # the client only, not the app
def test_a_file_sent_to_a_browser_delays_the_other_pages(monkeypatch, tmp_path):
    """With `python -m ui.serve`, each file Streamlit's server sends (its scripts, the map's Leaflet) starts
    the quiet delay again: a first visitor's 2 MB of scripts are not sent beside an import."""
    from starlette.applications import Starlette
    from starlette.routing import Mount
    from starlette.staticfiles import StaticFiles
    from starlette.testclient import TestClient

    from ui import serve, warmup

    monkeypatch.setattr(warmup, "PAGE_RUNS", warmup._PageRuns())
    monkeypatch.setattr(StaticFiles, "get_response", StaticFiles.get_response)  # undone after the test
    serve.patch_static_files()
    serve.patch_static_files()  # installed once however often called
    (tmp_path / "index.js").write_text("// the page's script", encoding="utf-8")
    client = TestClient(Starlette(routes=[Mount("/", app=StaticFiles(directory=tmp_path))]))
    imported: list[float] = []
    monkeypatch.setattr(warmup, "OTHER_PAGE_MODULES", ("json",))
    monkeypatch.setattr(warmup.importlib, "import_module", lambda name: imported.append(time.monotonic()))
    monkeypatch.setattr(warmup, "_first_chart", lambda: None)
    thread = threading.Thread(target=warmup.warm_other_pages, kwargs={"quiet_s": 0.3, "import_quiet_s": 0.3})
    sent = time.monotonic()
    assert client.get("/index.js").text == "// the page's script"
    assert client.get("/missing.js").status_code == 404  # a refused file counts too: the browser asked
    thread.start()
    thread.join(timeout=10)
    assert imported and imported[0] >= sent + 0.3
    assert warmup.PAGE_RUNS._running == 0


@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")  # the client only, not the app
def test_the_page_announces_the_maps_leaflet_files(monkeypatch, tmp_path):
    """The page's HTML (Streamlit's index.html) names Leaflet's style and script at the end of its head, the
    script deferred and marking itself loaded (ui/leaflet_files.js then takes it as there): the first map
    is built as soon as its element exists. Every other file goes out as it is."""
    from starlette.applications import Starlette
    from starlette.routing import Mount
    from starlette.staticfiles import StaticFiles
    from starlette.testclient import TestClient

    from ui import serve
    from ui.map.assets import local_urls

    monkeypatch.setattr(StaticFiles, "get_response", StaticFiles.get_response)  # undone after the test
    serve.patch_static_files()
    head = '<html><head><title>Streamlit</title><script type="module" src="./static/js/index.js"></script></head>'
    (tmp_path / "index.html").write_text(head + "<body></body></html>", encoding="utf-8")
    (tmp_path / "index.js").write_text("// </head>", encoding="utf-8")
    client = TestClient(Starlette(routes=[Mount("/", app=StaticFiles(directory=tmp_path, html=True))]))
    urls = local_urls()
    for path in ("/", "/index.html"):
        page = client.get(path)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        before_head, after_head = page.text.split("</head>")
        assert before_head.startswith(head.removesuffix("</head>"))  # Streamlit's own head first, unchanged
        assert f'<link rel="stylesheet" href="{urls["leaflet_css"]}" data-sup-early>' in before_head
        script = f'<script defer src="{urls["leaflet_js"]}" data-sup-early onload="this.dataset.loaded=\'1\'">'
        assert before_head.count(script) == 1 and after_head == "<body></body></html>"
    assert client.get("/index.js").text == "// </head>"  # a script is not a page


@pytest.mark.parametrize("html", ["<html><body>no head</body></html>", ""])
def test_a_page_without_a_head_is_sent_unchanged(html):
    from ui import serve
    from ui.map.assets import local_urls

    assert serve.page_with_map_files(html, local_urls()) == html


def test_the_page_names_streamlits_component_chunks_it_does_not_name_already(tmp_path):
    """The component chunk and what it imports, followed through the chunks, once each; not what the page
    already preloads, nor a file that is not there."""
    from ui import serve

    scripts = tmp_path / "static" / "js"
    scripts.mkdir(parents=True)
    (scripts / "BidiComponent.h1.js").write_text('import{t as a}from"./first.h2.js";import{b}from"./main.h0.js"')
    (scripts / "first.h2.js").write_text('import{c}from"./second.h3.js";import{d}from"./gone.h4.js"')
    (scripts / "second.h3.js").write_text('import{e}from"./first.h2.js"')
    (scripts / "main.h0.js").write_text("")
    html = '<head><script type="module" src="./static/js/main.h0.js"></script></head><body></body>'
    links = "".join(
        f'<link rel="modulepreload" crossorigin href="./static/js/{name}">'
        for name in ("BidiComponent.h1.js", "first.h2.js", "second.h3.js")
    )
    assert serve.with_component_chunks(html, scripts) == html.replace("</head>", links + "</head>")
    (scripts / "BidiComponent.h1.js").unlink()
    assert serve.with_component_chunks(html, scripts) == html  # another Streamlit build: nothing named


def test_the_installed_streamlit_has_the_component_chunk_the_page_names():
    """A Streamlit upgrade that renames its component chunk would silently drop the preload: this says so."""
    import streamlit

    from ui import serve

    index = Path(streamlit.__file__).parent / "static" / "index.html"
    page = serve._page_html(str(index))
    assert re.search(r'<link rel="modulepreload" crossorigin href="\./static/js/BidiComponent\.[^"]+\.js">', page)
    assert page.count("leaflet.js") == 1 and page.index("leaflet.js") > page.index("/static/js/index.")


@pytest.fixture
def collector_restored():
    """These tests pause Python's collector: the test process gets it back as it was."""
    yield
    gc.enable()


def test_the_launcher_starts_streamlit_with_the_collector_paused(monkeypatch, collector_restored):
    """`python -m ui.serve` pauses the cyclic collector before Streamlit's imports (0.35-0.6 s of CPU
    spent traversing the start's long-lived objects, in the first visitor's way)."""
    from streamlit.web import cli

    from ui import serve

    seen: list[bool] = []
    monkeypatch.setattr(serve, "compile_bytecode", lambda: None)
    monkeypatch.setattr(serve, "patch_static_files", lambda: None)
    monkeypatch.setattr(serve, "_warm", lambda: None)
    monkeypatch.setattr(cli, "main", lambda **kwargs: seen.append(gc.isenabled()))
    assert gc.isenabled()
    serve.main([])
    assert seen == [False]


@pytest.mark.parametrize("outcome", ["done", "failed", "no server"])
def test_the_collector_is_back_once_the_warm_up_has_ended_whatever_happened(monkeypatch, collector_restored, outcome):
    from ui import serve, warmup

    enabled_during: list[bool] = []

    def warm_up() -> float:
        if outcome == "failed":
            raise RuntimeError("a library is missing")
        return 0.0

    monkeypatch.setattr(serve, "_wait_for_runtime", lambda: outcome != "no server")
    monkeypatch.setattr(warmup, "warm_up", warm_up)
    monkeypatch.setattr(warmup, "warm_directory", lambda: enabled_during.append(gc.isenabled()) or 0.0)
    monkeypatch.setattr(warmup, "warm_other_pages", lambda: enabled_during.append(gc.isenabled()) or 0.0)
    warmup.pause_collector()
    serve._warm()
    assert gc.isenabled()
    # On for the directory's searches (a first start builds a large directory's index) and what follows.
    assert enabled_during == ([True, True] if outcome == "done" else [])


@pytest.mark.parametrize(
    ("states", "ready"),
    [
        ([None, "INITIAL", "NO_SESSIONS_CONNECTED"], True),  # created, then started: the server about to answer
        ([None, "INITIAL", "ONE_OR_MORE_SESSIONS_CONNECTED"], True),
        ([None] * 3, False),  # never created
        (["INITIAL"] * 3, False),  # created but its web app and uvicorn not started yet: still not
    ],
)
def test_the_warm_up_waits_for_the_runtime_to_have_started(monkeypatch, states, ready):
    """The runtime exists before Streamlit builds its web app and starts uvicorn: importing pandas then made
    the server answer later. The warm-up starts once the runtime has started."""
    from streamlit.runtime import Runtime, RuntimeState

    from ui import serve

    seen = iter(states)
    current: list[str | None] = []

    def exists() -> bool:
        current[:] = [next(seen, states[-1])]
        return current[0] is not None

    class Started:
        @property
        def state(self) -> RuntimeState:
            return RuntimeState(current[0])

    monkeypatch.setattr(Runtime, "exists", staticmethod(exists))
    monkeypatch.setattr(Runtime, "instance", staticmethod(lambda: Started()))
    assert serve._wait_for_runtime(timeout_s=0.3) is ready


@pytest.mark.skipif(sys.platform == "win32", reason="uvloop does not exist on Windows: Streamlit runs asyncio's loop")
def test_the_server_runs_on_uvloop_and_httptools():
    """requirements.txt installs Streamlit's "performance" extra: on asyncio's own loop the server took 0.46 s
    to send the page's 65 scripts, 0.10 s on uvloop. A Streamlit upgrade that stops picking uvloop up, or
    the pins lost, would slow every first visit without a sign: this says so."""
    import uvloop
    from streamlit.web import bootstrap
    from uvicorn.protocols.http.auto import AutoHTTPProtocol  # what Streamlit's uvicorn.Config ("auto") takes

    assert bootstrap._get_uvloop_loop_factory() is uvloop.new_event_loop  # the loop Streamlit's server runs on
    assert AutoHTTPProtocol.__name__ == "HttpToolsProtocol"
