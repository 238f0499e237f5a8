"""Geocoding of imported supplier lists: a vectorised cascade from the most to the least precise clue.

``Geocoder.geocode`` locates every row of a frame from its INSEE code, postal code, city name and
département, doing the work once per distinct combination of those clues.
"""

from __future__ import annotations

import functools
from typing import Final

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from sourcing.gazetteer.codes import (
    OVERSEAS_COLLECTIVITIES,
    departments_of_postal_codes,
    normalise_departments,
    normalise_insee_codes,
    normalise_postal_codes,
)
from sourcing.gazetteer.indexes import GazetteerIndexes, KeyIndex, pipe_keys
from sourcing.gazetteer.names import place_keys

# Text columns of the output, as object arrays with None for "unknown".
_GEOCODE_TEXT_COLUMNS: Final[tuple[str, ...]] = ("insee_code", "city", "postal_code", "department", "region", "epci")
GEOCODE_COLUMNS: Final[tuple[str, ...]] = (*_GEOCODE_TEXT_COLUMNS, "lat", "lon", "geo_precision")
_AREA_COLUMNS: Final[tuple[str, ...]] = ("department", "region", "epci")

FuzzyTable = dict[str, tuple[list[str], np.ndarray]]


def _dept_of_insee(code: str | None) -> str | None:
    if not code:
        return None
    return code[:3] if code.startswith("97") else code[:2]


def _lookup(idx: KeyIndex, keys: pd.Series) -> np.ndarray:
    """Communes row of each key in the index, -1 where absent."""
    pos = idx[0].get_indexer(keys.to_numpy(dtype=object))
    return np.where(pos >= 0, idx[1][np.clip(pos, 0, None)] if len(idx[1]) else -1, -1)


