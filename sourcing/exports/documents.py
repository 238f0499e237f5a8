"""Meeting documents: the one-page supplier brief, the meeting pack and the traceability
record of a sourcing meeting (CCP R2111-1: market research is allowed provided it does not
distort competition — same information to every operator, written record kept).

Each document is built once as `blocks` and rendered to DOCX (python-docx) or PDF (fpdf2) by
`render`: one function per document, the format is its first argument.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Literal

import numpy as np
import pandas as pd

from sourcing.exports.blocks import Block, Bullets, Heading, PageBreak, Para, Table, clean, render_docx
from sourcing.exports.pdf import render_pdf
from sourcing.frenchfmt import date_and_time, french_date, french_number
from sourcing.model import FAMILIES, KIND_BY_CODE
from sourcing.schedule import (
    Invite,
    MeetingPlan,
    Slot,
    invitation_list,
    invitation_subject,
    invitation_text,
    supplier_ids,
)

# Reservation each family of kinds qualifies for (CCP). GEIQ and SEP are the exceptions:
# a GEIQ has no reservation of its own, work in prison has its own article, never combined.
RESERVATIONS: dict[str, str] = {
    "handicap": "L2113-12 : marché réservé aux ESAT, EA, EATT (et opérateurs équivalents, "
    "≥ 50 % de travailleurs handicapés)",
    "insertion": "L2113-13 : marché réservé aux SIAE (EI, ETTI, AI, ACI) et structures équivalentes",
    "ess": "L2113-15 : marché réservé aux entreprises de l'ESS, si les services sont dans la liste "
    "(services sociaux, de santé, culturels) et que les conditions sont réunies",
}
_RESERVATION_EXCEPTIONS: dict[str, str | None] = {
    "GEIQ": None,
    "SEP": "L2113-13-1 : marché réservé au travail pénitentiaire (jamais combiné avec une autre réservation)",
}
QUESTIONS: tuple[str, ...] = (
    "Quelles prestations ou fournitures réalisez-vous aujourd'hui, et pour quels clients publics ?",
    "Quelle capacité de production (volumes, délais, saisonnalité) pouvez-vous engager ?",
    "Sur quelle zone géographique intervenez-vous ? Avec quels moyens de déplacement ?",
    "Combien de personnes en situation de handicap ou en parcours d'insertion travaillent sur l'activité ?",
    "Quelles certifications, agréments ou labels détenez-vous (et jusqu'à quelle date) ?",
    "Répondez-vous seul, en cotraitance ou en sous-traitance ? Avec quels partenaires ?",
    "Quelle taille de lot vous permettrait de répondre (allotissement, montant, durée) ?",
    "Quelles contraintes du cahier des charges pourraient vous empêcher de répondre ?",
    "Utilisez-vous une plateforme de dématérialisation et savez-vous déposer une offre en ligne ?",
    "Quels délais de paiement et quelles modalités de facturation vous conviennent ?",
)
EQUAL_INFORMATION = (
    "La même information a été communiquée à l'ensemble des opérateurs invités, afin de ne pas "
    "fausser la concurrence (article R2111-1 du code de la commande publique)."
)
# Before the meeting (and until attendance and information are recorded for every operator), the
# record is a form: it says what will be done, never that it was.
EQUAL_INFORMATION_TO_COME = (
    "La même information sera communiquée à l'ensemble des opérateurs invités, afin de ne pas "
    "fausser la concurrence (article R2111-1 du code de la commande publique)."
)
TRACE_FORM = (
    "Fiche à compléter : la présence et l'information communiquée seront renseignées pour chaque "
    "opérateur après la rencontre. L'égalité d'information ne pourra être attestée qu'une fois ces "
    "renseignements saisis et identiques pour tous."
)
TRACE_MISSING = (
    "Fiche à compléter : présence ou information communiquée non renseignée pour {n} opérateur(s). "
    "L'égalité d'information ne pourra être attestée qu'une fois ces renseignements saisis et "
    "identiques pour tous."
)
UNEQUAL_INFORMATION = (
    "Attention : les informations communiquées diffèrent d'un opérateur à l'autre. Pour respecter "
    "l'égalité de traitement (article R2111-1 du code de la commande publique), communiquez le "
    "complément à tous les opérateurs invités avant le lancement de la consultation."
)


DocFormat = Literal["docx", "pdf"]
_RENDERERS: dict[str, Callable[[Sequence[Block], str], bytes]] = {"docx": render_docx, "pdf": render_pdf}


def render(fmt: DocFormat, blocks: Sequence[Block], title: str) -> bytes:
    """The blocks as a DOCX (python-docx) or PDF (fpdf2) file; `title` goes into its properties."""
    return _RENDERERS[fmt](blocks, title)


# --- Small helpers ------------------------------------------------------------------------


def _get(row: Mapping[str, object] | pd.Series, key: str) -> object:
    return row.get(key) if hasattr(row, "get") else None


def _list(value: object) -> list[str]:
    if isinstance(value, (list, tuple, np.ndarray)):
        return [str(v) for v in list(value) if v is not None and str(v)]
    text = clean(value)
    return [text] if text else []


def reservations_for_kinds(kinds: Sequence[str]) -> list[str]:
    """Reserved-contract articles a supplier of these kinds qualifies for, derived from the
    kinds' families (handicap -> L2113-12, insertion -> L2113-13, ess -> L2113-15), with the
    GEIQ (none) and SEP (L2113-13-1) exceptions. Unknown kinds add nothing. Order: article order."""
    found: list[str] = []
    for code in kinds:
        if code in _RESERVATION_EXCEPTIONS:
            text = _RESERVATION_EXCEPTIONS[code]
        else:
            kind = KIND_BY_CODE.get(code)
            text = RESERVATIONS.get(kind.family) if kind else None
        if text and text not in found:
            found.append(text)
    return sorted(found)


def _kind_lines(kinds: Sequence[str]) -> list[str]:
    lines = []
    for code in kinds:
        kind = KIND_BY_CODE.get(code)
        if kind:
            lines.append(f"{kind.code} — {kind.label} ({FAMILIES[kind.family]}) : {kind.legal_basis}")
        else:
            lines.append(f"{code} — type non reconnu")
    return lines


def _sector_lines(sectors: Sequence[str]) -> list[str]:
    from sourcing.taxonomy import load_taxonomy

    labels = load_taxonomy().sector_labels
    return [labels.get(s, s) for s in sectors]


def _territory(row: Mapping[str, object] | pd.Series) -> str:
    """ "Rhône (69) / Auvergne-Rhône-Alpes", never the raw codes "69 / 84" (codes the gazetteer does not
    know are kept as they are)."""
    from sourcing.search.choices import territory_names

    names = territory_names()
    parts = []
    for key, table in (("department", names.departments), ("region", names.regions)):
        code = clean(_get(row, key))
        if code:
            parts.append(table.get(code, code))
    return " / ".join(parts)


def _distance(value: object) -> str:
    number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    return "non calculée" if pd.isna(number) else f"{french_number(number, 1)} km"


# --- Supplier brief -----------------------------------------------------------------------


def supplier_brief_blocks(
    meeting: MeetingPlan,
    slot: Slot | None,
    supplier_row: Mapping[str, object] | pd.Series,
    reservations: Sequence[str] | None = None,
) -> list[Block]:
    """One page on one supplier, for the buyer at the meeting.

    `reservations`: the reservation articles the buyer considers for this purchase (e.g.
    ``["L2113-12"]``); each is marked as open or not to this supplier given its kinds.
    """
    name = clean(_get(supplier_row, "name")) or (slot.supplier_name if slot else "(sans nom)")
    kinds = _list(_get(supplier_row, "kinds"))
    eligible = reservations_for_kinds(kinds)
    address = " ".join(
        clean(_get(supplier_row, k)) for k in ("address", "postal_code", "city") if clean(_get(supplier_row, k))
    )
    identity = [
        ("Raison sociale", name),
        ("Enseigne", clean(_get(supplier_row, "trade_name"))),
        ("SIRET", clean(_get(supplier_row, "siret"))),
        ("Forme juridique", clean(_get(supplier_row, "legal_form"))),
        ("Code NAF", clean(_get(supplier_row, "naf"))),
        ("Adresse", address),
        ("Département / région", _territory(supplier_row)),
        ("Courriel", clean(_get(supplier_row, "email"))),
        ("Téléphone", clean(_get(supplier_row, "phone"))),
        ("Site web", clean(_get(supplier_row, "website"))),
    ]
    blocks: list[Block] = [
        Heading(f"Fiche fournisseur : {name}", 1),
        Para(f"Rencontre : {meeting.title}", bold=True),
    ]
    if slot is not None:
        blocks.append(Para(f"Créneau : {french_date(slot.start)}, {slot.label} — {meeting.place_or_link}"))
    blocks += [
        Heading("Identité", 2),
        Table(("Rubrique", "Valeur"), tuple((k, v or "non renseigné") for k, v in identity)),
        Heading("Types de structure", 2),
        Bullets(tuple(_kind_lines(kinds)) or ("Type non renseigné dans la source",)),
        Heading("Marchés réservés accessibles", 2),
        Bullets(tuple(eligible) or ("Aucune réservation de marché déduite de son type",)),
    ]
    if reservations:
        marks = []
        for article in reservations:
            ok = any(line.startswith(f"{article} ") for line in eligible)
            verdict = "éligible" if ok else "non éligible"
            marks.append(f"{article} (envisagé par l'acheteur) : {verdict} d'après son type")
        blocks.append(Bullets(tuple(marks)))
    blocks += [
        Heading("Secteurs", 2),
        Bullets(tuple(_sector_lines(_list(_get(supplier_row, "sectors")))) or ("Secteur non renseigné",)),
        Para(f"Distance : {_distance(_get(supplier_row, 'distance_km'))}"),
        *_contracts_blocks(supplier_row, meeting),
        Para(
            f"Source des données : {clean(_get(supplier_row, 'source_name')) or 'non renseignée'}, "
            f"{_data_age(_get(supplier_row, 'source_date'))}. À vérifier avec le fournisseur.",
            italic=True,
        ),
        Heading("Questions à poser", 2),
        Bullets(QUESTIONS),
    ]
    return blocks


def _contracts_blocks(supplier_row: Mapping[str, object] | pd.Series, meeting: MeetingPlan) -> list[Block]:
    """The public contracts the supplier won (DECP kept in the team's directory), when looked up; how
    many near the meeting's commune when its place names one (see `meeting_point`)."""
    from sourcing.contracts.meeting_place import meeting_point
    from sourcing.contracts.summary import current_summary

    point = meeting_point(meeting.place_or_link)
    siret = clean(_get(supplier_row, "siret"))
    near, near_name = (point.near, point.commune) if point else (None, "")
    sentence, lines = current_summary(siret, near, near_name=near_name)
    if not sentence:
        return []
    return [Heading("Marchés publics remportés", 2), Para(sentence), *([Bullets(tuple(lines[:5]))] if lines else [])]


def supplier_brief(
    fmt: DocFormat,
    meeting: MeetingPlan,
    slot: Slot | None,
    supplier_row: Mapping[str, object] | pd.Series,
    reservations: Sequence[str] | None = None,
) -> bytes:
    """The supplier brief (see `supplier_brief_blocks`) as a DOCX or PDF file."""
    blocks = supplier_brief_blocks(meeting, slot, supplier_row, reservations)
    return render(fmt, blocks, title=f"Fiche fournisseur — {clean(_get(supplier_row, 'name'))}")


# --- Meeting pack ---------------------------------------------------------------------------


def _rows_by_id(suppliers: pd.DataFrame) -> dict[str, pd.Series]:
    rows: dict[str, pd.Series] = {}
    for sid, (_, row) in zip(supplier_ids(suppliers), suppliers.iterrows(), strict=True):
        rows.setdefault(sid, row)
    return rows


def meeting_pack_blocks(meeting: MeetingPlan, slots: Sequence[Slot], suppliers: pd.DataFrame) -> list[Block]:
    """Cover (title, purpose, date, place), schedule, invitation list with contacts, one brief
    per supplier (each on its own page) and a minutes template ("compte rendu")."""
    invitations = invitation_list(suppliers, slots)
    rows = _rows_by_id(suppliers)
    blocks: list[Block] = [
        Heading(f"Rencontre acheteur–fournisseur : {meeting.title}", 1),
        Para(f"Objet : {meeting.purpose}"),
        Para(f"Date : {date_and_time(meeting.start)}"),
        Para(f"Lieu ou lien : {meeting.place_or_link}"),
        Para(f"Créneaux de {meeting.slot_minutes} min, {len(slots)} fournisseur(s) reçu(s)."),
        Para(EQUAL_INFORMATION_TO_COME, italic=True),
        Heading("Programme", 2),
        Table(("Horaire", "Fournisseur"), tuple((s.label, s.supplier_name) for s in slots)),
        Heading("Liste des invités", 2),
        Table(
            tuple(invitations.columns),
            tuple(tuple(clean(v) for v in r) for r in invitations.itertuples(index=False, name=None)),
        ),
        Heading("Texte de l'invitation", 2),
        Para(f"Objet : {clean(invitation_subject(meeting))}"),
        *(Para(clean(part)) for part in invitation_text(meeting).split("\n") if part.strip()),
    ]
    for slot in slots:
        row = rows.get(slot.supplier_id, pd.Series({"name": slot.supplier_name}))
        blocks.append(PageBreak())
        blocks += supplier_brief_blocks(meeting, slot, row)
    blocks += [
        PageBreak(),
        Heading("Compte rendu de la rencontre", 1),
        Para(f"Rencontre : {meeting.title} — {date_and_time(meeting.start)} — {meeting.place_or_link}"),
        Para("Participants pour l'acheteur : ........................................................"),
        Para("Information communiquée à tous les opérateurs : ........................................"),
        Table(
            ("Horaire", "Fournisseur", "Présent (oui/non)", "Points échangés", "Suites à donner"),
            tuple((s.label, s.supplier_name, "", "", "") for s in slots),
        ),
        Para("Aucun engagement sur les prix, les volumes ou l'attribution n'a été pris lors de ces échanges."),
        Para(
            "La même information a-t-elle été communiquée à tous les opérateurs (article R2111-1) ? "
            "oui / non — si non, complément adressé à tous le ..../..../........"
        ),
        Para("Rédigé le ..../..../........ par ........................................ Signature :"),
    ]
    return blocks


def meeting_pack(fmt: DocFormat, meeting: MeetingPlan, slots: Sequence[Slot], suppliers: pd.DataFrame) -> bytes:
    """The meeting pack (see `meeting_pack_blocks`) as a DOCX or PDF file."""
    return render(fmt, meeting_pack_blocks(meeting, slots, suppliers), title=meeting.title)


# --- Traceability record --------------------------------------------------------------------


def _yes_no(value: bool | None) -> str:
    return "non renseigné" if value is None else ("oui" if value else "non")


def _equality(invites: Sequence[Invite], held: bool) -> tuple[list[Block], str | None]:
    """The equal-information section and the one information given to all (None unless proven).

    The R2111-1 statement is written only once every operator's attendance and information are
    recorded and the information is the same for all; before that the record is a form (future
    tense before the meeting)."""
    infos = [clean(i.information_given).strip() for i in invites]
    missing = sum(1 for i, info in zip(invites, infos, strict=True) if i.attended is None or not info)
    if missing:
        if not held:
            return [Para(EQUAL_INFORMATION_TO_COME), Para(TRACE_FORM, italic=True)], None
        return [Para(TRACE_MISSING.format(n=missing), bold=True)], None
    if len(set(infos)) > 1:
        return [Para(UNEQUAL_INFORMATION, bold=True)], None
    return [Para(EQUAL_INFORMATION)], infos[0] if infos else None


def _attendance(invites: Sequence[Invite]) -> str:
    came = sum(1 for i in invites if i.attended)
    unknown = sum(1 for i in invites if i.attended is None)
    text = f"{len(invites)} opérateur(s) invité(s), {came} présent(s)"
    return text + (f", présence à renseigner pour {unknown}." if unknown else ".")


def _held(meeting: MeetingPlan, today: date) -> bool:
    start = meeting.start
    return (start.date() if hasattr(start, "date") else start) <= today


def traceability_blocks(meeting: MeetingPlan, invites: Sequence[Invite], today: date | None = None) -> list[Block]:
    """Who was invited, who came, what information each was given, and whether it was the same
    for all (the R2111-1 equal-treatment statement is only written when it is recorded and true)."""
    today = today or date.today()
    equality, shared_info = _equality(invites, _held(meeting, today))
    blocks: list[Block] = [
        Heading(f"Traçabilité du sourcing : {meeting.title}", 1),
        Para(f"Objet : {meeting.purpose}"),
        Para(f"Rencontre du {date_and_time(meeting.start)} — {meeting.place_or_link}"),
        Para(
            "Fondement : article R2111-1 du code de la commande publique (études et échanges préalables "
            "avec les opérateurs économiques, à condition de ne pas fausser la concurrence ni "
            "méconnaître les principes de la commande publique)."
        ),
        Heading("Opérateurs invités", 2),
        Para(_attendance(invites)),
        Table(
            ("Opérateur", "Contact", "Invité le", "Présent", "Information communiquée"),
            tuple(
                (
                    i.supplier_name,
                    i.contact,
                    french_date(i.invited_on) if i.invited_on else "",
                    _yes_no(i.attended),
                    i.information_given,
                )
                for i in invites
            ),
        ),
        Heading("Égalité d'information", 2),
        *equality,
    ]
    if shared_info:
        blocks.append(Para(f"Information communiquée : {shared_info}"))
    blocks.append(Para(f"Document établi le {french_date(today)}."))
    return blocks


def traceability(fmt: DocFormat, meeting: MeetingPlan, invites: Sequence[Invite], today: date | None = None) -> bytes:
    """The traceability record (see `traceability_blocks`) as a DOCX or PDF file."""
    return render(fmt, traceability_blocks(meeting, invites, today), title=f"Traçabilité — {meeting.title}")


def _data_age(source_date: object) -> str:
    """'données du 01/07/2019, de plus d'un an' (or 'date inconnue'): old data is said to be old."""
    from sourcing.store.dates import french_date, is_stale

    text = clean(source_date)
    said = f"données du {french_date(text)}" if text else "données de date inconnue"
    return f"{said}, de plus d'un an" if is_stale(text or None) else said
