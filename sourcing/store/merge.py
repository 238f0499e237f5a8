"""Merge the suppliers of several sources into one directory, keeping the provenance of every field.

The rule that picks a value (explicit, and tested in tests/test_store_merge.py):
1. Records are the same supplier when they share a SIRET; a record without SIRET joins the
   record of the same SIREN at the same address (folded street + postal code); anything else
   stays a supplier of its own.
2. For each field, the value comes from the highest-ranked source that has one (empty values
   never win). Rank: the most recent data date first (a source without a known date ranks
   below every dated one), then the source added last.
3. Kinds: a source that certifies a family (the SIAE lists for EI/ACI/AI/ETTI/EITI, FINESS
   and the Marché de l'inclusion for ESAT/EA...) outranks every other source for the kinds
   of that family when it lists the supplier; ESS status kinds (association, SCOP, ESUS...)
   are never contradicted, so they are the union of all sources.
4. The location (address, postal code, commune, coordinates, precision, département...)
   moves as one block, from the highest-ranked source that located the supplier, so that a
   street is never shown beside another source's coordinates.
5. Sectors, labels and networks are the union of all sources (a supplier does what any of its
   sources says it does).

Invariant (tested): suppliers in (all rows of all sources) = suppliers out + merged.
Safety rule: values are copied, never interpreted; nothing here builds HTML or formulas.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sourcing.model import CANONICAL_COLUMNS, KIND_BY_CODE, LIST_COLUMNS

# Which kinds each import format certifies (an official list of that family).
CERTIFIED_KINDS_BY_FORMAT: dict[str, frozenset[str]] = {
    "asp_siae": frozenset({"EI", "ACI", "AI", "ETTI", "EITI"}),
    "siae_regional": frozenset({"EI", "ACI", "AI", "ETTI", "EITI"}),
    "marche_json": frozenset({"EI", "ACI", "AI", "ETTI", "EITI", "ESAT", "EA", "EATT"}),
    "marche_csv": frozenset({"EI", "ACI", "AI", "ETTI", "EITI", "ESAT", "EA", "EATT"}),
    "geiq": frozenset({"GEIQ"}),
    "finess": frozenset({"ESAT"}),
}
CERTIFIED_FAMILIES = ("insertion", "handicap")
# Sources that only complete suppliers other sources list (the geocoding at the address, sourcing/live/geocode.py):
# a row of theirs whose supplier no other source lists any more is dropped, never a supplier of its own.
COMPLEMENT_FORMATS = frozenset({"geocodage-ban"})
LOCATION_FIELDS = (
    "address",
    "postal_code",
    "city",
    "insee_code",
    "department",
    "region",
    "epci",
    "lat",
    "lon",
    "geo_precision",
)
UNION_FIELDS = ("sectors", "labels", "networks")
BOOKKEEPING_FIELDS = ("id", "source_name", "source_date", "source_line")
# Fields whose disagreements a buyer wants to see (the conflicts table).
CONFLICT_FIELDS = ("name", "kinds", "address", "postal_code", "city", "legal_form", "naf", "phone", "email", "website")
SCALAR_FIELDS = tuple(
    c
    for c in CANONICAL_COLUMNS
    if c not in BOOKKEEPING_FIELDS and c not in LOCATION_FIELDS and c not in UNION_FIELDS and c != "kinds"
)
PROVENANCE_FIELDS = tuple(c for c in CANONICAL_COLUMNS if c not in BOOKKEEPING_FIELDS)
NO_SOURCE = -1
_NOT_ALNUM = re.compile(r"[^A-Z0-9]+")
_PUNCTUATION = re.compile(r"[^\w]+")


@dataclass(frozen=True)
class SourceInput:
    """One source to merge: its catalogue id, format, data date and suppliers."""

    source_id: int
    label: str
    format: str
    data_date: str | None  # ISO date of the data, None when unknown
    order: int  # the order it was added in (later wins at equal dates)
    frame: pd.DataFrame


@dataclass
class MergeResult:
    directory: pd.DataFrame  # canonical columns, one row per supplier
    provenance: pd.DataFrame  # id + one int column per field: the source id that gave it (-1: none)
    conflicts: pd.DataFrame  # long form: id, field, source_id, value
    suppliers_in: int = 0
    suppliers_out: int = 0
    merged: int = 0
    per_source: dict[int, int] = field(default_factory=dict)


def fold_address(text: pd.Series) -> pd.Series:
    """Upper case, no accents, no punctuation, single spaces: '12, rue de l’Église' ~ '12 RUE DE L EGLISE'."""

    def fold(value: str) -> str:
        # Punctuation (’ ' - ,) becomes a space before accents are dropped, so "d’Arsonval" ~ "D ARSONVAL".
        spaced = _PUNCTUATION.sub(" ", value)
        plain = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode()
        return _NOT_ALNUM.sub(" ", plain.upper()).strip()

    text = text.astype(object).fillna("").astype(str)
    uniques = text.unique()  # lists repeat the same streets and names: fold each once
    return text.map(dict(zip(uniques, map(fold, uniques), strict=True)))


def _list_lengths(values: pd.Series) -> np.ndarray:
    """Length of each list cell (0 for a missing one). `map(len)` runs in C; the slow path only
    when some cell is not a sequence."""
    cells = values.to_numpy()
    try:
        return np.fromiter(map(len, cells), dtype=np.int64, count=len(cells))
    except TypeError:
        return np.fromiter((len(v) if isinstance(v, list | tuple | np.ndarray) else 0 for v in cells), np.int64)


def _lists_by_key(keys: pd.Series, values: pd.Series) -> dict:
    """key -> list of its values in order (keys and values already de-duplicated and ordered).
    One stable sort and a split: pandas' groupby(...).agg(list) calls Python once per group."""
    if not len(keys):
        return {}
    order = np.argsort(keys.to_numpy(), kind="stable")
    sorted_keys = keys.to_numpy()[order]
    sorted_values = values.to_numpy()[order]
    uniques, starts = np.unique(sorted_keys, return_index=True)
    return dict(zip(uniques, (chunk.tolist() for chunk in np.split(sorted_values, starts[1:])), strict=True))


