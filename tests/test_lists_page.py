"""Page "Listes et rencontres" and the search page's "add to a list", with Streamlit's AppTest, on
a real SQLite file per test (see the `_own_database` fixture)."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from sourcing.db import service
from sourcing.db.engine import session_scope, upgrade_database
from sourcing.directory import load_demo
from tests.helpers import LISTS_PAGE, app_test, format_regex, open_page
from ui import texts as T


@pytest.fixture(scope="module")
def demo():
    return load_demo()


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [e.value for e in at.info] + [e.value for e in at.success]
    text = "\n".join(parts + [e.value for e in at.error] + [e.value for e in at.warning])
    return text.replace("\\", "")  # Markdown escapes of untrusted text


def _saved_list(name: str, suppliers: pd.DataFrame | None = None, owner: str = "local") -> int:
    """A list saved before the page opens, with `suppliers` in it; its id."""
    upgrade_database()
    with session_scope() as s:
        list_id = service.create_shortlist(s, owner, name).id
        if suppliers is not None:
            service.add_suppliers(s, owner, list_id, suppliers)
    return list_id


def _my_lists(user: str = "local") -> dict[str, int]:
    with session_scope() as s:
        return {i.name: i.entries for i in service.list_shortlists(s, user)}


def test_first_visit_explains_and_creates_a_list():
    at = open_page(LISTS_PAGE)
    assert T.LISTS_NONE in _texts(at)
    at.text_input(key="new_list_name").input("Espaces verts 2027")
    at.button(key=f"FormSubmitter:new_list-{T.LIST_CREATE}").click().run()
    assert not at.exception
    assert _my_lists() == {"Espaces verts 2027": 0}
    assert T.LIST_CREATED.format(name="Espaces verts 2027") in _texts(at)
    assert at.selectbox(key="shortlist_pick").value is not None


def test_duplicate_name_is_refused_in_french_and_nothing_changes():
    _saved_list("Nettoyage")
    at = open_page(LISTS_PAGE)
    at.text_input(key="new_list_name").input("  Nettoyage ")
    at.button(key=f"FormSubmitter:new_list-{T.LIST_CREATE}").click().run()
    assert "Vous avez déjà une liste « Nettoyage »" in _texts(at)
    assert _my_lists() == {"Nettoyage": 0}


def test_delete_asks_for_confirmation_first(demo):
    list_id = _saved_list("À supprimer", demo.head(2))
    at = open_page(LISTS_PAGE)
    at.button(key=f"del_{list_id}").click().run()
    assert T.LIST_DELETE_CONFIRM.format(name="À supprimer", n=2) in _texts(at)
    assert _my_lists() == {"À supprimer": 2}  # nothing deleted yet
    at.button(key=f"del_no_{list_id}").click().run()
    assert _my_lists() == {"À supprimer": 2}
    at.button(key=f"del_{list_id}").click().run()
    at.button(key=f"del_yes_{list_id}").click().run()
    assert not at.exception
    assert _my_lists() == {}
    assert T.LIST_DELETED.format(name="À supprimer") in _texts(at)


def test_status_notes_and_contact_log_are_saved(demo):
    list_id = _saved_list("Traiteurs", demo.head(3))
    at = open_page(LISTS_PAGE)
    assert T.LIST_SUMMARY.format(n=3, by_status="3 à contacter") in _texts(at)
    form_status = next(sb for sb in at.selectbox if sb.label == T.COL_STATUS)
    form_status.select("invité")
    next(ta for ta in at.text_area if ta.label == T.COL_NOTES).input("Relancer en janvier")
    next(b for b in at.button if b.label == T.ENTRY_SAVE).click().run()
    assert not at.exception
    assert T.LIST_SUMMARY.format(n=3, by_status="2 à contacter, 1 invité") in _texts(at)
    with session_scope() as s:
        first = service.entries(s, "local", list_id)[0]
        assert (first.status, first.notes) == ("invité", "Relancer en janvier")
    next(ta for ta in at.text_area if ta.label == T.CONTACT_TEXT).input("Appel : intéressé, 2 équipes")
    next(b for b in at.button if b.label == T.CONTACT_ADD).click().run()
    assert not at.exception
    with session_scope() as s:
        (log,) = service.contact_log(s, "local", first.id)
        assert (log.channel, log.text, log.author) == ("courriel", "Appel : intéressé, 2 équipes", "local")
    table = next(df.value for df in at.dataframe if T.CONTACT_TEXT in df.value.columns)
    assert table[T.CONTACT_TEXT].tolist() == ["Appel : intéressé, 2 équipes"]


def test_changes_since_added_are_shown(demo):
    changed = demo.head(1).copy()
    changed["phone"] = "01 00 00 00 00"  # the phone number when added; the directory has another now
    _saved_list("Suivi", changed)
    at = open_page(LISTS_PAGE)
    assert T.LIST_CHANGED_NOTE.format(n=1) in _texts(at)
    diff = next(df.value for df in at.dataframe if T.CHANGE_OLD in df.value.columns)
    assert diff.to_dict("records") == [
        {T.CHANGE_FIELD: "Téléphone", T.CHANGE_OLD: "01 00 00 00 00", T.CHANGE_NEW: str(demo["phone"].iloc[0])}
    ]
    next(b for b in at.button if b.label == T.ENTRY_ACCEPT).click().run()
    assert not format_regex(T.LIST_CHANGED_NOTE).search(_texts(at))


def test_review_changes_keeps_what_a_buyer_cares_about(demo):
    """`review_changes` decides what the page shows: renamed fields, absent suppliers, no bookkeeping."""
    upgrade_database()
    when_added = demo.head(3).copy()
    when_added.loc[when_added.index[0], "phone"] = "01 00 00 00 00"
    when_added.loc[when_added.index[0], "source_line"] = 99999  # bookkeeping of the import: not a change
    when_added.loc[when_added.index[1], "lat"] = 0.0  # geocoding: not a change either
    with session_scope() as s:
        list_id = service.create_shortlist(s, "local", "Revue").id
        service.add_suppliers(s, "local", list_id, when_added)
        frame = service.entries_frame(s, "local", list_id)
    gone = str(demo["id"].iloc[2])
    review = service.review_changes(frame, demo[demo["id"].astype(str) != gone])
    first, second, third = (int(e) for e in frame["entry_id"])
    assert review.changes[first] == {"phone": ("01 00 00 00 00", str(demo["phone"].iloc[0]))}
    assert review.changes[second] == {} and third not in review.changes
    assert review.absent == {gone} and set(review.current) == set(frame["id"]) - {gone}
    assert review.changed == 1
    assert [service.change_label(k) for k in ("phone", "naf", "unknown_field")] == [
        "Téléphone",
        "Code NAF",
        "unknown_field",
    ]


def test_meeting_form_invites_by_status_and_plans_the_day(demo):
    list_id = _saved_list("Rencontre", demo.head(4))
    with session_scope() as s:
        declined = service.entries(s, "local", list_id)[3]
        service.set_status(s, "local", declined.id, "décliné")
    at = open_page(LISTS_PAGE)
    next(t for t in at.text_input if t.label == T.MEETING_TITLE).input("Sourçage restauration")
    next(t for t in at.text_input if t.label == T.MEETING_PLACE).input("Mairie")
    next(b for b in at.button if b.label == T.MEETING_CREATE).click().run()
    assert not at.exception
    assert T.MEETING_CREATED.format(title="Sourçage restauration", n=3) in _texts(at)
    schedule = next(
        df.value for df in at.dataframe if T.MEETING_SLOT_COL in df.value.columns and "Courriel" in df.value.columns
    )
    assert schedule[T.MEETING_SLOT_COL].tolist() == ["09:00–09:20", "09:25–09:45", "09:50–10:10"]
    assert demo["name"].iloc[3] not in schedule[T.COL_NAME].tolist()  # declined: not invited
    # One brief per invited supplier can be downloaded on its own; the declined one is not offered.
    brief_pick = next(sb for sb in at.selectbox if sb.label == T.MEETING_BRIEF_PICK)
    assert sorted(brief_pick.options) == sorted(schedule[T.COL_NAME])  # AppTest lists the shown labels


def test_add_from_the_supplier_card_into_a_new_list(demo):
    at = app_test()
    at.run()
    supplier = demo.iloc[0]
    at.session_state["selected_id"] = supplier["id"]
    at.run()
    assert at.selectbox(key="target_list_box").value == -1  # no list yet: "new list…"
    at.text_input(key="add_new_name").input("Depuis la fiche")
    at.button(key="add_one").click().run()
    assert not at.exception
    assert _my_lists() == {"Depuis la fiche": 1}
    assert T.ADD_DONE.format(added=1, name="Depuis la fiche", already=0) in _texts(at)
    at.button(key="add_one").click().run()  # the same supplier again: kept once
    assert _my_lists() == {"Depuis la fiche": 1}
    assert T.ADD_DONE.format(added=0, name="Depuis la fiche", already=1) in _texts(at)


def test_the_chosen_list_stays_chosen_across_reruns_and_pages(demo):
    _saved_list("Marché voirie", demo.head(1))
    second = _saved_list("Marché restauration", demo.head(1))
    at = app_test()
    at.run()
    at.session_state["selected_id"] = demo["id"].iloc[2]
    at.run()
    at.selectbox(key="target_list_box").set_value(second).run()
    at.run()  # another rerun
    assert at.session_state["target_list"] == second
    at.switch_page(LISTS_PAGE).run()  # the search page's box is not drawn there
    at.switch_page("ui/pages/recherche.py").run()
    assert not at.exception
    assert at.session_state["target_list"] == second
    assert at.selectbox(key="target_list_box").value == second
    assert at.button(key="add_one").label == T.ADD_ONE.format(name="Marché restauration")


def test_without_a_name_a_new_list_is_refused(demo):
    at = app_test()
    at.run()
    at.session_state["selected_id"] = demo["id"].iloc[0]
    at.run()
    at.button(key="add_one").click().run()
    assert "Donnez un nom à la liste." in _texts(at)
    assert _my_lists() == {}


# --- Authentication on: each buyer sees only their own lists -------------------------------------


def test_signed_out_buyer_sees_only_the_sign_in():
    at = app_test({"is_logged_in": False}, auth=True)
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == [T.LOGIN_BUTTON]
    assert not at.dataframe


def test_one_buyer_cannot_see_or_open_another_buyers_list(demo):
    alice_list = _saved_list("Marché voirie", demo.head(2), owner="alice@mairie-a.fr")
    bob = open_page(LISTS_PAGE, {"is_logged_in": True, "email": "bob@mairie-b.fr"}, auth=True)
    assert T.LISTS_NONE in _texts(bob)
    assert "Marché voirie" not in str([sb.options for sb in bob.selectbox])
    bob.session_state["shortlist_pick"] = alice_list  # even pointing the page at it directly
    bob.run()
    assert "Marché voirie" not in _texts(bob) and not any(
        demo["name"].iloc[0] in str(df.value.values) for df in bob.dataframe
    )
    alice = open_page(LISTS_PAGE, {"is_logged_in": True, "email": "alice@mairie-a.fr"}, auth=True)
    assert T.LIST_SUMMARY.format(n=2, by_status="2 à contacter") in _texts(alice)
    with session_scope() as s:  # and the rules refuse any change by bob
        entry = service.entries(s, "alice@mairie-a.fr", alice_list)[0]
        with pytest.raises(PermissionError):
            service.set_status(s, "bob@mairie-b.fr", entry.id, "contacté")
        with pytest.raises(PermissionError):
            service.entries_frame(s, "bob@mairie-b.fr", alice_list)


def test_rename_and_duplicate_keep_the_suppliers(demo):
    list_id = _saved_list("Brouillon", demo.head(3))
    at = open_page(LISTS_PAGE)
    at.text_input(key=f"rename_{list_id}").input("Propreté urbaine 2027")
    at.button(key=f"rename_btn_{list_id}").click().run()
    assert _my_lists() == {"Propreté urbaine 2027": 3}
    at.button(key=f"dup_{list_id}").click().run()
    assert not at.exception
    assert _my_lists() == {"Propreté urbaine 2027": 3, "Propreté urbaine 2027 (copie)": 3}
    picked = at.selectbox(key="shortlist_pick")
    assert picked.value != list_id  # the copy is opened
    assert T.LIST_DUPLICATED.format(name="Propreté urbaine 2027 (copie)") in _texts(at)
