"""Template helpers for showing the catalogue: labels for codes, accessibility facts, links."""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from flask import Blueprint, current_app
from flask_babel import get_locale
from werkzeug.datastructures import MultiDict

from portal.catalogue import schedule, vocab
from portal.catalogue.filters import Filters, without
from portal.formatting import euros, language_name, local, time_range, weekly_times, word_list
from portal.i18n import gettext as _, ngettext

FACT_LABELS = {fact.code: fact.label for fact in vocab.FACTS}


@functools.lru_cache(maxsize=16)
def _labels_in(locale: str) -> dict[str, dict[str, Any]]:
    # Called only with the locale of the request it runs in (labels() below), so str() translates to it.
    def texts(labels) -> dict[str, str]:
        return {code: str(label) for code, label in labels.items()}

    return {"facts": texts(FACT_LABELS), "weekdays": texts(vocab.WEEKDAY_LABELS), "discounts": texts(vocab.DISCOUNTS),
            "categories": texts(vocab.CATEGORIES), "times": texts(vocab.TIMES_OF_DAY),
            "audiences": texts(vocab.AUDIENCES), "sorts": texts(vocab.SORTS),
            "needs": {need.code: str(need.label) for need in vocab.NEEDS},
            "districts": {code: (str(label), str(hint)) for code, (label, hint) in vocab.DISTRICTS.items()}}


def labels() -> dict[str, dict[str, Any]]:
    """The vocabularies' labels as text in the page's language, translated once per process and
    language: a lazy label is translated anew each time it is shown (about 12 µs), and a list page
    with its cards shows a few hundred of them."""
    return _labels_in(str(get_locale()))


def register(bp: Blueprint) -> None:
    # The vocabularies themselves, for templates that list codes with their labels.
    bp.record_once(lambda state: state.app.jinja_env.globals.update(vocab=vocab))
    bp.add_app_template_global(fact_labels)
    bp.add_app_template_global(labels, "vocab_labels")
    bp.add_app_template_global(facts_about)
    bp.add_app_template_global(journey_planner_url)
    bp.add_app_template_global(query_string)
    bp.add_app_template_filter(dict_keys_with)
    bp.add_app_template_filter(next_time)
    bp.add_app_template_filter(sort_languages)
    for wording in (rhythm, price, discounts):
        bp.add_app_template_filter(wording)
    for helper in (need_options, language_options, chips, page_args, found_status, result_count, page_position,
                   access_line, access_summary, phone_for, choices_chosen, more_choices_chosen):
        bp.add_app_template_global(helper)


def rhythm(activity) -> list[str]:
    """The weekly rhythm in words, one line per time: "Mondays and Wednesdays 10–11"."""
    by_time: dict[tuple[dt.time, dt.time], list[int]] = {}
    for slot in activity.weekly:
        by_time.setdefault((slot.starts, slot.ends), []).append(slot.weekday)
    lines, weekdays = [], labels()["weekdays"]
    for (starts, ends), days in sorted(by_time.items(), key=lambda item: (min(item[1]), item[0])):
        names = [weekdays[vocab.WEEKDAYS[d]] for d in sorted(days)]
        lines.append(weekly_times(word_list(names), time_range(starts, ends)))
    return lines


def price(activity) -> str:
    return _("Free") if activity.price_cents == 0 else euros(activity.price_cents)


def discounts(activity) -> list[str]:
    wordings = labels()["discounts"]
    return [wordings[d["kind"]] % {"price": euros(round(d.get("euros", 0) * 100))}
            for d in activity.discounts if d.get("kind") in wordings]


def fact_labels(codes) -> list[str]:
    facts = labels()["facts"]
    return [facts[code] for code in codes]


def facts_about(about: str) -> list[vocab.Fact]:
    return [fact for fact in vocab.FACTS if fact.about == about]


def dict_keys_with(facts: dict[str, str], state: str) -> list[str]:
    return [code for code, value in facts.items() if value == state]


def query_string(args) -> str:
    return urlencode(list(args.items(multi=True)))


def journey_planner_url(venue, lang: str) -> str:
    address = f"{local(venue.street).text}, {local(current_app.config['SERVICE']['city']).text}"
    return current_app.config["SERVICE"]["journey_planner"].format(
        query=quote(address), lat=venue.lat, lon=venue.lon, lang=lang)


def next_time(activity) -> schedule.Occurrence | None:
    return schedule.next_occurrence(activity, schedule.local_now())


