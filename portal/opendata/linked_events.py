"""The catalogue in the shape of the Linked Events API (api.hel.fi/linkedevents/v1), so a client made
for the city's events reads us too.

An activity with weekly times or several dates is a super event (super_event_type "recurring") with one
sub-event per coming date over the catalogue's horizon (a year), a cancelled date being a sub-event with
event_status EventCancelled; an activity with one date is a single event; one with no set times an event
without a start, as Linked Events has them. Texts are language maps with only the languages we have.
Keywords: the Linked Events keyword the importer's own table maps to our category or audience (so our
export reads back as the same categories), else a keyword of ours.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from flask import current_app, url_for

from portal.catalogue import schedule, vocab
from portal.config import city_timezone

DATA_SOURCE = "portal"
ONLINE_PLACE = "helsinki:internet"  # Linked Events' own place for events held online
KEYWORD_TABLE = Path(__file__).resolve().parent.parent / "imports" / "data" / "linked_events_keywords.json"
LOCALITY = {"fi": "Helsinki", "sv": "Helsingfors", "en": "Helsinki"}


def _keyword_ids() -> dict[tuple[str, str], str]:
    """(kind, our code) -> the Linked Events keyword that means exactly that code in the import table."""
    if "opendata_keywords" not in current_app.extensions:
        found: dict[tuple[str, str], str] = {}
        try:
            table = json.loads(KEYWORD_TABLE.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            table = {}
        for kind in ("audiences", "categories"):
            for keyword, codes in (table.get(kind) or {}).items():
                if isinstance(codes, list) and len(codes) == 1:
                    found.setdefault((kind, codes[0]), keyword)
        current_app.extensions["opendata_keywords"] = found
    return current_app.extensions["opendata_keywords"]


def event_id(activity_id: int, day: dt.date | None = None) -> str:
    return f"{DATA_SOURCE}:a{activity_id}" + (f"-{day:%Y%m%d}" if day else "")


def place_id(venue_id: int) -> str:
    return f"{DATA_SOURCE}:v{venue_id}"


OUR_KEYWORD = f"{DATA_SOURCE}:"
# Shared vocabularies (languages, YSO and Helsinki keywords, the online place) are Linked Events' own:
# their @id is the city's API, as in the real responses.
LINKED_EVENTS_API = "https://api.hel.fi/linkedevents/v1/"


def _ref(kind: str, identifier: str) -> dict:
    if kind in ("event", "place", "keyword") and identifier.startswith(OUR_KEYWORD):
        return {"@id": url_for(f"opendata.le_{kind}", identifier=identifier, _external=True)}
    return {"@id": f"{LINKED_EVENTS_API}{kind}/{identifier}/"}


def own_keyword(identifier: str) -> dict | None:
    """One of our keywords, "portal:category-exercise" or "portal:audience-carers", as Linked Events writes one."""
    kind, _, code = identifier.removeprefix(OUR_KEYWORD).partition("-")
    labels = {"category": vocab.CATEGORIES, "audience": vocab.AUDIENCES}.get(kind)
    if not identifier.startswith(OUR_KEYWORD) or labels is None or code not in labels:
        return None
    from flask_babel import force_locale

    names = {}
    for lang in vocab.UI_LANGUAGES:
        with force_locale(lang):
            names[lang] = str(labels[code])
    return {"id": identifier, "name": names, "data_source": DATA_SOURCE, "deprecated": False,
            **_ref("keyword", identifier), "@context": "http://schema.org", "@type": "Keyword"}


def _utc(local: dt.datetime | None) -> str | None:
    if local is None:
        return None
    return local.replace(tzinfo=city_timezone()).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _stamp(moment: dt.datetime) -> str:
    return moment.replace(microsecond=0).isoformat() + "Z"


def _language_map(activity, field: str) -> dict[str, str] | None:
    texts = {lang: getattr(text, field) for lang, text in sorted(activity.texts.items()) if getattr(text, field)}
    return texts or None


def place(venue) -> dict:
    def present(texts):
        return {lang: text for lang, text in (texts or {}).items() if text} or None

    return {
        "id": place_id(venue.id),
        "divisions": [{"type": "neighborhood", "ocd_id": None, "municipality": "Helsinki",
                       "name": present(venue.neighbourhood)}] if present(venue.neighbourhood) else [],
        "created_time": None, "last_modified_time": None, "custom_data": None, "email": None,
        "contact_type": None, "address_region": None, "postal_code": venue.postal_code,
        "post_office_box_num": None, "address_country": None, "deleted": False, "has_upcoming_events": None,
        "n_events": None,
        "image": None, "data_source": DATA_SOURCE, "publisher": DATA_SOURCE, "parent": None, "replaced_by": None,
        "position": ({"type": "Point", "coordinates": [venue.lon, venue.lat]}
                     if venue.lat is not None and venue.lon is not None else None),
        "telephone": {"fi": venue.phone} if venue.phone else None,
        "name": present(venue.name), "street_address": present(venue.street), "address_locality": LOCALITY,
        "info_url": None, "description": None,
        **_ref("place", place_id(venue.id)), "@context": "http://schema.org", "@type": "Place",
    }


def _offers(activity) -> list[dict]:
    if activity.is_free:
        return [{"is_free": True, "price": None, "description": None, "info_url": None}]
    amount = f"{activity.price_cents / 100:.2f}".replace(".", ",").removesuffix(",00") + " €"
    return [{"is_free": False, "price": {"fi": amount, "sv": amount, "en": amount}, "description": None,
             "info_url": None}]


def _keywords(activity, kind: str, codes) -> list[dict]:
    table = _keyword_ids()
    singular = {"categories": "category", "audiences": "audience"}[kind]
    return [_ref("keyword", table.get((kind, code)) or f"{DATA_SOURCE}:{singular}-{code}") for code in sorted(codes)]


def _occurrences(activity, now: dt.datetime) -> list[schedule.Occurrence]:
    return [o for o in schedule.occurrences(activity, now.date(), (now + schedule.HORIZON).date()) if o.ends > now]


def is_series(activity, now: dt.datetime) -> bool:
    return bool(activity.weekly) or len(_occurrences(activity, now)) > 1


def _base(activity, include_location: bool) -> dict:
    if activity.venue is not None:
        location = place(activity.venue) if include_location else _ref("place", place_id(activity.venue_id))
    else:
        location = _ref("place", ONLINE_PLACE)
    info = {lang: url_for("catalogue.activity_page", activity_id=activity.id, lang=lang, _external=True)
            for lang in sorted(activity.texts)}
    return {
        "location": location,
        "keywords": _keywords(activity, "categories", activity.categories),
        "external_links": [], "offers": _offers(activity), "data_source": DATA_SOURCE,
        "publisher": f"{DATA_SOURCE}:{activity.organiser.key}", "images": [], "videos": [],
        "in_language": [_ref("language", code) for code in sorted(activity.languages)],
        "audience": _keywords(activity, "audiences", activity.audiences),
        "created_time": _stamp(activity.updated_at), "last_modified_time": _stamp(activity.updated_at),
        "date_published": None, "custom_data": None, "audience_min_age": None, "audience_max_age": None,
        "deleted": False, "replaced_by": None, "publication_status": "public",
        # Nobody enrols through us: the organiser's own way of joining is in the description.
        "maximum_attendee_capacity": None, "remaining_attendee_capacity": None, "minimum_attendee_capacity": None,
        "enrolment_start_time": None, "enrolment_end_time": None,
        "short_description": _language_map(activity, "summary"), "location_extra_info": None,
        "name": _language_map(activity, "name"), "info_url": info or None,
        "provider": {lang: text for lang, text in activity.organiser.name.items() if text} or None,
        "description": _language_map(activity, "description"), "provider_contact_info": None,
        "@context": "http://schema.org", "@type": "Event/LinkedEvent",
    }


def events(activity, now: dt.datetime, include_location: bool = False) -> list[dict]:
    """The activity's events: the super event first, then its sub-events in date order; or one event."""
    base, own_id = _base(activity, include_location), event_id(activity.id)
    found = _occurrences(activity, now)
    if not is_series(activity, now):
        only = found[0] if found else None
        return [{"id": own_id, **base, "super_event": None, "sub_events": [], "super_event_type": None,
                 "event_status": "EventCancelled" if only and only.cancelled else "EventScheduled",
                 "start_time": _utc(only.starts if only else None), "end_time": _utc(only.ends if only else None),
                 **_ref("event", own_id)}]
    subs = [{"id": event_id(activity.id, o.starts.date()), **base, "super_event": _ref("event", own_id),
             "sub_events": [], "super_event_type": None,
             "event_status": "EventCancelled" if o.cancelled else "EventScheduled",
             "start_time": _utc(o.starts), "end_time": _utc(o.ends),
             **_ref("event", event_id(activity.id, o.starts.date()))} for o in found]
    head = {"id": own_id, **base, "super_event": None, "sub_events": [{"@id": s["@id"]} for s in subs],
            "super_event_type": "recurring", "event_status": "EventScheduled",
            "start_time": _utc(found[0].starts) if found else None, "end_time": _utc(found[-1].ends) if found else None,
            **_ref("event", own_id)}
    return [head, *subs]


# The real API's placeholder name for a deleted event (its texts are gone).
DELETED_NAME = {"fi": "POISTETTU", "sv": "RADERAD", "en": "DELETED"}


def deleted_event(activity_id: int, deleted_at: dt.datetime) -> dict:
    """A removed activity as Linked Events answers show_deleted: only its id, deleted, when, a placeholder."""
    return {"id": event_id(activity_id), "deleted": True, "last_modified_time": _stamp(deleted_at),
            "name": dict(DELETED_NAME)}


def event_count(activity, now: dt.datetime) -> int:
    return 1 + (len(_occurrences(activity, now)) if is_series(activity, now) else 0)


def page(data: list[dict], count: int, next_url: str | None, previous_url: str | None) -> dict:
    return {"meta": {"count": count, "next": next_url, "previous": previous_url}, "data": data}
