"""JSON files: a list of records (or ``{"results": [...]}``, a Django fixture) read into a `RawTable`.

Nested objects are flattened to dotted column names; a record is numbered by its position in the
list, said « enregistrement n° N » in the import report (`RawTable.line_unit`).
"""

from __future__ import annotations

import json

from sourcing.formats.base import RawTable
from sourcing.reading import ReadError


def _flatten(record: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        elif isinstance(value, list):
            out[name] = (
                json.dumps(value, ensure_ascii=False)
                if any(isinstance(v, dict) for v in value)
                else (" | ".join("" if v is None else str(v) for v in value))
            )
        elif value is None:
            out[name] = ""
        elif isinstance(value, bool):
            out[name] = "true" if value else "false"
        else:
            out[name] = str(value)
    return out


def read_json_text(text: str, filename: str = "", encoding: str | None = None) -> RawTable:
    """A JSON list of records (a Django fixture's ``fields`` are lifted), or ``{"results": [...]}``.

    The "line" of a record is its position in the list (1-based), said « enregistrement n° N ».
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReadError(
            f"Fichier « {filename} », ligne {exc.lineno}, colonne {exc.colno} : JSON invalide ({exc.msg})."
        ) from exc
    if isinstance(data, dict):
        for key in ("results", "data", "items", "records"):
            if isinstance(data.get(key), list):
                data = data[key]
                break
        else:
            data = [data]
    if not isinstance(data, list):
        raise ReadError(f"Fichier « {filename} » : une liste d'enregistrements JSON est attendue.")
    flat = []
    for item in data:
        if not isinstance(item, dict):
            flat.append({})
            continue
        if isinstance(item.get("fields"), dict) and "model" in item:
            lifted = {"model": item.get("model"), "pk": item.get("pk"), **item["fields"]}
            flat.append(_flatten(lifted))
        else:
            flat.append(_flatten(item))
    columns: list[str] = []
    seen = set()
    for rec in flat:
        for key in rec:
            if key not in seen:
                seen.add(key)
                columns.append(key)
    rows = [[rec.get(c, "") for c in columns] for rec in flat]
    return RawTable(
        columns=columns,
        rows=rows,
        lines=list(range(1, len(rows) + 1)),
        filename=filename,
        encoding=encoding,
        original_columns=list(columns),
        line_unit="enregistrement",
    )
