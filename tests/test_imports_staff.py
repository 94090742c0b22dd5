"""Editors see the import runs and add calendars on a staff page; an imported activity's page says
where its information comes from."""
from __future__ import annotations

import pytest
from page_checks import check_page
from staff_support import csrf, make_staff, sign_in, text_of
from test_imports_linked_events import NOW, event, page

from portal import db as portal_db
from portal.catalogue.models import Organiser
from portal.demo.loader import load_postal_areas
from portal.imports import linked_events, runs
from portal.imports.models import CalendarFeed


@pytest.fixture
def le_app(fresh_app):
    with fresh_app.app_context(), portal_db.transaction() as session:
        load_postal_areas(session)
        session.add(Organiser(key="ngo-test", kind="ngo", name={"fi": "Yhdistys"}))
        report = linked_events.import_linked_events(
            [page(event("helsinki:s1", "2026-12-10T10:00:00Z", last_modified_time="2026-11-20T08:00:00Z"),
                  event("helsinki:bad", "2026-12-10T10:00:00Z", name={"sv": "Bara svenska"}))], session, now=NOW)
        runs.save(session, report, NOW)
    return fresh_app


def test_an_editor_sees_each_run_with_its_counts_and_reasons(le_app):
    client = sign_in(le_app, make_staff(le_app, ["editor"]))
    response = client.get("/en/staff/imports")
    check_page(response)
    text = text_of(response)
    assert "Linked Events" in text and "No name in Finnish." in text and "helsinki:bad" in text
    finnish = text_of(client.get("/fi/staff/imports"))
    assert "Ei nimeä suomeksi." in finnish


def test_only_editors_open_the_imports_page(le_app):
    client = sign_in(le_app, make_staff(le_app, ["adviser"]))
    assert client.get("/en/staff/imports").status_code == 403


def test_a_calendar_is_added_and_a_bad_address_keeps_what_was_typed(le_app):
    client = sign_in(le_app, make_staff(le_app, ["editor"]))
    with le_app.app_context():
        organiser_id = portal_db.session().query(Organiser.id).filter_by(key="ngo-test").scalar()
    form = {"csrf_token": csrf(client), "organiser_id": organiser_id, "venue_id": 0, "url": "javascript:alert(1)"}
    refused = client.post("/en/staff/imports", data=form)
    check_page(refused)
    assert "starting with https://" in text_of(refused)
    assert "javascript:alert(1)" in refused.get_data(as_text=True)
    added = client.post("/en/staff/imports", data={**form, "url": "https://example.fi/kalenteri.ics"})
    assert added.status_code == 303
    with le_app.app_context():
        [feed] = portal_db.session().query(CalendarFeed).all()
        assert (feed.url, feed.organiser_id, feed.venue_id) == ("https://example.fi/kalenteri.ics", organiser_id, None)


def test_an_imported_activity_says_where_it_comes_from(le_app):
    from test_imports_linked_events import activity_for

    activity = activity_for(le_app, "helsinki:s1")
    text = text_of(le_app.test_client().get(f"/en/activities/{activity.id}"))
    assert "From Linked Events, updated on" in text


def test_an_imported_listings_edit_page_says_what_the_source_owns(le_app):
    from test_imports_linked_events import activity_for

    activity = activity_for(le_app, "helsinki:s1")
    client = sign_in(le_app, make_staff(le_app, ["editor"]))
    text = text_of(client.get(f"/en/staff/listings/{activity.id}"))
    assert "This listing comes from Linked Events." in text and "What you add is kept" in text
