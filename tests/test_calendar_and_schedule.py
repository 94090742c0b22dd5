"""When activities happen: next times, weekly rhythm in words, and the iCalendar files."""
from __future__ import annotations

import datetime as dt

import pytest
from catalogue_factory import concert_day, one_off, text, weekly
from icalendar import Calendar
from page_checks import check_page, words

from portal.catalogue import schedule
from portal.catalogue.models import Activity, Cancellation


def get_calendar(client, path) -> Calendar:
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.get_data())


def events(calendar: Calendar):
    return list(calendar.walk("VEVENT"))


# --- schedule logic --------------------------------------------------------------------------------

def unsaved_activity(slots=(), dates=(), cancelled=()):
    activity = Activity(key="x", categories=frozenset(), audiences=frozenset(), languages=frozenset())
    activity.weekly = list(slots)
    activity.dates = list(dates)
    activity.cancellations = [Cancellation(day=d) for d in cancelled]
    return activity


MONDAY_NOON = dt.datetime(2030, 1, 7, 12, 0)  # 7 January 2030 is a Monday


def test_next_occurrence_is_the_next_weekly_time():
    activity = unsaved_activity([weekly("tue", "10:00", "11:00")])
    assert schedule.next_occurrence(activity, MONDAY_NOON).starts == dt.datetime(2030, 1, 8, 10, 0)


def test_next_occurrence_skips_a_cancelled_date():
    activity = unsaved_activity([weekly("tue", "10:00", "11:00")], cancelled=[dt.date(2030, 1, 8)])
    found = schedule.next_occurrence(activity, MONDAY_NOON)
    assert found.starts == dt.datetime(2030, 1, 15, 10, 0) and not found.cancelled


def test_upcoming_lists_a_cancelled_date_marked_as_cancelled():
    activity = unsaved_activity([weekly("tue", "10:00", "11:00")], cancelled=[dt.date(2030, 1, 8)])
    coming = schedule.upcoming(activity, MONDAY_NOON, count=3)
    assert [(o.starts.day, o.cancelled) for o in coming] == [(8, True), (15, False), (22, False)]


def test_an_occurrence_going_on_now_still_counts_until_it_ends():
    activity = unsaved_activity([weekly("mon", "11:30", "13:00")])
    assert schedule.next_occurrence(activity, MONDAY_NOON).starts == dt.datetime(2030, 1, 7, 11, 30)
    later = MONDAY_NOON.replace(hour=13, minute=1)
    assert schedule.next_occurrence(activity, later).starts == dt.datetime(2030, 1, 14, 11, 30)


def test_one_off_dates_and_weekly_times_merge_in_order():
    activity = unsaved_activity([weekly("fri", "10:00", "11:00")],
                                dates=[one_off(dt.date(2030, 1, 9), "18:00", "20:00")])
    coming = schedule.upcoming(activity, MONDAY_NOON, count=3)
    assert [o.starts for o in coming] == [dt.datetime(2030, 1, 9, 18), dt.datetime(2030, 1, 11, 10),
                                          dt.datetime(2030, 1, 18, 10)]


def test_a_past_one_off_date_leaves_no_next_occurrence():
    activity = unsaved_activity(dates=[one_off(dt.date(2030, 1, 1), "18:00", "20:00")])
    assert schedule.next_occurrence(activity, MONDAY_NOON) is None


def test_cancelled_one_off_date_is_not_the_next_occurrence():
    activity = unsaved_activity(dates=[one_off(dt.date(2030, 1, 9), "18:00", "20:00")],
                                cancelled=[dt.date(2030, 1, 9)])
    assert schedule.next_occurrence(activity, MONDAY_NOON) is None


@pytest.mark.parametrize("starts, part", [("09:00", "morning"), ("11:59", "morning"), ("12:00", "afternoon"),
                                          ("16:59", "afternoon"), ("17:00", "evening"), ("21:00", "evening")])
def test_parts_of_the_day(starts, part):
    assert schedule.part_of_day(dt.time.fromisoformat(starts)) == part


