"""Small helpers with no domain of their own, shared across `sourcing/`."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")


def dataclass_from(cls: type[T], source: object, **overrides: Any) -> T:
    """An instance of the dataclass ``cls`` whose fields are read from the same-named attributes of ``source``.

    Fields that ``source`` lacks keep their defaults; ``overrides`` set fields by hand and win over ``source``.
    One place to copy a record into another shape, instead of a ``field=source.field`` line per field.
    """
    names = [f.name for f in dataclasses.fields(cls) if f.init]  # type: ignore[arg-type]
    values = {name: getattr(source, name) for name in names if hasattr(source, name)}
    return cls(**{**values, **overrides})
