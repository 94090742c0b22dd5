"""Public-computer mode: a "clear everything I did" button on every page, clearing on request, and
forgetting everything after a while without use (checked on the server at the next request)."""
from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from form_support import draft_of, objects, session_data, walk_to_step
from helpers_support import LANGS, flashes, header_count, list_ids_in_session, toggle, token_from, translated, visitor
from page_checks import check_page, soup, words
from sqlalchemy import select

from portal.concern.models import ConcernDraft
from portal.limits import limiter

CLEARED = "Everything you did on this computer has been cleared: your list, unfinished forms and choices."
TIMED_OUT = "This computer was not used for a while, so everything done on it was cleared."


@pytest.fixture
def person(app):
    limiter.reset()
    return visitor(app)


def switch(client, lang, mode, token=True, next_path=None):
    data = {"mode": mode}
    if token:
        data["csrf_token"] = token_from(client, f"/{lang}/privacy")
    if next_path is not None:
        data["next"] = next_path
    return client.post(f"/{lang}/public-computer", data=data)


def clear_button(page):
    return page.select_one("form.clear-bar")


def press_clear(client, lang, with_token=False):
    """Press the button as the page offers it: the form's own fields (plus the session's CSRF token)."""
    form = clear_button(soup(client.get(f"/{lang}/my-list")))
    assert form is not None
    data = {field["name"]: field.get("value", "") for field in form.select("input[name]")}
    if with_token:
        data.setdefault("csrf_token", token_from(client, f"/{lang}/privacy"))
    return client.post(form["action"], data=data)


def set_display(client, lang="en"):
    token = token_from(client, f"/{lang}/privacy")
    for name, value in (("text_size", "larger"), ("contrast", "high")):
        response = client.post(f"/{lang}/display", data={"csrf_token": token, name: value, "next": f"/{lang}/"})
        assert response.status_code == 303
    assert client.get_cookie("text_size").value == "larger" and client.get_cookie("contrast").value == "high"


def busy_visitor(app, client, catalogue, lang="en") -> str:
    """Someone who added to their list, chose display settings and started a concern notice; returns the
    draft's token hash."""
    token = token_from(client, f"/{lang}/privacy")
    for key in ("chair-gym", "concert"):
        assert toggle(client, lang, "add", catalogue[key], token).status_code == 303
    set_display(client, lang)
    walk_to_step(client, "person", lang)
    draft = draft_of(app, client)
    assert draft is not None
    return draft.token_hash


def draft_exists(app, token_hash: str) -> bool:
    return bool(objects(app, select(ConcernDraft).where(ConcernDraft.token_hash == token_hash)))


def age_session(client, seconds: int) -> None:
    with client.session_transaction() as session:
        session["public_seen"] = int(time.time()) - seconds


# --- turning it on -----------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_turning_it_on_shows_the_clear_button_on_every_page(app, person, catalogue, lang):
    page = check_page(person.get(f"/{lang}/"))
    assert clear_button(page) is None
    response = switch(person, lang, "on", next_path=f"/{lang}/activities?category=food")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/{lang}/activities?category=food")
    assert session_data(app, person).get("public_computer") is True

    label = translated(app, lang, "Clear everything I did")
    paths = [f"/{lang}/", f"/{lang}/activities", f"/{lang}/activities/{catalogue['chair-gym']}", f"/{lang}/my-list",
             f"/{lang}/my-list/handout", f"/{lang}/callback", f"/{lang}/concern", f"/{lang}/privacy",
             f"/{lang}/activities/{catalogue['chair-gym']}/report"]
    for path in paths:
        page = check_page(person.get(path))
        form = clear_button(page)
        assert form is not None, path
        assert form["method"].lower() == "post" and urlsplit(form["action"]).path == f"/{lang}/clear"
        assert words(form.find("button")) == label, path
        minutes = app.config["PUBLIC_COMPUTER_IDLE_MINUTES"]
        assert words(form.find("p")) == translated(
            app, lang, "Public computer: everything is forgotten after %(minutes)s minutes without use.",
            minutes=minutes)
    # The switch in the footer now turns it off.
    off = soup(person.get(f"/{lang}/")).select_one("form.public-switch button[name=mode]")
    assert off["value"] == "off"
    assert words(off) == translated(app, lang, "Turn off public-computer mode")


def test_the_clear_button_is_also_on_the_staff_sign_in_page(app, person):
    switch(person, "en", "on")
    assert clear_button(soup(person.get("/en/staff/sign-in"))) is not None


def test_turning_it_on_needs_the_csrf_token(app, person):
    response = switch(person, "en", "on", token=False)
    assert response.status_code in (303, 400)
    assert not session_data(app, person).get("public_computer")
    assert clear_button(soup(person.get("/en/"))) is None


def test_a_hostile_next_stays_on_the_site(person):
    response = switch(person, "en", "on", next_path="https://evil.example/")
    assert response.status_code == 303 and "evil" not in response.headers["Location"]


def test_turning_it_off(app, person):
    switch(person, "sv", "on")
    assert clear_button(soup(person.get("/sv/"))) is not None
    switch(person, "sv", "off")
    assert clear_button(soup(person.get("/sv/"))) is None
    assert not session_data(app, person).get("public_computer")


