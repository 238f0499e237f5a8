"""What the advisor knows of a CPV code: whether it exists, its label, and the nature of its object.

The full CPV 2008 list (9,454 codes, French labels) is ``data/rules/cpv2008.csv``, copied from the
reference of the Publications Office of the EU (CC BY 4.0); the taxonomy's own list holds only the
codes it maps to sectors.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from typing import Final

from sourcing import taxonomy
from sourcing.advisor.thresholds import RULES_DIR

# CPV divisions: 45 is works, 03 to 44 and 48 (software packages) are supplies, 50 to 98 services.
WORKS_DIVISION: Final[str] = "45"
LAST_SUPPLIES_DIVISION: Final[int] = 48


@lru_cache(maxsize=1)
def cpv_labels() -> dict[str, str]:
    """Every code of the CPV 2008 list -> its French label."""
    with (RULES_DIR / "cpv2008.csv").open(encoding="utf-8", newline="") as f:
        return {r["code8"]: r["label_fr"] for r in csv.DictReader(f)}


def cpv_exists(code8: str) -> bool:
    return code8 in cpv_labels()


def cpv_label(code8: str) -> str | None:
    return cpv_labels().get(code8)


def cpv_nature(code8: str) -> str:
    """Nature of the object a CPV code describes: "travaux", "fournitures" or "services"."""
    division = code8[:2]
    if division == WORKS_DIVISION:
        return "travaux"
    return "fournitures" if int(division) <= LAST_SUPPLIES_DIVISION else "services"


def l2113_15_parent(code8: str) -> str | None:
    """The listed L2113-15 code a code falls under when it is not listed itself (a sub-code), else None."""
    if taxonomy.is_l2113_15(code8):
        return None
    return next((p for p in taxonomy.cpv_parents(code8) if taxonomy.is_l2113_15(p)), None)
