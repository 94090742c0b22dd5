"""Each catalogue filter, alone and combined, against the hand-made catalogue in catalogue_factory.py."""
from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlencode

import pytest
from catalogue_factory import LISTED_COUNT, LUNCH_COUNT
from page_checks import all_result_ids, check_page, query, result_ids, soup, words

from portal.catalogue.places import distance_km

LUNCHES = [f"lunch-{n:02d}" for n in range(1, LUNCH_COUNT + 1)]


@pytest.fixture
def found(client, catalogue):
    """found("en", category="exercise") -> the set of keys listed, over every page."""
    keys_by_id = {activity_id: key for key, activity_id in catalogue.items()}

    def search(lang="fi", **params):
        params = [(k, v) for k, values in params.items() for v in (values if isinstance(values, list) else [values])]
        ids = all_result_ids(client, f"/{lang}/activities?{urlencode(params)}")
        assert len(ids) == len(set(ids)), "an activity was listed twice"
        return {keys_by_id[i] for i in ids}

    return search


def count_heading(response) -> int:
    return int(re.search(r"\d+", words(soup(response).select_one("#result-count"))).group())


def test_without_filters_every_coming_activity_is_listed_and_past_ones_are_not(found, catalogue):
    assert found() == set(catalogue) - {"past-talk"}
    assert len(found()) == LISTED_COUNT


# --- words -------------------------------------------------------------------------------------

def test_word_search_ignores_case_and_accents(found):
    assert found("fi", q="kasityo") == {"crafts-cafe"}
    assert found("fi", q="KÄSITYÖKAHVILA") == {"crafts-cafe"}
    assert found("en", q="CAFE") == {"crafts-cafe", "memory-cafe"}
    assert found("en", q="café") == {"crafts-cafe", "memory-cafe"}


def test_word_search_looks_in_the_page_language_and_in_finnish(found):
    assert found("en", q="crafts") == {"crafts-cafe"}
    assert found("en", q="käsityö") == {"crafts-cafe"}  # Finnish words work on every page
    assert found("sv", q="hantverk") == {"crafts-cafe"}
    assert found("sv", q="kasityo") == {"crafts-cafe"}
    assert found("fi", q="crafts") == set()  # English is not searched on the Finnish page
    assert found("en", q="hantverk") == set()  # nor Swedish on the English page


def test_every_word_must_match(found):
    assert found("en", q="memory cafe") == {"memory-cafe"}
    assert found("en", q="memory crafts") == set()


def test_word_search_finds_the_place_and_the_organiser(found):
    assert found("fi", q="kallion kirjasto") == {"crafts-cafe", "concert"}
    assert found("fi", q="ilo ry") == {"digi-help", "nature-walk", "carers-peer"}


def test_activity_without_a_translation_is_found_by_its_finnish_words(found):
    assert found("sv", q="digituki") == {"digi-help"}
    assert found("en", q="vartiosaaressa") == {"nature-walk"}


def test_list_shows_names_and_summaries_in_the_page_language(client, catalogue):
    # Each card shows the name and summary in the page's language when the activity has that text,
    # marked with that language; Finnish only when it has not.
    page = soup(client.get("/en/activities?category=exercise"))
    card = page.select_one(".activity-card")
    assert words(card.select_one("h3")) == "Chair exercise"
    assert words(card.select_one(".summary")) == "Gentle exercise sitting on a chair."
    assert card.select_one("h3 [lang]") is None
    sv = soup(client.get("/sv/activities?category=exercise"))
    assert words(sv.select_one(".activity-card h3")) == "Stolgympa"


def test_list_marks_an_untranslated_name_as_finnish(client):
    card = soup(client.get("/sv/activities?category=digital")).select_one(".activity-card")
    name = card.select_one("h3 [lang]")
    assert name is not None and name["lang"] == "fi" and words(name) == "Digituki"


# --- category, district, place -----------------------------------------------------------------

def test_category_filter_shows_only_that_category(found):
    assert found(category="exercise") == {"chair-gym"}
    assert found(category="culture") == {"crafts-cafe", "concert"}
    assert found(category="food") == set(LUNCHES)


