"""Rate limits: memory by default, Redis when REDIS_URL is set so that every worker and server counts
together.

The resident forms count what a robot does and a person does not: many successful sends. A library's
computers share one address, so an address may send a form dozens of times an hour; one browser
session far fewer. Failed tries (a missing answer, a mistyped number) are counted apart, with a small
allowance of their own, so a person who corrects a mistake never uses up the next person's sends.
When a limit is reached the form is shown again with what was typed (see `too_many`), never lost.
"""
from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, abort, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse_many

from portal.forms import visitor_key

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=False)


@dataclass(frozen=True)
class Budget:
    """How often one form may be sent from one address and from one browser session, counting
    successful sends ("ok") and failed tries ("failed") separately."""

    name: str
    ok_per_address: str
    ok_per_session: str
    failed_per_address: str
    failed_per_session: str


# Forms that make a record: a library's busy day (60 people an hour) at one address, ten a session.
CALLBACK = Budget("callback", "60 per hour;20 per minute", "10 per hour", "120 per hour;30 per minute",
                  "30 per hour;10 per minute")
CONCERN = Budget("concern", "60 per hour;20 per minute", "10 per hour", "120 per hour;30 per minute",
                 "30 per hour;10 per minute")
REPORT = Budget("report", "60 per hour;20 per minute", "10 per hour", "120 per hour;30 per minute",
                "30 per hour;10 per minute")
# Saving one step of the concern notice: about ten saves a notice, with changes.
CONCERN_STEP = Budget("concern-step", "600 per hour;100 per minute", "150 per hour;40 per minute",
                      "240 per hour;60 per minute", "60 per hour;20 per minute")
# The status look-up: a wrong guess is a failure, and failures are what guessing needs, so they are
# few per session; an address shared by a library still gets plenty.
LOOKUP = Budget("status", "120 per hour;20 per minute", "30 per hour", "60 per hour;20 per minute",
                "10 per hour")


def _counters(budget: Budget, outcome: str, create_session_id: bool = False):
    per_address, per_session = ((budget.ok_per_address, budget.ok_per_session) if outcome == "ok"
                                else (budget.failed_per_address, budget.failed_per_session))
    yield from ((item, ("form", budget.name, outcome, "address", get_remote_address()))
                for item in parse_many(per_address))
    # A post without a session (a robot that keeps no cookies) is counted by its address only.
    if session_id := visitor_key(create=create_session_id):
        yield from ((item, ("form", budget.name, outcome, "session", session_id)) for item in parse_many(per_session))


def wait_seconds(budget: Budget, outcome: str) -> int | None:
    """None while one more `outcome` fits in every limit of the budget; else the seconds to wait."""
    if not limiter.enabled:
        return None
    strategy, waits = limiter.limiter, []
    try:
        for item, identifiers in _counters(budget, outcome):
            if not strategy.test(item, *identifiers):
                reset = strategy.get_window_stats(item, *identifiers).reset_time
                waits.append(max(1, math.ceil(reset - time.time())))
    except Exception as error:  # noqa: BLE001 - a counter store that is down must not stop a resident's send
        current_app.logger.warning("Rate limit storage failed: %s", type(error).__name__)
        return None
    return max(waits) if waits else None


def record(budget: Budget, outcome: str) -> None:
    """Count one `outcome` ("ok" or "failed") of the form from this address and session."""
    if not limiter.enabled:
        return
    try:
        for item, identifiers in _counters(budget, outcome, create_session_id=True):
            limiter.limiter.hit(item, *identifiers)
    except Exception as error:  # noqa: BLE001 - see wait_seconds
        current_app.logger.warning("Rate limit storage failed: %s", type(error).__name__)


def too_many(page: str, wait: int):
    """The form shown again (with what was typed and the notice saying how long to wait), as a 429."""
    return page, 429, {"Retry-After": str(wait)}


def init_app(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    app.config.setdefault("RATELIMIT_STRATEGY", "moving-window")
    limiter.init_app(app)


def status_lookup(form, find: Callable[[], Any], not_found: str, page: Callable[..., str]):
    """A status page's look-up by reference and check (callback and concern notice alike): refused while
    the guesses are used up, checked before the look-up whatever its outcome (a found item must not tell
    that a guess was right once the guesses are used up), one message for every wrong combination, and
    each try counted. `page(found, **notices)` renders the page; the answer is what the view returns."""
    found = None
    if form.is_submitted():
        if form.looks_automated:
            abort(400)
        wait = max(wait_seconds(LOOKUP, "failed") or 0, wait_seconds(LOOKUP, "ok") or 0)
        if wait:
            return too_many(page(None, limited=wait), wait)
        if form.validate_on_submit():
            found = find()
            if found is None:
                form.reference.errors.append(not_found)
        record(LOOKUP, "ok" if found else "failed")
    return page(found)
