"""`flask demo load` and `flask demo synthetic`, through the CLI runner, on their own database."""
from __future__ import annotations

from pathlib import Path

import pytest
from app_setup import database_url, make_app
from page_checks import check_page
from sqlalchemy import func, select

from portal import db as portal_db
from portal.catalogue.models import Activity, ActivityIndex, PostalArea, Venue
from portal.catalogue.vocab import DISTRICTS

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
