"""The advisers' queue: callback requests and concern notices, and every move they can make.

Which moves exist, from which state, for whom, is in each kind's state table (portal/callback/states.py,
portal/concern/states.py); `take` makes them. Each move is one conditional UPDATE: it names the state
the item must be in (and who must hold it). The database applies it to at most one caller, so two
advisers can never claim or move the same item, whatever the engine; on PostgreSQL the row lock makes
the second wait and then find the state changed. Nothing here commits: the request does."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import cast

from flask import current_app
from sqlalchemy import CursorResult, select, update

from portal import crypto, db
from portal.callback.models import CallbackRequest
from portal.callback.states import CALLBACK
from portal.concern.models import ConcernNotice
from portal.concern.states import CONCERN
from portal.config import city_timezone
from portal.db import utcnow
from portal.staff import audit
from portal.staff.models import ItemNote, StaffUser
from portal.states import Actor, Refused, State, TooSoon, Transition
from portal.workdays import working_days_between

MODELS: dict[str, type[CallbackRequest] | type[ConcernNotice]] = {"callback": CallbackRequest,
                                                                   "concern": ConcernNotice}
TABLES = {"callback": CALLBACK, "concern": CONCERN}


@dataclass
class QueueItem:
    kind: str
    record: CallbackRequest | ConcernNotice
    urgent: bool
    overdue: bool
    moves: list[Transition] = field(default_factory=list)  # what the viewing adviser may do from the list

    @property
    def language(self) -> str:
        return self.record.call_language if isinstance(self.record, CallbackRequest) else self.record.ui_language

    @property
    def state(self) -> State:
        return TABLES[self.kind].state(self.record.status)


# The queue's filters, in the order the page shows them: each takes one or more of its values from the
# URL (`?language=sv&holder=unassigned&due=overdue`), so a view of the queue can be bookmarked.
FILTERS = ("kind", "language", "urgency", "district", "state", "due", "holder")
LANGUAGES = ("fi", "sv", "en", "other")


def facets(entry: QueueItem, staff: Actor | None) -> dict[str, str | None]:
    """What each filter sees in an item (None: the filter does not apply to it, e.g. a callback's district)."""
    holder = entry.record.claimed_by_id
    return {
        "kind": entry.kind,
        "language": entry.language if entry.language in LANGUAGES else "other",
        "urgency": "urgent" if entry.urgent else "not_urgent",
        "district": (entry.record.district or "unknown") if isinstance(entry.record, ConcernNotice) else None,
        "state": entry.record.status,
        "due": "overdue" if entry.overdue else "in_time",
        "holder": "unassigned" if holder is None else "mine" if staff and holder == staff.id else "others",
    }


@dataclass
class FilteredQueue:
    items: list[QueueItem]  # those matching every chosen filter, in the queue's order
    total: int  # open items before filtering
    # For each filter and value: how many items it would show with the other filters as they are.
    counts: dict[str, Counter]


def filtered(entries: list[QueueItem], chosen: dict[str, set[str]], staff: Actor | None) -> FilteredQueue:
    """The items matching every chosen filter (values of one filter: any of them), and the counts beside
    each choice. A filter with no value chosen lets everything through."""
    seen = [(entry, facets(entry, staff)) for entry in entries]

    def matches(found: dict[str, str | None], leave_out: str | None = None) -> bool:
        return all(found[key] in values for key, values in chosen.items() if values and key != leave_out)

    counts = {key: Counter(found[key] for _entry, found in seen if found[key] is not None and matches(found, key))
              for key in FILTERS}
    return FilteredQueue([entry for entry, found in seen if matches(found)], len(entries), counts)


def open_items(staff: Actor | None = None, now: dt.datetime | None = None) -> list[QueueItem]:
    """Every open item, urgent and overdue ones first, then the oldest, with the moves `staff` may
    make from the list."""
    now = now or utcnow()
    items = []
    for kind, model in MODELS.items():
        table = TABLES[kind]
        found = db.session().scalars(select(model).where(model.status.in_(table.open_states)))
        for record in cast("list[CallbackRequest | ConcernNotice]", found.all()):
            urgent = isinstance(record, ConcernNotice) and record.urgency in ("danger", "health")
            overdue = record.first_contact_at is None and working_days_between(record.created_at, now) >= 1
            moves = table.offered(record.status, staff, record.claimed_by_id, in_queue=True) if staff else []
            items.append(QueueItem(kind, record, urgent, overdue, moves))
    return sorted(items, key=lambda i: (not i.urgent, not i.overdue, i.record.created_at))


def item(kind: str, item_id: int):
    return db.session().get(MODELS[kind], item_id) if kind in MODELS else None


def offered(kind: str, record, staff: Actor) -> list[Transition]:
    """The moves `staff` may make on this item now: the buttons of its page."""
    return TABLES[kind].offered(record.status, staff, record.claimed_by_id)


def take(kind: str, item_id: int, staff: Actor, action: str, outcome: str | None = None,
         form: str | None = None) -> Transition:
    """Make the move `action` on the item, as its state table allows, and audit it; raises Refused.

    The table decides from the state read here; the UPDATE then names that state (and the holder), so
    if another adviser moved the item in between, the database applies neither twice nor half: the
    UPDATE finds no row and the move is refused as taken."""
    table, model, record = TABLES[kind], MODELS[kind], item(kind, item_id)
    if record is None:
        raise Refused("unknown")
    move = table.permitted(action, record.status, staff, record.claimed_by_id, outcome, form)
    now = utcnow()
    if move.waits and now < (earliest := allowed_from(record, move)):
        raise TooSoon(earliest)
    values = {"status": move.target, "status_changed_at": now}
    if move.claims:
        values["claimed_by_id"] = staff.id
    if move.contact and record.first_contact_at is None:
        values["first_contact_at"] = now
    if move.closes:
        values.update(closed_at=now, outcome=move.outcome or outcome)
    values.update(dict.fromkeys(move.stamps, now))
    held = model.claimed_by_id.is_(None) if move.claims else model.claimed_by_id == record.claimed_by_id
    session = db.session()
    result = session.execute(update(model).where(model.id == item_id, model.status == record.status, held)
                             .values(**values))
    if cast(CursorResult, result).rowcount != 1:
        raise Refused("changed")
    audit.add(session, staff.id, move.audit_action, kind, item_id, move.target)
    return move


def allowed_from(record: CallbackRequest | ConcernNotice, move: Transition) -> dt.datetime:
    """When a move that waits (the second call attempt) may be made: the configured minutes after the
    item entered the move's source state (the first attempt)."""
    minutes = int(current_app.config[move.waits]) if move.waits else 0
    return record.status_changed_at + dt.timedelta(minutes=minutes)


def waiting_move(kind: str, record: CallbackRequest | ConcernNotice) -> tuple[dt.datetime, str] | None:
    """If the item's next attempt must wait: from when it is allowed, and which half-day (morning or
    afternoon, in the city's time) to prefer for it: the other one than the first attempt's."""
    move = next((m for m in TABLES[kind].transitions if m.source == record.status and m.waits), None)
    if move is None:
        return None
    first = record.status_changed_at.replace(tzinfo=dt.UTC).astimezone(city_timezone())
    return allowed_from(record, move), "afternoon" if first.hour < 12 else "morning"


def add_note(kind: str, item_id: int, staff: StaffUser, text: str) -> None:
    session = db.session()
    session.add(ItemNote(item_type=kind, item_id=item_id, staff_id=staff.id, text=crypto.encrypt(text)))
    audit.add(session, staff.id, "note", kind, item_id)


def notes(kind: str, item_id: int) -> list[tuple[ItemNote, str]]:
    found = db.session().scalars(select(ItemNote).where(ItemNote.item_type == kind, ItemNote.item_id == item_id)
                                 .order_by(ItemNote.at)).all()
    return [(note, crypto.decrypt(note.text) if note.text else "") for note in found]
