"""Import from the Linked Events API (the data behind tapahtumat.hel.fi): the query for our users,
paging by meta.next, and each event or series written as one activity.

Entry point: `import_linked_events(pages)` takes the API's pages ({"meta", "data"}) however they were
got (the API, saved files, our own export) and returns an ImportReport. It never commits: the CLI
command, or the test, ends the unit of work. Every page is read before anything is written, so a
page that fails halfway imports nothing; then each item is written in its own savepoint and refused
alone, with its reason, when it is broken.

Who owns what: the source owns names, descriptions, short descriptions it gives, dates, price,
languages, audiences, categories and the place's address; editors own what the source lacks (a plain
summary where there is no short description, who it is for, how to join, the activity's and the
venue's accessibility facts), and a sync never writes those.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import re
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.catalogue import schedule, vocab
from portal.catalogue.indexing import reindex
from portal.catalogue.models import Activity, ActivityText, OneOffDate, Organiser, PostalArea, Venue, WeeklySlot
from portal.db import utcnow
from portal.imports import deletions
from portal.imports.models import SourceLink
from portal.imports.runs import ImportReport
from portal.sanitise import rich_text

SOURCE = "linked_events"
KEYWORDS_FILE = Path(__file__).parent / "data" / "linked_events_keywords.json"
OVERLAP = dt.timedelta(minutes=5)  # asked again, so an event saved during the last run is not missed
LANGS = vocab.UI_LANGUAGES
MAX_NAME, MAX_SUMMARY, MAX_DESCRIPTION = 200, 300, 20_000
ONLINE_PLACES = {"helsinki:internet"}
_ID = re.compile(r"^[a-z0-9_-]{1,40}:[A-Za-z0-9_.-]{1,100}$")
_EUROS = re.compile(r"(\d+(?:[.,]\d{1,2})?)")


def build_query(base_url: str, keywords: Iterable[str], division: str | None = None,
                since: dt.datetime | None = None, page_size: int = 100) -> str:
    """The first page's URL. With `since` (UTC) it is a sync: changes since then, less a small overlap,
    deleted events included so they can be removed."""
    params = {"keyword_OR": ",".join(keywords), "start": "now", "event_type": "General,Course",
              "include": "location,keywords", "page_size": str(page_size)}
    if division:
        params["division"] = division
    if since is not None:
        since = since.replace(tzinfo=dt.UTC) if since.tzinfo is None else since  # stored times are UTC
        params["last_modified_since"] = (since - OVERLAP).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        params["show_deleted"] = "true"
    return base_url.rstrip("/") + "/event/?" + urllib.parse.urlencode(params, safe=":,")


def fetch_pages(url: str | None, get: Callable[[str], dict] | None = None, max_pages: int = 200) -> Iterator[dict]:
    """Each page from `url` on, following meta.next. `get` fetches one URL as JSON (the network by default)."""
    get = get or _get_json
    seen = 0
    while url and seen < max_pages:
        page = get(url)
        yield page
        seen += 1
        meta = page.get("meta") if isinstance(page, dict) else None
        url = meta.get("next") if isinstance(meta, dict) else None


def _get_json(url: str) -> dict:
    headers = {"Accept": "application/json", "User-Agent": "wellbeing-portal"}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - the configured https URL
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
        return json.loads(answer.read(20_000_000))


def read_files(paths: Iterable[str | Path]) -> Iterator[dict]:
    """Saved responses: a page ({"meta", "data"}) or a single event, as the API answers /event/<id>/."""
    for path in paths:
        document = json.loads(Path(path).read_text("utf-8"))
        yield document if isinstance(document, dict) and "data" in document else {"meta": {}, "data": [document]}


def keyword_table() -> dict:
    return json.loads(KEYWORDS_FILE.read_text("utf-8"))


class Refusal(Exception):
    def __init__(self, code: str, detail: str = ""):
        super().__init__(code)
        self.code, self.detail = code, detail


# --- reading one event --------------------------------------------------------------------------------------


def _ref_id(ref) -> str | None:
    """'tprek:15417' from {"id": …} or {"@id": ".../place/tprek:15417/"}."""
    if not isinstance(ref, dict):
        return None
    if isinstance(ref.get("id"), str):
        return ref["id"]
    at = ref.get("@id")
    return at.rstrip("/").rsplit("/", 1)[-1] if isinstance(at, str) and at else None


def _language_map(event: dict, key: str, limit: int | None = None) -> dict[str, str]:
    value = event.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Refusal("bad_field", key)
    texts = {}
    for lang in LANGS:  # a language the source lacks stays missing
        text = value.get(lang)
        if text is None or text == "":
            continue
        if not isinstance(text, str):
            raise Refusal("bad_field", f"{key}.{lang}")
        if limit is not None and len(text) > limit:
            raise Refusal("too_long", f"{key}.{lang}: {len(text)} characters")
        texts[lang] = text.strip()
    return {lang: text for lang, text in texts.items() if text}


def _time(value, key: str, zone: ZoneInfo) -> dt.datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise Refusal("bad_field", key)
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Refusal("bad_field", key) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(zone).replace(tzinfo=None, microsecond=0)


def _plain(html: str) -> str:
    """A short description as plain text: the sanitiser's safe HTML, tags dropped."""
    return " ".join(re.sub(r"<[^>]+>", " ", str(rich_text(html))).split())


