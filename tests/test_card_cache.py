"""Result cards stay in the cache while "next time" rolls forward: a roll-forward raises the catalogue
version (counts and pages are made again) but not the content version the cards are keyed on, so only
the cards of the activities it moved are drawn again; an edit draws every card again. A page whose
cards are all in the cache loads no activity from the database. On an app and catalogue of their own,
because they rewrite the index."""
from __future__ import annotations

import datetime as dt
import time

import pytest
from app_setup import app_with_catalogue
from flask import request
from sqlalchemy import select, update

from portal import cache, db as portal_db
from portal.catalogue import indexing, queries, schedule
from portal.catalogue.models import Activity, ActivityIndex

LIST = "/en/activities?district=southern"  # one page, whatever the order


@pytest.fixture(scope="module")
def card_app(tmp_path_factory):
    app = app_with_catalogue(tmp_path_factory.mktemp("cards"), "cardcache")
    yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture
def drawn(card_app, monkeypatch):
    """The ids whose activities each request loaded to draw their cards, one list per call."""
    calls: list[list[int]] = []
    load = queries.load_activities

    def recording(items):
        calls.append(sorted(found.activity_id for found in items if found.loaded is None))
        load(items)

    monkeypatch.setattr(queries, "load_activities", recording)
    with card_app.app_context():
        cache.clear()
    return calls


def shown_ids(card_app) -> list[int]:
    with card_app.test_request_context(LIST):
        card_app.preprocess_request()
        found = queries.search(queries.filters_from(request.args), load=False)
        return [item.activity_id for item in found.items]


def versions(card_app) -> tuple[int, int]:
    with card_app.app_context():
        return indexing.catalogue_versions(portal_db.session())


def visitor(card_app):
    """A visitor with a cookie of their own: every page is drawn for them (never the whole page from
    the cache), from the cards in the cache."""
    client = card_app.test_client()
    client.set_cookie("probe", "1")
    return client


def test_a_roll_forward_draws_again_only_the_cards_it_moved(card_app, drawn):
    moved = card_app.extensions["test_catalogue"]["chair-gym"]
    card_app.extensions["index_rolled_at"] = time.monotonic()  # no roll-forward inside these requests
    # Its next time in the index has begun: the roll-forward has not reached it yet.
    with card_app.app_context(), portal_db.transaction() as session:
        session.execute(update(ActivityIndex).where(ActivityIndex.activity_id == moved)
                        .values(next_start=schedule.local_now() - dt.timedelta(hours=1)))
    client = visitor(card_app)
    assert client.get(LIST).status_code == 200
    assert moved in drawn[-1] and sorted(drawn[-1]) == sorted(shown_ids(card_app)) and len(drawn[-1]) >= 2
    client.get(LIST)
    assert drawn[-1] == [moved], "a card whose next time has begun is drawn anew, never kept"

    before = versions(card_app)
    with card_app.app_context(), portal_db.transaction() as session:
        assert indexing.roll_forward(session, schedule.local_now()) >= 1
    after = versions(card_app)
    assert after[0] > before[0], "counts and pages must be made again after a roll-forward"
    assert after[1] == before[1], "a roll-forward must leave the cards' version alone"

    calls = len(drawn)
    client.get(LIST)
    assert len(drawn) == calls + 1 and drawn[-1] == [moved], "only the card the roll-forward moved is drawn"
    client.get(LIST)
    assert len(drawn) == calls + 1, "the moved card, now in the future, is kept"

    # Its next time moves again (as the roll-forward writes it, without a content change): its card
    # is keyed on that time, so it is drawn again.
    with card_app.app_context(), portal_db.transaction() as session:
        session.execute(update(ActivityIndex).where(ActivityIndex.activity_id == moved)
                        .values(next_start=schedule.local_now() + dt.timedelta(days=2)))
        indexing.bump_version(session, content=False)
    client.get(LIST)
    assert len(drawn) == calls + 2 and drawn[-1] == [moved]


def test_a_page_whose_cards_are_cached_loads_no_activity(card_app, drawn):
    card_app.extensions["index_rolled_at"] = time.monotonic()
    client = visitor(card_app)
    client.get(LIST)
    assert drawn and drawn[-1]
    assert client.get(LIST).status_code == 200
    assert len(drawn) == 1, f"activities loaded for cached cards: {drawn[1:]}"


def test_an_edit_draws_every_card_again(card_app, drawn):
    card_app.extensions["index_rolled_at"] = time.monotonic()
    client = visitor(card_app)
    client.get(LIST)
    before = versions(card_app)
    with card_app.app_context(), portal_db.transaction() as session:
        activity = session.scalars(select(Activity).order_by(Activity.id)).first()
        indexing.reindex(session, [activity], schedule.local_now())
    after = versions(card_app)
    assert after[0] > before[0] and after[1] > before[1]
    client.get(LIST)
    assert len(drawn) == 2 and drawn[1] == sorted(shown_ids(card_app))