def _nonempty(values: pd.Series, column: str) -> pd.Series:
    if column in LIST_COLUMNS:
        return pd.Series(_list_lengths(values) > 0, index=values.index)
    if CANONICAL_COLUMNS[column][0] in ("float", "int"):
        return values.notna()
    if CANONICAL_COLUMNS[column][0] == "bool":
        return values.fillna(False).astype(bool)
    if pd.api.types.is_string_dtype(values.dtype) and not pd.api.types.is_object_dtype(values.dtype):
        return values.notna() & (values.fillna("").str.strip() != "")  # string columns: no copy to object
    return values.notna() & (values.astype(object).fillna("").astype(str).str.strip() != "")


def _keys(frame: pd.DataFrame) -> pd.Series:
    """The merge key of each row: SIRET, else SIREN + folded address, else the row's own id."""
    siret = frame["siret"].astype(object)
    has_siret = (siret.notna() & (siret.astype(str) != "")).to_numpy()
    keys = pd.Series("U" + frame["_src"].astype(str) + "|" + frame["id"].astype(str), index=frame.index)
    keys[has_siret] = "S" + siret[has_siret].astype(str)
    siren = frame["siren"].astype(object).fillna("").astype(str)
    without = ~has_siret & (siren != "").to_numpy()
    if not without.any():
        return keys
    # Address keys only where they can matter: rows without SIRET, and the SIRET rows of their SIRENs.
    relevant = without | (has_siret & siren.isin(set(siren[without])).to_numpy())
    sub = frame.loc[relevant]
    folded = fold_address(sub["address"])
    address_key = "A" + siren[relevant] + "|" + folded + "|" + sub["postal_code"].astype(object).fillna("").astype(str)
    usable = folded != ""
    rows_without = address_key[usable & ~pd.Series(has_siret, index=frame.index)[relevant]]
    keys[rows_without.index] = rows_without
    # A record without SIRET joins the one establishment with a SIRET at the same SIREN and address.
    with_siret = pd.DataFrame({"a": address_key, "k": keys[relevant]})[
        usable & pd.Series(has_siret, index=frame.index)[relevant]
    ]
    counts = with_siret.drop_duplicates()["a"].value_counts()
    unique = with_siret[with_siret["a"].isin(counts[counts == 1].index)].drop_duplicates("a").set_index("a")["k"]
    adopted = rows_without.map(unique).dropna()
    keys[adopted.index] = adopted
    return keys


