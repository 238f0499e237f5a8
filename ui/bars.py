"""Count charts as plain HTML horizontal bars, made on the server (the search page's « Répartition »).

No JavaScript and no Vega: each chart is one `st.html` element that the browser lays out like any
text, instead of Vega's large script parsed and three charts drawn before the page is at rest.
Each row is a list item: the label, a bar whose CSS width is its count's share of the longest
(100 %), and the count in French (« 12 345 », narrow no-break space). The bar is decorative
(aria-hidden); a screen reader reads the text, « ESAT : 632 ».

Safety rule: every label and title is escaped with `html.escape`, ours included (sector names come
from the taxonomy, kinds from the model): a label such as `<img src=x onerror=...>` shows as the
characters it is made of. Counts are written as numbers. The styles are classes in a <style>
element plus one `width` per bar, both kept by st.html's sanitiser (DOMPurify, html profile).
"""

from __future__ import annotations

from html import escape

import pandas as pd

from sourcing.frenchfmt import french_number

BAR_COLOUR = "#000091"

# `.ess-bars > ul.ess-rows` outranks st.html's own list rule (`.stHtml ul`: a left padding).
STYLE = f"""<style>
.ess-bars > ul.ess-rows {{
  list-style: none; margin: 0; padding: 0; display: grid; gap: 0.3rem 0.6rem;
  grid-template-columns: fit-content(45%) minmax(3rem, 1fr) auto; align-items: center;
  font-size: 0.875rem; line-height: 1.25;
}}
.ess-bars > ul.ess-rows > li {{ display: grid; grid-column: 1 / -1; grid-template-columns: subgrid; margin: 0; }}
.ess-bars .ess-label {{ overflow-wrap: anywhere; }}
.ess-bars .ess-track {{ display: block; height: 0.8rem; }}
.ess-bars .ess-bar {{
  display: block; height: 100%; min-width: 2px; background: {BAR_COLOUR}; border-radius: 0 2px 2px 0;
}}
.ess-bars .ess-count {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}
.ess-bars .ess-sr {{
  position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap;
}}
.ess-bars .ess-empty {{ margin: 0; opacity: 0.7; font-size: 0.875rem; }}
</style>"""


def bar_width(count: int, longest: int) -> str:
    """The bar's CSS width: its share of ``longest`` in % (CSS syntax: a dot, at most two decimals; a
    count too small for them still shows, `STYLE` gives every bar 2 px at least)."""
    if longest <= 0 or count <= 0:
        return "0%"
    return f"{100 * count / longest:.2f}".rstrip("0").removesuffix(".") + "%"


def _row(label: object, count: int, longest: int) -> str:
    bar = f'<span class="ess-bar" style="width:{bar_width(count, longest)}"></span>' if count > 0 else ""
    return (
        f'<li><span class="ess-label">{escape(str(label))}<span class="ess-sr"> : </span></span>'
        f'<span class="ess-track" aria-hidden="true">{bar}</span>'
        f'<span class="ess-count">{french_number(count)}</span></li>'
    )


def bars_html(counts: pd.Series, *, title: str, empty: str) -> str:
    """One chart: a row per entry of ``counts`` (label -> count), in the Series' order; ``title``
    names the list for screen readers, ``empty`` is said when there is nothing to count."""
    values = [int(v) for v in counts.to_numpy()]
    if not values:
        body = f'<p class="ess-empty">{escape(empty)}</p>'
    else:
        longest = max(values)
        rows = "".join(_row(label, n, longest) for label, n in zip(counts.index, values, strict=True))
        body = f'<ul class="ess-rows" aria-label="{escape(title)}">{rows}</ul>'
    return f'{STYLE}<div class="ess-bars">{body}</div>'
