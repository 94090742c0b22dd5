"""iCalendar files made on the server: one activity, or a subscribable feed of a filtered list."""
from __future__ import annotations

import calendar as calendar_module
import datetime as dt
import functools
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from flask import Response, current_app, url_for
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vRecur

from portal.catalogue import vocab
from portal.config import city_timezone, local_now
from portal.formatting import local, local_field
from portal.i18n import gettext as _

FEED_LIMIT = 1000


def _event(activity, uid: str, starts: dt.datetime, ends: dt.datetime, zone: ZoneInfo) -> Event:
    text = local_field(activity.texts, "name")
    event = Event()
    event.add("uid", uid)
    event.add("summary", text.text)
    summary = local_field(activity.texts, "summary")
    event.add("description", summary.text + "\n\n" + url_for("catalogue.activity_page", activity_id=activity.id,
                                                            _external=True))
    event.add("dtstart", starts.replace(tzinfo=zone))
    event.add("dtend", ends.replace(tzinfo=zone))
    event.add("dtstamp", dt.datetime.now(dt.UTC).replace(microsecond=0))
    event.add("url", url_for("catalogue.activity_page", activity_id=activity.id, _external=True))
    if activity.venue:
        venue = activity.venue
        event.add("location", ", ".join((local(venue.name).text, local(venue.street).text,
                                         f"{venue.postal_code} {local(current_app.config['SERVICE']['city']).text}")))
    return event


def events_for(activity, zone: ZoneInfo, today: dt.date) -> list[Event]:
    """A weekly slot is one repeating event with its cancelled dates excluded; a one-off date is one event."""
    host = "portal"
    cancelled = {c.day for c in activity.cancellations}
    events = []
    for slot in activity.weekly:
        first = today + dt.timedelta(days=(slot.weekday - today.weekday()) % 7)
        starts, ends = dt.datetime.combine(first, slot.starts), dt.datetime.combine(first, slot.ends)
        event = _event(activity, f"activity-{activity.id}-weekly-{slot.id}@{host}", starts, ends, zone)
        event.add("rrule", vRecur(freq="WEEKLY", byday=vocab.WEEKDAYS[slot.weekday][:2].upper()))
        for day in sorted(d for d in cancelled if d.weekday() == slot.weekday and d >= first):
            event.add("exdate", dt.datetime.combine(day, slot.starts).replace(tzinfo=zone))
        events.append(event)
    for date in activity.dates:
        if date.starts.date() >= today and date.starts.date() not in cancelled:
            uid = f"activity-{activity.id}-date-{date.id}@{host}"
            events.append(_event(activity, uid, date.starts, date.ends, zone))
    return events


