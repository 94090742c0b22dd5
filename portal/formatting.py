"""Turning data into the words people use: times, days, prices, languages. Used as Jinja filters."""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from babel import Locale
from babel.dates import format_skeleton, format_time, get_datetime_format, get_day_names
from babel.lists import format_list
from babel.numbers import format_decimal
from flask import Flask
from markupsafe import Markup, escape

from portal.i18n import DEFAULT_LANGUAGE, current_language, gettext as _

# Babel's plain "en" writes American dates; the portal's English follows British usage.
FORMAT_LOCALES = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}
T = TypeVar("T")
# Days as the data and the settings write them (weekly times, opening hours), Monday first.
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@functools.cache
def _babel_locale(language: str) -> Locale:
    # Parsed once: Babel would otherwise parse the identifier again on every call, on every card.
    return Locale.parse(FORMAT_LOCALES.get(language, language))


def _locale() -> Locale:
    return _babel_locale(current_language())


@functools.lru_cache(maxsize=4096)
def _skeleton(skeleton: str, day: dt.date, language: str) -> str:
    # Babel matches the skeleton to a pattern anew on every call (about 0.5 ms); a card shows few dates.
    return format_skeleton(skeleton, day, locale=_babel_locale(language))


def clock(time: dt.time) -> str:
    """10 or 10.30: how times are said and written in Finland."""
    return f"{time.hour}" if time.minute == 0 else f"{time.hour}.{time.minute:02d}"


def time_range(starts: dt.time, ends: dt.time) -> str:
    return f"{clock(starts)}\u2013{clock(ends)}"


def day_name(day: dt.date, today: dt.date | None = None) -> str:
    """"Today", "Tomorrow" or "Tuesday 1 December"."""
    if today is not None and day == today:
        return _("Today")
    if today is not None and day == today + dt.timedelta(days=1):
        return _("Tomorrow")
    return _skeleton("MMMMEEEEd", day, current_language())


def date_only(day: dt.date) -> str:
    return _skeleton("yMMMMd", day, current_language())


def date_time(when: dt.datetime, with_year: bool = False) -> str:
    """A date and a time as the page's language writes them (CLDR via Babel): "ma 30.11. 10.05",
    "mån 30 nov. 10.05", "Mon 30 Nov, 10:05"; with the year: "ma 30.11.2026 10.05"."""
    locale = _locale()
    date = format_skeleton("yMMMEd" if with_year else "MMMEd", when, locale=locale)
    time = format_time(when, "short", locale=locale)
    return str(get_datetime_format("medium", locale=locale)).replace("'", "").replace("{0}", time).replace("{1}", date)


def month_name(month: str) -> str:
    """"2026-07" as "heinäkuu 2026", "juli 2026", "July 2026"."""
    year, number = month.split("-")
    return format_skeleton("yMMMM", dt.date(int(year), int(number), 1), locale=_locale())


def at_time(when: dt.datetime, until: dt.datetime | None = None, today: dt.date | None = None) -> str:
    times = time_range(when.time(), until.time()) if until else clock(when.time())
    return _("%(day)s at %(times)s", day=day_name(when.date(), today), times=times)


def weekly_times(days: str, times: str) -> str:
    # Translators: a weekly time, as in "Tuesdays 10–11" (Finnish: "tiistaisin klo 10–11").
    return _("%(days)s %(times)s", days=days, times=times)


def word_list(words: list[str]) -> str:
    """"Mondays and Wednesdays", "måndagar och onsdagar": a list as the page's language joins it."""
    return format_list(words, locale=_locale())


def euros(cents: int) -> str:
    amount = format_decimal(cents / 100, format="#,##0" if cents % 100 == 0 else "#,##0.00", locale=_locale())
    return _("%(amount)s €", amount=amount)


def opening_hours(spans) -> str:
    """[("mon", "fri", "09:00", "15:00")] as "Mon–Fri 9–15" in the page's language."""
    names = get_day_names("abbreviated", locale=_locale())
    parts = []
    for first, last, opens, closes in spans:
        days = names[WEEKDAYS.index(first)]
        if last != first:
            days += "\u2013" + names[WEEKDAYS.index(last)]
        parts.append(weekly_times(days, time_range(dt.time.fromisoformat(opens), dt.time.fromisoformat(closes))))
    return ", ".join(parts)


def decimal(number: float) -> str:
    """10.5 as "10,5" in Finnish and Swedish."""
    return format_decimal(number, format="#,##0.#", locale=_locale())


def language_name(code: str) -> str:
    """As written in running text: "suomi, ruotsi" in Finnish, "Finnish, Swedish" in English (CLDR)."""
    return _locale().languages.get(code, code)


def distance(km: float) -> str:
    if km < 1:
        return _("%(metres)s m", metres=int(round(km * 10) * 100) or 100)
    return _("%(km)s km", km=format_decimal(round(km, 1), format="#,##0.#", locale=_locale()))


def site_name(url: str) -> str:
    """"https://www.hel.fi/" as "www.hel.fi": a web address as people read it out and type it."""
    return url.split("://", 1)[-1].rstrip("/")


def phone_href(number: str) -> str:
    return "tel:" + "".join(ch for ch in number if ch.isdigit() or ch == "+")


@dataclass(frozen=True)
class InLanguage:
    """A text with the language it is actually in, which may differ from the page's."""

    text: str
    lang: str


def choose_language(options: Mapping[str, Any], lang: str | None = None) -> str | None:
    """Which language to show of those given: `lang` (the page's language unless said) if there is
    something in it, otherwise Finnish, the language every listing has, and then any; None if empty.
    The one rule for every text kept per language (activity texts, place names, the service's names)."""
    for candidate in (lang or current_language(), DEFAULT_LANGUAGE, *options):
        if options.get(candidate):
            return candidate
    return None


def in_page_language(options: Mapping[str, T]) -> T | None:
    """activity.texts|in_page_language: the entry in the page's language, else the Finnish one. The
    entry says its own language (.lang), for marking it where it differs from the page's."""
    chosen = choose_language(options)
    return options[chosen] if chosen else None


def local(texts: Mapping[str, str] | None) -> InLanguage:
    """A text given per language ({"fi": ..., "sv": ...}) in the page's language, else in Finnish."""
    texts = texts or {}
    chosen = choose_language(texts)
    return InLanguage(texts[chosen], chosen) if chosen else InLanguage("", current_language())


def marked(text: InLanguage | Mapping[str, str], tag: str = "span") -> Markup:
    """A text as HTML, inside <tag lang="..."> when it is not in the page's language, so that it is read
    in its own (the in_lang macro's work, as a filter: a result card marks six texts)."""
    words, lang = (text["text"], text["lang"]) if isinstance(text, Mapping) else (text.text, text.lang)
    if lang == current_language():
        return escape(words)
    return Markup('<{0} lang="{1}">{2}</{0}>').format(Markup(tag), lang, words)  # noqa: S704 - tag is the template's


def local_field(texts: Mapping[str, Any], field: str) -> InLanguage:
    """One field of texts kept per language as records (an activity's texts): local() for records."""
    return local({lang: getattr(record, field) for lang, record in texts.items()})


def service_in_page_language(service: dict) -> dict:
    """The service's settings with its names (given per language) in the page's language."""
    return {key: local(value).text if isinstance(value, dict) and "fi" in value else value
            for key, value in service.items()}


def init_app(app: Flask) -> None:
    for function in (clock, time_range, day_name, date_only, at_time, euros, language_name, distance, phone_href,
                     local, marked, in_page_language, opening_hours, decimal, site_name, month_name):
        app.add_template_filter(function)
