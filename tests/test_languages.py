"""Languages: the URL prefix decides, / follows Accept-Language, the switcher keeps the page."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from page_checks import check_page, soup, words


@pytest.mark.parametrize("accept, target", [
    ("sv-FI,sv;q=0.9,en;q=0.5", "/sv/"),
    ("en-GB,en;q=0.9", "/en/"),
    ("fi", "/fi/"),
    ("de-DE,de;q=0.9", "/fi/"),
    ("", "/fi/"),
])
def test_front_door_redirects_by_accept_language(client, accept, target):
    headers = {"Accept-Language": accept} if accept else {}
    response = client.get("/", headers=headers)
    assert response.status_code in (301, 302, 303, 307, 308)
    assert urlsplit(response.headers["Location"]).path == target


@pytest.mark.parametrize("path", ["/de/", "/de/activities", "/xx/contact", "/FI/", "/de/activities/1"])
def test_unknown_language_prefix_is_not_found(client, path):
    response = client.get(path)
    assert response.status_code == 404
    check_page(response, status=404)


def test_switcher_names_each_language_in_itself_and_marks_the_current_one(client):
    page = check_page(client.get("/sv/privacy"))
    links = page.select("nav.languages a")
    assert [(a["lang"], words(a)) for a in links] == [("fi", "Suomi"), ("sv", "Svenska"), ("en", "English")]
    current = [a["lang"] for a in links if a.get("aria-current")]
    assert current == ["sv"]


def test_switcher_keeps_the_path_and_the_query(client, catalogue):
    page = soup(client.get("/fi/activities?category=culture&district=Kallio&q=k%C3%A4sity%C3%B6&page=1"))
    hrefs = {a["lang"]: a["href"] for a in page.select("nav.languages a")}
    assert hrefs["sv"] == "/sv/activities?category=culture&district=Kallio&q=k%C3%A4sity%C3%B6&page=1"
    assert hrefs["en"] == "/en/activities?category=culture&district=Kallio&q=k%C3%A4sity%C3%B6&page=1"
    detail = soup(client.get(f"/en/activities/{catalogue['concert']}"))
    assert {a["lang"]: a["href"] for a in detail.select("nav.languages a")}["fi"] == f"/fi/activities/{catalogue['concert']}"


def test_switcher_on_a_missing_activity_says_not_found_in_the_chosen_language(client):
    """A missing activity is missing in every language: the switcher keeps the address, and the page it
    opens says so in the language chosen."""
    page = soup(client.get("/en/activities/999999"))
    links = {a["lang"]: a["href"] for a in page.select("nav.languages a")}
    assert links == {lang: f"/{lang}/activities/999999" for lang in ("fi", "sv", "en")}
    for lang, href in links.items():
        check_page(client.get(href), status=404, lang=lang)


def test_switcher_on_an_address_without_a_page_goes_to_each_front_page(client):
    page = soup(client.get("/en/no/such/page"))
    links = {a["lang"]: a["href"] for a in page.select("nav.languages a")}
    assert links == {lang: f"/{lang}/" for lang in ("fi", "sv", "en")}
    for href in links.values():
        assert client.get(href).status_code == 200


def test_links_on_a_page_stay_in_its_language(client):
    page = soup(client.get("/sv/"))
    for link in page.select("main a, nav.main-nav a, footer a"):
        path = urlsplit(link["href"]).path
        if path.startswith("/") and not path.startswith("/static/"):
            assert path.startswith("/sv/"), link


def test_missing_translation_falls_back_to_finnish_marked_as_such(client, catalogue):
    page = check_page(client.get(f"/en/activities/{catalogue['nature-walk']}"))
    article = page.select_one("article")
    assert article["lang"] == "fi"
    assert words(page.h1) == "Luontokävely Vartiosaaressa"
    notice = page.select_one(".translation-missing")
    assert notice is not None and notice["lang"] == "en"
    assert "Finnish" in words(notice)


def test_translated_activity_has_no_fallback_notice(client, catalogue):
    page = check_page(client.get(f"/en/activities/{catalogue['chair-gym']}"))
    assert page.select_one(".translation-missing") is None
    assert words(page.h1) == "Chair exercise"
    assert page.select_one("article").get("lang") in (None, "en")


def test_missing_swedish_translation_notice_names_swedish(client, catalogue):
    # The "not translated" notice names the page's own language: a Swedish page whose activity lacks
    # only the Swedish text says Swedish is missing.
    page = check_page(client.get(f"/sv/activities/{catalogue['digi-help']}"))
    notice = page.select_one(".translation-missing")
    assert notice is not None
    assert "English" not in words(notice)


def test_untranslated_venue_and_organiser_names_are_marked_finnish(client, catalogue):
    page = check_page(client.get(f"/en/activities/{catalogue['digi-help']}"))
    organiser = page.select_one("#organiser-heading").find_parent("section")
    marked = organiser.select_one("[lang=fi]")
    assert marked is not None and words(marked) == "Seniorijärjestö Ilo ry"
