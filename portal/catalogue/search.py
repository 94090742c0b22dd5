"""The catalogue query: filters in, one page of activities out. The list page, the API and the
calendar feed all call `activities_matching`, so they always agree.

Filters are tests on the narrow `activity_index` table (bit sets, numbers, a district); only a word
search or sorting by name reads the wider `activity_words` table.

At scale every statement reads an index, never the whole table: a page is an ordered partial index
read in `sort_start` order (the soonest overall, in one district, at one venue) that stops after one
page; a count stops after COUNT_LIMIT matches ("more than 1 000"), and the caller caches it; a deep
page seeks from the previous page's last key when the caller has it; nearest goes through the venues
in order of distance (they are few) instead of measuring every activity."""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    ColumnExpressionArgument,
    Select,
    and_,
    case,
    func,
    literal_column,
    or_,
    select,
    text,
    tuple_,
    type_coerce,
)
from sqlalchemy.orm import Session

from portal.catalogue import vocab
from portal.catalogue.filters import Filters
from portal.catalogue.models import (
    Activity,
    ActivityIndex,
    ActivityWords,
    AudienceFlags,
    CategoryFlags,
    FactFlags,
    LanguageFlags,
    Venue,
    WhenFlags,
    on_day,
)
from portal.catalogue.places import Places, distance_km
from portal.catalogue.text import words

Index, Words = ActivityIndex, ActivityWords


@dataclass
class Found:
    """One match: its index row's facts, and the activity itself once loaded (queries.load_activities)."""
    activity_id: int
    next_start: dt.datetime | None
    distance_km: float | None
    loaded: Activity | None = None

    @property
    def activity(self) -> Activity:
        if self.loaded is None:
            raise LookupError(f"activity {self.activity_id} is not loaded (queries.load_activities)")
        return self.loaded


# Matches are counted up to this many (or to the end of the page asked for, if further); beyond it
# the page says "more than 1 000", which costs a bounded read whatever the catalogue's size.
COUNT_LIMIT = 1000


@dataclass(frozen=True)
class Count:
    total: int
    unchecked: int
    more: bool  # `total` is a lower bound: counting stopped there


@dataclass
class Results:
    items: list[Found]
    total: int  # the list being shown (when `more_than`, at least this many)
    unchecked_total: int  # when needs are chosen: activities whose facts are partly not checked
    page: int
    page_size: int
    more_than: bool = False  # more than `total` match; how many more was not counted
    last_key: tuple | None = None  # the sort key of the page's last row: where the next page starts

    @property
    def pages(self) -> int:
        """The number of pages; when the count stopped early, at least one after this page."""
        counted = max(1, math.ceil(self.total / self.page_size))
        return max(counted, self.page + 1) if self.more_than else counted


def _bits(column) -> ColumnElement:
    return type_coerce(column, BigInteger)


def _any_of(column, flags, codes) -> ColumnElement:
    return _bits(column).op("&")(flags.mask(codes)) != 0


def _one_slot(f: Filters) -> tuple[str, str | None] | None:
    """(day, part of the day or None) when one weekday is chosen: the partial index that holds just
    those activities (ActivityIndex's weekday and slot indexes), for the page query and the count."""
    if len(f.days) != 1:
        return None
    return f.days[0], f.times[0] if len(f.times) == 1 else None


def _conditions(f: Filters) -> list[ColumnExpressionArgument[bool]]:
    # The column itself, not `.is_(True)`: `listed IS true` does not match the indexes' `WHERE listed`.
    where: list[ColumnExpressionArgument[bool]] = [Index.listed]
    if f.categories:
        where.append(_any_of(Index.categories, CategoryFlags, f.categories))
    if f.audiences:
        where.append(_any_of(Index.audiences, AudienceFlags, f.audiences))
    if f.languages:
        where.append(_any_of(Index.languages, LanguageFlags, f.languages))
    if f.days or f.times:
        days = f.days or vocab.WEEKDAYS
        parts = f.times or tuple(vocab.TIMES_OF_DAY)
        where.append(_any_of(Index.when, WhenFlags, [f"{d}:{p}" for d in days for p in parts]))
        if (slot := _one_slot(f)) is not None:  # implied by the test above; written as its index says it
            where.append(text(on_day(*slot)))
    if len(f.districts) == 1:  # an equality, so the district's index gives the rows already in order
        where.append(Index.district == f.districts[0])
    elif f.districts:
        where.append(Index.district.in_(f.districts))
    if f.free:
        where.append(Index.price_cents == 0)
    if f.max_price is not None:
        where.append(Index.price_cents <= f.max_price * 100)
    if f.drop_in:
        where.append(Index.drop_in)
    if f.online:
        where.append(Index.online)
    return where


