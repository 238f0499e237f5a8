"""Bar charts with French number formats (1 000, 12,5 %) on axes and tooltips (plan and annual report).

st.bar_chart formats numbers the Vega way (en-US: "1,000"); Vega-Lite's `config.locale` sets the
d3 number and date locale of one chart, so these charts are Altair charts carrying the French one.
The search page's count charts are plain HTML bars instead (`ui.bars`).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

# d3-format's French locale: comma decimal, narrow no-break space between thousands, "12,5 %".
FRENCH_NUMBER_LOCALE = {
    "decimal": ",",
    "thousands": "\u202f",
    "grouping": [3],
    "currency": ["", "\u00a0€"],
    "percent": "\u202f%",
}


def measures_chart(
    frame: pd.DataFrame,
    *,
    category: str,
    measures: list[str],
    horizontal: bool = False,
    number_format: str = ",d",
) -> alt.Chart:
    """One bar per category and measure (grouped side by side when several), French number formats.

    Field names go through a long table ("série", "valeur") so a column title with an apostrophe
    (« Heures d'insertion ») is data, never a Vega-Lite field expression.
    """
    long = frame.melt(id_vars=[category], value_vars=measures, var_name="serie", value_name="valeur")
    long = long.rename(columns={category: "categorie"})
    long["categorie"] = long["categorie"].astype(str)
    order = list(dict.fromkeys(long["categorie"]))
    value = alt.X if horizontal else alt.Y
    group = alt.Y if horizontal else alt.X
    offset = {"yOffset": "serie:N"} if horizontal else {"xOffset": "serie:N"}
    title = measures[0] if len(measures) == 1 else None
    encoding = {
        **(offset if len(measures) > 1 else {}),
        "color": alt.Color("serie:N", title=None, legend=alt.Legend(orient="bottom", labelLimit=400))
        if len(measures) > 1
        else alt.value("#000091"),
        "tooltip": [
            alt.Tooltip("categorie:N", title=category),
            alt.Tooltip("serie:N", title=" "),
            alt.Tooltip("valeur:Q", title=" ", format=number_format),
        ],
    }
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            value("valeur:Q", title=title, axis=alt.Axis(format=number_format)),
            group(
                "categorie:N", title=None, sort=order, axis=alt.Axis(labelLimit=320, labelOverlap=False, labelAngle=0)
            ),
            **encoding,
        )
    )
    return chart.configure(locale=alt.Locale(number=FRENCH_NUMBER_LOCALE))


def measures_bar_chart(container, frame: pd.DataFrame, *, height: int = 320, **options) -> None:
    """Draw `measures_chart` in `container` (a column or st)."""
    container.altair_chart(measures_chart(frame, **options), height=height, width="stretch")
