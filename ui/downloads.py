"""The download buttons of every page: the file is built only when the button is clicked
(`data` is a callable), and the click does not rerun the page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath

from sourcing.exports.registry import slug


def download_button(
    container,
    label: str,
    *,
    data: Callable[[], bytes],
    file_name: str,
    mime: str,
    key: str,
    help: str | None = None,
    disabled: bool = False,
) -> None:
    """A download button in `container` (a column, the page, a form…) with the download icon."""
    container.download_button(
        label,
        data=data,
        file_name=file_name,
        mime=mime,
        icon=":material/download:",
        help=help,
        on_click="ignore",
        key=key,
        disabled=disabled,
    )


def report_file_name(source_filename: str | None) -> str:
    """The import report's download name: ``rapport-import-<file name without its extension>.csv``
    (never "annuaire.csv.csv")."""
    stem = PurePath(source_filename or "").stem if source_filename else ""
    return f"rapport-import-{slug(stem, 'annuaire')}.csv"
