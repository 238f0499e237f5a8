"""Start the app as `streamlit run app.py` does, with the process warmed up before its first visitor.

    python -m ui.serve [streamlit run options, e.g. --server.port 8501 --server.headless true]

`ui.warmup` runs in a thread as soon as the server's runtime exists (the search page's imports,
reference data and fresh searches, then the other pages' imports in quiet moments; the server answers its
health check meanwhile), so the first buyer who opens the app no longer waits for them. `make run` and
docs/deploy.md start the app this way; `streamlit run app.py` still works.
"""

from __future__ import annotations

import functools
import re
import sys
import threading
import time
from pathlib import Path
from typing import Any

APP = Path(__file__).resolve().parents[1] / "app.py"
# Our packages, whose bytecode the launcher writes (`compile_bytecode`).
PACKAGES = (APP.parent / "ui", APP.parent / "sourcing")


def _wait_for_runtime(timeout_s: float = 60) -> bool:
    """Until Streamlit's runtime has started (its server about to answer): Streamlit's caches are the real
    ones only once the runtime exists, and the runtime exists before the server builds its web app and
    starts uvicorn, which the warm-up's imports would then share the interpreter with (the server answering
    about 0.3 s later than a bare Streamlit page's)."""
    from streamlit.runtime import Runtime, RuntimeState

    deadline = time.monotonic() + timeout_s
    while not (Runtime.exists() and Runtime.instance().state != RuntimeState.INITIAL):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _warm() -> None:
    from streamlit.logger import get_logger

    from ui.warmup import quiet_bare_mode, resume_collector, warm_directory, warm_other_pages, warm_up

    log = get_logger(__name__)  # Streamlit's handler, format and --logger.level
    try:
        # Once the runtime exists: the caches warm_directory fills are then the ones the pages read.
        if not _wait_for_runtime():
            log.warning("warm-up skipped: the server did not start")
            return
        with quiet_bare_mode():
            try:
                seconds = warm_up()
            finally:
                # Paused by `main` for the imports; on before the directory's searches (at a first start, the
                # build of a large directory's search index), whose garbage must not wait.
                resume_collector()
            seconds += warm_directory()
            log.info("warm-up done in %.1f s", seconds)
            log.info("other pages warmed up in %.1f s", warm_other_pages())
    except Exception:  # never stops the server: the first page loads what is missing
        log.exception("warm-up failed")
    finally:
        resume_collector()


def patch_static_files() -> None:
    """Two changes to the files Streamlit's server sends a browser (Starlette's static files, the ones
    Streamlit and `server.enableStaticServing` use), installed once:

    - each file sent delays the warm-up's background imports (`PAGE_RUNS.touch`): a first visitor's page
      loads 2 MB of scripts before its first run, and an import holding the interpreter lock meanwhile
      made its count come about 0.5 s later on the demo (a probe: 1.89 s against 1.40 s);
    - the page's HTML announces the map's Leaflet files (`page_with_map_files`), so that the browser
      fetches and runs them while it reads Streamlit's own scripts: the search page's first map is then
      built as soon as its element exists, where it waited for Leaflet, asked for by a component, then
      for its turn behind the page's other elements (0.45-0.65 s on a warm server, the demo); and it names
      Streamlit's component chunks (`with_component_chunks`), which the map's element needs first."""
    from starlette.responses import HTMLResponse
    from starlette.staticfiles import StaticFiles

    from ui.warmup import PAGE_RUNS

    original = StaticFiles.get_response
    if getattr(original, "patched", False):
        return

    async def get_response(self: StaticFiles, *args: Any, **kwargs: Any) -> Any:  # whatever Starlette passes
        PAGE_RUNS.touch()
        response = await original(self, *args, **kwargs)
        file = getattr(response, "path", None)  # a FileResponse's file
        if response.status_code == 200 and isinstance(file, str) and Path(file).name == "index.html":
            return HTMLResponse(_page_html(file))
        return response

    get_response.patched = True  # type: ignore[attr-defined]
    StaticFiles.get_response = get_response  # type: ignore[method-assign]


def page_with_map_files(html: str, urls: dict[str, str]) -> str:
    """`html` with Leaflet's style and script (`urls`: ui.map.assets.local_urls) at the end of its head. The
    script is deferred (run in order after Streamlit's own, before the page's first component) and marks
    itself loaded, which ui/leaflet_files.js reads instead of asking for it again. Unchanged without a
    head."""
    tags = (
        f'<link rel="stylesheet" href="{urls["leaflet_css"]}" data-sup-early>'
        f'<script defer src="{urls["leaflet_js"]}" data-sup-early onload="this.dataset.loaded=\'1\'"></script>'
    )
    return html.replace("</head>", tags + "</head>", 1)


@functools.cache
def _page_html(index_file: str) -> str:
    from ui.map.assets import local_urls

    html = Path(index_file).read_text(encoding="utf-8")
    return page_with_map_files(with_component_chunks(html, Path(index_file).parent / "static" / "js"), local_urls())


def with_component_chunks(html: str, scripts: Path) -> str:
    """`html` with a `modulepreload` link for Streamlit's component chunk (`BidiComponent.<hash>.js` in
    `scripts`, its static/js folder) and the chunks it imports that the page does not already name: the
    browser fetched them only once the first component's element arrived, after the sidebar's widgets',
    and the map then often waited behind the table (the demo's map from the process start: 2.46-3.05 s
    against 2.50-3.50 s in seven runs each). Read from the installed Streamlit (the names carry its build's
    hashes); without that chunk, `html` unchanged."""
    chunks = sorted(scripts.glob("BidiComponent.*.js"))
    if not chunks:
        return html
    names: list[str] = []
    queue = [chunks[0].name]
    while queue:
        name = queue.pop(0)
        if name in names or name in html or not (scripts / name).is_file():
            continue
        names.append(name)
        queue.extend(re.findall(r'from"\./([^"]+\.js)"', (scripts / name).read_text(encoding="utf-8")))
    links = "".join(f'<link rel="modulepreload" crossorigin href="./static/js/{name}">' for name in names)
    return html.replace("</head>", links + "</head>", 1)


def compile_bytecode(packages: tuple[Path, ...] = PACKAGES) -> None:
    """Write our packages' bytecode (`__pycache__`) where it is missing or older than its source.

    pip writes the installed libraries' bytecode when it installs them; ours only reached the disk when
    Python may write it at import, and some hosts set PYTHONDONTWRITEBYTECODE for every process (this
    machine does): each start then compiled our modules again, 0.2–0.3 s of CPU before the first search
    page (`python -X importtime`, three runs each). Up to date, the check costs about 20 ms. A checkout
    the server may not write to keeps compiling in memory, as before."""
    import compileall

    for package in packages:
        try:
            compileall.compile_dir(str(package), quiet=2)
        except OSError:  # read-only checkout: nothing to gain, nothing lost
            pass


def main(argv: list[str] | None = None) -> None:
    from ui.warmup import WARM_UP_THREAD, pause_collector

    pause_collector()  # before Streamlit's imports: resumed once the warm-up's imports are done
    compile_bytecode()
    patch_static_files()
    threading.Thread(target=_warm, name=WARM_UP_THREAD, daemon=True).start()
    from streamlit.web import cli

    cli.main(args=["run", str(APP), *(sys.argv[1:] if argv is None else argv)], prog_name="streamlit")


if __name__ == "__main__":
    main()
