"""Linked Events import: the real responses in tests/data/interop/ (copied from ../shared/interop/ with their sources and licences)linked-events/ plus small hand-made
variations (a series, a deletion, hostile records). Never the network."""
from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from portal import db as portal_db
from portal.catalogue.models import Activity, Venue
from portal.demo.loader import load_postal_areas
from portal.imports import linked_events, runs
from portal.imports.models import ImportRun, SourceLink

SAMPLES = Path(__file__).resolve().parent / "data" / "interop" / "linked-events"
NOW = dt.datetime(2026, 12, 1, 9, 0)


def sample(name: str):
    return json.loads((SAMPLES / name).read_text("utf-8"))


@pytest.fixture
def le_app(fresh_app):
    with fresh_app.app_context(), portal_db.transaction() as session:
        load_postal_areas(session)
    return fresh_app


def run(app, pages, now=NOW):
    with app.app_context(), portal_db.transaction() as session:
        report = linked_events.import_linked_events(pages, session, now=now)
        runs.save(session, report, now)
        return report


def place(postal_code="00100"):
    """The real Sello library record, moved to a Helsinki postal code so that it is inside the city."""
    location = sample("le_place_data.json")
    location["postal_code"] = postal_code
    return location


def event(id_, start, end=None, **changes):
    base = copy.deepcopy(sample("le_events_data.json")["data"][0])
    base.update(id=id_, start_time=start, end_time=end, location=place(), super_event=None, sub_events=[],
                super_event_type=None, event_status="EventScheduled",
                keywords=[{"@id": "https://api.hel.fi/linkedevents/v1/keyword/yso:p2433/"},
                          {"@id": "https://api.hel.fi/linkedevents/v1/keyword/yso:p916/"}])
    base.update(changes)
    return base


def page(*events):
    return {"meta": {"count": len(events), "next": None, "previous": None}, "data": list(events)}


def activity_for(app, source_id):
    with app.app_context():
        session = portal_db.session()
        link = session.scalar(select(SourceLink).where(SourceLink.kind == "activity",
                                                       SourceLink.source_id == source_id))
        return session.get(Activity, link.record_id) if link else None


def test_the_real_samples_import_and_a_second_run_changes_nothing(le_app):
    pages = [sample("le_events_data.json"), {"meta": {}, "data": [sample("le_event_data.json")]}]
    first = run(le_app, pages)
    assert (first.new, first.refused) == (1, 0)
    # The postponed event has no start: left out and said so.
    assert {"id": "helsinki:afxp6tv4xa", "code": "postponed", "detail": ""} in first.notes
    imported = activity_for(le_app, "helsinki:afy6ikna3u")
    assert imported.online and imported.venue is None  # helsinki:internet
    assert set(imported.texts) == {"fi"}  # no Swedish or English in the source: none made up
    assert imported.texts["fi"].name == "Uutta Koillis-Helsinkiä verkkotilaisuus"
    assert imported.price_cents == 0 and imported.languages == {"fi"}
    # 13:45Z is 16:45 in Helsinki's summer time.
    assert [(d.starts, d.ends) for d in imported.dates] == [(dt.datetime(2020, 6, 1, 16, 45),
                                                             dt.datetime(2020, 6, 1, 19, 0))]
    second = run(le_app, pages)
    assert (second.new, second.changed, second.unchanged, second.removed) == (0, 0, 1, 0)
    with le_app.app_context():
        assert portal_db.session().scalar(select(func.count()).select_from(ImportRun)) == 2


def test_a_series_becomes_one_activity_with_weekly_times_and_cancelled_dates(le_app):
    # Wednesdays at 12 Helsinki time all year: the UTC hour moves with summer time, the local one does not.
    first_day = dt.datetime(2026, 12, 2, 12, 0, tzinfo=ZoneInfo("Europe/Helsinki"))
    series = event("helsinki:series1", None, super_event_type="recurring")
    subs = [event(f"helsinki:sub{i}", (first_day + dt.timedelta(weeks=i)).isoformat(),
                  (first_day + dt.timedelta(weeks=i, hours=1)).isoformat(),
                  super_event={"@id": "https://api.hel.fi/linkedevents/v1/event/helsinki:series1/"},
                  event_status="EventCancelled" if i == 3 else "EventScheduled") for i in range(53)]
    report = run(le_app, [page(series, *subs[:20]), page(*subs[20:])])
    assert (report.new, report.refused) == (1, 0)
    activity = activity_for(le_app, "helsinki:series1")
    assert [(s.weekday, s.starts, s.ends) for s in activity.weekly] == [(2, dt.time(12), dt.time(13))]
    assert activity.dates == []
    assert [c.day for c in activity.cancellations] == [dt.date(2026, 12, 23)]
    assert activity.audiences == {"seniors"} and activity.categories == {"exercise"}


def test_a_short_series_keeps_its_dates(le_app):
    series = event("helsinki:series2", None, super_event_type="recurring")
    subs = [event(f"helsinki:short{i}", f"2026-12-0{2 + i}T10:00:00Z", f"2026-12-0{2 + i}T11:00:00Z",
                  super_event={"@id": "x/event/helsinki:series2/"}) for i in range(3)]
    run(le_app, [page(series, *subs)])
    activity = activity_for(le_app, "helsinki:series2")
    assert activity.weekly == [] and len(activity.dates) == 3


