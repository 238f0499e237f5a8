"""The download buttons of every page: the file is built only when the button is clicked
(`data` is a callable), and the click does not rerun the page."""

from __future__ import annotations

from collections.abc import Callable


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
