"""Generated activities for scale tests (`flask --app app demo synthetic --count N`).

They reuse the demo's venues and organisers, are marked by a `synthetic-` key, and are varied
enough (category, district, price, days, languages, accessibility) for filters to behave as on
real data. Deterministic: the same count and seed give the same catalogue."""
from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from portal.catalogue import schedule, vocab
from portal.catalogue.indexing import reindex
from portal.catalogue.models import Activity, ActivityText, Organiser, Venue, WeeklySlot

BATCH = 2000
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


def generate(db: Session, count: int, seed: int = 7) -> int:
    """Add `count` synthetic activities, replacing earlier ones. Commits in batches."""
    rng = random.Random(seed)
    venues = list(db.scalars(select(Venue)))
    organisers = list(db.scalars(select(Organiser)))
    if not venues or not organisers:
        raise RuntimeError("Load the demo catalogue first (flask --app app demo load).")
    remove_synthetic(db)
    db.commit()
    today, now = dt.date.today(), schedule.local_now()
    for start in range(0, count, BATCH):
        batch = [_activity(rng, n, venues, organisers, today) for n in range(start, min(count, start + BATCH))]
        db.add_all(batch)
        db.flush()
        reindex(db, batch, now)
        db.commit()
        db.expunge_all()
    return count


def _activity(rng: random.Random, n: int, venues: list[Venue], organisers: list[Organiser], today: dt.date) -> Activity:
    category = rng.choice(list(vocab.CATEGORIES))
    venue = rng.choice(venues)
    names = KINDS[category]
    place = {lang: venue.name.get(lang) or venue.name["fi"] for lang in vocab.UI_LANGUAGES}
    activity = Activity(
        key=f"synthetic-{n}", organiser=rng.choice(organisers), venue=venue,
        categories=frozenset({category}), audiences=frozenset(rng.sample(list(vocab.AUDIENCES), k=rng.randint(1, 2))),
        languages=frozenset({"fi"} | ({"sv"} if rng.random() < 0.2 else set()) | ({"en"} if rng.random() < 0.1 else set())),
        price_cents=0 if rng.random() < 0.5 else rng.choice((200, 300, 450, 500, 800)),
        join_mode=rng.choice(list(vocab.JOIN_MODES)), online=False,
        access={code: rng.choice(("yes", "yes", "no")) for code in vocab.FACT_CODES[7:] if rng.random() < 0.7},
        last_checked_on=today - dt.timedelta(days=rng.randint(1, 400)),
    )
    for i, lang in enumerate(vocab.UI_LANGUAGES):
        if lang == "fi" or rng.random() < 0.85:
            name = f"{names[i]} {n}"
            activity.texts[lang] = ActivityText(lang=lang, name=name, summary=f"{names[i]}, {place[lang]}.")
    hour = rng.choice((9, 10, 11, 13, 14, 17, 18))
    activity.weekly = [WeeklySlot(weekday=day, starts=dt.time(hour), ends=dt.time(hour + 1))
                       for day in rng.sample(range(7), k=rng.choice((1, 1, 2)))]
    activity.dates, activity.cancellations = [], []  # set, so indexing does not load them one by one
    return activity
