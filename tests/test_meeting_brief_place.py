"""The meeting brief counts the contracts won near the meeting's commune, as the supplier card
counts them near the buyer's chosen place: the place typed for the meeting is resolved with the
offline gazetteer, and a place that names no single commune (or a video link) gives no distance."""

from __future__ import annotations

import math
import shutil
import subprocess
from datetime import datetime

import pandas as pd
import pytest

from sourcing.contracts.meeting_place import meeting_point
from sourcing.contracts.summary import of_commune
from sourcing.exports.documents import supplier_brief
from sourcing.schedule import MeetingPlan
from sourcing.search.geo import EARTH_RADIUS_KM
from tests.helpers import docx_text
from tests.test_contracts import _contracts

SIRET = "90000010000017"
LILLE = meeting_point("Lille")
CHECKED = "2026-11-30T10:00:00"


@pytest.mark.parametrize(
    ("place", "commune"),
    [("Lille", "Lille"), ("  lille ", "Lille"), ("59000 Lille", "Lille"), ("Lille (59)", "Lille"),
     ("Salle du conseil, Hôtel de ville, 59000 Lille", "Lille"), ("Hôtel de ville - Arras", "Arras"),
     ("12 rue de Lille\n59100 Roubaix", "Roubaix"), ("Saint-Denis (93)", "Saint-Denis"), ("Le Havre", "Le Havre")],
)  # fmt: skip
def test_a_place_naming_one_commune_gives_its_point(place, commune):
    point = meeting_point(place)
    assert point is not None and point.commune == commune
    assert point == meeting_point(commune if commune != "Saint-Denis" else "Saint-Denis (93)")


@pytest.mark.parametrize(
    "place",
    ["", "   ", "https://visio.example.fr/abc", "Lille ou https://meet.example/x", "www.example.fr/salle",
     "Visio (Teams)", "visioconférence", "Zoom", "Salle des fêtes", "Mairie de Lille", "Saint-Denis", "Nord",
     "Hauts-de-France", "59", "Lille, Arras", "Lile et Roubaix"],
)  # fmt: skip
def test_a_video_link_or_a_place_naming_no_single_commune_gives_none(place):
    assert meeting_point(place) is None


@pytest.mark.parametrize(
    ("name", "written"),
    [("Lille", "de Lille"), ("Arras", "d'Arras"), ("Évry", "d'Évry"), ("Le Havre", "du Havre"),
     ("Les Mureaux", "des Mureaux"), ("La Rochelle", "de La Rochelle"), ("L'Isle-Adam", "de L'Isle-Adam")],
)  # fmt: skip
def test_de_before_a_commune_name(name, written):
    assert of_commune(name) == written


@pytest.fixture
def won(monkeypatch):
    """The directory in use holds `contracts` for SIRET, looked up on `checked` ("" for never)."""

    def install(contracts: pd.DataFrame, checked: str = CHECKED) -> None:
        when = pd.DataFrame({"siret": [SIRET] if checked else [], "checked_at": [checked] if checked else []})
        monkeypatch.setattr("sourcing.store.files.current_version", lambda _path: 1)
        monkeypatch.setattr("sourcing.contracts.stored.read_checked", lambda root=None: when)
        monkeypatch.setattr("sourcing.contracts.stored.version_contracts", lambda n, siret=None, root=None: contracts)

    return install


def _brief_texts(place: str) -> list[str]:
    """The brief's text as Word and as PDF (pdftotext), lines joined so a wrapped sentence reads whole."""
    meeting = MeetingPlan("Sourçage déchets", "Réemploi", datetime(2026, 12, 10, 9, 0), place, 20)
    row = {"siret": SIRET, "name": "Recyclerie"}
    texts = [docx_text(supplier_brief("docx", meeting, None, row))]
    if shutil.which("pdftotext"):
        pdf = supplier_brief("pdf", meeting, None, row)
        out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout
        texts.append(out.decode())
    return [_flat(t) for t in texts]


def _flat(text: str) -> str:
    """Every run of spaces (line breaks, non-breaking and narrow spaces included) as one space, and
    « € » as « EUR », as the PDF writes it."""
    return " ".join(text.replace("€", "EUR").split())


def _at(distance_km: float) -> float:
    return LILLE.lat + distance_km / (math.pi * EARTH_RADIUS_KM / 180)


@pytest.mark.parametrize(("distance_km", "near"), [(0.0, 1), (29.99, 1), (30.0, 1), (30.01, 0), (120.0, 0)])
@pytest.mark.parametrize("place", ["Lille", "Salle du conseil, 59000 Lille"])
def test_the_brief_counts_contracts_within_30_km_of_the_meeting_commune(won, distance_km, near, place):
    won(_contracts(("2024-05-02", _at(distance_km), LILLE.lon, ""), ("2023-01-10", math.nan, math.nan, "")))
    part = "dont 1 pour un acheteur" if near else "aucun pour un acheteur"
    expected = f"2 marchés publics depuis 2023 (20\u202f000 € HT), {part} à moins de 30 km (de Lille)"
    for text in _brief_texts(place):
        assert "Marchés publics remportés" in text
        assert _flat(expected) in text


@pytest.mark.parametrize("place", ["Salle des fêtes", "Saint-Denis", "https://visio.example.fr/rencontre", ""])
def test_no_distance_when_the_place_is_not_one_commune_or_a_video_link(won, place):
    won(_contracts(("2024-05-02", *LILLE.near, "clause sociale"), ("2023-01-10", *LILLE.near, "")))
    expected = "2 marchés publics depuis 2023 (20\u202f000 € HT) ; 1 avec une considération sociale (clause sociale)"
    for text in _brief_texts(place):
        assert _flat(expected) in text
        assert " km" not in text.split("Marchés publics remportés")[1].split("Source des données")[0]


def test_no_contract_found_says_so_without_distance(won):
    won(_contracts())
    for text in _brief_texts("Lille"):
        assert "Aucun marché public trouvé dans les DECP (vérifié le 30/11/2026)" in text
        assert "à moins de 30 km" not in text


def test_contracts_never_looked_up_add_no_section(won):
    won(_contracts(), checked="")
    for text in _brief_texts("Lille"):
        assert "Marchés publics remportés" not in text and "marché public" not in text
