import csv
import io

import pandas as pd

from sourcing.exports import csv_bytes, neutralise_cell
from tests.helpers import SIRET_LEADING_ZERO

INJECTIONS = ['=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(A1)", "\tx", "\rx"]


def test_formula_cells_exported_as_inert_text():
    frame = pd.DataFrame({"name": [*INJECTIONS, "Les Jardins"], "siret": [SIRET_LEADING_ZERO] * 7})
    data = csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8 correctly
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0] == ["name", "siret"]
    names = [r[0] for r in rows[1:]]
    for original, exported in zip(INJECTIONS, names[:-1], strict=True):
        assert exported == "'" + original
    assert names[-1] == "Les Jardins"
    assert rows[1][1] == SIRET_LEADING_ZERO  # leading zero kept: text, not a number


def test_neutralise_leaves_ordinary_values():
    assert neutralise_cell("Atelier") == "Atelier"
    assert neutralise_cell(3) == 3
