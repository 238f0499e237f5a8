"""Streamlit's texts in French and French number formats: what the page receives (the browser side is
tests/browser/test_french_ui.py)."""

from __future__ import annotations

import re

import pandas as pd

from ui import charts, french_ui
from ui import texts as T


def test_script_carries_every_text_and_closes_only_once():
    script = french_ui.script()
    assert script.count("</script") == 1 and script.endswith("</script>")
    for english, french in T.STREAMLIT_TEXTS.items():
        assert english.replace("<", "\\u003c") in script and french in script


def test_patterns_are_valid_and_translate_the_variable_texts():
    def apply(text: str) -> str | None:
        for regex, french in T.STREAMLIT_PATTERNS.items():
            found = re.fullmatch(regex.strip("^$"), text, re.S)
            if found:
                return re.sub(r"\$(\d)", lambda m, f=found: f.group(int(m.group(1))), french)
        return None

    assert apply("Add: Plâtrerie") == "Ajouter : Plâtrerie"
    assert apply("50MB per file") == "50 Mo par fichier"
    assert apply("200MB per file") == "200 Mo par fichier"
    assert apply("Press Enter to submit form") == "Appuyez sur Entrée pour valider"
    assert apply("Press Enter to apply") == "Appuyez sur Entrée pour appliquer"
    assert apply("Help for Lieu de l'achat") == "Aide : Lieu de l'achat"
    assert apply("Plâtrerie") is None


def test_count_charts_carry_the_french_number_locale():
    spec = charts.counts_chart(pd.Series({"ESAT": 1234, "EA": 5}), horizontal=True).to_dict()
    number = spec["config"]["locale"]["number"]
    assert number["decimal"] == "," and number["thousands"] == "\u202f"
    assert [row["label"] for row in spec["datasets"][next(iter(spec["datasets"]))]] == ["ESAT", "EA"]
