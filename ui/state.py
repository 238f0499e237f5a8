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
