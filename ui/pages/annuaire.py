"""Page script: the loaded directory and its import report."""

from ui import directory_page

directory_page.render()
