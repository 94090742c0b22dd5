"""The advice line's front door: every channel on the contact page with when to choose it, the one
urgent-help box beside every "on working days", and "Already a client? Find your own contact"."""
from __future__ import annotations

import pytest
from form_support import answer_step, callback_form, step_url, visitor, walk_concern  # noqa: F401
from page_checks import UI_LANGUAGES, check_page, words

OFFICE = {"address": {"fi": "Esimerkkikatu 1\n00100 Helsinki", "sv": "Exempelgatan 1\n00100 Helsingfors"},
          "hours": [("mon", "thu", "10:00", "14:00")], "access": {"fi": "Ei portaita."}}


@pytest.fixture
def service(app, monkeypatch):
    """SERVICE for one test: set a key with service[key] = value; undone afterwards."""
    class Setter:
        def __setitem__(self, key, value):
            monkeypatch.setitem(app.config["SERVICE"], key, value)
    return Setter()


def urgent_box(page):
    boxes = page.select("aside.urgent-help")
    assert len(boxes) == 1, "one urgent-help box"
    return boxes[0]


@pytest.mark.parametrize("lang", UI_LANGUAGES)
def test_contact_page_lists_phone_with_hours_callback_and_concern_each_with_when_to_choose(client, lang):
    page = check_page(client.get(f"/{lang}/contact"))
    channels = {item["id"]: item for item in page.select("ul.channels > li")}
    assert {"phone", "callback", "concern"} <= set(channels)
    for item in channels.values():
        assert words(item.select_one(".when-to-choose")), item["id"]
    assert channels["phone"].select_one('a[href="tel:+358931044556"]') is not None
    assert ("9" in words(channels["phone"])) and ("15" in words(channels["phone"]))  # Mon–Fri 9–15
    assert channels["callback"].select_one('a[href$="/callback"]') is not None
    assert channels["concern"].select_one('a[href$="/concern"]') is not None


def test_unconfirmed_channels_are_left_out_not_guessed(client):
    # The demo configuration has no confirmed e-mail, office or letter address: no empty section, no
    # placeholder address.
    page = check_page(client.get("/en/contact"))
    ids = {item["id"] for item in page.select("ul.channels > li")}
    assert not ids & {"email", "office", "letter"}
    assert page.select_one('a[href^="mailto:"]') is None


def test_configured_channels_appear_with_address_hours_and_access(client, service):
    service["advice_line_email"] = "info@example.fi"
    service["office"] = OFFICE
    service["letter_address"] = {"fi": "PL 1\n00099 Kaupunki"}
    page = check_page(client.get("/sv/contact"))
    channels = {item["id"]: item for item in page.select("ul.channels > li")}
    assert channels["email"].select_one('a[href="mailto:info@example.fi"]') is not None
    assert "Exempelgatan 1" in words(channels["office"])
    assert "10" in words(channels["office"]) and "14" in words(channels["office"])
    # Access text only in Finnish: marked as Finnish on the Swedish page.
    assert channels["office"].find(lang="fi").get_text() == "Ei portaita."
    letter = channels["letter"].select_one(".postal")
    assert letter["lang"] == "fi" and "PL 1" in letter.get_text()


@pytest.mark.parametrize("path", ["/{lang}/contact", "/{lang}/", "/{lang}/callback", "/{lang}/own-contact"])
@pytest.mark.parametrize("lang", UI_LANGUAGES)
def test_pages_that_promise_working_days_have_the_urgent_box(client, lang, path):
    box = urgent_box(check_page(client.get(path.format(lang=lang))))
    assert "112" in words(box)
    assert "sosiaali- ja kriisipäivystys" in words(box)
    assert box.select_one('a[href="tel:+358931010023"]') is not None  # health advice line


def test_concern_check_page_has_the_urgent_box(visitor):
    walk_concern(visitor, "en")
    box = urgent_box(check_page(visitor.get("/en/concern/check")))
    assert "112" in words(box)


def test_urgent_numbers_not_configured_are_not_shown_and_configured_ones_are(client, service):
    box = urgent_box(check_page(client.get("/en/contact")))
    assert box.select_one(".urgent-social a") is None
    assert box.select_one(".urgent-poison") is None
    service["social_emergency_phone"] = "+358900000001"
    service["social_emergency_phone_display"] = "09 000 0001"
    service["poison_info_phone"] = "+358900000002"
    service["poison_info_phone_display"] = "09 000 0002"
    box = urgent_box(check_page(client.get("/en/contact")))
    assert box.select_one('.urgent-social a[href="tel:+358900000001"]').get_text() == "09 000 0001"
    assert box.select_one('.urgent-poison a[href="tel:+358900000002"]') is not None


@pytest.mark.parametrize("lang", UI_LANGUAGES)
def test_own_contact_page_covers_each_service_with_where_to_look_and_what_to_have(client, lang):
    page = check_page(client.get(f"/{lang}/own-contact"))
    wanted = ["home-care", "social-work", "health-station", "rehabilitation", "informal-care"]
    # The plain choices at the top lead to each service's section.
    assert [a["href"] for a in page.select("ul.tiles a")] == [f"#{slug}" for slug in wanted]
    for slug in wanted:
        section = page.select_one(f"section#{slug}")
        assert len(section.find_all("h3")) == 2
        assert len(section.select("ul li")) >= 3
    fallback = page.select_one("section#not-found")
    assert fallback.select_one('a[href^="tel:"]') is not None
    assert fallback.select_one('a[href$="/callback"]') is not None
    assert page.find("form", method="post", action=lambda a: a and "own-contact" in a) is None


@pytest.mark.parametrize("lang", UI_LANGUAGES)
def test_own_contact_is_reachable_from_home_footer_contact_and_callback(client, lang):
    own = f"/{lang}/own-contact"
    for path in (f"/{lang}/", f"/{lang}/contact", f"/{lang}/callback"):
        page = check_page(client.get(path))
        assert page.select_one(f'main a[href="{own}"]') is not None, path
    assert check_page(client.get(f"/{lang}/privacy")).select_one(f'footer a[href="{own}"]') is not None
    assert check_page(client.get(f"/{lang}/")).select_one(f'main a[href="/{lang}/contact"]') is not None


def test_concern_form_points_existing_clients_to_their_own_contact(visitor):
    lang = "en"
    answer_step(visitor, lang, "urgency", {"urgency": "no"})
    answer_step(visitor, lang, "role", {"role": "relative", "on_behalf": "no"})
    answer_step(visitor, lang, "identity", {"identity": "named"})
    answer_step(visitor, lang, "person", {"name": "Aino Esimerkki", "age": "84",
                                          "address": "Fleminginkatu 5, 00530 Helsinki", "phone": "050 765 4321"})
    page = check_page(visitor.get(step_url(lang, "situation")))
    hint = page.select_one(".own-contact-hint")
    assert hint.select_one('a[href="/en/own-contact"]') is not None
