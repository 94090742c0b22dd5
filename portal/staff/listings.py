"""Keeping listings correct: reading an activity into the edit form, applying an edit, organisers'
proposals waiting for an editor, and which listings are stale."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from portal import db
from portal.catalogue import schedule, vocab
from portal.catalogue.indexing import reindex
from portal.catalogue.models import Activity, ActivityText, Cancellation, OneOffDate, Organiser, Venue, WeeklySlot
from portal.db import utcnow
from portal.staff import audit
from portal.staff.listing_form import read_dates, read_days, read_weekly
from portal.staff.listing_states import LISTING_CHANGE
from portal.staff.models import ListingChange, StaffUser

STALE_AFTER = dt.timedelta(days=183)


def is_stale(activity: Activity, today: dt.date) -> bool:
    return today - activity.last_checked_on >= STALE_AFTER


def visible_to(staff: StaffUser):
    query = select(Activity).order_by(Activity.last_checked_on, Activity.id)
    if not staff.has("editor"):
        query = query.where(Activity.organiser_id == staff.organiser_id)
    return query


def may_edit(staff: StaffUser, activity: Activity | None) -> bool:
    return staff.has("editor") or (activity is None or activity.organiser_id == staff.organiser_id)


def form_data(activity: Activity) -> dict:
    data: dict[str, Any] = {f"text_{lang}": {f: getattr(t, f) for f in vocab.TEXT_FIELDS}
                            for lang, t in activity.texts.items()}
    data.update(
        venue_id=activity.venue_id or 0, organiser_id=activity.organiser_id, categories=sorted(activity.categories),
        audiences=sorted(activity.audiences), languages=sorted(activity.languages),
        price_euros=Decimal(activity.price_cents) / 100, join_mode=activity.join_mode, join_phone=activity.join_phone,
        weekly="\n".join(f"{vocab.WEEKDAYS[s.weekday]} {s.starts:%H:%M}-{s.ends:%H:%M}" for s in activity.weekly),
        dates="\n".join(f"{d.starts:%Y-%m-%d %H:%M}-{d.ends:%H:%M}" for d in activity.dates),
        cancelled="\n".join(sorted(c.day.isoformat() for c in activity.cancellations)),
    )
    data.update({f"access_{code}": state for code, state in activity.access.items()})
    return data


def serialise(form) -> dict:
    """The submitted form as JSON-safe data, for a proposal waiting for review."""
    data = {k: v for k, v in form.data.items() if k not in ("csrf_token", "checked")}
    data["price_euros"] = str(data["price_euros"] or 0)
    return data


def apply(activity: Activity | None, data: dict, checked: bool, by: StaffUser) -> Activity:
    """Write the form's data into the activity (a new one when None), reindex and audit, in one transaction."""
    session = db.session()
    return _write(session, activity, data, checked, by)


def _write(session, activity: Activity | None, data: dict, checked: bool, by: StaffUser) -> Activity:
    """The edit itself, inside the caller's transaction: apply() for editors, decide() for approvals."""
    today = schedule.local_now().date()
    if activity is None:
        # A calendar import names its proposal's activity ("key"), to find it again once approved.
        activity = Activity(key=data.get("key") or f"staff-{utcnow():%Y%m%d%H%M%S%f}", last_checked_on=today)
    with session.no_autoflush:
        _fill(activity, data, session)
    session.add(activity)
    if checked:
        activity.last_checked_on = today
    activity.updated_at = utcnow()
    session.flush()
    reindex(session, [activity], schedule.local_now())
    audit.add(session, by.id, "edit", "activity", activity.id)
    return activity


def _fill(activity: Activity, data: dict, session) -> None:
    activity.venue = session.get(Venue, data["venue_id"]) if data["venue_id"] else None
    activity.organiser = session.get(Organiser, data["organiser_id"])
    activity.categories, activity.audiences = frozenset(data["categories"]), frozenset(data["audiences"] or [])
    activity.languages = frozenset(data["languages"] or ["fi"])
    activity.price_cents = round(Decimal(str(data["price_euros"] or 0)) * 100)
    activity.join_mode, activity.join_phone = data["join_mode"], data.get("join_phone") or None
    activity.online = activity.venue is None
    activity.access = {f.code: data[f"access_{f.code}"] for f in vocab.FACTS
                       if f.about == "activity" and data.get(f"access_{f.code}") in ("yes", "no")}
    for lang in vocab.UI_LANGUAGES:
        texts = data.get(f"text_{lang}") or {}
        if texts.get("name") and texts.get("summary"):
            activity.texts[lang] = activity.texts.get(lang) or ActivityText(lang=lang)
            for field in vocab.TEXT_FIELDS:
                setattr(activity.texts[lang], field, texts.get(field) or "")
        elif lang != "fi":
            activity.texts.pop(lang, None)
    activity.weekly = [WeeklySlot(weekday=d, starts=s, ends=e) for d, s, e in read_weekly(data["weekly"])]
    activity.dates = [OneOffDate(starts=s, ends=e) for s, e in read_dates(data["dates"])]
    _set_cancelled(activity, set(read_days(data["cancelled"])))