def _price(offers) -> int:
    if offers in (None, []):
        return 0  # nothing said about a price: Linked Events' own default is a free event
    if not isinstance(offers, list) or not all(isinstance(o, dict) for o in offers):
        raise Refusal("bad_field", "offers")
    if any(o.get("is_free") is True for o in offers):
        return 0
    amounts = []
    for offer in offers:
        price = offer.get("price")
        texts = price.values() if isinstance(price, dict) else [price] if isinstance(price, str) else []
        amounts += [float(m.replace(",", ".")) for text in texts if isinstance(text, str) for m in _EUROS.findall(text)]
    if not amounts:
        raise Refusal("price_not_stated")
    return round(min(amounts) * 100)  # "5-15 €": from 5 euros, as the catalogue shows a price


def _keywords(event: dict, table: dict, report: ImportReport) -> tuple[frozenset, frozenset]:
    refs = []
    for key in ("keywords", "audience"):
        value = event.get(key) or []
        if not isinstance(value, list):
            raise Refusal("bad_field", key)
        refs += [_ref_id(ref) for ref in value]
    known = set(table["audiences"]) | set(table["categories"])
    unknown = sorted({r for r in refs if r and r not in known})
    if unknown:
        report.note(event["id"], "unknown_keywords", ", ".join(unknown)[:200])
    audiences = {a for r in refs if r in table["audiences"] for a in table["audiences"][r]}
    categories = {c for r in refs if r in table["categories"] for c in table["categories"][r]}
    return frozenset(categories & set(vocab.CATEGORIES)), frozenset(audiences & set(vocab.AUDIENCES))


def _languages(event: dict) -> frozenset:
    value = event.get("in_language") or []
    if not isinstance(value, list):
        raise Refusal("bad_field", "in_language")
    return frozenset(code for code in map(_ref_id, value) if code in vocab.ACTIVITY_LANGUAGES)


def read_event(event, table: dict, report: ImportReport, zone: ZoneInfo) -> dict:
    """The event as the values we store (JSON-safe), or Refusal."""
    if not isinstance(event, dict):
        raise Refusal("not_an_object")
    if not isinstance(event.get("id"), str) or not _ID.match(event["id"]):
        raise Refusal("bad_id")
    names = _language_map(event, "name", MAX_NAME)
    if "fi" not in names:
        raise Refusal("no_finnish_name")
    descriptions = {lang: str(rich_text(text))
                    for lang, text in _language_map(event, "description", MAX_DESCRIPTION).items()}
    shorts = {lang: _plain(text)[:MAX_SUMMARY]
              for lang, text in _language_map(event, "short_description", 5_000).items()}
    categories, audiences = _keywords(event, table, report)
    starts, ends = _time(event.get("start_time"), "start_time", zone), _time(event.get("end_time"), "end_time", zone)
    return {
        "id": event["id"], "names": names, "descriptions": descriptions, "shorts": shorts,
        "categories": sorted(categories), "audiences": sorted(audiences), "languages": sorted(_languages(event)),
        "price_cents": _price(event.get("offers")), "status": event.get("event_status") or "EventScheduled",
        "starts": starts.isoformat() if starts else None, "ends": (ends or starts).isoformat() if starts else None,
        "place": _ref_id(event.get("location")), "location": event.get("location"),
        "publisher": event.get("publisher") if isinstance(event.get("publisher"), str) else None,
        "provider": _language_map(event, "provider", 200),
        "course": event.get("type_id") == "Course" or bool(event.get("enrolment_start_time")),
        "modified": event.get("last_modified_time") if isinstance(event.get("last_modified_time"), str) else None,
    }


