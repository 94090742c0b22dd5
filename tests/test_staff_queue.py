"""The advisers' queue: the callback and concern state machines (and what the resident's status page says),
refused moves that change nothing, two advisers claiming at once, the audit log, encrypted notes and the
queue's order. Runs on PostgreSQL too when PORTAL_TEST_DATABASE_URL is set (the shared app uses it)."""
from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from form_support import hidden_fields, objects, resident
from sqlalchemy import select
from staff_support import (
    act,
    add_callback,
    add_concern,
    audit_entries,
    load,
    make_staff,
    sign_in,
    soup,
    text_of,
)

from portal import crypto, db as portal_db
from portal.callback.models import CallbackRequest
from portal.concern.models import ConcernNotice
from portal.db import utcnow
from portal.staff import queue
from portal.staff.models import AuditEntry, ItemNote, StaffUser
from portal.staff.vocab import CALLBACK_OUTCOMES, CONCERN_OUTCOMES
from portal.states import Refused

MODELS = {"callback": CallbackRequest, "concern": ConcernNotice}


pytestmark = pytest.mark.usefixtures("fresh_limits")


@pytest.fixture(scope="module")
def adviser(app):
    staff = make_staff(app, ["adviser"], name="Adviser Aalto")
    return sign_in(app, staff), staff


@pytest.fixture(scope="module")
def other_adviser(app):
    staff = make_staff(app, ["adviser"], name="Adviser Berg")
    return sign_in(app, staff), staff


def status_text(app, reference: str, phone: str, lang: str = "en") -> str:
    """What the resident's status page says about the request."""
    visitor = resident(app)
    page = visitor.get(f"/{lang}/callback/status")
    data = hidden_fields(page, f"/{lang}/callback/status")
    data.update(reference=reference, last_digits=phone[-4:])
    response = visitor.post(f"/{lang}/callback/status", data=data)
    assert response.status_code == 200
    panel = soup(response).select_one(".panel")
    assert panel is not None, text_of(response)[:500]
    return " ".join(panel.get_text(" ").split())


def snapshot(app, kind: str, item_id: int) -> dict:
    record = load(app, MODELS[kind], item_id)
    return {column: getattr(record, column) for column in
            ("status", "claimed_by_id", "outcome", "closed_at", "first_contact_at", "status_changed_at")}


# --- callbacks ----------------------------------------------------------------------------------------------

def test_callback_new_claimed_attempt_closed_no_answer(app, adviser):
    client, staff = adviser
    item = add_callback(app, phone="+358401237788")
    assert "Received. An adviser will call." in status_text(app, item.reference, item.phone)

    assert act(client, "callback", item.id, "claim").status_code == 303
    record = load(app, CallbackRequest, item.id)
    assert (record.status, record.claimed_by_id) == ("claimed", staff.id)
    assert "An adviser is handling your request." in status_text(app, item.reference, item.phone)

    act(client, "callback", item.id, "no-answer")
    record = load(app, CallbackRequest, item.id)
    # An unanswered call is not contact: the time to first contact keeps running.
    assert record.status == "attempt_1" and record.first_contact_at is None and record.closed_at is None
    assert record.outcome is None
    assert "We tried to call once" in status_text(app, item.reference, item.phone)

    # The second attempt a minute later is refused, saying from when it is possible (two hours on).
    before = snapshot(app, "callback", item.id)
    response = act(client, "callback", item.id, "no-answer")
    assert snapshot(app, "callback", item.id) == before
    message = text_of(client.get(response.headers["Location"]))
    assert "It is too soon for the second call attempt" in message
    first_attempt = record.status_changed_at.replace(tzinfo=dt.UTC).astimezone(ZoneInfo("Europe/Helsinki"))
    allowed = first_attempt + dt.timedelta(hours=2)
    assert f"{allowed.hour:02d}:{allowed.minute:02d}" in message  # English: "Tue 1 Dec, 14:05"
    assert "another half-day reaches more people" in message
    assert not [e for e in audit_entries(app, "callback", item.id) if e.action == "no_answer"][1:]

    # Two hours after the first attempt it is allowed, and closes the request.
    with app.app_context(), portal_db.transaction() as session:
        session.get(CallbackRequest, item.id).status_changed_at -= dt.timedelta(hours=2)
    act(client, "callback", item.id, "no-answer")
    record = load(app, CallbackRequest, item.id)
    assert record.status == "closed_no_answer"
    assert record.outcome == "other_no_answer"
    assert record.closed_at is not None and abs(record.closed_at - utcnow()) < dt.timedelta(minutes=1)
    assert record.first_contact_at is None  # never reached: no first contact
    assert "we tried to call twice" in status_text(app, item.reference, item.phone)
    # Closed: no further move.
    before = snapshot(app, "callback", item.id)
    for action in ("no-answer", "reached", "claim"):
        act(client, "callback", item.id, action)
    assert snapshot(app, "callback", item.id) == before


