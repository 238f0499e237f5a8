"""SIRET and SIREN: cleaning and check-digit validation, vectorised.

A SIRET is 14 digits: the 9-digit SIREN plus a 5-digit NIC. Its check digit follows the
Luhn algorithm, except for La Poste (SIREN 356000000) whose establishments share one
SIREN and are checked by "sum of digits divisible by 5" instead.

Cleaning repairs what spreadsheets do to identifiers: spaces and dots inside
(`424 143 089 00037`), a float tail (`42414308900037.0`), full-precision scientific
notation (`4.2414308900037E+13`), and a lost leading zero (13 digits). A SIRET that Excel
rounded (`4.24143E+13`) cannot be recovered and is reported, never guessed.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import numpy as np
import pandas as pd

from sourcing.text_columns import may_hold_space

LA_POSTE_SIREN = "356000000"
_SCIENTIFIC = re.compile(r"^\d(?:[.,]\d+)?[eE]\+?\d+$")


def luhn_valid(digits: str) -> bool:
    """Luhn check of a string of digits."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def siret_valid(siret: str) -> bool:
    """True for a 14-digit SIRET with a correct check digit (La Poste rule included)."""
    if len(siret) != 14 or not siret.isdigit():
        return False
    if luhn_valid(siret):
        return True
    return siret.startswith(LA_POSTE_SIREN) and sum(int(c) for c in siret) % 5 == 0


def siren_valid(siren: str) -> bool:
    return len(siren) == 9 and siren.isdigit() and luhn_valid(siren)


_DOUBLED = np.array([0, 2, 4, 6, 8, 1, 3, 5, 7, 9], dtype=np.int32)  # Luhn: 2 * d, minus 9 when above 9


def _luhn_ok_matrix(digits: np.ndarray) -> np.ndarray:
    """Vectorised Luhn over an (n, width) matrix of digit values: every second digit from the right
    doubled (through `_DOUBLED`), the sum a multiple of 10. Strided column views, no copy of the matrix."""
    width = digits.shape[1]
    start = width % 2  # the doubled columns: positions 1, 3, 5... counted from the right
    total = _DOUBLED[digits[:, start::2]].sum(axis=1, dtype=np.int32)
    total += digits[:, 1 - start :: 2].sum(axis=1, dtype=np.int32)
    return total % 10 == 0


def siret_valid_series(sirets: pd.Series) -> pd.Series:
    """Vectorised `siret_valid` over cleaned values (None/NA gives False)."""
    values = sirets.fillna("").astype(str)
    well_formed = values.str.fullmatch(r"\d{14}")
    result = pd.Series(False, index=sirets.index)
    if well_formed.any():
        good = values[well_formed]
        matrix = np.frombuffer("".join(good).encode("ascii"), dtype=np.uint8).reshape(-1, 14) - 48
        ok = _luhn_ok_matrix(matrix.astype(np.int16))
        la_poste = good.str.startswith(LA_POSTE_SIREN).to_numpy() & (matrix.sum(axis=1) % 5 == 0)
        result.loc[well_formed] = ok | la_poste
    return result


def _from_scientific(text: str) -> str | None:
    """`4.2414308900037E+13` -> `42414308900037`; None when Excel rounded it away."""
    mantissa = text.replace(",", ".").lower().split("e")[0]
    significant = len(mantissa.replace(".", "").lstrip("0"))
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None
    if not value.is_finite() or value.adjusted() > 4000 or value != value.to_integral_value():
        return None  # "5E+4543" is no SIRET Excel rounded (and no number Python may print)
    digits = str(int(value))
    # 14 digits need about 13-14 significant figures; fewer means Excel rounded them.
    if significant < len(digits) - 1:
        return None
    return digits


