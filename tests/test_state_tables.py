"""The state tables (portal/states.py and each kind's states.py): every move in a table works through the
adviser's page and does what its row says; a move the table does not allow (wrong state, wrong role,
someone else's item, no outcome) is refused by StateTable.permitted, which the page and the queue both
go through; the buttons a page shows are the table's moves for that adviser; the labels and the
resident's status texts are in Finnish and Swedish; a table that contradicts itself does not load."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from flask import g
from flask_babel import force_locale
from form_support import hidden_fields, resident
from staff_support import act, add_callback, add_concern, audit_entries, load, make_staff, sign_in, soup

from portal.callback.models import CallbackRequest
from portal.callback.states import CALLBACK
from portal.concern.models import ConcernNotice
from portal.concern.states import CONCERN
from portal.db import utcnow
from portal.staff import queue
from portal.staff.casework_states import DUPLICATE_FLAG, FOLLOWUP
from portal.staff.listing_states import LISTING_CHANGE
from portal.states import Refused, State, StateTable, Transition

TABLES = {"callback": CALLBACK, "concern": CONCERN}
MODELS = {"callback": CallbackRequest, "concern": ConcernNotice}
# Moves made with a button (and an outcome); hand-over and merge need their own forms: tested below.
MOVES = [(kind, move) for kind, table in TABLES.items() for move in table.transitions if move.form is None]
FORM_MOVES = [(kind, move) for kind, table in TABLES.items() for move in table.transitions if move.form]


pytestmark = pytest.mark.usefixtures("fresh_limits")


@pytest.fixture(scope="module")
def adviser(app):
    staff = make_staff(app, ["adviser"], name="Adviser Tables")
    return sign_in(app, staff), staff


@pytest.fixture(scope="module")
def other(app):
    return make_staff(app, ["adviser"], name="Adviser Elsewhere")


def said(app, lang: str, label) -> str:
    """A table's lazy label as the page in `lang` says it."""
    with app.test_request_context(f"/{lang}/"):
        g.lang = lang
        with force_locale(lang):
            return str(label)


def item_in(app, kind: str, state: str, holder_id: int | None):
    add = add_callback if kind == "callback" else add_concern
    # In that state since yesterday: long enough for a move that waits (the second call attempt).
    return add(app, status=state, claimed_by_id=holder_id, created_at=utcnow() - dt.timedelta(days=1))


class Actor:
    """Someone asking the table directly: an id and roles, as a staff account has."""

    def __init__(self, id: int, *roles: str):
        self.id, self.roles = id, roles

    def has(self, *roles: str) -> bool:
        return "admin" in self.roles or any(role in self.roles for role in roles)


# --- every allowed move --------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind, move", MOVES, ids=[f"{k}-{m.action}-from-{m.source}" for k, m in MOVES])
def test_each_move_in_the_table_works_through_the_page(app, adviser, kind, move):
    client, staff = adviser
    record = item_in(app, kind, move.source, None if move.claims else staff.id)
    outcome = next(iter(TABLES[kind].outcomes)) if move.chooses_outcome else None
    fields = {"outcome": outcome} if outcome else {}
    assert act(client, kind, record.id, move.action, **fields).status_code == 303
    after = load(app, MODELS[kind], record.id)
    assert after.status == move.target
    assert after.claimed_by_id == staff.id
    assert (after.first_contact_at is not None) == move.contact
    assert (after.closed_at is not None) == move.closes
    assert after.outcome == (outcome or move.outcome)
    for column in move.stamps:
        assert getattr(after, column) is not None
    changes = [e for e in audit_entries(app, kind, record.id) if e.action != "view"]
    assert [(e.action, e.detail, e.staff_id) for e in changes] == [(move.audit_action, move.target, staff.id)]


