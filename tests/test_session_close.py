"""The end of a request survives a database that went away while the request ran."""
from __future__ import annotations

from sqlalchemy.exc import OperationalError

from portal import db as portal_db


def test_closing_a_session_on_a_dead_connection_invalidates_it_instead_of_raising(app, monkeypatch):
    invalidated = []
    with app.test_request_context("/fi/"):
        session = portal_db.session()

        def close_on_dead_connection():
            raise OperationalError("ROLLBACK", {}, Exception("terminating connection due to administrator command"))

        monkeypatch.setattr(session, "close", close_on_dead_connection)
        monkeypatch.setattr(session, "invalidate", lambda: invalidated.append(True))
    # Leaving the request context ran the teardown: no exception, and the connection was dropped.
    assert invalidated == [True]
