"""Generated activities for scale tests (`flask --app app demo synthetic --count N`).

They reuse the demo's venues and organisers, are marked by a `synthetic-` key, and are varied
enough (category, district, price, days, languages, accessibility) for filters to behave as on
real data. Deterministic: the same count and seed give the same catalogue.

Loaded in bulk: the rows are built here as plain values (ids given in advance) and written with one
executemany per table and batch (COPY on PostgreSQL), not object by object through the ORM, so
100 000 activities take seconds rather than many minutes."""
from __future__ import annotations

import datetime as dt
import random
from contextlib import contextmanager
from types import SimpleNamespace
from typing import cast

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.orm import Session

from portal.catalogue import schedule, vocab
from portal.catalogue.indexing import bump_version, index_row
from portal.catalogue.models import Activity, ActivityIndex, ActivityText, ActivityWords, Organiser, Venue, WeeklySlot

BATCH = 20_000
KINDS = {  # category: (fi, sv, en) names of the kind of activity
    "exercise": ("Tuolijumppa", "Stolgympa", "Chair exercise"),
    "nature": ("Luontokävely", "Naturpromenad", "Nature walk"),
    "culture": ("Lauluhetki", "Sångstund", "Singing together"),
    "community": ("Kohtaamispaikka", "Mötesplats", "Meeting place"),
    "health": ("Terveyskahvila", "Hälsocafé", "Health café"),
    "food": ("Yhteinen lounas", "Gemensam lunch", "Lunch together"),
    "digital": ("Digitukipiste", "Digistödpunkt", "Digital help desk"),
    "support": ("Vertaisryhmä", "Kamratgrupp", "Peer group"),
}


def remove_synthetic(db: Session) -> None:
    db.execute(delete(Activity).where(Activity.key.like("synthetic-%")))
    bump_version(db)


class _Draft(SimpleNamespace):
    """An activity as plain attributes: what `index_row` and the schedule read, without the ORM's
    bookkeeping (which cost most of the time when 100 000 were built as mapped objects)."""

    facts = Activity.facts


def generate(db: Session, count: int, seed: int = 7) -> int:
    """Add `count` synthetic activities, replacing earlier ones, in the caller's transaction."""
    rng = random.Random(seed)
    venues = list(db.scalars(select(Venue)))
    organisers = list(db.scalars(select(Organiser)))
    if not venues or not organisers:
        raise RuntimeError("Load the demo catalogue first (flask --app app demo load).")
    remove_synthetic(db)
    db.flush()
    with_ids = (Activity, ActivityText, WeeklySlot)
    next_id = {model: (db.scalar(select(func.max(model.id))) or 0) + 1 for model in with_ids}
    with _indexes_built_after(db, count):
        _load(db, rng, count, venues, organisers, next_id)
    if db.get_bind().dialect.name == "postgresql":
        # The ids were given here, so move each table's sequence past them for rows added later.
        for model in with_ids:
            db.execute(text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :last)"),
                       {"table": model.__tablename__, "last": next_id[model] - 1})
        db.execute(text("ANALYZE"))
    bump_version(db)
    return count


def _load(db: Session, rng: random.Random, count: int, venues, organisers, next_id: dict) -> None:
    with_ids = (Activity, ActivityText, WeeklySlot)
    today, now, created = dt.date.today(), schedule.local_now(), dt.datetime.utcnow()
    for start in range(0, count, BATCH):
        tables: dict[type, list[dict]] = {model: [] for model in (*with_ids, ActivityIndex, ActivityWords)}
        for n in range(start, min(count, start + BATCH)):
            activity = _activity(rng, n, venues, organisers, today)
            activity.id = next_id[Activity]
            next_id[Activity] += 1
            tables[Activity].append({
                "id": activity.id, "key": activity.key, "organiser_id": activity.organiser.id,
                "venue_id": activity.venue.id, "categories": activity.categories, "audiences": activity.audiences,
                "languages": activity.languages, "price_cents": activity.price_cents, "discounts": [],
                "join_mode": activity.join_mode, "join_phone": None, "online": False, "access": activity.access,
                "access_checked_on": None, "last_checked_on": activity.last_checked_on, "updated_at": created})
            for lang, part in activity.texts.items():
                tables[ActivityText].append({"id": next_id[ActivityText], "activity_id": activity.id, "lang": lang,
                                             "name": part.name, "summary": part.summary, "description": "",
                                             "for_whom": "", "how_to_join": ""})
                next_id[ActivityText] += 1
            for slot in activity.weekly:
                tables[WeeklySlot].append({"id": next_id[WeeklySlot], "activity_id": activity.id,
                                           "weekday": slot.weekday, "starts": slot.starts, "ends": slot.ends})
                next_id[WeeklySlot] += 1
            # A _Draft carries every attribute index_row reads from an Activity.
            index, words = index_row(cast(Activity, activity), now)
            tables[ActivityIndex].append(index)
            tables[ActivityWords].append(words)
        with _words_searchable_after(db, tables[ActivityWords][0]["activity_id"]):
            for model, rows in tables.items():
                _write(db, model, rows)


