"""Follow-up calls (kuulumissoitto): when closing an item, the adviser may set a check-in call after a
number of working days ("did things move forward?"). On that day it appears in the queue as its own
task and is worked like a callback request, two attempts at least the configured time apart, through
its state table (portal/staff/casework_states.py FOLLOWUP). Nothing here commits."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import cast

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, select, update

from portal import db
from portal.config import city_timezone
from portal.db import utcnow
from portal.staff import audit, queue
from portal.staff.casework_states import FOLLOWUP
from portal.staff.models import FollowUp
from portal.states import Actor, Refused, TooSoon, Transition
from portal.workdays import add_working_days

# The choices offered when closing: after how many working days to call (none: no call).
AFTER_DAYS = (2, 3, 5, 10)
CHOICES = [("", _l("No check-in call")),
           *[(str(n), _l("Call after %(num)s working days", num=n)) for n in AFTER_DAYS]]


def today() -> dt.date:
    return utcnow().replace(tzinfo=dt.UTC).astimezone(city_timezone()).date()


def parse_days(value: str | None) -> int | None:
    """The closing form's choice; raises ValueError for anything not offered."""
    if not value:
        return None
    if value not in {str(n) for n in AFTER_DAYS}:
        raise ValueError(value)
    return int(value)


def schedule(kind: str, item_id: int, staff: Actor, days: int) -> FollowUp:
    """A check-in call `days` working days from today (in the city), for an item just closed."""
    due = add_working_days(today(), days)
    session = db.session()
    call = FollowUp(item_type=kind, item_id=item_id, due_on=due, status=FOLLOWUP.first, created_by_id=staff.id)
    session.add(call)
    session.flush()
    audit.add(session, staff.id, "follow_up_set", kind, item_id, due.isoformat())
    return call


def due(on: dt.date | None = None) -> Sequence[FollowUp]:
    """Open check-in calls due by the day (today in the city): the queue's tasks, oldest due first."""
    on = on or today()
    return db.session().scalars(select(FollowUp).where(FollowUp.status.in_(FOLLOWUP.open_states),
                                                       FollowUp.due_on <= on)
                                .order_by(FollowUp.due_on, FollowUp.id)).all()


def call(call_id: int) -> FollowUp | None:
    return db.session().get(FollowUp, call_id)


def of(kind: str, item_id: int) -> FollowUp | None:
    return db.session().scalar(select(FollowUp).where(FollowUp.item_type == kind, FollowUp.item_id == item_id))


def planned_on(kind: str, item_id: int) -> dt.date | None:
    """For the resident's status page: the day of a check-in call still to come."""
    found = of(kind, item_id)
    return found.due_on if found is not None and found.status == FOLLOWUP.first else None


def offered(found: FollowUp, staff: Actor, *, in_queue: bool = False) -> list[Transition]:
    return FOLLOWUP.offered(found.status, staff, found.claimed_by_id, in_queue=in_queue)


def allowed_from(found: FollowUp, move: Transition) -> dt.datetime:
    minutes = int(current_app.config[move.waits]) if move.waits else 0
    return found.status_changed_at + dt.timedelta(minutes=minutes)


def take(call_id: int, staff: Actor, action: str, outcome: str | None = None) -> Transition:
    """The move through the follow-up table, as one conditional UPDATE naming the state and holder read
    (so two advisers never both claim or move it), audited; raises Refused (TooSoon for the second
    attempt before the wait is over)."""
    found = call(call_id)
    if found is None:
        raise Refused("unknown")
    move = FOLLOWUP.permitted(action, found.status, staff, found.claimed_by_id, outcome)
    now = utcnow()
    if move.waits and now < (earliest := allowed_from(found, move)):
        raise TooSoon(earliest)
    values: dict[str, object] = {"status": move.target, "status_changed_at": now}
    if move.claims:
        values["claimed_by_id"] = staff.id
    if move.contact and found.first_contact_at is None:
        values["first_contact_at"] = now
    if move.closes:
        values.update(closed_at=now, outcome=move.outcome or outcome)
    held = FollowUp.claimed_by_id.is_(None) if move.claims else FollowUp.claimed_by_id == found.claimed_by_id
    session = db.session()
    result = session.execute(update(FollowUp).where(FollowUp.id == call_id, FollowUp.status == found.status, held)
                             .values(**values))
    if cast(CursorResult, result).rowcount != 1:
        raise Refused("changed")
    audit.add(session, staff.id, f"follow_up_{move.audit_action}", found.item_type, found.item_id, move.target)
    return move


def item_of(found: FollowUp):
    return queue.item(found.item_type, found.item_id)