@pytest.mark.parametrize("outcome", sorted(CALLBACK_OUTCOMES))
def test_callback_claimed_reached_closed_with_an_outcome(app, adviser, outcome):
    client, _staff = adviser
    item = add_callback(app, phone="+358401234321")
    act(client, "callback", item.id, "claim")
    act(client, "callback", item.id, "reached")
    record = load(app, CallbackRequest, item.id)
    assert record.status == "reached" and record.reached_at is not None and record.first_contact_at is not None
    assert "We have talked with you." in status_text(app, item.reference, item.phone)
    page = client.get(f"/en/staff/callback/{item.id}")
    offered = {field["value"] for field in soup(page).select("input[name=outcome]")}
    assert offered == set(CALLBACK_OUTCOMES) and len(offered) == 9
    assert act(client, "callback", item.id, "close", outcome=outcome).status_code == 303
    record = load(app, CallbackRequest, item.id)
    assert (record.status, record.outcome) == ("closed", outcome)
    assert record.closed_at is not None
    assert "Done: we have talked with you." in status_text(app, item.reference, item.phone)


def test_a_callback_reached_after_one_unanswered_call(app, adviser):
    client, _staff = adviser
    item = add_callback(app)
    act(client, "callback", item.id, "claim")
    act(client, "callback", item.id, "no-answer")
    assert load(app, CallbackRequest, item.id).first_contact_at is None
    act(client, "callback", item.id, "reached")  # the resident called back: no need to wait
    record = load(app, CallbackRequest, item.id)
    assert record.status == "reached" and record.first_contact_at == record.reached_at is not None


def refused(app, client, kind, item_id, action, **fields):
    """The move is refused: the item and its audit trail (other than the views) stay as they were."""
    before = snapshot(app, kind, item_id)
    changes_before = [e.id for e in audit_entries(app, kind, item_id) if e.action != "view"]
    response = act(client, kind, item_id, action, **fields)
    assert response.status_code in (303, 400, 404), response.status_code
    assert snapshot(app, kind, item_id) == before, (action, fields)
    assert [e.id for e in audit_entries(app, kind, item_id) if e.action != "view"] == changes_before
    return response


def test_forbidden_callback_moves_change_nothing(app, adviser, other_adviser):
    client, _staff = adviser
    other, _ = other_adviser
    item = add_callback(app)
    # New: no answer / reached / close are not possible before claiming.
    refused(app, client, "callback", item.id, "no-answer")
    refused(app, client, "callback", item.id, "reached")
    refused(app, client, "callback", item.id, "close", outcome="info_by_mail")
    act(client, "callback", item.id, "claim")
    # Claiming a claimed item, by someone else or by the holder.
    refused(app, other, "callback", item.id, "claim")
    refused(app, client, "callback", item.id, "claim")
    # Another adviser cannot move an item they do not hold.
    refused(app, other, "callback", item.id, "no-answer")
    refused(app, other, "callback", item.id, "reached")
    # Closing is only after reaching the person.
    refused(app, client, "callback", item.id, "close", outcome="info_by_mail")
    act(client, "callback", item.id, "reached")
    # Without an outcome, with an unknown one, with the concern notices' outcome, or by another adviser.
    refused(app, client, "callback", item.id, "close")
    refused(app, client, "callback", item.id, "close", outcome="")
    refused(app, client, "callback", item.id, "close", outcome="made_up_outcome")
    refused(app, client, "callback", item.id, "close", outcome="advice_given")
    refused(app, other, "callback", item.id, "close", outcome="info_by_mail")
    # An unknown action is not a move.
    response = refused(app, client, "callback", item.id, "delete")
    assert response.status_code == 404
    # A move without the CSRF token is refused too.
    before = snapshot(app, "callback", item.id)
    response = client.post(f"/en/staff/callback/{item.id}/close", data={"outcome": "info_by_mail"})
    assert response.status_code in (400, 303)
    assert snapshot(app, "callback", item.id) == before
    # The holder can still close it properly.
    act(client, "callback", item.id, "close", outcome="info_by_mail")
    assert load(app, CallbackRequest, item.id).status == "closed"


