"""The OpenAPI 3.1 description of the portal's open JSON: /api/v1/activities, the HSDS 3.0 export and
the Linked Events-compatible export. Response bodies of the standards are referred to by the
standards' own published schemas rather than copied here."""
from __future__ import annotations

HSDS_SCHEMA = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
LANGS = ["fi", "sv", "en"]


def _param(name: str, description: str, schema: dict, where: str = "query", required: bool = False) -> dict:
    return {"name": name, "in": where, "required": required, "description": description, "schema": schema}


LANG = _param("lang", "The one language of the texts (HSDS texts are single-language). Default fi.",
              {"type": "string", "enum": LANGS, "default": "fi"})
PAGE = _param("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "default": 1})
PER_PAGE = _param("per_page", "Items per page, at most 100.", {"type": "integer", "minimum": 1, "maximum": 100,
                                                               "default": 20})
ID = _param("id", "The record's UUID (stable: uuid5 of our id).", {"type": "string", "format": "uuid"}, "path", True)
LE_PAGE_SIZE = _param("page_size", "Events per page, at most 100.", {"type": "integer", "minimum": 1,
                                                                     "maximum": 100, "default": 20})
CACHED = {"ETag": {"description": "Changes when the catalogue does; send it back in If-None-Match.",
                   "schema": {"type": "string"}},
          "Last-Modified": {"description": "When an activity last changed.", "schema": {"type": "string"}},
          "Access-Control-Allow-Origin": {"description": "Always *: any web page may read the open data.",
                                          "schema": {"type": "string"}}}


def _ok(description: str, schema: dict) -> dict:
    return {"200": {"description": description, "headers": CACHED, "content": {"application/json": {"schema": schema}}},
            "304": {"description": "Not modified since the ETag or date the client sent."},
            "400": {"description": "A parameter that cannot be used (the body says which).",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            "429": {"description": "Too many requests from this address; Retry-After says when to ask again."}}


def _hsds_list(schema_file: str, description: str) -> dict:
    return {"get": {"summary": description, "parameters": [LANG, PAGE, PER_PAGE],
                    "responses": _ok(description, {"allOf": [{"$ref": "#/components/schemas/HsdsPage"}],
                                                   "properties": {"contents": {"type": "array", "items": {
                                                       "$ref": HSDS_SCHEMA + schema_file}}}})}}


def _le(description: str, extra: list[dict]) -> dict:
    return {"get": {"summary": description, "parameters": extra,
                    "responses": _ok(description, {"$ref": "#/components/schemas/LinkedEventsPage"})}}


def document(server_url: str) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Wellbeing portal open data", "version": "1.0.0",
                 "description": "The catalogue of activities for older people and family carers, as our own JSON, "
                                "as Open Referral HSDS 3.0 (one language per request) and in the shape of the "
                                "Linked Events API. Read-only, no key; GET only.",
                 "license": {"name": "CC BY 4.0", "identifier": "CC-BY-4.0"}},
        "servers": [{"url": server_url}],
        "paths": {
            "/api/v1/activities": {"get": {
                "summary": "Activities matching the catalogue's filters, as on the catalogue page.",
                "parameters": [LANG, PAGE, *(_param(name, text, {"type": "string"}) for name, text in (
                    ("q", "Words to find."), ("category", "A category code; repeat for more."),
                    ("district", "A district code; repeat for more."), ("need", "An accessibility need code."),
                    ("near", "A postal code or neighbourhood: sorted by distance."),
                    ("sort", "soonest, nearest or name.")))],
                "responses": _ok("One page of matching activities.", {"$ref": "#/components/schemas/Activities"})}},
            "/api/hsds/": {"get": {"summary": "HSDS version and profile of this API.", "responses": _ok(
                "About this API.", {"type": "object", "properties": {
                    "version": {"type": "string"}, "profile": {"type": "string", "format": "uri"},
                    "openapi_url": {"type": "string", "format": "uri"}}})}},
            "/api/hsds/services": {"get": {
                "summary": "Services (activities), fully nested, in id order.",
                "parameters": [LANG, PAGE, PER_PAGE, _param(
                    "modified_after", "Only services changed after this moment (ISO 8601; UTC if no zone).",
                    {"type": "string", "format": "date-time"})],
                "responses": _ok("A page of services.", {"allOf": [{"$ref": "#/components/schemas/HsdsPage"}],
                                                          "properties": {"contents": {"type": "array", "items": {
                                                              "$ref": HSDS_SCHEMA + "service.json"}}}})}},
            "/api/hsds/services/{id}": {"get": {
                "summary": "One service, fully nested.", "parameters": [ID, LANG],
                "responses": {**_ok("The service.", {"$ref": HSDS_SCHEMA + "service.json"}),
                              "404": {"description": "No such service."}}}},
            "/api/hsds/organizations": _hsds_list("organization.json", "Organizations (organisers)."),
            "/api/hsds/locations": _hsds_list("location.json", "Locations (venues)."),
            "/api/hsds/service_at_locations": _hsds_list("service_at_location.json",
                                                         "Each activity at its venue, with the location."),
            "/api/linked-events/v1/event/": _le(
                "Events as Linked Events has them: a recurring super event with one sub-event per coming date.",
                [_param("page", "Page number, from 1.", {"type": "integer", "minimum": 1}), LE_PAGE_SIZE,
                 _param("last_modified_since", "Only events changed since this UTC moment (2026-01-31T12:00:00Z).",
                        {"type": "string", "format": "date-time"}),
                 _param("show_deleted", "Accepted for compatibility. Removed activities are not kept, so none "
                                        "are returned.", {"type": "boolean"}),
                 _param("include", "location: the place in full instead of its @id.", {"type": "string"})]),
            "/api/linked-events/v1/event/{id}/": {"get": {
                "summary": "One event (super event or sub-event).",
                "parameters": [_param("id", "portal:a12 or portal:a12-20261201.", {"type": "string"}, "path", True),
                               _param("include", "location", {"type": "string"})],
                "responses": {**_ok("The event.", {"$ref": "#/components/schemas/LinkedEvent"}),
                              "404": {"description": "No such event."}}}},
            "/api/linked-events/v1/place/": _le("Places (venues) with activities.", [
                _param("page", "Page number, from 1.", {"type": "integer", "minimum": 1}), LE_PAGE_SIZE]),
            "/api/linked-events/v1/place/{id}/": {"get": {
                "summary": "One place.", "parameters": [_param("id", "portal:v3", {"type": "string"}, "path", True)],
                "responses": {**_ok("The place.", {"type": "object"}), "404": {"description": "No such place."}}}},
        },
        "components": {"schemas": {
            "Error": {"type": "object", "properties": {"error": {"type": "string"}, "parameter": {"type": "string"},
                                                       "message": {"type": "string"}}},
            "Activities": {"type": "object", "properties": {
                "count": {"type": "integer"}, "page": {"type": "integer"}, "pages": {"type": "integer"},
                "results": {"type": "array", "items": {"type": "object"}}}},
            "HsdsPage": {"type": "object", "description": "The paging envelope of the HSDS 3.0 openapi.json.",
                         "properties": {"total_items": {"type": "integer"}, "total_pages": {"type": "integer"},
                                        "page_number": {"type": "integer"}, "size": {"type": "integer"},
                                        "first_page": {"type": "boolean"}, "last_page": {"type": "boolean"},
                                        "empty": {"type": "boolean"}}},
            "LanguageMap": {"type": "object", "additionalProperties": {"type": "string"},
                            "description": "Texts by language code; a language we lack is absent."},
            "LinkedEvent": {"type": "object", "properties": {
                "id": {"type": "string"}, "@id": {"type": "string", "format": "uri"},
                "name": {"$ref": "#/components/schemas/LanguageMap"},
                "event_status": {"enum": ["EventScheduled", "EventCancelled", "EventPostponed", "EventRescheduled"]},
                "super_event_type": {"enum": ["recurring", None]},
                "start_time": {"type": ["string", "null"], "format": "date-time"},
                "end_time": {"type": ["string", "null"], "format": "date-time"}}},
            "LinkedEventsPage": {"type": "object", "properties": {
                "meta": {"type": "object", "properties": {"count": {"type": "integer"},
                                                          "next": {"type": ["string", "null"]},
                                                          "previous": {"type": ["string", "null"]}}},
                "data": {"type": "array", "items": {"$ref": "#/components/schemas/LinkedEvent"}}}},
        }},
    }
