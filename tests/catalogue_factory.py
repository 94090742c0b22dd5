"""A small, hand-made catalogue whose right answers are known, and the builders that make it.

Every builder adds to the session it is given; `build_catalogue` flushes, indexes and returns the
activity ids by key. The caller commits (portal.db.transaction).

The catalogue, in short (next times are relative to the day the tests run):

| key          | category           | district (venue)      | price | join     | languages | when                   |
|--------------|--------------------|-----------------------|-------|----------|-----------|------------------------|
| chair-gym    | exercise           | southern (Kamppi)     | free  | drop_in  | fi        | Tue 10–11, 1st cancelled |
| crafts-cafe  | culture, community | central (Kallio)      | 3 €   | register | fi, sv    | Wed 13–15              |
| digi-help    | digital            | northeastern (Malmi)  | free  | drop_in  | fi, en, ru| Mon 17.30–19 (no sv text) |
| nature-walk  | nature             | eastern (Itäkeskus)   | 5 €   | phone    | fi        | Thu 9–11 (Finnish text only) |
| carers-peer  | support            | online, no venue      | free  | register | fi, sv    | Fri 18–19              |
| memory-cafe  | health             | southern (Kamppi)     | 2 €   | register | fi, en    | Sat 11–12              |
| concert      | culture            | central (Kallio)      | free  | register | fi, sv, en| one Saturday 19–20.30, 1–2 weeks ahead |
| past-talk    | health             | southern (Kamppi)     | free  | register | fi        | one date, 3 days ago: never listed |
| lunch-01..22 | food               | western (Munkkiniemi) | 4.50 €| register | fi        | Sun 12–13              |

Venue accessibility: Kamppi every venue fact yes; Kallio step-free and lift yes, toilet not checked,
hearing loop no; Malmi step-free no, hearing loop yes; Itäkeskus nothing checked; Munkkiniemi
step-free no.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from portal.catalogue import schedule, vocab
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

LUNCH_COUNT = 22
LISTED_COUNT = 7 + LUNCH_COUNT  # every activity except past-talk

POSTAL_AREAS = [
    # code, fi, sv, district, lat, lon
    ("00100", "Kamppi", "Kampen", "southern", 60.1690, 24.9320),
    ("00530", "Kallio", "Berghäll", "central", 60.1840, 24.9500),
    ("00330", "Munkkiniemi", "Munksnäs", "western", 60.1980, 24.8760),
    ("00700", "Malmi", "Malm", "northeastern", 60.2510, 25.0110),
    ("00900", "Itäkeskus", "Östra centrum", "eastern", 60.2100, 25.0800),
    ("00890", "Östersundom", "Östersundom", "ostersundom", 60.2500, 25.1800),
]


def postal_area(db: Session, code, name_fi, name_sv, district, lat, lon) -> PostalArea:
    area = PostalArea(code=code, name_fi=name_fi, name_sv=name_sv, district=district, lat=lat, lon=lon)
    db.add(area)
    return area


def organiser(db: Session, key: str, name: dict, kind: str = "city", phone: str | None = "+358 9 310 1234",
              email: str | None = None, website: str | None = None) -> Organiser:
    found = Organiser(key=key, kind=kind, name=name, phone=phone, email=email, website=website)
    db.add(found)
    return found


def venue(db: Session, key: str, name: dict, postal_code: str, neighbourhood: dict, district: str,
          lat: float | None, lon: float | None, accessibility: dict | None = None,
          checked_on: dt.date | None = None, street: dict | None = None, transit: dict | None = None) -> Venue:
    found = Venue(key=key, name=name, street=street or {"fi": "Testikatu 1", "sv": "Testgatan 1"},
                  postal_code=postal_code, neighbourhood=neighbourhood, district=district, lat=lat, lon=lon,
                  transit=transit or {}, accessibility=accessibility or {}, accessibility_checked_on=checked_on)
    db.add(found)
    return found


def text(lang: str, name: str, summary: str, description: str = "", for_whom: str = "",
         how_to_join: str = "") -> ActivityText:
    return ActivityText(lang=lang, name=name, summary=summary, description=description, for_whom=for_whom,
                        how_to_join=how_to_join)


def weekly(day: str, starts: str, ends: str) -> WeeklySlot:
    return WeeklySlot(weekday=vocab.WEEKDAYS.index(day), starts=dt.time.fromisoformat(starts),
                      ends=dt.time.fromisoformat(ends))


def one_off(day: dt.date, starts: str, ends: str) -> OneOffDate:
    return OneOffDate(starts=dt.datetime.combine(day, dt.time.fromisoformat(starts)),
                      ends=dt.datetime.combine(day, dt.time.fromisoformat(ends)))


def activity(db: Session, key: str, organiser: Organiser, venue: Venue | None, texts: list[ActivityText],
             categories=("exercise",), audiences=("seniors",), languages=("fi",), price_cents: int = 0,
             join_mode: str = "register", join_phone: str | None = None, online: bool = False,
             access: dict | None = None, slots=(), dates=(), cancelled_days=(), discounts=(),
             today: dt.date | None = None) -> Activity:
    today = today or dt.date.today()
    found = Activity(key=key, organiser=organiser, venue=venue, categories=frozenset(categories),
                     audiences=frozenset(audiences), languages=frozenset(languages), price_cents=price_cents,
                     discounts=list(discounts), join_mode=join_mode, join_phone=join_phone, online=online,
                     access=access or {}, access_checked_on=today - dt.timedelta(days=20) if access else None,
                     last_checked_on=today - dt.timedelta(days=10))
    for t in texts:
        found.texts[t.lang] = t
    found.weekly = list(slots)
    found.dates = list(dates)
    found.cancellations = [Cancellation(day=day) for day in cancelled_days]
    db.add(found)
    return found


def clear(db: Session) -> None:
    for model in (ActivityIndex, Cancellation, OneOffDate, WeeklySlot, ActivityText, Activity, Venue, Organiser,
                  PostalArea):
        db.execute(delete(model))


def concert_day(today: dt.date) -> dt.date:
    """A Saturday one to two weeks ahead."""
    return today + dt.timedelta(days=(5 - today.weekday()) % 7 + 7)


HOSTILE_DESCRIPTION = ('<p>Kävely alkaa metroasemalta.</p><script>alert("x")</script>'
                       '<a href="javascript:alert(1)" onclick="steal()">Lisätietoa</a>'
                       '<img src="x" onerror="alert(2)"><p style="color:red" onmouseover="x()">Ota eväät.</p>')


def build_catalogue(db: Session, now: dt.datetime | None = None) -> dict[str, int]:
    """The catalogue described at the top of this file; returns {key: activity id}."""
    now = now or schedule.local_now()
    today = now.date()
    for row in POSTAL_AREAS:
        postal_area(db, *row)

    city = organiser(db, "city", {"fi": "Helsingin kaupunki", "sv": "Helsingfors stad", "en": "City of Helsinki"},
                     email="senioreille@example.org", website="https://www.example.org/seniors")
    ngo = organiser(db, "ilo", {"fi": "Seniorijärjestö Ilo ry", "sv": "Seniorföreningen Ilo rf"}, kind="ngo",
                    phone="+358 40 123 4567")

    all_yes = dict.fromkeys(vocab.FACT_CODES[:7], "yes")
    kamppi = venue(db, "kamppi", {"fi": "Kampin palvelukeskus", "sv": "Kampens servicecentral",
                                  "en": "Kamppi Service Centre"}, "00100", {"fi": "Kamppi", "sv": "Kampen"},
                   "southern", 60.1690, 24.9320, all_yes, today - dt.timedelta(days=100),
                   street={"fi": "Salomonkatu 21 B", "sv": "Salomonsgatan 21 B"},
                   transit={"fi": "Kampin metroasema", "sv": "Kampens metrostation", "en": "Kamppi metro station"})
    kallio = venue(db, "kallio", {"fi": "Kallion kirjasto", "sv": "Berghälls bibliotek", "en": "Kallio Library"},
                   "00530", {"fi": "Kallio", "sv": "Berghäll"}, "central", 60.1840, 24.9500,
                   {"step_free_entrance": "yes", "lift_or_single_level": "yes", "hearing_loop": "no"},
                   today - dt.timedelta(days=50))
    malmi = venue(db, "malmi", {"fi": "Malmitalo", "sv": "Malms kulturhus", "en": "Malmitalo"}, "00700",
                  {"fi": "Malmi", "sv": "Malm"}, "northeastern", 60.2510, 25.0110,
                  {"step_free_entrance": "no", "hearing_loop": "yes"}, today - dt.timedelta(days=30))
    itakeskus = venue(db, "itakeskus", {"fi": "Itäkeskuksen uimahalli", "sv": "Östra centrums simhall"}, "00900",
                      {"fi": "Itäkeskus", "sv": "Östra centrum"}, "eastern", 60.2100, 25.0800)
    munkkiniemi = venue(db, "munkkiniemi", {"fi": "Munkkiniemen seurakuntatalo", "sv": "Munksnäs församlingshem",
                                            "en": "Munkkiniemi Parish Hall"}, "00330",
                        {"fi": "Munkkiniemi", "sv": "Munksnäs"}, "western", 60.1980, 24.8760,
                        {"step_free_entrance": "no"}, today - dt.timedelta(days=200))

    chair = activity(
        db, "chair-gym", city, kamppi,
        [text("fi", "Tuolijumppa", "Kevyttä jumppaa tuolilla istuen.", "Liikumme rauhassa.\n\nTule sellaisena kuin olet.",
              "Kaikille, jotka haluavat liikkua istuen.", "Tule paikalle."),
         text("sv", "Stolgympa", "Lätt gympa sittande på en stol."),
         text("en", "Chair exercise", "Gentle exercise sitting on a chair.")],
        categories=("exercise",), languages=("fi",), join_mode="drop_in", join_phone="+358 9 310 5555",
        access={"seated_option": "yes", "memory_friendly": "no"}, slots=[weekly("tue", "10:00", "11:00")],
        today=today)
    # Cancel the first coming Tuesday, as people see it now.
    first_tuesday = schedule.upcoming(chair, now, count=1)[0].starts.date()
    chair.cancellations = [Cancellation(day=first_tuesday)]

    activity(db, "crafts-cafe", city, kallio,
             [text("fi", "Käsityökahvila", "Neulotaan ja jutellaan kahvin kera."),
              text("sv", "Hantverkscafé", "Vi stickar och pratar över en kopp kaffe."),
              text("en", "Crafts café", "Knitting and chatting over coffee.")],
             categories=("culture", "community"), audiences=("seniors", "everyone"), languages=("fi", "sv"),
             price_cents=300, discounts=[{"kind": "service_centre_card", "euros": 2.0}],
             slots=[weekly("wed", "13:00", "15:00")], today=today)
    activity(db, "digi-help", ngo, malmi,
             [text("fi", "Digituki", "Apua puhelimen ja tabletin käyttöön."),
              text("en", "Digital help desk", "Help with your phone and tablet.")],
             categories=("digital",), audiences=("newcomers",), languages=("fi", "en", "ru"), join_mode="drop_in",
             slots=[weekly("mon", "17:30", "19:00")], today=today)
    activity(db, "nature-walk", ngo, itakeskus,
             [text("fi", "Luontokävely Vartiosaaressa", "Rauhallinen kävely saaren poluilla.", HOSTILE_DESCRIPTION)],
             categories=("nature",), price_cents=500, join_mode="phone", join_phone="+358 40 765 4321",
             slots=[weekly("thu", "09:00", "11:00")], today=today)
    activity(db, "carers-peer", ngo, None,
             [text("fi", "Omaishoitajien vertaisryhmä", "Keskustelua toisten omaishoitajien kanssa verkossa."),
              text("sv", "Kamratgrupp för närståendevårdare", "Samtal med andra närståendevårdare på nätet."),
              text("en", "Peer group for family carers", "Talk with other family carers online.")],
             categories=("support",), audiences=("carers",), languages=("fi", "sv"), online=True,
             slots=[weekly("fri", "18:00", "19:00")], today=today)
    activity(db, "memory-cafe", city, kamppi,
             [text("fi", "Muistikahvila", "Kahvia ja muistelua yhdessä."),
              text("sv", "Minnescafé", "Kaffe och minnen tillsammans."),
              text("en", "Memory café", "Coffee and memories together.")],
             categories=("health",), audiences=("memory",), languages=("fi", "en"), price_cents=200,
             access={"memory_friendly": "yes", "easy_language": "yes"}, slots=[weekly("sat", "11:00", "12:00")],
             today=today)
    activity(db, "concert", city, kallio,
             [text("fi", "Joulukonsertti", "Joululauluja kirjastossa."),
              text("sv", "Julkonsert", "Julsånger i biblioteket."),
              text("en", "Christmas concert", "Carols at the library.")],
             categories=("culture",), audiences=("everyone",), languages=("fi", "sv", "en"),
             dates=[one_off(concert_day(today), "19:00", "20:30")], today=today)
    activity(db, "past-talk", city, kamppi, [text("fi", "Menneen ajan luento", "Luento, joka on jo pidetty.")],
             categories=("health",), dates=[one_off(today - dt.timedelta(days=3), "12:00", "13:00")], today=today)
    for n in range(1, LUNCH_COUNT + 1):
        activity(db, f"lunch-{n:02d}", city, munkkiniemi,
                 [text("fi", f"Lounas {n:02d}", "Yhteinen lounas."), text("sv", f"Lunch {n:02d}", "Gemensam lunch."),
                  text("en", f"Lunch {n:02d}", "Lunch together.")],
                 categories=("food",), audiences=("everyone",), price_cents=450,
                 slots=[weekly("sun", "12:00", "13:00")], today=today)

    db.flush()
    loaded = list(db.scalars(select(Activity)))
    reindex(db, loaded, now)
    return {a.key: a.id for a in loaded}