def _ranks(sources: list[SourceInput]) -> dict[int, int]:
    ordered = sorted(sources, key=lambda s: (s.data_date or "", s.order))
    return {s.source_id: rank for rank, s in enumerate(ordered)}


def _stack(sources: list[SourceInput]) -> pd.DataFrame:
    parts = []
    for source in sources:
        part = source.frame[list(CANONICAL_COLUMNS)].copy()
        part["_src"] = source.source_id
        parts.append(part)
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in [*CANONICAL_COLUMNS, "_src"]})
    return pd.concat(parts, ignore_index=True)


def _first_by_rank(stacked: pd.DataFrame, column: str, rank: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Per key, the value and source of the highest-ranked row with a non-empty value."""
    mask = _nonempty(stacked[column], column)
    sub = pd.DataFrame({"key": stacked["_key"][mask], "rank": rank[mask], "v": stacked[column][mask]})
    sub["src"] = stacked["_src"][mask]
    sub = sub.sort_values(["key", "rank"], ascending=[True, False], kind="stable").drop_duplicates("key")
    return sub.set_index("key")["v"], sub.set_index("key")["src"]


def _merge_kinds(stacked: pd.DataFrame, rank: pd.Series, formats: dict[int, str]) -> tuple[pd.Series, pd.Series]:
    """Certified families from the certifying source that lists the supplier, the rest by rank, ESS kinds united."""
    certifies = {src: int(bool(CERTIFIED_KINDS_BY_FORMAT.get(fmt))) for src, fmt in formats.items()}
    boosted = rank + stacked["_src"].map(certifies) * 1_000_000
    chosen, source = _first_by_rank(stacked, "kinds", boosted)
    ess_kinds = {k.code for k in KIND_BY_CODE.values() if k.family == "ess"}
    exploded = stacked[["_key", "kinds"]].explode("kinds").dropna()
    exploded = exploded[exploded["kinds"].isin(ess_kinds)].drop_duplicates()
    ess_union = _lists_by_key(exploded["_key"], exploded["kinds"])
    keys = stacked["_key"].unique()
    merged = pd.Series(
        [list(dict.fromkeys([*chosen.get(key, []), *ess_union.get(key, [])])) for key in keys], index=keys
    )
    return merged, source


def _union(stacked: pd.DataFrame, column: str) -> pd.Series:
    """Per key, every value of a list column in any row, in first-seen order, once."""
    exploded = stacked[["_key", column]].explode(column).dropna().drop_duplicates()
    united = _lists_by_key(exploded["_key"], exploded[column])
    keys = stacked["_key"].unique()
    return pd.Series([united.get(key, []) for key in keys], index=keys, dtype=object)


def _location(stacked: pd.DataFrame, rank: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    """The location block of the highest-ranked source that located the supplier (else the best-ranked row)."""
    located = stacked["geo_precision"].fillna("none").astype(str) != "none"
    order = pd.DataFrame({"key": stacked["_key"], "loc": located.astype(int), "rank": rank})
    best = order.sort_values(["key", "loc", "rank"], ascending=[True, False, False], kind="stable")
    best = best.drop_duplicates("key")
    block = stacked.loc[best.index, ["_key", "_src", *LOCATION_FIELDS]].set_index("_key")
    return block[list(LOCATION_FIELDS)], block["_src"]


def _conflicts(stacked: pd.DataFrame, ids: pd.Series) -> pd.DataFrame:
    """Every (supplier, field) where sources give different non-empty values, one row per source value."""
    rows = []
    for column in CONFLICT_FIELDS:
        mask = _nonempty(stacked[column], column)
        values = stacked.loc[mask, column]
        if column == "kinds":
            # ESS status kinds never conflict; compare the certified families only.
            values = values.map(lambda ks: [k for k in ks if KIND_BY_CODE.get(k) and KIND_BY_CODE[k].family != "ess"])
            keep = values.map(len) > 0
            values = values[keep].map(lambda ks: ", ".join(sorted(ks)))
        else:
            values = values.astype(str).str.strip()
        sub = pd.DataFrame({"key": stacked.loc[values.index, "_key"], "src": stacked.loc[values.index, "_src"]})
        sub["value"] = values
        # Only keys whose raw values differ can disagree: fold those alone (folding is per value, in Python).
        raw_distinct = sub.drop_duplicates(["key", "value"])
        candidates = raw_distinct["key"][raw_distinct["key"].duplicated()].unique()
        sub = sub[sub["key"].isin(candidates)].copy()
        sub["norm"] = fold_address(sub["value"]) if column != "kinds" else sub["value"]
        sub = sub.drop_duplicates(["key", "src", "norm"])
        distinct = sub.groupby("key")["norm"].nunique()
        disagreeing = distinct[distinct > 1].index
        if len(disagreeing):
            part = sub[sub["key"].isin(disagreeing)].drop_duplicates(["key", "src"])
            rows.append(pd.DataFrame({"id": part["key"].map(ids), "field": column, "source_id": part["src"],
                                      "value": part["value"]}))  # fmt: skip
    if not rows:
        return pd.DataFrame({"id": pd.Series(dtype=str), "field": pd.Series(dtype=str),
                             "source_id": pd.Series(dtype="int64"), "value": pd.Series(dtype=str)})  # fmt: skip
    return pd.concat(rows, ignore_index=True)


def _supplier_ids(stacked: pd.DataFrame, rank: pd.Series) -> pd.Series:
    """SIRET for SIRET keys; otherwise the id the highest-ranked source gave (stable across rebuilds)."""
    order = pd.DataFrame({"key": stacked["_key"], "rank": rank, "id": stacked["id"].astype(str)})
    best = order.sort_values(["key", "rank"], ascending=[True, False], kind="stable").drop_duplicates("key")
    ids = best.set_index("key")["id"]
    siret_keys = ids.index.str.startswith("S")
    ids[siret_keys] = ids.index[siret_keys].str[1:]
    return ids


def _pass_through(singles: pd.DataFrame, labels: dict[int, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Suppliers only one source knows: their values as they are, every field from that source."""
    out = singles[list(CANONICAL_COLUMNS)].copy()
    out["source_name"] = singles["_src"].map(labels)
    provenance = pd.DataFrame(index=singles.index)
    src = singles["_src"].to_numpy()
    for column in PROVENANCE_FIELDS:
        provenance[column] = np.where(_nonempty(singles[column], column).to_numpy(), src, NO_SOURCE)
    return out, provenance


def _merge_groups(multis: pd.DataFrame, sources: list[SourceInput], ranks: dict[int, int]):
    """Suppliers several sources know: each field by the rule of the module docstring."""
    rank = multis["_src"].map(ranks)
    formats = {s.source_id: s.format for s in sources}
    ids = _supplier_ids(multis, rank)
    keys = ids.index
    out = pd.DataFrame(index=keys)
    provenance = pd.DataFrame(index=keys)
    out["id"] = ids
    for column in SCALAR_FIELDS:
        value, source = _first_by_rank(multis, column, rank)
        out[column] = value.reindex(keys)
        provenance[column] = source.reindex(keys)
    out["kinds"], provenance["kinds"] = _merge_kinds(multis, rank, formats)
    location, location_source = _location(multis, rank)
    for column in LOCATION_FIELDS:
        out[column] = location[column].reindex(keys)
        provenance[column] = location_source.reindex(keys)
    for column in UNION_FIELDS:
        out[column] = _union(multis, column).reindex(keys)
        provenance[column] = _first_by_rank(multis, column, rank)[1].reindex(keys)
    labels = {s.source_id: s.label for s in sources}
    by_rank = pd.DataFrame({"key": multis["_key"], "src": multis["_src"], "rank": rank})
    by_rank = by_rank.sort_values(["key", "rank"], ascending=[True, False], kind="stable").drop_duplicates(
        ["key", "src"]
    )
    contributing = _lists_by_key(by_rank["key"], by_rank["src"].map(labels))
    out["source_name"] = [" · ".join(contributing[key]) for key in keys]
    dated = pd.DataFrame({"key": multis["_key"], "d": multis["source_date"].astype(object).fillna("")})
    newest = dated.sort_values(["key", "d"], kind="stable").drop_duplicates("key", keep="last").set_index("key")["d"]
    out["source_date"] = newest.reindex(keys).replace("", None)
    out["source_line"] = _first_by_rank(multis, "source_line", rank)[0].reindex(keys)
    return out, provenance, ids


def _without_lone_complements(stacked: pd.DataFrame, sources: list[SourceInput]) -> pd.DataFrame:
    """The rows of complement sources whose supplier no other source lists (its source was removed): dropped."""
    complement = {s.source_id for s in sources if s.format in COMPLEMENT_FORMATS}
    if not complement or not len(stacked):
        return stacked
    from_complement = stacked["_src"].isin(complement)
    listed = stacked["_key"].isin(set(stacked.loc[~from_complement, "_key"]))
    return stacked[~from_complement | listed].reset_index(drop=True)


def merge_sources(sources: list[SourceInput]) -> MergeResult:
    """One directory from several sources (see the module docstring for the rule)."""
    stacked = _stack(sources)
    stacked["_key"] = _keys(stacked) if len(stacked) else pd.Series(dtype=str)
    stacked = _without_lone_complements(stacked, sources)
    suppliers_in = len(stacked)
    shared = stacked["_key"].duplicated(keep=False)
    singles, multis = stacked[~shared], stacked[shared]
    labels = {s.source_id: s.label for s in sources}
    out_single, prov_single = _pass_through(singles, labels)
    parts, provenances = [out_single], [prov_single]
    conflicts = _conflicts(multis, pd.Series(dtype=str))
    if len(multis):
        out_multi, prov_multi, ids = _merge_groups(multis, sources, _ranks(sources))
        parts.append(out_multi)
        provenances.append(prov_multi)
        conflicts = _conflicts(multis, ids)
    out, provenance = _finish(pd.concat(parts, ignore_index=True), pd.concat(provenances, ignore_index=True))
    per_source = {int(k): int(v) for k, v in stacked.groupby("_src").size().items()}
    return MergeResult(out, provenance, conflicts, suppliers_in, len(out), suppliers_in - len(out), per_source)


def _finish(out: pd.DataFrame, provenance: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Canonical order and dtypes; provenance as one int column per field, keyed by supplier id."""
    for column in LIST_COLUMNS:  # cells are lists or arrays (Parquet writes both); only holes need filling
        missing = out[column].isna().to_numpy()
        if missing.any():
            out.loc[missing, column] = pd.Series([[] for _ in range(int(missing.sum()))], index=out.index[missing])
    out["area_national"] = out["area_national"].fillna(False).astype(bool)
    out = out[list(CANONICAL_COLUMNS)].reset_index(drop=True)
    provenance = provenance.reset_index(drop=True)
    provenance = provenance[list(PROVENANCE_FIELDS)].fillna(NO_SOURCE).astype("int32")
    for column in PROVENANCE_FIELDS:  # no value, no source (an unlocated supplier has no location source)
        provenance.loc[~_nonempty(out[column], column).to_numpy(), column] = NO_SOURCE
    provenance.insert(0, "id", out["id"].astype(str).to_numpy())
    return out, provenance
