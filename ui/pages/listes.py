"""Page script: shortlists and buyer–supplier meetings."""

from ui import lists_page

lists_page.render()
