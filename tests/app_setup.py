"""Making the app for tests: a fresh database (SQLite file or PostgreSQL), migrated with Alembic."""
from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from portal import create_app

TEST_DATABASE_URL = os.environ.get("PORTAL_TEST_DATABASE_URL")


def _reset_postgres(url: str) -> None:
    """Drop everything in the database (tables, types, alembic_version), creating it if needed."""
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                   {"name": parsed.database})
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def database_url(tmp_dir: Path, name: str) -> str:
    """A fresh, empty database: a new SQLite file, or the PostgreSQL test database (or a sibling
    database named after it for apps that need their own)."""
    if TEST_DATABASE_URL:
        url = make_url(TEST_DATABASE_URL)
        if name != "main":
            url = url.set(database=f"{url.database}_{name}")
        url_text = url.render_as_string(hide_password=False)
        _reset_postgres(url_text)
        return url_text
    return f"sqlite:///{tmp_dir / f'{name}.sqlite3'}"


def make_app(url: str):
    """The app with a test configuration, its database migrated to the newest schema."""
    from alembic import command

    from portal.cli import alembic_config

    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret-key",
                      "WTF_CSRF_ENABLED": True})
    # create_app built the engine from DATABASE_URL in the test config; migrate that same database.
    with app.app_context():
        command.upgrade(alembic_config(), "head")
    return app


def app_with_catalogue(tmp_dir: Path, name: str):
    """A migrated app on its own database, holding the hand-made catalogue of tests/catalogue_factory.py
    (its {key: id} in app.extensions["test_catalogue"]). Dispose of app.extensions["db_engine"] after."""
    import catalogue_factory

    from portal import db as portal_db

    app = make_app(database_url(tmp_dir, name))
    with app.app_context(), portal_db.transaction() as session:
        app.extensions["test_catalogue"] = catalogue_factory.build_catalogue(session)
    app.extensions.pop("places", None)
    return app
