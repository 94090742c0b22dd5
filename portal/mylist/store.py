""""My list": activities a person collects without an account. Kept in the signed session cookie
only (no personal data on the server); a share link carries the same ids in its address."""
from __future__ import annotations

import re

from flask import session
from sqlalchemy import select

from portal import db
from portal.catalogue.models import Activity

KEY = "my_list"
LIMIT = 30  # a handout of more would not be read
MAX_ID = 2**31 - 1  # database ids are 32-bit integers


def ids() -> list[int]:
    return [i for i in session.get(KEY, []) if isinstance(i, int) and 0 < i <= MAX_ID]


def add(activity_id: int) -> None:
    current = ids()
    if activity_id not in current and len(current) < LIMIT:
        session[KEY] = [*current, activity_id]


def remove(activity_id: int) -> None:
    session[KEY] = [i for i in ids() if i != activity_id]


def parse_shared(text: str | None) -> list[int]:
    """"12.45.78" from a share link: known-looking ids only, in order, at most LIMIT."""
    found = []
    for part in re.findall(r"\d{1,9}", text or ""):
        if int(part) not in found and 0 < int(part) <= MAX_ID:
            found.append(int(part))
    return found[:LIMIT]


def shared_value(activity_ids: list[int]) -> str:
    return ".".join(str(i) for i in activity_ids)


def activities(activity_ids: list[int]) -> list[Activity]:
    """The activities that still exist, in the list's order."""
    if not activity_ids:
        return []
    found = {a.id: a for a in db.session().scalars(select(Activity).where(Activity.id.in_(activity_ids)))}
    return [found[i] for i in activity_ids if i in found]

