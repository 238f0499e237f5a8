"""Persistence of shortlists and meetings (SQLAlchemy; SQLite by default, PostgreSQL when
DATABASE_URL says so). No Streamlit here. `sourcing.db.service` (pandas) is imported on demand.

    from sourcing.db import service, session_scope, upgrade_database
    upgrade_database()                      # once at startup
    with session_scope() as s:
        sl = service.create_shortlist(s, "local", "Nettoyage 2026")
"""

from sourcing.db.engine import database_url, dispose_engines, get_engine, session_scope, upgrade_database
from sourcing.db.models import LOCAL_USER, STATUSES

__all__ = [
    "LOCAL_USER",
    "STATUSES",
    "database_url",
    "dispose_engines",
    "get_engine",
    "session_scope",
    "upgrade_database",
]