def _set_cancelled(activity: Activity, days: set[dt.date]) -> None:
    """Keep the rows of days that stay cancelled and add only new days. Replacing the list with new
    rows would flush the INSERTs before the DELETEs of the old ones and break the unique (activity, day)."""
    activity.cancellations = [c for c in activity.cancellations if c.day in days]
    kept = {c.day for c in activity.cancellations}
    activity.cancellations.extend(Cancellation(day=d) for d in sorted(days - kept))


def propose(activity: Activity | None, data: dict, by: StaffUser) -> ListingChange:
    session = db.session()
    change = ListingChange(activity_id=activity.id if activity else None, proposed_by_id=by.id, data=data)
    session.add(change)
    session.flush()
    audit.add(session, by.id, "propose", "activity", change.activity_id, f"change {change.id}")
    return change


def pending(activity_id: int | None = None) -> list[ListingChange]:
    query = select(ListingChange).where(ListingChange.status.in_(LISTING_CHANGE.open_states)).order_by(ListingChange.at)
    if activity_id is not None:
        query = query.where(ListingChange.activity_id == activity_id)
    return list(db.session().scalars(query))


def decide(change: ListingChange, approve: bool, editor: StaffUser) -> None:
    """Approve (write the listing) or reject, and mark the change, in one transaction: a failure
    half-way leaves both the listing and the change as they were. The change's state table decides
    whether this editor may do it now; raises states.Refused if not."""
    move = LISTING_CHANGE.permitted("approve" if approve else "reject", change.status, editor)
    session = db.session()
    if approve:
        activity = session.get(Activity, change.activity_id) if change.activity_id else None
        _write(session, activity, change.data, checked=True, by=editor)
    change.status = move.target
    audit.add(session, editor.id, move.audit_action, "listing_change", change.id)


def choices() -> tuple[list, list]:
    from flask_babel import gettext as _

    from portal.formatting import local

    venues = [(0, _("From home, by phone or online"))] + [
        (v.id, f"{local(v.name).text}, {local(v.street).text}")
        for v in db.session().scalars(select(Venue).order_by(Venue.key))]
    organisers = [(o.id, local(o.name).text) for o in db.session().scalars(select(Organiser).order_by(Organiser.key))]
    return venues, organisers


VENUE_TEXTS = ("name", "street", "neighbourhood", "transit")


def venue_form_data(venue: Venue) -> dict:
    data = {f"{key}_{lang}": getattr(venue, key).get(lang, "") for key in VENUE_TEXTS for lang in vocab.UI_LANGUAGES}
    data.update(postal_code=venue.postal_code, district=venue.district, lat=venue.lat, lon=venue.lon, phone=venue.phone)
    data.update({f"access_{code}": state for code, state in venue.accessibility.items()})
    return data


def save_venue(venue: Venue | None, form, by: StaffUser) -> Venue:
    """Write the form into the venue (a new one when None) and reindex its activities, whose facts
    include it, in one transaction."""
    session = db.session()
    if venue is None:
        venue = Venue(key=f"staff-{utcnow():%Y%m%d%H%M%S%f}")
        session.add(venue)
    for key in VENUE_TEXTS:
        setattr(venue, key, {lang: form[f"{key}_{lang}"].data.strip() for lang in vocab.UI_LANGUAGES
                             if (form[f"{key}_{lang}"].data or "").strip()})
    venue.postal_code, venue.district = form.postal_code.data, form.district.data
    venue.phone = form.phone.data or None
    venue.lat = float(form.lat.data) if form.lat.data is not None else None
    venue.lon = float(form.lon.data) if form.lon.data is not None else None
    venue.accessibility = {f.code: form[f"access_{f.code}"].data for f in vocab.FACTS
                           if f.about == "venue" and form[f"access_{f.code}"].data in ("yes", "no")}
    if form.checked.data:
        venue.accessibility_checked_on = schedule.local_now().date()
    session.flush()
    reindex(session, list(session.scalars(select(Activity).where(Activity.venue_id == venue.id))),
            schedule.local_now())
    audit.add(session, by.id, "edit", "venue", venue.id)
    return venue