def test_the_tables_keep_the_services_states_and_outcome_codes():
    """PRODUCT.md's two state machines, move by move, and the nine reporting categories."""
    assert list(CALLBACK.states) == ["new", "claimed", "attempt_1", "reached", "closed_no_answer", "closed",
                                     "handed_over", "closed_duplicate"]
    assert {(m.action, m.source, m.target) for m in CALLBACK.transitions} == {
        ("claim", "new", "claimed"), ("no-answer", "claimed", "attempt_1"),
        ("no-answer", "attempt_1", "closed_no_answer"), ("reached", "claimed", "reached"),
        ("reached", "attempt_1", "reached"), ("close", "reached", "closed"),
        *{("hand-over", s, "handed_over") for s in ("claimed", "attempt_1", "reached")},
        *{("merge", s, "closed_duplicate") for s in ("new", "claimed", "attempt_1", "reached")}}
    assert list(CONCERN.states) == ["received", "triage", "assessment", "closed", "handed_over", "closed_duplicate"]
    assert {(m.action, m.source, m.target) for m in CONCERN.transitions} == {
        ("claim", "received", "triage"), ("assess", "triage", "assessment"),
        ("close", "triage", "closed"), ("close", "assessment", "closed"),
        *{("hand-over", s, "handed_over") for s in ("triage", "assessment")},
        *{("merge", s, "closed_duplicate") for s in ("received", "triage", "assessment")}}
    # A hand-over is counted as transferred, a merged duplicate neither as resolved nor as transferred.
    for table in (CALLBACK, CONCERN):
        assert table.ends("transferred") == ("handed_over",) and table.ends("duplicate") == ("closed_duplicate",)
    assert len(CALLBACK.outcomes) == 9 and CALLBACK.ends("unreached") == ("closed_no_answer",)
    assert set(CONCERN.outcomes) == {"advice_given", "referred_organisation", "care_network_informed",
                                     "service_need_assessment", "no_action", "duplicate"}
    assert CALLBACK.first == "new" and CONCERN.first == "received"


# --- moves that need their own form (hand-over, merge) --------------------------------------------------------

@pytest.mark.parametrize("kind, move", FORM_MOVES, ids=[f"{k}-{m.action}-from-{m.source}" for k, m in FORM_MOVES])
def test_a_move_that_needs_its_form_is_refused_as_a_plain_button(app, adviser, kind, move):
    """Posted to the generic move URL (no unit, no item kept), it is refused and changes nothing."""
    client, staff = adviser
    record = item_in(app, kind, move.source, None if move.source == TABLES[kind].first else staff.id)
    fields = {"outcome": next(iter(TABLES[kind].outcomes))}
    response = act(client, kind, record.id, move.action, **fields)
    assert response.status_code == 303
    assert "This cannot be done to this item." in " ".join(soup(client.get(response.headers["Location"])).get_text(" ").split())
    assert load(app, MODELS[kind], record.id).status == move.source
    with pytest.raises(Refused) as refused:
        TABLES[kind].permitted(move.action, move.source, Actor(staff.id, "adviser"), staff.id, fields["outcome"])
    assert refused.value.reason == "unknown"


@pytest.mark.parametrize("kind, move", FORM_MOVES, ids=[f"{k}-{m.action}-from-{m.source}" for k, m in FORM_MOVES])
def test_a_form_move_is_refused_for_other_roles_and_other_holders(kind, move):
    table, outcome = TABLES[kind], next(iter(TABLES[kind].outcomes))
    for actor, holder, reason in ((Actor(1, "editor", "organiser"), 1, "role"), (Actor(1, "adviser"), 2, "changed")):
        if holder == 2 and not move.holder_only:
            continue  # nobody holds an item in its first state
        with pytest.raises(Refused) as refused:
            table.permitted(move.action, move.source, actor, holder, outcome, form=move.form)
        assert refused.value.reason == reason
    assert table.permitted(move.action, move.source, Actor(1, "adviser"), 1 if move.holder_only else None, outcome,
                           form=move.form).target == move.target


def test_the_follow_up_and_duplicate_flag_tables():
    adviser, editor = Actor(1, "adviser"), Actor(2, "editor")
    assert FOLLOWUP.first == "scheduled" and set(FOLLOWUP.open_states) == {"scheduled", "claimed", "attempt_1"}
    assert FOLLOWUP.permitted("claim", "scheduled", adviser).target == "claimed"
    assert FOLLOWUP.permitted("no-answer", "attempt_1", adviser, 1).target == "closed_no_answer"
    assert FOLLOWUP.permitted("reached", "attempt_1", adviser, 1, "moved_forward").target == "done"
    for action, state, actor, holder, outcome, reason in (
            ("claim", "scheduled", editor, None, None, "role"), ("reached", "claimed", adviser, 2, "moved_forward", "changed"),
            ("reached", "claimed", adviser, 1, None, "outcome"), ("no-answer", "done", adviser, 1, None, "changed")):
        with pytest.raises(Refused) as refused:
            FOLLOWUP.permitted(action, state, actor, holder, outcome)
        assert refused.value.reason == reason
    assert [m.action for m in DUPLICATE_FLAG.offered("flagged", adviser)] == ["link", "merge", "dismiss"]
    assert [m.action for m in DUPLICATE_FLAG.offered("linked", adviser)] == ["merge"]
    assert DUPLICATE_FLAG.offered("flagged", editor) == [] and DUPLICATE_FLAG.offered("merged", adviser) == []


