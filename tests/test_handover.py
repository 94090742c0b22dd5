"""Escorted hand-over: an item goes to a named unit with a note (encrypted), the consent answer for an
organisation, a record in its history and the unit's reporting code; it closes as transferred; the
queue lists it as handed over; the callback's status page names the unit; it is refused for other
roles, other holders and closed items; two hand-overs at once: one wins. PostgreSQL too when
PORTAL_TEST_DATABASE_URL is set."""
from __future__ import annotations

import threading

import pytest
from form_support import hidden_fields, resident
from sqlalchemy import select, text
from staff_support import add_callback, add_concern, audit_entries, csrf, load, make_staff, sign_in, soup, text_of

from portal import db as portal_db
from portal.callback.models import CallbackRequest
from portal.callback.states import CALLBACK
from portal.concern.models import ConcernNotice
from portal.concern.states import CONCERN
from portal.staff import handover
from portal.staff.models import Handover, StaffUser
from portal.states import Refused

pytestmark = pytest.mark.usefixtures("fresh_limits")


@pytest.fixture(scope="module")
def adviser(app):
    staff = make_staff(app, ["adviser"], name="Adviser Handover")
    return sign_in(app, staff), staff


def post(client, kind: str, item_id: int, lang: str = "en", **fields):
    return client.post(f"/{lang}/staff/hand-over/{kind}/{item_id}", data={"csrf_token": csrf(client, lang), **fields})


def test_a_concern_notice_goes_to_gerontological_social_work_with_a_note(app, adviser):
    client, staff = adviser
    notice = add_concern(app, status="triage", claimed_by_id=staff.id)
    page = soup(client.get(f"/en/staff/hand-over/concern/{notice.id}"))
    assert "Gerontological social work" in page.get_text(" ")
    note = "Tytär kertoo muistin heikentyneen, ei vielä asiakkuutta"
    response = post(client, "concern", notice.id, unit="gerontological_social_work", note=note)
    assert response.status_code == 303
    after = load(app, ConcernNotice, notice.id)
    assert after.status == "handed_over" and CONCERN.state(after.status).ending == "transferred"
    assert after.outcome == "care_network_informed" and after.closed_at is not None
    with app.app_context():
        row = portal_db.session().scalar(select(Handover).where(Handover.item_id == notice.id,
                                                               Handover.item_type == "concern"))
        assert (row.unit, row.staff_id, row.consent) == ("gerontological_social_work", staff.id, None)
        raw = portal_db.session().execute(text("select note from item_handover where id = :id"), {"id": row.id})
        assert note not in raw.scalar()  # encrypted at rest
    item_page = text_of(client.get(f"/en/staff/concern/{notice.id}"))
    assert "Handed over to Gerontological social work" in item_page and note in item_page
    assert {"hand_over", "hand_over_unit"} <= {e.action for e in audit_entries(app, "concern", notice.id)}
    queue_page = text_of(client.get("/en/staff/"))
    assert f"{notice.reference} : handed over to Gerontological social work" in queue_page


def test_an_organisation_needs_the_persons_consent(app, adviser):
    client, staff = adviser
    request = add_callback(app, status="reached", claimed_by_id=staff.id)
    response = post(client, "callback", request.id, unit="seniori_vamos", note="Kuulumissoitto", consent="no")
    assert response.status_code == 200 and "only if they agree" in text_of(response)
    assert load(app, CallbackRequest, request.id).status == "reached"
    assert post(client, "callback", request.id, unit="seniori_vamos", note="Kuulumissoitto",
                consent="yes").status_code == 303
    after = load(app, CallbackRequest, request.id)
    assert (after.status, after.outcome) == ("handed_over", "ngo_private_info")


def test_the_resident_sees_who_handles_the_callback_now(app, adviser):
    client, staff = adviser
    phone = "+358401239001"
    request = add_callback(app, status="claimed", claimed_by_id=staff.id, phone=phone)
    post(client, "callback", request.id, unit="home_care", note="Kotihoidon asiakas")
    for lang, unit in (("fi", "Kotihoito"), ("sv", "Hemvården"), ("en", "Home care")):
        visitor = resident(app)
        data = hidden_fields(visitor.get(f"/{lang}/callback/status"), f"/{lang}/callback/status")
        data.update(reference=request.reference, last_digits=phone[-4:])
        panel = soup(visitor.post(f"/{lang}/callback/status", data=data)).select_one(".panel")
        assert unit in panel.get_text(" ")


def test_refused_for_another_role_another_holder_a_new_item_and_a_closed_one(app, adviser):
    client, staff = adviser
    other = make_staff(app, ["adviser"])
    editor = make_staff(app, ["editor"])
    held = add_callback(app, status="claimed", claimed_by_id=other.id)
    new = add_callback(app)
    closed = add_callback(app, status="closed", claimed_by_id=staff.id)
    for record in (held, new, closed):
        before = load(app, CallbackRequest, record.id).status
        post(client, "callback", record.id, unit="home_care", note="x")
        assert load(app, CallbackRequest, record.id).status == before
    mine = add_callback(app, status="claimed", claimed_by_id=editor.id)
    with app.app_context():
        with pytest.raises(Refused) as refused, portal_db.transaction():
            handover.hand_over("callback", mine.id, portal_db.session().get(StaffUser, editor.id), "home_care", "x", None)
        assert refused.value.reason == "role"
        with pytest.raises(Refused), portal_db.transaction():
            handover.hand_over("callback", mine.id, portal_db.session().get(StaffUser, editor.id), "nowhere", "x", None)
    editor_client = sign_in(app, editor)
    assert editor_client.get(f"/en/staff/hand-over/callback/{mine.id}").status_code == 403


