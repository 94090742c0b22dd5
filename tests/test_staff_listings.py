"""Catalogue upkeep: editors' edits show at once on the public page and in the search; bad schedule
lines are named and the input kept; descriptions are sanitised; Preview saves nothing; "checked today";
organisers' edits wait for an editor; the stale filter. On an app and catalogue of its own, because
these tests change the catalogue other tests count."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest
from app_setup import app_with_catalogue
from sqlalchemy import select
from staff_support import csrf, form_values, make_staff, sign_in, soup, staff_client, text_of

from portal import db as portal_db
from portal.catalogue import schedule
from portal.catalogue.models import Activity, Organiser
from portal.staff.models import AuditEntry, ListingChange

# Each test starts with no sign-in tries counted by the rate limiter (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("fresh_limits")


@pytest.fixture(scope="module")
def listings_app(tmp_path_factory):
    app = app_with_catalogue(tmp_path_factory.mktemp("listings"), "listings")
    yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture(scope="module")
def ids(listings_app) -> dict[str, int]:
    return listings_app.extensions["test_catalogue"]


@pytest.fixture(scope="module")
def editor(listings_app):
    return sign_in(listings_app, make_staff(listings_app, ["editor"]))


def organiser_id(app, key: str) -> int:
    with app.app_context():
        return portal_db.session().scalar(select(Organiser.id).where(Organiser.key == key))


def activity(app, activity_id: int) -> Activity:
    with app.app_context():
        session = portal_db.session()
        found = session.get(Activity, activity_id)
        for lang in found.texts:  # load what the tests read
            _ = found.texts[lang].name
        list(found.weekly), list(found.cancellations)
        session.expunge_all()
        return found


def set_checked_on(app, activity_id: int, day: dt.date) -> None:
    with app.app_context(), portal_db.transaction() as session:
        session.get(Activity, activity_id).last_checked_on = day


def found_ids(app, lang: str, q: str) -> set[int]:
    page = staff_client(app).get(f"/{lang}/activities", query_string={"q": q})
    assert page.status_code == 200
    links = [a["href"] for a in soup(page).select(".activity-card h3 a")]
    return {int(href.rsplit("/", 1)[1]) for href in links}


def public_text(app, lang: str, activity_id: int) -> str:
    response = staff_client(app).get(f"/{lang}/activities/{activity_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def edit_page(client, activity_id: int | None):
    url = f"/en/staff/listings/{activity_id}" if activity_id else "/en/staff/listings/new"
    page = client.get(url)
    assert page.status_code == 200
    return url, page


def word() -> str:
    return "Zq" + uuid.uuid4().hex[:8]


def today() -> dt.date:
    return schedule.local_now().date()


def coming(weekday: int, weeks_ahead: int = 1) -> dt.date:
    day = today() + dt.timedelta(days=(weekday - today().weekday()) % 7 or 7)
    return day + dt.timedelta(weeks=weeks_ahead - 1)


# --- editors -------------------------------------------------------------------------------------------------

def test_the_edit_form_shows_the_activity_as_it_is(listings_app, ids, editor):
    _url, page = edit_page(editor, ids["chair-gym"])
    values = form_values(page)
    assert values["text_fi-name"] == "Tuolijumppa"
    assert values["text_sv-name"] == "Stolgympa"
    assert values["text_en-name"] == "Chair exercise"
    assert values["weekly"] == "tue 10:00-11:00"
    assert values["price_euros"] in ("0", "0.00")
    assert values["categories"] == "exercise"
    assert values["cancelled"]  # the first coming Tuesday


def test_an_editors_edit_shows_at_once_on_the_public_page_and_in_the_search(listings_app, ids, editor):
    activity_id = ids["memory-cafe"]
    new = word()
    url, page = edit_page(editor, activity_id)
    cancelled = coming(3, 2)  # the Thursday after next
    data = form_values(page)
    data.update({
        "text_fi-name": f"Muistikahvila {new}", "text_fi-summary": "Kahvia ja muistelua torstaisin.",
        "text_fi-description": "Tervetuloa <strong>kaikki</strong>.",
        "text_sv-name": f"Minnescafé {new}", "text_sv-summary": "Kaffe och minnen på torsdagar.",
        "text_en-name": f"Memory café {new}", "text_en-summary": "Coffee and memories on Thursdays.",
        "text_en-description": "Bring a photo from your youth.",
        "price_euros": "7.50", "weekly": "thu 14:00-15:30\nsat 11:00-12:00", "cancelled": cancelled.isoformat(),
    })
    response = editor.post(url, data=data)
    assert response.status_code == 303, text_of(response)[:800]
    assert response.headers["Location"].endswith(f"/en/staff/listings/{activity_id}")
    saved = activity(listings_app, activity_id)
    assert saved.price_cents == 750
    assert sorted((s.weekday, s.starts, s.ends) for s in saved.weekly) == [
        (3, dt.time(14), dt.time(15, 30)), (5, dt.time(11), dt.time(12))]
    assert [c.day for c in saved.cancellations] == [cancelled]
    # The public pages, in each language.
    english = public_text(listings_app, "en", activity_id)
    assert f"Memory café {new}" in english and "7.50 €" in english
    assert "Bring a photo from your youth." in english
    page = soup(staff_client(listings_app).get(f"/en/activities/{activity_id}"))
    cancelled_rows = [" ".join(li.get_text(" ").split()) for li in page.select("li.cancelled")]
    assert len(cancelled_rows) == 1 and "Cancelled" in cancelled_rows[0]
    assert f"Muistikahvila {new}" in public_text(listings_app, "fi", activity_id)
    assert f"Minnescafé {new}" in public_text(listings_app, "sv", activity_id)
    # The search index is updated straight away, in every language.
    assert found_ids(listings_app, "en", new) == {activity_id}
    assert found_ids(listings_app, "fi", new) == {activity_id}
    assert found_ids(listings_app, "sv", new) == {activity_id}
    # The change is audited.
    with listings_app.app_context():
        entries = portal_db.session().scalars(select(AuditEntry).where(
            AuditEntry.record_type == "activity", AuditEntry.record_id == activity_id, AuditEntry.action == "edit")).all()
    assert entries


def test_an_old_name_is_no_longer_found(listings_app, ids, editor):
    activity_id = ids["crafts-cafe"]
    first, second = word(), word()
    url, page = edit_page(editor, activity_id)
    data = form_values(page)
    data["text_en-name"] = f"Crafts {first}"
    assert editor.post(url, data=data).status_code == 303
    assert found_ids(listings_app, "en", first) == {activity_id}
    url, page = edit_page(editor, activity_id)
    data = form_values(page)
    data["text_en-name"] = f"Crafts {second}"
    assert editor.post(url, data=data).status_code == 303
    assert found_ids(listings_app, "en", first) == set()
    assert found_ids(listings_app, "en", second) == {activity_id}


# A new activity is saved whole: the half-made Activity is never flushed before its organiser is set,
# whether an editor creates it or approves an organiser's proposed new activity.
def test_an_editor_adds_a_new_activity(listings_app, editor):
    new = word()
    url, page = edit_page(editor, None)
    data = form_values(page)
    data.update({"text_fi-name": f"Uusi {new}", "text_fi-summary": "Uusi toiminta.", "categories": ["culture"],
                 "weekly": "fri 12:00-13:00", "organiser_id": str(organiser_id(listings_app, "ilo")),
                 "price_euros": "0"})
    response = editor.post(url, data=data)
    assert response.status_code == 303, text_of(response)[:800]
    new_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert found_ids(listings_app, "fi", new) == {new_id}
    assert f"Uusi {new}" in public_text(listings_app, "fi", new_id)


@pytest.mark.parametrize("field,line", [
    ("weekly", "tuesday at ten"), ("weekly", "tue 10-11"), ("weekly", "xyz 10:00-11:00"),
    ("dates", "3.12.2026 13:00-15:00"), ("dates", "tomorrow 13:00-15:00"),
])
def test_bad_schedule_lines_are_named_and_the_input_kept(listings_app, ids, editor, field, line):
    check_bad_line(listings_app, ids, editor, field, line)


# A schedule or cancelled-dates line with the right shape but impossible values (hour 25, 30 February,
# month 13) is named as the line itself, in the page's language, never with Python's own error text.
@pytest.mark.parametrize("field,line", [
    ("weekly", "tue 25:00-26:00"), ("dates", "2026-02-30 13:00-15:00"),
    ("cancelled", "next tuesday"), ("cancelled", "2026-13-01"),
])
def test_bad_values_in_schedule_lines_are_named_too(listings_app, ids, editor, field, line):
    check_bad_line(listings_app, ids, editor, field, line)


def check_bad_line(listings_app, ids, editor, field, line):
    activity_id = ids["chair-gym"]
    before = activity(listings_app, activity_id)
    url, page = edit_page(editor, activity_id)
    data = form_values(page)
    typed_name = f"Tuolijumppa {word()}"
    data["text_fi-name"] = typed_name
    data[field] = f"wed 10:00-11:00\n{line}" if field == "weekly" else line
    response = editor.post(url, data=data)
    assert response.status_code == 200, response.status_code
    page = soup(response)
    summary = page.select_one(".error-summary")
    assert summary is not None
    assert f"This line could not be read: {line.lower() if field == 'weekly' else line}" in " ".join(
        summary.get_text(" ").split())
    assert page.title.get_text().startswith("Error:")
    # What was typed is still there.
    values = form_values(response)
    assert values["text_fi-name"] == typed_name
    assert line in values[field]
    # Nothing saved.
    after = activity(listings_app, activity_id)
    assert after.texts["fi"].name == before.texts["fi"].name
    assert [(s.weekday, s.starts) for s in after.weekly] == [(s.weekday, s.starts) for s in before.weekly]


def test_the_finnish_name_and_a_topic_are_required(listings_app, ids, editor):
    url, page = edit_page(editor, ids["chair-gym"])
    data = form_values(page)
    data["text_fi-name"] = " "
    data.pop("categories", None)
    response = editor.post(url, data=data)
    assert response.status_code == 200
    summary = " ".join(soup(response).select_one(".error-summary").get_text(" ").split())
    assert "Write the name in Finnish." in summary and "Choose at least one topic." in summary
    assert activity(listings_app, ids["chair-gym"]).texts["fi"].name.startswith("Tuolijumppa")


HOSTILE = ('<p onclick="steal()">Tervetuloa <strong>mukaan</strong>!</p><script>alert("pwned")</script>'
           '<img src=x onerror="alert(2)"><a href="javascript:alert(3)">linkki</a>'
           '<iframe src="https://evil.example"></iframe><style>body{display:none}</style>')


def assert_sanitised(html: str) -> None:
    lowered = html.lower()
    for bad in ("<script", "alert(", "onclick", "onerror", "javascript:", "<iframe", "<img", "display:none",
                "evil.example"):
        assert bad not in lowered, bad


def test_descriptions_are_sanitised_on_the_public_page(listings_app, ids, editor):
    activity_id = ids["carers-peer"]
    url, page = edit_page(editor, activity_id)
    data = form_values(page)
    data["text_fi-description"] = HOSTILE
    data["text_en-description"] = HOSTILE
    assert editor.post(url, data=data).status_code == 303
    for lang in ("fi", "en"):
        html = public_text(listings_app, lang, activity_id)
        description = soup(staff_client(listings_app).get(f"/{lang}/activities/{activity_id}")).find("main")
        assert "<strong>mukaan</strong>" in str(description)
        assert "Tervetuloa" in description.get_text()
        assert_sanitised(html.split("<main", 1)[1])
        assert "<script" not in html.split("</head>", 1)[1].replace('<script src=', '')


def test_preview_shows_the_texts_without_saving(listings_app, ids, editor):
    activity_id = ids["digi-help"]
    before = activity(listings_app, activity_id)
    preview_word = word()
    url, page = edit_page(editor, activity_id)
    data = form_values(page)
    data.update({"text_fi-name": f"Digituki {preview_word}", "text_fi-summary": f"Esikatselu {preview_word}",
                 "text_en-name": f"Digital help {preview_word}", "text_fi-description": HOSTILE,
                 "price_euros": "99", "preview": "1"})
    response = editor.post(url, data=data)
    assert response.status_code == 200
    preview = soup(response).select_one("section.preview")
    assert preview is not None
    shown = " ".join(preview.get_text(" ").split())
    assert f"Digituki {preview_word}" in shown and f"Esikatselu {preview_word}" in shown
    assert f"Digital help {preview_word}" in shown
    assert "<strong>mukaan</strong>" in str(preview)
    assert_sanitised(str(preview))
    # The form still holds the typed texts, and nothing is saved or indexed.
    assert form_values(response)["text_fi-name"] == f"Digituki {preview_word}"
    after = activity(listings_app, activity_id)
    assert after.texts["fi"].name == before.texts["fi"].name and after.price_cents == before.price_cents
    assert preview_word not in public_text(listings_app, "fi", activity_id)
    assert found_ids(listings_app, "fi", preview_word) == set()


def test_preview_with_errors_shows_the_errors_and_no_preview(listings_app, ids, editor):
    url, page = edit_page(editor, ids["digi-help"])
    data = form_values(page)
    data.update({"weekly": "someday", "preview": "1"})
    response = editor.post(url, data=data)
    assert response.status_code == 200
    assert soup(response).select_one("section.preview") is None
    assert "This line could not be read: someday" in text_of(response)


def test_checked_today_updates_the_last_checked_date(listings_app, ids, editor):
    activity_id = ids["nature-walk"]
    long_ago = today() - dt.timedelta(days=300)
    set_checked_on(listings_app, activity_id, long_ago)
    url, page = edit_page(editor, activity_id)
    data = form_values(page)
    data.pop("checked", None)
    assert editor.post(url, data=data).status_code == 303
    assert activity(listings_app, activity_id).last_checked_on == long_ago  # saving alone is not checking
    url, page = edit_page(editor, activity_id)
    data = form_values(page)
    data["checked"] = "y"
    assert editor.post(url, data=data).status_code == 303
    assert activity(listings_app, activity_id).last_checked_on == today()
    page = text_of(editor.get(url))
    assert "Last checked on" in page


# --- organisers -----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def organiser(listings_app):
    return sign_in(listings_app, make_staff(listings_app, ["organiser"], organiser_id=organiser_id(listings_app, "ilo")))


def propose(client, activity_id: int, **changes):
    url, page = edit_page(client, activity_id)
    data = form_values(page)
    data.update(changes)
    response = client.post(url, data=data)
    assert response.status_code == 303, text_of(response)[:800]
    assert response.headers["Location"].endswith("/en/staff/listings")
    with client.application.app_context():
        return portal_db.session().scalar(select(ListingChange).where(ListingChange.activity_id == activity_id)
                                          .order_by(ListingChange.id.desc()))


def test_an_organisers_edit_waits_for_an_editor_and_approval_shows_it(listings_app, ids, editor, organiser):
    activity_id = ids["digi-help"]
    new = word()
    change = propose(organiser, activity_id, **{"text_en-name": f"Digital help {new}", "price_euros": "4",
                                                 "weekly": "mon 17:30-19:00\nwed 10:00-11:00"})
    assert change.status == "pending"
    # Not shown anywhere yet.
    assert new not in public_text(listings_app, "en", activity_id)
    assert found_ids(listings_app, "en", new) == set()
    assert activity(listings_app, activity_id).price_cents == 0
    # The organiser cannot approve it; the editor sees it waiting.
    assert organiser.post(f"/en/staff/listings/changes/{change.id}/approve",
                          data={"csrf_token": csrf(organiser)}).status_code == 403
    assert "Changes waiting for review" in text_of(editor.get("/en/staff/listings"))
    page = editor.get(f"/en/staff/listings/{activity_id}")
    assert f'action="/en/staff/listings/changes/{change.id}/approve"' in page.get_data(as_text=True)
    response = editor.post(f"/en/staff/listings/changes/{change.id}/approve", data={"csrf_token": csrf(editor)})
    assert response.status_code == 303
    assert f"Digital help {new}" in public_text(listings_app, "en", activity_id)
    assert found_ids(listings_app, "en", new) == {activity_id}
    saved = activity(listings_app, activity_id)
    assert saved.price_cents == 400 and len(saved.weekly) == 2
    with listings_app.app_context():
        assert portal_db.session().get(ListingChange, change.id).status == "approved"
    # A decided change cannot be decided again.
    again = editor.post(f"/en/staff/listings/changes/{change.id}/reject", data={"csrf_token": csrf(editor)})
    assert again.status_code == 400


def test_a_rejected_organiser_edit_changes_nothing(listings_app, ids, editor, organiser):
    activity_id = ids["nature-walk"]
    before = activity(listings_app, activity_id)
    new = word()
    change = propose(organiser, activity_id, **{"text_fi-name": f"Kävely {new}", "price_euros": "50"})
    response = editor.post(f"/en/staff/listings/changes/{change.id}/reject", data={"csrf_token": csrf(editor)})
    assert response.status_code == 303
    with listings_app.app_context():
        assert portal_db.session().get(ListingChange, change.id).status == "rejected"
    after = activity(listings_app, activity_id)
    assert after.texts["fi"].name == before.texts["fi"].name and after.price_cents == before.price_cents
    assert new not in public_text(listings_app, "fi", activity_id)
    assert found_ids(listings_app, "fi", new) == set()
    assert f"Kävely {new}" not in text_of(editor.get("/en/staff/listings"))


# Approving an organiser's proposed new activity saves it (the same whole-Activity rule as above).
def test_an_organisers_new_activity_waits_for_approval(listings_app, editor, organiser):
    new = word()
    url, page = edit_page(organiser, None)
    data = form_values(page)
    data.update({"text_fi-name": f"Järjestön uusi {new}", "text_fi-summary": "Uutta.", "categories": ["community"]})
    response = organiser.post(url, data=data)
    assert response.status_code == 303
    assert found_ids(listings_app, "fi", new) == set()
    with listings_app.app_context():
        change = portal_db.session().scalar(select(ListingChange).where(ListingChange.activity_id.is_(None))
                                            .order_by(ListingChange.id.desc()))
    assert change.data["text_fi"]["name"] == f"Järjestön uusi {new}"
    listing = editor.get("/en/staff/listings")
    assert f"Järjestön uusi {new}" in text_of(listing)
    assert editor.post(f"/en/staff/listings/changes/{change.id}/approve",
                       data={"csrf_token": csrf(editor)}).status_code == 303
    found = found_ids(listings_app, "fi", new)
    assert len(found) == 1
    assert activity(listings_app, found.pop()).organiser_id == organiser_id(listings_app, "ilo")


# --- stale listings ---------------------------------------------------------------------------------------------

def listed_names(client, stale: bool) -> set[int]:
    page = client.get("/en/staff/listings" + ("?stale=1" if stale else ""))
    assert page.status_code == 200
    return {int(a["href"].rsplit("/", 1)[1]) for a in soup(page).select("table.data tbody th a")}


def test_the_stale_filter_lists_only_listings_not_checked_for_six_months(listings_app, ids, editor):
    set_checked_on(listings_app, ids["lunch-01"], today() - dt.timedelta(days=400))
    set_checked_on(listings_app, ids["lunch-02"], today() - dt.timedelta(days=184))
    set_checked_on(listings_app, ids["lunch-03"], today() - dt.timedelta(days=182))
    set_checked_on(listings_app, ids["lunch-04"], today() - dt.timedelta(days=10))
    stale = listed_names(editor, stale=True)
    assert {ids["lunch-01"], ids["lunch-02"]} <= stale
    assert ids["lunch-03"] not in stale and ids["lunch-04"] not in stale
    with listings_app.app_context():
        every = portal_db.session().scalars(select(Activity)).all()
        expected = {a.id for a in every if (today() - a.last_checked_on).days >= 183}
    assert stale == expected
    everything = listed_names(editor, stale=False)
    assert len(everything) == len(every)
    page = soup(editor.get("/en/staff/listings"))
    flagged = {int(row.th.a["href"].rsplit("/", 1)[1]) for row in page.select("table.data tbody tr")
               if row.select_one(".tag-urgent")}
    assert flagged == expected
    # Least recently checked first.
    order = [int(a["href"].rsplit("/", 1)[1]) for a in page.select("table.data tbody th a")]
    assert order.index(ids["lunch-01"]) < order.index(ids["lunch-02"]) < order.index(ids["lunch-04"])


# Stale means "not checked for 183 days or more": a listing checked exactly 183 days ago is flagged
# and listed by the stale filter.
def test_a_listing_checked_exactly_183_days_ago_is_stale(listings_app, ids, editor):
    set_checked_on(listings_app, ids["lunch-05"], today() - dt.timedelta(days=183))
    assert ids["lunch-05"] in listed_names(editor, stale=True)


# --- one unit of work ------------------------------------------------------------------------------------------

class Halfway(RuntimeError):
    """Raised on purpose in the middle of a request."""


def _fail_on(action: str, original):
    def add(session, staff_id, done, *args, **kwargs):
        if done == action:
            raise Halfway(done)
        return original(session, staff_id, done, *args, **kwargs)
    return add


@pytest.mark.parametrize("where", ["after the listing is written", "after the change is decided"])
def test_approving_a_change_that_fails_halfway_leaves_nothing_half_done(listings_app, ids, editor, organiser,
                                                                        monkeypatch, where):
    from portal.staff import audit, listings, views_catalogue

    activity_id = ids["digi-help"]
    before = activity(listings_app, activity_id)
    new = word()
    change = propose(organiser, activity_id, **{"text_en-name": f"Half {new}", "price_euros": "7"})
    if where == "after the listing is written":
        # _write has changed, flushed and reindexed the listing; marking the change approved fails.
        monkeypatch.setattr(listings.audit, "add", _fail_on("approved", audit.add))
    else:
        monkeypatch.setattr(views_catalogue, "flash", lambda *_a, **_k: (_ for _ in ()).throw(Halfway()))
    with pytest.raises(Halfway):
        editor.post(f"/en/staff/listings/changes/{change.id}/approve", data={"csrf_token": csrf(editor)})
    monkeypatch.undo()
    after = activity(listings_app, activity_id)
    assert after.price_cents == before.price_cents and after.texts["en"].name == before.texts["en"].name
    assert found_ids(listings_app, "en", new) == set()
    with listings_app.app_context():
        assert portal_db.session().get(ListingChange, change.id).status == "pending"
        assert portal_db.session().scalar(select(AuditEntry).where(AuditEntry.record_type == "listing_change",
                                                                   AuditEntry.record_id == change.id)) is None
    # Once the failure is gone, the same approval goes through.
    assert editor.post(f"/en/staff/listings/changes/{change.id}/approve",
                       data={"csrf_token": csrf(editor)}).status_code == 303
    assert activity(listings_app, activity_id).price_cents == 700
