"""Follow-up calls: closing with a check-in call after N working days puts it in the queue on that day
(not before) as its own task, worked with the two-attempt rule (the second attempt waits as a callback's
does) through its own state table, audited on the item; the resident's status page says when we call
and what to do if the difficulty comes back."""
from __future__ import annotations

import datetime as dt

import pytest
from form_support import hidden_fields, resident
from sqlalchemy import select
from staff_support import act, add_callback, audit_entries, csrf, load, make_staff, sign_in, soup, text_of

from portal import db as portal_db
from portal.callback.models import CallbackRequest
from portal.db import utcnow
from portal.staff import followups
from portal.staff.models import FollowUp
from portal.workdays import add_working_days

pytestmark = pytest.mark.usefixtures("fresh_limits")


@pytest.fixture(scope="module")
def adviser(app):
    staff = make_staff(app, ["adviser"], name="Adviser Followups")
    return sign_in(app, staff), staff


def call_of(app, item_id: int) -> FollowUp:
    with app.app_context():
        return portal_db.session().scalar(select(FollowUp).where(FollowUp.item_type == "callback",
                                                                 FollowUp.item_id == item_id))


def set_call(app, call_id: int, **values) -> None:
    with app.app_context(), portal_db.transaction() as session:
        found = session.get(FollowUp, call_id)
        for key, value in values.items():
            setattr(found, key, value)


def follow_act(client, call_id: int, action: str, **fields):
    return client.post(f"/en/staff/follow-up/{call_id}/{action}", data={"csrf_token": csrf(client), **fields})


def test_closing_with_a_check_in_call_and_working_it(app, adviser):
    client, staff = adviser
    phone = "+358401238001"
    record = add_callback(app, status="reached", claimed_by_id=staff.id, phone=phone)
    assert "Call after 3 working days" in text_of(client.get(f"/en/staff/callback/{record.id}"))
    assert act(client, "callback", record.id, "close", outcome="city_services_advice", follow_up="3").status_code == 303
    assert load(app, CallbackRequest, record.id).status == "closed"
    call = call_of(app, record.id)
    with app.app_context():
        assert call.due_on == add_working_days(followups.today(), 3) and call.status == "scheduled"
    assert "follow_up_set" in [e.action for e in audit_entries(app, "callback", record.id)]
    # Not in the queue before its day; there on it.
    assert f"/en/staff/follow-up/{call.id}" not in client.get("/en/staff/").get_data(as_text=True)
    set_call(app, call.id, due_on=dt.date.today() - dt.timedelta(days=1))
    queue = soup(client.get("/en/staff/"))
    assert queue.select_one(f"a[href='/en/staff/follow-up/{call.id}']")
    # The resident is told when we call, and what to do if the difficulty comes back.
    visitor = resident(app)
    data = hidden_fields(visitor.get("/en/callback/status"), "/en/callback/status")
    data.update(reference=record.reference, last_digits=phone[-4:])
    panel = soup(visitor.post("/en/callback/status", data=data)).select_one(".panel").get_text(" ")
    assert "If the difficulty comes back" in panel and "We will call you again" in panel
    # Claim, first attempt, the second refused too soon, then allowed after the wait.
    assert follow_act(client, call.id, "claim").status_code == 303
    follow_act(client, call.id, "no-answer")
    assert call_of(app, record.id).status == "attempt_1"
    page = follow_act(client, call.id, "no-answer")
    assert "too soon" in text_of(client.get(page.headers["Location"]))
    assert call_of(app, record.id).status == "attempt_1"
    set_call(app, call.id, status_changed_at=utcnow() - dt.timedelta(hours=3))
    follow_act(client, call.id, "no-answer")
    done = call_of(app, record.id)
    assert (done.status, done.outcome) == ("closed_no_answer", "no_answer") and done.closed_at
    actions = [e.action for e in audit_entries(app, "callback", record.id)]
    assert actions.count("follow_up_no_answer") == 2 and "follow_up_claim" in actions


def test_reached_with_an_outcome_and_refusals(app, adviser):
    client, staff = adviser
    other = sign_in(app, make_staff(app, ["adviser"]))
    record = add_callback(app, status="reached", claimed_by_id=staff.id)
    act(client, "callback", record.id, "close", outcome="info_by_mail", follow_up="2")
    call = call_of(app, record.id)
    follow_act(client, call.id, "claim")
    follow_act(other, call.id, "reached", outcome="moved_forward")  # someone else's call: refused
    assert call_of(app, record.id).status == "claimed"
    follow_act(client, call.id, "reached")  # no outcome: refused
    assert call_of(app, record.id).status == "claimed"
    follow_act(client, call.id, "reached", outcome="moved_forward")
    done = call_of(app, record.id)
    assert (done.status, done.outcome) == ("done", "moved_forward") and done.first_contact_at
    editor = sign_in(app, make_staff(app, ["editor"]))
    assert editor.get(f"/en/staff/follow-up/{call.id}").status_code == 403


def test_a_choice_not_offered_closes_nothing(app, adviser):
    client, staff = adviser
    record = add_callback(app, status="reached", claimed_by_id=staff.id)
    act(client, "callback", record.id, "close", outcome="info_by_mail", follow_up="400")
    assert load(app, CallbackRequest, record.id).status == "reached" and call_of(app, record.id) is None
    act(client, "callback", record.id, "close", outcome="info_by_mail")
    assert load(app, CallbackRequest, record.id).status == "closed" and call_of(app, record.id) is None


def test_the_follow_up_page_in_every_language(app, adviser):
    client, staff = adviser
    record = add_callback(app, status="reached", claimed_by_id=staff.id)
    act(client, "callback", record.id, "close", outcome="info_by_mail", follow_up="5")
    call = call_of(app, record.id)
    for lang, words in (("fi", "Kuulumissoitto"), ("sv", "Uppföljningssamtal"), ("en", "Check-in call")):
        assert words in text_of(client.get(f"/{lang}/staff/follow-up/{call.id}"))
