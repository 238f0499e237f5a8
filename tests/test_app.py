"""Page smoke tests with Streamlit's AppTest: the script runs without exception and shows the essentials."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def test_directory_page_shows_demo_directory_and_its_report():
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    texts = " ".join(m.value for m in at.markdown) + " ".join(i.value for i in at.info)
    assert "données fictives de démonstration" in texts
    metrics = {m.label: m.value for m in at.metric}
    n = int(metrics["Fournisseurs"].replace("\u202f", ""))
    assert 4500 <= n <= 5500
    assert any("lignes lues" in m.value for m in at.markdown)
    assert len(at.dataframe) >= 1
    table = at.dataframe[-1].value
    assert len(table) == min(n, 5000)
    assert {"Raison sociale", "Types", "Commune", "SIRET"} <= set(table.columns)
