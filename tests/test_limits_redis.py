"""The form limits counted in Redis, as in production (REDIS_URL): every worker sees the same counts.
Uses Redis database 13 on 127.0.0.1:6379 (flushed before and after); skipped when Redis is not there."""
from __future__ import annotations

import pytest
from form_support import callback_data, callback_form, check_basics, field_value, resident, send_callback, unique
from limits import storage as limit_storage
from limits.strategies import MovingWindowRateLimiter

from portal.limits import limiter

REDIS = "redis://127.0.0.1:6379/13"


def _worker_counter():
    """What one gunicorn worker builds from RATELIMIT_STORAGE_URI: its own connection to the shared Redis."""
    return MovingWindowRateLimiter(limit_storage.storage_from_string(REDIS))


@pytest.fixture
def redis_counters(monkeypatch):
    try:
        import redis

        client = redis.Redis.from_url(REDIS)
        client.ping()
    except Exception:  # noqa: BLE001 - no Redis on this machine
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    client.flushdb()
    workers = [_worker_counter(), _worker_counter()]
    def use_worker(number: int):
        monkeypatch.setattr(limiter, "_limiter", workers[number])
        return client

    yield use_worker
    client.flushdb()


def test_two_workers_count_one_sessions_sends_together(app, redis_counters):
    client = resident(app)
    for number in range(10):
        redis_counters(number % 2)  # the load balancer sends each post to either worker
        assert send_callback(client, "en").status_code == 303
    redis = redis_counters(1)
    # The counts are in Redis, not in this process.
    assert any(b"callback" in key and b"session" in key for key in redis.keys("*"))
    page = callback_form(client)
    name = unique("Eleventh in Redis")
    response = client.post("/en/callback", data=callback_data(page, "en", name=name, phone="040 123 4567"))
    check_basics(response, "en", 429)
    assert int(response.headers["Retry-After"]) > 0
    assert field_value(response, "/en/callback", "name") == name


def test_failed_tries_in_redis_do_not_stop_the_next_person_at_the_address(app, redis_counters):
    address = "10.250.0.1"
    first = resident(app, address)
    page = callback_form(first)
    for number in range(10):
        redis_counters(number % 2)
        assert first.post("/en/callback", data=callback_data(page, "en", name="", phone="1")).status_code == 200
    redis_counters(0)
    assert send_callback(resident(app, address), "en").status_code == 303
