"""Word search through the word indexes (FTS5 trigrams on SQLite, pg_trgm on PostgreSQL): case and
accents folded, parts of Finnish compounds found, the page's language and Finnish searched; counts
stop at "more than 1 000" and are cached until the catalogue changes. On an app of its own with
synthetic activities, because it edits the catalogue."""
from __future__ import annotations

import pytest
from app_setup import app_with_catalogue
from flask import request
from sqlalchemy import select

from portal import db as portal_db
from portal.catalogue import indexing, queries, schedule, search
from portal.catalogue.models import Activity
from portal.demo.synthetic import generate

SYNTHETIC = 1300  # a kind of activity is about one in eight: a category has well over 100


@pytest.fixture(scope="module")
def words_app(tmp_path_factory):
    app = app_with_catalogue(tmp_path_factory.mktemp("words"), "fulltext")
    with app.app_context():
        generate(portal_db.session(), SYNTHETIC)
        portal_db.session().commit()
    yield app
    app.extensions["db_engine"].dispose()


def found(app, query: str, lang: str = "fi") -> search.Results:
    with app.test_request_context(f"/{lang}/activities?{query}"):
        app.preprocess_request()
        return queries.search(queries.filters_from(request.args))


def names(results: search.Results, lang: str = "fi") -> set[str]:
    return {item.activity.texts.get(lang, item.activity.texts["fi"]).name for item in results.items}


def test_part_of_a_compound_finds_it(words_app):
    """"tuoli" (chair) and "jumppa" (exercise) each find "Tuolijumppa", the start and the end."""
    for part in ("tuoli", "jumppa", "TUOLIJUMPPA"):
        results = found(words_app, f"q={part}")
        assert results.total > 50, part
        assert all(name.startswith("Tuolijumppa") for name in names(results)), part


def test_accents_and_case_are_folded(words_app):
    """"luontokavely" finds "Luontokävely", and "KÄVELY" too."""
    for typed in ("luontokavely", "KÄVELY", "Luontokävely"):
        results = found(words_app, f"q={typed}")
        assert results.total > 50
        assert all("Luontokävely" in name for name in names(results)), typed


def test_every_word_must_match(words_app):
    both = found(words_app, "q=tuoli+jumppa").total
    assert both == found(words_app, "q=tuolijumppa").total
    assert found(words_app, "q=tuoli+lauluhetki").total == 0


def test_swedish_page_searches_swedish_and_finnish(words_app):
    assert found(words_app, "q=stolgympa", "sv").total > 50
    assert found(words_app, "q=tuolijumppa", "sv").total > 50  # the Finnish words are searched too
    assert found(words_app, "q=stolgympa", "fi").total == 0  # a Finnish page does not search Swedish


def test_two_letter_word_and_search_syntax_do_not_break_the_search(words_app):
    """Quotes, stars and braces are matched as typed, never read as the word index's own syntax."""
    for typed in ('"tuoli', 'tuoli"*', "{words_sv}:stolgympa", "tuoli OR lauluhetki", "NEAR(tuoli lauluhetki)"):
        assert found(words_app, "q=" + typed.replace(" ", "+")).total == 0, typed
    assert found(words_app, "q=tu").total > 0


def test_a_long_list_is_counted_only_so_far(words_app):
    """Every listed activity: counting stops after 1 000 and the page says "more than", in words."""
    results = found(words_app, "")
    assert results.more_than and results.total == search.COUNT_LIMIT
    assert results.pages == 2 or results.pages > results.page
    with words_app.test_client() as client:
        page = client.get("/fi/activities").get_data(as_text=True)
        assert "Yli 1" in page and "hakutulosta" in page
        assert "Sivu 1</p>" in page  # no "of N": the last page is not known
        assert "Mer än 1" in client.get("/sv/activities").get_data(as_text=True)


def test_a_deep_page_of_a_long_list_is_counted_past_it(words_app):
    results = found(words_app, "page=60")
    assert results.page == 60 and len(results.items) == 20


def test_cached_count_follows_an_edit(words_app):
    """A count is cached per filter set; an edit raises the catalogue version, so the next count is new."""
    assert found(words_app, "q=ainutkertainen").total == 0
    with words_app.app_context():
        session = portal_db.session()
        activity = session.scalars(select(Activity).where(Activity.key == "synthetic-5")).one()
        activity.texts["fi"].summary = "Ainutkertainen tilaisuus."
        indexing.reindex(session, [activity], schedule.local_now())
        session.commit()
    assert found(words_app, "q=ainutkertainen").total == 1
