"""Who may open what in the staff workspace: every staff route names its roles; each role reaches only
its own pages (302 to sign-in when signed out, 403 otherwise); organisers only their own organisation's
activities; and personal data never shows on pages a role should not see."""
from __future__ import annotations

import pytest
from form_support import objects, rows
from sqlalchemy import func, select
from staff_support import add_callback, add_concern, csrf, form_tokens, make_staff, sign_in, staff_client, text_of

from portal.catalogue.models import Activity, Organiser
from portal.staff.models import ListingChange

# Each test starts with no sign-in tries counted by the rate limiter (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("fresh_limits")


def organiser_id(app, key: str) -> int:
    return objects(app, select(Organiser).where(Organiser.key == key))[0].id


def test_every_staff_rule_has_required_roles(app):
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("staff")]
    assert len(rules) >= 12
    open_ones = [rule.rule for rule in rules if not getattr(app.view_functions[rule.endpoint], "required_roles", None)]
    assert open_ones == []
    public = {rule.endpoint for rule in rules if app.view_functions[rule.endpoint].required_roles == ("public",)}
    assert public == {"staff_auth.sign_in", "staff_auth.code", "staff_auth.enrol"}


def test_every_non_public_staff_rule_sends_a_signed_out_visitor_to_sign_in(app):
    client = staff_client(app)
    token = csrf(client)
    values = {"lang": "en", "kind": "callback", "item_id": 1, "action": "claim", "activity_id": 1, "change_id": 1, "report_id": 1, "venue_id": 1,
              "decision": "approve", "user_id": 1, "change": "deactivate", "session_id": 1,
              "flag_id": 1, "call_id": 1}
    checked = 0
    for rule in app.url_map.iter_rules():
        view = app.view_functions.get(rule.endpoint)
        if not rule.endpoint.startswith("staff") or view.required_roles == ("public",):
            continue
        url = rule.build({k: v for k, v in values.items() if k in rule.arguments}, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method, data={"csrf_token": token} if method == "POST" else None)
            assert response.status_code == 302, (method, url, response.status_code)
            assert "/en/staff/sign-in" in response.headers["Location"], (method, url)
            checked += 1
    assert checked >= 12


PAGES = {
    "queue": "/en/staff/",
    "statistics": "/en/staff/statistics",
    "statistics_csv": "/en/staff/statistics.csv",
    "listings": "/en/staff/listings",
    "new_listing": "/en/staff/listings/new",
    "accounts": "/en/staff/admin/accounts",
    "audit": "/en/staff/admin/audit",
    "account": "/en/staff/admin/accounts/1",
    "sessions": "/en/staff/sessions",
    "password": "/en/staff/password",
}
OWN = {"sessions", "password"}  # every signed-in member of staff
ALLOWED = {
    "adviser": {"queue", "statistics", "statistics_csv", "item"} | OWN,
    "editor": {"listings", "new_listing", "listing"} | OWN,
    "organiser": {"listings", "new_listing", "listing"} | OWN,
    "admin": set(PAGES) | {"item", "listing"},
}


@pytest.fixture(scope="module")
def known_items(app):
    callback = add_callback(app, name="Ritva Salaisuus", phone="+358405550199", message="Kaatui eilen keittiössä")
    concern = add_concern(app, personal={"name": "Veikko Piilonen", "phone": "+358509990011",
                                         "details": "Ovi on ollut lukossa viikon", "contact_name": "Kerttu Ilmoittaja",
                                         "contact_phone": "+358401230987"})
    return callback, concern


PERSONAL = ("Ritva Salaisuus", "555 0199", "5550199", "Kaatui eilen", "Veikko Piilonen", "Ovi on ollut lukossa",
            "Kerttu Ilmoittaja", "999 0011", "9990011", "123 0987", "1230987")


def pages_for(app, known_items, catalogue) -> dict[str, str]:
    callback, concern = known_items
    return {**PAGES, "item": f"/en/staff/callback/{callback.id}", "concern_item": f"/en/staff/concern/{concern.id}",
            "listing": f"/en/staff/listings/{catalogue['chair-gym']}"}


def test_signed_out_visitors_are_sent_to_sign_in(app, known_items, catalogue):
    client = staff_client(app)
    for name, url in pages_for(app, known_items, catalogue).items():
        response = client.get(url)
        assert response.status_code == 302, (name, response.status_code)
        assert response.headers["Location"].startswith("/en/staff/sign-in"), name
        assert not any(secret in text_of(response) for secret in PERSONAL)


@pytest.mark.parametrize("role", ROLES := ("adviser", "editor", "organiser", "admin"))
def test_each_role_opens_only_its_own_pages(app, known_items, catalogue, role):
    staff = make_staff(app, [role], organiser_id=organiser_id(app, "city") if role == "organiser" else None)
    client = sign_in(app, staff)
    allowed = ALLOWED[role] | ({"concern_item"} if "item" in ALLOWED[role] else set())
    for name, url in pages_for(app, known_items, catalogue).items():
        response = client.get(url)
        expected = 200 if name in allowed else 403
        assert response.status_code == expected, (role, name, response.status_code)
        body = response.get_data(as_text=True)
        if name not in ("item", "concern_item"):
            # Personal data is only on the item pages themselves (and only for advisers and admins).
            leaked = [secret for secret in PERSONAL if secret in body]
            assert leaked == [], (role, name, leaked)


