"""Odd, mistyped and hostile query values never break the list: they are set aside and said so."""
from __future__ import annotations

import pytest
from catalogue_factory import LISTED_COUNT
from page_checks import check_page, result_ids, words


def ignored_notice(page) -> str:
    notice = page.select_one("#results .notice[role=note]")
    return words(notice) if notice else ""


@pytest.mark.parametrize("query", [
    "q=%27%3B+DROP+TABLE+activity%3B+--",
    "q=%27+OR+1%3D1+--",
    "q=" + "a" * 5000,
    "q=%25%25",
    "q=_%5C%25",
    "q=%FF%FE",
    "q=%00",
    "category=%FF",
    "district=%C3%28",
    "near=%27%3B--",
    "near=" + "9" * 300,
    "max_price=abc",
    "max_price=-1",
    "max_price=1e9",
    "max_price=99999999999999999999",
    "page=-1",
    "page=0",
    "page=abc",
    "page=99999999999999999999",
    "sort=%27%3B--",
    "access=%3Cscript%3E",
    "day=monday&time=noon&language=xx&audience=aliens",
    "category=" + "&category=".join(["x"] * 500),
    "show=%3Cb%3E",
    "drop_in=yes&online=true",
])
def test_hostile_values_never_give_a_server_error(client, catalogue, query):
    check_page(client.get(f"/sv/activities?{query}"))
    assert client.get(f"/api/v1/activities?lang=en&{query}").status_code == 200
    assert client.get(f"/fi/activities.ics?{query}").status_code == 200


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_a_nul_character_in_the_words_is_not_a_server_error(client, lang):
    # BUG (PostgreSQL only): portal/catalogue/text.py fold()/words() keep "\x00", and search.py puts
    # the word into a LIKE pattern; PostgreSQL refuses NUL in text ("PostgreSQL text fields cannot
    # contain NUL (0x00) bytes"), so /activities?q=ab%00cd is a 500 there (SQLite just finds nothing).
    check_page(client.get(f"/{lang}/activities?q=ab%00cd"))
    assert client.get(f"/api/v1/activities?lang={lang}&q=ab%00cd").status_code == 200


def test_sql_like_words_are_searched_as_plain_text(client):
    page = check_page(client.get("/en/activities?q=%27+OR+1%3D1+--"))
    assert result_ids_in(page) == []


def result_ids_in(page):
    return [a["href"] for a in page.select(".activity-card h3 a")]


def test_percent_and_underscore_are_not_wildcards(client):
    assert result_ids(client.get("/en/activities?q=%25%25")) == []
    assert result_ids(client.get("/en/activities?q=__")) == []


def test_very_long_words_are_cut_to_100_characters(client):
    page = check_page(client.get("/en/activities?q=" + "b" * 5000))
    assert len(page.select_one("#q")["value"]) == 100


def test_text_is_escaped_where_it_is_shown_again(client):
    response = client.get("/en/activities?q=%3Cscript%3Ealert(1)%3C/script%3E&category=%3Cimg+src=x+onerror=alert(1)%3E")
    page = check_page(response)
    assert "<script>alert(1)" not in response.get_data(as_text=True)
    assert page.find("img") is None


@pytest.mark.parametrize("query, parameter, problem, message", [
    ("category=knitting", "category", "unknown_choice", "We do not have the topic “knitting”."),
    ("category=%FF", "category", "unknown_choice", "We do not have the topic “%FF”."),
    ("district=atlantis", "district", "unknown_district",
     "We could not find the area “atlantis”. Choose an area from the list, or type a postal code or the name of a "
     "neighbourhood."),
    ("near=99999", "near", "unknown_postal_code",
     "The postal code 99999 is not in our area. Type a postal code, for example 00530, or the name of a neighbourhood."),
    ("max_price=abc", "max_price", "not_whole_euros", "The highest price must be a whole number of euros, for example 5."),
    ("max_price=-1", "max_price", "not_whole_euros", "The highest price must be a whole number of euros, for example 5."),
    ("max_price=5000", "max_price", "price_too_high", "The highest price can be at most 1000 euros."),
    ("access=flying", "access", "unknown_choice", "We do not know the need “flying”."),
    ("language=xx", "language", "unknown_choice", "We do not have the language “xx”."),
    ("day=someday", "day", "unknown_choice", "We do not know the weekday “someday”."),
    ("time=noon", "time", "unknown_choice", "We do not know the time of day “noon”."),
    ("audience=aliens", "audience", "unknown_choice", "We do not know the group “aliens”."),
])
def test_unknown_values_are_left_out_and_reported_in_words(client, query, parameter, problem, message):
    page = check_page(client.get(f"/en/activities?{query}"))
    assert ignored_notice(page) == message
    assert f"{parameter}=" not in words(page.find("main"))  # never the raw address
    assert len(page.select(".activity-card")) == 20  # the rest of the list still shows
    data = client.get(f"/api/v1/activities?lang=en&{query}").get_json()
    assert [(item["parameter"], item["problem"], item["message"]) for item in data["ignored"]] == \
        [(parameter, problem, message)]
    assert data["count"] == LISTED_COUNT


def test_a_bad_value_does_not_drop_the_good_ones_beside_it(client, catalogue):
    page = check_page(client.get("/en/activities?category=knitting&category=exercise"))
    assert ignored_notice(page) == "We do not have the topic “knitting”."
    assert result_ids(client.get("/en/activities?category=knitting&category=exercise")) == [catalogue["chair-gym"]]


@pytest.mark.parametrize("query, value", [("page=-1", "-1"), ("page=abc", "abc"), ("page=0", "0")])
def test_an_impossible_page_number_is_reported(client, query, value):
    page = check_page(client.get(f"/en/activities?{query}"))
    assert ignored_notice(page) == f"There is no page “{value}”, so the first page is shown."
    assert len(page.select(".activity-card")) == 20


def test_nothing_is_reported_for_a_clean_query(client):
    page = check_page(client.get("/en/activities?category=exercise&price=free&page=1"))
    assert ignored_notice(page) == ""
