"""Labels and dates the catalogue works out once per process and language (display.labels, the date
formats of portal/formatting.py) still come out in the language of each page, however the requests
of different languages follow one another."""
from __future__ import annotations

import datetime as dt

from flask_babel import force_locale
from page_checks import soup, words

from portal.catalogue import display
from portal.formatting import date_only, day_name

TUESDAY = {"fi": "tiistaisin", "sv": "tisdagar", "en": "Tuesdays"}
EXERCISE = {"fi": "liikunta", "sv": "motion", "en": "exercise"}
SOONEST = {"fi": "pian alkavat ensin", "sv": "tidigast först", "en": "soonest first"}


def test_choices_form_in_each_pages_language_in_turn(client):
    for lang in ["fi", "sv", "en", "sv", "fi", "en", "fi"]:
        page = soup(client.get(f"/{lang}/activities?day=tue"))
        assert words(page.select_one("label[for=day-tue]")).lower() == TUESDAY[lang].lower()
        assert EXERCISE[lang] in words(page.select_one("label[for=category-exercise]")).lower()
        assert words(page.select_one("#sort option[value=soonest]")).lower() == SOONEST[lang]


def test_cards_weekly_times_in_each_pages_language_in_turn(client):
    for lang in ["sv", "fi", "en", "fi", "sv"]:
        page = soup(client.get(f"/{lang}/activities?day=tue"))
        cards = page.select(".activity-card")
        assert cards
        when = [words(card.select_one(".card-facts dd")) for card in cards]
        assert any(TUESDAY[lang].lower() in text.lower() for text in when), (lang, when)
        others = [TUESDAY[other] for other in TUESDAY if other != lang]
        assert not any(other.lower() in text.lower() for text in when for other in others), (lang, when)


def test_labels_follow_a_forced_locale(app):
    with app.test_request_context("/fi/activities"):
        app.preprocess_request()
        assert display.labels()["weekdays"]["tue"] == "tiistaisin"
        with force_locale("sv"):
            assert display.labels()["weekdays"]["tue"] == "tisdagar"
            assert display.fact_labels(["hearing_loop"]) != ["Induktiosilmukka"]
        assert display.fact_labels(["hearing_loop"]) == ["Induktiosilmukka"]
        assert display.labels()["weekdays"]["tue"] == "tiistaisin"


def test_dates_written_in_each_language_in_turn(app):
    day = dt.date(2026, 12, 8)  # a Tuesday
    written = {}
    for lang in ["fi", "sv", "en", "fi"]:
        with app.test_request_context(f"/{lang}/activities"):
            app.preprocess_request()
            written.setdefault(lang, set()).add((day_name(day), date_only(day)))
    assert all(len(forms) == 1 for forms in written.values())
    assert len({forms.pop() for forms in written.values()}) == 3
    with app.test_request_context("/sv/activities"):
        app.preprocess_request()
        assert "december" in date_only(day) and "2026" in date_only(day)
