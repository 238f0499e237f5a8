"""Procurement advisor: which legal levers open a purchase to ESS suppliers, and who can answer.

Public API: `Purchase`, `advise`, `AdviceReport`, `LeverAdvice`, `Caution`, `AdviceInputError`,
`insertion_hours`, `RULES`, `LEVER_IDS`. Never imports streamlit.

Layout: `purchase` (what the buyer describes), `rules/` (one module per lever), `engine` (`advise`:
every lever with who can answer nearby), `hours` (insertion hours), `thresholds` (dated amounts),
`note` (the Word note), `french` (French renderings), `request` (`advise_request`: from the
page's form to everything it shows, in one call; imported on its own as it loads python-docx).
"""

from sourcing.advisor.cautions import Caution
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
    "Caution",
    "InsertionHours",
    "LeverAdvice",
    "Purchase",
    "Rule",
    "RuleContext",
    "advise",
    "insertion_hours",
    "thresholds_in_force",
]
