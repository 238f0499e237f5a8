"""Sourcing ESS: find social and solidarity economy suppliers for French public buyers.

The domain package. Nothing in here imports Streamlit: the app (`app.py`) and the
CLI (`python -m sourcing`) are thin layers over these modules.
"""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
DATA_DIR = PROJECT_DIR / "data"
