"""Tables for French Excel users: the supplier table as buyers read it (French headers), and
CSV and XLSX files of any table.

Safety rule (OWASP "CSV injection"): any cell that starts with `=`, `+`, `-`, `@`, a tab or a
carriage return is prefixed with an apostrophe (`neutralise_cell`), so that Excel or LibreOffice
shows it as text instead of evaluating it; applied to every exported text cell. In XLSX every
text cell is also written with `write_string`, so no exported value can ever become a formula.
Identifiers (SIRET, postal codes, phone numbers) are text, never numbers: leading zeros survive.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sourcing.frenchfmt import french_number
from sourcing.model import field_label, field_labels
from sourcing.store.dates import is_stale

if TYPE_CHECKING:
    import xlsxwriter

# canonical column -> French header, in table order. Distance, status and notes only when present.
HEADERS: dict[str, str] = field_labels(
    "name",
    "siret",
    "kinds",
    "sectors",
    "city",
    "postal_code",
    "department",
    "distance_km",
    "email",
    "phone",
    "website",
    "source_name",
    "source_date",
    "data_stale",
    "status",
    "notes",
)
OPTIONAL: frozenset[str] = frozenset({"distance_km", "status", "notes"})
NUMBER_HEADERS: frozenset[str] = frozenset({field_label("distance_km")})
DATE_HEADERS: frozenset[str] = frozenset({field_label("source_date")})
XLSX_MAX_ROWS = 1_048_575  # Excel's limit (1,048,576 rows) less the header row
_XLSX_MAX_CHARS = 32_767  # Excel's limit for one cell
_MAX_WIDTH = 60


# --- Formula neutralisation and CSV ---------------------------------------------------------

_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """The value, with a leading apostrophe if it is text that a spreadsheet would evaluate."""
    if isinstance(value, str) and value.startswith(_DANGEROUS_START):
        return "'" + value
    return value


def _formula_mask(series: pd.Series) -> pd.Series:
    """True where the cell is text starting with a dangerous character."""
    try:
        # Non-text cells (lists, numbers, missing) give NA here, hence na=False.
        return series.str.startswith(_DANGEROUS_START, na=False).astype(bool)
    except AttributeError:  # object column holding no text at all (booleans, lists only...)
        return pd.Series(False, index=series.index)


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with every text cell neutralised (see `neutralise_cell`).

    Vectorised: one `str.startswith` per column, so a million rows cost milliseconds."""
    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if series.dtype == object or pd.api.types.is_string_dtype(series):
            mask = _formula_mask(series)
            if mask.any():
                fixed = series.copy()
                fixed.loc[mask.to_numpy()] = "'" + series.loc[mask.to_numpy()].astype(str)
                out[col] = fixed
    return out


def csv_bytes(frame: pd.DataFrame, *, header: bool = True) -> bytes:
    """CSV for French Excel: `;` separator, decimal comma, UTF-8 with BOM, CRLF, formulas neutralised.
    Without `header`: the rows only, no BOM (a file's next part)."""
    # CRLF line ends (what Excel writes) also make the csv module quote cells holding a bare CR.
    # Decimal comma: French Excel reads "12.5" as text (or a date), "12,5" as a number.
    text = neutralise_frame(frame).to_csv(sep=";", index=False, lineterminator="\r\n", decimal=",", header=header)
    return text.encode("utf-8-sig" if header else "utf-8")


# --- The supplier table ---------------------------------------------------------------------


def _join(values: object, label: Callable[[str], str] | None = None) -> object:
    """A list cell as "a, b"; missing or empty lists as NA."""
    if not isinstance(values, (list, tuple, np.ndarray)):
        return pd.NA if values is None or pd.isna(values) else str(values)
    parts = [label(v) if label else str(v) for v in values if v is not None]
    return ", ".join(parts) if parts else pd.NA


def _joined(cells: pd.Series, label: Callable[[str], str] | None = None) -> list[object]:
    """`_join` of each cell, each distinct list joined once: a national directory repeats a few thousand
    lists of kinds and sectors over a million rows (2 M joins took 6 s of a 999,000-row CSV)."""
    done: dict[object, object] = {}
    out: list[object] = []
    for value in cells:
        key = tuple(value) if isinstance(value, (list, tuple, np.ndarray)) else value
        try:
            out.append(done[key])
        except KeyError:
            out.append(done.setdefault(key, _join(value, label)))
        except TypeError:  # a cell that is no hashable list (a list of lists): joined as it is
            out.append(_join(value, label))
    return out


def _stale_marks(dates: pd.Series) -> list[str]:
    """« oui » where `is_stale` says so, judged once per distinct date (against today's date, once)."""
    today = date.today()
    values = dates.astype(object).where(dates.notna(), None)
    stale = {d: "oui" if is_stale(d, today) else "" for d in set(values)}
    return [stale[d] for d in values]


def _sector_labels() -> dict[str, str]:
    from sourcing.taxonomy import load_taxonomy

    return load_taxonomy().sector_labels


def _department_names() -> dict[str, str]:
    """Département code -> "Rhône (69)" (the gazetteer's names)."""
    from sourcing.search.choices import territory_names

    return territory_names().departments


