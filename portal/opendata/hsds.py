"""The catalogue as Open Referral HSDS 3.0 objects, one language per document.

An activity is a service, an organiser an organization, a venue a location, and an activity at its
venue a service_at_location. Every id is a UUID made with uuid5 from our own id and kind, under one
namespace constant, so the same record has the same id in every export. HSDS has no exception dates:
one-off dates are schedules that happen once (COUNT 1) and cancellations are stated in the schedules'
notes, in the document's language.
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from flask import url_for

from portal.catalogue import schedule, vocab
from portal.formatting import at_time, choose_language, date_only, euros, language_name, time_range, weekly_times
from portal.i18n import gettext as _

HSDS_VERSION = "3.0"
# Fixed for ever: changing it would give every published record a new id.
NAMESPACE = uuid.UUID("8f0c7a52-3c1e-5d6b-9a45-2f6e1b7d0c93")
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
CITY = {"fi": "Helsinki", "sv": "Helsingfors", "en": "Helsinki"}
REGION = {"fi": "Uusimaa", "sv": "Nyland", "en": "Uusimaa"}
ACCESSIBILITY_TAXONOMY = "wellbeing-portal-accessibility"
CATEGORY_TAXONOMY = "wellbeing-portal-category"


def uid(kind: str, *parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join((kind, *map(str, parts)))))


def _text(texts: dict, lang: str) -> str:
    """The text in the document's language; Finnish where it has none (every listing has Finnish)."""
    chosen = choose_language(texts or {}, lang)
    return texts[chosen] if chosen else ""


def _activity_text(activity, field: str, lang: str) -> str:
    chosen = choose_language({code: getattr(text, field) for code, text in activity.texts.items()}, lang)
    return getattr(activity.texts[chosen], field) if chosen else ""


def _utc(moment: dt.datetime) -> str:
    return moment.replace(microsecond=0).isoformat() + "Z"


def _term(taxonomy: str, code: str, label: str) -> dict:
    return {"id": uid("term", taxonomy, code), "code": code, "name": label, "description": label,
            "taxonomy": taxonomy}


def _attribute(link_id: str, link_type: str, entity: str, taxonomy: str, code: str, label: str, value: str) -> dict:
    term = _term(taxonomy, code, label)
    return {"id": uid("attribute", link_id, taxonomy, code), "link_id": link_id, "link_type": link_type,
            "link_entity": entity, "taxonomy_term_id": term["id"], "value": value, "taxonomy_term": term}


def _fact_sentence(facts: dict[str, str], codes) -> str:
    """The three-state facts as sentences: what is there, what is not, what nobody has checked yet."""
    labels = {fact.code: str(fact.label) for fact in vocab.FACTS}
    parts = []
    for state, sentence in (("yes", _("Yes: %(facts)s.")), ("no", _("No: %(facts)s.")),
                            ("unknown", _("Not checked yet: %(facts)s."))):
        chosen = [labels[code] for code in codes if facts.get(code, "unknown") == state]
        if chosen:
            parts.append(sentence % {"facts": ", ".join(chosen)})
    return " ".join(parts)


def _phone(number: str, owner: str, owner_id: str, **ids) -> dict:
    return {"id": uid("phone", owner, owner_id, number), "number": number, **ids}


def organization(organiser, lang: str) -> dict:
    org_id = uid("organization", organiser.id)
    found: dict[str, Any] = {"id": org_id, "name": _text(organiser.name, lang),
             "description": _("Organises activities listed in the wellbeing portal.")}
    if organiser.email:
        found["email"] = organiser.email
    if organiser.website:
        found["website"] = organiser.website
    if organiser.phone:
        found["phones"] = [_phone(organiser.phone, "organization", org_id, organization_id=org_id)]
    return found


def location(venue, lang: str) -> dict:
    location_id = uid("location", venue.id)
    venue_codes = [fact.code for fact in vocab.FACTS if fact.about == "venue"]
    facts = {code: venue.accessibility.get(code, "unknown") for code in venue_codes}
    accessibility = {"id": uid("accessibility", venue.id), "location_id": location_id,
                     "description": _fact_sentence(facts, venue_codes)}
    if venue.accessibility_checked_on:
        accessibility["details"] = _("Checked on %(date)s.", date=date_only(venue.accessibility_checked_on))
    found = {
        "id": location_id, "location_type": "physical", "name": _text(venue.name, lang),
        "external_identifier": venue.key, "external_identifier_type": "wellbeing-portal venue",
        "addresses": [{"id": uid("address", venue.id), "location_id": location_id,
                       "address_1": _text(venue.street, lang), "city": CITY[lang], "region": REGION[lang],
                       "state_province": REGION[lang], "postal_code": venue.postal_code, "country": "FI",
                       "address_type": "physical"}],
        "accessibility": [accessibility],
        "attributes": [_attribute(location_id, "accessibility", "location", ACCESSIBILITY_TAXONOMY, fact.code,
                                  str(fact.label), facts[fact.code]) for fact in vocab.FACTS if fact.about == "venue"],
    }
    if venue.lat is not None and venue.lon is not None:
        found["latitude"], found["longitude"] = venue.lat, venue.lon
    if transit := _text(venue.transit, lang):
        found["transportation"] = transit
    if venue.phone:
        found["phones"] = [_phone(venue.phone, "location", location_id, location_id=location_id)]
    return found


