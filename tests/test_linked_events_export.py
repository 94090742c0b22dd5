"""Linked Events-compatible export: our events and places have the keys and JSON types of the real
Linked Events responses in tests/data/interop/ (copied from ../shared/interop/ with their sources and licences)linked-events/ for the fields we fill; paging, series,
cancelled dates, last_modified_since and include=location work as Linked Events has them; and our own
importer (portal/imports/linked_events.py) reads the export back into an empty catalogue."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from portal import db as portal_db

SAMPLES = Path(__file__).resolve().parent / "data" / "interop" / "linked-events"
LOCAL = "https://localhost"


def sample(name: str):
    return json.loads((SAMPLES / name).read_text("utf-8"))


def kind(value) -> str:
    return type(value).__name__


def same_shape(ours: dict, real: dict, where: str = "") -> list[str]:
    """Differences: a key of the real record we lack, or a field both fill with a different JSON type."""
    problems = [f"{where}{key}: missing" for key in real if key not in ours]
    for key, value in real.items():
        mine = ours.get(key)
        if value is None or mine is None:
            continue
        if kind(mine) != kind(value):
            problems.append(f"{where}{key}: {kind(mine)}, not {kind(value)}")
        elif isinstance(value, dict) and key not in ("name", "description", "short_description", "info_url",
                                                     "provider", "location_extra_info", "telephone",
                                                     "street_address", "address_locality", "price"):
            problems += same_shape(mine, value, f"{where}{key}.")
        elif isinstance(value, list) and value and mine and isinstance(value[0], dict):
            problems += same_shape(mine[0], value[0], f"{where}{key}[0].")
    return problems


def get(client, path):
    answer = client.get(path.removeprefix(LOCAL))
    assert answer.status_code == 200, path
    return answer.json


def test_events_page_has_the_shape_of_the_real_one(client):
    real = sample("le_events_data.json")
    ours = get(client, "/api/linked-events/v1/event/?page_size=5")
    assert set(ours) == set(real) and set(ours["meta"]) == set(real["meta"])
    assert kind(ours["meta"]["count"]) == "int" and kind(ours["meta"]["next"]) == "str"
    for event in ours["data"]:
        assert same_shape(event, real["data"][0]) == []
    # Language maps hold only the languages we have, never one filled in from another.
    assert all(set(e["name"]) <= {"fi", "sv", "en"} and all(e["name"].values()) for e in ours["data"])


def test_event_with_location_has_the_shape_of_the_real_one(client):
    real = sample("le_event_data.json")
    ours = get(client, "/api/linked-events/v1/event/?page_size=100&include=location")["data"]
    placed = next(e for e in ours if "name" in e["location"])
    # The sample also asked for include=keywords (keywords in full); ours are references, as without it.
    real = {**real, "keywords": [{"@id": k["@id"]} for k in real["keywords"]]}
    assert same_shape(placed, real) == []
    assert same_shape(placed["location"], real["location"]) == []


def test_places_have_the_shape_of_the_real_ones(client):
    real = sample("le_places_data.json")
    ours = get(client, "/api/linked-events/v1/place/?page_size=2")
    assert set(ours["meta"]) == set(real["meta"])
    assert same_shape(ours["data"][0], real["data"][0]) == []
    one = get(client, ours["data"][0]["@id"])
    assert one == ours["data"][0]


def all_events(client, query=""):
    url, found, count = f"/api/linked-events/v1/event/?page_size=37{query}", [], None
    while url:
        page = get(client, url)
        count = page["meta"]["count"]
        found += page["data"]
        url = page["meta"]["next"]
    assert len(found) == count
    return found


def test_paging_gives_every_event_once(client):
    events = all_events(client)
    assert len({e["id"] for e in events}) == len(events)
    second = get(client, "/api/linked-events/v1/event/?page_size=37&page=2")
    assert second["meta"]["previous"] and "page=1" in second["meta"]["previous"]


def test_weekly_activity_is_a_super_event_with_its_sub_events(client, db):
    from portal.catalogue.models import Activity

    events = {e["id"]: e for e in all_events(client)}
    weekly = next(a for a in db.query(Activity).all() if a.weekly)
    head = events[f"portal:a{weekly.id}"]
    assert head["super_event_type"] == "recurring" and head["sub_events"]
    subs = [events[s["@id"].rstrip("/").rsplit("/", 1)[-1]] for s in head["sub_events"]]
    assert all(s["super_event"]["@id"] == head["@id"] for s in subs)
    assert len(subs) >= 50  # a year of weekly dates, as the catalogue shows them
    assert {s["event_status"] for s in subs} <= {"EventScheduled", "EventCancelled"}
    assert one_event(client, subs[0]["id"]) == subs[0]


def one_event(client, identifier):
    return get(client, f"/api/linked-events/v1/event/{identifier}/")


def test_cancelled_dates_are_cancelled_sub_events(client, db):
    import datetime as dt

    from portal.catalogue.models import Activity

    cancelled = next((a for a in db.query(Activity).all() if a.weekly and a.cancellations), None)
    if cancelled is None:
        pytest.skip("the test catalogue has no cancelled weekly time")
    day = min(c.day for c in cancelled.cancellations if c.day >= dt.date.today())
    sub = one_event(client, f"portal:a{cancelled.id}-{day:%Y%m%d}")
    assert sub["event_status"] == "EventCancelled"


def test_last_modified_since_show_deleted_and_bad_values(client):
    assert get(client, "/api/linked-events/v1/event/?last_modified_since=2999-01-01T00:00:00Z")["meta"]["count"] == 0
    everything = get(client, "/api/linked-events/v1/event/?last_modified_since=2000-01-01T00:00:00Z")["meta"]["count"]
    assert everything == get(client, "/api/linked-events/v1/event/")["meta"]["count"] > 0
    assert get(client, "/api/linked-events/v1/event/?show_deleted=true")["meta"]["count"] == everything
    assert client.get("/api/linked-events/v1/event/?last_modified_since=soon").status_code == 400
    assert client.get("/api/linked-events/v1/event/?page_size=0").status_code == 400
    assert client.get("/api/linked-events/v1/event/portal:a999999/").status_code == 404
    assert client.get("/api/linked-events/v1/event/helsinki:abc/").status_code == 404


def test_our_importer_reads_the_export_back(client, app, fresh_app, db):
    """The round trip: every activity the importer can take (a date, a place in the city) comes back with
    the same names, times, cancelled days and price."""
    from sqlalchemy import select

    from portal.catalogue import schedule
    from portal.catalogue.models import Activity
    from portal.demo.loader import load_postal_areas
    from portal.imports import linked_events as importer

    pages, url = [], "/api/linked-events/v1/event/?page_size=100&include=location"
    while url:
        pages.append(get(client, url))
        url = pages[-1]["meta"]["next"]
    now = schedule.local_now()
    with fresh_app.app_context(), portal_db.transaction() as session:
        load_postal_areas(session)
        report = importer.import_linked_events(pages, session, now=now)
    originals = {a.id: a for a in db.scalars(select(Activity)).unique()}
    with fresh_app.app_context():
        copies = list(portal_db.session().scalars(select(Activity)).unique())
        by_name = {c.texts["fi"].name: c for c in copies}
        compared = 0
        for original in originals.values():
            copy = by_name.get(original.texts["fi"].name)
            if copy is None:
                continue
            compared += 1
            names = {lang: t.name for lang, t in original.texts.items()}
            assert {lang: t.name for lang, t in copy.texts.items()} == names
            assert copy.price_cents == original.price_cents
            assert copy.languages == original.languages
            assert [(s.weekday, s.starts, s.ends) for s in copy.weekly] == \
                [(s.weekday, s.starts, s.ends) for s in original.weekly]
            assert {c.day for c in copy.cancellations} == {c.day for c in original.cancellations if c.day >= now.date()}
            assert (copy.venue is None) == (original.venue is None)
            if copy.venue:
                assert copy.venue.postal_code == original.venue.postal_code
                assert copy.venue.name == {k: v for k, v in original.venue.name.items() if v}
            # The keyword table maps only some of our categories to Linked Events keywords; none is invented.
            assert copy.categories <= original.categories and copy.audiences <= original.audiences
    # Every activity with a coming time comes back; one without ("ask the organiser") has no start and the
    # importer leaves it out, saying so.
    with app.app_context():
        expected = [a for a in originals.values() if schedule.next_occurrence(a, now)]
    assert compared == len(expected) > 0, report.notes
    assert report.refused == 0
    with fresh_app.app_context(), portal_db.transaction() as session:
        again = importer.import_linked_events(pages, session, now=now)
    assert (again.new, again.changed) == (0, 0)  # the export is stable: a second read changes nothing


def test_a_deleted_activity_reaches_linked_events_readers(fresh_app, tmp_path):
    """Removed here (an import's sync), the activity is in show_deleted as the real API has it, only then,
    and a second catalogue reading our export removes its copy."""
    import datetime as dt

    from app_setup import database_url, make_app
    from sqlalchemy import func, select
    from test_imports_linked_events import event, page

    from portal.catalogue import schedule
    from portal.catalogue.models import Activity
    from portal.demo.loader import load_postal_areas
    from portal.imports import linked_events as importer

    now = schedule.local_now()
    day = (now + dt.timedelta(days=7)).date()
    source_event = event("helsinki:x1", f"{day}T10:00:00Z", f"{day}T11:00:00Z")
    reader = make_app(database_url(tmp_path, "reader"))
    try:
        for app in (fresh_app, reader):
            with app.app_context(), portal_db.transaction() as session:
                load_postal_areas(session)
        with fresh_app.app_context(), portal_db.transaction() as session:
            assert importer.import_linked_events([page(source_event)], session, now=now).new == 1
        ours = fresh_app.test_client()
        exported = get(ours, "/api/linked-events/v1/event/?include=location")
        with reader.app_context(), portal_db.transaction() as session:
            assert importer.import_linked_events([exported], session, now=now).new == 1
        before = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        removal = {"id": "helsinki:x1", "deleted": True, "last_modified_time": "2026-11-30T12:00:00Z",
                   "name": {"fi": "POISTETTU", "sv": "RADERAD", "en": "DELETED"}}
        with fresh_app.app_context(), portal_db.transaction() as session:
            assert importer.import_linked_events([page(removal)], session, now=now).removed == 1

        assert get(ours, "/api/linked-events/v1/event/")["data"] == []
        shown = get(ours, f"/api/linked-events/v1/event/?show_deleted=true&last_modified_since={before}")
        [gone] = shown["data"]
        assert shown["meta"]["count"] == 1 and gone["id"] == exported["data"][0]["id"]
        assert set(gone) == {"id", "deleted", "last_modified_time", "name"} and gone["deleted"] is True
        assert get(ours, "/api/linked-events/v1/event/?show_deleted=true"
                         "&last_modified_since=2999-01-01T00:00:00Z")["data"] == []

        with reader.app_context(), portal_db.transaction() as session:
            assert importer.import_linked_events([shown], session, now=now).removed == 1
        with reader.app_context():
            assert portal_db.session().scalar(select(func.count(Activity.id))) == 0
    finally:
        reader.extensions["db_engine"].dispose()
