"""Error pages in the visitor's language; never a bare server error."""
from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable

from flask import Flask, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError, TimeoutError as SQLTimeoutError
from werkzeug.exceptions import HTTPException, InternalServerError

MESSAGES = {
    400: (_l("Something in the request was not right"),
          _l("The page could not read what was sent. Please go back and try again.")),
    403: (_l("You cannot open this page"), _l("This page is not open to you.")),
    404: (_l("Page not found"),
          _l("The address may be mistyped, or the page has moved. Check the address or start from the front page.")),
    405: (_l("Something in the request was not right"),
          _l("The page could not read what was sent. Please go back and try again.")),
    413: (_l("What you sent is too long"),
          _l("Please shorten the text and send it again.")),
    429: (_l("Too many tries"), _l("Please wait a moment and try again.")),
    500: (_l("Sorry, something went wrong on our side"),
          _l("Please try again in a moment. If it keeps happening, call us.")),
    503: (_l("The service is not available just now"),
          _l("Please try again in a few minutes. Answers you had already saved are kept.")),
}

# The database could not be reached (restarting, a lost connection, a full pool): a short wait helps,
# so the visitor gets a 503 that says so, never a 500.
UNAVAILABLE = (OperationalError, InterfaceError, DisconnectionError, SQLTimeoutError)


# Forms that can show themselves again with what was typed when their security token has expired.
_KEEP_INPUT: dict[str, Callable] = {}


def keeps_input_when_expired(endpoint: str):
    """Register a function that re-renders `endpoint`'s form from request.form after a CSRF expiry."""
    def register(function: Callable) -> Callable:
        _KEEP_INPUT[endpoint] = function
        return function
    return register


def expired_form_again(form):
    """The form as it was sent, checked again (so its own errors show), with a fresh security token."""
    form.validate()
    form.csrf_token.errors = []
    return form


def render_error(status: int, heading=None, message=None):
    default_heading, default_message = MESSAGES.get(status, MESSAGES[500])
    return render_template("errors/error.html", status=status, heading=heading or default_heading,
                           message=message or default_message), status


def _too_many_requests():
    """A limit of flask-limiter's (staff sign-in): the page says so and Retry-After says when."""
    from portal.limits import limiter

    current = limiter.current_limit
    wait = max(1, math.ceil(current.reset_at - time.time())) if current is not None else 60
    body, status = render_error(429)
    return body, status, {"Retry-After": str(wait)}


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_expired(_error):
        if request.endpoint in _KEEP_INPUT:
            return _KEEP_INPUT[request.endpoint](**(request.view_args or {}))
        return render_error(400, _l("The form had expired"),
                            _l("For your safety, forms expire after a while. "
                               "Go back, reload the page and send it again."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 429:
            return _too_many_requests()
        return render_error(error.code or 500)

    def database_unavailable(error):
        # The type only: the error's text can carry the statement's values (personal data).
        current_app.logger.error("Database unavailable: %s", type(error).__name__)
        from portal import db

        # The connection is already gone; the session is closed after the request.
        with contextlib.suppress(Exception):
            db.session().rollback()
        body, status = render_error(503)
        return body, status, {"Retry-After": "30"}

    for exception in UNAVAILABLE:
        app.register_error_handler(exception, database_unavailable)

    @app.errorhandler(InternalServerError)
    def server_error(_error):
        return render_error(500)
