"""The catalogue's query parameters, read into `Filters`. Unknown values are set aside and reported,
never an error: a shared link with a typo still shows a useful page."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from portal.catalogue import vocab
from portal.catalogue.places import Places

MAX_QUERY_LENGTH = 100
MAX_VALUES = 20  # of one parameter; more is not a person choosing
SORTS = tuple(vocab.SORTS)


@dataclass(frozen=True)
class Filters:
    q: str = ""
    categories: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    near: str | None = None  # a known postal code
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
    ignored: tuple[tuple[str, str], ...] = field(default=())

    @property
    def required_facts(self) -> set[str]:
        return {fact for code in self.needs for fact in vocab.NEEDS_BY_CODE[code].requires}

    @property
    def any_chosen(self) -> bool:
        return bool(self.q or self.categories or self.districts or self.near or self.free or self.max_price is not None
                    or self.needs or self.languages or self.days or self.times or self.audiences
                    or self.drop_in or self.online)


def parse(args: MultiDict, places: Places) -> Filters:
    ignored: list[tuple[str, str]] = []

    def pick(name: str, allowed) -> tuple[str, ...]:
        chosen = []
        for value in args.getlist(name)[:MAX_VALUES]:
            if value in allowed and value not in chosen:
                chosen.append(value)
            elif value:
                ignored.append((name, value[:40]))
        return tuple(chosen)

    districts = []
    for value in args.getlist("district")[:MAX_VALUES]:
        district = places.district_for(value)
        if district and district not in districts:
            districts.append(district)
        elif not district and value:
            ignored.append(("district", value[:40]))

    near = args.get("near", "").strip()
    if near and not places.area(near):
        ignored.append(("near", near[:40]))
        near = ""

    max_price = _whole_number(args.get("max_price"), 0, 1000)
    if args.get("max_price") and max_price is None:
        ignored.append(("max_price", args["max_price"][:40]))
    page = _whole_number(args.get("page"), 1, 10_000)
    if args.get("page") and page is None:
        ignored.append(("page", args["page"][:40]))
    sort = args.get("sort", "soonest")
    if sort not in SORTS or (sort == "nearest" and not near):
        sort = "soonest"
    return Filters(
        q=" ".join("".join(ch if ch.isprintable() else " " for ch in args.get("q", "")).split())[:MAX_QUERY_LENGTH],
        categories=pick("category", vocab.CATEGORIES),
        districts=tuple(districts),
        near=near or None,
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
