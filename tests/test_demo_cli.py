"""`flask demo load`, `flask demo synthetic` and `flask demo history`, through the CLI runner, on their own
database."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import catalogue_factory as factory
import pytest
from app_setup import database_url, make_app
from page_checks import check_page
from sqlalchemy import func, select
from staff_support import add_callback, add_concern, flask_command, make_staff

from portal import db as portal_db
from portal.callback.models import CallbackRequest
from portal.catalogue.models import Activity, ActivityIndex, PostalArea, Venue
from portal.catalogue.vocab import DISTRICTS
from portal.concern.models import ConcernNotice
from portal.db import utcnow
from portal.feedback.models import ListingReport
from portal.resident_feedback.models import ContactAnswers, FoundAnswer
from portal.staff.models import ItemNote

DATA = Path(__file__).resolve().parent.parent / "portal" / "demo" / "data"


def count(app, model, *where) -> int:
    with app.app_context():
        return portal_db.session().scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory):
    """One app with the demo catalogue loaded through the CLI, shared by this module's tests."""
    app = make_app(database_url(tmp_path_factory.mktemp("demo"), "demo"))
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    app.extensions["demo_load_output"] = result.output
    yield app
    app.extensions["db_engine"].dispose()


def test_demo_load_loads_the_real_demo_catalogue(demo_app):
    assert "loaded" in demo_app.extensions["demo_load_output"]
    if list(DATA.glob("activities-*.json")):
        assert count(demo_app, Activity) >= 100
    assert count(demo_app, ActivityIndex) == count(demo_app, Activity)
    assert count(demo_app, PostalArea) >= 80
    with demo_app.app_context():
        districts = set(portal_db.session().scalars(select(Venue.district).distinct()))
    assert districts == set(DISTRICTS)


def test_demo_catalogue_lists_coming_activities_in_every_language(demo_app):
    if not list(DATA.glob("activities-*.json")):
        pytest.skip("no demo activities yet")
    client = demo_app.test_client()
    for lang in ("fi", "sv", "en"):
        page = check_page(client.get(f"/{lang}/activities"))
        assert len(page.select(".activity-card")) == 20
    data = client.get("/api/v1/activities").get_json()
    assert data["count"] >= 100


def test_demo_activity_pages_render(demo_app):
    client = demo_app.test_client()
    with demo_app.app_context():
        ids = list(portal_db.session().scalars(select(Activity.id).order_by(Activity.id)))
    for n, activity_id in enumerate(ids[::7]):
        lang = ("fi", "sv", "en")[n % 3]
        check_page(client.get(f"/{lang}/activities/{activity_id}"))
        assert client.get(f"/{lang}/activities/{activity_id}.ics").status_code == 200


def test_demo_load_if_empty_leaves_a_loaded_catalogue_alone(demo_app):
    before = count(demo_app, Activity)
    result = demo_app.test_cli_runner().invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0 and "left as it is" in result.output
    assert count(demo_app, Activity) == before


def test_demo_synthetic_adds_the_number_asked_for_and_replaces_earlier_ones(demo_app):
    runner = demo_app.test_cli_runner()
    synthetic = Activity.key.like("synthetic-%")
    before = count(demo_app, Activity, ~synthetic)
    result = runner.invoke(args=["demo", "synthetic", "--count", "300"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    assert "300" in result.output
    assert count(demo_app, Activity, synthetic) == 300
    assert count(demo_app, Activity) == before + 300
    assert count(demo_app, ActivityIndex) == before + 300
    again = runner.invoke(args=["demo", "synthetic", "--count", "300"])
    assert again.exit_code == 0
    assert count(demo_app, Activity, synthetic) == 300  # replaced, not doubled
    demo_app.extensions.pop("places", None)
    data = demo_app.test_client().get("/api/v1/activities?q=chair+exercise&lang=en").get_json()
    assert data["count"] > 0


def test_demo_synthetic_rejects_a_bad_count(demo_app):
    result = demo_app.test_cli_runner().invoke(args=["demo", "synthetic", "--count", "0"])
    assert result.exit_code != 0


def test_demo_synthetic_needs_the_demo_catalogue_first(fresh_app):
    result = fresh_app.test_cli_runner().invoke(args=["demo", "synthetic", "--count", "5"])
    assert result.exit_code != 0
    assert count(fresh_app, Activity) == 0


def test_the_app_can_be_made_twice_in_one_process(tmp_path):
    # Two apps can be made in one process (tests, workers that build apps): making an app changes no
    # module-level blueprint that an earlier app already registered.
    from portal import create_app

    url = f"sqlite:///{tmp_path / 'twice.sqlite3'}"
    first = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "x"})
    second = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "x"})
    assert first is not second


