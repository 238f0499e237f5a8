"""What a buyer reads about a supplier's public contracts: one sentence and the list of contracts.

    « 3 marchés publics depuis 2023 (125 000 € HT), dont 2 pour des acheteurs à moins de 30 km ;
      1 avec une considération sociale (clause sociale) »

The distance is from the buyer's chosen place to each contract's buyer (the buyer's commune in the
DECP); "à moins de 30 km" includes 30 km exactly, as the search radius does. Without a chosen
place the sentence says nothing of distance; buyers without coordinates are never counted near.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sourcing.frenchfmt import format_eur, french_number, iso_date
from sourcing.search.geo import haversine_km

NEAR_KM = 30.0


def _plural(n: int, one: str, many: str) -> str:
    return f"{french_number(n)} {one if n == 1 else many}"


def near_count(contracts: pd.DataFrame, near: tuple[float, float], radius_km: float = NEAR_KM) -> int:
    """Contracts whose buyer is at most `radius_km` from `near` (buyers without coordinates: not near)."""
    if contracts.empty:
        return 0
    lat = pd.to_numeric(contracts["buyer_lat"], errors="coerce").to_numpy(dtype=float)
    lon = pd.to_numeric(contracts["buyer_lon"], errors="coerce").to_numpy(dtype=float)
    distance = haversine_km(lat, lon, float(near[0]), float(near[1]))
    return int(np.sum(np.nan_to_num(distance, nan=math.inf) <= radius_km + 1e-6))


def of_commune(name: str) -> str:
    """« de Lille », « d'Arras », « du Havre », « des Mureaux »: "de" before a commune's name."""
    head, _, rest = name.partition(" ")
    if rest and head in ("Le", "Les"):
        return f"{'du' if head == 'Le' else 'des'} {rest}"
    return f"d'{name}" if name[:1].upper() in "AEIOUYÂÉÈÊÎÏÔÛ" else f"de {name}"


def contracts_sentence(
    contracts: pd.DataFrame, *, checked: str = "", near: tuple[float, float] | None = None,
    radius_km: float = NEAR_KM, near_name: str = "",
) -> str | None:  # fmt: skip
    """The supplier's public contracts in one French sentence; None when they were never looked up
    (`checked`: the date of the look-up, "" for never) and none is known. `near_name`: the commune
    of `near`, named after the distance (« à moins de 30 km (de Lille) »)."""
    n = len(contracts)
    if n == 0:
        return f"Aucun marché public trouvé dans les DECP (vérifié le {iso_date(checked)})" if checked else None
    since = min(str(d)[:4] for d in contracts["notified"])
    text = f"{_plural(n, 'marché public', 'marchés publics')} depuis {since}"
    amounts = pd.to_numeric(contracts["amount"], errors="coerce")
    if amounts.notna().any():
        text += f" ({format_eur(float(amounts.sum()))} HT)"
    if near is not None:
        close = near_count(contracts, near, radius_km)
        radius = french_number(radius_km) + " km" + (f" ({of_commune(near_name)})" if near_name else "")
        who = "un acheteur" if close == 1 else "des acheteurs"
        text += (
            f", dont {french_number(close)} pour {who} à moins de {radius}"
            if close
            else (f", aucun pour un acheteur à moins de {radius}")
        )
    social = contracts["social"].fillna("").astype(str)
    with_social = int((social != "").sum())
    if with_social:
        kinds = sorted({k for cell in social for k in cell.split("; ") if k})
        text += f" ; {french_number(with_social)} avec une considération sociale ({', '.join(kinds)})"
    return text


def contract_lines(contracts: pd.DataFrame, limit: int = 10) -> list[str]:
    """The most recent contracts, one French line each: date, buyer (commune), amount, CPV, social."""
    lines = []
    for _, c in contracts.sort_values("notified", ascending=False).head(limit).iterrows():
        buyer = c["buyer_name"] or (f"acheteur {c['buyer_siret']}" if c["buyer_siret"] else "acheteur inconnu")
        if c["buyer_commune"]:
            buyer += f" ({c['buyer_commune']})"
        parts = [iso_date(c["notified"]), buyer]
        amount = pd.to_numeric(pd.Series([c["amount"]]), errors="coerce").iloc[0]
        if pd.notna(amount):
            parts.append(f"{format_eur(float(amount))} HT")
        if c["cpv"]:
            parts.append(f"CPV {c['cpv']}")
        if c["social"]:
            parts.append(str(c["social"]))
        lines.append(" – ".join(parts))
    return lines


def supplier_summary(
    number: int, siret: object, checked: object = "", near: tuple[float, float] | None = None, root=None,
    near_name: str = "",
) -> tuple[str | None, list[str]]:  # fmt: skip
    """(sentence, lines) for one supplier of directory version `number` (demo: number 0, nothing)."""
    from sourcing.contracts.stored import version_contracts

    siret = str(siret or "").strip()
    if not number or not siret:
        return None, []
    contracts = version_contracts(number, siret, root)
    checked = checked if isinstance(checked, str) else ""
    sentence = contracts_sentence(contracts, checked=checked, near=near, near_name=near_name)
    return sentence, contract_lines(contracts)


def current_summary(
    siret: object, near: tuple[float, float] | None = None, root=None, near_name: str = ""
) -> tuple[str | None, list[str]]:
    """(sentence, lines) for a supplier of the directory in use (what a meeting brief shows)."""
    from sourcing.contracts.stored import read_checked
    from sourcing.store import files

    siret = str(siret or "").strip()
    number = files.current_version((root or files.data_dir()) / "store") or 0
    if not number or not siret:
        return None, []
    checked = read_checked(root)
    when = checked.loc[checked["siret"] == siret, "checked_at"]
    return supplier_summary(number, siret, str(when.iloc[-1]) if len(when) else "", near, root, near_name)
