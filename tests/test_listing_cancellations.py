"""Editors save activities that have cancelled dates: unchanged, with one date changed, and by approving
an organiser's proposal; approving is one transaction, so a failure half-way leaves nothing changed.
On an app and catalogue of its own, because these tests change the catalogue."""
from __future__ import annotations

import datetime as dt

import pytest
from app_setup import app_with_catalogue
from sqlalchemy import select
from staff_support import csrf, form_values, make_staff, sign_in, text_of

from portal import db as portal_db
from portal.catalogue.models import Activity, ActivityIndex
from portal.staff import audit
from portal.staff.models import ListingChange

# Each test starts with no sign-in tries counted by the rate limiter (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("fresh_limits")


@pytest.fixture(scope="module")
def cancel_app(tmp_path_factory):
    app = app_with_catalogue(tmp_path_factory.mktemp("cancellations"), "cancellations")
    yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture(scope="module")
def chair_gym(cancel_app) -> int:
    return cancel_app.extensions["test_catalogue"]["chair-gym"]


@pytest.fixture(scope="module")
def editor(cancel_app):
    return sign_in(cancel_app, make_staff(cancel_app, ["editor"]))


def cancelled_days(app, activity_id: int) -> list[dt.date]:
    with app.app_context():
        found = portal_db.session().get(Activity, activity_id)
        return sorted(c.day for c in found.cancellations)


def set_cancelled(app, activity_id: int, days: list[dt.date]) -> None:
    """Give the activity exactly these cancelled days (the edit form does the same through apply)."""
    from portal.catalogue.models import Cancellation

    with app.app_context(), portal_db.transaction() as session:
        found = session.get(Activity, activity_id)
        found.cancellations.clear()
        session.flush()
        found.cancellations.extend(Cancellation(day=day) for day in days)


def next_weekday(weekday: int, weeks_ahead: int) -> dt.date:
    from portal.catalogue import schedule

    today = schedule.local_now().date()
    return today + dt.timedelta(days=(weekday - today.weekday()) % 7 or 7) + dt.timedelta(weeks=weeks_ahead - 1)


def test_saving_an_activity_with_a_cancelled_date_unchanged_works(cancel_app, chair_gym, editor):
    before = cancelled_days(cancel_app, chair_gym)
    assert before  # the hand-made catalogue cancels chair exercise's first coming Tuesday
    url = f"/en/staff/listings/{chair_gym}"
    response = editor.post(url, data=form_values(editor.get(url)))
    assert response.status_code == 303, text_of(response)[:600]
    assert cancelled_days(cancel_app, chair_gym) == before


def test_changing_one_of_two_cancelled_dates_keeps_the_other(cancel_app, chair_gym, editor):
    kept, dropped, added = next_weekday(1, 2), next_weekday(1, 3), next_weekday(1, 4)
    set_cancelled(cancel_app, chair_gym, [kept, dropped])
    url = f"/en/staff/listings/{chair_gym}"
    data = form_values(editor.get(url))
    assert data["cancelled"].split() == [kept.isoformat(), dropped.isoformat()]
    data["cancelled"] = f"{kept.isoformat()}\n{added.isoformat()}"
    response = editor.post(url, data=data)
    assert response.status_code == 303, text_of(response)[:600]
    assert cancelled_days(cancel_app, chair_gym) == [kept, added]
    # The index skips the cancelled Tuesday after next: its next start is not on a cancelled day.
    with cancel_app.app_context():
        next_start = portal_db.session().get(ActivityIndex, chair_gym).next_start
    assert next_start is not None and next_start.date() not in (kept, added)


def organiser_of(app, activity_id: int) -> int:
    with app.app_context():
        return portal_db.session().get(Activity, activity_id).organiser_id


def propose_price(app, activity_id: int, euros: str) -> int:
    organiser = sign_in(app, make_staff(app, ["organiser"], organiser_id=organiser_of(app, activity_id)))
    url = f"/en/staff/listings/{activity_id}"
    data = form_values(organiser.get(url))
    data["price_euros"] = euros
    assert organiser.post(url, data=data).status_code == 303
    with app.app_context():
        return portal_db.session().scalar(select(ListingChange.id).where(ListingChange.activity_id == activity_id)
                                          .order_by(ListingChange.id.desc()))


def change_status(app, change_id: int) -> str:
    with app.app_context():
        return portal_db.session().get(ListingChange, change_id).status


def price(app, activity_id: int) -> int:
    with app.app_context():
        return portal_db.session().get(Activity, activity_id).price_cents


def test_approving_a_proposal_for_an_activity_with_a_cancelled_date_works(cancel_app, chair_gym, editor):
    days = cancelled_days(cancel_app, chair_gym)
    assert days
    change_id = propose_price(cancel_app, chair_gym, "3")
    response = editor.post(f"/en/staff/listings/changes/{change_id}/approve", data={"csrf_token": csrf(editor)})
    assert response.status_code == 303
    assert change_status(cancel_app, change_id) == "approved"
    assert price(cancel_app, chair_gym) == 300
    assert cancelled_days(cancel_app, chair_gym) == days


def test_a_failure_half_way_through_approving_leaves_the_listing_and_the_change_as_they_were(
        cancel_app, chair_gym, editor, monkeypatch):
    before = price(cancel_app, chair_gym)
    change_id = propose_price(cancel_app, chair_gym, "9")
    real_add = audit.add

    def failing_add(session, staff_id, action, *args, **kwargs):
        if action == "approved":  # after the listing is written, before the change is marked
            raise RuntimeError("forced failure between the listing and the change")
        return real_add(session, staff_id, action, *args, **kwargs)

    monkeypatch.setattr(audit, "add", failing_add)
    cancel_app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        response = editor.post(f"/en/staff/listings/changes/{change_id}/approve", data={"csrf_token": csrf(editor)})
    finally:
        cancel_app.config["PROPAGATE_EXCEPTIONS"] = None
    assert response.status_code == 500
    monkeypatch.undo()
    assert change_status(cancel_app, change_id) == "pending"
    assert price(cancel_app, chair_gym) == before


def test_saving_a_place_updates_it_and_its_activities_in_one_go(cancel_app, chair_gym, editor):
    from portal.catalogue.models import Venue

    with cancel_app.app_context():
        venue_id = portal_db.session().get(Activity, chair_gym).venue_id
    url = f"/en/staff/listings/places/{venue_id}"
    data = form_values(editor.get(url))
    data["name_fi"] = "Kampin uusi sali Zqvenue"
    response = editor.post(url, data=data)
    assert response.status_code == 303, text_of(response)[:600]
    with cancel_app.app_context():
        assert portal_db.session().get(Venue, venue_id).name["fi"] == "Kampin uusi sali Zqvenue"
    found = editor.get("/fi/activities", query_string={"q": "Zqvenue"})
    assert f"/fi/activities/{chair_gym}" in found.get_data(as_text=True)  # reindexed with the place's new name
