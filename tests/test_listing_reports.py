"""Residents report that a listing is wrong; the listing says it is being checked until an editor
marks the report resolved in the staff workspace."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from form_support import error_links, objects, unique
from helpers_support import LANGS, flashes, translated, visitor
from page_checks import check_page, soup, words
from sqlalchemy import select, update
from staff_support import audit_entries, form_tokens, make_staff, sign_in, signed_in

from portal import db as portal_db
from portal.catalogue.models import Organiser
from portal.feedback.models import ListingReport
from portal.limits import limiter

KIND_LABELS = {"time": "The day or time is wrong", "ended": "The activity has ended",
               "accessibility": "The accessibility is not as described", "price": "The price is wrong",
               "other": "Something else"}
NOTICE = "Someone has reported that this listing may be wrong. We are checking it."
THANKS = "Thank you. An editor will check the listing. Until then it says that it is being checked."


@pytest.fixture
def person(app):
    limiter.reset()
    return visitor(app)


@pytest.fixture
def tidy(app):
    """Reports made by a test are resolved afterwards, so no other test finds a "being checked" notice."""
    with app.app_context():
        before = portal_db.session().scalar(select(ListingReport.id).order_by(ListingReport.id.desc()).limit(1)) or 0
        portal_db.session().close()
    yield
    with app.app_context(), portal_db.transaction() as session:
        session.execute(update(ListingReport).where(ListingReport.id > before).values(status="resolved"))


def report_url(lang, activity_id):
    return f"/{lang}/activities/{activity_id}/report"


def send_report(client, lang, activity_id, token=True, **answers):
    page = client.get(report_url(lang, activity_id))
    assert page.status_code == 200, page.status_code
    data = form_tokens(page)
    if not token:
        data.pop("csrf_token", None)
    data.update(answers)
    return client.post(report_url(lang, activity_id), data=data)


def reports_on(app, activity_id) -> list[ListingReport]:
    return objects(app, select(ListingReport).where(ListingReport.activity_id == activity_id)
                   .order_by(ListingReport.id))


def open_notice(client, lang, activity_id):
    return soup(client.get(f"/{lang}/activities/{activity_id}")).select_one(".activity .notice[role=note]")


# --- the form ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_the_form_asks_no_personal_data(app, person, catalogue, lang):
    page = check_page(person.get(report_url(lang, catalogue["lunch-03"])))
    form = page.find("form", attrs={"method": "post"}, action=False)
    assert form is not None
    visible = {f["name"] for f in form.find_all(["input", "textarea", "select"])
               if f.get("type") not in ("hidden", "submit") and f.get("name")}
    assert visible == {"kind", "text", "website"}
    assert {r["value"] for r in form.select("input[name=kind]")} == set(KIND_LABELS)
    labels = {words(label) for label in form.find_all("label")}
    for label in KIND_LABELS.values():
        assert translated(app, lang, label) in labels
    honeypot = form.find("input", attrs={"name": "website"})
    assert honeypot.find_parent(attrs={"hidden": True}) is not None and honeypot.get("tabindex") == "-1"
    assert honeypot.get("autocomplete") == "off"
    assert translated(app, lang, "Did you notice that something is wrong? Tell us and an editor will check it. "
                                 "We do not ask for your name.") in words(page)
    # The detail page links the form.
    detail = soup(person.get(f"/{lang}/activities/{catalogue['lunch-03']}"))
    assert detail.find("a", href=report_url(lang, catalogue["lunch-03"])) is not None


@pytest.mark.parametrize("lang", LANGS)
def test_a_report_is_stored_with_kind_and_language(app, person, catalogue, tidy, lang):
    activity_id = catalogue["lunch-04"]
    said = unique("Hissi on rikki")
    response = send_report(person, lang, activity_id, kind="accessibility", text=said)
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == f"/{lang}/activities/{activity_id}"
    [stored] = [r for r in reports_on(app, activity_id) if r.text == said]
    assert (stored.kind, stored.ui_language, stored.status) == ("accessibility", lang, "open")
    assert stored.resolved_at is None and stored.resolved_by_id is None
    page = person.get(response.headers["Location"])
    assert flashes(page) == [translated(app, lang, THANKS)]


def test_the_words_are_optional(app, person, catalogue, tidy):
    activity_id = catalogue["lunch-05"]
    before = len(reports_on(app, activity_id))
    assert send_report(person, "en", activity_id, kind="ended", text="").status_code == 303
    stored = reports_on(app, activity_id)
    assert len(stored) == before + 1 and stored[-1].text is None and stored[-1].kind == "ended"


@pytest.mark.parametrize("lang", LANGS)
def test_a_choice_is_required(app, person, catalogue, lang):
    activity_id = catalogue["lunch-06"]
    before = len(reports_on(app, activity_id))
    response = send_report(person, lang, activity_id, text="Jotain")
    assert response.status_code == 200
    assert list(error_links(response).values()) == [translated(app, lang, "Choose what is wrong.")]
    assert words(soup(response).title).startswith(translated(app, lang, "Error:"))
    response = send_report(person, lang, activity_id, kind="nonsense")
    assert response.status_code == 200 and error_links(response)
    assert len(reports_on(app, activity_id)) == before


@pytest.mark.parametrize("lang", LANGS)
def test_the_words_have_a_limit(app, person, catalogue, tidy, lang):
    activity_id = catalogue["lunch-07"]
    before = len(reports_on(app, activity_id))
    response = send_report(person, lang, activity_id, kind="other", text="x" * 501)
    assert response.status_code == 200
    assert list(error_links(response).values()) == [translated(app, lang, "Please use at most %(max)d characters.",
                                                                max=500)]
    # What was typed stays in the box.
    assert soup(response).find("textarea", attrs={"name": "text"}).get_text().strip() == "x" * 501
    assert len(reports_on(app, activity_id)) == before
    assert send_report(person, lang, activity_id, kind="other", text="y" * 500).status_code == 303
    assert reports_on(app, activity_id)[-1].text == "y" * 500


def test_the_honeypot_stops_robots(app, person, catalogue):
    activity_id = catalogue["lunch-08"]
    before = len(reports_on(app, activity_id))
    response = send_report(person, "en", activity_id, kind="price", website="http://spam.example")
    assert response.status_code == 400
    assert len(reports_on(app, activity_id)) == before


def test_the_csrf_token_is_required(app, person, catalogue):
    activity_id = catalogue["lunch-08"]
    before = len(reports_on(app, activity_id))
    assert send_report(person, "en", activity_id, token=False, kind="price").status_code == 400
    assert len(reports_on(app, activity_id)) == before


def test_reports_are_rate_limited(app, person, catalogue, tidy):
    activity_id = catalogue["lunch-09"]
    # Ten reports a session an hour (a library's shared address allows many more, in many sessions).
    codes = [send_report(person, "en", activity_id, kind="time").status_code for _ in range(12)]
    assert codes[:10] == [303] * 10 and codes[10:] == [429, 429]
    assert len(reports_on(app, activity_id)) == 10
    # Another address is not affected.
    assert send_report(visitor(app), "en", activity_id, kind="time").status_code == 303


@pytest.mark.parametrize("path", ["/en/activities/999999/report", "/en/activities/abc/report"])
def test_unknown_activity_cannot_be_reported(person, path):
    assert person.get(path).status_code == 404


# --- the notice on the listing ------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_the_listing_says_it_is_being_checked_with_the_kind(app, person, catalogue, tidy, lang):
    activity_id = catalogue["lunch-10"]
    assert open_notice(person, lang, activity_id) is None
    send_report(person, lang, activity_id, kind="price")
    send_report(person, lang, activity_id, kind="time")
    send_report(person, lang, activity_id, kind="price")
    check_page(person.get(f"/{lang}/activities/{activity_id}"))
    notice = open_notice(visitor(app), lang, activity_id)
    assert notice is not None and notice.get("lang") == lang
    said = words(notice)
    assert translated(app, lang, NOTICE) in said
    kinds = said.split(translated(app, lang, NOTICE), 1)[1].strip()
    assert kinds == "; ".join([translated(app, lang, KIND_LABELS["price"]), translated(app, lang, KIND_LABELS["time"])])
    # Only that listing says so.
    assert open_notice(person, lang, catalogue["lunch-11"]) is None


# --- editors resolve reports ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def editor(app):
    return make_staff(app, ["editor"])


def latest_report(app, activity_id) -> ListingReport:
    return reports_on(app, activity_id)[-1]


@pytest.mark.parametrize("lang", LANGS)
def test_an_editor_resolves_a_report_and_the_notice_goes(app, person, catalogue, editor, tidy, lang):
    activity_id = catalogue["lunch-12"]
    said = unique("Aika on väärä")
    send_report(person, "sv", activity_id, kind="time", text=said)
    report = latest_report(app, activity_id)
    assert open_notice(person, lang, activity_id) is not None

    client = sign_in(app, editor, lang=lang)
    page = client.get(f"/{lang}/staff/listings")
    check_page(page)
    items = [li for li in soup(page).select("li.report") if said in words(li)]
    assert len(items) == 1
    assert translated(app, lang, KIND_LABELS["time"]) in words(items[0])
    assert items[0].find("span", lang="sv") is not None
    action = f"/{lang}/staff/listings/reports/{report.id}/resolve"
    assert items[0].find("form", action=action) is not None

    response = client.post(action, data=form_tokens(page, action))
    assert response.status_code == 303
    following = client.get(response.headers["Location"])
    assert flashes(following) == [translated(app, lang, "Marked as checked. The listing no longer says that it is being checked.")]
    assert not [li for li in soup(following).select("li.report") if said in words(li)]

    stored = latest_report(app, activity_id)
    assert stored.status == "resolved" and stored.resolved_by_id == editor.id and stored.resolved_at is not None
    entries = audit_entries(app, "listing_report", report.id)
    assert [(e.action, e.staff_id) for e in entries] == [("resolve", editor.id)]
    assert said not in (entries[0].detail or "")
    assert open_notice(person, lang, activity_id) is None

    # Resolving again changes nothing and audits nothing more.
    again = client.post(action, data=form_tokens(page, action))
    assert again.status_code == 303
    assert len(audit_entries(app, "listing_report", report.id)) == 1


def test_resolving_needs_the_csrf_token(app, person, catalogue, editor, tidy):
    activity_id = catalogue["lunch-13"]
    send_report(person, "en", activity_id, kind="ended")
    report = latest_report(app, activity_id)
    client = sign_in(app, editor)
    assert client.post(f"/en/staff/listings/reports/{report.id}/resolve", data={}).status_code == 400
    assert latest_report(app, activity_id).status == "open"
    assert audit_entries(app, "listing_report", report.id) == []


@pytest.mark.parametrize("roles", [["adviser"], ["organiser"]])  # an admin has every role by design
def test_a_non_editor_cannot_resolve(app, person, catalogue, tidy, roles):
    activity_id = catalogue["lunch-14"]
    said = unique("Ei enää")
    send_report(person, "en", activity_id, kind="ended", text=said)
    report = latest_report(app, activity_id)
    organiser = None
    if roles == ["organiser"]:
        with app.app_context():
            organiser = portal_db.session().scalar(select(Organiser.id).where(Organiser.key == "city"))
    client, _staff = signed_in(app, roles, organiser_id=organiser)
    page = client.get("/en/staff/listings")
    if page.status_code == 200:
        assert said not in page.get_data(as_text=True)
    token = soup(client.get("/en/staff/sign-in")).find("input", attrs={"name": "csrf_token"})["value"]
    response = client.post(f"/en/staff/listings/reports/{report.id}/resolve", data={"csrf_token": token})
    assert response.status_code == 403
    assert latest_report(app, activity_id).status == "open"
    assert audit_entries(app, "listing_report", report.id) == []
    assert open_notice(person, "en", activity_id) is not None


def test_signed_out_visitors_cannot_resolve(app, person, catalogue, tidy):
    activity_id = catalogue["lunch-15"]
    send_report(person, "en", activity_id, kind="ended")
    report = latest_report(app, activity_id)
    response = person.post(f"/en/staff/listings/reports/{report.id}/resolve", data={"csrf_token": "x"})
    assert response.status_code in (303, 302, 400, 403)
    assert latest_report(app, activity_id).status == "open"


def test_hostile_text_is_escaped_on_the_staff_page(app, person, catalogue, editor, tidy):
    activity_id = catalogue["lunch-16"]
    marker = unique("m")
    hostile = f'<script>alert("{marker}")</script><img src=x onerror=alert(1)>"><b>{marker}</b>'
    assert send_report(person, "en", activity_id, kind="other", text=hostile).status_code == 303
    assert latest_report(app, activity_id).text == hostile  # stored as typed
    client = sign_in(app, editor)
    response = client.get("/en/staff/listings")
    html = response.get_data(as_text=True)
    assert f'<script>alert("{marker}")' not in html and "<img src=x" not in html and f"<b>{marker}</b>" not in html
    assert "&lt;script&gt;" in html
    check_page(response)
    [item] = [li for li in soup(response).select("li.report") if marker in words(li)]
    assert hostile in item.get_text()
    # The resident side shows only the kind, never the words.
    assert marker not in person.get(f"/en/activities/{activity_id}").get_data(as_text=True)


def test_the_same_report_form_sent_twice_makes_one_report(app, person, catalogue, tidy):
    activity_id = catalogue["lunch-09"]
    page = person.get(report_url("en", activity_id))
    data = {**form_tokens(page), "kind": "price", "text": unique("Twice")}
    assert [person.post(report_url("en", activity_id), data=data).status_code for _ in range(2)] == [303, 303]
    assert len([r for r in reports_on(app, activity_id) if r.text == data["text"]]) == 1


@pytest.mark.parametrize("lang", LANGS)
def test_a_report_without_a_good_token_is_shown_again_with_what_was_typed(app, person, catalogue, lang):
    activity_id = catalogue["lunch-09"]
    page = person.get(report_url(lang, activity_id))
    text = unique("No token")
    data = {**form_tokens(page), "kind": "price", "text": text, "submission": ""}
    response = person.post(report_url(lang, activity_id), data=data)
    assert response.status_code == 200
    assert text in soup(response).find("textarea", attrs={"name": "text"}).get_text()
    assert soup(response).find("input", attrs={"name": "kind", "value": "price"}).has_attr("checked")
    assert translated(app, lang, "We could not send the form this time. Your answers are still here: check them and "
                                 "press the button again.") in words(soup(response).select_one(".error-summary"))
    assert [r for r in reports_on(app, activity_id) if r.text == text] == []
    # A token issued for another activity's report is not good here either.
    other = {**form_tokens(person.get(report_url(lang, catalogue["concert"]))), "kind": "price", "text": text}
    assert person.post(report_url(lang, activity_id), data=other).status_code == 200
    assert [r for r in reports_on(app, activity_id) if r.text == text] == []
