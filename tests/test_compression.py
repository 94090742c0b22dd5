"""Responses compressed by the app itself (flask-compress) when the browser asks, for `make run` and
gunicorn alike: brotli first, gzip otherwise, nothing when not asked; caches told it varies."""
from __future__ import annotations

import gzip

import brotli
import pytest
from page_checks import check_page

CATALOGUE = "/fi/activities"


def get(client, path: str, encoding: str | None, **headers):
    if encoding is not None:
        headers["Accept-Encoding"] = encoding
    return client.get(path, headers=headers)


def test_catalogue_page_is_sent_with_brotli_when_the_browser_accepts_it(client, catalogue):
    plain = get(client, CATALOGUE, None)
    compressed = get(client, CATALOGUE, "gzip, deflate, br, zstd")  # what Chromium sends
    assert compressed.headers.get("Content-Encoding") == "br"
    body = compressed.get_data()
    assert int(compressed.headers["Content-Length"]) == len(body)
    html = brotli.decompress(body)
    assert html.startswith(b"<!doctype html>") and len(body) * 4 < len(html)
    # Same page as the uncompressed one, apart from the per-response token and nonce.
    assert html.count(b'class="activity-card"') == plain.get_data().count(b'class="activity-card"') > 0


def test_gzip_for_a_client_without_brotli(client, catalogue):
    response = get(client, CATALOGUE, "gzip")
    assert response.headers.get("Content-Encoding") == "gzip"
    assert gzip.decompress(response.get_data()).rstrip().endswith(b"</html>")


@pytest.mark.parametrize("encoding", [None, "identity", ""])
def test_uncompressed_when_not_asked(client, catalogue, encoding):
    response = get(client, CATALOGUE, encoding)
    assert "Content-Encoding" not in response.headers
    check_page(response)


def test_every_answer_of_the_page_says_it_varies_on_accept_encoding(client, catalogue):
    """A shared cache must not give a brotli body to a browser that cannot read it (or the other way
    round), and the htmx fragment and the whole page share the address."""
    for encoding in (None, "gzip", "br"):
        for headers in ({}, {"HX-Request": "true", "HX-Target": "results"}):
            vary = {v.strip().lower() for v in get(client, CATALOGUE, encoding, **headers).headers["Vary"].split(",")}
            assert {"accept-encoding", "hx-request"} <= vary, (encoding, headers, vary)


def test_the_htmx_fragment_is_compressed_too(client, catalogue):
    response = get(client, CATALOGUE, "br", **{"HX-Request": "true", "HX-Target": "results"})
    assert response.headers.get("Content-Encoding") == "br"
    fragment = brotli.decompress(response.get_data())
    assert b"<html" not in fragment and b'id="result-count"' in fragment


def test_json_and_calendar_files_are_compressed(client, catalogue):
    for path in ("/api/v1/activities?lang=fi", "/fi/activities.ics"):
        response = get(client, path, "br")
        assert response.headers.get("Content-Encoding") == "br", path
        assert brotli.decompress(response.get_data()), path
        assert "accept-encoding" in response.headers["Vary"].lower()


def test_static_files_have_a_brotli_twin(client):
    page = check_page(client.get("/fi/"))
    urls = [link["href"] for link in page.select("link[rel=stylesheet]")] + \
           [script["src"] for script in page.select("script[src]")]
    assert urls
    for url in urls:
        plain = client.get(url)
        body = plain.get_data()
        plain.close()
        response = client.get(url, headers={"Accept-Encoding": "br, gzip"})
        assert response.headers.get("Content-Encoding") == "br", url
        assert brotli.decompress(response.get_data()) == body
        response.close()
