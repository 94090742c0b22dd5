"""Calendar files read the way calendar apps read them: the VTIMEZONE's own rules, not the system's.

Thunderbird and other apps build Europe/Helsinki from the VTIMEZONE in the file. Here two parsers
independent of icalendar (which writes the files) expand weekly sessions across the March and October
changes, and each occurrence must land at the Helsinki wall time the activity page shows:
vobject (dateutil builds the zone from the VTIMEZONE text and expands RRULE and EXDATE), and ical.js,
the JavaScript library Thunderbird's calendar is built on, run with Node when it is installed
(`make ical-check`), knowing no zone but the file's. Dates are fixed (2027 and 2037-38), the
clock is set to them, so the tests mean the same on any day they run.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import vobject
import vobject.icalendar
from catalogue_factory import activity, one_off, organiser, postal_area, text, venue, weekly
from dateutil.tz.tz import _tzicalvtz
from page_checks import soup, words

from portal.catalogue import schedule
from portal.catalogue.models import Activity

HELSINKI = ZoneInfo("Europe/Helsinki")
UTC = dt.UTC
ROOT = Path(__file__).parent.parent
ICAL_JS = ROOT / "tools/ical-check/node_modules/ical.js/dist/ical.es5.cjs"
NODE = shutil.which("node")

# Each case: the day the file is fetched, and the window of days whose sessions are checked.
# 2027-03-28 and 2027-10-31 are the Sundays the clocks change; 2038-03-28 is past the 2038 end
# of the zone icalendar generates by itself.
CASES = {
    "winter start, summer sessions": (dt.date(2027, 3, 1), dt.date(2027, 3, 1), dt.date(2027, 5, 2)),
    "summer start, winter sessions": (dt.date(2027, 10, 4), dt.date(2027, 10, 4), dt.date(2027, 12, 5)),
    "past 2038": (dt.date(2037, 10, 5), dt.date(2038, 3, 1), dt.date(2038, 4, 30)),
}
CANCELLED = [dt.date(2027, 4, 4), dt.date(2027, 11, 7), dt.date(2027, 11, 19), dt.date(2038, 4, 4)]
ONE_OFFS = [  # (day, starts, ends): in winter and in summer, on both change days
    (dt.date(2027, 3, 26), "19:00", "20:30"), (dt.date(2027, 3, 28), "14:00", "15:00"),
    (dt.date(2027, 4, 16), "19:00", "20:30"), (dt.date(2027, 10, 29), "19:00", "20:30"),
    (dt.date(2027, 10, 31), "14:00", "15:00"), (dt.date(2027, 11, 12), "19:00", "20:30"),
    (dt.date(2027, 11, 19), "19:00", "20:30"),  # a cancelled day: not in the file
]


@pytest.fixture
def two_sides(fresh_app):
    """One activity that meets on Sundays at 10 (so also on both change days) and on Wednesdays at
    18, and one with one-off dates; returns (app, {key: id})."""
    from portal import db as portal_db

    with fresh_app.app_context(), portal_db.transaction() as session:
        postal_area(session, "00530", "Kallio", "Berghäll", "central", 60.184, 24.95)
        org = organiser(session, "o", {"fi": "Järjestäjä"})
        place = venue(session, "v", {"fi": "Kallion kirjasto"}, "00530", {"fi": "Kallio"}, "central",
                      60.184, 24.95)
        made = [
            activity(session, "weekly", org, place, [text("fi", "Viikkojumppa", "Joka viikko")],
                     slots=[weekly("sun", "10:00", "11:00"), weekly("wed", "18:00", "19:30")],
                     cancelled_days=CANCELLED, today=dt.date(2027, 1, 1)),
            activity(session, "dates", org, place, [text("fi", "Konsertit", "Kerran")],
                     dates=[one_off(*d) for d in ONE_OFFS], cancelled_days=[dt.date(2027, 11, 19)],
                     today=dt.date(2027, 1, 1)),
        ]
        session.flush()
        ids = {a.key: a.id for a in made}
    return fresh_app, ids


def at(monkeypatch, app, day: dt.date):
    """Set the portal's clock to 08:00 on `day` and bring the search index to that moment."""
    from portal import db as portal_db
    from portal.catalogue.indexing import reindex

    now = dt.datetime.combine(day, dt.time(8))
    monkeypatch.setattr(schedule, "local_now", lambda timezone="Europe/Helsinki": now)
    with app.app_context(), portal_db.transaction() as session:
        reindex(session, list(session.query(Activity)), now)
    return now