def _distinct_rows(frame: pd.DataFrame, columns: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """(position of the first row of each distinct combination of ``columns``' values, combination of each row),
    found on integer codes (a hash per column, no joined strings, no object copies of the columns)."""
    key = np.zeros(len(frame), dtype=np.int64)
    for name in columns:
        if name in frame.columns:
            codes, uniques = pd.factorize(frame[name])  # missing -> -1
            key, _ = pd.factorize(key * (len(uniques) + 2) + codes + 1)  # re-coded: stays below the row count
    inverse = np.asarray(key, dtype=np.int64)
    first = np.flatnonzero(~pd.Series(inverse).duplicated().to_numpy())  # codes number combinations in order
    return first, inverse


def _grouped(frame: pd.DataFrame, by: str) -> FuzzyTable:
    keys = frame["key"].to_numpy(dtype=object)
    rows = frame["row"].to_numpy()
    return {g: (keys[i].tolist(), rows[i]) for g, i in frame.groupby(by, sort=False).indices.items()}


class Geocoder(GazetteerIndexes):
    """The geocoding cascade over the gazetteer's indexes."""

    @functools.cached_property
    def _fuzzy_by_postal(self) -> FuzzyTable:
        return _grouped(self._pk_frame, "postal")

    @functools.cached_property
    def _fuzzy_by_dept(self) -> FuzzyTable:
        return _grouped(self._dk_frame, "dept")

    def geocode(self, frame: pd.DataFrame, arrow_text: bool = False) -> pd.DataFrame:
        """Locate every row of ``frame`` (columns insee_code, postal_code, city, department; any missing).

        Cascade, first hit wins: INSEE code (current commune, arrondissement, delegated or former code; with
        the city name to pick a delegated commune sharing its parent's code) -> postal code + city name
        (tolerant key: accents, ST/SAINT, CEDEX, articles) -> city name + département (given, else implied
        by the postal code; with neither, a name unique in France) -> fuzzy city name among the communes of
        that postal code, then of that département -> postal code alone (one commune: "commune" precision;
        several: "postal_code" at their mean point) -> département point -> "none".
        Work is done once per distinct key combination. ``arrow_text``: text columns as pandas' Arrow-backed
        ``str`` (missing as NaN), converted once per combination rather than once per row.
        Output columns: insee_code, city (official name when located at commune precision, else the input
        city), postal_code, department, region, epci, lat, lon, geo_precision.
        """
        index = frame.index
        first, inverse = _distinct_rows(frame, ("insee_code", "postal_code", "city", "department"))
        # `first` ascends: a boolean mask keeps those rows in order, filtering each Arrow column chunk by
        # chunk (a take over a 1,000,000-row file's columns first joins their ~100 chunks).
        keep = np.zeros(len(frame), dtype=bool)
        keep[first] = True
        sub = pd.DataFrame({name: frame[name].array[keep] for name in frame.columns}, index=frame.index[first])

        def column(name: str) -> pd.Series:
            if name in sub.columns:
                return sub[name].astype(object).reset_index(drop=True)
            return pd.Series(None, index=range(len(sub)), dtype=object)

        postal = normalise_postal_codes(column("postal_code"))
        keys = pd.DataFrame(
            {
                "insee": normalise_insee_codes(column("insee_code")),
                "postal": postal,
                "key": place_keys(column("city")),
                "dept": normalise_departments(column("department"), postal),
                "city": column("city"),
            }
        ).fillna("")
        # Distinct raw clues can still share their normalised form: locate each normalised one once.
        group = keys.groupby(["insee", "postal", "key", "dept", "city"], sort=False).ngroup().to_numpy()
        uniq = keys.drop_duplicates().reset_index(drop=True)
        result = self._geocode_unique(uniq)
        if arrow_text:
            result = result.astype(dict.fromkeys((*_GEOCODE_TEXT_COLUMNS, "geo_precision"), "str"))
        return result.iloc[group[inverse]].set_axis(index)

    def _geocode_unique(self, u: pd.DataFrame) -> pd.DataFrame:
        postal_dept = departments_of_postal_codes(u["postal"].replace("", None))
        dept_eff = u["dept"].where(u["dept"] != "", postal_dept.fillna(""))
        dept_eff = dept_eff.where(dept_eff != "", u["insee"].map(_dept_of_insee).fillna(""))
        row = self._commune_rows(u, postal_dept, dept_eff)
        out, precision = self._commune_points(u, row)
        located = row >= 0
        located |= self._fill_by_postal_code(u, out, precision, located)
        # Département point, unless the postal code belongs to an overseas collectivity (the ASP still files
        # Saint-Martin under 971: Guadeloupe's point would be 250 km off).
        dpos = self._dept_index.get_indexer(dept_eff.to_numpy(dtype=object))
        by_dept = ~located & (dpos >= 0) & ~postal_dept.isin(OVERSEAS_COLLECTIVITIES).to_numpy()
        if by_dept.any():
            d = self.departments.iloc[dpos[by_dept]]
            sel = np.flatnonzero(by_dept)
            out.loc[sel, "department"] = d["code"].to_numpy()
            out.loc[sel, "region"] = d["region"].to_numpy()
            out.loc[sel, "lat"] = d["lat"].to_numpy()
            out.loc[sel, "lon"] = d["lon"].to_numpy()
            precision[sel] = "department"
        out["geo_precision"] = precision
        # Text columns as object arrays with None for "unknown" (pandas would otherwise infer its str dtype).
        for col in _GEOCODE_TEXT_COLUMNS:
            values = out[col].to_numpy(dtype=object)
            out[col] = pd.Series(np.where(pd.isna(values), None, values), index=out.index, dtype=object)
        return out[list(GEOCODE_COLUMNS)]

    def _commune_rows(self, u: pd.DataFrame, postal_dept: pd.Series, dept_eff: pd.Series) -> np.ndarray:
        """Communes row of each distinct clue combination through the exact then fuzzy steps, -1 if none."""
        row = np.full(len(u), -1, dtype=np.int64)
        has_key = (u["key"] != "").to_numpy()

        def fill(found: np.ndarray, mask: np.ndarray | None = None) -> None:
            take = (row < 0) & (found >= 0)
            if mask is not None:
                take &= mask
            row[take] = found[take]

        has_insee = (u["insee"] != "").to_numpy()
        fill(_lookup(self._idx_insee_key, pipe_keys(u["insee"], u["key"])), has_insee & has_key)
        fill(_lookup(self._idx_insee, u["insee"]), has_insee)
        fill(_lookup(self._idx_postal_key, pipe_keys(u["postal"], u["key"])), has_key)
        fill(_lookup(self._idx_dept_key, pipe_keys(dept_eff, u["key"])), has_key)
        fill(_lookup(self._idx_dept_key, pipe_keys(postal_dept.fillna(""), u["key"])), has_key)
        nothing_else = has_key & (u["postal"] == "").to_numpy() & (dept_eff == "").to_numpy()
        fill(_lookup(self._idx_key, u["key"]), nothing_else)
        todo = np.flatnonzero((row < 0) & has_key & (u["key"].str.len() >= 3).to_numpy())
        if len(todo):
            self._fuzzy(u, dept_eff, todo, row)
        return row

    def _commune_points(self, u: pd.DataFrame, row: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
        """The output frame where a communes row was found (else the input city and postal code), and the
        precision column so far ("commune" or "none")."""
        c = self.communes
        located = row >= 0
        r = np.clip(row, 0, None)
        out = pd.DataFrame(index=u.index)
        out["insee_code"] = np.where(located, self._t_insee[r], None)
        out["city"] = np.where(located, self._t_name[r], u["city"].replace("", None).to_numpy(dtype=object))
        given_postal = u["postal"].replace("", None).to_numpy(dtype=object)
        out["postal_code"] = np.where(located & pd.isna(given_postal), self._t_postal[r], given_postal)
        for col in _AREA_COLUMNS:
            out[col] = np.where(located, c[col].to_numpy(dtype=object)[r], None)
        out["lat"] = np.where(located, c["lat"].to_numpy()[r], np.nan)
        out["lon"] = np.where(located, c["lon"].to_numpy()[r], np.nan)
        return out, np.where(located, "commune", "none").astype(object)

    def _fill_by_postal_code(
        self, u: pd.DataFrame, out: pd.DataFrame, precision: np.ndarray, located: np.ndarray
    ) -> np.ndarray:
        """Postal code alone, for the rows not located yet; returns which rows it located."""
        pos = self._idx_postal.get_indexer(u["postal"].to_numpy(dtype=object))
        by_postal = ~located & (pos >= 0)
        if by_postal.any():
            t = self.postal_codes.iloc[pos[by_postal]]
            single = (t["n"] == 1).to_numpy()
            sel = np.flatnonzero(by_postal)
            one = sel[single]
            one_rows = t["row"].to_numpy()[single]
            out.loc[one, "insee_code"] = self._t_insee[one_rows]
            out.loc[one, "city"] = self._t_name[one_rows]
            precision[sel] = np.where(single, "commune", "postal_code")
            out.loc[sel, "lat"] = t["lat"].to_numpy()
            out.loc[sel, "lon"] = t["lon"].to_numpy()
            for col in _AREA_COLUMNS:
                out.loc[sel, col] = t[col].to_numpy()
        return by_postal

    def _fuzzy(self, u: pd.DataFrame, dept_eff: pd.Series, todo: np.ndarray, row: np.ndarray) -> None:
        """Tolerant match of the rows left over (once per distinct key, not per input row).

        Among the communes of the row's postal code: closest spelling (score >= 85), else a name that is
        a whole-word prefix of the other ("BERCK SUR MER" for Berck). Then among the communes of its
        département: closest spelling (score >= 90). Two different communes tied is no match.
        """
        keys = u["key"].to_numpy(dtype=object)
        postals = u["postal"].to_numpy(dtype=object)
        depts = dept_eff.to_numpy(dtype=object)

        def single(rows: np.ndarray, picks: list[int]) -> int | None:
            targets = {self._t_insee[rows[j]] for j in picks}
            return int(rows[picks[0]]) if len(targets) == 1 else None

        for i in todo:
            key = keys[i]
            for table, group, cutoff in ((self._fuzzy_by_postal, postals[i], 85), (self._fuzzy_by_dept, depts[i], 90)):
                if not group or group not in table:
                    continue
                choices, rows = table[group]
                best = process.extract(key, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=5)
                found = single(rows, [m[2] for m in best if m[1] == best[0][1]]) if best else None
                if found is None and table is self._fuzzy_by_postal:
                    prefixed = [j for j, k in enumerate(choices) if k.startswith(key + " ") or key.startswith(k + " ")]
                    found = single(rows, prefixed) if prefixed else None
                if found is not None:
                    row[i] = found
                    break