# --- clearing ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_clearing_forgets_everything(app, person, catalogue, lang):
    switch(person, lang, "on")
    token_hash = busy_visitor(app, person, catalogue, lang)
    assert header_count(person.get(f"/{lang}/"), lang) == 2
    assert draft_exists(app, token_hash)

    response = press_clear(person, lang, with_token=True)
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path in (f"/{lang}/", f"/{lang}")
    # The display cookies are removed by the answer itself.
    removed = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(("text_size=", "contrast="))]
    assert len(removed) == 2 and all("Expires=Thu, 01 Jan 1970" in h or "Max-Age=0" in h for h in removed)
    assert person.get_cookie("text_size") is None and person.get_cookie("contrast") is None

    page = person.get(response.headers["Location"])
    check_page(page)
    assert flashes(page) == [translated(app, lang, CLEARED)]
    assert "text-larger" not in (soup(page).html.get("class") or [])
    assert list_ids_in_session(app, person) == []
    assert header_count(page, lang) is None
    assert not draft_exists(app, token_hash)
    assert draft_of(app, person) is None
    # The mode stays on for the next person at this computer; the message is shown only once.
    assert clear_button(soup(page)) is not None
    assert flashes(person.get(f"/{lang}/")) == []
    assert person.get(f"/{lang}/concern/step/person").status_code != 200


# "Clear everything I did" works as the page renders it, from the form in base.html, and clears
# everything.
@pytest.mark.parametrize("lang", LANGS)
def test_the_clear_button_works_as_rendered(app, person, catalogue, lang):
    switch(person, lang, "on")
    token_hash = busy_visitor(app, person, catalogue, lang)
    response = press_clear(person, lang)
    assert response.status_code == 303, response.status_code
    assert list_ids_in_session(app, person) == [] and not draft_exists(app, token_hash)


# Clearing works also with an old or missing token (a page left open on a shared computer).
def test_clearing_works_without_a_valid_token(app, person, catalogue):
    busy_visitor(app, person, catalogue)
    response = person.post("/en/clear", data={"csrf_token": "stale"})
    assert response.status_code == 303, response.status_code
    assert list_ids_in_session(app, person) == []


def test_clearing_also_works_without_the_mode(app, person, catalogue):
    token_hash = busy_visitor(app, person, catalogue)
    response = person.post("/en/clear", data={"csrf_token": token_from(person)})
    assert response.status_code == 303
    assert list_ids_in_session(app, person) == [] and not draft_exists(app, token_hash)
    assert person.get_cookie("text_size") is None
    assert not session_data(app, person).get("public_computer")


def test_clearing_does_not_touch_other_visitors(app, person, catalogue):
    other = visitor(app)
    other_hash = busy_visitor(app, other, catalogue)
    busy_visitor(app, person, catalogue)
    person.post("/en/clear")
    assert list_ids_in_session(app, other) == [catalogue["chair-gym"], catalogue["concert"]]
    assert draft_exists(app, other_hash)
    assert other.get_cookie("text_size").value == "larger"


# --- forgetting after a while --------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_after_the_idle_time_the_next_request_finds_everything_cleared(app, person, catalogue, lang):
    switch(person, lang, "on")
    token_hash = busy_visitor(app, person, catalogue, lang)
    age_session(person, app.config["PUBLIC_COMPUTER_IDLE_MINUTES"] * 60 + 5)

    page = person.get(f"/{lang}/activities")
    check_page(page)
    assert flashes(page) == [translated(app, lang, TIMED_OUT)]
    assert header_count(page, lang) is None
    assert list_ids_in_session(app, person) == []
    assert not draft_exists(app, token_hash)
    assert person.get_cookie("text_size") is None and person.get_cookie("contrast") is None
    following = soup(person.get(f"/{lang}/"))
    assert "text-larger" not in (following.html.get("class") or [])
    assert following.select("main > .notice[role=status]") == []


# After the time-out, the page of that same request is already drawn without the previous person's
# text size and contrast.
def test_the_timed_out_page_itself_has_the_default_display(app, person):
    switch(person, "en", "on")
    set_display(person)
    age_session(person, app.config["PUBLIC_COMPUTER_IDLE_MINUTES"] * 60 + 5)
    page = soup(person.get("/en/"))
    assert "text-larger" not in (page.html.get("class") or [])
    assert "contrast-high" not in (page.html.get("class") or [])


def test_the_idle_time_counts_from_the_last_request(app, person, catalogue):
    switch(person, "en", "on")
    busy_visitor(app, person, catalogue)
    limit = app.config["PUBLIC_COMPUTER_IDLE_MINUTES"] * 60
    age_session(person, limit - 30)
    page = person.get("/en/")  # still in use: nothing is cleared, and the clock starts again
    assert flashes(page) == [] and header_count(page, "en") == 2
    assert abs(session_data(app, person)["public_seen"] - time.time()) < 5
    age_session(person, limit - 30)
    assert header_count(person.get("/en/"), "en") == 2
    assert person.get_cookie("text_size").value == "larger"


def test_a_timed_out_post_does_not_go_through(app, person, catalogue):
    """A form sent after the idle time belongs to the previous person: it is not kept."""
    switch(person, "en", "on")
    token = token_from(person)
    age_session(person, app.config["PUBLIC_COMPUTER_IDLE_MINUTES"] * 60 + 5)
    toggle(person, "en", "add", catalogue["memory-cafe"], token)
    assert catalogue["memory-cafe"] not in list_ids_in_session(app, person)


def test_without_the_mode_nothing_times_out(app, person, catalogue):
    token_hash = busy_visitor(app, person, catalogue)
    with person.session_transaction() as session:
        session["public_seen"] = int(time.time()) - 24 * 3600
    page = person.get("/en/")
    assert flashes(page) == []
    assert header_count(page, "en") == 2
    assert draft_exists(app, token_hash)
    assert person.get_cookie("text_size").value == "larger"


def test_turning_it_off_stops_the_time_out(app, person, catalogue):
    switch(person, "en", "on")
    busy_visitor(app, person, catalogue)
    switch(person, "en", "off")
    age_session(person, app.config["PUBLIC_COMPUTER_IDLE_MINUTES"] * 60 + 600)
    assert header_count(person.get("/en/"), "en") == 2
