"""Partners' calendar feeds: the real files in tests/data/interop/ (copied from ../shared/interop/ with their sources and licences)ical/ (cancelled and moved
occurrences, summer time, X-WR-TIMEZONE) into listings held for an editor the first time."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from staff_support import make_staff

from portal import db as portal_db
from portal.catalogue.models import Activity, Organiser
from portal.imports import calendars
from portal.imports.models import CalendarFeed
from portal.staff import listings
from portal.staff.models import ListingChange, StaffUser

ICAL = Path(__file__).resolve().parent / "data" / "interop" / "ical"
HELSINKI = ZoneInfo("Europe/Helsinki")


def ics(name: str) -> bytes:
    return (ICAL / name).read_bytes()


@pytest.fixture
def app(fresh_app):
    """Its own database: approving a proposal adds an activity, which the shared catalogue must not get."""
    return fresh_app


@pytest.fixture
def feed(app):
    editor = make_staff(app, ["editor"])
    with app.app_context(), portal_db.transaction() as session:
        organiser = Organiser(key="parish-test", kind="parish", name={"fi": "Seurakunta"})
        session.add(organiser)
        session.flush()
        feed = CalendarFeed(organiser_id=organiser.id, url="https://example.fi/cal.ics", added_by_id=editor.id)
        session.add(feed)
    return feed


def run(app, feed, name, first, last):
    with app.app_context(), portal_db.transaction() as session:
        feed = session.get(CalendarFeed, feed.id)
        return calendars.import_calendar(feed, ics(name), session, now=first.replace(tzinfo=None), zone=HELSINKI,
                                         first=first, last=last)


def proposals(app, feed):
    with app.app_context():
        return [c for c in portal_db.session().scalars(select(ListingChange).where(ListingChange.activity_id.is_(None)))
                if c.data.get("key", "").startswith(f"ical-{feed.id}-")]


def window(year, month, months=2):
    first = dt.datetime(year, month, 1, tzinfo=HELSINKI)
    return first, first + dt.timedelta(days=31 * months)


def test_a_cancelled_occurrence_is_a_cancelled_date(app, feed):
    report = run(app, feed, "issue_18_cancel_status.ics", *window(2020, 1))
    assert (report.new, report.refused) == (1, 0)
    [change] = proposals(app, feed)
    # 22:00-23:00 in Berlin is 23:00-00:00 in Helsinki: listed as ending at 23:59 that day.
    assert change.data["dates"].splitlines() == ["2020-01-28 23:00-23:59", "2020-01-29 23:00-23:59",
                                                 "2020-01-30 23:00-23:59"]
    assert change.data["cancelled"] == "2020-01-29"
    assert change.data["text_fi"]["name"] == "one is cancelled" and change.status == "pending"


def test_a_moved_occurrence_is_listed_on_its_new_day(app, feed):
    run(app, feed, "issue_62_moved_event.ics", *window(2021, 11, 3))
    [change] = proposals(app, feed)
    days = [line[:10] for line in change.data["dates"].splitlines()]
    # Last Friday of each month, but December's was moved from the 31st to the 17th.
    assert days == ["2021-11-26", "2021-12-17", "2022-01-28"]
    assert change.data["dates"].splitlines()[0] == "2021-11-26 22:30-22:30"


def test_repeats_keep_their_local_time_across_summer_time(app, feed):
    run(app, feed, "issue_48_daylight_aware_repeats.ics", *window(2020, 10))
    [change] = proposals(app, feed)
    lines = change.data["dates"].splitlines()
    # 11:30 in Lisbon before and after both cities leave summer time on 25 October: 13:30 in Helsinki.
    assert "2020-10-19 13:30-15:00" in lines and "2020-10-26 13:30-15:00" in lines
    assert {line[11:] for line in lines} == {"13:30-15:00"}
    assert "<a" in change.data["text_fi"]["description"] and "target" not in change.data["text_fi"]["description"]


def test_x_wr_timezone_is_honoured(app, feed):
    run(app, feed, "xwr.ics", *window(2021, 12))
    names = {c.data["text_fi"]["name"]: c.data["dates"] for c in proposals(app, feed)}
    # Noon in New York is 19:00 in Helsinki.
    assert names["Google Calendar says this is noon to 1PM on 12/22/2021"] == "2021-12-22 19:00-20:00"


def test_held_for_an_editor_then_kept_current_once_approved(app, feed):
    assert run(app, feed, "xwr.ics", *window(2021, 12)).new == 2
    again = run(app, feed, "xwr.ics", *window(2021, 12))
    assert (again.new, again.changed, again.unchanged) == (0, 0, 2)  # still waiting: not proposed twice
    first = proposals(app, feed)[0]
    with app.app_context(), portal_db.transaction() as session:
        listings.decide(session.get(ListingChange, first.id), True, session.scalar(
            select(StaffUser).where(StaffUser.id == first.proposed_by_id)))
    with app.app_context():
        activity = portal_db.session().scalar(select(Activity).where(Activity.key == first.data["key"]))
        assert activity is not None and activity.texts["fi"].name == first.data["text_fi"]["name"]
    later = run(app, feed, "xwr.ics", *window(2021, 12))
    assert later.new == 0 and len(proposals(app, feed)) == 2


def test_not_a_calendar_is_refused_whole(app, feed):
    with app.app_context(), portal_db.transaction() as session:
        report = calendars.import_calendar(session.get(CalendarFeed, feed.id), b"<html>no</html>", session)
    assert report.failed and report.new == 0


def test_the_command_imports_a_feed_from_a_file_and_records_the_run(app, feed):
    from portal.imports.models import ImportRun

    result = app.test_cli_runner().invoke(args=["import", "calendars", "--feed", str(feed.id), "--from-file",
                                                str(ICAL / "issue_18_cancel_status.ics")])
    assert result.exit_code == 0, result.output
    # The file's dates are in 2020, before the window (today on): nothing to propose, and the run is recorded.
    assert f"Calendar {feed.id}: 0 new" in result.output
    with app.app_context():
        [run_row] = portal_db.session().scalars(select(ImportRun)).all()
        assert run_row.source == f"ical:{feed.id}" and run_row.failed is None
    refused = app.test_cli_runner().invoke(args=["import", "calendars", "--from-file",
                                                 str(ICAL / "issue_18_cancel_status.ics")])
    assert refused.exit_code != 0 and "--from-file needs --feed" in refused.output