# --- the import ---------------------------------------------------------------------------------------------


def import_linked_events(pages: Iterable[dict], session: Session | None = None, now: dt.datetime | None = None,
                         zone: ZoneInfo | None = None) -> ImportReport:
    """Import the events of `pages` (see the module's docstring). Returns the report; the caller saves it
    with runs.save() and commits."""
    from portal import db
    from portal.config import city_timezone

    session = session or db.session()
    zone = zone or city_timezone()
    now = now or schedule.local_now()
    report = ImportReport(SOURCE)
    try:
        events = []
        for page in pages:
            if not isinstance(page, dict) or not isinstance(page.get("data"), list):
                raise Refusal("bad_page")
            events += page["data"]
    except Exception as error:  # a page that fails halfway (network, JSON, shape): nothing is written
        report.failed = "bad_page" if isinstance(error, Refusal) else f"bad_page: {type(error).__name__}"
        return report
    table = keyword_table()
    newest = None
    supers: dict[Any, dict] = {}  # keyed by the feed's id, whatever JSON type it sent
    subs: dict[str, list[dict]] = {}
    singles: list[dict] = []
    for event in events:
        modified = event.get("last_modified_time") if isinstance(event, dict) else None
        moment = _utc(modified) if isinstance(modified, str) else None
        if moment is not None:
            newest = moment if newest is None or moment > newest else newest
        parent = _ref_id(event.get("super_event")) if isinstance(event, dict) else None
        if isinstance(event, dict) and event.get("super_event_type") == "recurring":
            supers[event.get("id")] = event
        elif parent:
            subs.setdefault(parent, []).append(event)
        else:
            singles.append(event)
    # Each writer takes its item as a default argument: _safe_id reads it from there for the report.
    for event in singles:
        def write_single(e: dict = event) -> str | None:
            return _single(session, e, table, report, zone, now)
        _one(session, report, write_single)
    for series_id in [*supers, *(p for p in subs if p not in supers)]:
        def write_series(s: Any = series_id) -> str | None:
            return _series(session, s, supers.get(s), subs.get(s, []), table, report, zone, now)
        _one(session, report, write_series, series_id)
    report.synced_until = newest
    return report


def _one(session: Session, report: ImportReport, write: Callable[[], str | None], source_id: object = None) -> None:
    """Write one item in a savepoint: refused or failed, nothing of it stays."""
    savepoint = session.begin_nested()
    try:
        outcome = write()
    except Refusal as refusal:
        savepoint.rollback()
        report.refuse(source_id if source_id is not None else _safe_id(write), refusal.code, refusal.detail)
        return
    except Exception as error:
        savepoint.rollback()
        report.refuse(source_id if source_id is not None else _safe_id(write), "failed", type(error).__name__)
        return
    savepoint.commit()
    if outcome in ("new", "changed", "unchanged", "removed"):
        setattr(report, outcome, getattr(report, outcome) + 1)


def _safe_id(write) -> str:
    event = (write.__defaults__ or [None])[0]
    event_id = event.get("id") if isinstance(event, dict) else None
    return event_id if isinstance(event_id, str) else "?"


def _link(session: Session, kind: str, source_id: str) -> SourceLink | None:
    return session.scalar(select(SourceLink).where(SourceLink.source == SOURCE, SourceLink.kind == kind,
                                                   SourceLink.source_id == source_id))


def _remove(session: Session, source_id: str) -> str | None:
    link = _link(session, "activity", source_id)
    if link is None:
        return None
    activity = session.get(Activity, link.record_id) if link.record_id else None
    if activity is not None:
        deletions.record(session, activity.id)  # so our own export tells its readers too
        session.delete(activity)
    session.delete(link)
    session.flush()
    return "removed"


