"""The open data's description and HTTP behaviour: the OpenAPI 3.1 document at /api/ names every
open-data endpoint and each answers; the page for people in three languages; CORS on the open data's
GETs and nowhere else; ETag and Last-Modified with 304s; a rate limit per address."""
from __future__ import annotations

import pytest

OPEN_GETS = ["/api/", "/api/openapi.json", "/api/v1/activities", "/api/hsds/", "/api/hsds/services",
             "/api/hsds/organizations", "/api/hsds/locations", "/api/hsds/service_at_locations",
             "/api/linked-events/v1/event/", "/api/linked-events/v1/place/"]


def test_document_describes_every_endpoint_and_each_answers(client):
    document = client.get("/api/").json
    assert document["openapi"].startswith("3.1")
    paths = document["paths"]
    for path in OPEN_GETS[2:]:
        assert path in paths, path
    services = client.get("/api/hsds/services?per_page=1").json["contents"]
    events = client.get("/api/linked-events/v1/event/?page_size=1").json["data"]
    places = client.get("/api/linked-events/v1/place/?page_size=1").json["data"]
    for path in paths:
        concrete = (path.replace("/services/{id}", f"/services/{services[0]['id']}")
                    .replace("/event/{id}/", f"/event/{events[0]['id']}/")
                    .replace("/place/{id}/", f"/place/{places[0]['id']}/"))
        assert client.get(concrete).status_code == 200, concrete
        assert "200" in paths[path]["get"]["responses"]


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_page_for_people_links_the_description(client, lang):
    from bs4 import BeautifulSoup

    answer = client.get(f"/{lang}/open-data")
    assert answer.status_code == 200
    soup = BeautifulSoup(answer.data, "html.parser")
    assert soup.html["lang"] == lang and len(soup.find_all("h1")) == 1
    links = {a["href"] for a in soup.select("main a")}
    assert {"/api/openapi.json", "/api/hsds/", "/api/linked-events/v1/event/"} <= links or "/api/" in links
    assert "Access-Control-Allow-Origin" not in answer.headers  # a page, not data


@pytest.mark.parametrize("path", OPEN_GETS)
def test_open_data_may_be_read_from_any_origin(client, path):
    answer = client.get(path, headers={"Origin": "https://elsewhere.example"})
    assert answer.status_code == 200
    assert answer.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("path", ["/fi/activities", "/fi/callback", "/fi/contact", "/fi/staff/sign-in", "/fi/concern"])
def test_pages_forms_and_staff_get_no_cors(client, path):
    answer = client.get(path, headers={"Origin": "https://elsewhere.example"})
    assert answer.status_code in (200, 302)
    assert "Access-Control-Allow-Origin" not in answer.headers


def test_a_post_to_the_open_data_gets_no_cors(client):
    answer = client.post("/api/hsds/services", headers={"Origin": "https://elsewhere.example"})
    assert answer.status_code == 405
    assert "Access-Control-Allow-Origin" not in answer.headers


@pytest.mark.parametrize("path", ["/api/hsds/services?lang=sv", "/api/linked-events/v1/event/?page_size=3",
                                  "/api/hsds/locations"])
def test_etag_and_last_modified_give_304(client, path):
    first = client.get(path)
    assert first.status_code == 200 and first.headers["ETag"] and first.headers["Last-Modified"]
    assert client.get(path, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert client.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304
    assert client.get(path, headers={"If-None-Match": 'W/"something-else"'}).status_code == 200
    assert client.get(path, headers={"If-Modified-Since": "Tue, 01 Jan 2002 00:00:00 GMT"}).status_code == 200


def test_other_language_other_etag(client):
    assert client.get("/api/hsds/services?lang=fi").headers["ETag"] != \
        client.get("/api/hsds/services?lang=sv").headers["ETag"]


def test_open_data_is_rate_limited_per_address(fresh_app):
    from staff_support import reset_limits

    fresh_app.config["OPEN_DATA_RATE_LIMIT"] = "3 per minute"
    reset_limits()
    try:
        client = fresh_app.test_client()
        answers = [client.get("/api/hsds/organizations").status_code for _ in range(4)]
        assert answers == [200, 200, 200, 429]
        assert client.get("/api/hsds/organizations").headers["Retry-After"]
    finally:
        reset_limits()