# --- refused in one place --------------------------------------------------------------------------------------

@pytest.mark.parametrize("action, state, actor, holder, outcome, reason", [
    ("close", "new", Actor(1, "adviser"), None, "info_by_mail", "changed"),  # wrong state
    ("no-answer", "closed_no_answer", Actor(1, "adviser"), 1, None, "changed"),  # an end has no moves
    ("reached", "claimed", Actor(2, "adviser"), 1, None, "changed"),  # someone else holds it
    ("claim", "new", Actor(1, "adviser"), 2, None, "changed"),  # already held
    ("claim", "new", Actor(1, "editor", "organiser"), None, None, "role"),  # wrong role
    ("reached", "claimed", Actor(1, "editor"), 1, None, "role"),
    ("close", "reached", Actor(1, "adviser"), 1, None, "outcome"),
    ("close", "reached", Actor(1, "adviser"), 1, "advice_given", "outcome"),  # a concern notice's outcome
    ("assess", "claimed", Actor(1, "adviser"), 1, None, "unknown"),  # another kind's move
    ("delete", "new", Actor(1, "admin"), None, None, "unknown"),
])
def test_the_table_refuses_what_it_does_not_allow(action, state, actor, holder, outcome, reason):
    with pytest.raises(Refused) as refused:
        CALLBACK.permitted(action, state, actor, holder, outcome)
    assert refused.value.reason == reason and refused.value.message


def test_the_table_allows_an_administrator_every_role():
    move = CALLBACK.permitted("claim", "new", Actor(7, "admin"))
    assert move.target == "claimed"


def test_a_move_the_table_does_not_allow_is_refused_by_the_page_and_the_queue(app, adviser, monkeypatch):
    """Take "reached" from a claimed callback out of the table (give it a role nobody has): the page stops
    offering it, a post is refused with the table's words and changes nothing, the queue function raises."""
    client, staff = adviser
    record = item_in(app, "callback", "claimed", staff.id)
    rows = [dataclasses.replace(m, roles=("supervisor",)) if (m.action, m.source) == ("reached", "claimed") else m
            for m in CALLBACK.transitions]
    monkeypatch.setattr(CALLBACK, "transitions", tuple(rows))
    page = soup(client.get(f"/en/staff/callback/{record.id}"))
    assert f"/en/staff/callback/{record.id}/reached" not in {f["action"] for f in page.select("form")}
    response = act(client, "callback", record.id, "reached")
    assert response.status_code == 303
    shown = soup(client.get(response.headers["Location"]))
    assert "Your role does not allow this." in shown.get_text(" ")
    after = load(app, CallbackRequest, record.id)
    assert (after.status, after.reached_at, after.first_contact_at) == ("claimed", None, None)
    assert [e.action for e in audit_entries(app, "callback", record.id) if e.action != "view"] == []
    with app.app_context():
        from portal import db as portal_db
        from portal.staff.models import StaffUser
        with pytest.raises(Refused) as refused:
            queue.take("callback", record.id, portal_db.session().get(StaffUser, staff.id), "reached")
    assert refused.value.reason == "role"


def test_a_refused_move_through_the_page_says_why_and_changes_nothing(app, adviser, other):
    client, _staff = adviser
    record = item_in(app, "concern", "triage", other.id)
    response = act(client, "concern", record.id, "close", outcome="duplicate")
    assert response.status_code == 303
    page = soup(client.get(response.headers["Location"]))
    assert "Someone else has just taken or changed this item." in page.get_text(" ")
    assert load(app, ConcernNotice, record.id).status == "triage"


# --- the buttons are the table --------------------------------------------------------------------------------

def what_next(page, kind: str, item_id: int) -> list[tuple[str, str]]:
    """The moves the item page offers: (action, button text), in order."""
    forms = [f for f in page.select("form")
             if f"/staff/{kind}/{item_id}/" in f["action"] and not f["action"].endswith(("/note", "/topics"))]
    return [(f["action"].rsplit("/", 1)[1], " ".join(f.select_one("button").get_text(" ").split())) for f in forms]


STATES = [(kind, code) for kind, table in TABLES.items() for code in table.states]


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize("kind, state", STATES, ids=[f"{k}-{s}" for k, s in STATES])
def test_the_buttons_shown_are_the_tables_moves_in_the_pages_language(app, adviser, other, kind, state, lang):
    client, staff = adviser
    table = TABLES[kind]
    for holder in (staff.id, other.id, None):
        record = item_in(app, kind, state, holder)
        page = soup(client.get(f"/{lang}/staff/{kind}/{record.id}"))
        expected = [(m.action, said(app, lang, m.label)) for m in table.transitions
                    if m.source == state and m.form is None and (holder is None if m.claims else holder == staff.id)]
        assert what_next(page, kind, record.id) == expected, holder
        state_text = " ".join(page.select_one(".key-facts dd").get_text(" ").split())
        assert state_text.startswith(said(app, lang, table.state(state).label))