def _like(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _word_conditions(db: Session, f: Filters, lang: str) -> tuple[list[ColumnExpressionArgument[bool]], bool]:
    """Each word must appear, anywhere in a word ("tuoli" and "jumppa" both find "tuolijumppa"), in
    the page's language or in Finnish. Returns (conditions, whether they read activity_words).

    The stored words are folded (lower case, no accents) as the query is, so both engines compare
    plain substrings: PostgreSQL through trigram indexes on activity_words, SQLite through its FTS5
    trigram table (words of three letters or more; a two-letter word is matched with LIKE)."""
    columns = sorted({f"words_{lang}", "words_fi"})
    found = words(f.q)
    if db.get_bind().dialect.name == "sqlite":
        long_words = [w for w in found if len(w) >= 3]
        short = [w for w in found if len(w) < 3]
        conditions: list[ColumnExpressionArgument[bool]] = []
        if long_words:
            # One MATCH: each word as a quoted phrase (any character allowed), in either column.
            scope = " ".join(columns)
            match = " AND ".join(f'{{{scope}}} : "{w.replace(chr(34), chr(34) * 2)}"' for w in long_words)
            conditions.append(Index.activity_id.in_(
                select(literal_column("rowid")).select_from(text("activity_words_fts"))
                .where(text("activity_words_fts MATCH :fts_query").bindparams(fts_query=match))))
    else:
        short, conditions = found, []
    for word in short:
        conditions.append(or_(*(getattr(Words, c).like(_like(word), escape="\\") for c in columns)))
    return conditions, bool(short)


def _needs(required: set[str]) -> tuple[ColumnElement, ColumnElement]:
    """(all required facts are yes, none is no but some are not checked)."""
    mask = FactFlags.mask(required)
    met = _bits(Index.facts_yes).op("&")(mask) == mask
    unchecked = and_(_bits(Index.facts_no).op("&")(mask) == 0, _bits(Index.facts_yes).op("&")(mask) != mask)
    return met, unchecked


def _with_words(query: Select, needed: bool) -> Select:
    return query.join(Words, Words.activity_id == Index.activity_id) if needed else query


def _base(db: Session, f: Filters, lang: str) -> tuple[list[ColumnExpressionArgument[bool]], bool]:
    """The conditions every statement of this filter set shares, and whether they read activity_words."""
    word_conditions, reads_words = _word_conditions(db, f, lang)
    return _conditions(f) + word_conditions, reads_words


def _count_hint(f: Filters) -> tuple[str, str]:
    """SQLite picks the smallest index to count through (the venue one), then reads the table for
    every row. The district and soonest indexes cover the filters, so counting through them never
    reads the table, and the district one reads only the districts chosen; one weekday's (or one
    weekday and part of the day's) index holds only those activities, which the soonest index holds
    at its end. (PostgreSQL chooses well.)"""
    if f.districts:
        index = "district_soonest"
    elif (slot := _one_slot(f)) is not None:
        index = "_".join(filter(None, slot)) + "_soonest"
    else:
        index = "soonest"
    return f"INDEXED BY ix_activity_index_{index}", "sqlite"


def count_matching(db: Session, f: Filters, lang: str, at_least: int = COUNT_LIMIT) -> Count:
    """How many activities match, counted up to `at_least` (more is reported as `more`). With needs
    chosen, those that meet them and those not checked are counted in the same single pass."""
    where, reads_words = _base(db, f, lang)
    if f.needs:
        met, unchecked = _needs(f.required_facts)
        rows = (_with_words(select(case((met, 1), else_=0).label("met"),
                                   case((unchecked, 1), else_=0).label("unchecked")).select_from(Index), reads_words)
                .where(*where, or_(met, unchecked)).with_hint(Index, *_count_hint(f))
                .limit(2 * at_least + 1).subquery())
        seen, met_count, unchecked_count = db.execute(
            select(func.count(), func.coalesce(func.sum(rows.c.met), 0), func.coalesce(func.sum(rows.c.unchecked), 0))
        ).one()
        more = seen > 2 * at_least
        shown = unchecked_count if f.show_unchecked else met_count
        return Count(int(shown), int(unchecked_count), more or shown > at_least)
    rows = (_with_words(select(Index.activity_id), reads_words).where(*where).with_hint(Index, *_count_hint(f))
            .limit(at_least + 1).subquery())
    seen = db.scalar(select(func.count()).select_from(rows)) or 0
    return Count(min(seen, at_least), 0, seen > at_least)


def activities_matching(db: Session, f: Filters, lang: str, places: Places, page_size: int,
                        count: Count | None = None, after: tuple | None = None) -> Results:
    """One page of matches. `count` is the filter set's Count when the caller has it cached; `after`
    is the previous page's `last_key`, when known, so a deep page is a seek rather than an offset."""
    where, reads_words = _base(db, f, lang)
    if f.needs:
        met, unchecked = _needs(f.required_facts)
        where.append(unchecked if f.show_unchecked else met)
    if count is None or (count.more and count.total < f.page * page_size):
        count = count_matching(db, f, lang, max(COUNT_LIMIT, f.page * page_size))
    counted_pages = max(1, math.ceil(count.total / page_size))
    page = f.page if count.more else min(f.page, counted_pages)

    origin = places.area(f.near) if f.near else None
    last_key = None
    # Each match's id, next time and venue from the index: enough for a card kept in the cache.
    shown = (Index.activity_id, Index.next_start, Index.venue_id)
    points: dict | None = None  # venue id: (lat, lon), as the venues are now
    if origin and f.sort == "nearest":
        rows, points = _nearest_page(db, where, reads_words, shown, origin, (page - 1) * page_size, page_size)
    else:
        by_name = f.sort == "name"
        key = (getattr(Words, f"name_{lang}") if by_name else Index.sort_start, Index.activity_id)
        query = (_with_words(select(*key, *shown[1:]), reads_words or by_name).where(*where).order_by(*key)
                 .limit(page_size))
        if after is not None and 1 < page == f.page:
            query = query.where(tuple_(*key) > tuple_(*after))
        else:
            query = query.offset((page - 1) * page_size)
        rows = list(db.execute(query).all())
        last_key = tuple(rows[-1][:2]) if len(rows) == page_size else None
    if origin and rows and points is None:
        # Distances from the venues as they are now (an import may have moved one since its activities
        # were indexed), the venues of this page only.
        points = _venue_points(db, select(Venue.id, Venue.lat, Venue.lon).where(
            Venue.id.in_({row.venue_id for row in rows if row.venue_id is not None})))
    items = []
    for row in rows:
        lat, lon = (points or {}).get(row.venue_id, (None, None))
        km = distance_km(origin.lat, origin.lon, lat, lon) if origin and lat is not None and lon is not None else None
        items.append(Found(row.activity_id, row.next_start, km))
    return Results(items, count.total, count.unchecked, page, page_size, count.more, last_key)


def _venue_points(db: Session, query) -> dict[int, tuple[float | None, float | None]]:
    return {v.id: (v.lat, v.lon) for v in db.execute(query)}


def _nearest_page(db: Session, where, reads_words: bool, shown, origin, skip: int,
                  page_size: int) -> tuple[list, dict]:
    """Nearest first without measuring every activity: the venues (few) are put in order of distance
    here, then read one at a time through the venue index, soonest first within each, until the page
    is full; activities without a venue or a known point come last. Rows of the `shown` columns, and
    every venue's point (read here anyway)."""
    points = _venue_points(db, select(Venue.id, Venue.lat, Venue.lon))

    def order(venue_id: int):
        lat, lon = points[venue_id]
        if lat is None or lon is None:
            return True, 0.0, venue_id
        return False, distance_km(origin.lat, origin.lon, lat, lon), venue_id

    rows: list = []
    for venue_id in [*sorted(points, key=order), None]:
        if len(rows) == page_size:
            break
        same_venue = Index.venue_id == venue_id if venue_id is not None else Index.venue_id.is_(None)
        found = db.execute(_with_words(select(*shown), reads_words).where(*where, same_venue)
                           .order_by(Index.sort_start, Index.activity_id).limit(skip + page_size - len(rows))).all()
        rows += found[skip:]
        skip = max(0, skip - len(found))
    return rows, points
