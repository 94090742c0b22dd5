"""The catalogue's page queries read an index in order and stop after one page, on both engines: the
statements a request actually sends are recorded and explained (EXPLAIN QUERY PLAN on SQLite,
EXPLAIN on PostgreSQL when PORTAL_TEST_DATABASE_URL is set; the plans at 100 000 activities are in
benchmarks/README.md). A plan that scans the whole index table,
or sorts every match, fails: that is what made every page grow with the catalogue.

On an app of its own with a few thousand synthetic activities, so the PostgreSQL planner sees a table
big enough to choose as it would in production."""
from __future__ import annotations

import pytest
from app_setup import app_with_catalogue
from sqlalchemy import event, text

from portal import db as portal_db
from portal.demo.synthetic import generate

SYNTHETIC = 6000

# name: (query string, a piece of the SQL that marks the page query among the request's statements)
PAGE_QUERY = "SELECT activity_index.sort_start, activity_index.activity_id"
NEAREST_QUERY = "activity_index.venue_id ="
MAIN_QUERIES = {
    "plain list": ("", PAGE_QUERY),
    "category and district": ("category=exercise&district=southern", PAGE_QUERY),
    "day": ("day=wed", PAGE_QUERY),
    "access": ("access=wheelchair", PAGE_QUERY),
    "free": ("price=free", PAGE_QUERY),
    "nearest": ("near=00530&sort=nearest", NEAREST_QUERY),
}


@pytest.fixture(scope="module")
def plan_app(tmp_path_factory):
    app = app_with_catalogue(tmp_path_factory.mktemp("plans"), "plans")
    with app.app_context():
        generate(portal_db.session(), SYNTHETIC)
        portal_db.session().commit()
        if portal_db.session().get_bind().dialect.name == "sqlite":
            portal_db.session().execute(text("ANALYZE"))
            portal_db.session().commit()
    yield app
    app.extensions["db_engine"].dispose()


def statements_of(app, url: str) -> list[tuple[str, object]]:
    """Every statement (with its parameters) that one request sends."""
    sent = []

    def record(_conn, _cursor, statement, parameters, _context, _executemany):
        sent.append((statement, parameters))

    engine = app.extensions["db_engine"]
    event.listen(engine, "before_cursor_execute", record)
    try:
        with app.test_client() as client:
            assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return sent


def plan(app, statement: str, parameters) -> str:
    """The plan of a recorded statement, as one text."""
    with app.app_context():
        cursor = portal_db.session().connection().connection.driver_connection.cursor()
        if app.extensions["db_engine"].dialect.name == "sqlite":
            rows = cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
            return "\n".join(row[-1] for row in rows)
        # The planner chooses by table size, and at a test's size reading a few thousand rows and
        # sorting them can be cheaper; with sorting priced out, what is checked is that the statement
        # as written can be answered in order from an index (an `IS true` or `IS NULL` order cannot).
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + statement, parameters)
        explained = "\n".join(row[0] for row in cursor.fetchall())
        portal_db.session().rollback()
        return explained


def assert_index_read_in_order(app, explained: str) -> None:
    if app.extensions["db_engine"].dialect.name == "sqlite":
        scans = [line for line in explained.splitlines()
                 if line.startswith("SCAN activity_index") and "USING" not in line]
        assert not scans, explained
        assert "TEMP B-TREE FOR ORDER BY" not in explained, explained
    else:
        assert "Seq Scan on activity_index" not in explained, explained
        assert "Sort" not in explained, explained  # every match sorted: what an ordered index avoids
        assert "Index" in explained, explained


@pytest.mark.parametrize("name", [name for name in MAIN_QUERIES if name != "word"])
def test_page_query_reads_an_index_in_order(plan_app, name):
    query, marker = MAIN_QUERIES[name]
    sent = statements_of(plan_app, f"/fi/activities?{query}")
    pages = [(s, p) for s, p in sent if marker in s]
    assert pages, f"no page query among: {[s[:80] for s, _ in sent]}"
    for statement, parameters in pages:
        assert_index_read_in_order(plan_app, plan(plan_app, statement, parameters))


