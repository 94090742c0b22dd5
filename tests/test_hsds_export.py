"""Open Referral HSDS 3.0 export: every response validates against the standard's own schemas in
tests/data/interop/ (copied from ../shared/interop/ with their sources and licences)hsds-3.0/schema/, compiled as the standard's check does (additionalProperties false
on every object), with a Draft 2020-12 validator; the standard's service_full.json is the positive
control that the compiled schemas accept a valid document at all."""
from __future__ import annotations

import copy
import datetime as dt
import json
import uuid
from pathlib import Path

import pytest

from portal.opendata import hsds

HSDS = Path(__file__).resolve().parent / "data" / "interop" / "hsds-3.0"
BASE = "https://hsds.test/schema/"


def _closed(node):
    """The standard's own check: no property outside the schema, anywhere."""
    if isinstance(node, dict):
        node = {key: _closed(value) for key, value in node.items()}
        if node.get("type") == "object" or "properties" in node:
            node["additionalProperties"] = False
        return node
    if isinstance(node, list):
        return [_closed(item) for item in node]
    return node


@pytest.fixture(scope="module")
def schemas():
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    registry, loaded = Registry(), {}
    for path in (HSDS / "schema").glob("*.json"):
        if path.name == "openapi.json":
            continue
        schema = _closed(json.loads(path.read_text("utf-8")))
        schema["$id"] = BASE + path.name
        loaded[path.stem] = schema
        registry = registry.with_resource(BASE + path.name, Resource.from_contents(schema, DRAFT202012))
    page = json.loads((HSDS / "schema" / "openapi.json").read_text("utf-8"))["components"]["schemas"]["Page"]

    def validator(name: str):
        return Draft202012Validator(loaded[name], registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)

    def page_validator(item: str):
        envelope = copy.deepcopy(page)
        envelope["properties"]["contents"] = {"type": "array", "items": {"$ref": BASE + f"{item}.json"}}
        envelope = _closed(envelope)
        envelope["required"] = ["total_items", "total_pages", "page_number", "size", "first_page", "last_page",
                                "empty", "contents"]
        return Draft202012Validator(envelope, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)

    return validator, page_validator


def errors(validator, document) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def test_the_standards_own_example_passes_and_an_extra_property_fails(schemas):
    validator, _ = schemas
    example = json.loads((HSDS / "examples" / "service_full.json").read_text("utf-8"))
    assert errors(validator("service"), example) == []
    example["schedules"][0]["exception_dates"] = ["2026-12-24"]  # not in HSDS: must be refused
    assert errors(validator("service"), example)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_every_service_validates_in_each_language(client, schemas, lang):
    _, page_validator = schemas
    page, seen = 1, 0
    while True:
        body = client.get(f"/api/hsds/services?lang={lang}&per_page=50&page={page}").json
        assert errors(page_validator("service"), body) == []
        seen += body["size"]
        if body["last_page"]:
            break
        page += 1
    assert seen == body["total_items"] > 0


@pytest.mark.parametrize("path,item", [("organizations", "organization"), ("locations", "location"),
                                            ("service_at_locations", "service_at_location")])
def test_the_other_lists_validate(client, schemas, path, item):
    _, page_validator = schemas
    body = client.get(f"/api/hsds/{path}?per_page=100&lang=sv").json
    assert body["total_items"] > 0
    assert errors(page_validator(item), body) == []


def test_one_service_by_its_stable_uuid(client, schemas, catalogue):
    validator, _ = schemas
    activity_id = next(iter(catalogue.values()))
    expected = str(uuid.uuid5(hsds.NAMESPACE, f"service:{activity_id}"))
    answer = client.get(f"/api/hsds/services/{expected}")
    assert answer.status_code == 200
    assert answer.json["id"] == expected
    assert errors(validator("service"), answer.json) == []
    assert client.get(f"/api/hsds/services/{uuid.uuid4()}").status_code == 404
    # The same id in every export: made from our id, not drawn at random.
    again = client.get("/api/hsds/services?per_page=100").json["contents"]
    assert expected in {s["id"] for s in again}


