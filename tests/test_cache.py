"""The cache backend (portal/cache.py): in-process by default, Redis when REDIS_URL is set, keys
versioned so that a catalogue edit makes every old entry unreachable, and a cache that is down is a
miss, never an error. Redis tests use database 9 on 127.0.0.1:6379 (flushed before and after) and
are skipped when Redis is not there."""
from __future__ import annotations

import pytest
from flask import Flask

from portal import cache

REDIS = "redis://127.0.0.1:6379/9"


def _app(redis_url: str | None = None) -> Flask:
    """One worker's view of the cache: what create_app sets up, without a database."""
    app = Flask(__name__)
    app.config["REDIS_URL"] = redis_url
    cache.init_app(app)
    return app


@pytest.fixture
def redis_db():
    try:
        import redis

        client = redis.Redis.from_url(REDIS)
        client.ping()
    except Exception:  # noqa: BLE001 - no Redis on this machine
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    client.flushdb()
    yield client
    client.flushdb()


def test_in_process_by_default_and_a_version_bump_misses():
    app = _app()
    assert app.config["CACHE_TYPE"] == "SimpleCache"
    with app.app_context():
        cache.set("card", "7:fi", "<li>kortti</li>", version=3)
        assert cache.get("card", "7:fi", version=3) == "<li>kortti</li>"
        # Another language, another prefix or the next version of the catalogue are other entries.
        assert cache.get("card", "7:sv", version=3) is None
        assert cache.get("count", "7:fi", version=3) is None
        assert cache.get("card", "7:fi", version=4) is None


def test_each_app_has_its_own_in_process_cache():
    first, second = _app(), _app()
    with first.app_context():
        cache.set("card", "1:fi", "one")
    with second.app_context():
        assert cache.get("card", "1:fi") is None


def test_get_or_set_makes_once_and_keeps_zero_but_not_none():
    app = _app()
    made = []

    def count():
        made.append(1)
        return 0

    with app.app_context():
        assert cache.get_or_set("count", "q=tuoli", count, version=1) == 0
        assert cache.get_or_set("count", "q=tuoli", count, version=1) == 0
        assert len(made) == 1
        assert cache.get_or_set("count", "nothing", lambda: None) is None
        assert cache.get("count", "nothing", default="miss") == "miss"


def test_keys_from_typed_words_are_hashed_and_still_distinct():
    app = _app()
    with app.app_context():
        cache.set("count", "q=tuoli jumppa ä" + "x" * 300, 5)
        cache.set("count", "q=tuoli jumppa ö" + "x" * 300, 6)
        assert cache.get("count", "q=tuoli jumppa ä" + "x" * 300) == 5
        assert cache.get("count", "q=tuoli jumppa ö" + "x" * 300) == 6


def test_many_keys_in_one_call():
    app = _app()
    with app.app_context():
        cache.set_many("card", {"1:fi": "a", "2:fi": "b"}, version=2)
        assert cache.get_many("card", ["1:fi", "2:fi", "3:fi"], version=2) == {"1:fi": "a", "2:fi": "b"}
        assert cache.get_many("card", ["1:fi"], version=3) == {}


def test_redis_when_redis_url_is_set_and_two_workers_share_it(redis_db):
    first, second = _app(REDIS), _app(REDIS)
    assert first.config["CACHE_TYPE"] == "RedisCache"
    with first.app_context():
        cache.set("card", "7:fi", "<li>kortti</li>", version=3)
    with second.app_context():
        assert cache.get("card", "7:fi", version=3) == "<li>kortti</li>"
        assert cache.get_many("card", ["7:fi", "8:fi"], version=3) == {"7:fi": "<li>kortti</li>"}
        assert cache.get("card", "7:fi", version=4) is None
    # The keys carry the app's prefix, apart from the rate limiter's in the same Redis.
    assert redis_db.keys("portal:card:3:7:fi")


def test_redis_down_is_a_miss_and_a_set_that_does_nothing(caplog):
    # Nothing listens on port 1: every call fails at once.
    app = _app("redis://127.0.0.1:1/0")
    with app.app_context():
        cache.set("card", "7:fi", "x")
        assert cache.get("card", "7:fi") is None
        assert cache.get_many("card", ["7:fi"]) == {}
        assert cache.get_or_set("card", "7:fi", lambda: "made") == "made"
    assert "Cache get failed" in caplog.text
