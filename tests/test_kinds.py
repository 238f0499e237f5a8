import pytest

from sourcing.kinds import kinds_from_legal_form, kinds_from_text


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
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
    ],
)
def test_kinds_from_text(text, kinds):
    assert kinds_from_text(text) == kinds


@pytest.mark.parametrize(
    ("legal_form", "kinds"),
    [
        ("Association déclarée ", ("ASSOCIATION",)),
        ("SARL coopérative ouvrière de production (SCOP)", ("SCOP",)),
        ("9220", ("ASSOCIATION",)),
        ("5458", ("SCOP",)),
        ("5560", ("COOPERATIVE",)),
        ("9300", ("FONDATION",)),
        ("8210", ("MUTUELLE",)),
        ("5710", ()),
        ("SAS", ()),
    ],
)
def test_kinds_from_legal_form(legal_form, kinds):
    assert kinds_from_legal_form(legal_form) == kinds