def clean_siret_text(value: object) -> tuple[str | None, str | None]:
    """Clean one raw SIRET cell. Returns (siret or None, warning code or None).

    Warning codes: "siret_rounded" (Excel rounded it), "siret_length" (not 13/14 digits),
    "siret_checksum" (check digit wrong), "siret_padded" (a lost leading zero restored).
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None, None
    text = str(value).strip().replace("\u00a0", "").replace("\u202f", "")
    if not text:
        return None, None
    compact = re.sub(r"\s", "", text)  # any space inside, tab included, as the bulk path removes them
    if _SCIENTIFIC.match(compact):
        digits = _from_scientific(compact)
        if digits is None:
            return None, "siret_rounded"
    else:
        if re.fullmatch(r"\d+[.,]0+", text):
            text = re.split(r"[.,]", text)[0]
        digits = re.sub(r"[\s.\-/]", "", text)
    if not digits.isdigit():
        return None, "siret_length"
    if len(digits) == 13 and siret_valid("0" + digits):
        return "0" + digits, "siret_padded"
    if len(digits) != 14:
        return None, "siret_length"
    if not siret_valid(digits):
        return None, "siret_checksum"
    return digits, None


# What Python's `\s` matches in ASCII text, spelt out for pyarrow's regex engine (whose `\s` is narrower).
_ASCII_SPACE = r"[\t\n\x0b\x0c\r\x1c-\x1f ]"


def clean_siret_series(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Vectorised cleaning: (siret Series, missing where unusable, warning code Series).

    The common case (already 14 digits, maybe spaced) is handled in bulk, in pyarrow when the
    column is ASCII (a 1,000,000-row column in a fraction of a second); only odd values go
    through the slow path, one unique value at a time.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    column = pa.array(values.fillna("").astype(str), type=pa.string())
    if not pc.all(pc.string_is_ascii(column)).as_py():
        return _clean_siret_series(values)
    spaced = pc.replace_substring_regex(column, _ASCII_SPACE, "") if may_hold_space(values) else column
    # ASCII text: decimal digits only, 14 of them (`^[0-9]{14}$`, without a regex per value).
    simple = pc.and_(pc.ascii_is_decimal(spaced), pc.equal(pc.binary_length(spaced), 14))
    simple = simple.to_numpy(zero_copy_only=False)
    valid = np.zeros(len(values), dtype=bool)
    if simple.any():
        digits = pc.filter(spaced, pa.array(simple))
        digits = digits.combine_chunks() if isinstance(digits, pa.ChunkedArray) else digits
        offsets = np.frombuffer(digits.buffers()[1], dtype=np.int32)[digits.offset : digits.offset + len(digits) + 1]
        matrix = np.frombuffer(digits.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]].reshape(-1, 14) - 48
        luhn = _luhn_ok_matrix(matrix)
        la_poste = (matrix[:, :9] == np.frombuffer(LA_POSTE_SIREN.encode(), np.uint8) - 48).all(axis=1)
        valid[simple] = luhn | (la_poste & (matrix.sum(axis=1) % 5 == 0))
    # The SIRETs stay one Arrow string column (None where unusable): no Python string per row.
    sirets = pd.Series(
        pc.if_else(pa.array(valid), spaced, pa.scalar(None, pa.string())), index=values.index, dtype="str"
    )
    codes = np.full(len(values), None, dtype=object)
    codes[simple & ~valid] = "siret_checksum"
    odd = ~simple & pc.not_equal(spaced, "").to_numpy(zero_copy_only=False)
    if odd.any():
        text = pc.filter(spaced, pa.array(odd)).to_pylist()
        cache = {v: clean_siret_text(v) for v in set(text)}
        sirets[odd] = [cache[v][0] for v in text]
        codes[odd] = [cache[v][1] for v in text]
    return sirets, pd.Series(codes, index=values.index, dtype="object")


def _clean_siret_series(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """`clean_siret_series` for columns with non-ASCII text (pandas and Python's own regex)."""
    text = values.fillna("").astype(str).str.replace(r"[\s\u00a0\u202f]", "", regex=True)
    simple = text.str.fullmatch(r"\d{14}")
    valid = siret_valid_series(text.where(simple, ""))
    sirets = pd.Series(None, index=values.index, dtype="object")
    codes = pd.Series(None, index=values.index, dtype="object")
    sirets[valid] = text[valid]
    codes[simple & ~valid] = "siret_checksum"
    odd = ~simple & (text != "")
    if odd.any():
        cache = {v: clean_siret_text(v) for v in text[odd].unique()}
        sirets[odd] = text[odd].map(lambda v: cache[v][0])
        codes[odd] = text[odd].map(lambda v: cache[v][1])
    return sirets, codes


SIRET_WARNING_MESSAGES = {
    "siret_rounded": "SIRET arrondi par Excel (notation scientifique) : irrécupérable, à ressaisir",
    "siret_length": "SIRET invalide : 14 chiffres attendus",
    "siret_checksum": "SIRET invalide : la clé de contrôle ne correspond pas",
    "siret_padded": "SIRET à 13 chiffres : zéro initial restauré",
}
