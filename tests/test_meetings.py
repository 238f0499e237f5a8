from datetime import datetime

import pandas as pd
import pytest

from sourcing.schedule import MeetingPlan, build_schedule, invitation_list


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