def moved(kind: str, item_id: int, staff: StaffUser, action: str, outcome: str | None = None) -> bool:
    """Make a move through the queue's data function, saved as a request would save it; False if refused."""
    try:
        with portal_db.transaction():
            queue.take(kind, item_id, staff, action, outcome)
    except Refused:
        return False
    return True


def test_queue_functions_refuse_moves_directly(app):
    item = add_callback(app)
    with app.app_context():
        holder = portal_db.session().get(StaffUser, make_staff(app, ["adviser"]).id)
        stranger = portal_db.session().get(StaffUser, make_staff(app, ["adviser"]).id)
        assert moved("callback", item.id, holder, "no-answer") is False
        assert moved("callback", item.id, holder, "close", "info_by_mail") is False
        assert moved("callback", item.id, holder, "claim") is True
        assert moved("callback", item.id, stranger, "claim") is False
        assert moved("callback", item.id, stranger, "reached") is False
        assert moved("callback", item.id, holder, "reached") is True
        assert moved("callback", item.id, holder, "close", "not_a_code") is False
        assert moved("callback", item.id, holder, "close", None) is False
        assert moved("callback", item.id, stranger, "close", "info_by_mail") is False
        assert moved("callback", item.id, holder, "close", "info_by_mail") is True
    assert load(app, CallbackRequest, item.id).outcome == "info_by_mail"


# --- concern notices ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("outcome", sorted(CONCERN_OUTCOMES))
def test_concern_received_triage_assessment_closed(app, adviser, outcome):
    client, staff = adviser
    item = add_concern(app)
    assert load(app, ConcernNotice, item.id).status == "received"
    act(client, "concern", item.id, "claim")
    record = load(app, ConcernNotice, item.id)
    assert (record.status, record.claimed_by_id) == ("triage", staff.id)
    act(client, "concern", item.id, "assess")
    record = load(app, ConcernNotice, item.id)
    assert record.status == "assessment" and record.first_contact_at is not None
    page = client.get(f"/en/staff/concern/{item.id}")
    assert {f["value"] for f in soup(page).select("input[name=outcome]")} == set(CONCERN_OUTCOMES)
    act(client, "concern", item.id, "close", outcome=outcome)
    record = load(app, ConcernNotice, item.id)
    assert (record.status, record.outcome) == ("closed", outcome) and record.closed_at is not None


def test_forbidden_concern_moves_change_nothing(app, adviser, other_adviser):
    client, _ = adviser
    other, _ = other_adviser
    item = add_concern(app)
    refused(app, client, "concern", item.id, "assess")
    refused(app, client, "concern", item.id, "close", outcome="advice_given")
    refused(app, client, "concern", item.id, "no-answer")  # a callback move
    act(client, "concern", item.id, "claim")
    refused(app, other, "concern", item.id, "claim")
    refused(app, other, "concern", item.id, "assess")
    act(client, "concern", item.id, "assess")
    refused(app, client, "concern", item.id, "assess")
    refused(app, client, "concern", item.id, "close")
    refused(app, client, "concern", item.id, "close", outcome="info_by_mail")  # a callback outcome
    refused(app, client, "concern", item.id, "close", outcome="nonsense")
    refused(app, other, "concern", item.id, "close", outcome="duplicate")
    act(client, "concern", item.id, "close", outcome="duplicate")
    refused(app, client, "concern", item.id, "close", outcome="advice_given")  # closed stays closed
    assert load(app, ConcernNotice, item.id).outcome == "duplicate"


def test_unknown_items_and_kinds_are_not_found(app, adviser):
    client, _ = adviser
    assert client.get("/en/staff/callback/99999999").status_code == 404
    assert client.get("/en/staff/person/1").status_code == 404
    assert act(client, "callback", 99999999, "claim").status_code == 404


# --- two advisers at once ------------------------------------------------------------------------------------

