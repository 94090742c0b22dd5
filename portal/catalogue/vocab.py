"""The catalogue's controlled vocabularies: codes used in URLs and the database, with their labels.

Codes are stable: they appear in shared links, feeds and the API. Several vocabularies are stored
as bit sets (see `FlagSet`), where a code's bit is its position here, so new codes are only ever
appended, never inserted or reordered.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

# The site's languages and the day codes belong to the core; the catalogue speaks of them too.
from portal.formatting import WEEKDAYS as WEEKDAYS
from portal.i18n import UI_LANGUAGE_NAMES as UI_LANGUAGE_NAMES, UI_LANGUAGES as UI_LANGUAGES

CATEGORIES = {
    "exercise": _l("Exercise"),
    "nature": _l("Nature and outdoors"),
    "culture": _l("Culture"),
    "community": _l("Meeting people and clubs"),
    "health": _l("Health and everyday skills"),
    "food": _l("Food and meals"),
    "digital": _l("Digital help"),
    "support": _l("Advice and support"),
}

AUDIENCES = {
    "seniors": _l("Older people"),
    "carers": _l("Family carers"),
    "newcomers": _l("People new to Finland"),
    "everyone": _l("Everyone"),
    "memory": _l("People with memory problems"),
}

# Languages an activity can be held in (ISO 639-1, and "se" for Northern Sami). Their names come
# from the CLDR data in Babel, in the page's language.
ACTIVITY_LANGUAGES = ("fi", "sv", "en", "ru", "et", "so", "ar", "fa", "ku", "uk", "zh", "se")

DISTRICTS = {
    "southern": (_l("Southern"), _l("e.g. Kamppi, Punavuori, Töölö, Lauttasaari")),
    "western": (_l("Western"), _l("e.g. Munkkiniemi, Haaga, Pitäjänmäki, Kannelmäki")),
    "central": (_l("Central"), _l("e.g. Kallio, Vallila, Pasila, Käpylä")),
    "northern": (_l("Northern"), _l("e.g. Oulunkylä, Maunula, Pakila, Paloheinä")),
    "northeastern": (_l("North-eastern"), _l("e.g. Malmi, Pukinmäki, Tapanila, Puistola")),
    "southeastern": (_l("South-eastern"), _l("e.g. Herttoniemi, Kulosaari, Laajasalo")),
    "eastern": (_l("Eastern"), _l("e.g. Itäkeskus, Myllypuro, Kontula, Vuosaari")),
    "ostersundom": (_l("Östersundom"), _l("e.g. Östersundom, Karhusaari, Talosaari")),
}

# The texts an activity has in each language (the columns of ActivityText), in the order they are edited.
TEXT_FIELDS = ("name", "summary", "description", "for_whom", "how_to_join")

WEEKDAY_LABELS = {
    "mon": _l("Mondays"), "tue": _l("Tuesdays"), "wed": _l("Wednesdays"), "thu": _l("Thursdays"),
    "fri": _l("Fridays"), "sat": _l("Saturdays"), "sun": _l("Sundays"),
}

# Parts of the day, by the starting hour: morning before 12, afternoon 12-17, evening from 17.
TIMES_OF_DAY = {"morning": _l("Mornings"), "afternoon": _l("Afternoons"), "evening": _l("Evenings")}
AFTERNOON_STARTS, EVENING_STARTS = 12, 17

JOIN_MODES = {
    "drop_in": _l("Just come along, no need to sign up"),
    "phone": _l("Sign up by phone"),
    "register": _l("Sign up in advance"),
}

# The discounted price with its condition; `euros` in the data is the price after the discount.
DISCOUNTS = {
    "service_centre_card": _l("%(price)s with a service centre card"),
    "concession": _l("%(price)s with a concession (for example pensioners)"),
    "companion_free": _l("a companion comes free"),
}

SORTS = {"soonest": _l("Soonest first"), "nearest": _l("Nearest first"), "name": _l("By name")}


@dataclass(frozen=True)
class Fact:
    code: str
    label: object
    about: str  # "venue" or "activity": where the fact is recorded


# The accessibility facts, each recorded as yes / no / unknown with the date it was checked.
FACTS = (
    Fact("step_free_entrance", _l("Step-free entrance"), "venue"),
    Fact("accessible_toilet", _l("Accessible toilet"), "venue"),
    Fact("lift_or_single_level", _l("Lift, or everything on one level"), "venue"),
    Fact("hearing_loop", _l("Hearing loop"), "venue"),
    Fact("accessible_parking", _l("Accessible parking"), "venue"),
    Fact("rest_places", _l("Places to rest on the way"), "venue"),
    Fact("lighting_signage", _l("Good lighting and clear signs"), "venue"),
    Fact("seated_option", _l("Can be done sitting down"), "activity"),
    Fact("easy_language", _l("Instructions in easy language"), "activity"),
    Fact("sign_language", _l("Sign language or an interpreter"), "activity"),
    Fact("free_assistant", _l("A personal assistant comes free"), "activity"),
    Fact("memory_friendly", _l("Suitable for people with memory problems"), "activity"),
    Fact("no_fitness_needed", _l("No fitness needed"), "activity"),
)
FACT_CODES = tuple(fact.code for fact in FACTS)
FACT_STATES = ("yes", "no", "unknown")


@dataclass(frozen=True)
class Need:
    code: str
    label: object
    requires: tuple[str, ...]


# Needs are asked as people say them; each is met only when every fact it requires is "yes".
NEEDS = (
    Need("wheelchair", _l("I use a wheelchair"), ("step_free_entrance", "lift_or_single_level", "accessible_toilet")),
    Need("rollator", _l("I use a rollator or a walking stick"),
         ("step_free_entrance", "lift_or_single_level", "rest_places")),
    Need("hearing", _l("I have a hearing aid"), ("hearing_loop",)),
    Need("sight", _l("I see poorly"), ("lighting_signage",)),
    Need("memory", _l("I have memory problems"), ("memory_friendly", "easy_language")),
    Need("seated", _l("I need to sit down"), ("seated_option",)),
    Need("low_fitness", _l("My fitness is low"), ("no_fitness_needed",)),
    Need("sign_language", _l("I use sign language"), ("sign_language",)),
    Need("assistant", _l("I come with a personal assistant"), ("free_assistant",)),
    Need("parking", _l("I come by car with a disability parking permit"), ("accessible_parking",)),
)
NEEDS_BY_CODE = {need.code: need for need in NEEDS}
