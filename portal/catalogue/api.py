"""/api/v1/activities: the catalogue's parameters in, the same results as the page out, as JSON."""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request, url_for

from portal.catalogue import queries, schedule
from portal.catalogue.views import not_modified
from portal.catalogue.vocab import UI_LANGUAGES
from portal.formatting import local, local_field

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _activity_json(found, now) -> dict:
    activity = found.activity
    text = local_field(activity.texts, "name")
    venue = activity.venue
    upcoming = schedule.next_occurrence(activity, now)
    return {
        "id": activity.id,
        "name": text.text,
        "name_language": text.lang,
        "summary": local_field(activity.texts, "summary").text,
        "url": url_for("catalogue.activity_page", activity_id=activity.id, _external=True),
        "categories": sorted(activity.categories),
        "audiences": sorted(activity.audiences),
        "languages": sorted(activity.languages),
        "price_cents": activity.price_cents,
        "free": activity.is_free,
        "join": activity.join_mode,
        "online": activity.online,
        "next_start": upcoming.starts.isoformat() if upcoming else None,
        "venue": None if venue is None else {
            "name": local(venue.name).text, "street": local(venue.street).text, "postal_code": venue.postal_code,
            "district": venue.district, "lat": venue.lat, "lon": venue.lon},
        "distance_km": None if found.distance_km is None else round(found.distance_km, 2),
        "accessibility": activity.facts(),
        "last_checked_on": activity.last_checked_on.isoformat(),
    }


@bp.get("/activities")
def activities():
    lang = request.args.get("lang", "fi")
    g.lang = lang if lang in UI_LANGUAGES else "fi"
    # The same for every caller without a cookie: shared caches may keep it (the ETag covers ?lang=).
    if (unchanged := not_modified()) is not None:
        return unchanged
    filters = queries.filters_from(request.args)
    results, now = queries.search(filters), schedule.local_now()
    return jsonify({
        "count": results.total,
        "count_is_at_least": results.more_than,  # counted only this far: there are more
        "page": results.page,
        "pages": results.pages,
        "not_checked_count": results.unchecked_total,
        # What could not be used: a stable problem code for programs, the sentence for people.
        "ignored": [{"parameter": item.parameter, "value": item.value, "problem": item.problem,
                     "message": item.message} for item in filters.ignored],
        "near": None if not filters.near else {"typed": filters.near_text, "name": filters.near_name,
                                               "postal_code": filters.near},
        "results": [_activity_json(found, now) for found in results.items],
    })
