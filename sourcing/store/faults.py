"""What a buyer is told when the data folder refuses a write (full disk, read-only, no access), or
lacks the files of sources the catalogue lists, or holds them damaged (a folder moved without its
database, a volume not mounted, a partial backup restored, a failing disk).

Safety rule: a refused write changes nothing a buyer relies on. The version in use stays the
one CURRENT names (a new version is written aside and renamed into place last), and the service
puts the catalogue back as it was before the attempt (`sourcing.store.service`). Missing or
unreadable source files are found before anything is written: the version in use (or the demo, when none is
published) stays in service, and the message names each source and the file looked for.
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


class SourceFilesUnusable(RuntimeError):
    """Sources the catalogue lists whose files are missing from the data folder or unreadable; the
    message is French and names each source, the file looked for and what is wrong with it;
    `source_ids` are their catalogue ids (what an administrator removes when the files are lost)."""

    def __init__(self, message: str, source_ids: tuple[int, ...]) -> None:
        super().__init__(message)
        self.source_ids = source_ids


def unusable_files_error(unusable: list[tuple[int, str, Path, str]], folder: Path) -> SourceFilesUnusable:
    """The French error for the sources `unusable` ((id, label, file, « introuvable » or « illisible »),
    in the catalogue's order)."""
    named = " ; ".join(f"« {label} » ({path} : {problem})" for _, label, path, problem in unusable)
    return SourceFilesUnusable(
        f"Fichiers de source introuvables ou illisibles dans le dossier de données de l'annuaire ({folder}) : "
        f"{named}. La base de données recense ces sources mais le dossier ne contient pas leurs fichiers, ou "
        "des fichiers abîmés (dossier déplacé, volume non monté, sauvegarde incomplète, disque défaillant ?). "
        "Rien n'a été modifié : l'annuaire en service reste le dernier publié (ou l'annuaire de démonstration "
        "s'il n'y en a aucun). Rétablissez le dossier de données (variable SOURCING_DATA_DIR), ou retirez ces "
        "sources dans la page « Annuaire ».",
        tuple(source_id for source_id, *_ in unusable),
    )