def test_about_gives_version_and_profile(client):
    body = client.get("/api/hsds/").json
    assert body["version"] == "3.0"
    assert body["profile"].startswith("http")
    assert client.get(body["openapi_url"].removeprefix("https://localhost")).json["openapi"].startswith("3.1")


def _all_services(client, lang="fi"):
    return client.get(f"/api/hsds/services?per_page=100&lang={lang}").json["contents"]


def test_weekly_times_costs_languages_and_checked_date(client, db, catalogue):
    from portal.catalogue.models import Activity

    services = {s["id"]: s for s in _all_services(client)}
    weekly = next(a for a in db.query(Activity).all() if a.weekly)
    found = services[hsds.uid("service", weekly.id)]
    slot = weekly.weekly[0]
    rule = next(s for s in found["schedules"] if s.get("freq") == "WEEKLY" and "count" not in s)
    assert rule["byday"] == hsds.DAY_CODES[slot.weekday]
    assert rule["opens_at"] == slot.starts.strftime("%H:%M") and rule["closes_at"] == slot.ends.strftime("%H:%M")
    assert found["assured_date"] == weekly.last_checked_on.isoformat()
    assert {lang["code"] for lang in found["languages"]} == set(weekly.languages)
    assert all(option["currency"] == "EUR" for option in found["cost_options"])
    assert found["cost_options"][0]["amount"] == weekly.price_cents / 100
    facts = {a["taxonomy_term"]["code"]: a["value"] for a in found["attributes"] if a["link_type"] == "accessibility"}
    assert facts == weekly.facts()  # yes, no and "unknown" (not checked) as they are recorded


def test_discount_is_a_cost_option_with_its_condition(client, db):
    from portal.catalogue.models import Activity

    paying = next((a for a in db.query(Activity).all() if a.discounts and not a.is_free), None)
    if paying is None:
        pytest.skip("the test catalogue has no discounted activity")
    found = {s["id"]: s for s in _all_services(client, "en")}[hsds.uid("service", paying.id)]
    conditions = [o for o in found["cost_options"] if o.get("amount_description")]
    assert len(conditions) == len(paying.discounts)


def test_one_off_dates_and_cancellations_are_stated(client, db):
    from portal.catalogue.models import Activity

    cancelled = next((a for a in db.query(Activity).all() if a.cancellations and a.weekly), None)
    if cancelled is None:
        pytest.skip("the test catalogue has no cancelled weekly time")
    found = {s["id"]: s for s in _all_services(client, "en")}[hsds.uid("service", cancelled.id)]
    notes = " ".join(s.get("notes", "") for s in found["schedules"])
    today = dt.date.today()
    for day in (c.day for c in cancelled.cancellations if c.day >= today):
        assert day.isoformat() in notes
    dated = next((a for a in db.query(Activity).all() if a.dates), None)
    if dated is not None:
        found = {s["id"]: s for s in _all_services(client)}[hsds.uid("service", dated.id)]
        assert any(s.get("count") == 1 for s in found["schedules"]) or found["status"] == "inactive"


def test_language_is_chosen_and_checked(client):
    fi, sv = _all_services(client, "fi"), _all_services(client, "sv")
    assert [s["id"] for s in fi] == [s["id"] for s in sv]
    assert any(a["name"] != b["name"] for a, b in zip(fi, sv, strict=True))
    bad = client.get("/api/hsds/services?lang=de")
    assert bad.status_code == 400 and bad.json["parameter"] == "lang"


def test_paging_and_modified_after(client):
    first = client.get("/api/hsds/services?per_page=2&page=1").json
    second = client.get("/api/hsds/services?per_page=2&page=2").json
    assert first["first_page"] and not second["first_page"] and first["size"] == 2
    assert not {s["id"] for s in first["contents"]} & {s["id"] for s in second["contents"]}
    assert client.get("/api/hsds/services?modified_after=2999-01-01T00:00:00Z").json["total_items"] == 0
    everything = client.get("/api/hsds/services?modified_after=2000-01-01T00:00:00Z").json
    assert everything["total_items"] == first["total_items"]
    assert client.get("/api/hsds/services?modified_after=yesterday").status_code == 400
    assert client.get("/api/hsds/services?per_page=1000").status_code == 400