def _single(session, event, table, report, zone, now) -> str | None:
    if isinstance(event, dict) and event.get("deleted") is True and isinstance(event.get("id"), str):
        return _remove(session, event["id"])
    record = read_event(event, table, report, zone)
    if record["status"] == "EventPostponed" or record["starts"] is None:
        code = "postponed" if record["status"] == "EventPostponed" else "no_start"
        report.note(record["id"], code)
        return _remove(session, record["id"])  # its old date no longer holds
    dates = [{"id": record["id"], "starts": record["starts"], "ends": record["ends"],
              "cancelled": record["status"] == "EventCancelled"}]
    if dates[0]["cancelled"] and _link(session, "activity", record["id"]) is None:
        report.note(record["id"], "cancelled")
        return None
    return _write(session, record, dates, now)


def _series(session, series_id, super_event, sub_events, table, report, zone, now) -> str | None:
    link = _link(session, "activity", series_id)
    if super_event is not None and super_event.get("deleted") is True:
        return _remove(session, series_id)
    known = dict(link.state.get("dates", {})) if link else {}
    for sub in sub_events:
        sub_id = sub.get("id") if isinstance(sub, dict) else None
        if not isinstance(sub_id, str):
            report.refuse("?", "bad_id")
            continue
        if sub.get("deleted") is True:
            known.pop(sub_id, None)
            continue
        try:
            starts = _time(sub.get("start_time"), "start_time", zone)
            ends = _time(sub.get("end_time"), "end_time", zone) or starts
        except Refusal as refusal:
            report.refuse(sub_id, refusal.code, refusal.detail)
            continue
        if starts is None or sub.get("event_status") == "EventPostponed":
            report.note(sub_id, "no_start" if starts is None else "postponed")
            known.pop(sub_id, None)
            continue
        known[sub_id] = {"id": sub_id, "starts": starts.isoformat(), "ends": (ends or starts).isoformat(),
                         "cancelled": sub.get("event_status") == "EventCancelled"}
    if super_event is not None:
        record = read_event(super_event, table, report, zone)
    elif link is not None:
        record = link.state["record"]
    else:
        raise Refusal("place_unknown", "sub-events of a series never seen")
    if not known:
        raise Refusal("no_dates")
    return _write(session, record, sorted(known.values(), key=lambda d: d["starts"]), now)


def _fingerprint(record: dict, dates: list[dict]) -> str:
    return hashlib.sha256(json.dumps([record, dates], sort_keys=True, default=str).encode()).hexdigest()


def _write(session: Session, record: dict, dates: list[dict], now: dt.datetime) -> str:
    link = _link(session, "activity", record["id"])
    fingerprint = _fingerprint(record, dates)
    activity = session.get(Activity, link.record_id) if link and link.record_id else None
    if activity is not None and link is not None and link.fingerprint == fingerprint:
        return "unchanged"
    venue = _venue(session, record)
    outcome = "changed" if activity is not None else "new"
    if activity is None:
        activity = Activity(key=f"le-{record['id']}"[:120], join_mode="register" if record["course"] else "drop_in",
                            access={}, discounts=[], last_checked_on=now.date())
        session.add(activity)
    with session.no_autoflush:
        activity.organiser = _organiser(session, record)
        activity.venue, activity.online = venue, venue is None
        activity.categories, activity.audiences = frozenset(record["categories"]), frozenset(record["audiences"])
        activity.languages = frozenset(record["languages"])
        activity.price_cents = record["price_cents"]
        for lang, name in record["names"].items():
            text = activity.texts.get(lang)
            if text is None:
                text = activity.texts[lang] = ActivityText(lang=lang, summary="", description="", for_whom="",
                                                           how_to_join="")
            text.name = name
            text.description = record["descriptions"].get(lang, "")
            if lang in record["shorts"]:  # else the editor's plain summary, if they wrote one, stays
                text.summary = record["shorts"][lang]
        _schedule(activity, dates, now)
        activity.last_checked_on, activity.updated_at = now.date(), utcnow()
    session.flush()
    if link is None:
        link = SourceLink(source=SOURCE, kind="activity", source_id=record["id"])
        session.add(link)
    link.record_id, link.fingerprint = activity.id, fingerprint
    link.state = {"record": record, "dates": {d["id"]: d for d in dates}}
    link.source_modified = _utc(record["modified"])
    link.imported_at = utcnow()
    session.flush()
    reindex(session, [activity], now)
    return outcome


