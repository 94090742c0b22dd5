"""Duplicates: a new concern notice about a person an open notice is already about (the same name and
year of birth, the same phone or the same address), or a callback request from a phone that has one
open, is flagged on arrival and shown on both items. An adviser links them (both go on), merges them
(one stays open, the other is closed as a duplicate pointing to it) or dismisses the flag.

Matching runs inside the server on the decrypted values of the new item only. Each item keeps keyed
hashes (HMAC-SHA-256) of its normalised identifiers beside it (item_match_key), so finding the earlier
items is one indexed look-up of equal digests: nothing else is decrypted, and a copy of the table says
nothing about the people without the server's key (a plain hash of a phone number could be reversed by
hashing every number). The check, and every decision on a flag, is in the audit log."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from flask import current_app
from sqlalchemy import CursorResult, and_, delete, or_, select, update

from portal import crypto, db, handling
from portal.callback.models import CallbackRequest
from portal.concern.models import ConcernNotice
from portal.db import utcnow
from portal.staff import audit, queue
from portal.staff.casework_states import DUPLICATE_FLAG
from portal.staff.models import DuplicateFlag, MatchKey
from portal.states import Actor, Refused

REASONS = ("person", "phone", "address")


def _key() -> bytes:
    """The matching key, derived from SECRET_KEY for this one use (as the sign-in failures' address
    hash is keyed on it). A new SECRET_KEY makes earlier items unmatchable until they close."""
    return hmac.new(current_app.config["SECRET_KEY"].encode(), b"portal: duplicate matching", hashlib.sha256).digest()


def digest(what: str, value: str) -> str:
    return hmac.new(_key(), f"{what}\x1f{value}".encode(), hashlib.sha256).hexdigest()


def _plain(text: str) -> str:
    """Lower case, accents off (Mäkinen and Makinen are one name), only letters, digits and single spaces."""
    text = "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))
    return " ".join(re.findall(r"[^\W_]+", text))


def normal_name(name: str) -> str:
    """The words of a name in sorted order, so "Virtanen Aino" and "aino virtanen" are the same."""
    return " ".join(sorted(_plain(name).split()))


def birth_years(age_or_year: str, year_now: int) -> set[int]:
    """A year of birth as written, or both years an age in years can mean (before or after the birthday)."""
    numbers = [int(n) for n in re.findall(r"\d+", age_or_year)]
    if len(numbers) != 1:
        return set()
    number = numbers[0]
    if 1900 <= number <= year_now:
        return {number}
    if 40 <= number <= 120:
        return {year_now - number, year_now - number - 1}
    return set()


def normal_address(address: str) -> str:
    """The street address without postal code or the city's name, which people leave out or add."""
    cities = {_plain(name) for name in current_app.config["SERVICE"]["city"].values()}
    return " ".join(word for word in _plain(address).split() if not re.fullmatch(r"\d{5}", word) and word not in cities)


def identifiers(kind: str, record: Any) -> set[tuple[str, str]]:
    """(what, normalised value) for the new item, from its decrypted data."""
    if kind == "callback":
        return {("phone", record.phone)} if record.phone else set()
    personal = crypto.decrypt(record.personal) if record.personal else {}
    found: set[tuple[str, str]] = set()
    name = normal_name(personal.get("name") or "")
    year_now = (record.created_at or utcnow()).year
    for year in birth_years(str(personal.get("age") or ""), year_now) if name else ():
        found.add(("person", f"{name}|{year}"))
    if phone := personal.get("phone"):
        found.add(("phone", phone))
    address = normal_address(personal.get("address") or "")
    if re.search(r"\d", address):  # a street and number; a district alone is many people
        found.add(("address", address))
    return found


def _open(kind: str, item_id: int) -> bool:
    record = queue.item(kind, item_id)
    return record is not None and queue.TABLES[kind].state(record.status).open


def remember(kind: str, record: Any) -> set[tuple[str, str]]:
    """Store the item's match keys (what, digest), so that later arrivals can find it."""
    keys = {(what, digest(what, value)) for what, value in identifiers(kind, record)}
    session = db.session()
    for what, value in sorted(keys):
        session.add(MatchKey(item_type=kind, item_id=record.id, what=what, digest=value))
    return keys


def check(kind: str, record: Any) -> list[DuplicateFlag]:
    """Store the new item's match keys, and flag each open earlier item that shares one. A callback
    request is compared by phone only (with requests, and with the older person's phone of notices)."""
    session = db.session()
    keys = remember(kind, record)
    found: dict[tuple[str, int], set[str]] = defaultdict(set)
    if keys:
        rows = session.execute(select(MatchKey.item_type, MatchKey.item_id, MatchKey.what)
                               .where(MatchKey.digest.in_([value for _what, value in keys]),
                                      or_(MatchKey.item_type != kind, MatchKey.item_id != record.id))).all()
        for other_type, other_id, what in rows:
            if what == "phone" or kind == other_type:  # across kinds, only the phone says it is one person
                found[(other_type, other_id)].add(what)
    flags = []
    for (other_type, other_id), reasons in sorted(found.items()):
        if not _open(other_type, other_id):
            continue
        flag = DuplicateFlag(item_type=kind, item_id=record.id, other_type=other_type, other_id=other_id,
                             reasons=[r for r in REASONS if r in reasons], status=DUPLICATE_FLAG.first)
        session.add(flag)
        flags.append(flag)
        audit.add(session, None, "duplicate_flagged", other_type, other_id, kind)
    # The server compared decrypted identifiers: on record, with how many open items matched.
    audit.add(session, None, "duplicate_check", kind, record.id, str(len(flags)))
    session.flush()
    return flags


