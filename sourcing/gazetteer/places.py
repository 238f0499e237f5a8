"""What a buyer types, resolved to a place (``resolve``) or completed while typing (``suggest``).

``PlaceFinder`` answers in ``Candidate`` and ``Resolution`` records with French labels and messages;
several matching places are always offered as candidates, never silently guessed.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from sourcing.gazetteer.codes import normalise_department
from sourcing.gazetteer.indexes import GazetteerIndexes
from sourcing.gazetteer.names import ascii_upper, normalise_place_name, normalise_place_names, place_key
from sourcing.util import dataclass_from

Status = Literal["ok", "ambiguous", "not_found"]
PlaceKind = Literal["commune", "postal_code", "department", "region"]
_TYPE_LABELS: Final[dict[str, str]] = {
    "deleguee": "commune déléguée",
    "associee": "commune associée",
    "ancienne": "ancienne commune",
}


@dataclass(frozen=True)
class Candidate:
    """One place offered to the buyer: an ambiguity candidate, a suggestion or an autocomplete entry."""

    kind: PlaceKind
    code: str  # INSEE code, postal code, département or région code
    label: str  # French, e.g. "Saint-Denis (93)"
    lat: float
    lon: float
    insee_code: str | None = None
    department: str | None = None
    region: str | None = None
    population: int | None = None
    former_name: str | None = None  # a delegated/former commune's own name, when the match went through it
    current_name: str | None = None  # official name of the current commune (or arrondissement)


@dataclass(frozen=True)
class Resolution:
    """What a typed place resolved to. ``candidates`` lists the choices when ambiguous (or suggestions)."""

    status: Status
    kind: PlaceKind | None = None
    code: str | None = None
    label: str | None = None
    lat: float | None = None
    lon: float | None = None
    department: str | None = None
    region: str | None = None
    insee_code: str | None = None
    candidates: tuple[Candidate, ...] = ()
    message: str = ""


class PlaceFinder(GazetteerIndexes):
    """Resolution and autocomplete over the gazetteer's tables."""

    # The name lookup (resolve) and the autocomplete index (suggest) are built on first use: an import
    # that only geocodes does not pay for them (about 0.5 s at start-up).
    _LAZY: Final[dict[str, str]] = {
        **dict.fromkeys(("_rows_by_key", "_dept_by_key", "_region_by_key", "_dept_pos"), "_build_name_lookup"),
        # Only a name not found as a commune, or qualified by a postal code, needs these (0.2 s more).
        **dict.fromkeys(("_pn_rows_by_key", "_pn_postals"), "_build_postal_name_lookup"),
        "_postal_sets": "_build_postal_sets",
        **dict.fromkeys(
            ("_sg_names", "_sg_rows", "_sg_pop", "_sg_postal", "_sg_insee", "_sg_insee_rows", "_sg_areas"),
            "_build_suggest",
        ),
    }

    def __getattr__(self, name: str):
        # Only called when normal lookup fails, i.e. for a lazily built index not built yet.
        builder = PlaceFinder._LAZY.get(name)
        if builder is None:
            raise AttributeError(name)
        getattr(self, builder)()
        return self.__dict__[name]

    # --- resolve --------------------------------------------------------------------------

    def _build_name_lookup(self) -> None:
        self._rows_by_key = _RowsByValue(self.communes["key"])
        self._dept_by_key = _RowsByValue(self.departments["key"])
        self._region_by_key = _RowsByValue(self.regions["key"])
        self._dept_pos = {code: i for i, code in enumerate(self.departments["code"])}

    def _build_postal_name_lookup(self) -> None:
        pk = self._pk_frame[self._pk_frame["src"] >= 1]
        self._pn_rows_by_key = _RowsByValue(pk["key"], pk["row"].to_numpy(dtype=np.int64))
        keys, postals = (pk[c].to_numpy(dtype=object).tolist() for c in ("key", "postal"))
        self._pn_postals = set(zip(keys, postals, strict=True))  # (name key, postal code) pairs

    def _build_postal_sets(self) -> None:
        self._postal_sets = [set(p.split(" ")) if isinstance(p, str) else set() for p in self.communes["postal_codes"]]

    def _commune_candidate(self, r: int) -> Candidate:
        c = self.communes
        t = self._t_insee[r]
        dept = c["department"].iat[r]
        if self._is_current[r]:
            label = f"{c['name'].iat[r]} ({dept})"
            pop = c["population"].iat[r]
        else:
            label = f"{c['name'].iat[r]} ({_TYPE_LABELS[c['type'].iat[r]]} de {self._t_name[r]}, {dept})"
            cur = self._row_of_current.get(t)
            pop = c["population"].iat[int(cur)] if cur is not None else None
        return Candidate(
            kind="commune",
            code=t,
            label=label,
            lat=float(c["lat"].iat[r]),
            lon=float(c["lon"].iat[r]),
            insee_code=t,
            department=dept,
            region=c["region"].iat[r],
            population=None if pd.isna(pop) else int(pop),
            former_name=None if self._is_current[r] else c["name"].iat[r],
            current_name=self._t_name[r],
        )

    def _area_candidate(self, kind: PlaceKind, i: int) -> Candidate:
        table = self.departments if kind == "department" else self.regions
        row = table.iloc[i]
        label = f"{row['name']} ({row['code']})" if kind == "department" else str(row["name"])
        return Candidate(
            kind=kind,
            code=row["code"],
            label=label,
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            department=row["code"] if kind == "department" else None,
            region=row["region"] if kind == "department" else row["code"],
            population=int(row["population"]),
        )

    def _postal_candidate(self, postal: str) -> Candidate:
        t = self.postal_codes.loc[postal]
        names = list(t["names"])
        shown = ", ".join(names[:3]) + (" …" if len(names) > 3 else "")
        single = int(t["n"]) == 1
        return Candidate(
            kind="postal_code",
            code=postal,
            label=f"{postal} {shown}",
            lat=float(t["lat"]),
            lon=float(t["lon"]),
            insee_code=self._t_insee[int(t["row"])] if single else None,
            department=t["department"],
            region=t["region"],
        )

    @staticmethod
    def _ok(cand: Candidate, message: str = "", candidates: tuple[Candidate, ...] = ()) -> Resolution:
        return dataclass_from(Resolution, cand, status="ok", candidates=candidates, message=message)

    def resolve(self, text: str) -> Resolution:
        """Resolve what a buyer typed: a commune ("Lille", "ST MAURICE DE BEYNOST", "Saint-Denis (974)",
        "Paris 15e"), a postal code ("59000"), an INSEE code ("2A004"), a département ("Nord", "2A") or a
        région. Several matching places give status "ambiguous" with the candidates (never a silent guess);
        nothing gives "not_found" with close suggestions. Messages are in French.
        """
        raw = (text or "").strip()
        if not raw:
            return Resolution(
                status="not_found", message="Saisissez une commune, un code postal, un département ou une région."
            )
        compact = re.sub(r"[\s.:]", "", raw.upper())
        code = re.fullmatch(r"(CP|CODEPOSTAL|INSEE|CODEINSEE)?(\d{5}|2[AB]\d{3})", compact)
        if code:
            mode = "postal" if code.group(1) in ("CP", "CODEPOSTAL") else "insee" if code.group(1) else "any"
            return self._resolve_code(code.group(2), mode)
        if re.fullmatch(r"\d{4}", compact):
            return self._resolve_code("0" + compact, "postal")
        if re.fullmatch(r"0?20", compact):
            cands = tuple(self._area_candidate("department", self._dept_pos[d]) for d in ("2A", "2B"))
            return Resolution(
                status="ambiguous", candidates=cands, message="« 20 » : précisez Corse-du-Sud (2A) ou Haute-Corse (2B)."
            )
        if re.fullmatch(r"0?\d{1,2}|0?2[AB]|9[78]\d", compact):
            dept = normalise_department(compact)
            if dept in self._dept_pos:
                return self._ok(self._area_candidate("department", self._dept_pos[dept]))
            return self._not_found(raw, f"« {raw} » n'est pas un code de département connu.")
        return self._resolve_name(raw)

    def _resolve_code(self, code: str, mode: str) -> Resolution:
        as_postal = mode != "insee" and code in self._idx_postal
        pos = self._idx_insee[0].get_indexer([code])[0] if mode != "postal" else -1
        insee_row = int(self._idx_insee[1][pos]) if pos >= 0 else None
        if as_postal:
            pc = self._postal_candidate(code)
            t = self.postal_codes.loc[code]
            members = tuple(
                sorted((self._commune_candidate(int(r)) for r in t["rows"]), key=lambda x: -(x.population or 0))
            )
            if len(members) == 1:
                message = f"Code postal {code} : {members[0].label}."
            else:
                names = ", ".join(m.label for m in members[:5]) + (" …" if len(members) > 5 else "")
                message = (
                    f"Le code postal {code} dessert {len(members)} communes ({names}) : le point central est utilisé."
                )
            if insee_row is not None and {m.insee_code for m in members} != {self._t_insee[insee_row]}:
                # Buyers type postal codes far more often than INSEE codes: the postal reading wins, the
                # other one is offered, never dropped silently.
                insee = self._commune_candidate(insee_row)
                members += (dataclasses.replace(insee, label=f"{insee.label} – code INSEE {code}"),)
                message += (
                    f" « {code} » est aussi le code INSEE de {self._t_name[insee_row]} : "
                    f"saisissez « INSEE {code} » pour cette commune."
                )
            return self._ok(pc, message, members)
        if insee_row is not None:
            cand = self._commune_candidate(insee_row)
            message = (
                ""
                if self._is_current[insee_row]
                else (
                    f"Le code INSEE {code} ({self.communes['name'].iat[insee_row]}) correspond aujourd'hui à "
                    f"{self._t_name[insee_row]}."
                )
            )
            return self._ok(cand, message)
        what = {"postal": "code postal", "insee": "code INSEE"}.get(mode, "code postal ni code INSEE")
        return self._not_found(code, f"Aucun {what} « {code} » connu.", by_prefix=code[:3])

    def _name_candidates(self, key: str, dept: str | None = None, postal: str | None = None) -> list[Candidate]:
        c = self.communes
        rows = self._rows_by_key.get(key, np.empty(0, dtype=np.int64))
        if dept:
            rows = rows[c["department"].to_numpy(dtype=object)[rows] == dept]
        if postal:
            rows = rows[[postal in self._postal_sets[r] for r in rows]]
        current = rows[self._is_current[rows]]
        chosen = current if len(current) else rows
        if not len(chosen):
            chosen = self._pn_rows_by_key.get(key, np.empty(0, dtype=np.int64))
            if dept:
                chosen = chosen[c["department"].to_numpy(dtype=object)[chosen] == dept]
            if postal:
                chosen = chosen if (key, postal) in self._pn_postals else chosen[:0]
        best: dict[str, int] = {}
        for r in sorted(chosen.tolist(), key=lambda r: self._rank[r]):
            best.setdefault(self._t_insee[r], r)
        communes = sorted((self._commune_candidate(r) for r in best.values()), key=lambda x: -(x.population or 0))
        areas: list[Candidate] = []
        if not postal:
            areas += [
                self._area_candidate("department", i)
                for i in self._dept_by_key.get(key, [])
                if not dept or self.departments["code"].iat[i] == dept
            ]
        if not postal and not dept:
            areas += [self._area_candidate("region", i) for i in self._region_by_key.get(key, [])]
        # "Paris" is both the commune and the département: one place. "Guadeloupe" is a région of one
        # département of the same name: one place too.
        areas = [
            a
            for a in areas
            if not (
                a.kind == "department"
                and self.departments["chef_lieu"].iat[self._dept_pos[a.code]] in {x.insee_code for x in communes}
            )
        ]
        dept_regions = {a.region for a in areas if a.kind == "department"}
        areas = [a for a in areas if not (a.kind == "region" and a.code in dept_regions)]
        return areas + communes

    def _resolve_name(self, raw: str) -> Resolution:
        key = place_key(raw)
        cands = self._name_candidates(key)
        if not cands:
            qual = re.fullmatch(r"(.*?)[\s,;(\[-]*\(?\s*(\d{5}|\d{1,3}|2[AaBb])\s*[)\]]?\s*", raw)
            if qual and qual.group(1).strip():
                name_key = place_key(qual.group(1))
                q = qual.group(2).upper()
                if len(q) == 5:
                    cands = self._name_candidates(name_key, postal=q)
                else:
                    dept = normalise_department(q)
                    cands = self._name_candidates(name_key, dept=dept) if dept else []
        if not cands:
            # "Saint-Denis (La Réunion)", "Saint-Denis, Seine-Saint-Denis": a département name as qualifier.
            qual = re.fullmatch(r"(.+?)\s*[,(]\s*([^(),]+?)\s*\)?\s*", raw)
            if qual:
                for i in self._dept_by_key.get(place_key(qual.group(2)), []):
                    cands += self._name_candidates(place_key(qual.group(1)), dept=self.departments["code"].iat[i])
        if not cands:
            return self._not_found(
                raw, f"Aucune commune, aucun département ni aucune région ne correspond à « {raw} »."
            )
        if len(cands) == 1:
            cand = cands[0]
            message = ""
            if cand.kind == "commune" and cand.former_name:
                message = f"{cand.former_name} fait aujourd'hui partie de la commune de {cand.current_name}."
            return self._ok(cand, message)
        return Resolution(
            status="ambiguous",
            candidates=tuple(cands),
            message=f"« {raw} » désigne {len(cands)} lieux : choisissez-en un ou précisez le "
            f"département, par exemple « {raw} ({cands[0].department or cands[0].code}) ».",
        )

    @functools.cached_property
    def _fuzzy_choices(self) -> tuple[list[str], list[tuple[PlaceKind, int]]]:
        """Names offered as suggestions: départements, régions, then every commune name (current names
        first, most populated first), one entry per distinct key."""
        c = self.communes
        keys = self.departments["key"].tolist() + self.regions["key"].tolist()
        refs: list[tuple[PlaceKind, int]] = [("department", i) for i in range(len(self.departments))]
        refs += [("region", i) for i in range(len(self.regions))]
        pops = c["population"].fillna(0).to_numpy(dtype=np.int64)
        order = np.lexsort((np.arange(len(c)), -pops, ~self._is_current))
        ckeys = c["key"].to_numpy(dtype=object)[order]
        _, first = np.unique(ckeys, return_index=True)
        rows = order[np.sort(first)]
        known = set(keys)
        for r, k in zip(rows.tolist(), c["key"].to_numpy(dtype=object)[rows].tolist(), strict=True):
            if k not in known:
                keys.append(k)
                refs.append(("commune", r))
        return keys, refs

    def _closest(self, key: str, keys: list[str], refs: list[tuple[PlaceKind, int]]) -> list[int]:
        """Positions in ``keys`` of the names closest to ``key``: most similar first (whole-name
        similarity, so "villeurbane" gives Villeurbanne before "Eu"), then most populated."""
        hits = process.extract(key, keys, scorer=fuzz.WRatio, limit=30, score_cutoff=80)
        pops = self.communes["population"].fillna(0).to_numpy(dtype=np.int64)

        def rank(hit: tuple) -> tuple[float, int]:
            kind, row = refs[hit[2]]
            population = int(pops[row]) if kind == "commune" else 10**9  # a département or région first
            return (-round(fuzz.ratio(key, hit[0])), -population)

        return [h[2] for h in sorted(hits, key=rank) if fuzz.ratio(key, h[0]) >= 60]

    def _not_found(self, raw: str, message: str, by_prefix: str | None = None) -> Resolution:
        if by_prefix:
            suggestions = tuple(self.suggest(by_prefix, limit=5))
        else:
            keys, refs = self._fuzzy_choices
            key = place_key(raw)
            # Names that start with what was typed come first ("Hellemmes" -> "Hellemmes-Lille"), then
            # the closest spellings.
            picked = [i for i, k in enumerate(keys) if k.startswith(key + " ")][:3] if key else []
            picked += [i for i in self._closest(key, keys, refs) if i not in picked]
            suggestions = tuple(
                self._commune_candidate(refs[i][1])
                if refs[i][0] == "commune"
                else self._area_candidate(refs[i][0], refs[i][1])
                for i in picked[:5]
            )
        if suggestions:
            message += " Vouliez-vous dire : " + ", ".join(s.label for s in suggestions) + " ?"
        return Resolution(status="not_found", candidates=suggestions, message=message)

    # --- suggest --------------------------------------------------------------------------

    def _build_suggest(self) -> None:
        c = self.communes
        cur = np.flatnonzero(self._is_current)
        norm = normalise_place_names(c["name"]).to_numpy(dtype=object)
        names = np.concatenate([norm[cur], c["key"].to_numpy(dtype=object)[cur]]).astype(str)
        rows = np.concatenate([cur, cur])
        order = np.argsort(names, kind="stable")
        self._sg_names = names[order]
        self._sg_rows = rows[order]
        self._sg_pop = c["population"].fillna(0).to_numpy(dtype=np.int64)
        self._sg_postal = np.asarray(self.postal_codes.index.to_numpy(dtype=str))
        insee = c["insee_code"].to_numpy(dtype=object)[cur].astype(str)
        order = np.argsort(insee, kind="stable")
        self._sg_insee = insee[order]
        self._sg_insee_rows = cur[order]
        self._sg_areas = [
            ("department", i, k) for i, k in enumerate(normalise_place_names(self.departments["name"]))
        ] + [("region", i, k) for i, k in enumerate(normalise_place_names(self.regions["name"]))]

    @staticmethod
    def _prefix_range(arr: np.ndarray, prefix: str) -> slice:
        return slice(int(np.searchsorted(arr, prefix, "left")), int(np.searchsorted(arr, prefix + "~", "left")))

    def suggest(self, prefix: str, limit: int = 10) -> list[Candidate]:
        """Autocomplete: postal codes then INSEE codes for a code prefix; otherwise départements/régions
        whose name starts with the prefix, then communes (name or name without article), most populated first.
        """
        text = (prefix or "").strip()
        if not text or limit <= 0:
            return []
        compact = re.sub(r"\s", "", text.upper())
        if re.fullmatch(r"\d{1,5}|2[AB]\d{0,3}", compact):
            out: list[Candidate] = []
            for pc in self._sg_postal[self._prefix_range(self._sg_postal, compact)][:limit]:
                out.append(self._postal_candidate(str(pc)))
            rng = self._prefix_range(self._sg_insee, compact)
            for r in self._sg_insee_rows[rng][: max(0, limit - len(out))]:
                cand = self._commune_candidate(int(r))
                out.append(dataclasses.replace(cand, label=f"{cand.code} {cand.label}"))
            return out[:limit]
        plain = re.sub(r"\s+", " ", re.sub(r"[^A-Z0-9]+", " ", ascii_upper(text))).strip()
        variants = {normalise_place_name(text), plain}
        variants.discard("")
        out = [
            self._area_candidate(kind, i)
            for kind, i, name in self._sg_areas  # type: ignore[arg-type]
            if any(name.startswith(v) for v in variants)
        ][: min(3, limit)]
        rows = np.unique(np.concatenate([self._sg_rows[self._prefix_range(self._sg_names, v)] for v in variants]))
        if len(rows):
            pops = self._sg_pop[rows]
            k = min(limit, len(rows))
            top = rows[np.argpartition(-pops, k - 1)[:k]] if len(rows) > k else rows
            top = top[np.lexsort((top, -self._sg_pop[top]))]
            out += [self._commune_candidate(int(r)) for r in top]
        return out[:limit]