def test_db_upgrade_command_is_idempotent(fresh_app):
    result = fresh_app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output + repr(result.exception)


# --- demo history: a year of submissions, never over real ones, never in the future -------------------------

DATED = {CallbackRequest: ("created_at", "status_changed_at", "first_contact_at", "reached_at", "closed_at"),
         ConcernNotice: ("created_at", "status_changed_at", "first_contact_at", "closed_at")}


def latest_moment(app) -> dt.datetime:
    with app.app_context():
        session = portal_db.session()
        return max(session.scalar(select(func.max(getattr(model, column)))) for model, columns in DATED.items()
                   for column in columns)


def history(app, *args: str):
    return flask_command(app, "demo", "history", *args)


def listing_report(app) -> int:
    """A resident's report on a listing, as the report form stores it (64 hex digits of form token)."""
    with app.app_context(), portal_db.transaction() as session:
        organiser = factory.organiser(session, "report-org", {"fi": "Järjestäjä"})
        found = factory.activity(session, "report-activity", organiser, None,
                                 [factory.text("fi", "Tuolijumppa", "Jumppaa tuolilla.")])
        session.flush()
        report = ListingReport(activity_id=found.id, kind="time", text="Aika on muuttunut.", ui_language="fi",
                               submission="a" * 64)
        session.add(report)
        session.flush()
        return report.id


def test_demo_history_on_an_empty_database_makes_a_year_and_nothing_after_now(fresh_app):
    result = history(fresh_app)
    finished = utcnow()
    assert result.exit_code == 0, result.output + repr(result.exception)
    assert "Deleting" not in result.output  # there was nothing to delete
    callbacks, concerns = count(fresh_app, CallbackRequest), count(fresh_app, ConcernNotice)
    assert callbacks > 500 and concerns > 200
    assert f"{callbacks} callback requests, {concerns} concern notices generated." in result.output
    assert latest_moment(fresh_app) <= finished


def test_demo_history_run_again_replaces_its_own_history_without_asking(fresh_app):
    assert history(fresh_app).exit_code == 0
    first = count(fresh_app, CallbackRequest)
    again = history(fresh_app)
    assert again.exit_code == 0, again.output
    assert f"Deleting {first} callback requests" in again.output
    assert "real" not in again.output
    assert count(fresh_app, CallbackRequest) == first  # replaced, not doubled


@pytest.mark.parametrize("hour", [0, 5, 7, 10, 13, 15, 23])
def test_demo_history_dates_nothing_later_than_the_moment_given(fresh_app, hour):
    # A working day at various hours (UTC): the old generator gave the day's submissions hours 6-13 and
    # closed recent ones up to days later, whatever the time it ran.
    from portal.demo.history import generate

    now = dt.datetime(2026, 11, 25, hour, 30)  # a Wednesday
    with fresh_app.app_context(), portal_db.transaction():
        counts = generate(now)
    assert counts["callback requests"] > 500
    assert latest_moment(fresh_app) <= now
    with fresh_app.app_context():
        session = portal_db.session()
        open_callbacks = session.scalar(select(func.count()).select_from(CallbackRequest).where(
            CallbackRequest.status == "new", CallbackRequest.outcome.is_(None), CallbackRequest.closed_at.is_(None)))
        closed = session.scalars(select(CallbackRequest).where(CallbackRequest.closed_at.is_not(None))).all()
    assert open_callbacks > 0  # the last days are still waiting in the queue
    # An unanswered request was never contacted: it has no first contact, only its closing time.
    assert closed and all(c.created_at <= (c.first_contact_at or c.closed_at) <= c.closed_at <= now for c in closed)
    assert all(c.first_contact_at is None for c in closed if c.status == "closed_no_answer")
    assert all(c.status_changed_at == c.closed_at for c in closed)


