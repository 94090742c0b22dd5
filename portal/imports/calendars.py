"""Partners' iCalendar feeds: each event (by UID) over a bounded window becomes a listing. The first
time it is a proposal waiting for an editor, as an organiser's is (portal/staff/listings.py); once
approved, later runs keep its name, description and dates up to date and leave the rest to editors.

Recurrences are expanded by recurring-ical-events, which honours RRULE, RDATE, EXDATE, moved
occurrences (RECURRENCE-ID), STATUS:CANCELLED occurrences, X-WR-TIMEZONE and summer time; every
time is then written in the city's time zone.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import urllib.request
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
import x_wr_timezone
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.catalogue import schedule
from portal.catalogue.indexing import reindex
from portal.catalogue.models import Activity
from portal.db import utcnow
from portal.imports.linked_events import _plain, _schedule
from portal.imports.models import CalendarFeed, SourceLink
from portal.imports.runs import ImportReport
from portal.sanitise import rich_text
from portal.staff.models import ListingChange

WINDOW = dt.timedelta(days=120)  # how far ahead a feed is read
MAX_FEED_BYTES = 5_000_000
MAX_NAME, MAX_DESCRIPTION = 200, 5_000


def source_of(feed: CalendarFeed) -> str:
    return f"ical:{feed.id}"


def fetch(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "wellbeing-portal"})  # noqa: S310 - https or webcal
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
        return answer.read(MAX_FEED_BYTES)


def _local(value, zone: ZoneInfo) -> dt.datetime | None:
    """A DTSTART/DTEND as the city's local time; None for an all-day date (no time to list)."""
    if not isinstance(value, dt.datetime):
        return None
    if value.tzinfo is None:  # floating time: as the calendar's people read it, taken as ours
        return value.replace(second=0, microsecond=0)
    return value.astimezone(zone).replace(tzinfo=None, second=0, microsecond=0)


def read_calendar(text: bytes | str, first: dt.datetime, last: dt.datetime, zone: ZoneInfo,
                  report: ImportReport) -> dict[str, dict]:
    """{UID: {"name", "description", "dates": [{"id", "starts", "ends", "cancelled"}]}} over the window."""
    calendar = x_wr_timezone.to_standard(icalendar.Calendar.from_ical(text))
    events: dict[str, dict] = {}
    for occurrence in recurring_ical_events.of(calendar).between(first, last):
        if occurrence.name != "VEVENT":
            continue
        uid = str(occurrence.get("UID") or "")
        name = " ".join(str(occurrence.get("SUMMARY") or "").split())
        if not uid or len(uid) > 200:
            report.refuse(uid[:60] or "?", "bad_id")
            continue
        if not name or len(name) > MAX_NAME:
            report.refuse(uid, "too_long" if name else "bad_field", "SUMMARY")
            continue
        starts = _local(occurrence.get("DTSTART").dt if occurrence.get("DTSTART") else None, zone)
        ends = _local(occurrence.get("DTEND").dt if occurrence.get("DTEND") else None, zone) or starts
        if starts is None:
            report.note(uid, "no_start", "all-day")
            continue
        record = events.setdefault(uid, {"name": name, "description": "", "dates": []})
        description = str(occurrence.get("DESCRIPTION") or "")[:MAX_DESCRIPTION]
        if description and not record["description"]:
            record["description"] = str(rich_text(description))
        record["dates"].append({"id": starts.isoformat(), "starts": starts.isoformat(),
                                "ends": max(ends or starts, starts).isoformat(),
                                "cancelled": str(occurrence.get("STATUS") or "").upper() == "CANCELLED"})
    return events


