"""Real sign-in end to end: `st.login` against a local OpenID Connect provider (oidc-provider-mock,
on loopback) in Chromium. A buyer signs in, sees only their own lists, shares one with a colleague
who then sees it, signs out; a refused or unfinished sign-in gets a French message.

The secrets (the [auth] section) are written in a temporary folder and given to Streamlit with
`secrets.files`: the repository's .streamlit/ is never read or written."""

from __future__ import annotations

import re

import pytest

from sourcing.db import service, session_scope, upgrade_database
from tests.browser.helpers import ARTIFACTS, wait_for_app
from ui import texts as T

pytestmark = pytest.mark.browser

ALICE, BOB = "alice@ville.fr", "bob@ville.fr"


@pytest.fixture(scope="module")
def signed_app(streamlit_server, tmp_path_factory):
    """The app with sign-in on, against a mock OIDC provider; Alice and Bob each own a list."""
    from oidc_provider_mock import run_server_in_thread

    folder = tmp_path_factory.mktemp("signin")
    db_url = f"sqlite:///{folder / 'sourcing.db'}"
    upgrade_database(db_url)
    with session_scope(db_url) as s:
        service.create_shortlist(s, ALICE, "Espaces verts 2027")
        service.create_shortlist(s, BOB, "Liste de Bob")
    with run_server_in_thread(port=0) as provider:
        secrets = folder / "secrets.toml"
        secrets.write_text(
            "[auth]\n"
            'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            f'cookie_secret = "{"s3cret-" * 6}"\n'
            'client_id = "sourcing-test"\n'
            'client_secret = "sourcing-test-secret"\n'
            f'server_metadata_url = "http://localhost:{provider.server_port}/.well-known/openid-configuration"\n'
            "[sourcing]\n"
            f'admins = ["{ALICE}"]\n'
        )
        env = {"STREAMLIT_SECRETS_FILES": str(secrets), "SOURCING_DB_PATH": str(folder / "sourcing.db")}
        with streamlit_server(env) as url:
            yield url


def _main(page):
    return page.locator('[data-testid="stMain"]')


def _sign_in(page, url: str, who: str) -> None:
    page.goto(url)
    page.get_by_role("button", name=T.LOGIN_BUTTON).click()
    page.locator('input[name="sub"]').fill(who)  # the provider's sign-in form
    page.get_by_role("button", name="Authorize").click()
    page.get_by_text(T.LOGGED_AS.format(user=who)).wait_for()
    wait_for_app(page)


def _sign_out(page) -> None:
    page.get_by_role("button", name=T.LOGOUT_BUTTON).click()
    end = page.get_by_role("button", name="End session")  # the provider confirms the end of its session
    gate = page.get_by_text(T.LOGIN_HEADER)
    end.or_(gate).first.wait_for()
    if end.is_visible():
        end.click()
    gate.wait_for()


def _list_options(page) -> str:
    # The list picker by its key: the meetings tab holds another selectbox of lists, hidden, which the
    # first selectbox of the page could be while the page is still being redrawn after the sign-in.
    page.locator(".st-key-shortlist_pick input").click()
    page.locator('[role="option"]').first.wait_for()
    options = page.locator('[role="option"]').all_inner_texts()
    page.keyboard.press("Escape")
    return " | ".join(options)


def test_sign_in_own_lists_share_and_sign_out(signed_app, page):
    page.goto(signed_app)
    page.get_by_text(T.LOGIN_HEADER).wait_for()
    assert T.LOGIN_FAILED not in page.inner_text("body")  # a first visit is not a failure
    _sign_in(page, signed_app, ALICE)
    page.goto(f"{signed_app}/listes")
    wait_for_app(page)
    options = _list_options(page)
    assert "Espaces verts 2027" in options and "Liste de Bob" not in options
    _main(page).get_by_text(T.LIST_MANAGE).click()
    _main(page).get_by_label(T.LIST_SHARE).fill(BOB)
    _main(page).get_by_label(T.LIST_SHARE).press("Tab")
    wait_for_app(page)
    _main(page).get_by_role("button", name=T.LIST_SHARE_BUTTON, exact=True).click()
    _main(page).get_by_text(T.LIST_SHARED.format(user=BOB)).wait_for()
    page.screenshot(path=str(ARTIFACTS / "sign-in-list-shared.png"), full_page=True)
    _sign_out(page)
    assert T.LOGIN_FAILED not in page.inner_text("body")  # signing out is not a failure either

    _sign_in(page, signed_app, BOB)
    page.goto(f"{signed_app}/listes")
    wait_for_app(page)
    options = _list_options(page)
    assert "Liste de Bob" in options
    assert re.search(r"Espaces verts 2027 .*partagée par " + re.escape(ALICE), options), options
    _sign_out(page)


def test_refused_sign_in_gets_a_french_message(signed_app, page):
    page.goto(signed_app)
    page.get_by_role("button", name=T.LOGIN_BUTTON).click()
    page.get_by_role("button", name="Deny").click()  # the buyer (or the provider) refuses
    page.get_by_text(T.LOGIN_FAILED).wait_for()
    assert T.LOGGED_AS.split(":")[0] not in page.inner_text("body")
    page.screenshot(path=str(ARTIFACTS / "sign-in-refused.png"), full_page=True)


def test_expired_sign_in_answer_gets_a_french_message(signed_app, page):
    page.goto(signed_app)
    page.get_by_role("button", name=T.LOGIN_BUTTON).click()
    page.locator('input[name="sub"]').wait_for()
    # The provider's answer arrives for a sign-in the app no longer knows (expired, or replayed).
    page.goto(f"{signed_app}/oauth2callback?state=expired-state&code=expired-code")
    page.get_by_text(T.LOGIN_FAILED).wait_for()
    assert T.LOGGED_AS.split(":")[0] not in page.inner_text("body")
