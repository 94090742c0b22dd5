"""The catalogue page in reading order for a small screen: the search words, the count and the results
come before the other choices; "Change choices (3 chosen)" leads to them; "More choices" opens only
when the person left it open; the advice line's phone is in the header of every resident page."""
from __future__ import annotations

import pytest
from page_checks import check_page, words

LANGS = ("fi", "sv", "en")


def position(page, element) -> int:
    return list(page.descendants).index(element)


@pytest.mark.parametrize("lang", LANGS)
def test_search_words_and_results_come_before_the_other_choices(client, lang):
    page = check_page(client.get(f"/{lang}/activities?category=culture"))
    search, count = page.select_one("input#q"), page.select_one("#result-count")
    first_card, form = page.select_one(".activity-card"), page.select_one("form#filters")
    assert position(page, search) < position(page, count) < position(page, first_card) < position(page, form)
    # Outside the form element, the search words still go with the choices when sent.
    assert search["form"] == "filters"
    assert page.select_one('button[type="submit"][form="filters"]') is not None


@pytest.mark.parametrize("lang, expected", [("fi", "Muuta valintoja (3 valittu)"), ("sv", "Ändra val (3 valda)"),
                                            ("en", "Change choices (3 chosen)")])
def test_change_choices_counts_the_choices_and_leads_to_them(client, lang, expected):
    # Search words are beside the results and not counted: a topic, a day and "free" are three.
    page = check_page(client.get(f"/{lang}/activities?q=a&category=culture&day=sat&price=free&sort=name"))
    link = page.select_one(".change-choices a")
    assert words(link) == expected
    target = page.select_one(link["href"])
    assert target is not None and target.find_parent("form")["id"] == "filters"


def test_change_choices_without_choices_says_no_number(client):
    page = check_page(client.get("/en/activities"))
    assert words(page.select_one(".change-choices a")) == "Change choices"


@pytest.mark.parametrize("path", ["/en/activities?category=culture", "/en/activities?day=sat&language=sv"])
def test_more_choices_does_not_open_by_itself_for_a_choice_from_a_link(client, path):
    details = check_page(client.get(path)).select_one("details.more-filters")
    assert not details.has_attr("open")
    # Closed, it still says that some of its choices are on.
    assert "chosen" in words(details.summary)


def test_more_choices_stays_open_when_the_form_sent_one_of_its_choices(client):
    page = check_page(client.get("/en/activities?category=culture&via=form"))
    assert page.select_one("details.more-filters").has_attr("open")
    assert page.select_one('form#filters input[type="hidden"][name="via"]')["value"] == "form"


def test_more_choices_stays_closed_when_the_form_sent_none_of_its_choices(client):
    page = check_page(client.get("/en/activities?price=free&via=form"))
    assert not page.select_one("details.more-filters").has_attr("open")


@pytest.mark.parametrize("lang", LANGS)
def test_the_advice_line_phone_is_in_the_header(client, lang):
    page = check_page(client.get(f"/{lang}/activities"))
    phone = page.select_one("header .header-phone a.phone")
    assert phone is not None and phone["href"] == "tel:+358931044556"
    assert words(phone) == "09 310 44556"


def test_more_choices_opens_when_the_place_typed_in_it_could_not_be_used(client):
    page = check_page(client.get("/en/activities?near=Xyzzy"))
    details = page.select_one("details.more-filters")
    assert details.has_attr("open") and details.select_one("#near-error") is not None