def register() -> None:
    if check_on_arrival not in handling.ARRIVAL_HOOKS:
        handling.ARRIVAL_HOOKS.append(check_on_arrival)


def check_on_arrival(kind: str, record: Any) -> None:
    check(kind, record)


def forget(kinds_ids: Iterable[tuple[str, int]]) -> None:
    """Delete the match keys of items whose personal data goes (retention)."""
    session = db.session()
    for kind, item_id in kinds_ids:
        session.execute(delete(MatchKey).where(MatchKey.item_type == kind, MatchKey.item_id == item_id))


# --- what the item page shows ----------------------------------------------------------------------------

@dataclass
class Flag:
    row: DuplicateFlag
    other_kind: str  # the item on the other side, seen from the page's item
    other: CallbackRequest | ConcernNotice | None
    this_is_newer: bool

    @property
    def open(self) -> bool:
        return DUPLICATE_FLAG.state(self.row.status).open

    @property
    def state_label(self):
        return DUPLICATE_FLAG.state(self.row.status).label

    @property
    def kept_here(self) -> bool | None:
        """After a merge: True if this page's item is the one that stayed open."""
        if self.row.kept is None:
            return None
        return (self.row.kept == "item") == self.this_is_newer


def flags_of(kind: str, item_id: int) -> list[Flag]:
    rows = db.session().scalars(select(DuplicateFlag).where(or_(
        and_(DuplicateFlag.item_type == kind, DuplicateFlag.item_id == item_id),
        and_(DuplicateFlag.other_type == kind, DuplicateFlag.other_id == item_id))).order_by(DuplicateFlag.id)).all()
    shown = []
    for row in rows:
        newer = (row.item_type, row.item_id) == (kind, item_id)
        other_kind, other_id = (row.other_type, row.other_id) if newer else (row.item_type, row.item_id)
        shown.append(Flag(row, other_kind, queue.item(other_kind, other_id), newer))
    return shown


def flag(flag_id: int) -> DuplicateFlag | None:
    return db.session().get(DuplicateFlag, flag_id)


# --- deciding ---------------------------------------------------------------------------------------------

def _decide(row: DuplicateFlag, staff: Actor, action: str, kept: str | None = None) -> None:
    """The flag's move through its table, as one conditional UPDATE (the first decision wins)."""
    move = DUPLICATE_FLAG.permitted(action, row.status, staff)
    session = db.session()
    result = session.execute(update(DuplicateFlag).where(DuplicateFlag.id == row.id, DuplicateFlag.status == row.status)
                             .values(status=move.target, decided_by_id=staff.id, decided_at=utcnow(), kept=kept))
    if cast(CursorResult, result).rowcount != 1:
        raise Refused("changed")
    for kind, item_id in ((row.item_type, row.item_id), (row.other_type, row.other_id)):
        audit.add(session, staff.id, move.audit_action, kind, item_id, str(row.id))


def link(flag_id: int, staff: Actor) -> None:
    row = flag(flag_id) or _unknown()
    _decide(row, staff, "link")


def dismiss(flag_id: int, staff: Actor) -> None:
    row = flag(flag_id) or _unknown()
    _decide(row, staff, "dismiss")


def merge(flag_id: int, staff: Actor, keep: str) -> None:
    """Keep one item open (`keep`: "item", the newer, or "other") and close the other as its duplicate.

    All or nothing, in a savepoint: the flag's move, a check that the kept item is still open (an
    UPDATE that changes nothing but takes its row) and the closing move of the other (its table's
    "merge", so only an adviser who holds it, or anyone while nobody does, may close it). The two items
    are touched in a fixed order, so two advisers merging the same pair opposite ways at once wait for
    each other instead of deadlocking, and the second finds one of them closed and is refused."""
    row = flag(flag_id) or _unknown()
    if keep not in ("item", "other"):
        raise Refused("outcome")
    kept = (row.item_type, row.item_id) if keep == "item" else (row.other_type, row.other_id)
    closed = (row.other_type, row.other_id) if keep == "item" else (row.item_type, row.item_id)
    session = db.session()
    with session.begin_nested():
        _decide(row, staff, "merge", kept=keep)
        for kind, item_id in sorted((kept, closed)):
            if (kind, item_id) == kept:
                _hold_open(kind, item_id)
            else:
                queue.take(kind, item_id, staff, "merge", form="merge")


def _hold_open(kind: str, item_id: int) -> None:
    model, table = queue.MODELS[kind], queue.TABLES[kind]
    result = db.session().execute(update(model).where(model.id == item_id, model.status.in_(table.open_states))
                                  .values(status_changed_at=model.status_changed_at))
    if cast(CursorResult, result).rowcount != 1:
        raise Refused("changed")


def _unknown():
    raise Refused("unknown")


def duplicate_of(kind: str, item_id: int) -> tuple[str, CallbackRequest | ConcernNotice] | None:
    """For an item closed as a duplicate: the item it was merged into."""
    for shown in flags_of(kind, item_id):
        if shown.row.status == "merged" and shown.kept_here is False and shown.other is not None:
            return shown.other_kind, shown.other
    return None


def open_flags_count(since: dt.datetime | None = None) -> int:
    query = select(DuplicateFlag).where(DuplicateFlag.status.in_(DUPLICATE_FLAG.open_states))
    if since is not None:
        query = query.where(DuplicateFlag.created_at >= since)
    return len(db.session().scalars(query).all())
