"""Text size and contrast: a plain form, a cookie, no JavaScript; CSRF kept on."""
from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest
from page_checks import check_page, csrf_token, soup, words


def post_display(client, lang="en", token=True, **form):
    page = client.get(f"/{lang}/privacy")
    data = dict(form)
    if token:
        data["csrf_token"] = csrf_token(page)
    # Over HTTPS, Flask-WTF also checks that the form was sent from this site's own page.
    return client.post(f"/{lang}/display", data=data, headers={"Referer": f"https://localhost/{lang}/privacy"})


def test_the_display_form_is_a_plain_post_form_with_a_csrf_token(app, client):
    form = soup(client.get("/en/privacy")).select_one("form.display-choices")
    assert form["method"].lower() == "post" and urlsplit(form["action"]).path == "/en/display"
    assert form.find("input", attrs={"name": "csrf_token"})["value"]
    # On a page a shared cache keeps, none (a token needs a session): the post is then accepted when
    # the browser marks it as sent from this site (test_cacheable_pages.py). A new visitor's, as this
    # one has a session now.
    form = soup(app.test_client().get("/en/activities?category=culture")).select_one("form.display-choices")
    assert form.find("input", attrs={"name": "csrf_token"}) is None
    assert form.find("input", attrs={"name": "next"})["value"] == "/en/activities?category=culture"


def test_choosing_larger_text_sets_a_cookie_and_goes_back(client):
    response = post_display(client, text_size="larger", next="/en/activities?category=culture")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/en/activities?category=culture")
    cookie = client.get_cookie("text_size")
    assert cookie is not None and cookie.value == "larger" and cookie.http_only
    assert cookie.same_site.lower() == "lax" and cookie.expires is not None
    page = check_page(client.get("/en/activities?category=culture"))
    assert "text-larger" in page.html["class"]
    assert page.select_one('button[name=text_size][value=larger]')["aria-pressed"] == "true"


def test_choosing_high_contrast_sets_the_class(client):
    post_display(client, contrast="high", next="/en/")
    assert client.get_cookie("contrast").value == "high"
    page = check_page(client.get("/en/"))
    assert "contrast-high" in page.html["class"]
    assert "text-normal" in page.html["class"]


def test_unknown_values_are_not_stored(client):
    post_display(client, text_size="gigantic", contrast="<script>", next="/en/")
    assert client.get_cookie("text_size") is None and client.get_cookie("contrast") is None
    client.set_cookie("text_size", "huge\" onload=\"x")
    page = check_page(client.get("/en/"))
    assert "text-normal" in page.html["class"]


@pytest.mark.parametrize("target", [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example/path",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/%09/evil.example",
    " //evil.example",
    "javascript:alert(1)",
    "evil.example",
    "",
])
def test_return_address_is_never_another_site(client, target):
    # Regression (was a bug, now fixed): "/\t/evil.example" passes portal/preferences/views.py safe_return_path (it does not start
    # with "//"), but Werkzeug's redirect() runs it through urllib's urlsplit, which deletes tabs and
    # newlines, so the Location header becomes "//evil.example": an open redirect.
    response = post_display(client, text_size="large", next=target)
    assert response.status_code == 303
    location = response.headers["Location"]
    resolved = urlsplit(urljoin("https://localhost/en/display", location))
    assert resolved.netloc == "localhost", location
    assert resolved.scheme in ("http", "https")
    # Browsers drop tabs and newlines from URLs, so they must not hide a second slash either.
    cleaned = location.replace("\t", "").replace("\n", "").replace("\r", "").strip()
    assert not cleaned.startswith(("//", "/\\", "\\")), location


def test_without_a_next_address_it_goes_to_the_front_page_in_that_language(client):
    response = post_display(client, lang="sv", contrast="high")
    assert urlsplit(response.headers["Location"]).path == "/sv/"


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_without_the_csrf_token_it_is_a_friendly_400_page_in_that_language(client, lang):
    response = post_display(client, lang=lang, token=False, text_size="large", next=f"/{lang}/")
    page = check_page(response, status=400)
    assert page.html["lang"] == lang
    assert client.get_cookie("text_size") is None
    assert page.select_one(f'main a[href="/{lang}/"]') is not None  # a way back to the front page


def test_a_wrong_csrf_token_is_refused(client):
    client.get("/en/")
    response = client.post("/en/display", data={"csrf_token": "forged", "text_size": "large"},
                           headers={"Referer": "https://localhost/en/"})
    check_page(response, status=400)
    assert client.get_cookie("text_size") is None


def test_a_form_sent_from_another_site_is_refused(client):
    token = csrf_token(client.get("/en/"))
    response = client.post("/en/display", data={"csrf_token": token, "text_size": "large"},
                           headers={"Referer": "https://evil.example/"})
    check_page(response, status=400)
    assert client.get_cookie("text_size") is None


def test_display_choices_only_accept_post(client):
    # Regression (was a bug, now fixed): the 405 is raised while matching the URL, before portal.i18n reads the /en/ prefix, so the
    # error page is in Finnish (<html lang="fi">) on an English address; same cause as the 404 pages.
    response = client.get("/en/display")
    assert response.status_code == 405
    check_page(response, status=405)


def test_session_cookie_is_secure_and_http_only(client):
    response = client.get("/en/")
    cookies = response.headers.getlist("Set-Cookie")
    session = [c for c in cookies if c.startswith("session=")]
    assert session, "the CSRF token needs a session"
    assert "HttpOnly" in session[0] and "Secure" in session[0] and "SameSite=Lax" in session[0]


def test_insecure_cookies_only_when_asked_for(monkeypatch, tmp_path):
    from portal.config import load_config

    monkeypatch.delenv("PORTAL_INSECURE_COOKIES", raising=False)
    monkeypatch.setenv("SECRET_KEY", "x")
    assert load_config(tmp_path)["SESSION_COOKIE_SECURE"] is True
    monkeypatch.setenv("PORTAL_INSECURE_COOKIES", "1")
    assert load_config(tmp_path)["SESSION_COOKIE_SECURE"] is False


def test_display_page_text_is_in_words(client):
    form = soup(client.get("/en/")).select_one("form.display-choices")
    assert "Text size" in words(form) and "High contrast" in words(form)
