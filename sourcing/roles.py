"""Who administers the team's directory: adds and removes its sources, reads the audit trail.

Administrators are named in the settings, by e-mail (or OIDC subject), case-insensitive:
- the environment variable `SOURCING_ADMINS` (comma-separated), read at every check;
- the app's secrets (`[sourcing] admins = [...]` in `.streamlit/secrets.toml`), handed over by
  the app at each rerun through `set_configured_admins`.
In single-user mode the one user, "local", administers everything (so does the CLI, which acts
as "local": whoever runs it already has the server's files).

Safety rule: the check is made here, in the domain layer the service calls, not only by the
page hiding its buttons; a refused action raises PermissionError with a French message.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Final

from sourcing.db.models import LOCAL_USER

ADMINS_ENV: Final[str] = "SOURCING_ADMINS"

_configured: frozenset[str] = frozenset()


def _clean(users: Iterable[str]) -> frozenset[str]:
    return frozenset(u.strip().lower() for u in users if u and u.strip())


def set_configured_admins(users: Iterable[str]) -> None:
    """The administrators the app's settings name (replaces the previous ones)."""
    global _configured
    _configured = _clean(users)


def admins() -> frozenset[str]:
    """Every administrator: the environment's and the settings'."""
    return _clean(os.environ.get(ADMINS_ENV, "").split(",")) | _configured


def is_admin(user: str | None) -> bool:
    """True for "local" (single-user mode) and for the users the settings name."""
    if not user:
        return False
    return user == LOCAL_USER or user.strip().lower() in admins()


def require_admin(user: str | None, action: str) -> None:
    """PermissionError (French) unless `user` administers the directory; `action` says what was refused."""
    if not is_admin(user):
        who = f"« {user} »" if user else "un utilisateur non connecté"
        raise PermissionError(
            f"Seuls les administrateurs de l'annuaire peuvent {action} ; {who} n'en fait pas partie. "
            "Demandez à un administrateur de le faire, ou de vous ajouter à la liste des administrateurs."
        )
