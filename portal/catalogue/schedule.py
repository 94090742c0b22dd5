"""When activities happen: occurrences from weekly slots and one-off dates, less cancellations.

Times are local to the city (naive datetimes in the configured time zone), as people read them.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from portal.catalogue import vocab

# The city's time now, in the configured zone (PORTAL_TIMEZONE): the catalogue's "now" everywhere.
from portal.config import local_now as local_now

HORIZON = dt.timedelta(days=366)


@dataclass(frozen=True, order=True)
class Occurrence:
    starts: dt.datetime
    ends: dt.datetime
    cancelled: bool = False


def occurrences(activity, first: dt.date, last: dt.date) -> list[Occurrence]:
    """Every occurrence that starts on a day from `first` to `last`, cancelled ones marked."""
    cancelled = {c.day for c in activity.cancellations}
    found = list(_weekly(activity, first, last))
    found += [Occurrence(d.starts, d.ends) for d in activity.dates if first <= d.starts.date() <= last]
    return sorted(Occurrence(o.starts, o.ends, o.starts.date() in cancelled) for o in found)


def _weekly(activity, first: dt.date, last: dt.date) -> Iterator[Occurrence]:
    for slot in activity.weekly:
        day = first + dt.timedelta(days=(slot.weekday - first.weekday()) % 7)
        while day <= last:
            yield Occurrence(dt.datetime.combine(day, slot.starts), dt.datetime.combine(day, slot.ends))
            day += dt.timedelta(days=7)


def upcoming(activity, now: dt.datetime, count: int = 5) -> list[Occurrence]:
    """The next `count` occurrences that have not yet ended, cancelled ones included and marked."""
    found = [o for o in occurrences(activity, now.date(), (now + HORIZON).date()) if o.ends > now]
    return found[:count]


def next_occurrence(activity, now: dt.datetime) -> Occurrence | None:
    """The first occurrence that has not ended and is not cancelled, within a year. Steps each weekly
    slot forward from today instead of listing the year: this runs for every card on every page."""
    cancelled = {c.day for c in activity.cancellations}
    best = None
    for slot in activity.weekly:
        day = now.date() + dt.timedelta(days=(slot.weekday - now.weekday()) % 7)
        while day <= (now + HORIZON).date():
            candidate = Occurrence(dt.datetime.combine(day, slot.starts), dt.datetime.combine(day, slot.ends))
            if candidate.ends > now and day not in cancelled:
                best = candidate if best is None or candidate < best else best
                break
            day += dt.timedelta(days=7)
    for date in activity.dates:
        if now < date.ends and date.starts <= now + HORIZON and date.starts.date() not in cancelled:
            candidate = Occurrence(date.starts, date.ends)
            best = candidate if best is None or candidate < best else best
    return best


def part_of_day(time: dt.time) -> str:
    if time.hour < vocab.AFTERNOON_STARTS:
        return "morning"
    return "afternoon" if time.hour < vocab.EVENING_STARTS else "evening"


def when_codes(activity, now: dt.datetime) -> set[str]:
    """Weekday and part of day ("tue:morning") of the weekly slots and the coming one-off dates."""
    codes = {f"{vocab.WEEKDAYS[s.weekday]}:{part_of_day(s.starts)}" for s in activity.weekly}
    cancelled = {c.day for c in activity.cancellations}
    for date in activity.dates:
        if date.ends > now and date.starts.date() not in cancelled:
            codes.add(f"{vocab.WEEKDAYS[date.starts.weekday()]}:{part_of_day(date.starts.time())}")
    return codes