def calendar(activities, today: dt.date) -> bytes:
    zone = city_timezone()
    cal = Calendar()
    cal.add("prodid", "-//Wellbeing portal//activities//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("Wellbeing activities, %(city)s", city=local(current_app.config["SERVICE"]["city"]).text))
    # Subscribed calendars fetch the feed again once a day.
    cal.add("refresh-interval", dt.timedelta(days=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "P1D")
    # Every local time in the file refers to this one zone (DTSTAMP is in UTC).
    cal.add_component(vtimezone(zone.key, today))
    for activity in activities:
        for event in events_for(activity, zone, today):
            cal.add_component(event)
    return cal.to_ical()


# --- the time zone, as rules a calendar app can follow for ever -------------------------------------

RULE_YEARS = 40  # a rule is written only when tzdata agrees with it this many years ahead


@dataclass(frozen=True)
class _Change:
    """One yearly change of offset: on the `ordinal` `weekday` of `month` (-1 = the last) at `wall`
    local time (as the clocks show it before the change)."""
    month: int
    weekday: int
    ordinal: int
    wall: dt.time
    before: dt.timedelta
    after: dt.timedelta

    def on(self, year: int) -> dt.datetime:
        if self.ordinal > 0:
            first = dt.date(year, self.month, 1)
            day = first + dt.timedelta(days=(self.weekday - first.weekday()) % 7 + 7 * (self.ordinal - 1))
        else:
            last = dt.date(year, self.month, calendar_module.monthrange(year, self.month)[1])
            day = last - dt.timedelta(days=(last.weekday() - self.weekday) % 7)
        return dt.datetime.combine(day, self.wall)


def _offset(moment: dt.datetime, zone: ZoneInfo) -> dt.timedelta:
    # An aware moment in a ZoneInfo always has an offset; the fallback only tells the type checker so.
    return moment.astimezone(zone).utcoffset() or dt.timedelta(0)


def _changes(zone: ZoneInfo, year: int) -> list[_Change]:
    """The offset changes tzdata has for one year, found by stepping a day at a time in UTC and then
    halving the step down to the second."""
    changes = []
    start = dt.datetime(year, 1, 1, tzinfo=dt.UTC) - dt.timedelta(days=1)
    for day in range(367):
        low, high = start + dt.timedelta(days=day), start + dt.timedelta(days=day + 1)
        before, after = _offset(low, zone), _offset(high, zone)
        if before == after:
            continue
        while high - low > dt.timedelta(seconds=1):
            middle = low + (high - low) / 2
            low, high = (middle, high) if _offset(middle, zone) == before else (low, middle)
        wall = (high + before).replace(tzinfo=None)
        if wall.year != year:
            continue
        last_day = calendar_module.monthrange(year, wall.month)[1]
        ordinal = -1 if wall.day + 7 > last_day else (wall.day - 1) // 7 + 1
        changes.append(_Change(wall.month, wall.weekday(), ordinal, wall.time(), before, after))
    return changes


@functools.lru_cache(maxsize=8)
def zone_rules(tzid: str, year: int) -> tuple[_Change, ...] | None:
    """The zone's yearly changes if the same rules hold from `year` for RULE_YEARS years, else None."""
    zone = ZoneInfo(tzid)
    rules = tuple(_changes(zone, year))
    for later in range(year + 1, year + RULE_YEARS):
        if tuple(_changes(zone, later)) != rules:
            return None
    return rules


def _offset_name(zone: ZoneInfo, moment: dt.datetime) -> str:
    return moment.replace(tzinfo=zone).tzname() or ""


def vtimezone(tzid: str, today: dt.date) -> Timezone:
    """A VTIMEZONE that states every offset with its yearly rule (RRULE), right for every moment
    from the start of the year before `today` on, so apps that build the zone from the file
    (Thunderbird and others) place each weekly session right on both sides of every change, in
    any year.

    icalendar's own `Timezone.from_tzid` lists each past change as an RDATE and stops in 2038;
    it is used only for a zone whose rules tzdata says will change (then rules would be wrong)."""
    # The rules start a year earlier still: south of the equator, January is summer time, which
    # only the previous year's change can say.
    first_year = today.year - 2
    rules = zone_rules(tzid, first_year)
    if rules is None:
        return Timezone.from_tzid(tzid, first_date=dt.date(first_year, 1, 1),
                                  last_date=dt.date(today.year + RULE_YEARS, 1, 1))
    zone = ZoneInfo(tzid)
    component = Timezone()
    component.add("tzid", tzid)
    if not rules:  # one offset all year
        offset = dt.datetime(first_year, 1, 1, tzinfo=zone).utcoffset()
        standard = TimezoneStandard()
        standard.add("dtstart", dt.datetime(first_year, 1, 1))
        standard.add("tzoffsetfrom", offset)
        standard.add("tzoffsetto", offset)
        standard.add("tzname", _offset_name(zone, dt.datetime(first_year, 1, 1)))
        component.add_component(standard)
        return component
    for change in rules:
        # The offset after the change that is the larger one is summer time.
        observance = TimezoneDaylight() if change.after > change.before else TimezoneStandard()
        onset = change.on(first_year)
        observance.add("dtstart", onset)
        observance.add("tzoffsetfrom", change.before)
        observance.add("tzoffsetto", change.after)
        observance.add("tzname", _offset_name(zone, onset + dt.timedelta(days=1)))
        observance.add("rrule", vRecur(freq="YEARLY", bymonth=change.month,
                                       byday=f"{change.ordinal}{vocab.WEEKDAYS[change.weekday][:2].upper()}"))
        component.add_component(observance)
    return component


def response(activities, filename: str) -> Response:
    body = calendar(activities, local_now().date())
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})
