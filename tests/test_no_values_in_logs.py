"""No personal data in any log: a database error inside a request (an IntegrityError, an
OperationalError) is logged with its statement but without the values sent with it, and without the
values the database quotes back (PostgreSQL's DETAIL lines)."""
from __future__ import annotations

import logging
import sys
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from portal import db as portal_db
from portal.db import NoSqlValues
from portal.staff.models import StaffUser


@pytest.fixture
def failing_app(fresh_app):
    """The app with two routes that fail in the database the way a bug would, with personal values."""
    secret = f"Secret Resident {uuid.uuid4().hex[:8]}"

    @fresh_app.get("/test-only/integrity")
    def integrity():
        session = portal_db.session()
        for _ in range(2):  # the same staff e-mail twice breaks its unique constraint
            session.add(StaffUser(email=f"{secret.replace(' ', '.')}@example.fi", name=secret, password_hash=secret,
                                  roles=[]))
        session.commit()
        return "not reached"

    @fresh_app.get("/test-only/operational")
    def operational():
        portal_db.session().execute(text("SELECT * FROM no_such_table WHERE name = :name"), {"name": secret})
        return "not reached"

    fresh_app.config["PROPAGATE_EXCEPTIONS"] = False
    fresh_app.extensions["test_secret"] = secret
    return fresh_app


@pytest.mark.parametrize("route", ["integrity", "operational"])
def test_a_database_error_in_a_request_logs_no_values(failing_app, caplog, route):
    secret = failing_app.extensions["test_secret"]
    with caplog.at_level(logging.INFO):
        response = failing_app.test_client().get(f"/test-only/{route}")
    assert response.status_code in (500, 503)  # an unavailable database is a 503 page
    logged = caplog.text
    assert ("IntegrityError" in logged) if route == "integrity" else ("OperationalError" in logged or
                                                                      "ProgrammingError" in logged)  # PostgreSQL
    assert secret not in logged
    assert secret.split()[-1] not in logged


def test_the_log_filter_removes_values_an_error_carries():
    """Even an error raised without the engine's protections (parameters shown, a DETAIL line with the
    row) is written without them."""
    class DriverError(Exception):
        pass

    orig = DriverError('null value in column "phone" of relation "callback_request" violates not-null constraint\n'
                       "DETAIL:  Failing row contains (7, Maija Meikäläinen, null).")
    error = IntegrityError("INSERT INTO callback_request (name) VALUES (%(name)s)", {"name": "Maija Meikäläinen"}, orig)
    try:
        raise error
    except IntegrityError:
        record = logging.LogRecord("portal", logging.ERROR, __file__, 1, "Exception on /x: %s", (error,), sys.exc_info())
    assert NoSqlValues().filter(record)
    formatted = logging.Formatter().format(record)
    assert "Meikäläinen" not in formatted
    assert 'column "phone" of relation "callback_request"' in formatted
