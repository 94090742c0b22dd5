"""The catalogue's content model: organisers, venues, activities, their schedules and texts."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    Time,
    UniqueConstraint,
    text as sa_text,
    true as sa_true,
)
from sqlalchemy.orm import Mapped, attribute_keyed_dict, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from portal.catalogue import vocab
from portal.db import Base

# A short text in several languages, e.g. {"fi": "Kampin palvelukeskus", "sv": "Kampens servicecentral"}.
LocalText = dict[str, str]


class FlagSet(TypeDecorator):
    """A set of vocabulary codes stored as one integer, so that "any of" and "all of" filters are a
    single bitwise test in SQL instead of a join per value."""

    impl = BigInteger
    cache_ok = True

    def __init__(self, codes: tuple[str, ...]):
        super().__init__()
        self.codes = codes

    def process_bind_param(self, value, dialect):
        return None if value is None else self.mask(value)

    def process_result_value(self, value, dialect):
        return None if value is None else frozenset(c for i, c in enumerate(self.codes) if value >> i & 1)

    def mask(self, codes) -> int:
        return sum(1 << self.codes.index(code) for code in set(codes))


CategoryFlags = FlagSet(tuple(vocab.CATEGORIES))
AudienceFlags = FlagSet(tuple(vocab.AUDIENCES))
LanguageFlags = FlagSet(vocab.ACTIVITY_LANGUAGES)
FactFlags = FlagSet(vocab.FACT_CODES)
# Weekday x part of day: "wed:morning" and so on.
WHEN_CODES = tuple(f"{day}:{part}" for day in vocab.WEEKDAYS for part in vocab.TIMES_OF_DAY)
WhenFlags = FlagSet(WHEN_CODES)


def on_day(day: str, part: str | None = None) -> str:
    """SQL that is true for an activity on this weekday (at this part of the day, or at any), with the
    mask written out: it is both the WHERE of that day's (or slot's) partial index and the term a query
    adds to use it (a bound parameter would not match the index's WHERE on either engine)."""
    parts = [part] if part else vocab.TIMES_OF_DAY
    return f'("when" & {WhenFlags.mask(f"{day}:{p}" for p in parts)}) != 0'


class Organiser(Base):
    __tablename__ = "organiser"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # city, ngo, parish, library
    name: Mapped[LocalText] = mapped_column(JSON)
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(300))


class Venue(Base):
    __tablename__ = "venue"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[LocalText] = mapped_column(JSON)
    street: Mapped[LocalText] = mapped_column(JSON)
    postal_code: Mapped[str] = mapped_column(String(5))
    neighbourhood: Mapped[LocalText] = mapped_column(JSON)
    district: Mapped[str] = mapped_column(String(20))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    transit: Mapped[LocalText] = mapped_column(JSON, default=dict)
    phone: Mapped[str | None] = mapped_column(String(40))
    # {fact code: "yes" | "no"}; a fact that is absent has not been checked.
    accessibility: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    accessibility_checked_on: Mapped[dt.date | None] = mapped_column(Date)