def read_with_vobject(body: str):
    """Parse with vobject, making sure no zone from an earlier file is reused: vobject keeps a
    process-wide TZID table and keeps the first zone it saw under a name."""
    vobject.icalendar.__dict__["__tzidMap"].pop("Europe/Helsinki", None)
    return vobject.readOne(body)


def _window(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return (dt.datetime.combine(first, dt.time(0), tzinfo=UTC) - dt.timedelta(days=1),
            dt.datetime.combine(last, dt.time(0), tzinfo=UTC) + dt.timedelta(days=2))


def _by_summary(instants, first: dt.date, last: dt.date) -> dict[str, list[tuple[dt.datetime, dt.datetime]]]:
    """(summary, start, end) instants as Helsinki wall times, from `first` to `last`. Only this
    final reading uses tzdata; the instants come from the parser and the file's own zone."""
    found: dict[str, list] = {}
    for summary, start, end in instants:
        local_start = start.astimezone(HELSINKI).replace(tzinfo=None)
        local_end = end.astimezone(HELSINKI).replace(tzinfo=None)
        if first <= local_start.date() <= last:
            found.setdefault(summary, []).append((local_start, local_end))
    return {k: sorted(v) for k, v in found.items()}


def vobject_times(body: str, first: dt.date, last: dt.date) -> dict[str, list[tuple[dt.datetime, dt.datetime]]]:
    calendar = read_with_vobject(body)
    instants = []
    for event in calendar.contents.get("vevent", []):
        start, end = event.dtstart.value, event.dtend.value
        # The zone was built from the file's VTIMEZONE by dateutil, not taken from the system.
        assert isinstance(start.tzinfo, _tzicalvtz) and isinstance(end.tzinfo, _tzicalvtz), type(start.tzinfo)
        starts = event.getrruleset(addRDate=True).between(*_window(first, last), inc=True) \
            if hasattr(event, "rrule") else [start]
        instants += [(event.summary.value, moment, moment + (end - start)) for moment in starts]
    return _by_summary(instants, first, last)


def ical_js_times(body: str, first: dt.date, last: dt.date) -> dict[str, list[tuple[dt.datetime, dt.datetime]]]:
    if NODE is None or not ICAL_JS.exists():
        pytest.skip("ical.js is not installed (make ical-check) or there is no node")
    window = [moment.isoformat().replace("+00:00", "Z") for moment in _window(first, last)]
    done = subprocess.run([NODE, str(ROOT / "tests/ical_expand.mjs"), *window], input=body, capture_output=True,
                          text=True, env={"ICAL_JS": str(ICAL_JS)}, timeout=60, check=True)
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    *occurrences, (_, zones) = lines
    assert set(zones) <= {"Europe/Helsinki"}, zones  # every event in the file's zone, none floating
    return _by_summary([(summary, dt.datetime.fromisoformat(start), dt.datetime.fromisoformat(end))
                        for summary, start, end in occurrences], first, last)


PARSERS = {"vobject": vobject_times, "ical.js": ical_js_times}


def expected_weekly(first: dt.date, last: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
    """Sundays 10-11 and Wednesdays 18-19.30, written out by hand, less the cancelled days."""
    found = []
    day = first
    while day <= last:
        if day not in CANCELLED and day.weekday() == 6:
            found.append((dt.datetime.combine(day, dt.time(10)), dt.datetime.combine(day, dt.time(11))))
        if day not in CANCELLED and day.weekday() == 2:
            found.append((dt.datetime.combine(day, dt.time(18)), dt.datetime.combine(day, dt.time(19, 30))))
        day += dt.timedelta(days=1)
    return found


def expected_dates(today: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
    return [(dt.datetime.combine(d, dt.time.fromisoformat(s)), dt.datetime.combine(d, dt.time.fromisoformat(e)))
            for d, s, e in ONE_OFFS if d >= today and d != dt.date(2027, 11, 19)]


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("source", ["single", "feed"])
@pytest.mark.parametrize("parser", list(PARSERS))
def test_an_independent_parser_puts_every_session_at_helsinki_wall_time(two_sides, monkeypatch, parser, case,
                                                                         source):
    app, ids = two_sides
    today, first, last = CASES[case]
    at(monkeypatch, app, today)
    client = app.test_client()
    if source == "single":
        bodies = [client.get(f"/en/activities/{ids[key]}.ics").get_data(as_text=True) for key in ("weekly", "dates")]
    else:
        bodies = [client.get("/en/activities.ics?district=central").get_data(as_text=True)]
    found: dict[str, list] = {}
    for body in bodies:
        found.update(PARSERS[parser](body, first, last))
    weekly_expected = expected_weekly(first, last)
    assert found["Viikkojumppa"] == weekly_expected
    # Both sides of the change are in the window, and the change days themselves.
    assert {s.month for s, _ in weekly_expected} >= ({3, 4} if first.month < 6 else {10, 11})
    dates_expected = [d for d in expected_dates(today) if first <= d[0].date() <= last]
    if dates_expected:
        assert found["Konsertit"] == dates_expected
    # The same wall times the site itself lists for these weeks.
    with app.app_context():
        from portal import db as portal_db

        weekly_activity = portal_db.session().get(Activity, ids["weekly"])
        shown = [(o.starts, o.ends) for o in schedule.occurrences(weekly_activity, first, last) if not o.cancelled]
    assert shown == weekly_expected


@pytest.mark.parametrize("parser", list(PARSERS))
def test_the_activity_page_shows_the_times_the_file_gives(two_sides, monkeypatch, parser):
    app, ids = two_sides
    now = at(monkeypatch, app, dt.date(2027, 3, 22))
    client = app.test_client()
    page = soup(client.get(f"/en/activities/{ids['weekly']}"))
    listed = [words(li) for li in page.select("ul.dates li")]
    body = client.get(f"/en/activities/{ids['weekly']}.ics").get_data(as_text=True)
    from_file = PARSERS[parser](body, now.date(), dt.date(2027, 4, 7))["Viikkojumppa"]
    # The page lists the coming sessions, cancelled ones marked; the file has the others.
    kept = [item for item in listed if "Cancelled" not in item]
    assert len(kept) >= 4
    for item, (starts, ends) in zip(kept, from_file, strict=False):  # the page lists only the first few
        assert item.endswith(f"at {starts.hour}\u2013{ends.hour}" if starts.minute == 0 == ends.minute
                             else f"at {starts.hour}\u2013{ends.hour}.{ends.minute:02d}"), (item, starts)
        assert f"{starts.day} {starts:%B}" in item, (item, starts)
    assert any("28 March" in item for item in kept)  # the change day itself
    assert any("4 April" in item and "Cancelled" in item for item in listed)


def test_the_zone_states_both_offsets_with_yearly_rules(two_sides, monkeypatch):
    app, ids = two_sides
    at(monkeypatch, app, dt.date(2027, 3, 1))
    body = app.test_client().get(f"/fi/activities/{ids['weekly']}.ics").get_data(as_text=True)
    calendar = read_with_vobject(body)
    [zone] = calendar.vtimezone_list
    assert zone.tzid.value == "Europe/Helsinki"
    summer, winter = zone.daylight_list, zone.standard_list
    assert len(summer) == 1 and len(winter) == 1
    assert (summer[0].tzoffsetfrom.value, summer[0].tzoffsetto.value) == ("+0200", "+0300")
    assert (winter[0].tzoffsetfrom.value, winter[0].tzoffsetto.value) == ("+0300", "+0200")
    assert summer[0].tzname.value == "EEST" and winter[0].tzname.value == "EET"
    assert summer[0].rrule.value == "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"
    assert winter[0].rrule.value == "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"
    # Onsets in local time before the change (RFC 5545): 03:00 EET in March, 04:00 EEST in October.
    assert summer[0].dtstart.value.time() == dt.time(3) and winter[0].dtstart.value.time() == dt.time(4)
    # A rule, not a list of past changes that runs out.
    assert "RDATE" not in body and "COMMENT" not in body
    # Weekly sessions, their cancelled dates and one-off dates all name the zone.
    unfolded = body.replace("\r\n ", "")
    events = unfolded.split("BEGIN:VEVENT")[1:]
    assert events
    for event in events:
        for line in event.split("\r\n"):
            if re.match(r"(DTSTART|DTEND|EXDATE)[;:]", line):
                assert line.split(":")[0].endswith(";TZID=Europe/Helsinki"), line
    assert "EXDATE;TZID=Europe/Helsinki:20270404T100000" in unfolded


@pytest.mark.parametrize("parser", list(PARSERS))
def test_the_parsers_really_read_the_zone_from_the_file(two_sides, monkeypatch, parser):
    """The same check fails on a file whose VTIMEZONE has one offset all year (the old bug): the
    check would otherwise pass on the system's zone whatever the file said."""
    app, ids = two_sides
    today, first, last = CASES["winter start, summer sessions"]
    at(monkeypatch, app, today)
    body = app.test_client().get(f"/en/activities/{ids['weekly']}.ics").get_data(as_text=True)
    one_offset = re.sub(r"BEGIN:DAYLIGHT.*?END:DAYLIGHT\r\n", "", body, flags=re.DOTALL)
    one_offset = one_offset.replace("TZOFFSETFROM:+0300", "TZOFFSETFROM:+0200")
    found = PARSERS[parser](one_offset, first, last)["Viikkojumppa"]
    wrong = [s for s, _ in found if s.time() not in (dt.time(10), dt.time(18))]
    # Every session after the March change comes out an hour off, as in Thunderbird.
    assert wrong == [s for s, _ in found if s.date() >= dt.date(2027, 3, 28)]
    assert wrong and all(s.hour in (11, 19) for s in wrong)


@pytest.mark.parametrize("tzid", ["Europe/Helsinki", "America/New_York", "Australia/Sydney", "Europe/Dublin", "UTC"])
def test_the_zone_written_agrees_with_tzdata_for_decades(tzid):
    """The written rules, read back by dateutil alone, give tzdata's offset on the 1st and 15th of
    every month and at every hour of the two days around each change tzdata has, from 2026 to 2065
    (zones with other rules than Helsinki's show the rules are derived, not typed in)."""
    import io

    from dateutil import tz as dateutil_tz

    from portal.catalogue.ics import vtimezone

    written = dateutil_tz.tzical(io.StringIO(vtimezone(tzid, dt.date(2027, 1, 1)).to_ical().decode())).get()
    zone = ZoneInfo(tzid)
    moments = []
    noon = dt.datetime(2026, 1, 1, 12, tzinfo=UTC)  # from the start of the year before "today"
    while noon.year < 2066:
        following = noon + dt.timedelta(days=1)
        if noon.day in (1, 15):
            moments.append(noon)
        if noon.astimezone(zone).utcoffset() != following.astimezone(zone).utcoffset():
            moments += [noon + dt.timedelta(minutes=30 + 60 * hour) for hour in range(-12, 36)]
        noon = following
    for moment in moments:
        assert moment.astimezone(written).utcoffset() == moment.astimezone(zone).utcoffset(), moment
    changes = {"UTC": 0}.get(tzid, 80)  # two a year for 40 years
    assert len(moments) == 40 * 24 + changes * 48


def test_a_zone_whose_rules_tzdata_will_change_falls_back_to_listed_changes(monkeypatch):
    from portal.catalogue import ics

    monkeypatch.setattr(ics, "zone_rules", lambda tzid, year: None)
    body = ics.vtimezone("Europe/Helsinki", dt.date(2027, 1, 1)).to_ical().decode()
    assert "RDATE" in body and "RRULE" not in body
    import io

    from dateutil import tz as dateutil_tz

    written = dateutil_tz.tzical(io.StringIO(body)).get()
    summer = dt.datetime(2060, 7, 1, 12, tzinfo=UTC)
    assert summer.astimezone(written).utcoffset() == dt.timedelta(hours=3)
