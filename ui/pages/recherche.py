"""Page script: search and map."""

from ui import search_page

search_page.render()
