"""What the staff imports page reads and writes (views never touch the database themselves)."""
from __future__ import annotations

from sqlalchemy import select

from portal import db
from portal.catalogue.models import Organiser, Venue
from portal.formatting import local
from portal.imports import runs
from portal.imports.models import CalendarFeed, ImportRun, SourceLink
from portal.staff import audit
from portal.staff.models import StaffUser


def recent_runs(limit: int = 30) -> list[ImportRun]:
    return runs.recent(db.session(), limit)


def feeds() -> list[CalendarFeed]:
    return list(db.session().scalars(select(CalendarFeed).order_by(CalendarFeed.id)))


def feed_choices() -> tuple[list, list]:
    """(organisers, venues) for the add-a-feed form."""
    session = db.session()
    organisers = [(o.id, local(o.name).text) for o in session.scalars(select(Organiser).order_by(Organiser.key))]
    venues = [(v.id, f"{local(v.name).text}, {local(v.street).text}")
              for v in session.scalars(select(Venue).order_by(Venue.key))]
    return organisers, venues


def add_feed(organiser_id: int, venue_id: int | None, url: str, by: StaffUser) -> CalendarFeed:
    session = db.session()
    feed = CalendarFeed(organiser_id=organiser_id, venue_id=venue_id or None, url=url, added_by_id=by.id)
    session.add(feed)
    session.flush()
    audit.add(session, by.id, "add", "calendar_feed", feed.id)
    return feed


def origin(activity_id: int) -> SourceLink | None:
    """Where an imported activity came from (None: typed in by an editor)."""
    query = select(SourceLink).where(SourceLink.kind == "activity", SourceLink.record_id == activity_id)
    return db.session().scalar(query.order_by(SourceLink.id).limit(1))
