"""A small shared cache for things that are costly to make and cheap to keep: rendered result cards,
counts and facets of a filter set.

In-process (Flask-Caching's SimpleCache) by default, so `make run` and the tests need nothing more;
Redis (RedisCache) when REDIS_URL is set, so that every gunicorn worker and server shares one copy and
an edit made through one worker is seen by all.

Invalidation is by version, never by deleting keys: every key carries the catalogue's version, so an
edit, an import or a roll-forward that bumps the version makes every old entry unreachable at once
(they age out by their timeout, or by SimpleCache's size limit). A cache is a help, never a
dependency: when Redis is down a `get` is a miss and a `set` does nothing, and the page is made the
slow way.

    from portal import cache
    html = cache.get("card", f"{activity_id}:{lang}", version=v)
    if html is None:
        html = render(...)
        cache.set("card", f"{activity_id}:{lang}", html, version=v)
    # or, the same in one call:
    html = cache.get_or_set("card", f"{activity_id}:{lang}", lambda: render(...), version=v)
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app
from flask_caching import Cache

_cache = Cache()

# What a miss looks like from get_or_set when None itself is worth caching (a count of nothing).
_MISSING = object()


def init_app(app: Flask) -> None:
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        app.config.setdefault("CACHE_TYPE", "RedisCache")
        app.config.setdefault("CACHE_REDIS_URL", redis_url)
    else:
        app.config.setdefault("CACHE_TYPE", "SimpleCache")
        # Bounded, so that one worker's cards and counts stay a few megabytes (a card is about 2 KB).
        app.config.setdefault("CACHE_THRESHOLD", 4000)
    # A key written by this app is "portal:<prefix>:<version>:<key>", apart from the rate limiter's.
    app.config.setdefault("CACHE_KEY_PREFIX", "portal:")
    # An hour: a version bump makes old entries unreachable well before that; the timeout only frees them.
    app.config.setdefault("CACHE_DEFAULT_TIMEOUT", 3600)
    _cache.init_app(app)


_SPACE = re.compile(r"\s")


def _key(prefix: str, key: str, version: Any) -> str:
    # Keys built from a visitor's filter words can be long and hold any character: hash them so that
    # every backend accepts them and a key's length never depends on what was typed.
    if len(key) > 120 or not key.isascii() or _SPACE.search(key):
        key = hashlib.blake2b(key.encode(), digest_size=16).hexdigest()
    return f"{prefix}:{version}:{key}"


def _failed(action: str, error: Exception) -> None:
    current_app.logger.warning("Cache %s failed: %s", action, type(error).__name__)


def get(prefix: str, key: str, *, version: Any = 0, default: Any = None) -> Any:
    """The value stored under (prefix, key) for this version, else `default`."""
    try:
        value = _cache.cache.get(_key(prefix, key, version))
    except Exception as error:  # noqa: BLE001 - a cache that is down is a miss, never a 500
        _failed("get", error)
        return default
    return default if value is None else value


def set(prefix: str, key: str, value: Any, *, version: Any = 0, timeout: int | None = None) -> None:
    """Store `value` (anything picklable except None) under (prefix, key) for this version."""
    try:
        _cache.cache.set(_key(prefix, key, version), value, timeout=timeout)
    except Exception as error:  # noqa: BLE001 - see get
        _failed("set", error)


def get_or_set(prefix: str, key: str, make: Callable[[], Any], *, version: Any = 0,
               timeout: int | None = None) -> Any:
    """The stored value, or `make()` stored and returned (None from `make` is returned, not stored)."""
    value = get(prefix, key, version=version, default=_MISSING)
    if value is _MISSING:
        value = make()
        if value is not None:
            set(prefix, key, value, version=version, timeout=timeout)
    return value


def get_many(prefix: str, keys: list[str], *, version: Any = 0) -> dict[str, Any]:
    """The stored values of several keys in one round trip (a page of cards): {key: value} of the hits."""
    if not keys:
        return {}
    try:
        values = _cache.cache.get_many(*[_key(prefix, k, version) for k in keys])
    except Exception as error:  # noqa: BLE001 - see get
        _failed("get_many", error)
        return {}
    return {k: v for k, v in zip(keys, values, strict=True) if v is not None}  # MGET answers every key


def set_many(prefix: str, values: dict[str, Any], *, version: Any = 0, timeout: int | None = None) -> None:
    """Store several values in one round trip."""
    if not values:
        return
    try:
        _cache.cache.set_many({_key(prefix, k, version): v for k, v in values.items()}, timeout=timeout)
    except Exception as error:  # noqa: BLE001 - see get
        _failed("set_many", error)


def clear() -> None:
    """Forget everything this app stored (tests; `flask cache clear` after a restore)."""
    try:
        _cache.cache.clear()
    except Exception as error:  # noqa: BLE001 - see get
        _failed("clear", error)
