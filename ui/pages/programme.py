"""Page script: the purchasing programme and the annual report."""

from ui import plan_page

plan_page.render()