def _utc(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(dt.UTC).replace(tzinfo=None)
    except ValueError:
        return None


def _schedule(activity: Activity, dates: list[dict], now: dt.datetime) -> None:
    """Dates to weekly times where they make one for the whole coming year (the pages show a year of
    weekly times, so a pattern that ends sooner stays as its dates), the rest as one-off dates;
    cancelled ones as cancelled days."""
    parsed = [(dt.datetime.fromisoformat(d["starts"]), dt.datetime.fromisoformat(d["ends"]), d["cancelled"])
              for d in dates]
    groups: dict[tuple, list] = {}
    for starts, ends, cancelled in parsed:
        if starts.date() == ends.date():
            groups.setdefault((starts.weekday(), starts.time(), ends.time()), []).append((starts, ends, cancelled))
    weekly, in_pattern = [], set()
    last_needed = (now + schedule.HORIZON - dt.timedelta(days=7)).date()
    for (weekday, starts_at, ends_at), members in groups.items():
        days = sorted(m[0].date() for m in members)
        coming = [d for d in days if d >= now.date()]
        steps_are_weeks = all((b - a).days == 7 for a, b in itertools.pairwise(coming))
        if len(coming) >= 4 and steps_are_weeks and coming[-1] >= last_needed:
            weekly.append(WeeklySlot(weekday=weekday, starts=starts_at, ends=ends_at))
            in_pattern |= {m[0] for m in members}
    activity.weekly = weekly
    activity.dates = [OneOffDate(starts=s, ends=e) for s, e, _ in parsed if s not in in_pattern]
    cancelled = {s.date() for s, _, c in parsed if c}
    from portal.staff.listings import _set_cancelled  # the one way to rewrite cancelled days (unique per day)

    _set_cancelled(activity, cancelled)


def _organiser(session: Session, record: dict) -> Organiser:
    publisher = record["publisher"] or "unknown"
    key = f"le-{publisher}"[:80]
    organiser = session.scalar(select(Organiser).where(Organiser.key == key))
    if organiser is None:
        # "ahjo:" publishers are the City of Helsinki's own units (Ahjo is the city's decision register).
        city = publisher.startswith("ahjo:")
        name = record["provider"] or ({"fi": "Helsingin kaupunki", "sv": "Helsingfors stad", "en": "City of Helsinki"}
                                      if city else {"fi": publisher})
        organiser = Organiser(key=key, kind="city" if city else "ngo", name=name)
        session.add(organiser)
    return organiser


def _venue(session: Session, record: dict) -> Venue | None:
    """The event's place as a venue, matched by its tprek id so editors' accessibility facts are kept."""
    place = record["place"]
    if place is None:
        raise Refusal("place_unknown")
    if place in ONLINE_PLACES:
        return None
    link = _link(session, "venue", place)
    venue = session.get(Venue, link.record_id) if link and link.record_id else None
    location = record["location"] if isinstance(record["location"], dict) else {}
    if "name" not in location:  # only {"@id"}: the place itself was not included
        if venue is None:
            raise Refusal("place_unknown", place)
        return venue
    postal_code = location.get("postal_code")
    area = session.get(PostalArea, postal_code) if isinstance(postal_code, str) else None
    if area is None:
        raise Refusal("outside_city", f"{place} {postal_code}")
    names = _language_map(location, "name", 200)
    if "fi" not in names:
        raise Refusal("no_finnish_name", place)
    if venue is None:
        venue = Venue(key=f"le-{place}"[:80], accessibility={}, transit={})  # accessibility: not checked
        session.add(venue)
    venue.name, venue.street = names, _language_map(location, "street_address", 200)
    venue.postal_code, venue.district = area.code, area.district
    venue.neighbourhood = venue.neighbourhood or {"fi": area.name_fi, "sv": area.name_sv}
    position = location.get("position")
    coordinates = position.get("coordinates") if isinstance(position, dict) else None
    if (isinstance(coordinates, list) and len(coordinates) == 2
            and all(isinstance(c, int | float) and not isinstance(c, bool) for c in coordinates)):
        venue.lon, venue.lat = float(coordinates[0]), float(coordinates[1])  # GeoJSON: longitude first
    session.flush()
    if link is None:
        session.add(SourceLink(source=SOURCE, kind="venue", source_id=place, record_id=venue.id))
    return venue
