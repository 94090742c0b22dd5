"""The catalogue query: filters in, one page of activities out. The list page, the API and the
calendar feed all call `activities_matching`, so they always agree.

Filters are tests on the narrow `activity_index` table (bit sets, numbers, a district); only a word
search or sorting by name reads the wider `activity_words` table."""
from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import BigInteger, ColumnElement, Select, and_, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from portal.catalogue import vocab
from portal.catalogue.filters import Filters
from portal.catalogue.models import (Activity, ActivityIndex, ActivityWords, AudienceFlags, CategoryFlags, FactFlags,
                                     LanguageFlags, WhenFlags)
from portal.catalogue.places import Places, distance_km
from portal.catalogue.text import words

Index, Words = ActivityIndex, ActivityWords


@dataclass
class Found:
    activity: Activity
    distance_km: float | None


@dataclass
class Results:
    items: list[Found]
    total: int  # the list being shown
    unchecked_total: int  # when needs are chosen: activities whose facts are partly not checked
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))


def _bits(column) -> ColumnElement:
    return type_coerce(column, BigInteger)


def _any_of(column, flags, codes) -> ColumnElement:
    return _bits(column).op("&")(flags.mask(codes)) != 0


def _conditions(f: Filters) -> list[ColumnElement]:
    where: list[ColumnElement] = [Index.listed.is_(True)]
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
    if f.districts:
        where.append(Index.district.in_(f.districts))
    if f.free:
        where.append(Index.price_cents == 0)
    if f.max_price is not None:
        where.append(Index.price_cents <= f.max_price * 100)
    if f.drop_in:
        where.append(Index.drop_in.is_(True))
    if f.online:
        where.append(Index.online.is_(True))
    return where


def _word_conditions(f: Filters, lang: str) -> list[ColumnElement]:
    """Each word must appear in the page's language or in Finnish (once, on Finnish pages)."""
    columns = {getattr(Words, f"words_{lang}"), Words.words_fi}
    conditions = []
    for word in words(f.q):
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(or_(*(column.like(pattern, escape="\\") for column in columns)))
    return conditions


def _needs(required: set[str]) -> tuple[ColumnElement, ColumnElement]:
    """(all required facts are yes, none is no but some are not checked)."""
    mask = FactFlags.mask(required)
    met = _bits(Index.facts_yes).op("&")(mask) == mask
    unchecked = and_(_bits(Index.facts_no).op("&")(mask) == 0, _bits(Index.facts_yes).op("&")(mask) != mask)
    return met, unchecked


def _with_words(query: Select, needed: bool) -> Select:
    return query.join(Words, Words.activity_id == Index.activity_id) if needed else query


def activities_matching(db: Session, f: Filters, lang: str, places: Places, page_size: int) -> Results:
    where = _conditions(f) + _word_conditions(f, lang)
    join_words = bool(f.q) or f.sort == "name"
    unchecked_total = 0
    if f.needs:
        met, unchecked = _needs(f.required_facts)
        unchecked_total = db.scalar(_with_words(select(func.count()).select_from(Index), bool(f.q)).where(*where, unchecked))
        where.append(unchecked if f.show_unchecked else met)

    origin = places.area(f.near) if f.near else None
    if origin and f.sort == "nearest":
        ids, total, page = _nearest_page(db, f, where, origin, page_size)
    else:
        total = db.scalar(_with_words(select(func.count()).select_from(Index), bool(f.q)).where(*where))
        page = min(f.page, max(1, math.ceil(total / page_size)))
        order = [Index.next_start.is_(None), Index.next_start] if f.sort != "name" else [getattr(Words, f"name_{lang}")]
        ids = list(db.scalars(_with_words(select(Index.activity_id), join_words).where(*where)
                              .order_by(*order, Index.activity_id).offset((page - 1) * page_size).limit(page_size)))
    loaded = {a.id: a for a in db.scalars(select(Activity).where(Activity.id.in_(ids)))}
    items = []
    for activity_id in ids:
        venue = loaded[activity_id].venue
        km = (distance_km(origin.lat, origin.lon, venue.lat, venue.lon)
              if origin and venue and venue.lat is not None else None)
        items.append(Found(loaded[activity_id], km))
    return Results(items, total, unchecked_total, page, page_size)


def _nearest_page(db: Session, f: Filters, where, origin, page_size: int) -> tuple[list[int], int, int]:
    """Nearest first without sorting every row by a computed distance: activities share venues, so
    count the matches per venue, order the few venues by distance here, and read only the venues
    that fill the page. Within a venue, the soonest first; activities without a venue come last."""
    per_venue = db.execute(_with_words(select(Index.venue_id, Index.lat, Index.lon, func.count()), bool(f.q))
                           .where(*where).group_by(Index.venue_id, Index.lat, Index.lon)).all()
    per_venue.sort(key=lambda v: (v.lat is None, distance_km(origin.lat, origin.lon, v.lat, v.lon) if v.lat is not None else 0,
                                  v.venue_id or 0))
    total = sum(v[3] for v in per_venue)
    page = min(f.page, max(1, math.ceil(total / page_size)))
    start, ids, seen = (page - 1) * page_size, [], 0
    for venue_id, _lat, _lon, count in per_venue:
        if seen + count > start and len(ids) < page_size:
            skip = max(0, start - seen)
            same_venue = Index.venue_id == venue_id if venue_id is not None else Index.venue_id.is_(None)
            ids += db.scalars(_with_words(select(Index.activity_id), bool(f.q)).where(*where, same_venue)
                              .order_by(Index.next_start.is_(None), Index.next_start, Index.activity_id)
                              .offset(skip).limit(page_size - len(ids)))
        seen += count
    return ids, total, page
