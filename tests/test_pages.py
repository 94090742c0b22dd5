"""Every kind of page, in every language, passes the HTML basics (tests/page_checks.py)."""
from __future__ import annotations

import pytest
from page_checks import UI_LANGUAGES, check_page, words

PLAIN_PAGES = ["/{lang}/", "/{lang}/contact", "/{lang}/accessibility", "/{lang}/privacy"]
LIST_PAGES = [
    "/{lang}/activities",
    "/{lang}/activities?category=exercise&district=southern&price=free",
    "/{lang}/activities?access=wheelchair",
    "/{lang}/activities?access=wheelchair&show=unchecked",
    "/{lang}/activities?near=00100&sort=nearest",
    "/{lang}/activities?category=food&page=2",
    "/{lang}/activities?category=nature&day=tue",  # empty, with suggestions
    "/{lang}/activities?q=zzzzqqqq",  # empty, nothing to suggest but the words
    "/{lang}/activities?category=unknown&max_price=abc&page=-1",
]


@pytest.mark.parametrize("lang", UI_LANGUAGES)
@pytest.mark.parametrize("path", PLAIN_PAGES)
def test_plain_pages_pass_the_html_checks(client, lang, path):
    check_page(client.get(path.format(lang=lang)))


@pytest.mark.parametrize("lang", UI_LANGUAGES)
@pytest.mark.parametrize("path", LIST_PAGES)
def test_activity_list_pages_pass_the_html_checks(client, catalogue, lang, path):
    check_page(client.get(path.format(lang=lang)))


@pytest.mark.parametrize("lang", UI_LANGUAGES)
@pytest.mark.parametrize("key", ["chair-gym", "digi-help", "nature-walk", "carers-peer", "concert", "past-talk"])
def test_activity_pages_pass_the_html_checks(client, catalogue, lang, key):
    check_page(client.get(f"/{lang}/activities/{catalogue[key]}"))


@pytest.mark.parametrize("lang", UI_LANGUAGES)
def test_unknown_activity_is_a_404_page_in_the_language_of_the_address(client, lang):
    check_page(client.get(f"/{lang}/activities/999999"), status=404)


@pytest.mark.parametrize("lang", UI_LANGUAGES)
def test_unknown_page_is_a_404_page_in_the_language_of_the_address(client, lang):
    # A 404 for an address with no route (/sv/no-such-page) is in the address's language: <html lang>
    # follows the /sv/ or /en/ prefix, not Accept-Language.
    check_page(client.get(f"/{lang}/no-such-page", headers={"Accept-Language": "fi"}), status=404)


@pytest.mark.parametrize("lang", UI_LANGUAGES)
def test_contact_page_renders(client, lang):
    # The contact page renders in every language, its opening-hours sentence with the service's name.
    page = check_page(client.get(f"/{lang}/contact"))
    assert page.select_one('main a[href^="tel:"]') is not None


def test_every_page_shows_how_to_reach_a_person(client):
    page = check_page(client.get("/en/privacy"))
    contact = page.select_one(".contact-block")
    assert contact is not None
    assert contact.select_one('a[href^="tel:"]') is not None
    assert "112" in words(contact)


def test_description_html_is_sanitised_on_the_activity_page(client, catalogue):
    page = check_page(client.get(f"/fi/activities/{catalogue['nature-walk']}"))
    article = page.select_one("article")
    html = str(article)
    assert "Kävely alkaa metroasemalta." in words(article)
    assert "Ota eväät." in words(article)
    assert "alert" not in html
    assert "javascript:" not in html
    assert "style=" not in html
    assert article.find("img") is None
