"""Streamlit's texts in French and French number formats: what the page receives (the browser side is
tests/browser/test_french_ui.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from ui import charts, french_ui
from ui import texts as T

UI_DIR = Path(charts.__file__).parent


def test_component_module_carries_every_text_and_runs_both_scripts():
    script = french_ui.script()
    assert re.search(r"export default function \(component\) \{\n  run\(\);\n", script)
    assert "window.__sourcingFrenchUi" in script and "window.__sourcingHistory" in script  # each runs once
    # and asks for the files it is given (the map's Leaflet: app.py, tests/browser/test_search_page.py)
    assert "window.__supMapAssets" in script and "forEach(loadScript)" in script
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


@pytest.mark.parametrize(
    "measures, number_format",
    [
        (["Montant concerné (€ HT)"], ",d"),
        (["Clause sociale", "Critère social"], ",.1f"),
        (["Heures d'insertion"], ",d"),
    ],
)
def test_measure_charts_carry_the_french_locale_and_read_titles_as_data(measures, number_format):
    frame = pd.DataFrame({"Année": [2025, 2026], **{m: [1234.5, 5.25] for m in measures}})
    spec = charts.measures_chart(frame, category="Année", measures=measures, number_format=number_format).to_dict()
    assert spec["config"]["locale"]["number"]["thousands"] == "\u202f"
    assert spec["encoding"]["y"]["axis"]["format"] == number_format
    # Every field the chart reads is one of the long table's plain names: a title with « ' » is data.
    fields = {
        channel["field"] for channel in spec["encoding"].values() if isinstance(channel, dict) and "field" in channel
    }
    assert fields <= {"categorie", "serie", "valeur"}
    rows = spec["datasets"][next(iter(spec["datasets"]))]
    assert {row["serie"] for row in rows} == set(measures)
    assert [row["categorie"] for row in rows][:2] == ["2025", "2026"]


def test_no_page_draws_a_chart_without_the_french_locale():
    """st.bar_chart / st.line_chart format numbers in en-US (« 4,000,000 »): pages draw through ui.charts."""
    offenders = [
        f"{path.name}:{number}"
        for path in sorted(UI_DIR.glob("*.py"))
        if path.name != "charts.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"\.(bar|line|area|scatter)_chart\(", line) and "charts." not in line
    ]
    assert offenders == []
