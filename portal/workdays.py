"""Working days in the city: weekdays that are not public holidays. Handling times are promised in these."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays


@lru_cache(maxsize=8)
def _public_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.Finland(years=year))


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _public_holidays(day.year)


def add_working_days(start: dt.date, count: int) -> dt.date:
    """The working day `count` working days after `start` (0: start itself if it is one, else the next)."""
    day = start
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    for _ in range(count):
        day += dt.timedelta(days=1)
        while not is_working_day(day):
            day += dt.timedelta(days=1)
    return day


def working_days_between(start: dt.datetime, end: dt.datetime) -> int:
    """Whole working days from start to end: 0 when both fall on the same working day."""
    count, day = 0, start.date()
    while day < end.date():
        day += dt.timedelta(days=1)
        count += is_working_day(day)
    return count
