"""What a buyer is told when the data folder refuses a write (full disk, read-only, no access).

Safety rule: a refused write changes nothing a buyer relies on. The version in use stays the
one CURRENT names (a new version is written aside and renamed into place last), and the service
puts the catalogue back as it was before the attempt (`sourcing.store.service`).
"""

from __future__ import annotations

import errno
from pathlib import Path

_REASONS = {
    errno.ENOSPC: "le disque est plein",
    errno.EDQUOT: "le quota de disque est atteint",
    errno.EROFS: "le dossier est en lecture seule",
    errno.EACCES: "l'accès en écriture est refusé",
    errno.EPERM: "l'accès en écriture est refusé",
}


class StoreWriteError(RuntimeError):
    """The data folder refused a write; the message is French and says where and why."""


def write_error(exc: OSError, folder: Path) -> StoreWriteError:
    """The French error for `exc`, raised while writing under `folder`."""
    reason = _REASONS.get(exc.errno or 0, exc.strerror or str(exc))
    return StoreWriteError(
        f"Impossible d'écrire dans le dossier de données de l'annuaire ({folder}) : {reason}. "
        "Rien n'a été modifié : l'annuaire en service et les listes restent tels quels. "
        "Libérez de la place ou rétablissez l'écriture, puis recommencez (ou prévenez l'administrateur)."
    )
