"""Page script: the procurement advisor."""

from ui import advice_page

advice_page.render()