@pytest.mark.parametrize("role", ["editor", "organiser"])
def test_roles_without_the_queue_cannot_act_on_items(app, known_items, catalogue, role):
    callback, concern = known_items
    staff = make_staff(app, [role], organiser_id=organiser_id(app, "city") if role == "organiser" else None)
    client = sign_in(app, staff)
    token = csrf(client)
    for kind, item in (("callback", callback), ("concern", concern)):
        for action in ("claim", "note"):
            response = client.post(f"/en/staff/{kind}/{item.id}/{action}", data={"csrf_token": token, "text": "x"})
            assert response.status_code == 403, (role, kind, action)
    from staff_support import load

    from portal.callback.models import CallbackRequest
    assert load(app, CallbackRequest, callback.id).status == "new"


def test_the_adviser_sees_the_personal_data_of_an_item(app, known_items):
    client = sign_in(app, make_staff(app, ["adviser"]))
    callback, concern = known_items
    page = text_of(client.get(f"/en/staff/callback/{callback.id}"))
    assert "Ritva Salaisuus" in page and "Kaatui eilen keittiössä" in page
    page = text_of(client.get(f"/en/staff/concern/{concern.id}"))
    assert "Veikko Piilonen" in page and "Kerttu Ilmoittaja" in page


def test_admin_only_actions_are_refused_to_others(app):
    target = make_staff(app, ["editor"])
    for role in ("adviser", "editor"):
        client = sign_in(app, make_staff(app, [role]))
        response = client.post(f"/en/staff/admin/accounts/{target.id}/deactivate", data={"csrf_token": csrf(client)})
        assert response.status_code == 403
        page = client.get("/en/staff/admin/accounts")
        assert page.status_code == 403 and target.email not in page.get_data(as_text=True)
    from staff_support import user
    assert user(app, target.id).active


def test_an_organiser_sees_and_edits_only_its_own_organisations_activities(app, catalogue):
    city, ngo = organiser_id(app, "city"), organiser_id(app, "ilo")
    client = sign_in(app, make_staff(app, ["organiser"], organiser_id=ngo))
    listing = client.get("/en/staff/listings")
    assert listing.status_code == 200
    body = listing.get_data(as_text=True)
    own = objects(app, select(Activity).where(Activity.organiser_id == ngo))
    others = objects(app, select(Activity).where(Activity.organiser_id == city))
    assert own and others
    for activity in own:
        assert f'href="/en/staff/listings/{activity.id}"' in body
    for activity in others:
        assert f'href="/en/staff/listings/{activity.id}"' not in body
    assert "Chair exercise" not in body and "Digital help desk" in body

    assert client.get(f"/en/staff/listings/{catalogue['digi-help']}").status_code == 200
    foreign = catalogue["chair-gym"]
    assert client.get(f"/en/staff/listings/{foreign}").status_code == 404
    before = rows(app, select(func.count()).select_from(ListingChange))[0][0]
    response = client.post(f"/en/staff/listings/{foreign}",
                           data={"csrf_token": csrf(client), "text_fi-name": "Kaapattu", "text_fi-summary": "x",
                                 "categories": "exercise", "organiser_id": str(ngo), "venue_id": "0",
                                 "price_euros": "0", "join_mode": "drop_in"})
    assert response.status_code == 404
    assert rows(app, select(func.count()).select_from(ListingChange))[0][0] == before
    # An editor cannot be had either: approving changes is for editors only.
    assert client.post("/en/staff/listings/changes/1/approve", data={"csrf_token": csrf(client)}).status_code == 403


def test_an_organiser_cannot_move_its_own_proposal_to_another_organisation(app, catalogue):
    city, ngo = organiser_id(app, "city"), organiser_id(app, "ilo")
    client = sign_in(app, make_staff(app, ["organiser"], organiser_id=ngo))
    page = client.get(f"/en/staff/listings/{catalogue['digi-help']}")
    options = [o["value"] for o in __import__("staff_support").soup(page).select("select#organiser_id option")]
    assert options == [str(ngo)]
    before = rows(app, select(func.count()).select_from(ListingChange))[0][0]
    data = form_tokens(page)
    data.update({"text_fi-name": "Digituki", "text_fi-summary": "Apua.", "categories": "digital",
                 "organiser_id": str(city), "venue_id": "0", "price_euros": "0", "join_mode": "drop_in"})
    response = client.post(f"/en/staff/listings/{catalogue['digi-help']}", data=data)
    assert response.status_code == 200  # the form again, with an error: not a valid choice
    assert rows(app, select(func.count()).select_from(ListingChange))[0][0] == before