def test_repeated_category_means_any_of(found):
    assert found(category=["exercise", "nature", "community"]) == {"chair-gym", "nature-walk", "crafts-cafe"}


def test_district_filter_by_key(found):
    assert found(district="central") == {"crafts-cafe", "concert"}
    assert found(district="southern") == {"chair-gym", "memory-cafe"}
    assert found(district="ostersundom") == set()


def test_district_filter_by_postal_code(found):
    assert found(district="00530") == {"crafts-cafe", "concert"}
    assert found(district="00700") == {"digi-help"}


def test_district_filter_by_neighbourhood_name_in_finnish_or_swedish(found):
    assert found(district="Kallio") == {"crafts-cafe", "concert"}
    assert found(district="berghall") == {"crafts-cafe", "concert"}
    assert found(district="ITÄKESKUS") == {"nature-walk"}


def test_repeated_district_means_any_of(found):
    assert found(district=["southern", "00900"]) == {"chair-gym", "memory-cafe", "nature-walk"}


def test_online_activity_has_no_district(found):
    assert "carers-peer" not in found(district=["southern", "central", "western", "northern", "northeastern",
                                                "southeastern", "eastern", "ostersundom"])


def test_near_sorts_by_distance_and_shows_it(client, catalogue, db):
    from portal.catalogue.models import Activity

    response = client.get("/en/activities?near=00100&sort=nearest&category=exercise&category=culture"
                          "&category=nature&category=digital&category=support&category=health")
    page = check_page(response)
    ids = result_ids(response)
    activities = {a.id: a for a in db.query(Activity).filter(Activity.id.in_(ids))}

    def km(activity_id):
        venue = activities[activity_id].venue
        return float("inf") if venue is None else distance_km(60.1690, 24.9320, venue.lat, venue.lon)

    distances = [km(i) for i in ids]
    assert distances == sorted(distances)  # nearest first; activities at one venue come soonest first
    assert ids[-1] == catalogue["carers-peer"]  # online: no distance, last
    assert {ids[0], ids[1]} == {catalogue["chair-gym"], catalogue["memory-cafe"]}  # 0 km away
    cards = page.select(".activity-card")
    assert "(100 m)" in words(cards[0])  # the same place: the shortest distance said
    kallio = next(c for c in cards if f"/activities/{catalogue['crafts-cafe']}" in str(c))
    assert "(1.9 km)" in words(kallio)  # 1.94 km, said to one decimal


def test_nearest_order_is_offered_only_with_a_postal_code(client):
    with_near = soup(client.get("/en/activities?near=00530"))
    assert with_near.select_one('#sort option[value="nearest"]') is not None
    without_near = soup(client.get("/en/activities?sort=nearest"))
    assert without_near.select_one('#sort option[value="nearest"]') is None
    assert without_near.select_one("#sort option[selected]")["value"] == "soonest"


def test_near_does_not_filter(found):
    assert len(found(near="00700")) == LISTED_COUNT


# --- price -------------------------------------------------------------------------------------

def test_free_filter_shows_only_free_activities(found):
    assert found(price="free") == {"chair-gym", "digi-help", "carers-peer", "concert"}


def test_max_price_includes_free_and_cheaper(found):
    assert found(max_price="0") == {"chair-gym", "digi-help", "carers-peer", "concert"}
    assert found(max_price="3") == {"chair-gym", "digi-help", "carers-peer", "concert", "crafts-cafe", "memory-cafe"}
    assert found(max_price="4") == found(max_price="3")  # lunches cost 4.50
    assert len(found(max_price="5")) == LISTED_COUNT


def test_price_and_discount_are_shown_as_people_say_them(client, catalogue):
    page = soup(client.get("/en/activities?category=culture"))
    crafts = next(c for c in page.select(".activity-card") if f"/{catalogue['crafts-cafe']}" in str(c))
    assert "3 €" in words(crafts)
    assert "2 € with a service centre card" in words(crafts)
    concert = next(c for c in page.select(".activity-card") if f"/{catalogue['concert']}" in str(c))
    assert "Free" in words(concert)


