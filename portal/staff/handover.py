"""Escorted hand-over (saattaen vaihto): an adviser hands an item to a named receiving unit with a note
for the receiver and, when the receiver is an organisation, the person's answer to whether their
details may go there. The move is the item's "hand-over" row in its state table (it closes the item
as transferred, with the unit's reporting code); the hand-over itself is kept beside the item, and the
resident's status page of a callback request says who handles it now. Nothing here commits."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select

from portal import crypto, db
from portal.db import utcnow
from portal.i18n import current_language
from portal.staff import audit, queue
from portal.staff.models import Handover
from portal.states import Actor, Refused


@dataclass(frozen=True)
class Unit:
    code: str
    names: dict[str, str]
    organisation: bool
    contact: dict[str, str] | None
    outcomes: dict[str, str]

    @property
    def name(self) -> str:
        return self.names.get(current_language()) or self.names["fi"]


def units() -> list[Unit]:
    return [Unit(u["code"], u["name"], bool(u.get("organisation")), u.get("contact") or None, u["outcome"])
            for u in current_app.config["SERVICE"].get("handover_units", [])]


def unit(code: str | None) -> Unit | None:
    return next((u for u in units() if u.code == code), None)


class NoConsent(Refused):
    """An organisation gets the person's details only with their consent."""

    def __init__(self) -> None:
        super().__init__("outcome")


def hand_over(kind: str, item_id: int, staff: Actor, unit_code: str, note: str, consent: str | None) -> Handover:
    """Hand the item to the unit: its table's move (refused for a role, state or holder it does not
    allow), then the hand-over record, all or nothing. Two hand-overs of one item at once: the move's
    conditional UPDATE lets one through and refuses the other (the unique row is a second guard)."""
    receiver = unit(unit_code)
    if receiver is None:
        raise Refused("outcome")
    if receiver.organisation and consent != "yes":
        raise NoConsent()
    session = db.session()
    # The move first: refused, it has written nothing; made, it holds the item's row until the commit.
    queue.take(kind, item_id, staff, "hand-over", outcome=receiver.outcomes[kind], form="hand-over")
    record = Handover(item_type=kind, item_id=item_id, unit=receiver.code, staff_id=staff.id,
                      consent=consent if receiver.organisation else None, note=crypto.encrypt(note) if note else None)
    session.add(record)
    session.flush()
    audit.add(session, staff.id, "hand_over_unit", kind, item_id, receiver.code)
    return record


def of(kind: str, item_id: int) -> Handover | None:
    return db.session().scalar(select(Handover).where(Handover.item_type == kind, Handover.item_id == item_id))


def shown(kind: str, item_id: int) -> dict[str, Any] | None:
    """The hand-over for the item page: unit, its contact, the note, consent and when."""
    found = of(kind, item_id)
    if found is None:
        return None
    receiver = unit(found.unit)
    return {"unit": receiver.name if receiver else found.unit, "contact": receiver.contact if receiver else None,
            "note": crypto.decrypt(found.note) if found.note else None, "consent": found.consent, "at": found.at,
            "organisation": bool(receiver and receiver.organisation)}


def handled_by(kind: str, item_id: int) -> str | None:
    """For the resident's status page of a callback request: the unit's name in the page's language.
    Never for a concern notice: the notifier may hear that it was passed on, not to whom."""
    if kind != "callback":
        return None
    found = of(kind, item_id)
    receiver = unit(found.unit) if found else None
    return receiver.name if receiver else None


def recent(days: int = 7) -> list[dict[str, Any]]:
    """Items handed over in the last `days` days, newest first: the queue's "handed over to …" list."""
    since = utcnow() - dt.timedelta(days=days)
    rows = db.session().scalars(select(Handover).where(Handover.at >= since).order_by(Handover.at.desc())).all()
    shown = []
    for row in rows:
        receiver = unit(row.unit)
        record = queue.item(row.item_type, row.item_id)
        if record is not None:
            shown.append({"kind": row.item_type, "record": record, "at": row.at,
                          "unit": receiver.name if receiver else row.unit})
    return shown
