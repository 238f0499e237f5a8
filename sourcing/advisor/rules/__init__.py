"""The levers of socially responsible public purchasing: one module per lever, found automatically.

Every module of this package that declares ``RULE`` is a lever: to add one, add a module (the
contract is in `sourcing.advisor.rules.base`; what levers share of the law, in
`sourcing.advisor.rules.law`). ``RULES`` holds them sorted by ``Rule.order``; ``EXAMPLES`` gathers
every rule's examples for the one generic test that runs them all
(tests/test_advisor.py::test_rule_examples). Source of truth: shared/domain/commande-publique.md.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Final

from sourcing.advisor.purchase import Purchase
from sourcing.advisor.rules.base import Advice, Example, Rule, RuleContext
from sourcing.advisor.rules.law import ESS_KINDS, HANDICAP_KINDS, INSERTION_KINDS


def _discover() -> tuple[Rule, ...]:
    """The ``RULE`` of every module of this package, in their declared order (ids and orders unique)."""
    found = []
    for module in pkgutil.iter_modules(__path__):
        rule = getattr(importlib.import_module(f"{__name__}.{module.name}"), "RULE", None)
        if isinstance(rule, Rule):
            found.append(rule)
    found.sort(key=lambda rule: rule.order)
    for attribute in ("id", "order"):
        values = [getattr(rule, attribute) for rule in found]
        if len(set(values)) != len(values):
            raise ValueError(f"two advisor rules share one {attribute}: {values}")
    return tuple(found)


RULES: Final[tuple[Rule, ...]] = _discover()
RULE_BY_ID: Final[dict[str, Rule]] = {r.id: r for r in RULES}
LEVER_IDS: Final[tuple[str, ...]] = tuple(r.id for r in RULES)
# (rule id, purchase, expected applies, expected mandatory), for the generic test.
EXAMPLES: Final[tuple[tuple[str, Purchase, bool, bool], ...]] = tuple(
    (r.id, e.purchase, e.applies, e.mandatory) for r in RULES for e in r.examples
)

__all__ = [
    "ESS_KINDS",
    "EXAMPLES",
    "HANDICAP_KINDS",
    "INSERTION_KINDS",
    "LEVER_IDS",
    "RULES",
    "RULE_BY_ID",
    "Advice",
    "Example",
    "Rule",
    "RuleContext",
]