def test_word_search_reads_the_word_index(plan_app):
    """A word search finds its matches through the word index (FTS5 trigrams on SQLite, pg_trgm on
    PostgreSQL), then orders only those: never a pass over every activity's words."""
    sent = statements_of(plan_app, "/fi/activities?q=tuoli")
    pages = [(s, p) for s, p in sent if PAGE_QUERY in s]
    assert pages
    for statement, parameters in pages:
        explained = plan(plan_app, statement, parameters)
        if plan_app.extensions["db_engine"].dialect.name == "sqlite":
            assert "activity_words_fts VIRTUAL TABLE INDEX" in explained, explained
            assert not [line for line in explained.splitlines() if line.startswith("SCAN activity_index")
                        and "USING" not in line], explained
        else:
            assert "Seq Scan on activity_words" not in explained, explained
            assert "Seq Scan on activity_index" not in explained, explained


@pytest.mark.parametrize("query, index", [("day=wed", "ix_activity_index_wed_soonest"),
                                              ("day=wed&time=morning", "ix_activity_index_wed_morning_soonest")])
def test_one_weekday_is_read_through_that_days_index(plan_app, query, index):
    """The soonest order follows the days of the week and the hours, so one day's activities (or one
    day's mornings) are read through their own index (the soonest one would pass every other day's
    first), for the page and the count."""
    from portal import cache

    with plan_app.app_context():
        cache.clear()  # the count too, not one kept from an earlier test
    sent = statements_of(plan_app, f"/fi/activities?{query}")
    reads = [(s, p) for s, p in sent if PAGE_QUERY in s or "count(*)" in s.lower()]
    assert len(reads) >= 2, [s[:80] for s, _ in sent]
    for statement, parameters in reads:
        explained = plan(plan_app, statement, parameters)
        assert index in explained, explained


def test_the_migrated_database_has_every_index_the_models_declare(plan_app):
    """The migrations build the indexes the queries are written for, with the columns the models
    declare (a district index without its covering columns would make counts read the table)."""
    from sqlalchemy import inspect

    from portal.catalogue.models import ActivityIndex

    with plan_app.app_context():
        found = {ix["name"]: list(ix["column_names"])
                 for ix in inspect(portal_db.session().connection()).get_indexes("activity_index")}
    declared = {ix.name: [column.name for column in ix.columns] for ix in ActivityIndex.__table__.indexes}
    assert {name: found.get(name) for name in declared} == declared


def test_listed_is_written_so_the_partial_indexes_match(plan_app):
    """`listed IS true` (what `.is_(True)` writes) is not implied by an index's `WHERE listed`."""
    sent = statements_of(plan_app, "/fi/activities?drop_in=1")
    page = next(s for s, _ in sent if PAGE_QUERY in s)
    assert "IS true" not in page and "IS 1" not in page


def search_page(app, query: str) -> tuple[list[int], list[str]]:
    """The ids of one page as queries.search finds them for this address, and the statements it sent."""
    from portal.catalogue import queries

    sent: list[str] = []

    def record(_conn, _cursor, statement, _parameters, _context, _executemany):
        sent.append(statement)

    engine = app.extensions["db_engine"]
    event.listen(engine, "before_cursor_execute", record)
    try:
        with app.test_request_context(f"/fi/activities?{query}"):
            from flask import request

            results = queries.search(queries.filters_from(request.args))
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return [found.activity.id for found in results.items], [s for s in sent if PAGE_QUERY in s]


def test_deep_page_seeks_from_the_previous_page(plan_app):
    """Page 3 after page 2: the page query starts after page 2's last row instead of skipping rows,
    and gives the same rows as skipping would."""
    from portal import cache

    with plan_app.app_context():
        cache.clear()
    seek = "(activity_index.sort_start, activity_index.activity_id) >"
    by_offset, first = search_page(plan_app, "category=culture&page=3")
    assert seek not in first[0]
    search_page(plan_app, "category=culture&page=2")
    by_seek, pages = search_page(plan_app, "category=culture&page=3")
    assert seek in pages[0]
    assert len(by_seek) == 20 and by_seek == by_offset
