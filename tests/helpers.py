"""What the tests share: where things are, the real extracts and what they hold, sample identifiers,
hostile names, and small helpers (a page under AppTest, a script loaded by path, a document's text).

One place for each, so that a moved file or a renamed page is changed once."""

from __future__ import annotations

import importlib.util
import io
import os
import re
import socket
import sys
from pathlib import Path
from types import ModuleType

PROJECT_DIR = Path(__file__).resolve().parents[1]
APP_SCRIPT = str(PROJECT_DIR / "app.py")
# The real public extracts the tests read, vendored (see tests/data/README).
TEST_DATA_DIR = PROJECT_DIR / "tests" / "data"
DEMO_CSV = PROJECT_DIR / "data" / "demo" / "annuaire-demo.csv"

# Page scripts, as AppTest.switch_page wants them.
DIRECTORY_PAGE = "ui/pages/annuaire.py"
ADVICE_PAGE = "ui/pages/conseil.py"
LISTS_PAGE = "ui/pages/listes.py"

# Secrets that turn authentication on (st.login) for a page under AppTest.
AUTH_SECRETS = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32}

# Real extracts under tests/data/realdata/: the format each is recognised as, and its data rows.
REAL_FILES = {
    "les-emplois/2019_07_liste_siae.csv": ("asp-siae", 3932),
    "les-emplois/2019_07_liste_siae_additional_data.csv": ("asp-siae", 228),
    "les-emplois/siae67.csv": ("siae-regional", 65),
    "les-emplois/2019_11_21_export_bbd_geiq.csv": ("geiq", 171),
    "le-marche/01_siaes.json": ("marche-json", 3853),
}

# SIRETs with a valid Luhn key, one with a wrong key, one whose leading zero must survive as text.
VALID_SIRETS = ("41071771400035", "36227586900018", "42414308900037")
SIRET_BAD_CHECKSUM = "41071771400036"
SIRET_LEADING_ZERO = "01234567890128"

# Supplier names that would run a script if anything rendered them as markup.
XSS_NAMES = ("<img src=x onerror=alert(1)>", "<script>alert(1)</script>", "${alert(1)}")


def app_test(user: dict | None = None, auth: bool = False):
    """The app under Streamlit's AppTest (not run yet); `auth` turns sign-in on, `user` is who is signed in."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP_SCRIPT, default_timeout=120)
    if auth:
        at.secrets["auth"] = AUTH_SECRETS
    if user is not None:
        at.user = user
    return at


def search_page_around_lyon(radius_km: int):
    """The search page opened by a link around Lyon (1er) within `radius_km` (run), and the query the
    core searches for it."""
    from sourcing.gazetteer import Gazetteer
    from sourcing.search import SearchQuery

    at = app_test()
    at.query_params["lieu"] = "Lyon (69001)"
    at.query_params["rayon"] = str(radius_km)
    at.run()
    lyon = Gazetteer.load().resolve("INSEE 69123")
    query = SearchQuery(near=(lyon.lat, lyon.lon), radius_km=float(radius_km), near_department="69", near_region="84")
    return at, query


def open_page(page_script: str, user: dict | None = None, auth: bool = False):
    """The app run once, then switched to `page_script`; the page ran without an exception."""
    at = app_test(user, auth)
    at.run()
    at.switch_page(page_script).run()
    assert not at.exception
    return at


def load_script(relative_path: str) -> ModuleType:
    """A project script that is not a package module (data/build_*.py, scripts/*.py), loaded by path."""
    path = PROJECT_DIR / relative_path
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def docx_text(data: bytes) -> str:
    """Every paragraph, then every table cell, of a Word document: one per line."""
    import docx

    document = docx.Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def format_regex(template: str) -> re.Pattern[str]:
    """A pattern for any text `template.format(...)` gives (a UI text of ui/texts.py): each field is a
    group matching some text, Markdown bold marks may be there or not (rendered). Written so that
    JavaScript reads it too (Playwright's get_by_text)."""
    pattern = ""
    for piece in re.split(r"(\{[^}]*\}|\*\*)", template):
        if piece == "**":
            pattern += r"(?:\*\*)?"
        elif piece.startswith("{"):
            pattern += "(.+?)"
        else:
            pattern += re.sub(r"([.^$*+?()\[\]{}|\\])", r"\\\1", piece)
    return re.compile(pattern)


def postgres_helper_or_skip(not_run: str) -> ModuleType:
    """scripts/pg_test_server.py, when Debian's PostgreSQL is installed. Missing: skipped locally
    (`not_run` says what, in French), a failure in CI (env CI=true), where `make test` installs it."""
    import pytest

    helper = load_script("scripts/pg_test_server.py")
    if helper.pg_bin_dir() is None:
        message = f"PostgreSQL absent (paquet Debian `postgresql`) : {not_run}"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    return helper


def cut_network(monkeypatch) -> None:
    """Every socket refuses to connect and no name resolves, as on a machine without network."""

    def refuse(*_args, **_kwargs):
        raise OSError(101, "Network is unreachable")

    def no_dns(*_args, **_kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", no_dns)


def recorded_company_search(asked: list[int] | None = None):
    """A `responses` callback replaying the company API's recorded search of the Nord's ESS
    (tests/data/live/search-59-ess/page-N.json; past the last page, the empty answer). The pages asked
    are appended to ``asked`` when given."""
    from urllib.parse import parse_qs, urlparse

    live = TEST_DATA_DIR / "live"

    def answer(request) -> tuple[int, dict, str]:
        page = int(parse_qs(urlparse(request.url).query)["page"][0])
        if asked is not None:
            asked.append(page)
        path = live / "search-59-ess" / f"page-{page}.json"
        return 200, {}, path.read_text() if path.exists() else (live / "empty.json").read_text()

    return answer


def fetch_recorded_nord_ess() -> None:
    """The team's directory made of the recorded ESS companies of the Nord, as `fetch` adds them."""
    import responses

    from sourcing import cli
    from sourcing.live.client import DEFAULT_BASE_URL

    with responses.RequestsMock() as mock:
        mock.add_callback(responses.GET, DEFAULT_BASE_URL + "/search", callback=recorded_company_search())
        assert cli.main(["fetch", "--department", "59", "--ess", "--label", "ESS du Nord"]) == 0
