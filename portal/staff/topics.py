"""Topics for the service's social reporting: what the matter was about, tagged by advisers on each item
(one or more), counted per month and quarter in the statistics and the quarterly report.

The list starts from the phenomena the Seniori-info Q3 2020 report names (family carers' situations,
insecurity, digital challenges, finding the right service, loneliness, and the report's memory,
mobility, mood and substance-use observations) and from its resolution categories (persons already in
care, health stations and oral health, organisations' and companies' services, support and care at
home). Which of them are offered, and in which order, is REPORT_TOPICS in the settings."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from flask import current_app
from flask_babel import LazyString, lazy_gettext as _l
from sqlalchemy import delete, select

from portal import db
from portal.staff import audit
from portal.staff.models import ItemTopic
from portal.states import Actor

TOPICS: dict[str, LazyString] = {
    "carer": _l("Family carer's situation"),
    "insecurity": _l("Insecurity"),
    "digital": _l("Digital services and devices"),
    "right_service": _l("Finding the right service"),
    "loneliness": _l("Loneliness"),
    "memory": _l("Memory disorder"),
    "mobility": _l("Moving about and coping at home"),
    "mood_substances": _l("Mood or substance use"),
    "own_worker": _l("Reaching one's own worker (already a client)"),
    "health_station": _l("Health station and oral health care"),
    "home_care": _l("Support and care services at home"),
    "ngo_private": _l("Services of organisations and companies"),
    "errands": _l("Errands, shopping and money matters"),
}


def offered() -> dict[str, LazyString]:
    """The topics advisers choose from, as configured (REPORT_TOPICS; unknown codes are left out)."""
    codes = current_app.config.get("REPORT_TOPICS") or list(TOPICS)
    return {code: TOPICS[code] for code in codes if code in TOPICS}


def label(code: str) -> str:
    return str(TOPICS.get(code, code))


def of_item(kind: str, item_id: int) -> list[str]:
    """The item's topics, in the list's order."""
    found = set(db.session().scalars(select(ItemTopic.topic).where(ItemTopic.item_type == kind,
                                                                   ItemTopic.item_id == item_id)))
    return [code for code in TOPICS if code in found] + sorted(found - set(TOPICS))


def tag(kind: str, item_id: int, staff: Actor, codes: Iterable[str]) -> bool:
    """Set the item's topics to `codes` (those offered); audited with the codes added and removed.
    False when nothing changed. Topics are codes, never a person's data, so the audit may name them."""
    wanted = {code for code in codes if code in offered()}
    current = set(of_item(kind, item_id))
    added, removed = sorted(wanted - current), sorted(current - wanted)
    if not added and not removed:
        return False
    session = db.session()
    if removed:
        session.execute(delete(ItemTopic).where(ItemTopic.item_type == kind, ItemTopic.item_id == item_id,
                                                ItemTopic.topic.in_(removed)))
    session.add_all(ItemTopic(item_type=kind, item_id=item_id, topic=code, added_by_id=staff.id) for code in added)
    detail = " ".join([*(f"+{code}" for code in added), *(f"-{code}" for code in removed)])
    audit.add(session, staff.id, "topics", kind, item_id, detail[:200])
    return True


def topics_by_item(kind: str, item_ids: Iterable[int]) -> dict[int, list[str]]:
    """The topics of many items at once (for the statistics), by item id."""
    ids = list(item_ids)
    found: dict[int, list[str]] = {}
    for start in range(0, len(ids), 500):  # keeps the IN list within every database's limits
        rows = db.session().execute(select(ItemTopic.item_id, ItemTopic.topic).where(
            ItemTopic.item_type == kind, ItemTopic.item_id.in_(ids[start:start + 500])))
        for item_id, topic in rows:
            found.setdefault(item_id, []).append(topic)
    return found


def month_of(when: dt.datetime) -> str:
    return when.strftime("%Y-%m")


def top(counter: Counter, limit: int | None = None) -> list[tuple[str, int]]:
    """The most common first; equal counts in the list's order, so the order never depends on chance."""
    order = {code: n for n, code in enumerate(TOPICS)}
    ranked = sorted(counter.items(), key=lambda pair: (-pair[1], order.get(pair[0], len(order)), pair[0]))
    return ranked[:limit] if limit else ranked


def add_to_history(kind: str, item_id: int, codes: Iterable[str], at: dt.datetime) -> None:
    """Topics on generated history (the demo): as if tagged when the item closed, by nobody, so not
    audited (no one did it)."""
    db.session().add_all(ItemTopic(item_type=kind, item_id=item_id, topic=code, added_by_id=None, at=at)
                         for code in sorted(set(codes)) if code in TOPICS)


def forget_kind(kind: str) -> None:
    """Every item's topics of a kind: for the demo, which replaces all items of that kind."""
    db.session().execute(delete(ItemTopic).where(ItemTopic.item_type == kind))
