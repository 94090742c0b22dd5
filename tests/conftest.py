"""Shared fixtures: the app on a fresh, migrated database, its clients, and a known catalogue.

SQLite by default (a new file per test session); PostgreSQL when PORTAL_TEST_DATABASE_URL is set,
e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test (all its tables are dropped first).
CSRF protection stays on: form tests take the token from the page like a browser does.
"""
from __future__ import annotations

import pytest
from app_setup import app_with_catalogue, database_url, make_app
from checked_client import CheckedClient

from portal import PortalApp, db as portal_db

# Every app a test makes sends its requests through the checking client.
PortalApp.test_client_class = CheckedClient


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    app = app_with_catalogue(tmp_path_factory.mktemp("db"), "main")
    yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture(scope="session")
def catalogue(app) -> dict[str, int]:
    """{activity key: id} of the hand-made catalogue in tests/catalogue_factory.py."""
    return app.extensions["test_catalogue"]


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    """A database session inside an app context, for reading what the pages should show."""
    with app.app_context():
        yield portal_db.session()


@pytest.fixture
def fresh_app(tmp_path):
    """An app on its own empty, migrated database, for tests that replace the catalogue."""
    app = make_app(database_url(tmp_path, "scratch"))
    yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture
def fresh_limits():
    """The staff sign-in rate limiter's counts cleared before and after the test; modules whose tests
    sign in many times use it for every test (pytestmark = pytest.mark.usefixtures("fresh_limits"))."""
    from staff_support import reset_limits

    reset_limits()
    yield
    reset_limits()
