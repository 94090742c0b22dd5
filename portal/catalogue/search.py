"""The catalogue query: filters in, one page of activities out. The list page, the API and the
calendar feed all call `activities_matching`, so they always agree."""
from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import BigInteger, ColumnElement, and_, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from portal.catalogue import vocab
from portal.catalogue.filters import Filters
from portal.catalogue.models import (Activity, ActivityIndex, AudienceFlags, CategoryFlags, FactFlags,
                                     LanguageFlags, WhenFlags)
from portal.catalogue.places import Places, distance_km
from portal.catalogue.text import words

Index = ActivityIndex


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


def _conditions(f: Filters, lang: str, places: Places) -> list[ColumnElement]:
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
    own_words, finnish_words = getattr(Index, f"words_{lang}"), Index.words_fi
    for word in words(f.q):
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where.append(or_(own_words.like(pattern, escape="\\"), finnish_words.like(pattern, escape="\\")))
    return where


def _needs_met(required: set[str]) -> ColumnElement:
    mask = FactFlags.mask(required)
    return _bits(Index.facts_yes).op("&")(mask) == mask


def _needs_unchecked(required: set[str]) -> ColumnElement:
    """No required fact is known to be missing, but some have not been checked."""
    mask = FactFlags.mask(required)
    return and_(_bits(Index.facts_no).op("&")(mask) == 0, _bits(Index.facts_yes).op("&")(mask) != mask)


def activities_matching(db: Session, f: Filters, lang: str, places: Places, page_size: int) -> Results:
    where = _conditions(f, lang, places)
    unchecked_total = 0
    if f.needs:
        required = f.required_facts
        met, unchecked = _needs_met(required), _needs_unchecked(required)
        shown, other = (unchecked, met) if f.show_unchecked else (met, unchecked)
        unchecked_total = db.scalar(select(func.count()).select_from(Index).where(*where, unchecked))
        where.append(shown)
    total = db.scalar(select(func.count()).select_from(Index).where(*where))

    origin = places.area(f.near) if f.near else None
    order = {"soonest": [Index.next_start.is_(None), Index.next_start], "name": [getattr(Index, f"name_{lang}")], "nearest": []}[f.sort]
    if origin and f.sort == "nearest":
        # Plain arithmetic (SQLite has no pow or cos): the squared flat distance orders as the real one.
        north = Index.lat - origin.lat
        east = (Index.lon - origin.lon) * math.cos(math.radians(origin.lat))
        order = [Index.lat.is_(None), north * north + east * east]
    query = select(Index.activity_id).where(*where).order_by(*order, Index.activity_id)
    page = min(f.page, max(1, math.ceil(total / page_size)))
    query = query.offset((page - 1) * page_size).limit(page_size)
    ids = list(db.scalars(query))
    loaded = {a.id: a for a in db.scalars(select(Activity).where(Activity.id.in_(ids)))}
    items = []
    for activity_id in ids:
        activity = loaded[activity_id]
        venue = activity.venue
        km = (distance_km(origin.lat, origin.lon, venue.lat, venue.lon)
              if origin and venue and venue.lat is not None else None)
        items.append(Found(activity, km))
    return Results(items, total, unchecked_total, page, page_size)


def activity_by_id(db: Session, activity_id: int) -> Activity | None:
    return db.get(Activity, activity_id)

