"""`near` and `district` take places as people type them: a postal code, or a neighbourhood or
district name in Finnish, Swedish or English, with or without accents, in any case. What cannot be
used is said in words in the page's language, never as the raw address."""
from __future__ import annotations

import csv
from pathlib import Path
from urllib.parse import quote

import pytest
from catalogue_factory import postal_area, venue
from form_support import tr
from page_checks import check_page, result_ids, soup, words

from portal import db as portal_db
from portal.catalogue.places import Places

DEMO_POSTAL_CODES = Path(__file__).parent.parent / "portal/demo/data/postal_codes.csv"


@pytest.fixture(scope="module")
def helsinki(tmp_path_factory):
    """Places built from the demo's real postal areas (all of Helsinki's, with their official
    Finnish and Swedish names) and one venue naming a neighbourhood that is no postal area's."""
    from app_setup import database_url, make_app

    app = make_app(database_url(tmp_path_factory.mktemp("places"), "places"))
    with app.app_context(), portal_db.transaction() as session:
        with DEMO_POSTAL_CODES.open(encoding="utf-8") as rows:
            for row in csv.DictReader(rows):
                postal_area(session, row["postal_code"], row["name_fi"], row["name_sv"], row["district"],
                            float(row["lat"]), float(row["lon"]))
        # As in portal/demo/data/venues.json: a venue in Kluuvi (Gloet), postal code 00100.
        venue(session, "kluuvi", {"fi": "Talo"}, "00100", {"fi": "Kluuvi", "sv": "Gloet"}, "southern", 60.171, 24.944)
    with app.test_request_context("/fi/activities"):
        places = Places.load(portal_db.session())
    yield places
    app.extensions["db_engine"].dispose()


@pytest.mark.parametrize("typed, code, district", [
    ("00530", "00530", "central"),
    (" 00 530 ", "00530", "central"),
    ("00530 Helsinki", "00530", "central"),
    ("Kallio", "00530", "central"),
    ("kallio", "00530", "central"),
    ("KALLIO", "00530", "central"),
    ("Berghäll", "00530", "central"),
    ("BERGHALL", "00530", "central"),
    ("berghall", "00530", "central"),
    ("Malmi", "00700", "northeastern"),
    ("Malm", "00700", "northeastern"),
    ("Munkkiniemi", "00330", "western"),
    ("Munksnäs", "00330", "western"),
    ("Munkkiniemi/Munksnäs", "00330", "western"),
    ("Kallio, Helsinki", "00530", "central"),
    ("Ruoholahti", "00180", "southern"),  # a part of "Kamppi - Ruoholahti"
    ("Gräsviken", "00180", "southern"),
    ("Itäkeskus", "00930", "eastern"),  # of "Itäkeskus - Marjaniemi"
    ("itakeskus", "00930", "eastern"),
    ("Östra centrum", "00930", "eastern"),
    ("Kluuvi", None, "southern"),  # a venue's neighbourhood
    ("Gloet", None, "southern"),
    ("Haaga", None, "western"),  # Etelä-Haaga and Pohjois-Haaga
    ("Töölö", None, "southern"),
    ("toolo", None, "southern"),
    ("Itäinen", None, "eastern"),  # the major districts, in fi, sv and en
    ("itäinen", None, "eastern"),
    ("ITAINEN", None, "eastern"),
    ("Östra", None, "eastern"),
    ("ostra", None, "eastern"),
    ("Eastern", None, "eastern"),
    ("Koillinen", None, "northeastern"),
    ("Nordöstra", None, "northeastern"),
])
def test_places_in_any_language_case_and_accents(helsinki, typed, code, district):
    found = helsinki.resolve(typed)
    assert found.place is not None, (typed, found)
    assert found.place.district == district
    if code:
        assert found.place.code == code
    # The point used for distances is one of the areas the name covers.
    assert helsinki.areas[found.place.code].district == district
    assert helsinki.district_for(typed) == district


def test_a_shared_name_stands_for_the_area_in_the_middle(helsinki):
    haaga = helsinki.resolve("Haaga").place
    assert haaga.code in {"00320", "00400"} and haaga.name == "Haaga"
    assert helsinki.resolve("haaga") == helsinki.resolve("Haaga")
    eastern = {helsinki.resolve(name).place.code for name in ("Itäinen", "Östra", "Eastern", "itainen")}
    assert len(eastern) == 1 and helsinki.areas[eastern.pop()].district == "eastern"


@pytest.mark.parametrize("typed, problem", [
    ("Xyz", "unknown_place"),
    ("Helsinki", "unknown_place"),  # the whole city, not a place in it
    ("02100", "unknown_postal_code"),  # Espoo
    ("99999", "unknown_postal_code"),
    ("Etelä", "several_districts"),  # Etelä-Haaga, Etelä-Vuosaari, ...
    ("x" * 61, "unknown_place"),
    ("<b>Kallio</b>", "unknown_place"),
    ("", "unknown_place"),
])
def test_what_is_not_a_place(helsinki, typed, problem):
    found = helsinki.resolve(typed)
    assert found.place is None and found.problem == problem
    if problem == "several_districts":
        assert "Etelä-Haaga" in found.examples and len(found.examples) <= 3


# --- on the page, with the test catalogue (Kamppi, Kallio, Munkkiniemi, Malmi, Itäkeskus) ----------