def test_places_are_matched_by_tprek_id_and_editors_accessibility_is_kept(le_app):
    run(le_app, [page(event("helsinki:a1", "2026-12-10T10:00:00Z"))])
    with le_app.app_context(), portal_db.transaction() as session:
        venue = session.scalar(select(Venue).where(Venue.key == "le-tprek:15417"))
        assert venue.accessibility == {} and venue.district == "southern"
        assert (venue.lat, venue.lon) == (60.21748, 24.80992)  # GeoJSON is [longitude, latitude]
        venue.accessibility = {"step_free_entrance": "yes"}
    run(le_app, [page(event("helsinki:a2", "2026-12-11T10:00:00Z"))])
    with le_app.app_context():
        session = portal_db.session()
        assert session.scalar(select(func.count()).select_from(Venue)) == 1
        assert session.scalar(select(Venue)).accessibility == {"step_free_entrance": "yes"}


def test_an_editors_summary_and_access_survive_a_sync(le_app):
    original = event("helsinki:e1", "2026-12-10T10:00:00Z", short_description=None)
    run(le_app, [page(original)])
    with le_app.app_context(), portal_db.transaction() as session:
        activity = session.get(Activity, activity_for(le_app, "helsinki:e1").id)
        activity.texts["fi"].summary = "Selkokielinen tiivistelmä"
        activity.access = {"seated_option": "yes"}
    changed = dict(original, name={"fi": "Uusi nimi"}, last_modified_time="2026-11-30T10:00:00Z")
    report = run(le_app, [page(changed)])
    assert report.changed == 1
    activity = activity_for(le_app, "helsinki:e1")
    assert activity.texts["fi"].name == "Uusi nimi"
    assert activity.texts["fi"].summary == "Selkokielinen tiivistelmä"
    assert activity.access == {"seated_option": "yes"}


def test_a_deleted_event_disappears_after_sync(le_app):
    run(le_app, [page(event("helsinki:d1", "2026-12-10T10:00:00Z"))])
    deleted = {"id": "helsinki:d1", "deleted": True, "last_modified_time": "2026-11-30T12:00:00Z",
               "name": {"fi": "POISTETTU", "sv": "RADERAD", "en": "DELETED"}}
    report = run(le_app, [page(deleted)])
    assert report.removed == 1 and activity_for(le_app, "helsinki:d1") is None
    assert report.synced_until == dt.datetime(2026, 11, 30, 12, 0)


def test_hostile_records_are_refused_one_by_one_with_reasons(le_app):
    good = event("helsinki:ok", "2026-12-10T10:00:00Z",
                 description={"fi": "<p>Tervetuloa</p><script>alert(1)</script><img src=x onerror=alert(2)>"})
    hostile = [
        "not an event",
        event("no id here!", "2026-12-10T10:00:00Z"),
        event("helsinki:noname", "2026-12-10T10:00:00Z", name={"sv": "Bara svenska"}),
        event("helsinki:huge", "2026-12-10T10:00:00Z", name={"fi": "x" * 5000}),
        event("helsinki:badtime", "yesterday"),
        event("helsinki:badoffers", "2026-12-10T10:00:00Z", offers="free"),
        event("helsinki:espoo", "2026-12-10T10:00:00Z", location=place("02600")),
        event("helsinki:noplace", "2026-12-10T10:00:00Z", location={"@id": "x/place/tprek:1/"}),
    ]
    report = run(le_app, [page(good, *hostile)])
    assert report.new == 1 and report.refused == len(hostile)
    codes = {n["id"]: n["code"] for n in report.notes if n["code"] != "unknown_keywords"}
    assert codes == {"?": "not_an_object", "no id here!": "bad_id", "helsinki:noname": "no_finnish_name",
                     "helsinki:huge": "too_long", "helsinki:badtime": "bad_field", "helsinki:badoffers": "bad_field",
                     "helsinki:espoo": "outside_city", "helsinki:noplace": "place_unknown"}
    description = activity_for(le_app, "helsinki:ok").texts["fi"].description
    assert "Tervetuloa" in description and "script" not in description and "onerror" not in description


def test_a_page_that_fails_halfway_imports_nothing(le_app):
    def pages():
        yield page(event("helsinki:p1", "2026-12-10T10:00:00Z"))
        raise OSError("connection reset")

    report = run(le_app, pages())
    assert report.failed and report.new == 0 and activity_for(le_app, "helsinki:p1") is None
    with le_app.app_context():
        assert runs.last_synced(portal_db.session(), "linked_events") is None


def test_the_query_asks_for_our_users_and_a_sync_since_the_last_run():
    url = linked_events.build_query("https://api.hel.fi/linkedevents/v1/", ["yso:p2433", "helsinki:aflfbatkwe"],
                                    "ocd-division/country:fi/kunta:helsinki")
    assert url.startswith("https://api.hel.fi/linkedevents/v1/event/?")
    assert "keyword_OR=yso:p2433,helsinki:aflfbatkwe" in url and "start=now" in url
    assert "event_type=General,Course" in url and "include=location,keywords" in url
    assert "division=ocd-division" in url and "last_modified_since" not in url
    # The stored sync point is naive UTC (as every stored time): a full UTC timestamp, a few minutes early.
    sync = linked_events.build_query("https://x/v1", ["yso:p2433"], None, dt.datetime(2026, 12, 1, 8, 0))
    assert "last_modified_since=2026-12-01T07:55:00Z" in sync and "show_deleted=true" in sync


def test_pages_are_followed_by_meta_next():
    answers = {"u1": {"meta": {"next": "u2"}, "data": [1]}, "u2": {"meta": {"next": None}, "data": [2]}}
    assert [p["data"] for p in linked_events.fetch_pages("u1", get=answers.__getitem__)] == [[1], [2]]


def test_the_command_reads_saved_files(le_app):
    result = le_app.test_cli_runner().invoke(args=["import", "linked-events", "--from-file",
                                                   str(SAMPLES / "le_events_data.json")])
    assert result.exit_code == 0, result.output
    assert "1 new" in result.output and "postponed" in result.output
