"""Security headers on every response (error pages included) and static files cached by hashed name."""
from __future__ import annotations

import gzip
import re

import pytest
from page_checks import check_page, soup


def assert_security_headers(response):
    csp = response.headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert directives.get("default-src") == ["'none'"]
    assert directives.get("frame-ancestors") == ["'none'"]
    assert any(source.startswith("'nonce-") for source in directives.get("script-src", []))
    assert directives.get("base-uri") == ["'none'"]
    assert directives.get("form-action") == ["'self'"]
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("X-Frame-Options") == "DENY"
    assert response.headers.get("Referrer-Policy")
    return csp


def assert_scripts_carry_the_nonce(response, csp):
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    scripts = soup(response).find_all("script")
    assert scripts, "expected the page's scripts"
    for script in scripts:
        assert script.get("nonce") == nonce and script.get("src")


@pytest.mark.parametrize("path", ["/fi/", "/sv/activities?category=culture", "/en/accessibility", "/en/privacy"])
def test_pages_send_the_security_headers_and_nonced_scripts(client, path):
    response = client.get(path)
    check_page(response)
    assert_scripts_carry_the_nonce(response, assert_security_headers(response))


def test_each_response_gets_a_new_nonce(client):
    first = re.search(r"'nonce-([^']+)'", client.get("/en/").headers["Content-Security-Policy"]).group(1)
    second = re.search(r"'nonce-([^']+)'", client.get("/en/").headers["Content-Security-Policy"]).group(1)
    assert first != second and len(first) >= 16


def test_activity_page_and_api_and_feeds_send_the_headers(client, catalogue):
    for path in (f"/en/activities/{catalogue['concert']}", "/api/v1/activities", "/fi/activities.ics",
                 f"/fi/activities/{catalogue['concert']}.ics", "/"):
        assert_security_headers(client.get(path))


def test_not_found_page_sends_the_security_headers(client):
    response = client.get("/en/activities/999999")
    check_page(response, status=404)
    assert_scripts_carry_the_nonce(response, assert_security_headers(response))


def test_server_error_is_a_friendly_page_with_the_security_headers(app, client, catalogue, monkeypatch):
    from portal import cache
    from portal.catalogue import queries

    def broken(_activity_id):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(queries, "activity", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    with app.app_context():
        cache.clear()  # an earlier test may have left this page in the whole-page cache
    response = client.get(f"/sv/activities/{catalogue['concert']}")
    page = check_page(response, status=500)
    assert_scripts_carry_the_nonce(response, assert_security_headers(response))
    assert "the database went away" not in response.get_data(as_text=True)
    assert page.select_one('.contact-block a[href^="tel:"]') is not None


def test_html_pages_are_not_stored_by_shared_caches(client):
    assert client.get("/en/").headers.get("Cache-Control") in ("no-cache", "no-store", "private, no-cache")


def test_https_responses_ask_for_strict_transport_security(client):
    response = client.get("/en/", base_url="https://localhost")
    assert "max-age=" in response.headers.get("Strict-Transport-Security", "")


def test_health_route_is_plain_and_uncached(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_data(as_text=True) == "ok"
    assert response.headers["Cache-Control"] == "no-store"


# --- static files --------------------------------------------------------------------------------

def static_urls(client) -> list[str]:
    page = soup(client.get("/en/"))
    urls = [link["href"] for link in page.find_all("link", rel="stylesheet")]
    urls += [script["src"] for script in page.find_all("script", src=True)]
    assert urls
    return urls


def test_static_files_have_hashed_names(client):
    for url in static_urls(client):
        assert re.fullmatch(r"/static/[\w/.-]+\.[0-9a-f]{12}\.(css|js)", url), url


def test_static_files_are_cached_immutably(client):
    for url in static_urls(client):
        response = client.get(url)
        assert response.status_code == 200, url
        cache = response.headers.get("Cache-Control", "")
        assert "immutable" in cache and "max-age=" in cache, (url, cache)
        assert int(re.search(r"max-age=(\d+)", cache).group(1)) >= 365 * 24 * 3600
        response.close()


def test_static_files_have_a_gzip_variant(client):
    for url in static_urls(client):
        plain = client.get(url)
        body = plain.get_data()
        plain.close()
        compressed = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert compressed.headers.get("Content-Encoding") == "gzip", url
        assert "Accept-Encoding" in compressed.headers.get("Vary", "")
        assert gzip.decompress(compressed.get_data()) == body
        assert len(compressed.get_data()) < len(body)
        compressed.close()


def test_static_files_have_the_right_type(client):
    for url in static_urls(client):
        response = client.get(url)
        expected = "text/css" if url.endswith(".css") else ("text/javascript", "application/javascript")
        assert response.mimetype in (expected if isinstance(expected, tuple) else (expected,)), url
        response.close()


def test_unknown_static_file_is_not_found(client):
    assert client.get("/static/css/portal.000000000000.css").status_code == 404
