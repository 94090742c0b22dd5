"""Keeps `ActivityIndex` in step with the activities: call `reindex` after any change."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from portal.catalogue import schedule
from portal.catalogue.models import Activity, ActivityIndex
from portal.catalogue.text import fold
from portal.catalogue.vocab import UI_LANGUAGES


def index_row(activity: Activity, now: dt.datetime) -> dict:
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
        "lat": venue.lat if venue else None,
        "lon": venue.lon if venue else None,
        "next_start": upcoming.starts if upcoming else None,
        "listed": upcoming is not None or not (activity.weekly or activity.dates),
    }
    finnish = activity.texts["fi"]
    for lang in UI_LANGUAGES:
        text = activity.texts.get(lang) or finnish
        row[f"name_{lang}"] = fold(text.name)[:200]
        place = " ".join(filter(None, [venue.name.get(lang, ""), venue.neighbourhood.get(lang, "")])) if venue else ""
        row[f"words_{lang}"] = fold(" ".join((text.name, text.summary, text.description, place,
                                             activity.organiser.name.get(lang, ""))))
    return row


def reindex(db: Session, activities: list[Activity], now: dt.datetime) -> None:
    """Replace the index rows of these activities. The caller commits."""
    if not activities:
        return
    ids = [a.id for a in activities]
    db.execute(delete(ActivityIndex).where(ActivityIndex.activity_id.in_(ids)))
    db.execute(ActivityIndex.__table__.insert(), [index_row(a, now) for a in activities])


def roll_forward(db: Session, now: dt.datetime, batch: int = 500) -> int:
    """Recompute rows whose next occurrence has passed, so "soonest" stays right as time goes on."""
    stale = db.scalars(select(Activity).join(ActivityIndex).where(ActivityIndex.next_start < now).limit(batch)).all()
    reindex(db, list(stale), now)
    return len(stale)
