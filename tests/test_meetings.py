"""The day of a meeting (`sourcing.schedule`), and a meeting prepared from a list in one call,
from the rules (`service.create_meeting_from_shortlist`) and from the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime

import pandas as pd
import pytest

from sourcing.db import service
from sourcing.db.engine import session_scope, upgrade_database
from sourcing.directory import load_demo
from sourcing.schedule import MeetingPlan, build_schedule, invitation_list
from tests.helpers import PROJECT_DIR


def _suppliers(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [f"s{i}" for i in range(n)],
            "name": [f"Fournisseur {chr(ord('A') + (n - 1 - i))}" for i in range(n)],  # reverse alphabetical
            "distance_km": [float((i * 7) % n) for i in range(n)],
            "email": [f"contact{i}@example.org" for i in range(n)],
            "phone": [f"01 23 45 67 {i:02d}" for i in range(n)],
        }
    )


def _meeting(start: datetime, slot: int = 20, pause: int = 0) -> MeetingPlan:
    return MeetingPlan("Nettoyage des locaux", "Présenter le besoin", start, "Mairie, salle 2", slot, pause)


def test_consecutive_slots_from_start():
    slots = build_schedule(_meeting(datetime(2027, 3, 4, 9, 0)), _suppliers(4), order="given")
    assert [(s.start.strftime("%H:%M"), s.end.strftime("%H:%M")) for s in slots] == [
        ("09:00", "09:20"),
        ("09:20", "09:40"),
        ("09:40", "10:00"),
        ("10:00", "10:20"),
    ]
    assert [s.supplier_id for s in slots] == ["s0", "s1", "s2", "s3"]


def test_pause_between_slots():
    slots = build_schedule(_meeting(datetime(2027, 3, 4, 9, 0), 30, 10), _suppliers(3), order="given")
    assert [s.label for s in slots] == ["09:00–09:30", "09:40–10:10", "10:20–10:50"]


def test_lunch_break_is_skipped():
    # 11:00 + 20 min slots: 11:00, 11:20, 11:40, then 12:00 falls in lunch -> 13:30.
    slots = build_schedule(_meeting(datetime(2027, 3, 4, 11, 0)), _suppliers(5), order="given")
    assert [s.label for s in slots] == [
        "11:00–11:20",
        "11:20–11:40",
        "11:40–12:00",
        "13:30–13:50",
        "13:50–14:10",
    ]
    lunch_start, lunch_end = datetime(2027, 3, 4, 12, 0), datetime(2027, 3, 4, 13, 30)
    assert all(s.end <= lunch_start or s.start >= lunch_end for s in slots)


def test_slot_overlapping_noon_is_moved():
    # 11:50 + 20 min would end at 12:10: the slot moves whole to 13:30.
    slots = build_schedule(_meeting(datetime(2027, 3, 4, 11, 10), 20, 0), _suppliers(3), order="given")
    assert [s.label for s in slots] == ["11:10–11:30", "11:30–11:50", "13:30–13:50"]


def test_afternoon_meeting_not_shifted():
    slots = build_schedule(_meeting(datetime(2027, 3, 4, 14, 0)), _suppliers(2), order="given")
    assert slots[0].label == "14:00–14:20"


def test_order_by_distance_then_name():
    frame = pd.DataFrame(
        {
            "id": ["a", "b", "c", "d"],
            "name": ["Zeta", "alpha", "Beta", "Gamma"],
            "distance_km": [5.0, None, 1.0, 5.0],
        }
    )
    slots = build_schedule(_meeting(datetime(2027, 3, 4, 9)), frame, order="distance")
    assert [s.supplier_name for s in slots] == ["Beta", "Gamma", "Zeta", "alpha"]  # unknown distance last


def test_order_by_name_case_insensitive():
    frame = pd.DataFrame({"id": ["a", "b", "c"], "name": ["Zeta", "alpha", "Beta"]})
    slots = build_schedule(_meeting(datetime(2027, 3, 4, 9)), frame, order="name")
    assert [s.supplier_name for s in slots] == ["alpha", "Beta", "Zeta"]


def test_distance_order_without_distances_falls_back_to_name():
    frame = pd.DataFrame({"id": ["a", "b"], "name": ["Zeta", "Alpha"]})
    slots = build_schedule(_meeting(datetime(2027, 3, 4, 9)), frame)
    assert [s.supplier_name for s in slots] == ["Alpha", "Zeta"]


@pytest.mark.parametrize("minutes", [0, -5])
def test_slot_length_must_be_positive(minutes):
    with pytest.raises(ValueError, match="durée d'un créneau"):
        build_schedule(_meeting(datetime(2027, 3, 4, 9), minutes), _suppliers(2))


def test_no_supplier_is_an_error():
    with pytest.raises(ValueError, match="Aucun fournisseur"):
        build_schedule(_meeting(datetime(2027, 3, 4, 9)), _suppliers(0))


def test_unknown_order_is_an_error():
    with pytest.raises(ValueError, match="Ordre de passage"):
        build_schedule(_meeting(datetime(2027, 3, 4, 9)), _suppliers(2), order="random")  # type: ignore[arg-type]


def test_invitation_list_in_schedule_order_with_contacts():
    suppliers = _suppliers(3)
    slots = build_schedule(_meeting(datetime(2027, 3, 4, 9)), suppliers, order="name")
    table = invitation_list(suppliers, slots)
    assert list(table.columns) == ["Fournisseur", "Courriel", "Téléphone", "Créneau"]
    assert list(table["Fournisseur"]) == ["Fournisseur A", "Fournisseur B", "Fournisseur C"]
    # Fournisseur A is row s2: its own contacts, not its neighbour's.
    assert table.iloc[0]["Courriel"] == "contact2@example.org"
    assert table.iloc[0]["Téléphone"] == "01 23 45 67 02"
    assert list(table["Créneau"]) == ["09:00–09:20", "09:20–09:40", "09:40–10:00"]


def test_invitation_list_missing_contacts_are_empty():
    frame = pd.DataFrame({"id": ["x"], "name": ["Sans contact"], "email": [None]})
    slots = build_schedule(_meeting(datetime(2027, 3, 4, 9)), frame)
    table = invitation_list(frame, slots)
    assert table.iloc[0]["Courriel"] == "" and table.iloc[0]["Téléphone"] == ""


# --- A meeting prepared from a list -----------------------------------------------------------------

START = datetime(2026, 12, 3, 9, 0)
_BILAN = MeetingPlan("Bilan", "", START, "", slot_minutes=20)


@pytest.fixture(scope="module")
def demo() -> pd.DataFrame:
    frame = load_demo()
    return frame[frame["siret"].notna()].reset_index(drop=True)


def _list_with_one_declined(url: str, demo: pd.DataFrame) -> tuple[int, str]:
    """A list of four suppliers, the last declined; returns its id and the declined one's name."""
    with session_scope(url) as s:
        list_id = service.create_shortlist(s, "local", "Restauration").id
        service.add_suppliers(s, "local", list_id, demo.head(4))
        declined = service.entries(s, "local", list_id)[3]
        service.set_status(s, "local", declined.id, "décliné")
        return list_id, declined.snapshot["name"]


