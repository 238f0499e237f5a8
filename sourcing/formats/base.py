"""What every import format module provides, and the raw table they all read.

A format module (one per directory format, in this package) declares:

- ``NAME`` (CLI name, e.g. ``"asp-siae"``), ``LABEL`` (French, shown to buyers),
- ``SOURCE_NAME`` (French name of the publisher, stored on each supplier),
- ``score(table) -> float``: how sure it is, 0.0 to 1.0, that a raw table is its
  format, from the header names (and a few rows if needed). The importer picks the
  highest score; 0.0 means "not mine".
- ``to_staging(table) -> pandas.DataFrame``: the rows mapped onto *staging* columns
  (see ``STAGING_COLUMNS``), all text, one row per record, plus the ``line`` column
  giving each record's first physical line in the file. No cleaning here beyond
  picking and joining columns: cleaning is the normaliser's job, done once for all.
- ``EXAMPLES``: positive examples (a small file and what must come out of it) and
  ``COUNTER_EXAMPLES``: small files that must *not* be recognised as this format.
  One generic test runs them all.

Safety rule: everything in a raw table is untrusted text. Format modules never
evaluate it, and keep it verbatim (the normaliser stores it under ``raw:`` columns).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Staging columns a format may fill (any subset). All hold text (or None).
STAGING_COLUMNS: tuple[str, ...] = (
    "siret",  # may contain spaces, be an Excel float, lack leading zeros
    "siren",
    "name",
    "trade_name",
    "kind_text",  # kind codes or French wording, several separated by , ; / |
    "legal_form",  # legal form text or INSEE "catégorie juridique" code
    "naf",  # NAF rév. 2, with or without the dot
    "sector_text",  # free text or sector labels, used to map onto our taxonomy
    "description",
    "address",
    "postal_code",
    "city",
    "insee_code",
    "department",
    "lat",  # WGS84, decimal comma tolerated
    "lon",
    "proj_x",  # projected coordinates (Lambert 93 unless proj_crs says otherwise)
    "proj_y",
    "proj_crs",  # e.g. "EPSG:2154"
    "email",
    "phone",
    "website",
    "headcount",  # INSEE band code ("12") or text ("50 à 99 salariés")
    "labels_text",
    "networks_text",
    "area_text",  # intervention area: "30 km", "national", "67, 68", "Grand Est"
    "ess_flag",  # "O"/"N" (SIRENE) or truthy text
    "source_date",
    "reject_reason",  # set by a format when a record is not a supplier (French text)
)


# FINESS "structureet" records: the 32 fields in the official order ("extraction des
# établissements"), the first being the record type itself. Shared by the reader, which
# names the columns of a FINESS extract with them, and the FINESS format module.
FINESS_STRUCTUREET_FIELDS: tuple[str, ...] = (
    "section", "nofinesset", "nofinessej", "rs", "rslongue", "complrs", "compldistrib", "numvoie",
    "typvoie", "voie", "compvoie", "lieuditbp", "commune", "departement", "libdepartement",
    "ligneacheminement", "telephone", "telecopie", "categetab", "libcategetab", "categagretab",
    "libcategagretab", "siret", "codeape", "codemft", "libmft", "codesph", "libsph", "dateouv",
    "dateautor", "datemaj", "numuai",
)  # fmt: skip


@dataclass
class RawTable:
    """A file as read: header, records, and where each record starts in the file."""

    columns: list[str]  # unique, non-empty header names (see reading.clean_header)
    rows: list[list[str]]  # each row padded/truncated to len(columns) by the reader
    # The number a buyer finds each row under: its row in a spreadsheet (Excel/LibreOffice: the file's
    # first record is row 1, a CSV record spanning several lines is one row), or its record number in
    # a JSON list (``line_unit`` "enregistrement"). ``file_lines``: the physical line of the file where
    # a record starts, for the records where it differs from ``lines`` (cells with line breaks above).
    lines: list[int]
    filename: str = ""
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    original_columns: list[str] = field(default_factory=list)  # header as in the file
    warnings: list[dict] = field(default_factory=list)  # reader-level warnings {line, field, code, message}
    extra: dict = field(default_factory=dict)  # format-specific payload (e.g. FINESS geolocation lines)
    file_lines: dict[int, int] = field(default_factory=dict)  # row number -> physical line, where they differ
    line_unit: str = "ligne"  # "ligne" (CSV, XLSX: a spreadsheet row) or "enregistrement" (JSON)
    _frame: object = field(default=None, init=False, repr=False, compare=False)

    def frame(self):
        """The rows as a text DataFrame (index = position in ``rows``), built once and shared.

        The format module and the normaliser (for the ``raw:`` columns) both need it; building
        it twice cost 0.4 s on 100,000 rows. Callers must not modify it in place.
        """
        if self._frame is None:
            import pandas as pd

            if self.rows:
                columns = zip(*self.rows, strict=False)  # build_table made every row as wide as the header
                data = {name: pd.array(values, dtype="str") for name, values in zip(self.columns, columns, strict=True)}
            else:
                data = {name: pd.array([], dtype="str") for name in self.columns}
            self._frame = pd.DataFrame(data)
        return self._frame

    def column(self, name: str) -> list[str]:
        i = self.columns.index(name)
        return [r[i] for r in self.rows]


@dataclass(frozen=True)
class Example:
    """A small file a format must recognise, and facts about what it loads to."""

    filename: str
    content: bytes
    rows_read: int
    rows_loaded: int
    first_name: str  # name of the first loaded supplier
    kinds: tuple[str, ...] = ()  # kinds of the first loaded supplier


def normalise_header(name: str) -> str:
    """Lower-case, accent-free, single-spaced header, for tolerant column matching."""
    import unicodedata

    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    s = s.lower().replace("_", " ").replace("-", " ").replace("'", " ").replace(".", " ")
    return " ".join(s.split())