# Above this many new rows, the catalogue's secondary indexes are dropped and built once at the end:
# building a (trigram) index from all rows is far quicker than updating it row by row.
REBUILD_INDEXES_FROM = 20_000


@contextmanager
def _indexes_built_after(db: Session, count: int):
    """Drop the index and word tables' own indexes (not their primary keys) for a large load and
    create them again from their stored definitions afterwards, in the same transaction: other
    readers wait for the load rather than see a table without its indexes."""
    if count < REBUILD_INDEXES_FROM:
        yield
        return
    if db.get_bind().dialect.name == "postgresql":
        found = db.execute(text("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                                "AND tablename IN ('activity_index', 'activity_words') AND indexname NOT LIKE 'pk_%'"))
    else:
        found = db.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                                "AND tbl_name IN ('activity_index', 'activity_words')"))
    definitions = found.all()
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))  # the trigram indexes build in memory
    for name, _sql in definitions:
        db.execute(text(f'DROP INDEX "{name}"'))
    yield
    for _name, sql in definitions:
        db.execute(text(sql))


@contextmanager
def _words_searchable_after(db: Session, first_id: int):
    """On SQLite, the word search table is filled in one statement after the batch is written, not by
    its trigger row by row (seven times slower); the trigger is put back as it was, in the same
    transaction, so no other writer ever sees the table without it."""
    trigger = "activity_words_fts_insert"
    created = db.scalar(text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :name"),
                        {"name": trigger}) if db.get_bind().dialect.name == "sqlite" else None
    if created is None:
        yield
        return
    db.execute(text(f"DROP TRIGGER {trigger}"))
    yield
    db.execute(text("INSERT INTO activity_words_fts (rowid, words_fi, words_sv, words_en) "
                    "SELECT activity_id, words_fi, words_sv, words_en FROM activity_words WHERE activity_id >= :first"),
               {"first": first_id})
    db.execute(text(created))


def _write(db: Session, model, rows: list[dict]) -> None:
    """Insert many rows at once: COPY on PostgreSQL (values bound through the columns' own types),
    an executemany elsewhere."""
    if not rows:
        return
    table = model.__table__
    if db.get_bind().dialect.name != "postgresql":
        db.execute(insert(table), rows)
        return
    dialect = db.get_bind().dialect
    columns = list(table.columns)
    processors = [c.type._cached_bind_processor(dialect) for c in columns]
    names = ", ".join(f'"{c.name}"' for c in columns)
    driver = db.connection().connection.driver_connection
    if driver is None:
        raise RuntimeError("the database connection is closed")
    cursor = driver.cursor()
    with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
        for row in rows:
            values = (row.get(c.key) for c in columns)
            copy.write_row([p(v) if p else v for v, p in zip(values, processors, strict=True)])


def _activity(rng: random.Random, n: int, venues: list[Venue], organisers: list[Organiser], today: dt.date) -> _Draft:
    category = rng.choice(list(vocab.CATEGORIES))
    venue = rng.choice(venues)
    names = KINDS[category]
    place = {lang: venue.name.get(lang) or venue.name["fi"] for lang in vocab.UI_LANGUAGES}
    activity = _Draft(
        key=f"synthetic-{n}", organiser=rng.choice(organisers), venue=venue,
        categories=frozenset({category}), audiences=frozenset(rng.sample(list(vocab.AUDIENCES), k=rng.randint(1, 2))),
        languages=frozenset({"fi"} | ({"sv"} if rng.random() < 0.2 else set())
                            | ({"en"} if rng.random() < 0.1 else set())),
        price_cents=0 if rng.random() < 0.5 else rng.choice((200, 300, 450, 500, 800)),
        join_mode=rng.choice(list(vocab.JOIN_MODES)), online=False,
        access={code: rng.choice(("yes", "yes", "no")) for code in vocab.FACT_CODES[7:] if rng.random() < 0.7},
        last_checked_on=today - dt.timedelta(days=rng.randint(1, 400)), texts={}, dates=[], cancellations=[],
    )
    for i, lang in enumerate(vocab.UI_LANGUAGES):
        if lang == "fi" or rng.random() < 0.85:
            activity.texts[lang] = SimpleNamespace(name=f"{names[i]} {n}", summary=f"{names[i]}, {place[lang]}.",
                                                   description="")
    hour = rng.choice((9, 10, 11, 13, 14, 17, 18))
    activity.weekly = [SimpleNamespace(weekday=day, starts=dt.time(hour), ends=dt.time(hour + 1))
                       for day in rng.sample(range(7), k=rng.choice((1, 1, 2)))]
    return activity