def test_two_advisers_claiming_through_the_pages_at_once(app, adviser, other_adviser):
    clients = [adviser[0], other_adviser[0]]
    ids = {adviser[1].id, other_adviser[1].id}
    tokens = [__import__("staff_support").csrf(c) for c in clients]
    for _round in range(5):
        item = add_callback(app)
        barrier, responses = threading.Barrier(2), [None, None]

        def claim(n, barrier=barrier, responses=responses, item=item):
            barrier.wait()
            responses[n] = clients[n].post(f"/en/staff/callback/{item.id}/claim", data={"csrf_token": tokens[n]})

        threads = [threading.Thread(target=claim, args=(n,)) for n in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert [r.status_code for r in responses] == [303, 303]
        record = load(app, CallbackRequest, item.id)
        assert record.status == "claimed" and record.claimed_by_id in ids
        claims = [e for e in audit_entries(app, "callback", item.id) if e.action == "claim"]
        assert len(claims) == 1 and claims[0].staff_id == record.claimed_by_id


@pytest.mark.parametrize("kind", ["callback", "concern"])
def test_two_threads_calling_claim_at_once_only_one_wins(app, kind):
    staff_ids = [make_staff(app, ["adviser"]).id for _ in range(4)]
    for _round in range(5):
        item = add_callback(app) if kind == "callback" else add_concern(app)
        barrier, results = threading.Barrier(len(staff_ids)), {}

        def claim(staff_id, barrier=barrier, results=results, item=item):
            with app.app_context():
                staff = portal_db.session().get(StaffUser, staff_id)
                barrier.wait()
                results[staff_id] = moved(kind, item.id, staff, "claim")

        threads = [threading.Thread(target=claim, args=(sid,)) for sid in staff_ids]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        winners = [sid for sid, won in results.items() if won]
        assert len(results) == len(staff_ids)
        assert len(winners) == 1, results
        record = load(app, MODELS[kind], item.id)
        assert record.claimed_by_id == winners[0]
        assert len([e for e in audit_entries(app, kind, item.id) if e.action == "claim"]) == 1


# --- audit log and notes ------------------------------------------------------------------------------------

def test_views_moves_and_notes_are_audited_without_personal_data(app, adviser):
    client, staff = adviser
    name, phone, note = "Salme Auditoitava", "+358405556677", "Tytär soittaa takaisin huomenna klo 9"
    item = add_callback(app, name=name, phone=phone, message="Avain on naapurilla")
    assert client.get(f"/en/staff/callback/{item.id}").status_code == 200
    act(client, "callback", item.id, "claim")
    act(client, "callback", item.id, "note", text=note)
    act(client, "callback", item.id, "reached")
    act(client, "callback", item.id, "close", outcome="city_services_advice")
    entries = audit_entries(app, "callback", item.id)
    assert [e.action for e in entries if e.action != "view"] == ["claim", "note", "reached", "close"]
    assert "view" in [e.action for e in entries]
    for entry in entries:
        assert entry.staff_id == staff.id and entry.record_type == "callback" and entry.record_id == item.id
        assert entry.at is not None
        values = " ".join(str(getattr(entry, c.name)) for c in AuditEntry.__table__.columns)
        for secret in (name, "Salme", phone, phone[-7:], note, "Avain on naapurilla"):
            assert secret not in values
    assert [e.detail for e in entries if e.action == "close"] == ["closed"]
    # Every page view is logged, each time.
    views = len([e for e in entries if e.action == "view"])
    client.get(f"/en/staff/callback/{item.id}")
    assert len([e for e in audit_entries(app, "callback", item.id) if e.action == "view"]) == views + 1


def test_concern_views_and_moves_are_audited(app, adviser):
    client, staff = adviser
    item = add_concern(app)
    client.get(f"/en/staff/concern/{item.id}")
    act(client, "concern", item.id, "claim")
    act(client, "concern", item.id, "note", text="Soitin tyttärelle")
    act(client, "concern", item.id, "assess")
    act(client, "concern", item.id, "close", outcome="advice_given")
    entries = audit_entries(app, "concern", item.id)
    assert [e.action for e in entries] == ["view", "claim", "note", "assess", "close"]
    assert all(e.staff_id == staff.id for e in entries)
    personal = item.personal_plain
    for entry in entries:
        values = " ".join(str(getattr(entry, c.name)) for c in AuditEntry.__table__.columns)
        assert not any(str(v) in values for v in personal.values())


def test_notes_are_stored_encrypted_and_shown_to_advisers(app, adviser, other_adviser):
    client, staff = adviser
    item = add_callback(app)
    text = "Asiakas pyysi soittamaan iltapäivällä, kuulolaite"
    assert act(client, "callback", item.id, "note", text=text).status_code == 303
    stored = objects(app, select(ItemNote).where(ItemNote.item_type == "callback", ItemNote.item_id == item.id))
    assert len(stored) == 1 and stored[0].staff_id == staff.id
    assert text not in stored[0].text and "kuulolaite" not in stored[0].text
    with app.app_context():
        assert crypto.decrypt(stored[0].text) == text
    assert text in text_of(other_adviser[0].get(f"/en/staff/callback/{item.id}"))
    # An empty note is not saved.
    act(client, "callback", item.id, "note", text="   ")
    assert len(objects(app, select(ItemNote).where(ItemNote.item_type == "callback", ItemNote.item_id == item.id))) == 1


# --- the queue's order -------------------------------------------------------------------------------------

def test_queue_puts_urgent_and_overdue_first_and_marks_swedish(app, adviser):
    client, _ = adviser
    now = utcnow()
    fresh = add_callback(app, created_at=now - dt.timedelta(minutes=30))
    swedish = add_callback(app, created_at=now - dt.timedelta(minutes=20), call_language="sv")
    overdue = add_callback(app, created_at=now - dt.timedelta(days=10))
    old_concern = add_concern(app, created_at=now - dt.timedelta(days=9))
    urgent = add_concern(app, created_at=now - dt.timedelta(minutes=5), urgency="danger")
    health = add_concern(app, created_at=now - dt.timedelta(minutes=4), urgency="health")
    page = client.get("/en/staff/")
    assert page.status_code == 200
    rows = soup(page).select("table.queue tbody tr")
    order = [" ".join(row.th.get_text(" ").split()) for row in rows]
    mine = [r for r in order if r in {i.reference for i in (fresh, swedish, overdue, old_concern, urgent, health)}]
    assert mine == [urgent.reference, health.reference, overdue.reference, old_concern.reference,
                    fresh.reference, swedish.reference]
    # Every urgent item comes before every other, and every overdue one before the rest.
    flags = [("tag-urgent" in str(row), "Over a working day" in row.get_text()) for row in rows]
    keys = [(not urgent_, not overdue_) for urgent_, overdue_ in flags]
    assert keys == sorted(keys)
    by_reference = {" ".join(row.th.get_text(" ").split()): row for row in rows}
    assert by_reference[swedish.reference].select_one(".tag-sv") is not None
    assert by_reference[fresh.reference].select_one(".tag-sv") is None
    assert by_reference[urgent.reference].select_one(".tag-urgent") is not None
    assert "Over a working day" in by_reference[overdue.reference].get_text()
    assert "Over a working day" not in by_reference[fresh.reference].get_text()
    # Names are not in the queue list.
    assert fresh.name not in page.get_data(as_text=True)


def test_closed_items_leave_the_queue(app, adviser):
    client, _ = adviser
    item = add_callback(app)
    assert item.reference in text_of(client.get("/en/staff/"))
    act(client, "callback", item.id, "claim")
    act(client, "callback", item.id, "reached")
    act(client, "callback", item.id, "close", outcome="ngo_private_info")
    assert item.reference not in text_of(client.get("/en/staff/"))


# --- one unit of work ------------------------------------------------------------------------------------------

class Halfway(RuntimeError):
    """Raised on purpose in the middle of a request."""


@pytest.mark.parametrize("kind", ["callback", "concern"])
@pytest.mark.parametrize("move", ["claim", "close"])
def test_a_move_that_fails_halfway_leaves_the_item_as_it_was(app, adviser, monkeypatch, kind, move):
    """The conditional UPDATE has run when its audit entry fails: the request saves neither."""
    from portal.staff import audit

    client, _staff = adviser
    record = add_callback(app) if kind == "callback" else add_concern(app)
    if move == "close":
        for step in ("claim", "reached" if kind == "callback" else "assess"):
            assert act(client, kind, record.id, step).status_code == 303
    before = load(app, MODELS[kind], record.id)
    entries = len(audit_entries(app, kind, record.id))
    original = audit.add

    def failing_add(session, staff_id, action, record_type, *args, **kwargs):
        if record_type == kind:
            raise Halfway(action)
        return original(session, staff_id, action, record_type, *args, **kwargs)

    monkeypatch.setattr(queue.audit, "add", failing_add)
    outcomes = CALLBACK_OUTCOMES if kind == "callback" else CONCERN_OUTCOMES
    action, fields = ("claim", {}) if move == "claim" else ("close", {"outcome": sorted(outcomes)[0]})
    with pytest.raises(Halfway):
        act(client, kind, record.id, action, **fields)
    monkeypatch.undo()
    after = load(app, MODELS[kind], record.id)
    assert (after.status, after.claimed_by_id, after.closed_at) == (before.status, before.claimed_by_id, before.closed_at)
    assert len(audit_entries(app, kind, record.id)) == entries


def test_an_access_refused_is_recorded_although_the_answer_is_a_403(app):
    """A refusal's security entry is saved with the request that is refused (save_even_if_refused)."""
    staff = make_staff(app, ["editor"], name="Editor Ek")
    client = sign_in(app, staff)
    assert client.get("/en/staff/").status_code == 403
    assert "refused" in [entry.action for entry in audit_entries(app, "staff_user", staff.id)]
