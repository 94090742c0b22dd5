"""The database: one engine per app, one session per request or command, committed once at its end."""
from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click
from flask import Flask, current_app, g, has_app_context, has_request_context
from flask.cli import ScriptInfo
from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InterfaceError, OperationalError, StatementError
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
        errors += [arg for arg in (record.args if isinstance(record.args, tuple) else ())
                   if isinstance(arg, BaseException)]
        for first in errors:
            error: BaseException | None = first
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

    @event.listens_for(engine, "connect")
    def _postgres_settings(dbapi_connection, _record):
        # Every statement of this app reads a few rows through an index. Parallel workers and JIT pay
        # off for long analytic scans; for a capped count they only add start-up time (a parallel count
        # of 2 000 matches took 49 ms at 1 000 000 activities, the same count without workers about
        # 1 ms). Set per connection, leaving any `options` in DATABASE_URL alone; behind a pooler in
        # transaction mode set them for the role instead (README, Production).
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET max_parallel_workers_per_gather = 0")
            cursor.execute("SET jit = off")
        dbapi_connection.commit()

    return engine


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["db_engine"] = engine
    make_session = sessionmaker(engine, expire_on_commit=False)
    event.listen(make_session, "after_flush", _flushed)
    for ended in ("after_commit", "after_rollback"):
        event.listen(make_session, ended, _saved_or_dropped)
    app.extensions["db_sessionmaker"] = make_session
    app.extensions["db_unsaved"] = []
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


# --- the unit of work ---------------------------------------------------------------------------------------
#
# A request, or a CLI command, is one unit of work: everything it changes is saved together once at the
# end, or nothing is. Data functions add and change objects in session() and never commit; the app
# (PortalApp.dispatch_request in portal/__init__.py) commits after the view returned an answer below 400,
# and run_as_unit_of_work does the same for each CLI command. So approving a change, claiming, closing
# or purging can never be left half-done, and a confirmation page is only built from saved data.


def commit() -> None:
    """Save the unit of work now; when that fails, nothing of it is kept (rolled back) and the error
    is raised. The app calls this after the view; a view calls it itself only where a failed save must
    show its own page (the forms that keep what was typed): inside its try, before the confirmation."""
    if "db_session" not in g:
        return
    try:
        g.db_session.commit()
    except BaseException:
        g.db_session.rollback()
        raise


def after_commit(action: Callable[[], None]) -> None:
    """Run `action` once this unit of work is saved, and never if it is not: a cookie that points at a
    new row is set only when the row exists."""
    event.listen(session(), "after_commit", lambda _db: action(), once=True)


def save_even_if_refused() -> None:
    """This request's changes are saved even though its answer is a refusal (a status of 400 or more,
    or abort()): a counted sign-in failure or a security event must outlast the refusal it causes."""
    g.db_save_even_if_refused = True


def end_request(status: int | None) -> None:
    """After the view: commit when it answered below 400 (status), or was refused (status None: an
    HTTP error raised, or 400 or more) after save_even_if_refused(). A 503 says the save failed: what
    it left is rolled back. Other refusals save nothing, and a change still pending then is reported
    when the request ends (see _close_session): it shows a write that should have been kept or not made."""
    if "db_session" not in g:
        return
    if (status is not None and status < 400) or g.get("db_save_even_if_refused"):
        commit()
    elif status == 503:
        g.db_session.rollback()


def abandon() -> None:
    """The view failed (an exception other than an HTTP refusal): nothing it changed is saved."""
    if "db_session" in g:
        g.db_session.rollback()


def run_as_unit_of_work(command: Callable) -> Callable:
    """A CLI command's body, committed once when it returns and rolled back when it fails."""
    @functools.wraps(command)
    def run(*args, **kwargs):
        if not has_app_context():  # as flask.cli.with_appcontext does, so that g is there already
            context = click.get_current_context()
            context.with_resource(context.ensure_object(ScriptInfo).load_app().app_context())
        g.db_unit_of_work = True
        try:
            result = command(*args, **kwargs)
        except BaseException:
            abandon()
            raise
        finally:
            g.pop("db_unit_of_work", None)
        commit()
        return result
    return run


@contextmanager
def transaction() -> Iterator[Session]:
    """For code outside any request and CLI command (tests, benchmarks, one-off scripts): everything
    inside is saved together or not at all. Inside a request or command the unit of work commits, so
    calling this there is a mistake, refused at once."""
    if has_request_context() or g.get("db_unit_of_work"):
        raise RuntimeError("db.transaction() inside a request or CLI command: the unit of work commits; "
                           "change objects in db.session() and let the request or command end.")
    db = session()
    try:
        yield db
        db.commit()
    except BaseException:
        db.rollback()
        raise


def _flushed(db: Session, _context) -> None:
    db.info["unsaved_flush"] = True


def _saved_or_dropped(db: Session) -> None:
    db.info["unsaved_flush"] = False


def unsaved_changes(db: Session) -> bool:
    """Changes made in the session and neither committed nor rolled back: pending objects, or
    statements already sent in a transaction still open."""
    return bool(db.new or db.deleted or any(db.is_modified(o) for o in db.dirty) or db.info.get("unsaved_flush"))


def _close_session(_exc: BaseException | None) -> None:
    """End of a request or command. A request's changes still unsaved here are lost: its view answered
    an error after writing without save_even_if_refused(), or something wrote after the commit. Logged,
    and kept in app.extensions["db_unsaved"] in tests, whose client fails the test."""
    g.pop("db_save_even_if_refused", None)
    db = g.pop("db_session", None)
    if db is None:
        return
    where = g.pop("db_endpoint", None)  # set for requests only
    if where is not None and _exc is None and unsaved_changes(db):
        current_app.logger.warning("Unsaved database changes discarded at the end of %s", where)
        if current_app.testing:
            current_app.extensions["db_unsaved"].append(where)
    try:
        db.close()
    except (OperationalError, InterfaceError):
        # The database went away mid-request (a restart): closing rolls back on a dead connection.
        # The answer (often the 503 page) is already made; drop the connection instead of a 500.
        db.invalidate()