def test_meeting_from_a_list_invites_by_status_and_plans_the_day(db_url, demo):
    list_id, declined = _list_with_one_declined(db_url, demo)
    with session_scope(db_url) as s:
        plan = MeetingPlan("Sourçage restauration", "", START, "Mairie", slot_minutes=20, break_minutes=5)
        prepared = service.create_meeting_from_shortlist(s, "local", list_id, plan, order="name")
        meeting_id = prepared.meeting.id
    assert prepared.invited == 3
    assert [slot.label for slot in prepared.slots] == ["09:00–09:20", "09:25–09:45", "09:50–10:10"]
    assert declined not in [slot.supplier_name for slot in prepared.slots]
    with session_scope(db_url) as s:
        stored = service.stored_schedule(s, "local", meeting_id)
        assert [(x.supplier_id, x.start) for x in stored] == [(x.supplier_id, x.start) for x in prepared.slots]
        assert service.get_meeting(s, "local", meeting_id).shortlist_id == list_id


def test_meeting_from_a_list_keeps_nothing_when_it_is_refused(db_url, demo):
    list_id, _ = _list_with_one_declined(db_url, demo)
    with pytest.raises(ValueError, match="Aucun fournisseur de la liste n'a l'un de ces statuts"):
        with session_scope(db_url) as s:
            service.create_meeting_from_shortlist(s, "local", list_id, _BILAN, statuses=["rencontré"])
    with pytest.raises(ValueError, match="Statut inconnu : « venu »"):
        with session_scope(db_url) as s:
            service.create_meeting_from_shortlist(s, "local", list_id, _BILAN, statuses=["venu"])
    with pytest.raises(PermissionError):
        with session_scope(db_url) as s:
            service.create_meeting_from_shortlist(s, "bob", list_id, _BILAN)
    with session_scope(db_url) as s:
        assert service.list_meetings(s, "local") == [] and service.list_meetings(s, "bob") == []


