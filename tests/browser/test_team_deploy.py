"""A team deployment end to end: two `streamlit run` processes on one PostgreSQL database and one
data folder, behind nginx configured by deploy/nginx.conf (sticky sessions), in Chromium.

A source added in one process is searched in the other; a list made in one is read in the other;
through the proxy the app works (WebSocket included) and each browser stays on one process."""

from __future__ import annotations

import contextlib
import os
import time
import urllib.request
from http.cookies import SimpleCookie

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from sourcing.store import service as store
from tests.browser.helpers import ARTIFACTS, add_source, wait_for_app
from tests.helpers import TEST_DATA_DIR, load_script
from ui import texts as T

pytestmark = pytest.mark.browser

SIAE67 = TEST_DATA_DIR / "realdata/les-emplois/siae67.csv"
ROW_HEIGHT = 35


@pytest.fixture(scope="module")
def team(pg_server_url, streamlit_server, tmp_path_factory):
    """Two app processes on a new PostgreSQL database and one data folder, and nginx in front."""
    server = make_url(pg_server_url)
    name = f"team{os.getpid()}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    db_url = server.set(database=name).render_as_string(hide_password=False)
    data_dir = tmp_path_factory.mktemp("team-data")
    env = {"DATABASE_URL": db_url, "SOURCING_DATA_DIR": str(data_dir)}
    proxy_dir = tmp_path_factory.mktemp("nginx")
    nginx = load_script("scripts/nginx_proxy.py")
    with contextlib.ExitStack() as stack:
        a = stack.enter_context(streamlit_server(env))
        b = stack.enter_context(streamlit_server(env))
        proxy = stack.enter_context(nginx.nginx_proxy([a, b], proxy_dir))
        yield {"a": a, "b": b, "proxy": proxy, "db_url": db_url, "data_dir": data_dir, "proxy_dir": proxy_dir,
               "nginx": nginx}  # fmt: skip


def _new_page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    context.set_default_timeout(60_000)
    return context.new_page()


def test_a_source_added_in_one_process_is_searched_in_the_other(team, browser):
    page_a, page_b = _new_page(browser), _new_page(browser)
    page_b.goto(team["b"])  # B is running on the demo directory before A adds the source
    wait_for_app(page_b)
    add_source(page_a, team["a"], SIAE67, "SIAE 67", "2026-02-01")
    version = store.current_version(root=team["data_dir"])
    assert [s.label for s in version.sources] == ["SIAE 67"]
    page_b.goto(team["b"])  # the next rerun in B reads the new version
    wait_for_app(page_b)
    count = T.RESULTS_COUNT.format(n=version.suppliers_out)
    page_b.locator('[data-testid="stMain"]').get_by_text(count).first.wait_for(timeout=60_000)
    page_b.screenshot(path=str(ARTIFACTS / "team-source-searched-in-other-process.png"), full_page=True)
    with create_engine(team["db_url"]).connect() as conn:  # both processes migrated one database, once
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
    page_a.context.close(), page_b.context.close()


def test_a_list_made_in_one_process_is_read_in_the_other(team, browser):
    page_a, page_b = _new_page(browser), _new_page(browser)
    page_a.goto(team["a"])
    wait_for_app(page_a)
    main = page_a.locator('[data-testid="stMain"]')
    grid = main.locator('.st-key-results_grid [data-testid="stDataFrame"]')
    grid.wait_for()
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page_a.mouse.click(box["x"] + 15, box["y"] + ROW_HEIGHT * 1.5)
    main.get_by_role("button", name=T.ADD_SELECTED.format(n=1)).wait_for()
    main.get_by_label(T.ADD_NEW_NAME).fill("Liste de l'équipe")
    main.get_by_label(T.ADD_NEW_NAME).press("Enter")
    wait_for_app(page_a)
    main.get_by_role("button", name=T.ADD_SELECTED.format(n=1)).click()
    main.get_by_text(T.ADD_DONE.format(added=1, name="Liste de l'équipe", already=0)).wait_for()
    page_b.goto(f"{team['b']}/listes")
    wait_for_app(page_b)
    page_b.locator('[data-testid="stMain"]').get_by_text(
        T.LIST_SUMMARY.format(n=1, by_status="1 à contacter")
    ).wait_for()
    page_b.screenshot(path=str(ARTIFACTS / "team-list-read-in-other-process.png"), full_page=True)
    page_a.context.close(), page_b.context.close()


def _route_of(proxy: str, cookie: str | None) -> str:
    request = urllib.request.Request(proxy + "/_stcore/health", headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        cookies = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie"):
            cookies.load(header)
        return cookies["sourcing_route"].value


def test_proxy_keeps_each_browser_on_one_process(team, browser):
    nginx, proxy = team["nginx"], team["proxy"]
    # Twenty new visitors: each gets its own key, and between them both processes serve.
    routes = [_route_of(proxy, None) for _ in range(20)]
    assert len(set(routes)) == 20
    for route in routes[:5]:  # a returning visitor keeps the key it was given
        assert _route_of(proxy, f"sourcing_route={route}") == route
    page = _new_page(browser)
    page.goto(proxy)
    wait_for_app(page)  # the script ran: the WebSocket went through the proxy
    page.locator('[data-testid="stMain"]').get_by_text("fournisseur(s) trouvé(s)").first.wait_for()
    page.context.close()
    by_route: dict[str, set[str]] = {}
    for row in nginx.access_log(team["proxy_dir"]):
        if row.get("upstream", "-") != "-":
            by_route.setdefault(row["route"], set()).add(row["upstream"])
    assert all(len(upstreams) == 1 for upstreams in by_route.values()), by_route  # sticky
    assert set().union(*by_route.values()) == {team["a"][7:], team["b"][7:]}  # both processes used
    deadline = time.monotonic() + 30  # nginx logs a WebSocket when it closes, just after the page
    while not (streams := [r for r in nginx.access_log(team["proxy_dir"]) if r["uri"] == "/_stcore/stream"]):
        assert time.monotonic() < deadline, "no WebSocket went through the proxy"
        time.sleep(0.2)
    assert streams and all(r["status"] == "101" for r in streams)  # WebSocket upgraded by the proxy