# --- accessibility needs -----------------------------------------------------------------------

def test_needs_are_met_only_when_every_required_fact_is_yes(found):
    assert found(access="wheelchair") == {"chair-gym", "memory-cafe"}
    assert found(access="hearing") == {"chair-gym", "memory-cafe", "digi-help"}
    assert found(access="memory") == {"memory-cafe"}
    assert found(access="seated") == {"chair-gym"}


def test_every_chosen_need_must_be_met(found):
    assert found(access=["wheelchair", "hearing"]) == {"chair-gym", "memory-cafe"}
    assert found(access=["wheelchair", "memory"]) == {"memory-cafe"}


def test_not_checked_results_are_listed_apart_and_counted(client, found):
    # Wheelchair: Kallio's toilet, Itäkeskus and the online group are not checked; Malmi and
    # Munkkiniemi have steps ("no"), so their activities are not offered at all.
    assert found(access="wheelchair", show="unchecked") == {"crafts-cafe", "concert", "nature-walk", "carers-peer"}
    response = client.get("/en/activities?access=wheelchair")
    page = check_page(response)
    link = page.select_one(".needs-notice a")
    assert link is not None and "4 more activities" in words(link)
    assert ("show", "unchecked") in query(link["href"]) and ("access", "wheelchair") in query(link["href"])
    unchecked_page = check_page(client.get(link["href"]))
    assert "not checked" in words(unchecked_page.select_one("#result-count")).lower()
    back = unchecked_page.select_one(".needs-notice a")
    assert ("show", "unchecked") not in query(back["href"])


def test_not_checked_is_never_shown_as_accessible(client, catalogue):
    page = soup(client.get("/en/activities?access=wheelchair&show=unchecked"))
    for card in page.select(".activity-card"):
        assert "Meets your needs" not in words(card)
        assert "Not checked" in words(card)
    crafts = next(c for c in page.select(".activity-card") if f"/{catalogue['crafts-cafe']}" in str(c))
    assert "Accessible toilet" in words(crafts)  # says which fact has not been checked
    met = soup(client.get("/en/activities?access=wheelchair"))
    assert all("Meets your needs" in words(card) for card in met.select(".activity-card"))


def test_a_known_no_excludes_the_activity_from_both_lists(found):
    both = found(access="hearing") | found(access="hearing", show="unchecked")
    assert "crafts-cafe" not in both and "concert" not in both  # Kallio: hearing loop "no"


def test_unchecked_count_matches_the_unchecked_list(client):
    page = soup(client.get("/en/activities?access=rollator"))
    unchecked = client.get("/en/activities?access=rollator&show=unchecked")
    link = page.select_one(".needs-notice a")
    shown = count_heading(unchecked)
    if shown:
        assert re.search(rf"\b{shown}\b", words(link))
    else:
        assert link is None


# --- language, day, time, audience, how to take part --------------------------------------------

def test_language_filter_any_of(found):
    assert found(language="ru") == {"digi-help"}
    assert found(language="sv") == {"crafts-cafe", "carers-peer", "concert"}
    assert found(language=["ru", "sv"]) == {"digi-help", "crafts-cafe", "carers-peer", "concert"}


def test_day_filter(found):
    assert found(day="tue") == {"chair-gym"}
    assert found(day="sat") == {"memory-cafe", "concert"}  # the concert is on a Saturday
    assert found(day="sun") == set(LUNCHES)
    assert found(day=["mon", "thu"]) == {"digi-help", "nature-walk"}


def test_time_of_day_filter(found):
    assert found(time="evening") == {"digi-help", "carers-peer", "concert"}
    assert found(time="afternoon") == {"crafts-cafe", *LUNCHES}
    assert found(time="morning") == {"chair-gym", "nature-walk", "memory-cafe"}


def test_day_and_time_together_mean_that_time_on_that_day(found):
    assert found(day="sat", time="evening") == {"concert"}
    assert found(day="sat", time="morning") == {"memory-cafe"}
    assert found(day="mon", time="morning") == set()