def _cli(*args: str, db_path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_DIR), "SOURCING_DB_PATH": str(db_path)}
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "sourcing", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_cli_meeting_create_on_the_apps_database(tmp_path, demo):
    db = tmp_path / "cli.db"
    url = f"sqlite:///{db}"
    upgrade_database(url)
    list_id, declined = _list_with_one_declined(url, demo)
    created = _cli(
        "meeting", "create", "--list", "Restauration", "--title", "Sourçage restauration",
        "--start", "2026-12-03T09:00", "--place", "Mairie", "--json", db_path=db,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    payload = json.loads(created.stdout)
    assert [s["start"][11:16] for s in payload["slots"]] == ["09:00", "09:25", "09:50"]
    assert declined not in [s["name"] for s in payload["slots"]]
    # the app's own API sees what the CLI wrote (same database)
    with session_scope(url) as s:
        [meeting] = service.list_meetings(s, "local")
        assert (meeting.id, meeting.title, meeting.start, meeting.shortlist_id) == (
            payload["id"], "Sourçage restauration", START, list_id,
        )  # fmt: skip
        assert len(service.invites(s, "local", meeting.id)) == 3
    text = _cli("meeting", "create", "--list", "Restauration", "--title", "Bis", "--start", "2026-12-04T14:00",
                "--status", "décliné", db_path=db)  # fmt: skip
    assert text.returncode == 0, text.stderr
    assert text.stdout.splitlines() == [
        "Rencontre « Bis » créée (n° 2) : 1 fournisseur(s) invité(s).",
        f"14:00–14:20  {declined}",
    ]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--list", "Inconnue", "--title", "T", "--start", "2026-12-03T09:00"], "Aucune liste « Inconnue »."),
        (["--list", "Restauration", "--title", "T", "--start", "demain"], "date et heure invalides : « demain »"),
        (["--list", "Restauration", "--title", " ", "--start", "2026-12-03T09:00"], "Donnez un titre à la rencontre."),
        (
            ["--list", "Restauration", "--title", "T", "--start", "2026-12-03T09:00", "--status", "rencontré"],
            "Aucun fournisseur de la liste n'a l'un de ces statuts",
        ),
        (["--title", "T"], "obligatoires"),
    ],
)
def test_cli_meeting_create_refuses_in_french_with_exit_2(tmp_path, demo, args, fragment):
    db = tmp_path / "cli.db"
    upgrade_database(f"sqlite:///{db}")
    _list_with_one_declined(f"sqlite:///{db}", demo)
    refused = _cli("meeting", "create", *args, db_path=db)
    assert refused.returncode == 2
    assert fragment in refused.stderr and "Traceback" not in refused.stderr
    with session_scope(f"sqlite:///{db}") as s:
        assert service.list_meetings(s, "local") == []


def test_invitation_list_with_the_meeting_carries_date_place_subject_and_text():
    suppliers = _suppliers(2)
    meeting = _meeting(datetime(2027, 3, 1, 13, 30))
    slots = build_schedule(meeting, suppliers, order="name")
    table = invitation_list(suppliers, slots, meeting)
    assert list(table.columns) == ["Fournisseur", "Courriel", "Téléphone", "Créneau", "Date", "Lieu ou lien",
                                   "Objet du courriel", "Texte de l'invitation"]  # fmt: skip
    assert set(table["Date"]) == {"lundi 1er mars 2027"} and set(table["Lieu ou lien"]) == {"Mairie, salle 2"}
    assert set(table["Objet du courriel"]) == {"Invitation à une rencontre de sourçage : Nettoyage des locaux"}
    first, second = table["Texte de l'invitation"]
    assert "le lundi 1er mars 2027, de 13:30 à 13:50, durée 20 minutes" in first
    assert "de 13:50 à 14:10" in second and "(Présenter le besoin)" in second
    assert "Lieu ou lien : Mairie, salle 2" in first and "n'engage ni l'acheteur" in first


def test_long_date_every_weekday_and_month_in_french():
    from datetime import date, timedelta

    from sourcing.frenchfmt import long_date

    days = [long_date(date(2026, 1, 5) + timedelta(days=n)) for n in range(7)]
    assert [d.split()[0] for d in days] == ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
    months = [long_date(date(2026, m, 1)).split()[2] for m in range(1, 13)]
    assert months == ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                      "octobre", "novembre", "décembre"]  # fmt: skip
    assert long_date(date(2026, 12, 31)) == "jeudi 31 décembre 2026"
    assert long_date(date(2026, 8, 1)) == "samedi 1er août 2026"
