"""Security headers on everything, static files and the favicon included, and `no-store` on every
page that shows what a person typed or chose (concern notice, callback request, my list, staff)."""
from __future__ import annotations

import pytest
from form_support import (
    resident,
    send_callback,
    send_concern,
    sent_reference,
    soup,
    step_url,
    walk_concern,
    walk_to_step,
)
from staff_support import signed_in


def static_urls(client) -> list[str]:
    page = soup(client.get("/en/"))
    urls = [link["href"] for link in page.find_all("link", href=True) if link["href"].startswith("/static/")]
    urls += [script["src"] for script in page.find_all("script", src=True)]
    return urls


def test_static_files_and_the_favicon_send_the_security_headers(client):
    urls = static_urls(client)
    assert any("favicon" in url for url in urls) and any(url.endswith(".css") for url in urls)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        csp = response.headers.get("Content-Security-Policy", "")
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp and "script-src" not in csp, url
        assert response.headers.get("X-Content-Type-Options") == "nosniff", url
        assert response.headers.get("X-Frame-Options") == "DENY", url
        assert response.headers.get("Referrer-Policy"), url
        assert "max-age=" in response.headers.get("Strict-Transport-Security", ""), url
        response.close()


def assert_not_stored(response) -> None:
    assert response.status_code == 200, response.status_code
    assert response.headers.get("Cache-Control") == "no-store", (response.request.path, response.headers.get("Cache-Control"))


def test_every_concern_page_is_not_stored(app):
    client = resident(app)
    assert_not_stored(client.get("/en/concern"))
    walk_to_step(client, "worries")
    assert_not_stored(client.get(step_url("en", "worries")))
    walk_concern(client, "en")
    assert_not_stored(client.get("/en/concern/check"))
    assert send_concern(client, "en").status_code == 303
    assert_not_stored(client.get("/en/concern/sent"))


def test_callback_pages_are_not_stored(app):
    client = resident(app)
    assert_not_stored(client.get("/en/callback"))
    assert send_callback(client, "en").status_code == 303
    reference = sent_reference(client)
    assert_not_stored(client.get("/en/callback/sent"))
    status_page = client.get("/en/callback/status")
    assert_not_stored(status_page)
    hidden = {f["name"]: f.get("value", "") for f in
              soup(status_page).select("form[action='/en/callback/status'] input[type=hidden]")}
    assert_not_stored(client.post("/en/callback/status", data={**hidden, "reference": reference, "last_digits": "4567"}))


def test_a_form_shown_again_with_what_was_typed_is_not_stored(app):
    client = resident(app)
    response = send_callback(client, "en", phone="12345")  # a mistyped number: the form comes back, filled in
    assert_not_stored(response)


def test_my_list_is_not_stored(client, catalogue):
    assert_not_stored(client.get(f"/en/my-list?ids={catalogue['concert']}"))


@pytest.mark.parametrize("path", ["/en/staff/sign-in", "/en/staff"])
def test_staff_pages_are_not_stored(app, path):
    client, _staff = signed_in(app, ["adviser"])
    response = client.get(path, follow_redirects=True)
    assert_not_stored(response)


def test_public_catalogue_pages_may_be_revalidated(client):
    # Without a cookie, a shared cache may keep it a minute (more in test_cacheable_pages.py); once the
    # visitor has a session (here from a page with a form), it shows their own list: theirs alone.
    assert client.get("/en/activities").headers.get("Cache-Control") == "public, max-age=60, stale-while-revalidate=300"
    client.get("/en/privacy")
    assert client.get("/en/activities").headers.get("Cache-Control") == "private, no-cache"
