"""The open-data endpoints: HSDS 3.0 under /api/hsds/, Linked Events under /api/linked-events/v1/, their
OpenAPI description at /api/ and a page for people at /<lang>/open-data.

Every JSON answer here is open: `Access-Control-Allow-Origin: *` (GET only; no cookie is read), a weak
ETag from the catalogue's version with a 304 for a client that has it (security.shared_cache_page, the
catalogue pages' own mechanism), Last-Modified from the newest change, and a rate limit per address.
"""
from __future__ import annotations

import datetime as dt
import uuid

from flask import Blueprint, current_app, g, jsonify, render_template, request, url_for

from portal import cache
from portal.catalogue import schedule
from portal.catalogue.vocab import UI_LANGUAGES
from portal.limits import limiter
from portal.opendata import hsds, linked_events, openapi, queries
from portal.security import shared_cache_page

bp = Blueprint("opendata", __name__)
# Generous for a harvester that pages through everything, still a stop for a runaway loop.
OPEN_DATA_LIMIT = "600 per minute;10000 per hour"
limiter.limit(lambda: current_app.config.get("OPEN_DATA_RATE_LIMIT", OPEN_DATA_LIMIT))(bp)
MAX_PER_PAGE, DEFAULT_PER_PAGE = 100, 20
HTML_ENDPOINTS = {"opendata.about_page"}
# The other open JSON, which the catalogue's blueprint serves: CORS is added to it here too.
OTHER_OPEN_ENDPOINTS = {"api.activities"}


class BadParameter(Exception):
    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter, self.message = parameter, message


@bp.errorhandler(BadParameter)
def _bad_parameter(error: BadParameter):
    return jsonify({"error": "bad_parameter", "parameter": error.parameter, "message": error.message}), 400


@bp.after_app_request
def _open_to_every_origin(response):
    """CORS for the open data's GETs only: never on staff pages or forms (no other endpoint gets it)."""
    endpoint = request.endpoint or ""
    if request.method in ("GET", "HEAD") and (
            (endpoint.startswith("opendata.") and endpoint not in HTML_ENDPOINTS) or endpoint in OTHER_OPEN_ENDPOINTS):
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Retry-After"
    return response


def _whole(name: str, default: int, largest: int) -> int:
    value = request.args.get(name)
    if value is None or value == "":
        return default
    if not value.isdigit() or not 1 <= int(value) <= largest:
        raise BadParameter(name, f"{name} must be a whole number from 1 to {largest}.")
    return int(value)


