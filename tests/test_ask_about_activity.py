""""Ask about this activity": every activity page links to the callback form, which comes with the topic
and the activity's name filled in (the resident may change both); the request remembers the activity,
and the adviser sees which one it was."""
from __future__ import annotations

import pytest
from form_support import (
    LANGUAGES,
    callback_data,
    callbacks_named,
    field_value,
    hidden_fields,
    resident,
    soup,
    tr,
    unique,
    words,
)
from page_checks import check_page
from sqlalchemy import select
from staff_support import form_values, make_staff, sign_in

from portal import db as portal_db
from portal.catalogue.models import Activity

NAMES = {"fi": "Tuolijumppa", "sv": "Stolgympa", "en": "Chair exercise"}


def ask_link(app, page, lang):
    links = [a for a in page.select("a[href]") if words(a) == tr(app, lang, "Ask us about this activity")]
    assert len(links) == 1
    return links[0]["href"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_activity_page_links_to_the_callback_form_for_it(app, catalogue, lang):
    client = resident(app)
    with app.app_context():
        ids = list(portal_db.session().scalars(select(Activity.id)))
    assert len(ids) >= 5
    for n, activity_id in enumerate(ids):
        response = client.get(f"/{lang}/activities/{activity_id}")
        page = check_page(response, lang=lang) if n == 0 else soup(response)
        assert ask_link(app, page, lang) == f"/{lang}/callback?activity={activity_id}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_form_comes_filled_in_with_the_activity_in_the_page_language(app, catalogue, lang):
    client = resident(app)
    chair = catalogue["chair-gym"]
    page = client.get(f"/{lang}/callback?activity={chair}")
    check_page(page, lang=lang)
    action = f"/{lang}/callback"
    assert hidden_fields(page, action)["activity"] == str(chair)
    message = soup(page).find("textarea", attrs={"name": "message"}).get_text()
    assert message == tr(app, lang, "A question about the activity: %(name)s", name=NAMES[lang])
    topic = soup(page).find("input", attrs={"name": "topic", "value": "activities"})
    assert topic.has_attr("checked")
    assert soup(page).find_all("input", attrs={"name": "topic", "checked": True}) == [topic]
    # Switching to "for someone else" keeps the activity.
    switch = soup(page).select_one(".helper-switch a")["href"]
    assert f"activity={chair}" in switch
    assert field_value(client.get(switch), action, "activity") == str(chair)


def test_an_activity_with_no_text_in_the_page_language_is_named_in_finnish(app, catalogue):
    page = resident(app).get(f"/sv/callback?activity={catalogue['digi-help']}")
    message = soup(page).find("textarea", attrs={"name": "message"}).get_text()
    assert message.endswith(": Digituki")


@pytest.mark.parametrize("value", ["", "abc", "99999999", "-1", "１２", "1" * 40])
def test_an_unknown_activity_leaves_the_form_empty(app, value):
    page = resident(app).get(f"/en/callback?activity={value}")
    check_page(page)
    assert hidden_fields(page, "/en/callback")["activity"] == ""
    assert soup(page).find("textarea", attrs={"name": "message"}).get_text() == ""
    assert not soup(page).find_all("input", attrs={"name": "topic", "checked": True})


def test_the_request_keeps_the_activity_and_what_the_resident_wrote(app, catalogue):
    client = resident(app)
    chair = catalogue["chair-gym"]
    name = unique("Aino Kysyjä")
    page = client.get(f"/en/callback?activity={chair}")
    data = form_values(page, "/en/callback")  # what a browser sends, filled-in message and topic included
    assert data["activity"] == str(chair) and data["topic"] == "activities"
    assert data["message"] == "A question about the activity: Chair exercise"
    data.update(name=name, phone="040 123 4567")
    data["message"] = "Is there a lift?"  # the resident changed the words
    data["topic"] = "health"
    response = client.post("/en/callback", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:800]
    [saved] = callbacks_named(app, name)
    assert (saved.activity_id, saved.message, saved.topic) == (chair, "Is there a lift?", "health")


def test_a_request_without_an_activity_or_with_a_forged_one_keeps_none(app, catalogue):
    client = resident(app)
    for forged in ("", "99999999", "drop table"):
        name = unique("Ei Aktiviteettia")
        data = callback_data(client.get("/en/callback"), "en", name=name, phone="040 123 4567")
        data["activity"] = forged
        assert client.post("/en/callback", data=data).status_code == 303
        [saved] = callbacks_named(app, name)
        assert saved.activity_id is None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_adviser_sees_which_activity_it_was(app, catalogue, lang):
    client = resident(app)
    chair, name = catalogue["chair-gym"], unique("Kysyjä")
    data = callback_data(client.get(f"/{lang}/callback?activity={chair}"), lang, name=name, phone="040 123 4567")
    assert client.post(f"/{lang}/callback", data=data).status_code == 303
    [saved] = callbacks_named(app, name)
    adviser = sign_in(app, make_staff(app, ["adviser"]), lang=lang)
    page = check_page(adviser.get(f"/{lang}/staff/callback/{saved.id}"), lang=lang)
    [row] = [div for div in page.select("dl div") if words(div.dt) == tr(app, lang, "Asked about the activity")]
    link = row.dd.find("a")
    assert link["href"] == f"/{lang}/activities/{chair}" and words(link) == NAMES[lang]
    # A request not made from an activity shows no such row.
    other = unique("Muu")
    data = callback_data(client.get(f"/{lang}/callback"), lang, name=other, phone="040 123 4567")
    assert client.post(f"/{lang}/callback", data=data).status_code == 303
    [plain] = callbacks_named(app, other)
    page = check_page(adviser.get(f"/{lang}/staff/callback/{plain.id}"), lang=lang)
    assert tr(app, lang, "Asked about the activity") not in words(page)
