"""Session state, initialised in one place, and the caches the pages share.

Caches are keyed on small values (the directory key: "demo", or "v<N>-<id>" for version N of the
team's directory store, <id> naming its folder and build), never on the file bytes or a DataFrame.
The key is read again at every rerun, so a version published by another buyer, process or the CLI
is picked up at the next one.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import streamlit as st

from sourcing import roles
from sourcing.db import LOCAL_USER, database_url, upgrade_database
from sourcing.directory import demo_parquet, demo_report, load_demo
from sourcing.normalise import ImportReport
from sourcing.search import SearchIndex, stored
from sourcing.search.choices import TerritoryNames, sector_names
from sourcing.search.choices import territory_names as gazetteer_territory_names
from sourcing.search.flatlist import FlatList, saved_or_flattened
from sourcing.store import faults as store_faults
from sourcing.store import files as store_files
from sourcing.store import service as store
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
    st.session_state.directory_key = current_directory_key()
    roles.set_configured_admins(_configured_admins())


def current_directory_key() -> str:
    """ "v<N>-<id>" for the store's current version, "demo" while the team's directory has no source.
    A small file read: cheap enough for every rerun, which is how new versions are picked up."""
    directory_problem()  # told on every page (app.py); the version in use, or the demo, meanwhile
    version = store.current_version()
    if version.is_empty:
        return DEMO_KEY
    # The number alone is not enough: a data folder restored from a backup (or another folder, as
    # tests use in one process) can publish a different version under the same number, and the
    # caches below would serve the old one. The build time and the folder make the key unique.
    identity = hashlib.sha1(f"{store_files.store_dir()}|{version.built_at}".encode()).hexdigest()[:10]
    return f"v{version.number}-{identity}"


@st.cache_resource(show_spinner=False)
def _synced(url: str) -> bool:
    """Once per process and database: settle what a crashed build left (see store.sync). Unusable source
    files raise SourceFilesUnusable, which is not cached (see `directory_problem`)."""
    store.sync()
    return True


# The last failure, by database: the folder's state when it happened, and the fault.
_FAILED: dict[str, tuple[tuple, store_faults.SourceFilesUnusable]] = {}


def directory_problem() -> store_faults.SourceFilesUnusable | None:
    """Why the team's directory cannot be built from its catalogue (its message French: the sources whose
    files are missing or unreadable; their ids), None when all agrees. The app keeps serving the last
    version (or the demo) meanwhile, and says so on every page. A failure is tried again once the folder
    changes (a file put back, a version published), not at every run: a file damaged past its footer is
    found only by reading every source, seconds at 1,000,000 suppliers. When all agrees this is `_synced`'s
    cached answer, as before."""
    if not database_ready():
        return None
    url = database_url()
    failed = _FAILED.get(url)
    if failed is not None and failed[0] == _folder_state():
        return failed[1]
    try:
        _synced(url)
    except store_faults.SourceFilesUnusable as exc:
        _FAILED.clear()
        _FAILED[url] = (_folder_state(), exc)  # a failed build wrote nothing there: the state it met
        return exc
    _FAILED.pop(url, None)
    return None


def _folder_state() -> tuple:
    """What changes when the data folder's sources or its version in use do (names, sizes, times)."""
    root = store_files.store_dir()
    current = root / "CURRENT"
    stats = [(p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in (root / "sources").glob("*.parquet")]
    return str(root), current.read_bytes() if current.exists() else b"", tuple(sorted(stats))


def version_number(key: str) -> int:
    """ "v12-3fa9c01b2e" -> 12; the demo -> 0."""
    return int(key[1:].split("-")[0]) if key.startswith("v") else 0


@st.cache_resource(show_spinner=T.SPINNER_DIRECTORY, max_entries=4)
def load_directory(key: str) -> pd.DataFrame:
    return _read_directory(key)


@st.cache_data(max_entries=8)
def load_report(key: str) -> dict | None:
    """The demo's import report; the store's sources keep theirs (see store.source_report)."""
    return demo_report() if key == DEMO_KEY else None


@st.cache_resource(show_spinner=T.SPINNER_SEARCH, max_entries=4)
def search_index(key: str) -> SearchIndex:
    """The search index of a directory (the search and advice pages share it): read from the disk
    where a previous process saved it, else built and saved (`sourcing.search.stored`).

    The index stays lazy: its arrays and its table are memory-mapped, a search takes only the rows and
    columns it shows from the table. No page reads `index.frame`, the whole directory as a pandas
    DataFrame (10 s and 1.3 GB at a million suppliers): each takes the columns and rows it needs
    (tests/test_frame_never_loaded.py); a caller that did would share it with `load_directory`."""
    folder, stamp = _index_place(key)
    index = stored.load(folder, lambda: load_directory(key), stamp)
    if index is None:  # the first process on this version: build and save it, then map what was saved
        built = stored.load_or_build(folder, lambda: _read_directory(key), stamp=stamp)
        index = stored.load(folder, lambda: load_directory(key), stamp) or built
    return index


def _index_place(key: str) -> tuple[Path, str]:
    """Where the directory's search index is saved, and the stamp of the directory file it indexes."""
    if key == DEMO_KEY:
        parquet = demo_parquet()
        return parquet.with_suffix(".search-index"), stored.file_stamp(parquet)
    folder = stored.index_dir(store_files.version_dir(store_files.store_dir(), version_number(key)))
    return folder, stored.file_stamp(folder.parent / "directory.parquet")


@st.cache_resource(show_spinner=False, max_entries=4)
def facet_lists(key: str) -> dict[str, FlatList] | None:
    """The directory's kinds and sectors flattened (the search page's charts count them over every
    result): as the saved index keeps them (read, 30-40 ms); for an index saved without them, flattened once per
    process from its own mapped table (0.7-0.85 s at 1,000,000 suppliers); None when the index is not saved
    (a read-only folder: the charts then take the rows). Loading the index a second time for them
    held 0.45 GB more at once at 1,000,000 suppliers."""
    return saved_or_flattened(search_index(key))


def _read_directory(key: str) -> pd.DataFrame:
    """The directory, not kept in `load_directory`'s cache (building the index needs it once)."""
    return load_demo() if key == DEMO_KEY else store.read_version(version_number(key))


@st.cache_resource
def sector_labels() -> dict[str, str]:
    """Sector id -> "Group › Label", as the sector pickers offer them."""
    return sector_names(with_group=True)


@st.cache_resource
def territory_names() -> TerritoryNames:
    """Code -> readable name of départements, régions and EPCI (the search filters and card)."""
    return gazetteer_territory_names()


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


SESSION_COOKIE = "_streamlit_session"  # Streamlit's Starlette session, where Authlib keeps a sign-in's state


def sign_in_unfinished() -> bool:
    """True when a sign-in was started and did not end signed in: the provider refused it, or its
    answer came back expired or replayed. Streamlit then just shows the app again; the sign-in's
    state ("_state_<provider>_<code>") is left in its session cookie, which is how it is told
    apart from a first visit. (A successful sign-in removes that state.)"""
    import base64
    import json

    value = st.context.cookies.get(SESSION_COOKIE, "")
    if not isinstance(value, str):  # no request behind the session (a script run under AppTest)
        return False
    try:
        payload = value.split(".", 1)[0]
        session = json.loads(base64.b64decode(payload + "=" * (-len(payload) % 4)))
    except ValueError:
        return False
    return isinstance(session, dict) and any(str(k).startswith("_state_") for k in session)


def _configured_admins() -> list[str]:
    """`[sourcing] admins = [...]` from the secrets (none when there is no secrets file)."""
    try:
        return list(st.secrets.get("sourcing", {}).get("admins", []))
    except FileNotFoundError:
        return []


def is_admin() -> bool:
    """Whether the current user administers the directory (everyone in single-user mode)."""
    return roles.is_admin(current_user())


def database_ready() -> bool:
    """Apply the schema migrations once per server process and database (a no-op when current)."""
    return _migrated(database_url())


@st.cache_resource(show_spinner=False)
def _migrated(url: str) -> bool:
    upgrade_database(url)
    return True


@st.cache_data(max_entries=64, show_spinner=False)
def supplier_sources(key: str, supplier_id: str) -> pd.DataFrame | None:
    """Where each value of a supplier comes from (store versions only; None for the demo)."""
    from sourcing.store import provenance

    if key == DEMO_KEY:
        return None
    return provenance.supplier_sources(version_number(key), str(supplier_id))