def sort_languages(codes) -> list[str]:
    return [code for code in vocab.ACTIVITY_LANGUAGES if code in codes]


def need_options() -> list[tuple[str, object]]:
    return list(labels()["needs"].items())


def language_options() -> list[tuple[str, str]]:
    # Standing alone as a choice, a language's name starts with a capital letter in every language.
    return [(code, language_name(code)[:1].upper() + language_name(code)[1:]) for code in vocab.ACTIVITY_LANGUAGES]


def found_status(results) -> str:
    if results.more_than:
        return ngettext("More than %(num)s activity found", "More than %(num)s activities found", results.total)
    return ngettext("%(num)s activity found", "%(num)s activities found", results.total)


def result_count(results) -> str:
    """The heading's count. A long list is counted only so far ("more than 1 000"): counting it all
    would read the whole catalogue for a number nobody needs exactly."""
    if results.more_than:
        return ngettext("More than %(num)s activity", "More than %(num)s activities", results.total)
    return ngettext("%(num)s activity", "%(num)s activities", results.total)


def page_position(results) -> str:
    if results.more_than:  # the last page is not known
        return _("Page %(page)s", page=results.page)
    return _("Page %(page)s of %(pages)s", page=results.page, pages=results.pages)


def page_args(args: MultiDict, page: int) -> MultiDict:
    kept = without(args, "page")
    kept["page"] = str(page)
    return kept


@dataclass(frozen=True)
class Chip:
    """One active choice, and the query without it."""

    label: str
    args: MultiDict


def chips(f: Filters, args: MultiDict) -> list[Chip]:
    found = []

    def add(name: str, value: str | None, label) -> None:
        found.append(Chip(str(label), without(args, name, value)))

    if f.q:
        add("q", None, f.q)
    for code in f.categories:
        add("category", code, vocab.CATEGORIES[code])
    for value in args.getlist("district"):
        # A district's key shows as its name; a neighbourhood or postal code the visitor typed, as typed.
        if value and not f.was_ignored("district", value):
            add("district", value, vocab.DISTRICTS[value][0] if value in vocab.DISTRICTS else value)
    if f.near:
        add("near", None, f.near_name or f.near)
    if f.free:
        add("price", "free", _("Free"))
    if f.max_price is not None:
        add("max_price", None, _("At most %(price)s", price=euros(f.max_price * 100)))
    for code in f.needs:
        add("access", code, vocab.NEEDS_BY_CODE[code].label)
    for code in f.languages:
        add("language", code, language_name(code))
    for code in f.days:
        add("day", code, vocab.WEEKDAY_LABELS[code])
    for code in f.times:
        add("time", code, vocab.TIMES_OF_DAY[code])
    for code in f.audiences:
        add("audience", code, vocab.AUDIENCES[code])
    if f.drop_in:
        add("drop_in", None, _("No need to sign up"))
    if f.online:
        add("online", None, _("From home"))
    return found


def choices_chosen(f: Filters, args: MultiDict) -> int:
    """How many choices narrow the list, for "Change choices (3 chosen)": the search words stand
    beside the results and are not counted."""
    return len(chips(f, args)) - (1 if f.q else 0)


def more_choices_chosen(f: Filters) -> int:
    """How many of the choices inside "More choices" are on, so that a closed box does not hide them."""
    return (len(f.categories) + len(f.days) + len(f.times) + len(f.languages) + len(f.audiences)
            + f.drop_in + f.online + (f.near is not None))


def phone_for(activity) -> str | None:
    """The one number to give for an activity (to sign up, or with questions about a drop-in one): its
    own sign-up number, else its organiser's; None when we have neither."""
    return activity.join_phone or (activity.organiser.phone if activity.organiser else None)


ACCESS_FACTS_SHOWN = 3


def access_summary(activity) -> tuple[list[str], bool]:
    """The accessibility one-liner of a result card and of the handout: the first confirmed facts (in
    the vocabulary's order) and whether more are confirmed than shown."""
    known = fact_labels(dict_keys_with(activity.facts(), "yes"))
    return known[:ACCESS_FACTS_SHOWN], len(known) > ACCESS_FACTS_SHOWN


def access_line(activity) -> str:
    """Accessibility in one line for the handout: what is confirmed, and that the rest is not checked."""
    shown, more = access_summary(activity)
    if not shown:
        return _("Not checked yet")
    return ", ".join(shown) + (" " + _("and more") if more else "")
