"""Storing reports about listings and finding the open ones (an editor resolves them: portal/staff/queries.py)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal import db
from portal.catalogue.indexing import bump_version
from portal.feedback.models import ListingReport


def create(activity_id: int, kind: str, text: str, ui_language: str, submission: str) -> ListingReport:
    """Store the report once, however often the same form (its verified one-time token) arrives."""
    if existing := db.session().scalar(select(ListingReport).where(ListingReport.submission == submission)):
        return existing
    report = ListingReport(activity_id=activity_id, kind=kind, text=text or None, ui_language=ui_language,
                           submission=submission)
    session = db.session()
    session.add(report)
    try:
        session.flush()  # now, so that the same form sent twice at once is found here; the view commits
    except IntegrityError:
        # Sent twice at once: the other send stored it. Nothing else of this request is written yet.
        session.rollback()
        if existing := db.session().scalar(select(ListingReport).where(ListingReport.submission == submission)):
            return existing
        raise
    # The listing now says it is being checked: pages cached for the old version must not be served.
    bump_version(session)
    return report


def open_reports(activity_id: int | None = None) -> list[ListingReport]:
    query = select(ListingReport).where(ListingReport.status == "open").order_by(ListingReport.created_at)
    if activity_id is not None:
        query = query.where(ListingReport.activity_id == activity_id)
    return list(db.session().scalars(query))

