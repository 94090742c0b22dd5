"""Catalogue pages a shared cache (a CDN, a caching proxy) may keep: for a visitor without a cookie the
list, an activity's page and their calendar files set no cookie, say `Cache-Control: public` with an
ETag, and answer a conditional request with 304, also through the app's compression. The my-list
buttons carry no CSRF token there: a post the browser marks as sent from this site is accepted, any
other one needs a token, which the visitor is given on that first press. Result cards are drawn once
and cached until the catalogue's version changes."""
from __future__ import annotations

import pytest
from app_setup import app_with_catalogue
from bs4 import BeautifulSoup
from form_support import session_data
from helpers_support import header_count, list_ids_in_session, translated, visitor
from page_checks import check_page, soup, words

from portal import db as portal_db
from portal.limits import limiter


def public_paths(catalogue) -> list[str]:
    chair = catalogue["chair-gym"]
    return ["/fi/activities", "/sv/activities?category=exercise&price=free", f"/en/activities/{chair}",
            f"/fi/activities/{chair}.ics", "/fi/activities.ics?category=exercise",
            "/api/v1/activities?lang=sv&category=exercise"]


def assert_shared_cacheable(response) -> str:
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers, response.headers.get("Set-Cookie")
    cache_control = response.headers["Cache-Control"]
    assert cache_control.startswith("public") and "max-age=60" in cache_control
    assert "no-store" not in cache_control and "private" not in cache_control
    assert "cookie" in response.headers["Vary"].lower()
    etag = response.headers["ETag"]
    assert etag.startswith('W/"')
    return etag


@pytest.fixture
def newcomer(app):
    """A browser on its first visit: no cookie at all."""
    limiter.reset()
    return app.test_client()


def test_anonymous_catalogue_pages_and_feeds_set_no_cookie_and_are_public(newcomer, catalogue):
    for path in public_paths(catalogue):
        assert_shared_cacheable(newcomer.get(path))
    # Nothing was stored in the test browser either, so the next page is still a first visit's.
    assert newcomer.get_cookie("session") is None


def test_the_htmx_results_alone_are_public_too_with_their_own_etag(newcomer):
    page = newcomer.get("/fi/activities?category=exercise")
    fragment = newcomer.get("/fi/activities?category=exercise", headers={"HX-Request": "true", "HX-Target": "results"})
    assert "<html" not in fragment.get_data(as_text=True)
    assert assert_shared_cacheable(fragment) != assert_shared_cacheable(page)
    assert "hx-request" in fragment.headers["Vary"].lower()


def test_anonymous_pages_carry_no_csrf_token(newcomer, catalogue):
    for path in public_paths(catalogue)[:3]:
        html = newcomer.get(path).get_data(as_text=True)
        assert "csrf_token" not in html, path


@pytest.mark.parametrize("encoding", [None, "gzip", "br"])
def test_a_conditional_request_with_the_etag_answers_304(newcomer, catalogue, encoding):
    headers = {"Accept-Encoding": encoding} if encoding else {}
    newcomer.check_pages = False  # the bodies are compressed; the page checks read them elsewhere
    for path in public_paths(catalogue):
        first = newcomer.get(path, headers=headers)
        etag = assert_shared_cacheable(first)
        if encoding and first.mimetype == "text/html":
            assert first.headers["Content-Encoding"] == encoding
        again = newcomer.get(path, headers={**headers, "If-None-Match": etag})
        assert again.status_code == 304, path
        assert again.data == b""
        assert again.headers["ETag"] == etag
        assert again.headers["Cache-Control"].startswith("public")
        assert "Set-Cookie" not in again.headers
        # Another tag (an older page) gets the page itself.
        assert newcomer.get(path, headers={**headers, "If-None-Match": 'W/"older"'}).status_code == 200


def test_the_etag_follows_the_address_and_the_display_choices(app, catalogue):
    plain, large = app.test_client(), app.test_client()
    large.set_cookie("text_size", "larger", domain="localhost")
    tags = {assert_shared_cacheable(plain.get("/fi/activities")),
            assert_shared_cacheable(plain.get("/sv/activities")),
            assert_shared_cacheable(plain.get("/fi/activities?page=2"))}
    page = large.get("/fi/activities")
    tags.add(assert_shared_cacheable(page))
    assert len(tags) == 4
    assert "text-larger" in soup(page).html["class"]
    # The larger-text copy is not the plain one: a conditional request with the plain tag gets the page.
    plain_tag = plain.get("/fi/activities").headers["ETag"]
    assert large.get("/fi/activities", headers={"If-None-Match": plain_tag}).status_code == 200


