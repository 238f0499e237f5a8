"""Procurement advisor: which legal levers open a purchase to ESS suppliers, and who can answer.

Public API: `Purchase`, `advise`, `AdviceReport`, `LeverAdvice`, `AdviceInputError`,
`insertion_hours`, `RULES`, `LEVER_IDS`. Never imports streamlit.
"""

from sourcing.advisor.engine import AdviceReport, LeverAdvice, advise, thresholds_in_force
from sourcing.advisor.hours import InsertionHours, insertion_hours
from sourcing.advisor.purchase import AdviceInputError, Purchase
from sourcing.advisor.rules import EXAMPLES, LEVER_IDS, RULES, Rule, RuleContext

__all__ = [
    "EXAMPLES",
    "LEVER_IDS",
    "RULES",
    "AdviceInputError",
    "AdviceReport",
    "InsertionHours",
    "LeverAdvice",
    "Purchase",
    "Rule",
    "RuleContext",
    "advise",
    "insertion_hours",
    "thresholds_in_force",
]