def test_two_hand_overs_of_one_item_at_once_one_wins(app):
    staff_id = make_staff(app, ["adviser"]).id
    for _round in range(4):
        record = add_callback(app, status="claimed", claimed_by_id=staff_id)
        barrier, results = threading.Barrier(2), {}

        def hand(n, barrier=barrier, results=results, item_id=record.id):
            with app.app_context():
                staff = portal_db.session().get(StaffUser, staff_id)
                barrier.wait()
                try:
                    with portal_db.transaction():
                        handover.hand_over("callback", item_id, staff, ("home_care", "health_station")[n], "x", None)
                    results[n] = True
                except Refused:
                    results[n] = False

        threads = [threading.Thread(target=hand, args=(n,)) for n in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(results.values()) == [False, True], results
        with app.app_context():
            rows = portal_db.session().scalars(select(Handover).where(Handover.item_type == "callback",
                                                                     Handover.item_id == record.id)).all()
            winner = next(n for n, won in results.items() if won)
            assert [r.unit for r in rows] == [("home_care", "health_station")[winner]]
        assert load(app, CallbackRequest, record.id).status == "handed_over"


def test_the_hand_over_page_in_every_language(app, adviser):
    client, staff = adviser
    record = add_concern(app, status="assessment", claimed_by_id=staff.id)
    for lang, words in (("fi", "Palvelutarpeen arviointi (RAISA)"), ("sv", "Bedömning av servicebehovet (RAISA)"),
                        ("en", "Service-need assessment (RAISA)")):
        page = soup(client.get(f"/{lang}/staff/hand-over/concern/{record.id}"))
        assert words in page.get_text(" ")
        assert page.select_one("form[method=post] input[name=csrf_token]")
    assert CALLBACK.ends("transferred") == ("handed_over",)


def test_the_demo_history_has_hand_overs_check_in_calls_and_duplicates_in_its_shares(app, fresh_app):
    """The history hands over the outcomes that mean another unit carries on, sets check-in calls on some
    closed items, merges the notices coded as duplicates, and leaves one flagged pair of each kind open;
    nothing is dated after the moment given, and every row points to an item that exists."""
    import datetime as dt

    from portal.demo.history import generate
    from portal.staff.models import DuplicateFlag, FollowUp

    now = dt.datetime(2026, 11, 25, 10, 30)
    with fresh_app.app_context(), portal_db.transaction() as session:
        generate(now)
        callbacks = {r.id: r for r in session.scalars(select(CallbackRequest))}
        notices = {r.id: r for r in session.scalars(select(ConcernNotice))}
        items = {"callback": callbacks, "concern": notices}
        handed = session.scalars(select(Handover)).all()
        assert {h.item_id for h in handed if h.item_type == "callback"} == {
            i for i, r in callbacks.items() if r.outcome == "new_client_assessment" and r.status == "handed_over"}
        assert all(items[h.item_type][h.item_id].status == "handed_over" and h.at <= now for h in handed)
        assert all(h.consent == "yes" for h in handed if handover.unit(h.unit).organisation)
        transferred = sum(r.status == "handed_over" for r in notices.values()) / len(notices)
        assert 0.3 < transferred < 0.6  # the notices coded to assessment or to an organisation
        calls = session.scalars(select(FollowUp)).all()
        assert 0.03 < len(calls) / (len(callbacks) + len(notices)) < 0.15
        assert all(items[c.item_type][c.item_id].status == "closed" for c in calls)
        assert all((c.closed_at or c.created_at) <= now for c in calls)
        flags = session.scalars(select(DuplicateFlag)).all()
        merged = [f for f in flags if f.status == "merged"]
        assert merged and all(notices[f.item_id].status == "closed_duplicate" for f in merged)
        assert sorted(f.item_type for f in flags if f.status == "flagged") == ["callback", "concern"]


def test_the_notifier_hears_only_that_the_notice_was_passed_on(app, adviser):
    client, staff = adviser
    notice = add_concern(app, status="triage", claimed_by_id=staff.id,
                         personal={"name": "Sulo Siirretty", "age": "1939", "contact_name": "Naapuri",
                                   "contact_phone": "+358401117788"})
    post(client, "concern", notice.id, unit="home_care", note="Kotihoidon asiakas, omatyöntekijä tiedotettu")
    for lang, unit in (("fi", "Kotihoito"), ("sv", "Hemvården"), ("en", "Home care")):
        visitor = resident(app)
        data = hidden_fields(visitor.get(f"/{lang}/concern/status"), f"/{lang}/concern/status")
        data.update(reference=notice.reference, check="1939")
        panel = soup(visitor.post(f"/{lang}/concern/status", data=data)).select_one(".panel").get_text(" ")
        assert unit not in panel and "Kotihoidon" not in panel
        if lang == "en":
            assert "It was passed on to the service that can help." in panel
