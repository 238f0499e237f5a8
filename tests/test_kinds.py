"""Structure kinds read from a free-text type and from a legal form (label or INSEE code)."""

import pytest

from sourcing.kinds import kinds_from_legal_form, kinds_from_text

FROM_TEXT = [
    ("ACI", ("ACI",)),
    ("Atelier et chantier d'insertion", ("ACI",)),
    ("EA/ESAT", ("ESAT", "EA")),
    ("Entreprise adaptée de travail temporaire", ("EATT",)),
    ("Entreprise de travail temporaire d'insertion - activités agricoles", ("ETTI",)),
    ("Association intermédiaire", ("AI",)),
    ("ENTREPRISE D'INSERTION, agrément ESUS", ("EI", "ESUS")),
    ("Établissement et service d'accompagnement par le travail", ("ESAT",)),
    ("Etablissement et service d'aide par le travail", ("ESAT",)),
    ("GEIQ", ("GEIQ",)),
    ("scic", ("SCIC",)),
    ("Société coopérative et participative", ("SCOP",)),
    ("Aide à domicile", ()),
    ("", ()),
]
FROM_LEGAL_FORM = [
    ("Association déclarée ", ("ASSOCIATION",)),
    ("SARL coopérative ouvrière de production (SCOP)", ("SCOP",)),
    ("9220", ("ASSOCIATION",)),
    ("5458", ("SCOP",)),
    ("5560", ("COOPERATIVE",)),
    ("9300", ("FONDATION",)),
    ("8210", ("MUTUELLE",)),
    ("5710", ()),
    ("SAS", ()),
]


@pytest.mark.parametrize(
    ("read", "value", "kinds"),
    [pytest.param(kinds_from_text, v, k, id=f"text:{v}") for v, k in FROM_TEXT]
    + [pytest.param(kinds_from_legal_form, v, k, id=f"legal_form:{v}") for v, k in FROM_LEGAL_FORM],
)
def test_kinds_read_from(read, value, kinds):
    assert read(value) == kinds