def test_audience_filter(found):
    assert found(audience="carers") == {"carers-peer"}
    assert found(audience="newcomers") == {"digi-help"}
    assert found(audience=["memory", "carers"]) == {"memory-cafe", "carers-peer"}


def test_drop_in_and_online_filters(found):
    assert found(drop_in="1") == {"chair-gym", "digi-help"}
    assert found(online="1") == {"carers-peer"}
    assert found(drop_in="1", online="1") == set()


def test_filters_combine_with_and(found):
    assert found(category="culture", price="free") == {"concert"}
    assert found(district="southern", access="memory") == {"memory-cafe"}
    assert found(language="sv", time="evening", online="1") == {"carers-peer"}


# --- order and pages ----------------------------------------------------------------------------

def test_soonest_first_is_the_default_order(client, db, catalogue):
    from portal.catalogue.models import ActivityIndex

    ids = all_result_ids(client, "/fi/activities")
    starts = {row.activity_id: row.next_start for row in db.query(ActivityIndex)}
    assert ids == sorted(ids, key=lambda i: (starts[i], i))
    assert all_result_ids(client, "/fi/activities?sort=soonest") == ids


def test_soonest_skips_a_cancelled_occurrence(db, catalogue):
    from portal.catalogue.models import Activity, ActivityIndex

    row = db.get(ActivityIndex, catalogue["chair-gym"])
    cancelled = db.get(Activity, catalogue["chair-gym"]).cancellations[0].day
    assert row.next_start.date() == cancelled + dt.timedelta(days=7)


@pytest.mark.parametrize("lang, order", [
    ("fi", ["concert", "crafts-cafe", "memory-cafe", "chair-gym"]),  # Joulu-, Käsityö-, Muisti-, Tuoli-
    ("en", ["chair-gym", "concert", "crafts-cafe", "memory-cafe"]),  # Chair, Christmas, Crafts, Memory
])
def test_sort_by_name_follows_the_page_language(client, catalogue, lang, order):
    ids = all_result_ids(client, f"/{lang}/activities?sort=name&category=culture&category=exercise&category=health")
    assert ids == [catalogue[k] for k in order]


def test_sort_by_name_puts_untranslated_names_by_their_finnish_name(client, catalogue):
    ids = all_result_ids(client, "/sv/activities?sort=name&category=digital&category=exercise&category=nature")
    # sv: Digituki (Finnish), Luontokävely... (Finnish), Stolgympa
    assert ids == [catalogue["digi-help"], catalogue["nature-walk"], catalogue["chair-gym"]]


def test_pages_hold_20_and_link_to_each_other(client):
    first = check_page(client.get("/fi/activities"))
    assert len(first.select(".activity-card")) == 20
    assert first.select_one(".pagination a[rel=prev]") is None
    following = first.select_one(".pagination a[rel=next]")
    assert ("page", "2") in query(following["href"])
    second = check_page(client.get(following["href"]))
    assert len(second.select(".activity-card")) == LISTED_COUNT - 20
    assert second.select_one(".pagination a[rel=next]") is None
    assert second.select_one(".activity-list")["start"] == "21"
    back = second.select_one(".pagination a[rel=prev]")
    assert ("page", "1") in query(back["href"])


def test_page_links_keep_the_filters(client):
    page = soup(client.get("/fi/activities?category=food&category=exercise&sort=name"))
    link = page.select_one(".pagination a[rel=next]")
    assert query(link["href"]) == sorted([("category", "food"), ("category", "exercise"), ("sort", "name"),
                                          ("page", "2")])


def test_page_after_the_last_shows_the_last_page(client):
    assert result_ids(client.get("/fi/activities?page=99")) == result_ids(client.get("/fi/activities?page=2"))


def test_result_count_is_the_whole_list_not_the_page(client):
    assert count_heading(client.get("/en/activities")) == LISTED_COUNT
    assert count_heading(client.get("/en/activities?page=2")) == LISTED_COUNT
    assert count_heading(client.get("/en/activities?category=food")) == LUNCH_COUNT
