"""Session state, initialised in one place, and the caches the pages share.

Caches are keyed on small values (a directory key such as "demo" or the SHA-1 of an
uploaded file), never on the file bytes or a DataFrame.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import streamlit as st

from sourcing.db import LOCAL_USER, database_url, upgrade_database
from sourcing.directory import cache_dir, demo_report, load_demo, load_parquet, save_parquet
from sourcing.importer import import_bytes
from sourcing.normalise import ImportReport
from ui import texts as T

DEMO_KEY = "demo"
DEFAULTS = {
    "directory_key": DEMO_KEY,
    "selected_id": None,  # supplier shown in the detail panel
    "last_map_click": None,  # to tell a new marker click from the previous one
    "last_table_pick": None,
    "map_focus": None,  # (lat, lon) to centre the map on, from "voir sur la carte"
    "shortlist_pick": None,  # the list open on "Listes et rencontres"
    "meeting_pick": None,
    "target_list": None,  # the list the search page adds suppliers to
    "entries_revision": 0,  # bumped after each save, so the list's grid redraws from the database
    "last_table_rows": (),  # ids checked in the results grid at the previous run
}


def init_state() -> None:
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, value)


def _upload_dir() -> Path:
    path = cache_dir() / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


@st.cache_resource(show_spinner=T.SPINNER_DIRECTORY, max_entries=4)
def load_directory(key: str) -> pd.DataFrame:
    if key == DEMO_KEY:
        return load_demo()
    return load_parquet(_upload_dir() / f"{key}.parquet")


@st.cache_data(max_entries=8)
def load_report(key: str) -> dict | None:
    if key == DEMO_KEY:
        return demo_report()
    path = _upload_dir() / f"{key}.report.json"
    return json.loads(path.read_text()) if path.exists() else None


def import_upload(content: bytes, filename: str, progress) -> str:
    """Import an uploaded file once; returns its key. Re-uploading the same bytes is free."""
    key = hashlib.sha1(content).hexdigest()[:20]
    parquet = _upload_dir() / f"{key}.parquet"
    if not parquet.exists():
        result = import_bytes(content, filename, progress=progress)
        save_parquet(result.directory, parquet)
        (_upload_dir() / f"{key}.report.json").write_text(json.dumps(result.report.to_dict(), ensure_ascii=False))
    return key


def report_from_dict(data: dict) -> ImportReport:
    return ImportReport(**data)


# --- Users and the database ---------------------------------------------------------------------


def auth_enabled() -> bool:
    """Authentication is on when `.streamlit/secrets.toml` has an `[auth]` section (st.login with an
    OIDC provider such as ProConnect); otherwise the app is single-user and local."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets file at all: local mode
        return False
    except Exception:  # an unreadable secrets file must not open the app to everyone as "local"
        return True


def current_user() -> str | None:
    """Who owns the lists being read or written: "local" in single-user mode, the e-mail (or the
    OIDC subject) of the signed-in buyer with authentication on, None when nobody is signed in."""
    if not auth_enabled():
        return LOCAL_USER
    if not st.user.is_logged_in:
        return None
    return str(st.user.get("email") or st.user.get("sub") or "") or None


def database_ready() -> bool:
    """Apply the schema migrations once per server process and database (a no-op when current)."""
    return _migrated(database_url())


@st.cache_resource(show_spinner=False)
def _migrated(url: str) -> bool:
    upgrade_database(url)
    return True
