"""Shared fixtures. Real public extracts are read from ../shared (never copied here)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[1]


def _shared_dir() -> Path:
    env = os.environ.get("SHARED_DIR")
    return Path(env) if env else PROJECT_DIR.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    path = _shared_dir()
    if not (path / "realdata").is_dir():
        pytest.fail(f"shared/ not found at {path}: set SHARED_DIR to the folder holding realdata/")
    return path


@pytest.fixture(scope="session")
def realdata(shared_dir: Path) -> Path:
    return shared_dir / "realdata"