def supplier_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Supplier rows -> the buyer's table: French headers, lists joined with ", ", sector ids
    turned into their labels and département codes into "Rhône (69)" (unknown ones kept as is),
    distance rounded to 0.1 km.

    Every column of `HEADERS` is present (empty when the source has none), except distance,
    status and notes, which appear only when `frame` has them.
    """
    out: dict[str, pd.Series] = {}
    labels = _sector_labels() if "sectors" in frame.columns else {}
    for col, header in HEADERS.items():
        if col == "data_stale":  # derived: a buyer must check data no source confirmed within a year
            dates = frame["source_date"] if "source_date" in frame.columns else pd.Series(None, index=frame.index)
            out[header] = pd.Series(_stale_marks(dates), index=frame.index, dtype="string")
        elif col not in frame.columns:
            if col in OPTIONAL:
                continue
            out[header] = pd.Series(pd.NA, index=frame.index, dtype="string")
        elif col == "kinds":
            out[header] = pd.Series(_joined(frame[col]), index=frame.index, dtype="string")
        elif col == "sectors":
            label = lambda sid: labels.get(sid, sid)  # noqa: E731
            out[header] = pd.Series(_joined(frame[col], label), index=frame.index, dtype="string")
        elif col == "department":
            codes = frame[col].astype("string")
            out[header] = codes.map(_department_names(), na_action="ignore").fillna(codes).astype("string")
        elif col == "distance_km":
            out[header] = pd.to_numeric(frame[col], errors="coerce").round(1)
        else:
            out[header] = frame[col].astype("string")
    return pd.DataFrame(out, index=frame.index).reset_index(drop=True)


def to_csv(frame: pd.DataFrame) -> bytes:
    """The supplier table as a CSV for French Excel (see `csv_bytes`)."""
    return csv_bytes(supplier_table(frame))


def table_to_xlsx(table: pd.DataFrame, sheet: str = "Fournisseurs") -> bytes:
    """Any already-built table (French headers) as XLSX. Columns in `NUMBER_HEADERS` become
    numbers (0.0), columns in `DATE_HEADERS` dates (dd/mm/yyyy) where they parse as ISO dates,
    everything else text cells in '@' format. Header frozen (panes at A2), autofilter on."""
    return tables_to_xlsx({sheet: table})


def tables_to_xlsx(sheets: Mapping[str, pd.DataFrame], numbers: frozenset[str] = frozenset()) -> bytes:
    """Several tables as one workbook, one sheet each (names cut to Excel's 31 characters), written
    as `table_to_xlsx` writes one; columns named in `numbers` are numbers too."""
    for table in sheets.values():
        if len(table) > XLSX_MAX_ROWS:
            raise ValueError(
                f"Trop de lignes pour un classeur Excel ({french_number(len(table))} ; maximum "
                f"{french_number(XLSX_MAX_ROWS)}). Affinez la recherche ou exportez en CSV."
            )
    buffer = io.BytesIO()
    # No string is ever turned into a formula, a URL or a number behind our back.
    options = {
        # Rows flushed to a temporary file as they are written: 300,000 rows peak at ~0.6 GB
        # instead of ~1.5 GB, for ~40 % more time. Text cells then become inline strings.
        "constant_memory": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    import xlsxwriter  # here: the search page's first run reaches this module, not an XLSX (40 ms of import)

    book = xlsxwriter.Workbook(buffer, options)
    for sheet, table in sheets.items():
        _write_sheet(book, table, sheet, NUMBER_HEADERS | numbers)
    book.close()
    return buffer.getvalue()


def _write_sheet(book: xlsxwriter.Workbook, table: pd.DataFrame, sheet: str, number_headers: frozenset[str]) -> None:
    safe = neutralise_frame(table.astype({c: "string" for c in table.columns if c not in number_headers}))
    sheet_obj = book.add_worksheet(sheet[:31])
    header_fmt = book.add_format({"bold": True, "bg_color": "#DDE4EE", "border": 1, "text_wrap": True})
    text_fmt = book.add_format({"num_format": "@"})
    number_fmt = book.add_format({"num_format": "0.0"})
    date_fmt = book.add_format({"num_format": "dd/mm/yyyy"})

    columns: list[tuple[str, np.ndarray, object]] = []
    for j, header in enumerate(safe.columns):
        series = safe[header]
        if header in number_headers:
            values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            columns.append(("number", values, number_fmt))
            width = 12
        elif header in DATE_HEADERS:
            parsed = pd.to_datetime(series, format="ISO8601", errors="coerce")
            # A cell that does not parse stays as its text: the source said something else than a date.
            values = np.array(
                [
                    d.to_pydatetime().replace(tzinfo=None) if not pd.isna(d) else s
                    for d, s in zip(parsed, series.to_numpy(dtype=object, na_value=None), strict=True)
                ],
                dtype=object,
            )
            columns.append(("date", values, date_fmt))
            width = 14
        else:
            values = series.to_numpy(dtype=object, na_value=None)
            columns.append(("text", values, text_fmt))
            lengths = series.str.len()
            width = int(min(_MAX_WIDTH, max(len(header), lengths.max() if lengths.notna().any() else 0) + 2))
        sheet_obj.set_column(j, j, max(width, len(header) + 2))

    for j, header in enumerate(safe.columns):
        sheet_obj.write_string(0, j, header, header_fmt)
    # Row-major order: constant_memory mode flushes each finished row.
    n = len(safe)
    for i in range(n):
        r = i + 1
        for j, (kind, values, fmt) in enumerate(columns):
            v = values[i]
            if kind == "number":
                if not np.isnan(v):
                    sheet_obj.write_number(r, j, float(v), fmt)
            elif v is None:
                continue
            elif kind == "date" and not isinstance(v, str):
                sheet_obj.write_datetime(r, j, v, fmt)
            else:
                sheet_obj.write_string(r, j, str(v)[:_XLSX_MAX_CHARS], text_fmt)
    sheet_obj.freeze_panes(1, 0)
    sheet_obj.autofilter(0, 0, max(n, 1), max(len(safe.columns) - 1, 0))


def to_xlsx(frame: pd.DataFrame, sheet: str = "Fournisseurs") -> bytes:
    """The supplier table (see `supplier_table`) as an XLSX workbook (see `table_to_xlsx`)."""
    return table_to_xlsx(supplier_table(frame), sheet=sheet)
