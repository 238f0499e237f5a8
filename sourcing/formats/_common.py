"""Column-wise helpers shared by the format modules (not a format itself).

Everything here works on whole pandas Series: a directory can have 100,000 rows or more,
so no helper loops over rows in Python.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

import pandas as pd

from sourcing.formats.base import STAGING_COLUMNS, RawTable, normalise_header


def header_key(name: str) -> str:
    """`normalise_header`, then every non-alphanumeric character as one space.

    "N° SIRET" -> "n siret", "Tél." -> "tel", "Code NAF/APE" -> "code naf ape".
    """
    return " ".join(re.sub(r"[^a-z0-9]+", " ", normalise_header(name)).split())


def header_keys(table: RawTable) -> dict[str, str]:
    """{header key: column name} for a table; the first column wins a repeated key."""
    keys: dict[str, str] = {}
    for column in table.columns:
        keys.setdefault(header_key(column), column)
    return keys


def share_present(table: RawTable, expected: Iterable[str]) -> float:
    """Share of the expected header keys that the table has (0.0 to 1.0)."""
    expected = [header_key(e) for e in expected]
    keys = header_keys(table)
    return sum(1 for e in expected if e in keys) / len(expected) if expected else 0.0


def share_if_present(table: RawTable, required: Iterable[str], expected: Iterable[str]) -> float:
    """`share_present` of `expected` (3 decimals), or 0.0 when a `required` header is missing."""
    keys = header_keys(table)
    if not all(header_key(name) in keys for name in required):
        return 0.0
    return round(share_present(table, expected), 3)


def raw_frame(table: RawTable) -> pd.DataFrame:
    """The table's rows as a text DataFrame; index = position in ``table.rows``."""
    return table.frame()


def text(frame: pd.DataFrame, column: str | None) -> pd.Series:
    """A column as text ('' for missing), or an all-empty Series when the column is absent."""
    if column is None or column not in frame:
        return pd.Series("", index=frame.index, dtype="str")
    values = frame[column]
    # A column read as text without gaps is returned as it is: fillna would copy it (100 MB at 1M rows).
    if values.dtype == "str" and not values.hasnans:
        return values
    return values.fillna("").astype("str")


def column_reader(frame: pd.DataFrame, keys: dict[str, str] | None = None) -> Callable[[str], pd.Series]:
    """`get(name)`: the column `name` as text, all-empty when the file lacks it.

    With `keys` (from `header_keys`), `name` is matched by its header key, so "CODE POSTAL"
    finds "Code postal" or "code_postal"; without, it is the exact column name.
    """
    if keys is None:
        return lambda name: text(frame, name)
    return lambda name: text(frame, keys.get(header_key(name)))


def join_nonempty(parts: Sequence[pd.Series], sep: str = " ") -> pd.Series:
    """Join stripped parts row by row, skipping empty ones: ("12", "", "rue X") -> "12 rue X"."""
    out: pd.Series | None = None
    for part in parts:
        part = part.fillna("").astype("str").str.strip()
        if out is None:
            out = part
            continue
        both = (out != "") & (part != "")
        out = out.where(~both, out + sep) + part
    if out is None:
        raise ValueError("join_nonempty needs at least one Series")
    return out


def first_nonempty(parts: Sequence[pd.Series]) -> pd.Series:
    """Row by row, the first part that is not blank (verbatim), else ''."""
    out: pd.Series | None = None
    for part in parts:
        part = part.fillna("").astype("str")
        out = part if out is None else out.where(out.str.strip() != "", part)
    if out is None:
        raise ValueError("first_nonempty needs at least one Series")
    return out


def staging(fields: dict[str, pd.Series], table: RawTable, index: pd.Index | None = None) -> pd.DataFrame:
    """Assemble a staging frame: the given staging columns plus ``line`` from ``table.lines``.

    ``index`` (default: every row) gives the positions in ``table.rows`` of the records kept.
    """
    unknown = set(fields) - set(STAGING_COLUMNS)
    if unknown:
        raise ValueError(f"not staging columns: {sorted(unknown)}")
    if index is None:
        index = pd.RangeIndex(len(table.rows))
    lines = pd.Series(table.lines, dtype="int64").reindex(index)
    out = pd.DataFrame({name: s.reindex(index) for name, s in fields.items()}, index=index)
    out["line"] = lines.to_numpy()
    return out


# --- Street types --------------------------------------------------------------------------
# INSEE/FINESS street type codes ("typeVoie"), spelt out so that addresses read naturally
# and geocoders match them.
STREET_TYPES: dict[str, str] = {
    "ALL": "Allée", "AV": "Avenue", "BD": "Boulevard", "BRG": "Bourg", "CAR": "Carrefour",
    "CHE": "Chemin", "CHS": "Chaussée", "CITE": "Cité", "COR": "Corniche", "CRS": "Cours",
    "DOM": "Domaine", "DSC": "Descente", "ECA": "Écart", "ESP": "Esplanade", "FG": "Faubourg",
    "GR": "Grande Rue", "HAM": "Hameau", "HLE": "Halle", "IMP": "Impasse", "LD": "Lieu-dit",
    "LOT": "Lotissement", "MAR": "Marché", "MTE": "Montée", "PARC": "Parc", "PAS": "Passage",
    "PL": "Place", "PLN": "Plaine", "PLT": "Plateau", "PRO": "Promenade", "PRV": "Parvis",
    "QUA": "Quartier", "QUAI": "Quai", "R": "Rue", "RES": "Résidence", "RLE": "Ruelle",
    "ROC": "Rocade", "RPT": "Rond-point", "RTE": "Route", "SEN": "Sentier", "SQ": "Square",
    "TPL": "Terre-plein", "TRA": "Traverse", "VLA": "Villa", "VLGE": "Village", "ZA": "ZA",
    "ZAC": "ZAC", "ZI": "ZI",
}  # fmt: skip


def expand_street_type(codes: pd.Series) -> pd.Series:
    """Street type codes spelt out ("AV" -> "Avenue"); unknown values kept as written."""
    expanded = codes.fillna("").astype("str").str.strip().str.upper().map(STREET_TYPES)
    return expanded.where(expanded.notna(), codes.fillna("").astype("str")).astype("str")


# --- Projections -------------------------------------------------------------------------
# Legal projected CRS of each overseas département (IGN "systèmes de référence" table);
# metropolitan France is Lambert 93.
LAMBERT_93 = "EPSG:2154"
OVERSEAS_CRS: dict[str, str] = {
    "971": "EPSG:5490",  # Guadeloupe: RGAF09 / UTM 20N
    "972": "EPSG:5490",  # Martinique: RGAF09 / UTM 20N
    "973": "EPSG:2972",  # Guyane: RGFG95 / UTM 22N
    "974": "EPSG:2975",  # La Réunion: RGR92 / UTM 40S
    "975": "EPSG:4467",  # Saint-Pierre-et-Miquelon: RGSPM06 / UTM 21N
    "976": "EPSG:4471",  # Mayotte: RGM04 / UTM 38S
    "977": "EPSG:5490",  # Saint-Barthélemy
    "978": "EPSG:5490",  # Saint-Martin
}


def crs_for_insee(insee: pd.Series) -> pd.Series:
    """Projected CRS of each commune code: the overseas one for 97x, Lambert 93 otherwise."""
    crs = insee.fillna("").astype("str").str.strip().str[:3].map(OVERSEAS_CRS)
    return crs.fillna(LAMBERT_93).astype("str")
