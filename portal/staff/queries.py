"""What the staff pages read and the few changes they make themselves, so that the staff views, like the
resident ones, never touch a model or the session directly. The bigger jobs have their own data
modules (accounts, listings, queue, stats); these functions never commit: the request does."""
from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from sqlalchemy import CursorResult, select, update

from portal import crypto, db
from portal.catalogue.indexing import bump_version
from portal.catalogue.models import Activity, Venue
from portal.db import utcnow
from portal.feedback.models import ListingReport
from portal.staff import audit, listings
from portal.staff.models import AuditEntry, ListingChange, StaffUser
from portal.staff.passwords import hash_password

AUDIT_ROWS = 300


def staff_users() -> Sequence[StaffUser]:
    return db.session().scalars(select(StaffUser).order_by(StaffUser.name)).all()


def staff_user(user_id: int) -> StaffUser | None:
    return db.session().get(StaffUser, user_id)


def staff_names() -> dict[int, str]:
    return {user.id: user.name for user in db.session().scalars(select(StaffUser))}


def audit_entries(security_only: bool = False, record_type: str | None = None,
                  record_id: int | None = None) -> Sequence[AuditEntry]:
    """The newest entries; security_only: sign-ins, failures, refusals and every change to an account."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(AUDIT_ROWS)
    if security_only:
        query = query.where(AuditEntry.record_type == "staff_user")
    if record_type is not None:
        query = query.where(AuditEntry.record_type == record_type)
    if record_id is not None:
        query = query.where(AuditEntry.record_id == record_id)
    return db.session().scalars(query).all()


def listings_for(staff: StaffUser) -> Sequence[Activity]:
    """The listings this member may keep: all of them for an editor, an organiser's own otherwise."""
    return db.session().scalars(listings.visible_to(staff)).all()


def activity(activity_id: int) -> Activity | None:
    return db.session().get(Activity, activity_id)


def listing_change(change_id: int) -> ListingChange | None:
    return db.session().get(ListingChange, change_id)


def venues() -> Sequence[Venue]:
    return db.session().scalars(select(Venue).order_by(Venue.key)).all()


def venue(venue_id: int) -> Venue | None:
    return db.session().get(Venue, venue_id)


def save_totp_secret(user: StaffUser, secret: str) -> None:
    """Enrolment confirmed with a code: the authenticator app's key, encrypted."""
    user.totp_secret = crypto.encrypt(secret)


def change_password(user: StaffUser, new_password: str) -> None:
    user.password_hash = hash_password(new_password)
    audit.add(db.session(), user.id, "password_changed", "staff_user", user.id)


def resolve_report(report_id: int, staff: StaffUser) -> bool:
    """An editor checked a resident's report: False when it was not open (already resolved, or none)."""
    session = db.session()
    resolved = update(ListingReport).where(ListingReport.id == report_id, ListingReport.status == "open")
    changed = cast(CursorResult, session.execute(
        resolved.values(status="resolved", resolved_at=utcnow(), resolved_by_id=staff.id))).rowcount
    if changed:
        audit.add(session, staff.id, "resolve", "listing_report", report_id)
        bump_version(session)  # the listing no longer says it is being checked, cached copies included
    return bool(changed)
