"""The source row of each imported supplier, verbatim: kept beside the directory, not in it.

The directory (what is searched, merged and shown) holds the canonical columns only. The file's own
cells stay in the table as read, with the position of each supplier's row; they become `raw:<header>`
columns only when asked (`frame()`), or go to their own Parquet file beside the directory
(`write_parquet`, `raw_path`), read back by `read_raw` for traceability. At 1,000,000 rows this keeps a
copy of every cell of the file out of the import's memory and out of every load of the directory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sourcing.formats.base import RawTable
from sourcing.model import RAW_PREFIX

RAW_SUFFIX = ".raw.parquet"


@dataclass
class RawRows:
    """Row i of the directory came from row ``positions[i]`` of ``table``; ``patches`` are the blank cells
    that a merged duplicate filled ({raw column: Series of values indexed by directory row})."""

    table: RawTable
    positions: np.ndarray
    patches: dict[str, pd.Series] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.positions)

    @property
    def columns(self) -> list[str]:
        return [RAW_PREFIX + c for c in self.table.columns]

    def compact(self, min_rows: int = 10_000) -> None:
        """Source columns whose values repeat (at most one distinct value per two rows: legal forms, kinds,
        sectors, codes, communes) held as categoricals, each distinct text once, in the table itself; every
        reader of the cells gets text back (`frame`, `text_frame`). At 1,000,000 rows the file's cells are
        the largest thing an import holds."""
        frame = self.table.frame()
        if len(frame) < min_rows:
            return
        for column in frame.columns:
            values = frame[column]
            if values.dtype != "str" or values.hasnans:
                continue
            sample = values.iloc[:min_rows]
            if 2 * sample.nunique() > len(sample):  # names, e-mails, SIRETs: no full pass to learn they vary
                continue
            codes, uniques = pd.factorize(values)
            if 2 * len(uniques) <= len(values):
                frame[column] = pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype="str"))

    def frame(self) -> pd.DataFrame:
        """The `raw:<header>` columns, one row per supplier of the directory (index 0..n-1)."""
        source = self.table.frame()
        positions = np.asarray(self.positions)
        if len(positions) == len(source) and np.array_equal(positions, np.arange(len(source))):
            keep = None  # every row kept in order: the columns as read, not copied
        elif len(positions) and bool((np.diff(positions) > 0).all()):
            keep = np.zeros(len(source), dtype=bool)  # ascending: a mask filters each Arrow chunk in place
            keep[positions] = True
        else:
            keep = positions
        raw = pd.DataFrame(
            {RAW_PREFIX + name: _rows_as_text(source[name], keep) for name in source.columns},
            index=pd.RangeIndex(len(positions)),
            copy=False,
        )
        for column, values in self.patches.items():
            raw[column] = raw[column].copy()
            raw.loc[values.index, column] = values.to_numpy()
        return raw

    def write_parquet(self, path: Path) -> None:
        from sourcing.store.files import write_parquet

        write_parquet(self.frame(), path)


def _rows_as_text(values: pd.Series, keep: np.ndarray | None) -> pd.Series:
    """The rows ``keep`` (a mask, positions, or None for all) of a source column, as text: a categorical
    (`RawRows.compact`) spelt out by Arrow from its codes (pandas' `astype` went through a Python string
    per row: 2.8 s for a 1,000,000-row file's columns)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        codes = codes if keep is None else codes[keep]
        if len(codes) and (codes >= 0).all():
            categories = pa.array(values.cat.categories.to_numpy(dtype=object), type=pa.large_string())
            return pd.Series(pc.take(categories, pa.array(codes)), dtype="str").reset_index(drop=True)
        values = values.astype("str")
    if keep is None:
        return values.reset_index(drop=True)
    return pd.Series(values.array[keep], copy=False)


def text_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with its categorical columns (`RawRows.compact`) as text again."""
    categorical = [c for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)]
    return frame.astype(dict.fromkeys(categorical, "str")) if categorical else frame


def raw_path(directory_path: str | Path) -> Path:
    """Where the raw rows of a directory Parquet live: `annuaire.parquet` -> `annuaire.raw.parquet`."""
    path = Path(directory_path)
    return path.with_name(path.name.removesuffix(".parquet") + RAW_SUFFIX)


def read_raw(directory_path: str | Path) -> pd.DataFrame:
    """The source rows kept beside a directory Parquet (FileNotFoundError when none were written)."""
    from sourcing.store.files import read_parquet

    return read_parquet(raw_path(directory_path))