def test_when_codes_leave_out_cancelled_and_past_one_off_dates():
    activity = unsaved_activity([weekly("tue", "10:00", "11:00")],
                                dates=[one_off(dt.date(2030, 1, 9), "18:00", "20:00"),  # Wednesday, cancelled
                                       one_off(dt.date(2030, 1, 10), "13:00", "14:00"),  # Thursday
                                       one_off(dt.date(2030, 1, 4), "19:00", "20:00")],  # Friday, past
                                cancelled=[dt.date(2030, 1, 9)])
    assert schedule.when_codes(activity, MONDAY_NOON) == {"tue:morning", "thu:afternoon"}


# --- rhythm in words ---------------------------------------------------------------------------------

def rhythm_in(app, lang, activity):
    from flask import g

    from portal.catalogue.display import rhythm

    with app.test_request_context(f"/{lang}/"):
        g.lang = lang
        return rhythm(activity)


def test_weekly_rhythm_in_english(app):
    assert rhythm_in(app, "en", unsaved_activity([weekly("tue", "10:00", "11:00")])) == ["Tuesdays 10–11"]
    both = unsaved_activity([weekly("mon", "10:00", "11:30"), weekly("wed", "10:00", "11:30")])
    assert rhythm_in(app, "en", both) == ["Mondays and Wednesdays 10–11.30"]


def test_weekly_rhythm_in_finnish_once_translated(app):
    from flask import g
    from flask_babel import gettext

    with app.test_request_context("/fi/"):
        g.lang = "fi"
        translated = gettext("Tuesdays") != "Tuesdays"
    if not translated:
        pytest.skip("the Finnish catalogue has no translation for weekdays yet")
    line = rhythm_in(app, "fi", unsaved_activity([weekly("tue", "10:00", "11:00")]))[0]
    assert line.lower().startswith("tiistaisin") and "10–11" in line


def test_activity_page_shows_the_rhythm_and_the_cancelled_date(client, catalogue, db):
    page = check_page(client.get(f"/en/activities/{catalogue['chair-gym']}"))
    assert "Tuesdays 10–11" in words(page)
    cancelled = page.select(".dates li.cancelled")
    assert len(cancelled) == 1 and "Cancelled" in words(cancelled[0])
    day = db.get(Activity, catalogue["chair-gym"]).cancellations[0].day
    said = words(cancelled[0])
    assert f"Tuesday {day.day} " in said or said.startswith(("Today", "Tomorrow"))


def test_past_only_activity_page_says_there_are_no_coming_dates(client, catalogue):
    page = check_page(client.get(f"/en/activities/{catalogue['past-talk']}"))
    assert "No coming dates" in words(page)


# --- iCalendar ----------------------------------------------------------------------------------------

