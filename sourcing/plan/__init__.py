"""Purchasing programme: a year's purchases read from the buyer's spreadsheet, every line through
the advisor, and the programme's views and files. Never imports streamlit.

Layout: `values` (cells as buyers type them: amounts, dates, durations, natures), `columns`
(header matching and the real header under merged title rows), `programme` (`read_programme`,
`read_frame`: lines and the row report, ``rows_read == analysed + rejected``), `analysis`
(`analyse`: levers, eligible suppliers by family, hours, opportunities; `PlanContext` keeps what
no line changes), `views` (the French tables), `exports` (workbook, summary for elected
officials), `actions` (a line to a shortlist and a meeting), `contracts` (the annual report
from the buyer's notified contracts), `cli` (`python -m sourcing plan`).
"""
