"""Data functions the open-data endpoints call: whole records in a stable order (by id), so that a page
number means the same records from one request to the next."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from portal import db
from portal.catalogue import queries as catalogue_queries
from portal.catalogue.models import Activity, Organiser, Venue


def _chosen(query, since: dt.datetime | None, at_a_venue: bool):
    if since is not None:
        query = query.where(Activity.updated_at > since)
    return query.where(Activity.venue_id.is_not(None)) if at_a_venue else query


def count_activities(since: dt.datetime | None = None, at_a_venue: bool = False) -> int:
    return db.session().scalar(_chosen(select(func.count(Activity.id)), since, at_a_venue)) or 0


def activities(offset: int = 0, limit: int | None = None, since: dt.datetime | None = None,
               at_a_venue: bool = False) -> list[Activity]:
    query = _chosen(select(Activity), since, at_a_venue).order_by(Activity.id).offset(offset)
    return list(db.session().scalars(query if limit is None else query.limit(limit)).unique())


def activities_by_ids(ids: list[int]) -> list[Activity]:
    if not ids:
        return []
    return list(db.session().scalars(select(Activity).where(Activity.id.in_(ids)).order_by(Activity.id)).unique())


def activity_ids() -> list[int]:
    return list(db.session().scalars(select(Activity.id).order_by(Activity.id)))


def activity(activity_id: int) -> Activity | None:
    return db.session().get(Activity, activity_id)


def count_organisers() -> int:
    return db.session().scalar(select(func.count(Organiser.id))) or 0


def organisers(offset: int = 0, limit: int | None = None) -> list[Organiser]:
    return list(db.session().scalars(select(Organiser).order_by(Organiser.id).offset(offset).limit(limit)))


def count_venues() -> int:
    return db.session().scalar(select(func.count(Venue.id))) or 0


def venues(offset: int = 0, limit: int | None = None) -> list[Venue]:
    return list(db.session().scalars(select(Venue).order_by(Venue.id).offset(offset).limit(limit)))


def venue(venue_id: int) -> Venue | None:
    return db.session().get(Venue, venue_id)


def last_modified() -> dt.datetime | None:
    """When any activity last changed or was removed (UTC): the open data's Last-Modified."""
    from portal.imports.models import DeletedActivity

    session = db.session()
    moments = [session.scalar(select(func.max(Activity.updated_at))),
               session.scalar(select(func.max(DeletedActivity.deleted_at)))]
    return max((m for m in moments if m is not None), default=None)


def catalogue_version() -> int:
    """Raised by every write to the catalogue: the open data's ETag is made of it."""
    return catalogue_queries.catalogue_version()


def deleted_activities(since: dt.datetime | None = None) -> list[tuple[int, dt.datetime]]:
    """(activity id, deleted at) of removed activities, for show_deleted; after `since` when given."""
    from portal.imports import deletions

    return [(d.activity_id, d.deleted_at) for d in deletions.since(db.session(), since)]