def _moment(name: str) -> dt.datetime | None:
    """An ISO 8601 moment as naive UTC (how updated_at is stored); one without a zone is UTC."""
    value = request.args.get(name)
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "+"))
    except ValueError:
        raise BadParameter(name, f"{name} must be a date and time such as 2026-01-31T12:00:00Z.") from None
    return moment.astimezone(dt.UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _lang() -> str:
    lang = request.args.get("lang", "fi")
    if lang not in UI_LANGUAGES:
        raise BadParameter("lang", "lang must be fi, sv or en.")
    g.lang = lang  # the texts we write ourselves (labels, dates) follow it too
    return lang


def _not_modified(*validators):
    """A 304 when the client has this answer already (ETag, or Last-Modified for a client without one)."""
    changed = queries.last_modified()
    g.opendata_last_modified = changed
    cached = shared_cache_page(queries.catalogue_version(), *validators)
    if cached is not None:
        return cached
    since = request.if_modified_since
    if changed is not None and since is not None and not request.if_none_match and \
            changed.replace(microsecond=0, tzinfo=dt.UTC) <= since:
        return current_app.response_class(status=304)
    return None


@bp.after_request
def _last_modified(response):
    changed = g.get("opendata_last_modified")
    if changed is not None and response.status_code in (200, 304):
        response.last_modified = changed.replace(microsecond=0, tzinfo=dt.UTC)
    return response


def _json(body):
    return jsonify(body)


# --- the description ---------------------------------------------------------------------------------------

@bp.get("/api/")
@bp.get("/api/openapi.json")
def openapi_document():
    if cached := shared_cache_page("openapi"):
        return cached
    return _json(openapi.document(request.host_url.rstrip("/")))


@bp.get("/<lang>/open-data")
def about_page():
    return render_template("opendata/about.html", openapi_url=url_for("opendata.openapi_document"),
                           hsds_url=url_for("opendata.hsds_about"), events_url=url_for("opendata.le_events"),
                           places_url=url_for("opendata.le_places"),
                           activities_url=url_for("api.activities"))


# --- HSDS 3.0 ---------------------------------------------------------------------------------------------

@bp.get("/api/hsds/")
def hsds_about():
    return _json(hsds.about(url_for("opendata.openapi_document", _external=True),
                            url_for("opendata.about_page", lang="en", _external=True)))


def _paging() -> tuple[int, int]:
    return _whole("page", 1, 100_000), _whole("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)


@bp.get("/api/hsds/services")
def hsds_services():
    lang, (page, per_page), since = _lang(), _paging(), _moment("modified_after")
    if cached := _not_modified(lang):
        return cached
    now = schedule.local_now()
    total = queries.count_activities(since)
    items = [hsds.service(a, lang, now) for a in queries.activities((page - 1) * per_page, per_page, since)]
    return _json(hsds.page(items, total, page, per_page))


def _activity_by_uuid(identifier: str):
    """Our UUIDs are uuid5 of the id, which cannot be reversed: the ids are compared (a plain id works too)."""
    if identifier.isdigit() and len(identifier) < 10:
        return queries.activity(int(identifier))
    try:
        wanted = str(uuid.UUID(identifier))
    except ValueError:
        return None
    for activity_id in queries.activity_ids():
        if hsds.uid("service", activity_id) == wanted:
            return queries.activity(activity_id)
    return None


@bp.get("/api/hsds/services/<identifier>")
def hsds_service(identifier: str):
    lang = _lang()
    if cached := _not_modified(lang):
        return cached
    activity = _activity_by_uuid(identifier)
    if activity is None:
        return jsonify({"error": "not_found", "message": "No service has this id."}), 404
    return _json(hsds.service(activity, lang, schedule.local_now()))


@bp.get("/api/hsds/organizations")
def hsds_organizations():
    lang, (page, per_page) = _lang(), _paging()
    if cached := _not_modified(lang):
        return cached
    items = [hsds.organization(o, lang) for o in queries.organisers((page - 1) * per_page, per_page)]
    return _json(hsds.page(items, queries.count_organisers(), page, per_page))


@bp.get("/api/hsds/locations")
def hsds_locations():
    lang, (page, per_page) = _lang(), _paging()
    if cached := _not_modified(lang):
        return cached
    items = [hsds.location(v, lang) for v in queries.venues((page - 1) * per_page, per_page)]
    return _json(hsds.page(items, queries.count_venues(), page, per_page))


@bp.get("/api/hsds/service_at_locations")
def hsds_service_at_locations():
    lang, (page, per_page) = _lang(), _paging()
    if cached := _not_modified(lang):
        return cached
    offset = (page - 1) * per_page
    items = [hsds.service_at_location(a, lang) for a in queries.activities(offset, per_page, at_a_venue=True)]
    return _json(hsds.page(items, queries.count_activities(at_a_venue=True), page, per_page))


# --- Linked Events ------------------------------------------------------------------------------------------

def _le_page_url(endpoint: str, page: int) -> str:
    args = request.args.to_dict()
    args["page"] = str(page)
    return url_for(endpoint, _external=True, **args)


def _event_counts(since: dt.datetime | None, now: dt.datetime) -> list[tuple[int, int]]:
    """(activity id, how many events it makes) for every activity, in id order; the count of a page needs
    them all. Kept until the catalogue changes or a minute passes (an occurrence may have ended)."""
    def count():
        return [(a.id, linked_events.event_count(a, now)) for a in queries.activities(since=since)]

    key = f"{since.isoformat() if since else ''}:{now:%Y%m%d%H%M}"
    return cache.get_or_set("le-event-counts", key, count, version=queries.catalogue_version())


@bp.get("/api/linked-events/v1/event/")
def le_events():
    page, size = _whole("page", 1, 100_000), _whole("page_size", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    since, include_location = _moment("last_modified_since"), "location" in request.args.get("include", "").split(",")
    if request.args.get("show_deleted", "") not in ("", "true", "false", "1", "0", "True", "False"):
        raise BadParameter("show_deleted", "show_deleted must be true or false.")
    if cached := _not_modified("le", f"{schedule.local_now():%Y%m%d%H%M}"):
        return cached
    now = schedule.local_now()
    counts = _event_counts(since, now)
    live, start = sum(n for _, n in counts), (page - 1) * size
    # Deleted activities come after the live ones, as the real API's placeholders (only with show_deleted).
    deleted = queries.deleted_activities(since) if request.args.get("show_deleted") in ("true", "1", "True") else []
    total = live + len(deleted)
    wanted: list[int] = []
    position, skip = 0, 0
    for activity_id, n in counts:
        if position + n > start and position < start + size:
            if not wanted:
                skip = start - position
            wanted.append(activity_id)
        position += n
    data = []
    for activity in queries.activities_by_ids(wanted):
        data += linked_events.events(activity, now, include_location)
    data = data[skip:skip + size]
    if start + size > live:  # the page reaches past the live events into the deleted ones
        first = max(start - live, 0)
        data += [linked_events.deleted_event(i, at) for i, at in deleted[first:first + size - len(data)]]
    return _json(linked_events.page(
        data, total, _le_page_url("opendata.le_events", page + 1) if start + size < total else None,
        _le_page_url("opendata.le_events", page - 1) if page > 1 else None))


@bp.get("/api/linked-events/v1/event/<identifier>/")
def le_event(identifier: str):
    include_location = "location" in request.args.get("include", "").split(",")
    if cached := _not_modified("le", f"{schedule.local_now():%Y%m%d%H%M}"):
        return cached
    own = identifier.removeprefix(f"{linked_events.DATA_SOURCE}:a").partition("-")[0]
    activity = queries.activity(int(own)) if identifier.startswith(f"{linked_events.DATA_SOURCE}:a") and \
        own.isdigit() and len(own) < 10 else None
    found = [e for e in linked_events.events(activity, schedule.local_now(), include_location)
             if e["id"] == identifier] if activity else []
    if not found:
        return jsonify({"detail": "Not found."}), 404
    return _json(found[0])


@bp.get("/api/linked-events/v1/place/")
def le_places():
    page, size = _whole("page", 1, 100_000), _whole("page_size", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    if cached := _not_modified("le-place"):
        return cached
    total, start = queries.count_venues(), (page - 1) * size
    return _json(linked_events.page(
        [linked_events.place(v) for v in queries.venues(start, size)], total,
        _le_page_url("opendata.le_places", page + 1) if start + size < total else None,
        _le_page_url("opendata.le_places", page - 1) if page > 1 else None))


@bp.get("/api/linked-events/v1/place/<identifier>/")
def le_place(identifier: str):
    if cached := _not_modified("le-place"):
        return cached
    own = identifier.removeprefix(f"{linked_events.DATA_SOURCE}:v")
    venue = queries.venue(int(own)) if identifier != own and own.isdigit() and len(own) < 10 else None
    if venue is None:
        return jsonify({"detail": "Not found."}), 404
    return _json(linked_events.place(venue))


@bp.get("/api/linked-events/v1/keyword/<identifier>/")
def le_keyword(identifier: str):
    """Our own keywords (a category or audience no Linked Events keyword means exactly)."""
    found = linked_events.own_keyword(identifier)
    if found is None:
        return jsonify({"detail": "Not found."}), 404
    return _json(found)
