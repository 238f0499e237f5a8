"""Bar charts with French number formats (1 000, 12,5 %) on axes and tooltips.

st.bar_chart formats numbers the Vega way (en-US: "1,000"); Vega-Lite's `config.locale` sets the
d3 number and date locale of one chart, so these charts are Altair charts carrying the French one.
"""

from __future__ import annotations

import json
from functools import lru_cache

import altair as alt
import pandas as pd

from ui import texts as T

# d3-format's French locale: comma decimal, narrow no-break space between thousands, "12,5 %".
FRENCH_NUMBER_LOCALE = {
    "decimal": ",",
    "thousands": "\u202f",
    "grouping": [3],
    "currency": ["", "\u00a0€"],
    "percent": "\u202f%",
}


def counts_chart(counts: pd.Series, *, horizontal: bool) -> alt.Chart:
    """Counts by category (kept in the Series' order), one bar each, French number formats."""
    frame = pd.DataFrame({"label": counts.index.astype(str), "n": counts.to_numpy()})
    order = list(frame["label"])
    value = alt.X if horizontal else alt.Y
    category = alt.Y if horizontal else alt.X
    chart = (
        alt.Chart(frame)
        .mark_bar(color="#000091")
        .encode(
            value("n:Q", title=T.CHART_UNIT, axis=alt.Axis(format=",d", tickMinStep=1)),
            category("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=220, labelOverlap=False)),
            tooltip=[alt.Tooltip("label:N", title=" "), alt.Tooltip("n:Q", title=T.CHART_UNIT, format=",d")],
        )
    )
    return chart.configure(locale=alt.Locale(number=FRENCH_NUMBER_LOCALE))


@lru_cache(maxsize=256)
def _counts_spec(labels: tuple[str, ...], values: tuple[int, ...], horizontal: bool) -> str:
    """`counts_chart`'s Vega-Lite spec as JSON (its rows inline), built and checked by Altair once per
    distinct counts: `st.altair_chart` redoes both at every rerun (~10 ms a chart, three on the search
    page), while the same counts come back at each rerun of a search."""
    spec = counts_chart(pd.Series(values, index=pd.Index(labels, dtype=object)), horizontal=horizontal).to_dict()
    spec.get("config", {}).pop("view", None)  # Altair's default theme: st.altair_chart leaves it out too
    return json.dumps(spec, ensure_ascii=False)


def bar_chart(container, counts: pd.Series, *, horizontal: bool = False, height: int = 320) -> None:
    """Draw `counts_chart` in `container` (a column or st)."""
    labels = tuple(str(label) for label in counts.index)
    spec = json.loads(_counts_spec(labels, tuple(int(v) for v in counts.to_numpy()), horizontal))
    container.vega_lite_chart(spec=spec, height=height, width="stretch")


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