@pytest.mark.parametrize("real", ["callback", "concern", "listing report", "questionnaire", "search answer"])
def test_demo_history_refuses_while_real_submissions_exist(fresh_app, real):
    assert history(fresh_app).exit_code == 0  # some demo history first: only the real one counts
    demo_callbacks = count(fresh_app, CallbackRequest)
    if real == "callback":
        kept = add_callback(fresh_app)
        model, expected = CallbackRequest, "1 callback request"
    elif real == "concern":
        kept = add_concern(fresh_app)
        model, expected = ConcernNotice, "1 concern notice"
    elif real == "listing report":
        listing_report(fresh_app)
        model, expected, kept = ListingReport, "1 listing report", None
    else:  # anonymous answers: nothing marks a demo one, so every one is real
        with fresh_app.app_context(), portal_db.transaction() as session:
            session.add(ContactAnswers(month="2026-11", channel="callback", ui_language="fi", encounter=4)
                        if real == "questionnaire" else FoundAnswer(month="2026-11", ui_language="fi", found=True))
        model, kept = (ContactAnswers, None) if real == "questionnaire" else (FoundAnswer, None)
        expected = "1 feedback questionnaire" if real == "questionnaire" else "1 search feedback answer"
    before = {m: count(fresh_app, m) for m in (CallbackRequest, ConcernNotice, ListingReport, ContactAnswers,
                                                FoundAnswer)}
    result = history(fresh_app)
    assert result.exit_code != 0
    assert expected in result.output and "--replace" in result.output and "nothing was changed" in result.output
    assert {m: count(fresh_app, m) for m in before} == before
    if kept is not None:
        assert count(fresh_app, model, model.submission == kept.submission) == 1
    assert count(fresh_app, CallbackRequest) >= demo_callbacks


def test_demo_history_replace_says_what_it_deletes_then_deletes_it(fresh_app):
    adviser = make_staff(fresh_app, ["adviser"])
    callbacks = [add_callback(fresh_app) for _ in range(3)]
    concern = add_concern(fresh_app)
    report_id = listing_report(fresh_app)
    with fresh_app.app_context(), portal_db.transaction() as session:
        session.add(ItemNote(item_type="callback", item_id=callbacks[0].id, staff_id=adviser.id))
        session.add(ItemNote(item_type="concern", item_id=concern.id, staff_id=adviser.id))
    result = history(fresh_app, "--replace")
    assert result.exit_code == 0, result.output + repr(result.exception)
    deleting, generated = result.output.strip().splitlines()
    assert deleting == ("Deleting 3 callback requests, 1 concern notice (real ones among them: 3 callback "
                        "requests, 1 concern notice). Kept: 1 listing report.")
    assert generated.endswith(" generated.")
    real = [c.submission for c in callbacks] + [concern.submission]
    assert count(fresh_app, CallbackRequest, CallbackRequest.submission.in_(real)) == 0
    assert count(fresh_app, ConcernNotice, ConcernNotice.submission.in_(real)) == 0
    assert count(fresh_app, ItemNote) == 0  # no old note is left to be shown on a new item with the same id
    assert count(fresh_app, ListingReport, ListingReport.id == report_id) == 1
    assert count(fresh_app, CallbackRequest) > 500
