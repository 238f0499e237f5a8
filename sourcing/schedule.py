"""The day of a buyer–supplier meeting ("sourcing", CCP R2111-1): its schedule and invitation list.

Pure values and rules, no database: `MeetingPlan` is what the schedule and the documents need
to know of a meeting (a stored one is `sourcing.db.models.Meeting`, see `sourcing.db.meetings`).

A meeting is a sequence of one-to-one slots of equal length, starting at the meeting's start,
with an optional pause between slots. When the day runs through lunch, no slot overlaps
12:00–13:30: the slot that would is moved to 13:30. Times are wall-clock times in Paris.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

import pandas as pd

from sourcing.frenchfmt import long_date

LUNCH_START = time(12, 0)
LUNCH_END = time(13, 30)
ORDERS: tuple[str, ...] = ("distance", "name", "given")
Order = Literal["distance", "name", "given"]


@dataclass(frozen=True)
class MeetingPlan:
    """The plan of a sourcing meeting. `start` is Paris wall-clock time (naive or Europe/Paris-aware)."""

    title: str
    purpose: str
    start: datetime
    place_or_link: str
    slot_minutes: int
    break_minutes: int = 0


@dataclass(frozen=True)
class Slot:
    """One one-to-one slot with a supplier."""

    supplier_id: str
    supplier_name: str
    start: datetime
    end: datetime

    @property
    def label(self) -> str:
        """``"09:00–09:20"``: the slot as a buyer reads it."""
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


@dataclass(frozen=True)
class Invite:
    """One operator invited to a meeting, for the traceability record."""

    supplier_name: str
    contact: str = ""
    invited_on: date | None = None
    attended: bool | None = None  # None: not known yet
    information_given: str = ""


def supplier_ids(suppliers: pd.DataFrame) -> pd.Series:
    """Supplier ids as text: the `id` column, else the SIRET, else the row position."""
    for col in ("id", "siret"):
        if col in suppliers.columns:
            ids = suppliers[col].astype("string")
            fallback = pd.Series([str(i) for i in range(len(suppliers))], index=suppliers.index, dtype="string")
            return ids.fillna(fallback).astype(str)
    return pd.Series([str(i) for i in range(len(suppliers))], index=suppliers.index, dtype=object)


def _names(suppliers: pd.DataFrame) -> pd.Series:
    if "name" not in suppliers.columns:
        raise ValueError("La liste des fournisseurs n'a pas de colonne « name » (raison sociale).")
    return suppliers["name"].astype("string").fillna("(sans nom)").astype(str)


def _ordered(suppliers: pd.DataFrame, order: str) -> pd.DataFrame:
    """Suppliers in meeting order: nearest first (unknown distances last, then by name),
    alphabetical (case- and accent-insensitive enough for a schedule), or as given."""
    if order not in ORDERS:
        raise ValueError(f"Ordre de passage inconnu : « {order} » (attendu : distance, name ou given).")
    if order == "given":
        return suppliers
    keyed = suppliers.assign(_name_key=_names(suppliers).str.casefold())
    if order == "distance" and "distance_km" in suppliers.columns:
        keyed = keyed.assign(_dist=pd.to_numeric(suppliers["distance_km"], errors="coerce"))
        keys = ["_dist", "_name_key"]
    else:
        keys = ["_name_key"]
    return keyed.sort_values(keys, kind="stable", na_position="last").drop(
        columns=["_name_key", "_dist"], errors="ignore"
    )


def build_schedule(meeting: MeetingPlan, suppliers: pd.DataFrame, order: Order = "distance") -> list[Slot]:
    """Consecutive one-to-one slots from `meeting.start`, one per supplier row.

    Rules: each slot lasts `slot_minutes`; `break_minutes` separate two slots; if the
    meeting starts before noon, a slot that would overlap 12:00–13:30 starts at 13:30.
    Raises ValueError (French message) for a slot length ≤ 0, a negative pause or no supplier.
    """
    if meeting.slot_minutes <= 0:
        raise ValueError("La durée d'un créneau doit être d'au moins une minute.")
    if meeting.break_minutes < 0:
        raise ValueError("La pause entre deux créneaux ne peut pas être négative.")
    if suppliers is None or len(suppliers) == 0:
        raise ValueError("Aucun fournisseur à recevoir : ajoutez au moins un fournisseur à la rencontre.")
    ordered = _ordered(suppliers, order)
    length = timedelta(minutes=meeting.slot_minutes)
    pause = timedelta(minutes=meeting.break_minutes)
    skip_lunch = meeting.start.time() < LUNCH_START
    slots: list[Slot] = []
    current = meeting.start
    # A loop per supplier is fine here: a meeting day holds tens of slots, not a directory.
    for sid, name in zip(supplier_ids(ordered), _names(ordered), strict=True):
        if skip_lunch:
            lunch_start = datetime.combine(current.date(), LUNCH_START, tzinfo=current.tzinfo)
            lunch_end = datetime.combine(current.date(), LUNCH_END, tzinfo=current.tzinfo)
            if current < lunch_end and current + length > lunch_start:
                current = lunch_end
        slots.append(Slot(supplier_id=sid, supplier_name=name, start=current, end=current + length))
        current = current + length + pause
    return slots


def _text(value: object) -> str:
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return ""
    return str(value)


INVITATION_COLUMNS = ("Fournisseur", "Courriel", "Téléphone", "Créneau")
MEETING_COLUMNS = ("Date", "Lieu ou lien", "Objet du courriel", "Texte de l'invitation")


def invitation_subject(meeting: MeetingPlan) -> str:
    """The subject of the invitation e-mail."""
    return f"Invitation à une rencontre de sourçage : {meeting.title}"


def invitation_text(meeting: MeetingPlan, slot: Slot | None = None) -> str:
    """The invitation a buyer sends each supplier (French, several paragraphs): what the meeting is for,
    its date, the supplier's slot (``slot``; without one, the list's), the place or link, and that it
    commits nobody (CCP R2111-1). Meeting texts are the buyer's, kept as typed."""
    when = long_date(meeting.start.date())
    hours = f"de {slot.start:%H:%M} à {slot.end:%H:%M}" if slot else "à l'horaire indiqué dans la liste des invités"
    purpose = f" ({meeting.purpose.strip()})" if meeting.purpose.strip() else ""
    return (
        "Madame, Monsieur,\n\n"
        f"Dans le cadre de la préparation d'un futur marché{purpose}, nous organisons une rencontre de sourçage "
        "avec des opérateurs économiques (article R2111-1 du code de la commande publique).\n\n"
        f"Nous vous proposons un entretien individuel le {when}, {hours}, durée {meeting.slot_minutes} minutes.\n"
        f"Lieu ou lien : {meeting.place_or_link.strip() or 'à préciser'}\n\n"
        "Cet échange sert à mieux connaître vos activités et vos capacités ; il n'engage ni l'acheteur ni votre "
        "structure et ne donne aucun avantage pour la consultation à venir. La même information sera "
        "communiquée à l'ensemble des opérateurs invités.\n\n"
        "Merci de nous confirmer votre présence par retour de courriel.\n\n"
        "Bien cordialement,"
    )


