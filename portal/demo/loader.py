"""Loads the demo catalogue from portal/demo/data/ (see FORMAT.md there). Dates in the files are
relative to the day of loading, so the demo always shows a live-looking calendar."""
from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

from sqlalchemy import delete
from sqlalchemy.orm import Session

from portal.catalogue import schedule
from portal.catalogue.indexing import reindex
from portal.catalogue.models import (
    Activity,
    ActivityIndex,
    ActivityText,
    Cancellation,
    OneOffDate,
    Organiser,
    PostalArea,
    Venue,
    WeeklySlot,
)
from portal.catalogue.vocab import TEXT_FIELDS, WEEKDAYS
from portal.demo.content import load_content

DATA = Path(__file__).parent / "data"


def _days_ago(today: dt.date, days: int | None) -> dt.date | None:
    return None if days is None else today - dt.timedelta(days=days)


def _clock(value: str) -> dt.time:
    return dt.time.fromisoformat(value)


def clear_catalogue(db: Session) -> None:
    from portal.imports.models import DeletedActivity  # the new catalogue's ids start over

    for model in (ActivityIndex, Cancellation, OneOffDate, WeeklySlot, ActivityText, Activity, Venue, Organiser,
                  PostalArea, DeletedActivity):
        db.execute(delete(model))


def load_postal_areas(db: Session) -> int:
    with (DATA / "postal_codes.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    db.add_all(PostalArea(code=r["postal_code"], name_fi=r["name_fi"], name_sv=r["name_sv"], district=r["district"],
                          lat=float(r["lat"]), lon=float(r["lon"])) for r in rows)
    return len(rows)


def build_activity(record: dict, organisers: dict, venues: dict, today: dt.date) -> Activity:
    activity = Activity(
        key=record["key"], organiser=organisers[record["organiser"]],
        venue=venues[record["venue"]] if record.get("venue") else None,
        categories=frozenset(record["categories"]), audiences=frozenset(record.get("audiences", [])),
        languages=frozenset(record["languages"]),
        price_cents=0 if record["price"].get("free") else round(record["price"]["euros"] * 100),
        discounts=record.get("discounts", []), join_mode=record["join"], join_phone=record.get("join_phone"),
        online=record.get("online", False),
        access={k: v for k, v in record.get("access", {}).items() if v != "unknown"},
        access_checked_on=_days_ago(today, record.get("access_checked_days_ago")),
        last_checked_on=_days_ago(today, record.get("last_checked_days_ago", 30)),
    )
    for lang, text in record["texts"].items():
        activity.texts[lang] = ActivityText(lang=lang, **{k: text.get(k, "") for k in TEXT_FIELDS})
    activity.weekly = [WeeklySlot(weekday=WEEKDAYS.index(w["day"]), starts=_clock(w["start"]), ends=_clock(w["end"]))
                       for w in record.get("weekly", [])]
    activity.dates = [
        OneOffDate(starts=dt.datetime.combine(today + dt.timedelta(days=d["in_days"]), _clock(d["start"])),
                   ends=dt.datetime.combine(today + dt.timedelta(days=d["in_days"]), _clock(d["end"])))
        for d in record.get("dates", [])]
    if wanted := record.get("cancelled_occurrences"):
        now = dt.datetime.combine(today, dt.time(0))
        coming = list(schedule.upcoming(activity, now, count=max(wanted)))
        activity.cancellations = [Cancellation(day=coming[n - 1].starts.date()) for n in wanted if n <= len(coming)]
    return activity


def load_demo(db: Session, today: dt.date) -> dict[str, int]:
    """Replace the catalogue with the demo data. The caller commits."""
    clear_catalogue(db)
    counts = {"postal_areas": load_postal_areas(db)}
    organisers = {r["key"]: Organiser(**r) for r in json.loads((DATA / "organisers.json").read_text("utf-8"))}
    venues = {}
    for r in json.loads((DATA / "venues.json").read_text("utf-8")):
        checked = r.pop("accessibility_checked_days_ago", None)
        r["accessibility"] = {k: v for k, v in r.get("accessibility", {}).items() if v != "unknown"}
        venues[r["key"]] = Venue(**r, accessibility_checked_on=_days_ago(today, checked))
    activities = [build_activity(r, organisers, venues, today)
                  for path in sorted(DATA.glob("activities-*.json"))
                  for r in json.loads(path.read_text("utf-8"))]
    db.add_all([*organisers.values(), *venues.values(), *activities])
    db.flush()
    reindex(db, activities, schedule.local_now())
    counts.update(organisers=len(organisers), venues=len(venues), activities=len(activities))
    counts.update(load_content(db, today))  # the pages staff keep: added once, never replaced
    return counts