def test_weekly_activity_is_one_repeating_event_with_cancelled_dates_excluded(client, catalogue, db):
    calendar = get_calendar(client, f"/fi/activities/{catalogue['chair-gym']}.ics")
    [event] = events(calendar)
    rule = event["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["BYDAY"] == ["TU"]
    start = event["DTSTART"]
    assert start.params["TZID"] == "Europe/Helsinki"
    assert start.dt.weekday() == 1 and start.dt.time() == dt.time(10, 0)
    assert str(start.dt.tzinfo) == "Europe/Helsinki"
    assert event["DTEND"].dt - start.dt == dt.timedelta(hours=1)
    excluded = event["EXDATE"]
    excluded = excluded if isinstance(excluded, list) else [excluded]
    days = [d.dt.date() for exdate in excluded for d in exdate.dts]
    cancelled = db.get(Activity, catalogue["chair-gym"]).cancellations[0].day
    assert days == [cancelled]
    assert str(event["SUMMARY"]) == "Tuolijumppa"
    assert f"/fi/activities/{catalogue['chair-gym']}" in str(event["URL"])
    assert "Salomonkatu 21 B" in str(event["LOCATION"])
    assert calendar.walk("VTIMEZONE") and str(calendar.walk("VTIMEZONE")[0]["TZID"]) == "Europe/Helsinki"


def test_one_off_date_is_its_own_event(client, catalogue):
    calendar = get_calendar(client, f"/en/activities/{catalogue['concert']}.ics")
    [event] = events(calendar)
    assert "RRULE" not in event
    today = schedule.local_now().date()
    assert event["DTSTART"].dt.replace(tzinfo=None) == dt.datetime.combine(concert_day(today), dt.time(19))
    assert event["DTSTART"].params["TZID"] == "Europe/Helsinki"
    assert str(event["SUMMARY"]) == "Christmas concert"


def test_calendar_uses_the_page_language_with_finnish_fallback(client, catalogue):
    assert str(events(get_calendar(client, f"/sv/activities/{catalogue['chair-gym']}.ics"))[0]["SUMMARY"]) == "Stolgympa"
    assert str(events(get_calendar(client, f"/sv/activities/{catalogue['digi-help']}.ics"))[0]["SUMMARY"]) == "Digituki"


def test_events_have_unique_ids(client):
    uids = [str(e["UID"]) for e in events(get_calendar(client, "/fi/activities.ics"))]
    assert len(uids) == len(set(uids))


def test_feed_of_a_filtered_list_holds_exactly_those_activities(client, catalogue):
    calendar = get_calendar(client, "/fi/activities.ics?category=culture&category=exercise")
    urls = sorted(str(e["URL"]).rsplit("/", 1)[1] for e in events(calendar))
    assert urls == sorted(str(catalogue[k]) for k in ("chair-gym", "crafts-cafe", "concert"))
    byday = {str(e["URL"]).rsplit("/", 1)[1]: e.get("RRULE", {}).get("BYDAY") for e in events(calendar)}
    assert byday[str(catalogue["chair-gym"])] == ["TU"] and byday[str(catalogue["crafts-cafe"])] == ["WE"]
    assert byday[str(catalogue["concert"])] is None


def test_feed_holds_every_match_not_one_page(client):
    calendar = get_calendar(client, "/fi/activities.ics?page=2")
    assert len(events(calendar)) == 29  # 28 weekly activities and one concert, past talk left out


def test_feed_follows_needs_filters(client, catalogue):
    calendar = get_calendar(client, "/en/activities.ics?access=wheelchair")
    urls = sorted(str(e["URL"]).rsplit("/", 1)[1] for e in events(calendar))
    assert urls == sorted(str(catalogue[k]) for k in ("chair-gym", "memory-cafe"))


def test_unknown_activity_calendar_is_not_found(client):
    assert client.get("/fi/activities/999999.ics").status_code == 404


def test_calendar_text_is_escaped(fresh_app):
    """Commas, semicolons and new lines in names survive the trip through the .ics file."""
    from catalogue_factory import organiser, venue

    from portal import db as portal_db

    with fresh_app.app_context(), portal_db.transaction() as session:
        org = organiser(session, "o", {"fi": "Järjestäjä"})
        place = venue(session, "v", {"fi": "Talo; sali, 2. krs"}, "00100", {"fi": "Kamppi"}, "southern", 60.17, 24.93)
        from catalogue_factory import activity

        found = activity(session, "a", org, place, [text("fi", "Laulu, tanssi; ja leikki", "Rivi 1\nRivi 2")],
                         slots=[weekly("wed", "10:00", "11:00")])
        session.flush()
        from portal.catalogue.indexing import reindex

        reindex(session, [found], schedule.local_now())
        activity_id = found.id
    calendar = get_calendar(fresh_app.test_client(), f"/fi/activities/{activity_id}.ics")
    [event] = events(calendar)
    assert str(event["SUMMARY"]) == "Laulu, tanssi; ja leikki"
    assert str(event["DESCRIPTION"]).startswith("Rivi 1\nRivi 2")
    assert str(event["LOCATION"]).startswith("Talo; sali, 2. krs")