def _schedules(activity, service_id: str, now: dt.datetime) -> list[dict]:
    cancelled = sorted(c.day for c in activity.cancellations if c.day >= now.date())
    found = []
    for slot in activity.weekly:
        slot_cancelled = [day for day in cancelled if day.weekday() == slot.weekday]
        item = {"id": uid("schedule", activity.id, "weekly", slot.weekday, slot.starts, slot.ends),
                "service_id": service_id, "freq": "WEEKLY", "interval": 1, "wkst": "MO",
                "byday": DAY_CODES[slot.weekday], "opens_at": slot.starts.strftime("%H:%M"),
                "closes_at": slot.ends.strftime("%H:%M"),
                "description": weekly_times(str(vocab.WEEKDAY_LABELS[vocab.WEEKDAYS[slot.weekday]]),
                                            time_range(slot.starts, slot.ends))}
        if slot_cancelled:
            item["notes"] = _("Cancelled on: %(dates)s.", dates=", ".join(day.isoformat() for day in slot_cancelled))
        found.append(item)
    for date in activity.dates:
        if date.ends < now:
            continue
        item = {"id": uid("schedule", activity.id, "date", date.starts.isoformat()), "service_id": service_id,
                "freq": "WEEKLY", "count": 1, "byday": DAY_CODES[date.starts.weekday()],
                "dtstart": date.starts.date().isoformat(), "valid_from": date.starts.date().isoformat(),
                "valid_to": date.ends.date().isoformat(), "opens_at": date.starts.strftime("%H:%M"),
                "closes_at": date.ends.strftime("%H:%M"),
                "description": at_time(date.starts, date.ends)}
        if date.starts.date() in cancelled:
            item["notes"] = _("Cancelled on: %(dates)s.", dates=date.starts.date().isoformat())
        found.append(item)
    return found


def _cost_options(activity, service_id: str) -> list[dict]:
    if activity.is_free:
        return [{"id": uid("cost", activity.id, "free"), "service_id": service_id, "option": _("Free"),
                 "currency": "EUR", "amount": 0}]
    found = [{"id": uid("cost", activity.id, "price"), "service_id": service_id, "option": _("Price"),
              "currency": "EUR", "amount": activity.price_cents / 100}]
    for discount in activity.discounts:
        kind = discount.get("kind")
        if kind not in vocab.DISCOUNTS:
            continue
        amount = 0.0 if kind == "companion_free" else float(discount.get("euros") or 0)
        found.append({"id": uid("cost", activity.id, kind), "service_id": service_id, "option": kind,
                      "currency": "EUR", "amount": amount,
                      "amount_description": str(vocab.DISCOUNTS[kind]) % {"price": euros(round(amount * 100))}})
    return found


def _status(activity, now: dt.datetime) -> str:
    """Active while it has a coming time, or no set times at all ("ask the organiser")."""
    if not activity.weekly and not activity.dates:
        return "active"
    return "active" if schedule.next_occurrence(activity, now) else "inactive"


def service(activity, lang: str, now: dt.datetime) -> dict:
    service_id = uid("service", activity.id)
    description = "\n\n".join(t for t in (_activity_text(activity, "summary", lang),
                                         _activity_text(activity, "description", lang)) if t)
    join = str(vocab.JOIN_MODES.get(activity.join_mode, ""))
    how_to_join = _activity_text(activity, "how_to_join", lang)
    found = {
        "id": service_id, "organization_id": uid("organization", activity.organiser_id),
        "name": _activity_text(activity, "name", lang), "description": description,
        "url": url_for("catalogue.activity_page", activity_id=activity.id, lang=lang, _external=True),
        "status": _status(activity, now),
        # The editor's own words say it best; the join mode's sentence where they wrote none.
        "application_process": how_to_join or join,
        "fees_description": _("Free") if activity.is_free else euros(activity.price_cents),
        "assured_date": activity.last_checked_on.isoformat(),
        "last_modified": _utc(activity.updated_at),
        "schedules": _schedules(activity, service_id, now),
        "languages": [{"id": uid("language", activity.id, code), "service_id": service_id,
                       "name": language_name(code), "code": code} for code in sorted(activity.languages)],
        "cost_options": _cost_options(activity, service_id),
        "organization": organization(activity.organiser, lang),
        "attributes": [
            *(_attribute(service_id, "accessibility", "service", ACCESSIBILITY_TAXONOMY, fact.code, str(fact.label),
                         state) for fact, state in zip(vocab.FACTS, activity.facts().values(), strict=True)),
            *(_attribute(service_id, "category", "service", CATEGORY_TAXONOMY, code, str(vocab.CATEGORIES[code]),
                         "yes") for code in sorted(activity.categories)),
        ],
        "service_at_locations": [service_at_location(activity, lang)] if activity.venue else [],
    }
    if for_whom := _activity_text(activity, "for_whom", lang):
        found["eligibility_description"] = for_whom
    if activity.organiser.email:
        found["email"] = activity.organiser.email
    if phone := activity.join_phone or activity.organiser.phone:
        found["phones"] = [_phone(phone, "service", service_id, service_id=service_id)]
    return found


def service_at_location(activity, lang: str, nested_location: bool = True) -> dict:
    activity_codes = [fact.code for fact in vocab.FACTS if fact.about == "activity"]
    found: dict[str, Any] = {"id": uid("service_at_location", activity.id, activity.venue_id),
                             "service_id": uid("service", activity.id),
                             "location_id": uid("location", activity.venue_id),
                             "description": _fact_sentence(activity.facts(), activity_codes)}
    if nested_location:
        found["location"] = location(activity.venue, lang)
    return found


def page(items: list[dict], total: int, number: int, per_page: int) -> dict:
    """The paging envelope of the standard's openapi.json (components.schemas.Page) around `contents`."""
    pages = max(1, -(-total // per_page))
    return {"total_items": total, "total_pages": pages, "page_number": number, "size": len(items),
            "first_page": number == 1, "last_page": number >= pages, "empty": total == 0, "contents": items}


def about(openapi_url: str, profile_url: str) -> dict:
    return {"version": HSDS_VERSION, "profile": profile_url, "openapi_url": openapi_url}
