"""The lookup indexes the gazetteer builds once from its tables, shared by geocoding and resolution.

``GazetteerIndexes`` holds the tables (read by ``loading``) and builds, per communes row, the current
entity it stands for, then the exact-match indexes of the geocoding cascade and the postal-code table.
Every index is a pair (sorted keys, communes row per key) with, for each key, the best-ranked row:
current commune before arrondissement before delegated/associated/former commune, most populated first.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from sourcing.gazetteer.names import place_keys

CURRENT_TYPES: Final[tuple[str, ...]] = ("commune", "arrondissement")
_TYPE_RANK: Final[dict[str, int]] = {"commune": 0, "arrondissement": 1, "deleguee": 2, "associee": 3, "ancienne": 4}

KeyIndex = tuple[pd.Index, np.ndarray]


def pipe_keys(*parts: pd.Series) -> pd.Series:
    """Element-wise "a|b" join of string Series (missing parts as ""): the compound keys of the indexes."""
    out = parts[0].fillna("").astype(str)
    for part in parts[1:]:
        out = out + "|" + part.fillna("").astype(str)
    return out


def _best_row_per_key(keys: pd.Series, row_ids: np.ndarray, rank: np.ndarray) -> KeyIndex:
    """One row per distinct key, the lowest rank (then lowest row) winning."""
    frame = pd.DataFrame({"k": keys.to_numpy(dtype=object), "row": row_ids, "rank": rank})
    frame = frame.sort_values(["rank", "row"], kind="stable").drop_duplicates("k")
    return pd.Index(frame["k"].to_numpy(dtype=object)), frame["row"].to_numpy()


class GazetteerIndexes:
    """Tables and the indexes built from them.

    ``communes`` holds one row per (code, type, name): types "commune" and "arrondissement" are current,
    "deleguee"/"associee"/"ancienne" carry ``parent_insee``, the current commune they now belong to, and
    their own point when one is known.
    """

    communes: pd.DataFrame
    departments: pd.DataFrame
    regions: pd.DataFrame
    epcis: pd.DataFrame
    postal_names: pd.DataFrame
    postal_codes: pd.DataFrame

    def _build_targets(self) -> None:
        """Per communes row: the current entity it stands for (its own code, or its parent's)."""
        c = self.communes
        current = c["type"].isin(CURRENT_TYPES).to_numpy()
        self._is_current = current
        target = np.where(current, c["insee_code"].to_numpy(dtype=object), c["parent_insee"].to_numpy(dtype=object))
        self._t_insee = target.astype(object)
        cur = c[current]
        name_of = pd.Series(cur["name"].to_numpy(), index=cur["insee_code"].to_numpy())
        self._t_name = name_of.reindex(target).to_numpy(dtype=object)
        self._rank = c["type"].map(_TYPE_RANK).to_numpy() * 10**9 - c["population"].fillna(0).to_numpy(
            dtype=np.int64
        ).clip(0, 10**9 - 1)
        # Postal code of the entity when it has exactly one (filled in geocode output if none was given).
        pcs = c["postal_codes"].fillna("")
        self._t_postal = np.where(pcs.str.contains(" ") | (pcs == ""), None, pcs).astype(object)
        # Communes split into arrondissements (Paris, Lyon, Marseille) give way to them on postal codes.
        self._plm = set(c.loc[c["type"] == "arrondissement", "parent_insee"])
        self._row_of_current = pd.Series(np.flatnonzero(current), index=cur["insee_code"].to_numpy())

    def _build_indexes(self) -> None:
        c = self.communes
        rows = np.arange(len(c))
        order = np.lexsort((rows, self._rank))  # best row first within any key
        self._idx_insee = _best_row_per_key(c["insee_code"].iloc[order], rows[order], self._rank[order])
        self._idx_insee_key = _best_row_per_key(pipe_keys(c["insee_code"], c["key"]), rows, self._rank)
        postal_names = self._postal_name_rows()
        self._build_postal_key_index(postal_names)
        self._build_department_key_indexes(postal_names)
        self.postal_codes = self._postal_code_table()
        self._idx_postal = pd.Index(self.postal_codes.index.to_numpy(dtype=object))
        self._dept_index = pd.Index(self.departments["code"].to_numpy(dtype=object))

    def _postal_name_rows(self) -> pd.DataFrame:
        """La Poste names (postal, key, row) of current entities found in the communes table."""
        pn = self.postal_names
        pn_rows = self._row_of_current.reindex(pn["insee_code"].to_numpy()).to_numpy()
        ok = ~np.isnan(pn_rows)
        return pd.DataFrame(
            {
                "postal": pn["postal_code"].to_numpy()[ok],
                "key": place_keys(pn["name"]).to_numpy()[ok],
                "row": pn_rows[ok].astype(np.int64),
            }
        )

    def _build_postal_key_index(self, pn_frame: pd.DataFrame) -> None:
        """(postal code, key): the rows' own postal codes first, then La Poste names of current entities."""
        c = self.communes
        own = c.loc[~c["insee_code"].isin(self._plm) | ~self._is_current, ["postal_codes", "key"]].copy()
        own["row"] = own.index.to_numpy()
        own = own.assign(postal=own["postal_codes"].str.split(" ")).explode("postal").dropna(subset=["postal"])
        # A La Poste name can cover several communes ("PARIS" under 75015 also names Issy-les-Moulineaux,
        # "MARSEILLE" under 13004 also the 12e): prefer the commune whose own postal codes include that code.
        own_pairs = pd.Index(pipe_keys(own["postal"], own["row"].astype(str)))
        foreign = ~pipe_keys(pn_frame["postal"], pn_frame["row"].astype(str)).isin(own_pairs)
        pk = pd.concat(
            [own[["postal", "key", "row"]].assign(src=0), pn_frame.assign(src=1 + foreign.to_numpy(dtype=np.int64))],
            ignore_index=True,
        )
        pk["rank"] = pk["src"] * 10**12 + self._rank[pk["row"].to_numpy()]
        self._pk_frame = pk
        self._idx_postal_key = _best_row_per_key(
            pipe_keys(pk["postal"], pk["key"]), pk["row"].to_numpy(), pk["rank"].to_numpy()
        )

    def _build_department_key_indexes(self, pn_frame: pd.DataFrame) -> None:
        """(département, key), then the name alone: only keys that name a single current entity."""
        c = self.communes
        rows = np.arange(len(c))
        # Former names only count where no current name has the same key.
        dk = pd.concat(
            [
                pd.DataFrame({"dept": c["department"].to_numpy(), "key": c["key"].to_numpy(), "row": rows}),
                pn_frame.assign(dept=c["department"].to_numpy()[pn_frame["row"].to_numpy()])[["dept", "key", "row"]],
            ],
            ignore_index=True,
        )
        dk["k"] = pipe_keys(dk["dept"], dk["key"])
        dk["t"] = self._t_insee[dk["row"].to_numpy()]
        dk["current"] = self._is_current[dk["row"].to_numpy()] & (
            c["key"].to_numpy()[dk["row"].to_numpy()] == dk["key"].to_numpy()
        )
        dk["rank"] = self._rank[dk["row"].to_numpy()]
        has_current = dk.groupby("k")["current"].transform("any")
        dk = dk[dk["current"] | ~has_current]
        self._dk_frame = dk
        self._idx_dept_key = _unique_target_index(dk, "k")
        # Name alone, for rows with neither postal code nor département: only names unique in France.
        nk = dk[["key", "row", "t", "current", "rank"]]
        nk = nk[nk["current"] | ~nk.groupby("key")["current"].transform("any")]
        self._idx_key = _unique_target_index(nk, "key")

    def _postal_code_table(self) -> pd.DataFrame:
        """Postal code alone: per code, the current entities that use it, their count and mean point, and the
        département/région/EPCI when they share one."""
        c = self.communes
        cur = c[self._is_current & ~c["insee_code"].isin(self._plm).to_numpy()]
        ex = cur.assign(postal=cur["postal_codes"].str.split(" ")).explode("postal").dropna(subset=["postal"])
        ex = ex.assign(row=ex.index.to_numpy())
        g = ex.groupby("postal", sort=True)
        first = g[["row", "department", "region", "epci"]].first()
        table = pd.DataFrame(
            {"n": g["insee_code"].nunique(), "lat": g["lat"].mean(), "lon": g["lon"].mean(), "row": first["row"]}
        )
        for col in ("department", "region", "epci"):
            table[col] = first[col].where(g[col].nunique() == 1, None).astype(object)
        members: dict[str, list[int]] = {}
        for pc, r in zip(ex["postal"].to_numpy(dtype=object), ex["row"].to_numpy(), strict=True):
            members.setdefault(pc, []).append(int(r))
        names = c["name"].to_numpy(dtype=object)
        table["rows"] = [tuple(members[pc]) for pc in table.index]
        table["names"] = [tuple(names[r] for r in members[pc]) for pc in table.index]
        return table


def _unique_target_index(frame: pd.DataFrame, key: str) -> KeyIndex:
    """Index of the keys of ``frame`` whose rows all stand for one current entity (column ``t``)."""
    unique = frame.groupby(key)["t"].transform("nunique") == 1
    return _best_row_per_key(
        frame.loc[unique, key], frame.loc[unique, "row"].to_numpy(), frame.loc[unique, "rank"].to_numpy()
    )
