"""Rate limits for submissions and look-ups: memory by default, Redis when REDIS_URL is set so that
every worker and server counts together."""
from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=False)

# A library's public computers share one address, so limits leave room for several people.
SUBMISSIONS = "20 per hour;5 per minute"
LOOKUPS = "30 per hour;10 per minute"
# Saving one step of a form that has several: generous, but a flood is still stopped.
STEPS = "300 per hour;40 per minute"


def init_app(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    app.config.setdefault("RATELIMIT_STRATEGY", "moving-window")
    limiter.init_app(app)
