"""Result cards stay in the cache while "next time" rolls forward: a roll-forward raises the catalogue
version (counts and pages are made again) but not the content version the cards are keyed on, so only
the cards of the activities it moved are drawn again; an edit draws every card again. A page whose
cards are all in the cache loads no activity from the database. On an app and catalogue of their own,
because they rewrite the index."""
from __future__ import annotations

import datetime as dt

import pytest
from app_setup import app_with_catalogue
from flask import request
from sqlalchemy import select, update

from portal import cache, db as portal_db
from portal.catalogue import indexing, queries, schedule
from portal.catalogue.models import Activity, ActivityIndex

LIST = "/en/activities"


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


def test_a_roll_forward_draws_again_only_the_cards_it_moved(card_app, drawn):
    client = card_app.test_client()
    assert client.get(LIST).status_code == 200
    first = drawn[-1]
    assert first == sorted(shown_ids(card_app)) and len(first) > 3
    # The soonest activity's time has passed: the roll-forward moves it on.
    moved = shown_ids(card_app)[0]
    before = versions(card_app)
    with card_app.app_context(), portal_db.transaction() as session:
        session.execute(update(ActivityIndex).where(ActivityIndex.activity_id == moved)
                        .values(next_start=schedule.local_now() - dt.timedelta(hours=1)))
    with card_app.app_context(), portal_db.transaction() as session:
        assert indexing.roll_forward(session, schedule.local_now()) >= 1
    after = versions(card_app)
    assert after[0] > before[0], "counts and pages must be made again after a roll-forward"
    assert after[1] == before[1], "a roll-forward must leave the cards' version alone"
    assert client.get(LIST).status_code == 200
    redrawn = drawn[-1] if len(drawn) > 1 else []
    assert set(redrawn) <= {moved}, f"cards drawn again: {redrawn}, only {moved} moved"
def test_a_page_whose_cards_are_cached_loads_no_activity(card_app, drawn):
    client = card_app.test_client()
    client.get(LIST)
    assert drawn and drawn[-1]
    # Another address (so not the whole page from the cache) showing the same cards.
    assert client.get(LIST + "?sort=soonest").status_code == 200
    assert len(drawn) == 1, f"activities loaded for cached cards: {drawn[1:]}"
def test_an_edit_draws_every_card_again(card_app, drawn):
    client = card_app.test_client()
    client.get(LIST)
    before = versions(card_app)
    with card_app.app_context(), portal_db.transaction() as session:
        activity = session.scalars(select(Activity).order_by(Activity.id)).first()
        indexing.reindex(session, [activity], schedule.local_now())
    after = versions(card_app)
    assert after[0] > before[0] and after[1] > before[1]
    client.get(LIST)
    assert len(drawn) == 2 and drawn[1] == sorted(shown_ids(card_app))