class _RowsByValue:
    """Value -> its rows (``rows``, default the positions), increasing and without repeats: what
    ``groupby(...).indices`` gives, built in a few ms rather than 0.3 s over the communes (no array
    per group until one is asked for)."""

    def __init__(self, values: pd.Series, rows: np.ndarray | None = None) -> None:
        codes, uniques = pd.factorize(values)
        rows = np.arange(len(codes), dtype=np.int64) if rows is None else np.asarray(rows, dtype=np.int64)
        codes, rows = codes[codes >= 0], rows[codes >= 0]
        order = np.lexsort((rows, codes))
        codes, rows = codes[order], rows[order]
        first = np.ones(len(rows), dtype=bool)
        first[1:] = (codes[1:] != codes[:-1]) | (rows[1:] != rows[:-1])
        codes, self._rows = codes[first], rows[first]
        self._starts = np.concatenate([[0], np.cumsum(np.bincount(codes, minlength=len(uniques)))]).tolist()
        self._position = {str(u): i for i, u in enumerate(np.asarray(uniques, dtype=object).tolist())}

    def get(self, key: str, default: np.ndarray | None = None) -> np.ndarray | None:
        i = self._position.get(key)
        return default if i is None else self._rows[self._starts[i] : self._starts[i + 1]]

    def __contains__(self, key: object) -> bool:
        return key in self._position