@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize("typed", ["Kallio", "berghall", "BERGHÄLL"])
def test_a_neighbourhood_name_orders_by_distance_like_its_postal_code(client, catalogue, lang, typed):
    by_name = client.get(f"/{lang}/activities?near={quote(typed)}&sort=nearest")
    by_code = client.get(f"/{lang}/activities?near=00530&sort=nearest")
    page = check_page(by_name)
    assert page.select_one(".notice[role=note]") is None
    assert result_ids(by_name) == result_ids(by_code)
    assert result_ids(by_name)[0] in (catalogue["crafts-cafe"], catalogue["concert"])  # in Kallio
    first = words(page.select(".activity-card")[0])
    assert "(100 m)" in first  # the distance is shown
    # What was typed stays in the field; the choice shows the place as the data names it.
    assert page.select_one("#near")["value"] == typed
    chips = [words(a) for a in page.select("a.chip")]
    assert any(chip.startswith("Berghäll" if typed != "Kallio" else "Kallio") for chip in chips), chips


def test_the_near_field_takes_names(app, client):
    page = check_page(client.get("/en/activities"))
    field = page.select_one("#near")
    assert field["type"] == "text" and "inputmode" not in field.attrs
    assert int(field["maxlength"]) >= 40 and field["autocomplete"] == "off"
    assert words(page.find("label", attrs={"for": "near"})) == "Near a place or postal code"
    assert "Kallio" in words(page.select_one("#near-hint"))
    for lang in ("fi", "sv"):
        label = words(soup(client.get(f"/{lang}/activities")).find("label", attrs={"for": "near"}))
        assert label == tr(app, lang, "Near a place or postal code") != "Near a place or postal code"


UNKNOWN = {
    "fi": "Emme löytäneet paikkaa ”Xyz”. Kirjoita postinumero, esimerkiksi 00530, tai kaupunginosan nimi.",
    "sv": "Vi hittade inte platsen ”Xyz”. Skriv ett postnummer, till exempel 00530, eller namnet på en stadsdel.",
    "en": "We could not find the place “Xyz”. Type a postal code, for example 00530, or the name of a neighbourhood.",
}
PRICE = {
    "fi": "Enimmäishinnan pitää olla kokonaisia euroja, esimerkiksi 5.",
    "sv": "Det högsta priset ska vara hela euro, till exempel 5.",
    "en": "The highest price must be a whole number of euros, for example 5.",
}


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_an_unknown_place_is_named_in_words_in_the_page_language(app, client, catalogue, lang):
    response = client.get(f"/{lang}/activities?near=Xyz&max_price=abc&category=culture")
    page = check_page(response, lang=lang)
    notice = page.select_one("#results .notice[role=note]")
    items = [words(li) for li in notice.select("li")]
    assert items == [UNKNOWN[lang], PRICE[lang]]
    main = words(page.find("main"))
    assert "near=" not in main and "max_price=" not in main and "=Xyz" not in main
    # The other choices still apply, and what was typed is kept with its error at the field.
    assert set(result_ids(response)) == {catalogue["crafts-cafe"], catalogue["concert"]}
    field = page.select_one("#near")
    assert field["value"] == "Xyz" and field["aria-invalid"] == "true"
    assert "near-error" in field["aria-describedby"].split()
    assert UNKNOWN[lang] in words(page.select_one("#near-error"))
    # The API says the same, for programs and for people.
    data = client.get(f"/api/v1/activities?lang={lang}&near=Xyz&max_price=abc").get_json()
    assert data["ignored"] == [
        {"parameter": "near", "value": "Xyz", "problem": "unknown_place", "message": UNKNOWN[lang]},
        {"parameter": "max_price", "value": "abc", "problem": "not_whole_euros", "message": PRICE[lang]},
    ]
    assert data["near"] is None


def test_the_api_says_which_place_a_name_stands_for(client, catalogue):
    data = client.get("/api/v1/activities?lang=sv&near=berghall&sort=nearest").get_json()
    assert data["near"] == {"typed": "berghall", "name": "Berghäll", "postal_code": "00530"}
    assert data["ignored"] == []
    assert data["results"][0]["distance_km"] is not None and data["results"][0]["distance_km"] < 0.5


@pytest.mark.parametrize("typed, district", [("Berghäll", "central"), ("itäinen", "eastern"), ("Östra", "eastern"),
                                             ("malmi", "northeastern"), ("00100", "southern")])
def test_the_district_parameter_takes_names_too(client, catalogue, typed, district):
    by_name = client.get(f"/en/activities?district={quote(typed)}")
    check_page(by_name)
    assert soup(by_name).select_one(".notice[role=note]") is None
    assert sorted(result_ids(by_name)) == sorted(result_ids(client.get(f"/en/activities?district={district}")))


@pytest.mark.parametrize("value", ["x" * 5000, "Kal%00lio", "%00", "%3Cscript%3Ealert(1)%3C/script%3E",
                                   "%3Cb%3EKallio%3C/b%3E", "%F0%9F%98%80", "%E2%80%AE00530", "00530" * 30,
                                   "%C3%28", "+", "%0A00530%0D"])
def test_hostile_places_never_break_anything(client, value):
    response = client.get(f"/fi/activities?near={value}&district={value}")
    page = check_page(response)
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html and "<b>Kallio" not in html
    notice = page.select_one("#results .notice[role=note]")
    if notice is not None:
        for item in notice.select("li") or notice.select("p"):
            assert "\x00" not in words(item)
    assert len(page.select_one("#near")["value"]) <= 60
    assert client.get(f"/api/v1/activities?lang=en&near={value}&district={value}").status_code == 200
    assert client.get(f"/fi/activities.ics?near={value}").status_code == 200


def test_a_long_value_is_shortened_where_it_is_named(client):
    page = check_page(client.get("/en/activities?near=" + "y" * 300))
    notice = words(page.select_one("#results .notice[role=note]"))
    assert "y" * 39 + "…" in notice and "y" * 41 not in notice
