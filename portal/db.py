"""The database: one engine per app, one session per request, one place that commits."""
from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, g
from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """Stored times are UTC without a zone; pages show them in the city's time."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Database error messages quote stored values: PostgreSQL's DETAIL ("Failing row contains (…name,
# phone…)", "Key (email)=(…)") and CONTEXT lines, and the literal in a data error ('invalid input
# syntax for type integer: "…"'). Only the first line is kept, with quoted literals blanked except
# the names of constraints, tables and the like, which say where the error is.
_AFTER_FIRST_LINE = re.compile(r"\n.*", re.DOTALL)
_QUOTED = re.compile(r'(\b(?:constraint|relation|column|table|index|type|encoding) )?("[^"]*"|\'[^\']*\')')


def without_values(message: str) -> str:
    """A database error's message without the stored values it may quote."""
    return _QUOTED.sub(lambda m: m.group(0) if m.group(1) else '"…"', _AFTER_FIRST_LINE.sub("", message))


def scrub(error: BaseException) -> None:
    """Strip values from a database error and the driver's error it wraps, in place, before anything
    formats them into a log line or a traceback (which prints the wrapped error too)."""
    if isinstance(error, StatementError):
        error.hide_parameters = True
        if error.orig is not None:
            scrub(error.orig)
    if error.args and isinstance(error.args[0], str):
        error.args = (without_values(error.args[0]), *error.args[1:])


def _scrub_error(context) -> None:
    """Engine hook: every database error leaves the engine without values."""
    scrub(context.sqlalchemy_exception if context.sqlalchemy_exception is not None else context.original_exception)


class NoSqlValues(logging.Filter):
    """Second line of defence on the app's loggers: a database error in a log record (its traceback or
    its arguments) is written without statement parameters or quoted values."""

    def filter(self, record: logging.LogRecord) -> bool:
        errors = [record.exc_info[1]] if record.exc_info and record.exc_info[1] is not None else []
        errors += [arg for arg in (record.args if isinstance(record.args, tuple) else ()) if isinstance(arg, BaseException)]
        for error in errors:
            while error is not None:  # the chain a traceback prints
                if isinstance(error, StatementError) or type(error).__module__.split(".")[0] in _DRIVERS:
                    scrub(error)
                error = error.__cause__ or error.__context__
        return True


_DRIVERS = {"psycopg", "psycopg2", "sqlite3"}


def make_engine(url: str) -> Engine:
    # hide_parameters: no statement's values (names, phone numbers, hashes) in any error or log line.
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, hide_parameters=True)
        event.listen(engine, "handle_error", _scrub_error)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            # WAL lets readers and one writer work at once; foreign keys are off by default in SQLite.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10, hide_parameters=True)
    event.listen(engine, "handle_error", _scrub_error)
    return engine


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["db_engine"] = engine
    app.extensions["db_sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)
    for name in (app.logger.name, "gunicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, NoSqlValues) for f in logger.filters):
            logger.addFilter(NoSqlValues())


def session() -> Session:
    """The current request's (or CLI command's) session."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["db_sessionmaker"]()
    return g.db_session


@contextmanager
def transaction() -> Iterator[Session]:
    """The one place that commits: everything inside is saved together or not at all."""
    db = session()
    try:
        yield db
        db.commit()
    except BaseException:
        db.rollback()
        raise


def _close_session(_exc: BaseException | None) -> None:
    db = g.pop("db_session", None)
    if db is not None:
        db.close()
