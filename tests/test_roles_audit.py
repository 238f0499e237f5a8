"""Roles and the audit trail: only administrators add or remove directory sources (checked by the
service, not only hidden by the page), and who did what is kept in the database for them."""

from __future__ import annotations

import pytest

from sourcing import roles
from sourcing.db import audit, service, session_scope, upgrade_database
from sourcing.store import files
from sourcing.store import service as store
from tests.helpers import DIRECTORY_PAGE, TEST_DATA_DIR, open_page
from ui import texts as T

SIAE67 = TEST_DATA_DIR / "realdata/les-emplois/siae67.csv"
ADMIN, BUYER = "admin@ville.fr", "acheteur@ville.fr"


@pytest.fixture(autouse=True)
def _no_configured_admins(monkeypatch):
    """Each test starts with no administrator named (the app's settings are a process global)."""
    monkeypatch.delenv(roles.ADMINS_ENV, raising=False)
    roles.set_configured_admins([])
    yield
    roles.set_configured_admins([])


@pytest.fixture
def team_db(db_url, monkeypatch):
    """The service's database is `db_url` (SQLite and PostgreSQL), its own data folder; ADMIN administers."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv(roles.ADMINS_ENV, f" {ADMIN.upper()} , other@ville.fr")
    upgrade_database()
    return db_url


# --- Who is an administrator ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "configured", "user", "expected"),
    [
        ("", [], "local", True),  # single-user mode: the one user administers
        ("", [], ADMIN, False),  # nobody named: signed-in users are not administrators
        (ADMIN, [], ADMIN, True),
        (f"x@y.fr,{ADMIN.upper()}", [], ADMIN, True),  # case-insensitive, in a comma list
        ("", [f"  {ADMIN} "], ADMIN, True),  # from the secrets, spaces ignored
        (ADMIN, [], BUYER, False),
        (ADMIN, [], "", False),
        (ADMIN, [], None, False),
        (",,", [""], "", False),  # empty names never match an empty user
    ],
)
def test_who_is_an_administrator(monkeypatch, env, configured, user, expected):
    monkeypatch.setenv(roles.ADMINS_ENV, env)
    roles.set_configured_admins(configured)
    assert roles.is_admin(user) is expected


def test_refusal_is_french_and_names_the_user():
    with pytest.raises(PermissionError, match=r"Seuls les administrateurs de l'annuaire peuvent retirer.*acheteur"):
        roles.require_admin(BUYER, "retirer une source")
    with pytest.raises(PermissionError, match="non connecté"):
        roles.require_admin(None, "retirer une source")


# --- The service refuses a non-administrator, and writes nothing -------------------------------------


def _store_files() -> set[str]:
    root = files.store_dir()
    return {str(p.relative_to(root)) for p in root.rglob("*")} if root.exists() else set()


def test_non_admin_cannot_add_a_source_through_the_service(team_db):
    with pytest.raises(PermissionError, match="ajouter ou remplacer une source"):
        store.add_source(SIAE67.read_bytes(), SIAE67.name, label="SIAE 67", added_by=BUYER)
    assert store.sources() == [] and store.current_number() == 0
    assert not any(name.startswith("sources/") for name in _store_files())  # not even the imported file
    assert audit.recent_events(ADMIN) == []


def test_non_admin_cannot_remove_a_source_through_the_service(team_db):
    source = store.add_source(SIAE67.read_bytes(), SIAE67.name, label="SIAE 67", added_by=ADMIN)
    before = store.current_number()
    for user in (BUYER, "", None):
        with pytest.raises(PermissionError, match="retirer une source"):
            store.remove_source(source.id, removed_by=user)
    assert [s.id for s in store.sources()] == [source.id] and store.current_number() == before
    store.remove_source(source.id, removed_by=ADMIN)
    assert store.sources() == []


# --- The audit trail --------------------------------------------------------------------------------


def test_trail_records_sources_and_lists_with_who_and_when(team_db):
    source = store.add_source(SIAE67.read_bytes(), SIAE67.name, label="SIAE 67", added_by=ADMIN)
    store.remove_source(source.id, removed_by=ADMIN)
    with session_scope() as s:
        sid = service.create_shortlist(s, BUYER, "Nettoyage").id
    with session_scope() as s:
        service.share_shortlist(s, BUYER, sid, "collegue@ville.fr")
        service.share_shortlist(s, BUYER, sid, "collegue@ville.fr")  # shared twice: one event
        service.unshare_shortlist(s, BUYER, sid, "collegue@ville.fr")
        service.unshare_shortlist(s, BUYER, sid, "personne@ville.fr")  # not shared with them: no event
    with pytest.raises(PermissionError), session_scope() as s:  # refused: nothing recorded
        service.delete_shortlist(s, "intrus@ville.fr", sid, confirm=True)
    with session_scope() as s:
        service.delete_shortlist(s, BUYER, sid, confirm=True)
    events = audit.recent_events(ADMIN)
    assert [(e.actor, e.action, e.subject, e.detail) for e in reversed(events)] == [
        (ADMIN, "source_added", "SIAE 67", SIAE67.name),
        (ADMIN, "source_removed", "SIAE 67", SIAE67.name),
        (BUYER, "list_shared", "Nettoyage", "collegue@ville.fr"),
        (BUYER, "list_unshared", "Nettoyage", "collegue@ville.fr"),
        (BUYER, "list_deleted", "Nettoyage", ""),
    ]
    assert all(e.at.tzinfo is not None for e in events)
    assert [e.at for e in events] == sorted((e.at for e in events), reverse=True)


def test_a_rolled_back_change_leaves_no_event(team_db):
    with session_scope() as s:
        sid = service.create_shortlist(s, BUYER, "Espaces verts").id
    with pytest.raises(RuntimeError), session_scope() as s:
        service.share_shortlist(s, BUYER, sid, "collegue@ville.fr")
        raise RuntimeError("crash before commit")
    assert audit.recent_events(ADMIN) == []


def test_only_administrators_read_the_trail(team_db):
    with pytest.raises(PermissionError, match="journal"):
        audit.recent_events(BUYER)


# --- The page: a non-administrator sees no add or remove, an administrator sees them and the trail ---


def _directory_page(user: str):
    at = open_page(DIRECTORY_PAGE, user={"is_logged_in": True, "email": user}, auth=True)
    at.secrets["sourcing"] = {"admins": [ADMIN]}
    at.run()
    assert not at.exception
    return at


def test_non_admin_cannot_add_or_remove_a_source_through_the_page():
    upgrade_database()
    store.add_source(SIAE67.read_bytes(), SIAE67.name, label="SIAE 67")
    at = _directory_page(BUYER)
    labels = [e.label for e in at.expander]
    assert T.UPLOAD_HEADER not in labels and T.SOURCE_REMOVE not in labels and T.AUDIT_HEADER not in labels
    assert any(T.SOURCES_ADMIN_ONLY in i.value for i in at.info)
    assert not [b for b in at.button if b.label in (T.UPLOAD_BUTTON, T.SOURCE_REMOVE_BUTTON)]


def test_admin_sees_add_remove_and_the_trail_on_the_page():
    upgrade_database()
    store.add_source(SIAE67.read_bytes(), SIAE67.name, label="SIAE 67")
    at = _directory_page(ADMIN)
    labels = [e.label for e in at.expander]
    assert {T.UPLOAD_HEADER, T.SOURCE_REMOVE, T.AUDIT_HEADER} <= set(labels)
    trail = next(e for e in at.expander if e.label == T.AUDIT_HEADER).dataframe[0].value
    assert list(trail[T.AUDIT_COLUMNS["action"]]) == [T.AUDIT_ACTIONS["source_added"]]
    assert list(trail[T.AUDIT_COLUMNS["actor"]]) == ["local"]


def test_every_audit_action_has_its_french_label():
    from sourcing.db.models import AUDIT_ACTIONS

    assert set(T.AUDIT_ACTIONS) == set(AUDIT_ACTIONS)
