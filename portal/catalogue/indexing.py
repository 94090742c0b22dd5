"""Keeps `ActivityIndex` in step with the activities: call `reindex` after any change.

Several workers and the scheduled `catalogue refresh` may write the index at once, so writes never
collide: rows are upserted in place in activity order (no delete-then-insert that two writers can
interleave into duplicate keys), and on PostgreSQL every writer holds one advisory lock for its
transaction, which the in-request roll-forward only tries, skipping its turn while another holds it."""
from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from portal.catalogue import schedule
from portal.catalogue.models import NO_SET_TIME, Activity, ActivityIndex, ActivityWords, CatalogueVersion
from portal.catalogue.text import fold
from portal.catalogue.vocab import UI_LANGUAGES


def index_row(activity: Activity, now: dt.datetime) -> tuple[dict, dict]:
    """The activity's rows in the index (filters) and in the words table (search, names)."""
    facts = activity.facts()
    venue = activity.venue
    upcoming = schedule.next_occurrence(activity, now)
    row = {
        "activity_id": activity.id,
        "categories": activity.categories,
        "audiences": activity.audiences,
        "languages": activity.languages,
        "when": schedule.when_codes(activity, now),
        "facts_yes": {code for code, state in facts.items() if state == "yes"},
        "facts_no": {code for code, state in facts.items() if state == "no"},
        "price_cents": activity.price_cents,
        "drop_in": activity.join_mode == "drop_in",
        "online": activity.online,
        "district": venue.district if venue else None,
        "venue_id": venue.id if venue else None,
        "lat": venue.lat if venue else None,
        "lon": venue.lon if venue else None,
        "next_start": upcoming.starts if upcoming else None,
        "sort_start": upcoming.starts if upcoming else NO_SET_TIME,
        "listed": upcoming is not None or not (activity.weekly or activity.dates),
    }
    finnish = activity.texts["fi"]
    words: dict[str, int | str] = {"activity_id": activity.id}
    for lang in UI_LANGUAGES:
        text = activity.texts.get(lang) or finnish
        words[f"name_{lang}"] = fold(text.name)[:200]
        place = " ".join(filter(None, [venue.name.get(lang, ""), venue.neighbourhood.get(lang, "")])) if venue else ""
        words[f"words_{lang}"] = fold(" ".join((text.name, text.summary, text.description, place,
                                               activity.organiser.name.get(lang, ""))))
    return row, words


log = logging.getLogger(__name__)

# Any fixed 64-bit number, the same in every process: the advisory lock that index writers share.
INDEX_LOCK = 0x706F7274616C0001


def lock_index(db: Session, wait: bool = True) -> bool:
    """Take the index writers' lock until the end of the transaction; False when `wait` is off and
    another transaction holds it. SQLite allows one writer at a time anyway, so there it is a no-op."""
    if db.get_bind().dialect.name != "postgresql":
        return True
    if wait:
        db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": INDEX_LOCK})
        return True
    return bool(db.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": INDEX_LOCK}))


def _upsert(db: Session, model, rows: list[dict]) -> None:
    """Insert the rows, or update them in place when they exist."""
    dialect = postgresql if db.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(model.__table__)
    columns = {c.name: statement.excluded[c.name] for c in model.__table__.columns if c.name != "activity_id"}
    db.execute(statement.on_conflict_do_update(index_elements=["activity_id"], set_=columns), rows)


def reindex(db: Session, activities: list[Activity], now: dt.datetime, content: bool = True) -> None:
    """Write the index rows of these activities. `content` off: only their next times moved on (see
    bump_version). The caller commits."""
    if not activities:
        return
    lock_index(db)
    # In activity order, so two writers that touch the same rows lock them in the same order.
    rows = [index_row(a, now) for a in sorted(activities, key=lambda a: a.id)]
    for model, part in ((ActivityIndex, 0), (ActivityWords, 1)):
        _upsert(db, model, [r[part] for r in rows])
    bump_version(db, content)


# The rows of CatalogueVersion. Counts, pages and page ends are keyed on EVERY_CHANGE; a result card
# on CONTENT_CHANGE and its activity's next time: "next time" rolls forward for some activity almost
# every minute in a large catalogue, and that should redraw the cards it moved, not every card.
EVERY_CHANGE, CONTENT_CHANGE = 1, 2


def bump_version(db: Session, content: bool = True) -> None:
    """Make everything cached from the catalogue out of date (in the caller's transaction, so the new
    version is seen exactly when the change is); `content` off for a roll-forward, which leaves the
    cards of activities whose next time did not move in place. Call it after any write that reindex
    does not cover. Under the index writers' lock, taken before the version rows', so writers always
    lock in one order."""
    lock_index(db)
    # The rows are made by the first write (a freshly migrated database holds no rows at all, so a
    # restore still sees it empty), and raised from then on.
    dialect = postgresql if db.get_bind().dialect.name == "postgresql" else sqlite
    rows = [{"id": EVERY_CHANGE, "version": 1}] + ([{"id": CONTENT_CHANGE, "version": 1}] if content else [])
    statement = dialect.insert(CatalogueVersion.__table__).values(rows)
    db.execute(statement.on_conflict_do_update(index_elements=["id"],
                                               set_={"version": CatalogueVersion.__table__.c.version + 1}))


def catalogue_versions(db: Session) -> tuple[int, int]:
    """(every change, content change): the numbers cached catalogue data is keyed on."""
    rows = db.execute(select(CatalogueVersion.id, CatalogueVersion.version))
    found: dict[int, int] = {row.id: row.version for row in rows}
    return found.get(EVERY_CHANGE, 0), found.get(CONTENT_CHANGE, 0)


def catalogue_version(db: Session) -> int:
    """The number cached counts and pages are keyed on: it changes with every write to the index."""
    return catalogue_versions(db)[0]


def roll_forward(db: Session, now: dt.datetime, batch: int = 200) -> int:
    """Recompute up to `batch` rows whose next occurrence has passed, so "soonest" stays right as
    time goes on; nothing when another writer holds the index (it is current enough). The caller commits."""
    if not lock_index(db, wait=False):
        return 0
    stale = db.scalars(select(Activity).join(ActivityIndex).where(ActivityIndex.next_start < now)
                       .order_by(ActivityIndex.next_start).limit(batch)).all()
    reindex(db, list(stale), now, content=False)
    return len(stale)


def roll_forward_apart(make_session: sessionmaker, now: dt.datetime) -> int:
    """roll_forward in a session and transaction of its own, for a request that reads the catalogue:
    a failure is logged (without values) and the request goes on with the index as it was, its own
    session untouched by any rollback."""
    with make_session() as db:
        try:
            done = roll_forward(db, now)
            db.commit()
            return done
        except DBAPIError as error:
            db.rollback()
            log.warning("Index roll-forward skipped: %s", type(error.orig or error).__name__)
            return 0


def refresh(db: Session, now: dt.datetime, stale_only: bool, batch: int = 2000) -> int:
    """Reindex every activity (or only those whose next time has passed), committing per batch."""
    query = select(Activity.id).order_by(Activity.id)
    if stale_only:
        query = query.join(ActivityIndex).where(ActivityIndex.next_start < now)
    ids, done = list(db.scalars(query)), 0
    for start in range(0, len(ids), batch):
        lock_index(db)  # before reading, so no writer's newer rows are overwritten with older ones
        chunk = db.scalars(select(Activity).where(Activity.id.in_(ids[start:start + batch]))).all()
        reindex(db, list(chunk), now, content=not stale_only)
        db.commit()
        db.expunge_all()
        done += len(chunk)
    return done