class Activity(Base):
    __tablename__ = "activity"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    organiser_id: Mapped[int] = mapped_column(ForeignKey("organiser.id"))
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venue.id"))
    categories: Mapped[frozenset[str]] = mapped_column(CategoryFlags)
    audiences: Mapped[frozenset[str]] = mapped_column(AudienceFlags)
    languages: Mapped[frozenset[str]] = mapped_column(LanguageFlags)
    price_cents: Mapped[int] = mapped_column(default=0)  # 0 is free
    discounts: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    join_mode: Mapped[str] = mapped_column(String(20))
    join_phone: Mapped[str | None] = mapped_column(String(40))
    online: Mapped[bool] = mapped_column(default=False)
    access: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    access_checked_on: Mapped[dt.date | None] = mapped_column(Date)
    last_checked_on: Mapped[dt.date] = mapped_column(Date)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=dt.datetime.utcnow)

    organiser: Mapped[Organiser] = relationship(lazy="joined", innerjoin=True)
    venue: Mapped[Venue | None] = relationship(lazy="joined")
    texts: Mapped[dict[str, ActivityText]] = relationship(
        collection_class=attribute_keyed_dict("lang"), cascade="all, delete-orphan", lazy="selectin")
    weekly: Mapped[list[WeeklySlot]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                    order_by="(WeeklySlot.weekday, WeeklySlot.starts)")
    dates: Mapped[list[OneOffDate]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                   order_by="OneOffDate.starts")
    cancellations: Mapped[list[Cancellation]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def is_free(self) -> bool:
        return self.price_cents == 0

    def facts(self) -> dict[str, str]:
        """Every accessibility fact as yes / no / unknown, the venue's and the activity's together."""
        recorded = {**(self.venue.accessibility if self.venue else {}), **self.access}
        return {code: recorded.get(code, "unknown") for code in vocab.FACT_CODES}


class ActivityText(Base):
    __tablename__ = "activity_text"
    __table_args__ = (UniqueConstraint("activity_id", "lang"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"))
    lang: Mapped[str] = mapped_column(String(2))
    name: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    for_whom: Mapped[str] = mapped_column(Text, default="")
    how_to_join: Mapped[str] = mapped_column(Text, default="")


class WeeklySlot(Base):
    __tablename__ = "weekly_slot"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int]  # 0 Monday ... 6 Sunday
    starts: Mapped[dt.time] = mapped_column(Time)
    ends: Mapped[dt.time] = mapped_column(Time)


class OneOffDate(Base):
    __tablename__ = "one_off_date"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    starts: Mapped[dt.datetime] = mapped_column(DateTime)  # local time in the city's time zone
    ends: Mapped[dt.datetime] = mapped_column(DateTime)


class Cancellation(Base):
    """One occurrence (weekly or one-off) that will not take place."""

    __tablename__ = "cancellation"
    __table_args__ = (UniqueConstraint("activity_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"))
    day: Mapped[dt.date] = mapped_column(Date)


class PostalArea(Base):
    """A postal code area: maps codes and neighbourhood names to a district and a point for distances."""

    __tablename__ = "postal_area"

    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    name_fi: Mapped[str] = mapped_column(String(80))
    name_sv: Mapped[str] = mapped_column(String(80))
    district: Mapped[str] = mapped_column(String(20))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)


# The columns a filter tests, carried by the ordered indexes below so that counting reads no table.
FILTER_COLUMNS = ("categories", "audiences", "languages", "when", "facts_yes", "facts_no", "price_cents",
                  "drop_in", "online")


class ActivityIndex(Base):
    """What the catalogue filters and sorts on, one narrow row per activity, derived from the tables
    above by `portal.catalogue.indexing`, so that counting a filtered list reads little."""

    __tablename__ = "activity_index"
    # Ordered partial indexes, one per way a page is read: the soonest listed activities overall, in a
    # district, at a venue. The WHERE is written as each dialect renders `.where(ActivityIndex.listed)`
    # (SQLite has no boolean type and writes `listed = 1`), or the planner does not match the index.
    # The soonest and district indexes also carry every filter column (they cover the filters): a
    # filter that matches few rows near the start (a weekday, a language) walks the index alone, and a
    # count in one district reads that district's part of its index, never the table.
    __table_args__ = (
        Index("ix_activity_index_next_start", "next_start"),
        *(Index(f"ix_activity_index_{name}", *columns, "sort_start", "activity_id", *covering,
                sqlite_where=sa_text("listed = 1"), postgresql_where=sa_text("listed"))
          for name, columns, covering in (
              ("soonest", (), (*FILTER_COLUMNS, "district", "venue_id")),
              ("district_soonest", ("district",), (*FILTER_COLUMNS, "venue_id")),
              ("venue_soonest", ("venue_id",), ()))),
        # One per weekday and one per weekday and part of the day: the soonest order follows the days
        # of the week and the hours (a Tuesday-morning activity's next time is next Tuesday morning), so
        # one day's activities read through the soonest index come after every other day's; on a
        # Tuesday afternoon "Tuesday mornings" were at its very end, and at the end of Tuesday's too.
        *(Index(f"ix_activity_index_{day}{f'_{part}' if part else ''}_soonest", "sort_start", "activity_id",
                sqlite_where=sa_text(f"listed = 1 AND {on_day(day, part)}"),
                postgresql_where=sa_text(f"listed AND {on_day(day, part)}"))
          for day in vocab.WEEKDAYS for part in (None, *vocab.TIMES_OF_DAY)),
    )

    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True)
    categories: Mapped[frozenset[str]] = mapped_column(CategoryFlags)
    audiences: Mapped[frozenset[str]] = mapped_column(AudienceFlags)
    languages: Mapped[frozenset[str]] = mapped_column(LanguageFlags)
    when: Mapped[frozenset[str]] = mapped_column(WhenFlags)
    facts_yes: Mapped[frozenset[str]] = mapped_column(FactFlags)
    facts_no: Mapped[frozenset[str]] = mapped_column(FactFlags)
    price_cents: Mapped[int]
    drop_in: Mapped[bool]
    online: Mapped[bool]
    district: Mapped[str | None] = mapped_column(String(20))
    venue_id: Mapped[int | None]
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    # The next occurrence that is not cancelled; None when there is none in the coming year.
    next_start: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # next_start, or NO_SET_TIME when there is none: never null, so "soonest, those without a time
    # last" is a plain ascending order an index can give without sorting.
    sort_start: Mapped[dt.datetime] = mapped_column(DateTime)
    # False once every date has passed; an activity with no set times ("ask the organiser") stays listed.
    listed: Mapped[bool] = mapped_column(default=True, server_default=sa_true())


# The sort key of an activity with no coming time: after every real date.
NO_SET_TIME = dt.datetime(9999, 12, 31)


class CatalogueVersion(Base):
    """Numbers that writes to the catalogue raise, so that anything cached from it carries the version
    it was made from and is never served stale (portal/catalogue/indexing.py, bump_version):
    row 1 (EVERY_CHANGE) by every write to the index, row 2 (CONTENT_CHANGE) by every write except
    "next time" rolling forward."""

    __tablename__ = "catalogue_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


class ActivityWords(Base):
    """Names (for sorting) and folded words (for search) in each language, apart from the narrow
    index because only searches and sorting by name read them."""

    __tablename__ = "activity_words"
    # Word search is a substring match (Finnish compounds: "jumppa" finds "tuolijumppa"), which a
    # trigram index serves on PostgreSQL; SQLite has an FTS5 trigram table instead (migration 0011).
    __table_args__ = tuple(
        Index(f"ix_activity_words_{column}_trgm", column, postgresql_using="gin",
              postgresql_ops={column: "gin_trgm_ops"}).ddl_if(dialect="postgresql")
        for column in ("words_fi", "words_sv", "words_en"))

    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True)
    name_fi: Mapped[str] = mapped_column(String(200))
    name_sv: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    # Folded (lower case, no accents) text of each language for word search.
    words_fi: Mapped[str] = mapped_column(Text)
    words_sv: Mapped[str] = mapped_column(Text)
    words_en: Mapped[str] = mapped_column(Text)