def invitation_list(suppliers: pd.DataFrame, slots: Iterable[Slot], meeting: MeetingPlan | None = None) -> pd.DataFrame:
    """One row per slot, in schedule order: Fournisseur, Courriel, Téléphone, Créneau ("HH:MM–HH:MM"); with
    the ``meeting``, also its date (« jeudi 3 décembre 2026 »), place or link, and the e-mail's subject and
    text for that supplier, so that the list is enough to send the invitations (a mail merge).

    Contacts are looked up by supplier id (see `build_schedule`); a supplier without a
    known e-mail or phone gets an empty cell, never a guess.
    """
    ids = supplier_ids(suppliers)
    contacts: dict[str, Mapping[str, object]] = {}
    for sid, (_, row) in zip(ids, suppliers.iterrows(), strict=True):
        contacts.setdefault(sid, row)
    rows = []
    for slot in slots:
        row = contacts.get(slot.supplier_id, {})
        rows.append(
            {
                "Fournisseur": slot.supplier_name,
                "Courriel": _text(row.get("email")),
                "Téléphone": _text(row.get("phone")),
                "Créneau": slot.label,
            }
        )
        if meeting is not None:
            rows[-1].update(
                {
                    "Date": long_date(slot.start.date()),
                    "Lieu ou lien": meeting.place_or_link,
                    "Objet du courriel": invitation_subject(meeting),
                    "Texte de l'invitation": invitation_text(meeting, slot),
                }
            )
    columns = INVITATION_COLUMNS + (MEETING_COLUMNS if meeting is not None else ())
    return pd.DataFrame(rows, columns=list(columns))