def test_a_visitor_with_a_session_gets_a_private_page(app, catalogue):
    person = browser(app)
    person.post(f"/fi/my-list/add/{catalogue['chair-gym']}", data={"next": "/fi/activities"})
    for path in public_paths(catalogue)[:3]:
        response = person.get(path)
        assert response.status_code == 200
        assert not response.headers["Cache-Control"].startswith("public"), path
        assert "ETag" not in response.headers, path


def test_a_missing_activity_is_not_public(newcomer):
    response = newcomer.get("/fi/activities/987654")
    assert response.status_code == 404
    assert not response.headers.get("Cache-Control", "").startswith("public")


# --- the my-list buttons -------------------------------------------------------------------------

def browser(app):
    """A visitor whose browser marks its form posts with Sec-Fetch-Site, as every current one does."""
    client = visitor(app)
    client.environ_base["HTTP_SEC_FETCH_SITE"] = "same-origin"
    return client


def button(page, activity_id):
    form = page.select_one(f"form.mylist-toggle[action$='/{activity_id}']")
    assert form is not None, f"no my-list button for {activity_id}"
    return form


def press(client, form, **headers):
    data = {field["name"]: field.get("value", "") for field in form.find_all("input")}
    return client.post(form["action"], data=data, headers=headers)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_adding_without_javascript_from_a_cached_list(app, catalogue, lang):
    limiter.reset()
    person = browser(app)
    chair, concert = catalogue["chair-gym"], catalogue["concert"]
    address = f"/{lang}/activities?category=exercise&category=culture"
    page = soup(person.get(address))
    assert person.get_cookie("session") is None
    response = press(person, button(page, chair))
    assert response.status_code == 303 and response.headers["Location"].endswith(address)
    assert list_ids_in_session(app, person) == [chair]
    # Back on the list, now with a session: this card says it is in the list, the others do not.
    page = check_page(person.get(address))
    mine, other = button(page, chair), button(page, concert)
    assert mine["action"].endswith(f"/{lang}/my-list/remove/{chair}")
    assert words(mine.select_one("[role=status]")) == translated(app, lang, "In your list")
    assert other["action"].endswith(f"/{lang}/my-list/add/{concert}")
    assert other.select_one("[role=status]") is None
    assert header_count(person.get(address), lang) == 1
    # The activity's own page agrees.
    detail = soup(person.get(f"/{lang}/activities/{chair}"))
    assert button(detail, chair)["action"].endswith(f"/remove/{chair}")


def test_adding_with_htmx_swaps_the_button_and_keeps_its_name(app, catalogue):
    limiter.reset()
    person = visitor(app)
    digi = catalogue["digi-help"]  # Finnish and English texts only
    page = soup(person.get(f"/sv/activities/{digi}"))
    form = button(page, digi)
    # htmx posts with fetch(): the browser adds Origin (and Sec-Fetch-Site, left out here to show
    # that Origin alone is enough).
    response = person.post(form["data-hx-post"], data={"next": "/sv/my-list"},
                           headers={"HX-Request": "true", "Origin": "https://localhost"})
    assert response.status_code == 200
    swapped = BeautifulSoup(response.get_data(as_text=True), "html.parser").find_all("form")
    assert len(swapped) == 1 and swapped[0]["action"].endswith(f"/sv/my-list/remove/{digi}")
    hidden = swapped[0].find("button").select_one(".visually-hidden")
    assert hidden.find(attrs={"lang": "fi"}) is not None and words(hidden).endswith("Digituki")
    assert list_ids_in_session(app, person) == [digi]


def test_an_unmarked_post_asks_once_more_with_a_token(app, catalogue):
    """A browser that sends neither Sec-Fetch-Site nor Origin: nothing changes, and the answer is the
    same button with a token, which then works."""
    limiter.reset()
    person = visitor(app)
    crafts = catalogue["crafts-cafe"]
    form = button(soup(person.get("/en/activities")), crafts)
    first = press(person, form)
    assert first.status_code == 400
    assert list_ids_in_session(app, person) == []
    page = check_page(first, status=400)
    again = button(page, crafts)
    assert again.find("input", attrs={"name": "csrf_token"})["value"]
    assert again.find("input", attrs={"name": "next"})["value"] == "/en/activities"
    response = press(person, again)
    assert response.status_code == 303 and response.headers["Location"].endswith("/en/activities")
    assert list_ids_in_session(app, person) == [crafts]


@pytest.mark.parametrize("marks", [{"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"},
                                   {"Sec-Fetch-Site": "cross-site", "Origin": "https://localhost"}])
def test_a_post_from_another_site_changes_nothing(app, catalogue, marks):
    person = visitor(app)
    response = person.post(f"/en/my-list/add/{catalogue['concert']}", data={"next": "/en/"}, headers=marks)
    assert response.status_code == 400
    assert list_ids_in_session(app, person) == []
    response = person.post("/en/display", data={"text_size": "larger"}, headers=marks)
    assert response.status_code == 400 and person.get_cookie("text_size") is None
    response = person.post("/en/public-computer", data={"mode": "on"}, headers=marks)
    assert "public_computer" not in session_of(app, person)


