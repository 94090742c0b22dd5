"""Duplicates: a new notice about the same person (name and year of birth, phone, address) or a callback
request from a phone with one open is flagged on arrival and shown on both items; an adviser links,
merges or dismisses; matching is by keyed hashes (no identifier stored in the clear), audited; two
merges of one pair at once leave exactly one item open. Runs on PostgreSQL when PORTAL_TEST_DATABASE_URL is set."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select
from staff_support import add_callback, add_concern, audit_entries, csrf, load, make_staff, sign_in, soup, text_of

from portal import db as portal_db
from portal.callback.models import CallbackRequest
from portal.concern.models import ConcernNotice
from portal.staff import duplicates
from portal.staff.models import DuplicateFlag, MatchKey, StaffUser
from portal.states import Refused

pytestmark = pytest.mark.usefixtures("fresh_limits")
MODELS = {"callback": CallbackRequest, "concern": ConcernNotice}


@pytest.fixture(scope="module")
def adviser(app):
    staff = make_staff(app, ["adviser"], name="Adviser Duplicates")
    return sign_in(app, staff), staff


def arrive(app, kind: str, **values):
    """An item stored as the resident forms store it: then the arrival check runs on it."""
    record = add_callback(app, **values) if kind == "callback" else add_concern(app, **values)
    with app.app_context(), portal_db.transaction() as session:
        duplicates.check(kind, session.get(MODELS[kind], record.id))
    return record


def flags(app, kind: str, item_id: int) -> list[DuplicateFlag]:
    with app.app_context():
        return [f.row for f in duplicates.flags_of(kind, item_id)]


def person(name: str, age: str = "", phone: str | None = None, address: str | None = None) -> dict:
    found = {"name": name, "age": age, "contact_name": "Tytär", "contact_phone": "+358401112233"}
    found.update({k: v for k, v in (("phone", phone), ("address", address)) if v})
    return found


def test_normalising_what_is_compared(app):
    with app.app_context():
        assert duplicates.normal_name("  Virtanen,  Äino ") == duplicates.normal_name("aino VIRTANEN")
        assert duplicates.birth_years("s. 1941", 2026) == {1941}
        assert duplicates.birth_years("84", 2026) == {1942, 1941}
        assert duplicates.birth_years("noin 80 tai 85", 2026) == set()
        assert duplicates.normal_address("Mannerheimintie 5 A 3, 00100 Helsinki") == "mannerheimintie 5 a 3"


@pytest.mark.parametrize("first, second, reason", [
    (person("Aino Virtanen", "1941"), person("VIRTANEN Aino", "85"), "person"),
    (person("Aino Virtanen", phone="+358409871234"), person("Aino V.", phone="+358409871234"), "phone"),
    (person("A", address="Kotikatu 3 B 12, 00500 Helsinki"), person("B", address="kotikatu 3 b 12"), "address"),
])
def test_a_notice_about_the_same_person_is_flagged_on_both(app, adviser, first, second, reason):
    client, _staff = adviser
    earlier = arrive(app, "concern", personal=first)
    newer = arrive(app, "concern", personal=second)
    [flag] = flags(app, "concern", newer.id)
    assert (flag.other_type, flag.other_id, flag.reasons, flag.status) == ("concern", earlier.id, [reason], "flagged")
    assert [f.id for f in flags(app, "concern", earlier.id)] == [flag.id]
    for shown, other in ((newer, earlier), (earlier, newer)):
        page = text_of(client.get(f"/en/staff/concern/{shown.id}"))
        assert "Possible duplicates" in page and other.reference in page
        assert "This may be about the same person as another open item." in page
    checks = [e for e in audit_entries(app, "concern", newer.id) if e.action == "duplicate_check"]
    assert [(e.detail, e.staff_id) for e in checks] == [("1", None)]
    assert "duplicate_flagged" in [e.action for e in audit_entries(app, "concern", earlier.id)]


def test_different_people_and_closed_items_are_not_flagged(app):
    arrive(app, "concern", personal=person("Aino Virtanen", "1941"))
    other_year = arrive(app, "concern", personal=person("Aino Virtanen", "1950"))
    assert flags(app, "concern", other_year.id) == []
    closed = arrive(app, "callback", phone="+358401230001", status="closed")
    assert closed.id
    again = arrive(app, "callback", phone="+358401230001")
    assert flags(app, "callback", again.id) == []


def test_a_callback_from_a_phone_with_one_open_is_flagged(app):
    earlier = arrive(app, "callback", phone="+358401230002")
    newer = arrive(app, "callback", phone="+358401230002")
    [flag] = flags(app, "callback", newer.id)
    assert (flag.other_type, flag.other_id, flag.reasons) == ("callback", earlier.id, ["phone"])


def test_the_identifiers_are_stored_only_as_keyed_hashes(app):
    phone = "+358401230003"
    record = arrive(app, "callback", phone=phone)
    with app.app_context():
        keys = portal_db.session().scalars(select(MatchKey).where(MatchKey.item_type == "callback",
                                                                  MatchKey.item_id == record.id)).all()
        assert [k.what for k in keys] == ["phone"]
        assert phone not in keys[0].digest and keys[0].digest == duplicates.digest("phone", phone)
        app.config["SECRET_KEY"], key = "another key", app.config["SECRET_KEY"]
        try:
            assert duplicates.digest("phone", phone) != keys[0].digest  # without the server's key: nothing
        finally:
            app.config["SECRET_KEY"] = key


def test_the_resident_form_checks_on_arrival(app, adviser):
    """Through the real create path: a second request from the same phone is flagged."""
    from form_support import hidden_fields, resident

    def send(phone: str):
        visitor = resident(app)
        data = hidden_fields(visitor.get("/fi/callback"), "/fi/callback")
        data.update(name="Eila Esimerkki", phone=phone, call_language="fi", time_window="any", voicemail_ok="no")
        return visitor.post("/fi/callback", data=data)

    assert send("040 123 0004").status_code in (302, 303)
    assert send("0401230004").status_code in (302, 303)
    with app.app_context():
        newest = portal_db.session().scalars(select(CallbackRequest).order_by(CallbackRequest.id.desc())).first()
        assert newest.phone == "+358401230004"
        [flag] = [f.row for f in duplicates.flags_of("callback", newest.id)]
    assert flag.reasons == ["phone"]


def decide(client, flag: DuplicateFlag, action: str, kind: str, item_id: int, **fields):
    return client.post(f"/en/staff/duplicate/{flag.id}/{action}/{kind}/{item_id}",
                       data={"csrf_token": csrf(client), **fields})


def test_link_dismiss_and_merge_through_the_page(app, adviser):
    client, staff = adviser
    earlier = arrive(app, "callback", phone="+358401230005")
    newer = arrive(app, "callback", phone="+358401230005")
    [flag] = flags(app, "callback", newer.id)
    assert decide(client, flag, "link", "callback", newer.id).status_code == 303
    assert load(app, DuplicateFlag, flag.id).status == "linked"
    assert decide(client, flag, "dismiss", "callback", newer.id).status_code == 303  # linked: not offered
    assert load(app, DuplicateFlag, flag.id).status == "linked"
    response = decide(client, flag, "merge", "callback", newer.id, keep="other")
    assert response.status_code == 303
    merged = load(app, DuplicateFlag, flag.id)
    assert (merged.status, merged.kept, merged.decided_by_id) == ("merged", "other", staff.id)
    closed, kept = load(app, CallbackRequest, newer.id), load(app, CallbackRequest, earlier.id)
    assert (closed.status, closed.outcome) == ("closed_duplicate", None) and closed.closed_at is not None
    assert kept.status == "new"
    page = text_of(client.get(f"/en/staff/callback/{newer.id}"))
    assert f"Closed as a duplicate of Callback request {earlier.reference}" in page
    actions = [e.action for e in audit_entries(app, "callback", newer.id)]
    assert {"duplicate_linked", "duplicate_merged", "merged"} <= set(actions)
    second = arrive(app, "callback", phone="+358401230005")
    [flag2] = flags(app, "callback", second.id)
    decide(client, flag2, "dismiss", "callback", second.id)
    assert load(app, DuplicateFlag, flag2.id).status == "dismissed"
    assert load(app, CallbackRequest, second.id).status == "new"


def test_a_merge_is_refused_for_another_role_and_for_an_item_someone_else_holds(app):
    editor = make_staff(app, ["editor"])
    holder, merger = make_staff(app, ["adviser"]), make_staff(app, ["adviser"])
    earlier = arrive(app, "concern", personal=person("Martti Mäki", "1938"))
    newer = arrive(app, "concern", personal=person("Martti Maki", "1938"), status="triage",
                   claimed_by_id=holder.id)
    [flag] = flags(app, "concern", newer.id)
    with app.app_context():
        for staff_id, reason in ((editor.id, "role"), (merger.id, "changed")):
            with pytest.raises(Refused) as refused, portal_db.transaction():
                duplicates.merge(flag.id, portal_db.session().get(StaffUser, staff_id), "other")
            assert refused.value.reason == reason
    assert load(app, DuplicateFlag, flag.id).status == "flagged"  # nothing of a refused merge is kept
    assert load(app, ConcernNotice, newer.id).status == "triage"
    assert load(app, ConcernNotice, earlier.id).status == "received"


def test_two_opposite_merges_at_once_leave_one_item_open(app):
    staff_ids = [make_staff(app, ["adviser"]).id for _ in range(2)]
    for _round in range(4):
        earlier = arrive(app, "callback", phone="+358401230006")
        newer = arrive(app, "callback", phone="+358401230006")
        flag = next(f for f in flags(app, "callback", newer.id) if f.other_id == earlier.id)
        barrier, results = threading.Barrier(2), {}

        def merge(n, barrier=barrier, results=results, flag_id=flag.id):
            with app.app_context():
                staff = portal_db.session().get(StaffUser, staff_ids[n])
                barrier.wait()
                try:
                    with portal_db.transaction():
                        duplicates.merge(flag_id, staff, "item" if n == 0 else "other")
                    results[n] = True
                except Refused:
                    results[n] = False

        threads = [threading.Thread(target=merge, args=(n,)) for n in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(results.values()) == [False, True], results
        states = sorted(load(app, CallbackRequest, i).status for i in (earlier.id, newer.id))
        assert states == ["closed_duplicate", "new"]
        # The other open request from this phone of earlier rounds closes as well, for the next round.
        with app.app_context(), portal_db.transaction() as session:
            for record in session.scalars(select(CallbackRequest).where(CallbackRequest.phone.is_not(None))):
                if record.phone == "+358401230006" and record.status == "new":
                    record.status = "closed"


def test_the_item_page_in_every_language(app, adviser):
    client, _staff = adviser
    arrive(app, "callback", phone="+358401230007")
    newer = arrive(app, "callback", phone="+358401230007")
    for lang, words in (("fi", "Mahdollisia kaksoiskappaleita"), ("sv", "Möjliga dubbletter"),
                        ("en", "Possible duplicates")):
        page = soup(client.get(f"/{lang}/staff/callback/{newer.id}"))
        assert words in page.get_text(" ")


def test_a_callback_from_the_phone_of_an_older_person_with_a_notice_open_is_flagged(app):
    """Across kinds only the phone counts: the notifier's own phone and the person's name do not."""
    notice = arrive(app, "concern", personal=person("Kerttu Kaksi", "1944", phone="+358401230008"))
    callback = arrive(app, "callback", phone="+358401230008")
    [flag] = flags(app, "callback", callback.id)
    assert (flag.other_type, flag.other_id, flag.reasons) == ("concern", notice.id, ["phone"])
    notifier = arrive(app, "callback", phone="+358401112233")  # the contact_phone of every notice here
    assert [f for f in flags(app, "callback", notifier.id) if f.other_type == "concern"] == []
