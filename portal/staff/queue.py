"""The advisers' queue: callback requests and concern notices, and every move they can make.

Each move is one conditional UPDATE: it names the state the item must be in (and, after claiming,
who must hold it). The database applies it to at most one caller, so two advisers can never claim
or move the same item, whatever the engine; on PostgreSQL the row lock makes the second wait and
then find the state changed."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update

from portal import crypto, db
from portal.callback.models import CallbackRequest
from portal.db import utcnow
from portal.concern.models import ConcernNotice
from portal.staff import audit
from portal.staff.models import ItemNote, StaffUser
from portal.staff.vocab import CALLBACK_OUTCOMES, CONCERN_OUTCOMES, NO_ANSWER
from portal.workdays import working_days_between

MODELS = {"callback": CallbackRequest, "concern": ConcernNotice}
OPEN_STATES = {"callback": ("new", "claimed", "attempt_1", "reached"), "concern": ("received", "triage", "assessment")}
FIRST_STATE = {"callback": "new", "concern": "received"}


@dataclass
class QueueItem:
    kind: str
    record: CallbackRequest | ConcernNotice
    urgent: bool
    overdue: bool

    @property
    def language(self) -> str:
        return self.record.call_language if self.kind == "callback" else self.record.ui_language


def open_items(now: dt.datetime | None = None) -> list[QueueItem]:
    """Every open item, urgent and overdue ones first, then the oldest."""
    now = now or utcnow()
    items = []
    for kind, model in MODELS.items():
        for record in db.session().scalars(select(model).where(model.status.in_(OPEN_STATES[kind]))):
            urgent = kind == "concern" and record.urgency in ("danger", "health")
            overdue = record.first_contact_at is None and working_days_between(record.created_at, now) >= 1
            items.append(QueueItem(kind, record, urgent, overdue))
    return sorted(items, key=lambda i: (not i.urgent, not i.overdue, i.record.created_at))


def item(kind: str, item_id: int):
    return db.session().get(MODELS[kind], item_id) if kind in MODELS else None


def _move(kind: str, item_id: int, staff: StaffUser, action: str, from_states: tuple[str, ...], must_hold: bool,
          **values) -> bool:
    """Apply `values` if the item is in one of `from_states` (and held by `staff`); audit it. True if applied."""
    model = MODELS[kind]
    conditions = [model.id == item_id, model.status.in_(from_states)]
    if must_hold:
        conditions.append(model.claimed_by_id == staff.id)
    with db.transaction() as session:
        changed = session.execute(update(model).where(*conditions)
                                  .values(status_changed_at=utcnow(), **values)).rowcount == 1
        if changed:
            audit.add(session, staff.id, action, kind, item_id, values.get("status"))
    return changed


def claim(kind: str, item_id: int, staff: StaffUser) -> bool:
    next_state = "claimed" if kind == "callback" else "triage"
    model = MODELS[kind]
    with db.transaction() as session:
        changed = session.execute(
            update(model).where(model.id == item_id, model.status == FIRST_STATE[kind], model.claimed_by_id.is_(None))
            .values(status=next_state, claimed_by_id=staff.id, status_changed_at=utcnow())).rowcount == 1
        if changed:
            audit.add(session, staff.id, "claim", kind, item_id, next_state)
    return changed


def no_answer(item_id: int, staff: StaffUser) -> bool:
    """The first unanswered call leaves one more try; the second closes the request, as the service does."""
    record, now = item("callback", item_id), utcnow()
    first = record.first_contact_at or now
    if record.status == "claimed":
        return _move("callback", item_id, staff, "no_answer", ("claimed",), True, status="attempt_1",
                     first_contact_at=first)
    return _move("callback", item_id, staff, "no_answer", ("attempt_1",), True, status="closed_no_answer",
                 outcome=NO_ANSWER, closed_at=now, first_contact_at=first)


def reached(item_id: int, staff: StaffUser) -> bool:
    record, now = item("callback", item_id), utcnow()
    return _move("callback", item_id, staff, "reached", ("claimed", "attempt_1"), True, status="reached",
                 reached_at=now, first_contact_at=record.first_contact_at or now)


def start_assessment(item_id: int, staff: StaffUser) -> bool:
    """The adviser has contacted the older person and assesses the situation."""
    record = item("concern", item_id)
    return _move("concern", item_id, staff, "assess", ("triage",), True, status="assessment",
                 first_contact_at=record.first_contact_at or utcnow())


def close(kind: str, item_id: int, staff: StaffUser, outcome: str) -> bool:
    allowed = CALLBACK_OUTCOMES if kind == "callback" else CONCERN_OUTCOMES
    if outcome not in allowed:
        return False
    from_states = ("reached",) if kind == "callback" else ("triage", "assessment")
    return _move(kind, item_id, staff, "close", from_states, True, status="closed", outcome=outcome,
                 closed_at=utcnow())


def add_note(kind: str, item_id: int, staff: StaffUser, text: str) -> None:
    with db.transaction() as session:
        session.add(ItemNote(item_type=kind, item_id=item_id, staff_id=staff.id, text=crypto.encrypt(text)))
        audit.add(session, staff.id, "note", kind, item_id)


def notes(kind: str, item_id: int) -> list[tuple[ItemNote, str]]:
    found = db.session().scalars(select(ItemNote).where(ItemNote.item_type == kind, ItemNote.item_id == item_id)
                                 .order_by(ItemNote.at)).all()
    return [(note, crypto.decrypt(note.text) if note.text else "") for note in found]