def test_the_queue_offers_the_tables_queue_moves(app, adviser, other):
    client, _staff = adviser
    new, held = add_callback(app), item_in(app, "concern", "triage", other.id)
    queue_rows = soup(client.get("/fi/staff/")).select("table.queue tbody tr")
    rows = {" ".join(r.th.get_text(" ").split()): r for r in queue_rows}
    claim = rows[new.reference].select("form")
    assert [f["action"].rsplit("/", 1)[1] for f in claim] == ["claim"]
    assert said(app, "fi", CALLBACK.transitions[0].label) in claim[0].get_text(" ")
    assert rows[held.reference].select("form") == []
    assert said(app, "fi", CONCERN.state("triage").label) in rows[held.reference].get_text(" ")


# --- words --------------------------------------------------------------------------------------------------

def labels() -> list:
    found = []
    for table in (CALLBACK, CONCERN, LISTING_CHANGE, FOLLOWUP, DUPLICATE_FLAG):
        found += [s.label for s in table.states.values()] + [s.resident for s in table.states.values() if s.resident]
        found += [m.label for m in table.transitions] + list(table.outcomes.values())
    return found


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_every_label_in_the_tables_is_translated(app, lang):
    untranslated = [str(label) for label in labels() if said(app, lang, label) == said(app, "en", label)]
    assert untranslated == []


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_status_page_says_what_the_table_tells_residents(app, lang):
    for code, text in CALLBACK.resident_texts.items():
        record = add_callback(app, status=code, phone="+358401239876")
        visitor = resident(app)
        page = visitor.get(f"/{lang}/callback/status")
        data = hidden_fields(page, f"/{lang}/callback/status")
        data.update(reference=record.reference, last_digits="9876")
        panel = soup(visitor.post(f"/{lang}/callback/status", data=data)).select_one(".panel")
        assert said(app, lang, text) in " ".join(panel.get_text(" ").split())
    assert set(CALLBACK.resident_texts) == set(CALLBACK.states)  # every state tells the resident something
    assert CONCERN.resident_texts == {}  # a notifier is never told how a notice went


# --- the table checks itself -------------------------------------------------------------------------------------

def _table(*moves: Transition) -> StateTable:
    return StateTable("test", [State("a", "A"), State("b", "B"), State("end", "End", ending="done")], moves,
                      outcomes={"x": "X"})


@pytest.mark.parametrize("moves", [
    [Transition("go", "a", "nowhere", "Go", ("adviser",))],
    [Transition("go", "a", "b", "Go", ("adviser",)), Transition("go", "a", "end", "Go", ("adviser",), closes=True)],
    [Transition("go", "a", "end", "Go", ("adviser",))],  # ends without closing
    [Transition("go", "a", "b", "Go", ("adviser",), closes=True)],  # closes into an open state
    [Transition("go", "a", "end", "Go", ("adviser",), closes=True, outcome="y")],
    [Transition("go", "a", "end", "Go", ("adviser",), closes=True, outcome="x", chooses_outcome=True)],
    [Transition("go", "a", "b", "Go", ("adviser",), claims=True)],  # claiming what it must already hold
], ids=["unknown-state", "same-move-twice", "end-not-closed", "closed-but-open", "unknown-outcome",
        "two-outcomes", "claim-held"])
def test_a_table_that_contradicts_itself_does_not_load(moves):
    with pytest.raises(ValueError, match="test: go from a has "):
        _table(*moves)


def test_listing_changes_wait_for_an_editor():
    editor, organiser = Actor(1, "editor"), Actor(2, "organiser")
    assert LISTING_CHANGE.first == "pending" and LISTING_CHANGE.open_states == ("pending",)
    assert LISTING_CHANGE.permitted("approve", "pending", editor).target == "approved"
    assert LISTING_CHANGE.permitted("reject", "pending", editor).target == "rejected"
    assert [m.action for m in LISTING_CHANGE.offered("pending", editor)] == ["approve", "reject"]
    assert LISTING_CHANGE.offered("pending", organiser) == []
    for actor, state, reason in ((organiser, "pending", "role"), (editor, "approved", "changed"),
                                 (editor, "rejected", "changed")):
        with pytest.raises(Refused) as refused:
            LISTING_CHANGE.permitted("approve", state, actor)
        assert refused.value.reason == reason
