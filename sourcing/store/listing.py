"""The team's sources as a buyer reads them: dates, ages, staleness, families (French)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from sourcing.store import dates
from sourcing.store.service import SourceInfo, Version


def sources_frame(version: Version, today=None) -> pd.DataFrame:
    """The sources of a version as a buyer reads them: dates, ages, staleness, families (French)."""
    return sources_table(version.sources, today)


def sources_table(sources: Iterable[SourceInfo], today=None) -> pd.DataFrame:
    """`sources` as `sources_frame` shows a version's."""
    from sourcing.model import FAMILIES

    rows = []
    for s in sources:
        age = dates.age_days(s.data_date, today)
        rows.append({
            "id": s.id, "label": s.label, "format_label": s.format_label, "suppliers": s.suppliers,
            "rows": f"{s.rows_read} / {s.rows_loaded} / {s.rows_rejected}",
            "data_date": dates.french_date(s.data_date), "age": dates.french_age(age),
            "stale": dates.is_stale(s.data_date, today), "families": ", ".join(FAMILIES[f] for f in s.families),
            "added": f"{s.added_by}, {dates.french_date(s.added_at[:10])}",
        })  # fmt: skip
    return pd.DataFrame(rows, columns=["id", "label", "format_label", "suppliers", "rows", "data_date", "age",
                                       "stale", "families", "added"])  # fmt: skip
