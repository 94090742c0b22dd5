"""Keeps `ActivityIndex` in step with the activities: call `reindex` after any change."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from portal.catalogue import schedule
from portal.catalogue.models import Activity, ActivityIndex, ActivityWords
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
        "listed": upcoming is not None or not (activity.weekly or activity.dates),
    }
    finnish, words = activity.texts["fi"], {"activity_id": activity.id}
    for lang in UI_LANGUAGES:
        text = activity.texts.get(lang) or finnish
        words[f"name_{lang}"] = fold(text.name)[:200]
        place = " ".join(filter(None, [venue.name.get(lang, ""), venue.neighbourhood.get(lang, "")])) if venue else ""
        words[f"words_{lang}"] = fold(" ".join((text.name, text.summary, text.description, place,
                                               activity.organiser.name.get(lang, ""))))
    return row, words


def reindex(db: Session, activities: list[Activity], now: dt.datetime) -> None:
    """Replace the index rows of these activities. The caller commits."""
    if not activities:
        return
    ids = [a.id for a in activities]
    rows = [index_row(a, now) for a in activities]
    for model, part in ((ActivityIndex, 0), (ActivityWords, 1)):
        db.execute(delete(model).where(model.activity_id.in_(ids)))
        db.execute(model.__table__.insert(), [r[part] for r in rows])


def roll_forward(db: Session, now: dt.datetime, batch: int = 200) -> int:
    """Recompute up to `batch` rows whose next occurrence has passed, so "soonest" stays right as
    time goes on. The caller commits."""
    stale = db.scalars(select(Activity).join(ActivityIndex).where(ActivityIndex.next_start < now)
                       .order_by(ActivityIndex.next_start).limit(batch)).all()
    reindex(db, list(stale), now)
    return len(stale)


def refresh(db: Session, now: dt.datetime, stale_only: bool, batch: int = 2000) -> int:
    """Reindex every activity (or only those whose next time has passed), committing per batch."""
    query = select(Activity.id).order_by(Activity.id)
    if stale_only:
        query = query.join(ActivityIndex).where(ActivityIndex.next_start < now)
    ids, done = list(db.scalars(query)), 0
    for start in range(0, len(ids), batch):
        chunk = db.scalars(select(Activity).where(Activity.id.in_(ids[start:start + batch]))).all()
        reindex(db, list(chunk), now)
        db.commit()
        db.expunge_all()
        done += len(chunk)
    return done
