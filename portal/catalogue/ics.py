"""iCalendar files made on the server: one activity, or a subscribable feed of a filtered list."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import Response, current_app, url_for
from flask_babel import gettext as _
from icalendar import Calendar, Event, vRecur

from portal.catalogue import vocab
from portal.formatting import local

FEED_LIMIT = 1000


def _event(activity, uid: str, starts: dt.datetime, ends: dt.datetime, zone: ZoneInfo) -> Event:
    text = local({lang: t.name for lang, t in activity.texts.items()})
    event = Event()
    event.add("uid", uid)
    event.add("summary", text.text)
    summary = local({lang: t.summary for lang, t in activity.texts.items()})
    event.add("description", summary.text + "\n\n" + url_for("catalogue.activity_page", activity_id=activity.id,
                                                            _external=True))
    event.add("dtstart", starts.replace(tzinfo=zone))
    event.add("dtend", ends.replace(tzinfo=zone))
    event.add("dtstamp", dt.datetime.now(dt.timezone.utc).replace(microsecond=0))
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
            events.append(_event(activity, f"activity-{activity.id}-date-{date.id}@{host}", date.starts, date.ends, zone))
    return events


def calendar(activities, today: dt.date) -> bytes:
    zone = ZoneInfo(current_app.config["PORTAL_TIMEZONE"])
    cal = Calendar()
    cal.add("prodid", "-//Wellbeing portal//activities//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("Wellbeing activities, %(city)s", city=local(current_app.config["SERVICE"]["city"]).text))
    # Subscribed calendars fetch the feed again once a day.
    cal.add("refresh-interval", dt.timedelta(days=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "P1D")
    for activity in activities:
        for event in events_for(activity, zone, today):
            cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def response(activities, filename: str) -> Response:
    from portal.catalogue.schedule import local_now

    body = calendar(activities, local_now(current_app.config["PORTAL_TIMEZONE"]).date())
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})
