"""The catalogue's query parameters, read into `Filters`. Unknown values are set aside and reported,
never an error: a shared link with a typo still shows a useful page."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from werkzeug.datastructures import MultiDict

from portal.catalogue import vocab
from portal.catalogue.places import Places
from portal.i18n import gettext as _

MAX_QUERY_LENGTH = 100
MAX_VALUES = 20  # of one parameter; more is not a person choosing
MAX_PRICE = 1000  # euros: the highest "at most" price
NEAR_LENGTH = 60  # the near field's maxlength
SORTS = tuple(vocab.SORTS)
SHOWN_LENGTH = 40  # of a value that could not be used, when it is named back to the visitor


class Ignored(NamedTuple):
    """A value in the address that could not be used, and why (`problem`, a stable code the API
    reports too); `message` says it in words in the page's language."""

    parameter: str
    value: str
    problem: str
    examples: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        return problem_message(self)


def _printable(value: str) -> str:
    return " ".join("".join(ch if ch.isprintable() else " " for ch in value).split())


def _shown(value: str) -> str:
    """A value as it can be named back: printable characters only, shortened."""
    text = _printable(value)
    return text if len(text) <= SHOWN_LENGTH else text[:SHOWN_LENGTH - 1] + "…"


def problem_message(item: Ignored) -> str:
    """One sentence per kind of problem, naming the value as typed and saying what would work."""
    value = item.value
    if item.problem == "unknown_place":
        return _("We could not find the place “%(value)s”. Type a postal code, for example 00530, "
                 "or the name of a neighbourhood.", value=value)
    if item.problem == "unknown_postal_code":
        return _("The postal code %(value)s is not in our area. Type a postal code, for example 00530, "
                 "or the name of a neighbourhood.", value=value)
    if item.problem == "several_districts":
        return _("“%(value)s” is found in several parts of the city, for example %(examples)s. "
                 "Type a postal code or the whole name.", value=value, examples=", ".join(item.examples))
    if item.problem == "unknown_district":
        return _("We could not find the area “%(value)s”. Choose an area from the list, or type a postal "
                 "code or the name of a neighbourhood.", value=value)
    if item.problem == "not_whole_euros":
        return _("The highest price must be a whole number of euros, for example 5.")
    if item.problem == "price_too_high":
        return _("The highest price can be at most %(most)s euros.", most=MAX_PRICE)
    if item.problem == "no_such_page":
        return _("There is no page “%(value)s”, so the first page is shown.", value=value)
    unknown_choice = {
        "category": _("We do not have the topic “%(value)s”.", value=value),
        "access": _("We do not know the need “%(value)s”.", value=value),
        "language": _("We do not have the language “%(value)s”.", value=value),
        "day": _("We do not know the weekday “%(value)s”.", value=value),
        "time": _("We do not know the time of day “%(value)s”.", value=value),
        "audience": _("We do not know the group “%(value)s”.", value=value),
    }
    return unknown_choice.get(item.parameter, _("We could not use “%(value)s”.", value=value))


@dataclass(frozen=True)
class Filters:
    q: str = ""
    categories: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    near: str | None = None  # a known postal code: the one the typed place stands for
    near_text: str = ""  # what was typed for "near", kept in the form whether it was found or not
    near_name: str = ""  # the place as the data names it ("Berghäll" for "berghall")
    free: bool = False
    max_price: int | None = None  # euros
    needs: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    days: tuple[str, ...] = ()
    times: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    drop_in: bool = False
    online: bool = False
    sort: str = "soonest"
    page: int = 1
    show_unchecked: bool = False
    ignored: tuple[Ignored, ...] = field(default=())

    def was_ignored(self, parameter: str, value: str) -> bool:
        return any(item.parameter == parameter and item.value == _shown(value) for item in self.ignored)

    @property
    def required_facts(self) -> set[str]:
        return {fact for code in self.needs for fact in vocab.NEEDS_BY_CODE[code].requires}

    @property
    def any_chosen(self) -> bool:
        return bool(self.q or self.categories or self.districts or self.near or self.free or self.max_price is not None
                    or self.needs or self.languages or self.days or self.times or self.audiences
                    or self.drop_in or self.online)


def parse(args: MultiDict, places: Places) -> Filters:
    ignored: list[Ignored] = []

    def set_aside(name: str, value: str, problem: str, examples: tuple[str, ...] = ()) -> None:
        item = Ignored(name, _shown(value), problem, examples)
        if item not in ignored:
            ignored.append(item)

    def pick(name: str, allowed) -> tuple[str, ...]:
        chosen = []
        for value in args.getlist(name)[:MAX_VALUES]:
            if value in allowed and value not in chosen:
                chosen.append(value)
            elif value and value not in allowed:
                set_aside(name, value, "unknown_choice")
        return tuple(chosen)

    districts = []
    for value in args.getlist("district")[:MAX_VALUES]:
        district = places.district_for(value)
        if district and district not in districts:
            districts.append(district)
        elif not district and value.strip():
            set_aside("district", value, "unknown_district")

    near_text = _printable(args.get("near", ""))[:NEAR_LENGTH]
    near = near_name = ""
    if near_text:
        found = places.resolve(args["near"])
        if found.place:
            near, near_name = found.place.code, found.place.name
        else:
            set_aside("near", args["near"], found.problem or "unknown_place", found.examples)

    max_price = _whole_number(args.get("max_price"), 0, 10 ** 6)
    if args.get("max_price", "").strip() and max_price is None:
        set_aside("max_price", args["max_price"], "not_whole_euros")
    elif max_price is not None and max_price > MAX_PRICE:
        set_aside("max_price", args["max_price"], "price_too_high")
        max_price = None
    page = _whole_number(args.get("page"), 1, 10_000)
    if args.get("page") and page is None:
        set_aside("page", args["page"], "no_such_page")
    sort = args.get("sort", "soonest")
    if sort not in SORTS or (sort == "nearest" and not near):
        sort = "soonest"
    return Filters(
        q=_printable(args.get("q", ""))[:MAX_QUERY_LENGTH],
        categories=pick("category", vocab.CATEGORIES),
        districts=tuple(districts),
        near=near or None,
        near_text=near_text,
        near_name=near_name,
        free=args.get("price") == "free",
        max_price=max_price,
        needs=pick("access", vocab.NEEDS_BY_CODE),
        languages=pick("language", vocab.ACTIVITY_LANGUAGES),
        days=pick("day", vocab.WEEKDAYS),
        times=pick("time", vocab.TIMES_OF_DAY),
        audiences=pick("audience", vocab.AUDIENCES),
        drop_in=args.get("drop_in") == "1",
        online=args.get("online") == "1",
        sort=sort,
        page=page or 1,
        show_unchecked=args.get("show") == "unchecked",
        ignored=tuple(ignored),
    )


def _whole_number(value: str | None, lowest: int, highest: int) -> int | None:
    if value is None or not re.fullmatch(r"\s*\d{1,6}\s*", value):
        return None
    number = int(value)
    return number if lowest <= number <= highest else None


def without(args: MultiDict, name: str, value: str | None = None) -> MultiDict:
    """The same query with one value (or the whole parameter) taken away, back on page one."""
    kept = MultiDict([(k, v) for k, v in args.items(multi=True)
                      if k != "page" and not (k == name and (value is None or v == value))])
    if name == "near" and kept.get("sort") == "nearest":
        kept.pop("sort")
    return kept