def import_calendar(feed: CalendarFeed, text: bytes | str, session: Session, now: dt.datetime | None = None,
                    first: dt.datetime | None = None, last: dt.datetime | None = None,
                    zone: ZoneInfo | None = None) -> ImportReport:
    """One feed's events into proposals (first time) or their approved listings. Never commits."""
    from portal.config import city_timezone

    zone = zone or city_timezone()
    now = now or schedule.local_now()
    first = first or now.replace(tzinfo=zone)
    last = last or first + WINDOW
    report = ImportReport(source_of(feed))
    try:
        events = read_calendar(text, first, last, zone, report)
    except Exception as error:  # not a calendar at all: the whole feed is refused, nothing written
        report.failed = f"bad_calendar: {type(error).__name__}"
        return report
    for uid, record in events.items():
        savepoint = session.begin_nested()
        try:
            outcome = _one(session, feed, uid, record, now)
        except Exception as error:
            savepoint.rollback()
            report.refuse(uid, "failed", type(error).__name__)
            continue
        savepoint.commit()
        if outcome:
            setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def _key(feed: CalendarFeed, uid: str) -> str:
    return f"ical-{feed.id}-{hashlib.sha256(uid.encode()).hexdigest()[:32]}"


def _one(session: Session, feed: CalendarFeed, uid: str, record: dict, now: dt.datetime) -> str | None:
    source = source_of(feed)
    link = session.scalar(select(SourceLink).where(SourceLink.source == source, SourceLink.kind == "activity",
                                                   SourceLink.source_id == uid))
    fingerprint = hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()
    if link is not None and link.record_id is None:  # a proposal: approved since?
        activity = session.scalar(select(Activity).where(Activity.key == _key(feed, uid)))
        if activity is None:
            change = session.get(ListingChange, link.state.get("change"))
            if change is not None and change.status == "pending" and link.fingerprint != fingerprint:
                change.data = _proposal(feed, uid, record)  # still waiting: the editor sees the newest
                link.fingerprint = fingerprint
                return "changed"
            return "unchanged"  # waiting, or rejected by an editor: not proposed again
        link.record_id, link.fingerprint = activity.id, ""
    if link is None:
        change = ListingChange(activity_id=None, proposed_by_id=feed.added_by_id, data=_proposal(feed, uid, record))
        session.add(change)
        session.flush()
        session.add(SourceLink(source=source, kind="activity", source_id=uid, record_id=None,
                               fingerprint=fingerprint, state={"change": change.id}))
        return "new"
    activity = session.get(Activity, link.record_id)
    if activity is None:  # an editor removed it: not brought back
        return "unchanged"
    if link.fingerprint == fingerprint:
        return "unchanged"
    text = activity.texts["fi"]
    text.name, text.description = record["name"], record["description"]
    _schedule(activity, record["dates"], now)
    activity.updated_at = utcnow()
    link.fingerprint, link.imported_at = fingerprint, utcnow()
    session.flush()
    reindex(session, [activity], now)
    return "changed"


def _proposal(feed: CalendarFeed, uid: str, record: dict) -> dict:
    """The listing as the edit form would submit it (what listings.decide() writes when approved)."""
    dates = [(dt.datetime.fromisoformat(d["starts"]), dt.datetime.fromisoformat(d["ends"]), d["cancelled"])
             for d in record["dates"]]
    summary = _plain(record["description"])[:300] or record["name"]
    return {
        "key": _key(feed, uid),
        "text_fi": {"name": record["name"], "summary": summary, "description": record["description"],
                    "for_whom": "", "how_to_join": ""},
        "venue_id": feed.venue_id or 0, "organiser_id": feed.organiser_id, "categories": [], "audiences": [],
        "languages": ["fi"], "price_euros": "0", "join_mode": "drop_in", "join_phone": None, "weekly": "",
        # A date that runs past midnight is listed as ending at 23:59 (the form's dates are one day each).
        "dates": "\n".join(f"{s:%Y-%m-%d %H:%M}-{(e if e.date() == s.date() else s.replace(hour=23, minute=59)):%H:%M}"
                           for s, e, _ in dates),
        "cancelled": "\n".join(sorted({s.date().isoformat() for s, _, c in dates if c})),
    }


_URL = re.compile(r"^(https|webcal)://[^\s]{4,490}$")


def valid_url(url: str) -> bool:
    return bool(_URL.match(url))