def session_of(app, client) -> dict:
    return session_data(app, client)


def test_the_header_and_footer_forms_work_from_a_cached_page(app):
    person = browser(app)
    page = soup(person.get("/fi/activities"))
    display = page.select_one("form.display-choices")
    data = {field["name"]: field["value"] for field in display.find_all("input")}
    response = person.post(display["action"], data={**data, "text_size": "large"})
    assert response.status_code == 303 and person.get_cookie("text_size").value == "large"
    switch = page.select_one("form.public-switch")
    data = {field["name"]: field["value"] for field in switch.find_all("input")}
    response = person.post(switch["action"], data={**data, "mode": "on"})
    assert response.status_code == 303
    assert session_of(app, person).get("public_computer") is True


def test_a_page_for_visitors_without_a_cookie_is_drawn_once(app, catalogue, monkeypatch):
    from portal.catalogue import queries

    path = "/sv/activities?category=culture&day=sat"
    first = app.test_client().get(path)
    assert_shared_cacheable(first)

    def drawn_again(*_args, **_kwargs):
        raise AssertionError("the page was drawn again")

    monkeypatch.setattr(queries, "search", drawn_again)
    again = app.test_client().get(path)
    assert assert_shared_cacheable(again) == first.headers["ETag"]
    assert again.data == first.data
    # The kept page's scripts carry the nonce its CSP header names.
    nonce = again.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert all(script["nonce"] == nonce for script in soup(again).find_all("script"))
    # A visitor with a cookie of their own gets a page drawn for them.
    own = app.test_client()
    own.set_cookie("visited", "1", domain="localhost")
    with pytest.raises(AssertionError, match="drawn again"):
        own.get(path)


# --- the card cache ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def own_app(tmp_path_factory):
    """An app on its own catalogue: these tests change a listing."""
    app = app_with_catalogue(tmp_path_factory.mktemp("cards"), "cards")
    yield app
    app.extensions["db_engine"].dispose()


def card_title(response, activity_id) -> str:
    link = soup(response).select_one(f"ol.activity-list h3 a[href$='/activities/{activity_id}']")
    assert link is not None
    return words(link)


def test_an_edited_listing_shows_on_the_list_once_the_version_moves(own_app):
    from portal.catalogue import indexing, schedule
    from portal.catalogue.models import Activity

    client = own_app.test_client()
    # Any cookie but the display choices makes the page this visitor's own: drawn for them, so what
    # is seen here is the card cache, not the cache of whole pages.
    client.set_cookie("visited", "1", domain="localhost")
    chair = own_app.extensions["test_catalogue"]["chair-gym"]
    first = client.get("/en/activities?q=chair")
    first_public = own_app.test_client().get("/en/activities?q=chair")
    assert card_title(first, chair) == "Chair exercise"
    with own_app.app_context():
        session = portal_db.session()
        activity = session.get(Activity, chair)
        activity.texts["en"].name = "Chair exercise for all"
        session.commit()
    # Changed behind the index's back (no version bump): the cached card is still served. This is
    # what shows that the card comes from the cache.
    assert card_title(client.get("/en/activities?q=chair"), chair) == "Chair exercise"
    with own_app.app_context():
        session = portal_db.session()
        indexing.reindex(session, [session.get(Activity, chair)], schedule.local_now())
        session.commit()
    second = client.get("/en/activities?q=chair")
    assert card_title(second, chair) == "Chair exercise for all"
    # A first visitor's page moves on too, and a conditional request with the old tag gets it.
    newcomer = own_app.test_client()
    fresh = newcomer.get("/en/activities?q=chair", headers={"If-None-Match": first_public.headers["ETag"]})
    assert fresh.status_code == 200 and card_title(fresh, chair) == "Chair exercise for all"


def test_cards_differ_by_language_and_by_the_needs_chosen(own_app):
    client = own_app.test_client()
    chair = own_app.extensions["test_catalogue"]["chair-gym"]
    assert card_title(client.get("/fi/activities?q=tuoli"), chair) == "Tuolijumppa"
    assert card_title(client.get("/sv/activities?q=stol"), chair) == "Stolgympa"
    plain = soup(client.get("/en/activities?q=chair"))
    chosen = soup(client.get("/en/activities?q=chair&access=wheelchair"))

    def access_line(page):
        card = page.select_one(f"ol.activity-list a[href$='/activities/{chair}']").find_parent("li")
        return words(card.select("dl.card-facts dd")[4])

    assert access_line(plain) != access_line(chosen)
