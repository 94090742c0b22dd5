"""The search index under concurrent writers: two workers refreshing at once both succeed (PostgreSQL),
the in-request roll-forward skips its turn rather than wait or fail, and the per-process postal areas
stay readable after a rollback. On an app and catalogue of their own, because they rewrite the index."""
from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from app_setup import TEST_DATABASE_URL, app_with_catalogue
from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from portal import db as portal_db
from portal.catalogue import indexing, queries, schedule
from portal.catalogue.models import Activity, ActivityIndex, ActivityWords

needs_postgres = pytest.mark.skipif(not TEST_DATABASE_URL, reason="PORTAL_TEST_DATABASE_URL is not set")


@pytest.fixture(scope="module")
def index_app(tmp_path_factory):
    app = app_with_catalogue(tmp_path_factory.mktemp("index"), "indexrefresh")
    yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture
def second_engine(index_app):
    """Another worker's connection pool on the same database."""
    engine = portal_db.make_engine(index_app.extensions["db_engine"].url.render_as_string(hide_password=False))
    yield engine
    engine.dispose()


def now() -> dt.datetime:
    return schedule.local_now()


def all_activities(session: Session) -> list[Activity]:
    return list(session.scalars(select(Activity)))


def wait_until_blocked(session: Session, pid: int) -> None:
    """Until the backend `pid` waits for a lock: the other worker is inside its refresh, at the point
    where the old delete-and-insert collided."""
    for _ in range(500):
        waiting = session.scalar(text("SELECT wait_event_type FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid})
        if waiting == "Lock":
            return
        time.sleep(0.02)
    raise AssertionError("the second refresh never reached the index")


def counts(session: Session) -> tuple[int, int, int]:
    return (session.scalar(select(func.count()).select_from(Activity)),
            session.scalar(select(func.count()).select_from(ActivityIndex)),
            session.scalar(select(func.count()).select_from(ActivityWords)))


@needs_postgres
def test_two_workers_refreshing_the_index_at_once_both_succeed(index_app, second_engine):
    engine = index_app.extensions["db_engine"]
    first, second = Session(engine), Session(second_engine)
    second_pid = second.scalar(text("SELECT pg_backend_pid()"))
    failures: list[BaseException] = []

    def second_worker():
        try:
            indexing.refresh(second, now(), stale_only=False)
        except BaseException as error:  # reported below, in the test's own thread
            failures.append(error)
            second.rollback()

    try:
        indexing.reindex(first, all_activities(first), now())  # the first worker, not yet committed
        thread = threading.Thread(target=second_worker)
        thread.start()
        with Session(engine) as watcher:
            wait_until_blocked(watcher, second_pid)
        first.commit()
        thread.join(timeout=60)
        assert not thread.is_alive()
        assert failures == []
        with Session(engine) as check:
            activities, index_rows, word_rows = counts(check)
        assert activities == index_rows == word_rows
    finally:
        first.close()
        second.close()


@needs_postgres
def test_the_roll_forward_in_a_request_skips_its_turn_while_another_worker_writes(index_app, second_engine):
    engine = index_app.extensions["db_engine"]
    with Session(engine) as setup:
        setup.execute(update(ActivityIndex).values(next_start=dt.datetime(2000, 1, 1)))
        setup.commit()
    holder = Session(engine)
    result: list[int] = []
    try:
        indexing.reindex(holder, all_activities(holder)[:1], now())  # holds the writers' lock
        thread = threading.Thread(target=lambda: result.append(
            indexing.roll_forward_apart(portal_db.sessionmaker(second_engine), now())))
        thread.start()
        thread.join(timeout=30)
        assert not thread.is_alive(), "the roll-forward waited for the other writer"
        assert result == [0]
    finally:
        holder.rollback()
        holder.close()
    # Once the lock is free the next turn does the work.
    assert indexing.roll_forward_apart(portal_db.sessionmaker(second_engine), now()) > 0
    with Session(engine) as check:
        assert check.scalar(select(func.count()).select_from(ActivityIndex)
                            .where(ActivityIndex.next_start < dt.datetime(2001, 1, 1))) == 0


def test_reindexing_rows_twice_in_one_transaction_updates_them_in_place(index_app):
    with index_app.app_context():
        with portal_db.transaction() as session:
            activities = all_activities(session)
            indexing.reindex(session, activities, now())
            indexing.reindex(session, activities, now())
        assert len(set(counts(portal_db.session()))) == 1


def test_postal_areas_cached_by_the_process_stay_readable_after_a_rollback(index_app):
    index_app.extensions.pop("places", None)
    with index_app.test_request_context("/en/activities"):
        assert queries.places().area("00100") is not None  # cached while this request's session is open
        portal_db.session().rollback()  # what any failed write in the same request does
    client = index_app.test_client()
    for query in ({"near": "00100", "sort": "nearest"}, {"district": "00100"}, {"near": "00530"}):
        response = client.get("/en/activities", query_string=query)
        assert response.status_code == 200, query
        assert client.get("/api/v1/activities", query_string=query).status_code == 200
