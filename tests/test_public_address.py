"""The Host header never reaches a link: requests to a host that is not trusted get a 400, and with a
configured public base URL every absolute link (API, calendar, shared list, QR code) is built on it."""
from __future__ import annotations

import re

import pytest
from app_setup import app_with_catalogue
from page_checks import soup

from portal import create_app

EVIL = "evil.example"


@pytest.mark.parametrize("path", ["/en/activities", "/api/v1/activities", "/fi/activities.ics", "/en/my-list",
                                  "/en/callback"])
def test_a_request_to_an_untrusted_host_is_refused(client, path):
    response = client.get(path, headers={"Host": EVIL})
    assert response.status_code == 400
    assert EVIL not in response.get_data(as_text=True)
    assert response.headers.get("X-Content-Type-Options") == "nosniff"


def test_an_untrusted_forwarded_host_is_refused_too(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'proxy.sqlite3'}",
                      "SECRET_KEY": "test", "PROXIES": 1})
    response = app.test_client().get("/healthz", headers={"X-Forwarded-Host": EVIL})
    assert response.status_code == 400


def test_this_machine_is_trusted_for_make_run_and_the_tests(client):
    for host in ("localhost", "127.0.0.1:5000", "localhost:5100"):
        assert client.get("/healthz", headers={"Host": host}).status_code == 200, host


@pytest.fixture(scope="module")
def public_app(tmp_path_factory):
    app = app_with_catalogue(tmp_path_factory.mktemp("public"), "publicaddress")
    yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture(scope="module")
def based(public_app):
    """The same database behind an app configured with its public address."""
    app = create_app({"TESTING": True, "DATABASE_URL": public_app.config["DATABASE_URL"], "SECRET_KEY": "test",
                      "PORTAL_BASE_URL": "https://hyvinvointi.example.fi",
                      "PORTAL_TRUSTED_HOSTS": ["hyvinvointi.example.fi", "localhost"]})
    app.extensions["test_catalogue"] = public_app.extensions["test_catalogue"]
    yield app
    app.extensions["db_engine"].dispose()


def absolute_urls(text: str) -> list[str]:
    return re.findall(r"(?:https?|webcal)://[^\s\"'<>&]+", text)


def assert_all_on_the_base(urls: list[str]) -> None:
    assert urls
    for url in urls:
        if "hyvinvointi.example.fi" in url or "localhost" in url:
            assert url.startswith(("https://hyvinvointi.example.fi/", "webcal://hyvinvointi.example.fi/")), url


def test_api_links_are_on_the_public_address(based):
    response = based.test_client().get("/api/v1/activities", headers={"Host": "localhost"})
    assert response.status_code == 200
    urls = [item["url"] for item in response.get_json()["results"]]
    assert urls and all(re.match(r"https://hyvinvointi\.example\.fi/(fi|sv|en)/activities/\d+$", url) for url in urls), urls[:3]


def test_calendar_feed_and_webcal_link_are_on_the_public_address(based):
    client = based.test_client()
    page = client.get("/en/activities", headers={"Host": "localhost"})
    assert page.status_code == 200
    webcal = [a["href"] for a in soup(page).select('a[href^="webcal:"]')]
    assert webcal and all(href.startswith("webcal://hyvinvointi.example.fi/en/activities.ics") for href in webcal)
    assert_all_on_the_base(absolute_urls(page.get_data(as_text=True)))
    feed = client.get("/en/activities.ics", headers={"Host": "localhost"}).get_data(as_text=True)
    assert "localhost" not in feed
    assert "https://hyvinvointi.example.fi/en/activities/" in feed


def test_shared_list_and_qr_code_links_are_on_the_public_address(based):
    activity_id = min(based.extensions["test_catalogue"].values())
    client = based.test_client()
    page = client.get(f"/en/my-list?ids={activity_id}", headers={"Host": "localhost"})
    assert page.status_code == 200
    share = soup(page).select_one("#share-link")
    assert share is not None and share["value"].startswith("https://hyvinvointi.example.fi/en/my-list")
    detail = client.get(f"/en/activities/{activity_id}", headers={"Host": "localhost"})
    assert "localhost" not in " ".join(absolute_urls(detail.get_data(as_text=True)))


def test_a_base_url_with_a_path_is_refused_at_start(tmp_path):
    with pytest.raises(ValueError, match="PORTAL_BASE_URL"):
        create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}", "SECRET_KEY": "test",
                    "PORTAL_BASE_URL": "https://example.fi/portal"})
