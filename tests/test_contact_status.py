"""Status for every contact: a concern notice by reference and a check (the older person's year of birth,
or the last four digits of a named notifier's phone), saying only received / being handled / closed;
a callback request with the day we call by, each unanswered call and what to do then."""
from __future__ import annotations

import datetime as dt

import pytest
from form_support import (  # noqa: F401
    CONTACT,
    LANGUAGES,
    PERSON,
    callbacks_named,
    check_basics,
    day_name,
    error_links,
    field_value,
    hidden_fields,
    main_text,
    resident,
    send_callback,
    send_concern,
    soup,
    tr,
    unique,
    visitor,
    walk_concern,
    words,
)
from page_checks import check_page
from sqlalchemy import update
from staff_support import act, add_callback, add_concern, load, signed_in

from portal import db as portal_db
from portal.callback.models import CallbackRequest
from portal.concern.models import ConcernNotice
from portal.config import city_timezone
from portal.db import utcnow
from portal.workdays import add_working_days

NOT_FOUND = "We could not find a notice with that reference and check. Check both and try again."


def concern_lookup(client, lang, reference, check):
    page = client.get(f"/{lang}/concern/status")
    data = hidden_fields(page, f"/{lang}/concern/status")
    data.update(reference=reference, check=check)
    return client.post(f"/{lang}/concern/status", data=data)


def sent_concern(app, client, lang="en", **walk) -> str:
    walk_concern(client, lang, **walk)
    assert send_concern(client, lang).status_code == 303
    return words(soup(client.get(f"/{lang}/concern/sent")).select_one(".reference"))


def panel_text(response) -> str | None:
    panel = soup(response).select_one(".panel[role=status]")
    return words(panel) if panel is not None else None


# --- the concern notice's status -------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
def test_concern_status_page_in_each_language(app, visitor, lang):
    page = check_page(visitor.get(f"/{lang}/concern/status"), lang=lang)
    assert words(page.h1) == tr(app, lang, "Check your concern notice")
    assert page.select_one(".panel") is None
    assert page.find("form", attrs={"action": f"/{lang}/concern/status", "method": "post"}) is not None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_named_notifier_checks_with_the_year_of_birth_or_their_phone_digits(app, lang):
    reference = sent_concern(app, resident(app), lang, person={**PERSON, "age": "1941"})
    for check in ("1941", "2233", " 2233 "):  # CONTACT's phone is 040 111 2233
        response = concern_lookup(resident(app), lang, reference.lower(), check)
        text = panel_text(response)
        assert text is not None, check
        assert tr(app, lang, "Received. An adviser will read it soon.") in text
        # The notice's contents are not shown: only its state.
        body = response.get_data(as_text=True)
        assert PERSON["name"] not in body and CONTACT["contact_name"] not in body


def test_an_age_is_not_a_check_but_the_phone_is(app):
    reference = sent_concern(app, resident(app))  # PERSON's age is 84, not a year
    assert panel_text(concern_lookup(resident(app), "en", reference, "0084")) is None
    assert panel_text(concern_lookup(resident(app), "en", reference, "2233")) is not None


def test_an_anonymous_notifier_checks_with_the_year_of_birth_only(app):
    reference = sent_concern(app, resident(app), identity="anonymous", person={**PERSON, "age": "1938"})
    assert panel_text(concern_lookup(resident(app), "en", reference, "1938")) is not None
    assert panel_text(concern_lookup(resident(app), "en", reference, "2233")) is None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_confirmation_says_how_to_check_and_links_the_status_page(app, lang):
    client = resident(app)
    sent_concern(app, client, lang, person={**PERSON, "age": "1941"})
    page = soup(client.get(f"/{lang}/concern/sent"))
    assert page.find("a", href=f"/{lang}/concern/status") is not None
    assert tr(app, lang, "You can check whether the notice is being handled with the reference and the older "
                         "person's year of birth, or the last four digits of your phone number.") in words(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_concern_start_page_links_the_status_page(app, visitor, lang):
    link = soup(visitor.get(f"/{lang}/concern")).find("a", href=f"/{lang}/concern/status")
    assert link is not None and words(link) == tr(app, lang, "Check a notice you have already sent")


def test_a_notice_with_nothing_to_check_says_so_on_the_confirmation(app):
    client = resident(app)
    sent_concern(app, client, identity="anonymous")  # an age, not a year, and no notifier's phone
    text = main_text(client.get("/en/concern/sent"))
    assert tr(app, "en", "This notice cannot be checked online, because it has no year of birth or phone number "
                         "to check it with.") in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_wrong_combination_gets_the_same_answer(app, lang):
    reference = sent_concern(app, resident(app), lang, person={**PERSON, "age": "1941"})
    anonymous = add_concern(app, anonymous=True, personal={"name": "X"}).reference  # nothing to check with
    removed = add_concern(app, personal={}).reference  # retention removed its personal data
    answers = {
        "wrong check": concern_lookup(resident(app), lang, reference, "1942"),
        "unknown reference": concern_lookup(resident(app), lang, "ACDE-FGHJ", "1941"),
        "nothing to check with": concern_lookup(resident(app), lang, anonymous, "2233"),
        "personal data removed": concern_lookup(resident(app), lang, removed, "2233"),
    }
    for case, response in answers.items():
        check_basics(response, lang, 200)
        assert panel_text(response) is None, case
        assert error_links(response) == {"reference": tr(app, lang, NOT_FOUND)}, case


def _set(app, model, item_id, **values):
    with app.app_context(), portal_db.transaction() as session:
        session.execute(update(model).where(model.id == item_id).values(**values))


@pytest.mark.parametrize("status, outcome, told", [
    ("received", None, "Received. An adviser will read it soon."),
    ("triage", None, "Being handled. An adviser is working on it."),
    ("assessment", None, "Being handled. An adviser is working on it."),
    ("closed", "no_action", "Closed. An adviser has handled it."),
    ("closed", "advice_given", "Closed. An adviser has handled it."),
    ("closed", "service_need_assessment", "Closed. It was passed on to the service that can help."),
    ("closed", "referred_organisation", "Closed. It was passed on to the service that can help."),
])
def test_the_notifier_hears_only_received_handling_or_closed(app, status, outcome, told):
    notice = add_concern(app, personal={"age": "1940", "name": unique("Older")})
    _set(app, ConcernNotice, notice.id, status=status, outcome=outcome,
         closed_at=utcnow() if status == "closed" else None)
    response = concern_lookup(resident(app), "en", notice.reference, "1940")
    text = panel_text(response)
    assert text is not None and tr(app, "en", told) in text
    # Never what was found or done: no outcome's words on the page.
    from portal.concern.states import OUTCOMES

    page = main_text(response)
    assert not any(str(label) in page for label in OUTCOMES.values())
    assert tr(app, "en", "We do not tell you what was found or done, because the older person's matters are "
                         "confidential.") in page


def test_concern_lookups_share_the_status_rate_limit(app):
    reference = sent_concern(app, resident(app), person={**PERSON, "age": "1941"})
    guesser = resident(app)
    statuses = [concern_lookup(guesser, "en", reference, str(year)).status_code for year in range(1900, 1910)]
    assert statuses == [200] * 10
    blocked = concern_lookup(guesser, "en", reference, "1941")
    check_basics(blocked, "en", 429)
    assert int(blocked.headers["Retry-After"]) > 0 and panel_text(blocked) is None
    assert field_value(blocked, "/en/concern/status", "reference") == reference
    # The callback status page counts the same guesses: alternating pages gives no more tries.
    page = guesser.get("/en/callback/status")
    data = {**hidden_fields(page, "/en/callback/status"), "reference": "ACDE-FGHJ", "last_digits": "4567"}
    assert guesser.post("/en/callback/status", data=data).status_code == 429
    # Another visitor is not affected.
    assert panel_text(concern_lookup(resident(app), "en", reference, "1941")) is not None


def test_concern_status_needs_both_fields(app, visitor):
    response = concern_lookup(visitor, "en", "", "")
    assert error_links(response) == {"reference": tr(app, "en", "Enter the reference."),
                                     "check": tr(app, "en", "Enter the year of birth or the last four digits.")}


# --- the callback request's status -----------------------------------------------------------------------

def callback_lookup(client, lang, reference, digits):
    page = client.get(f"/{lang}/callback/status")
    data = {**hidden_fields(page, f"/{lang}/callback/status"), "reference": reference, "last_digits": digits}
    return client.post(f"/{lang}/callback/status", data=data)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_callback_status_says_the_day_we_call_by(app, lang):
    client = resident(app)
    name = unique("Call by")
    assert send_callback(client, lang, name=name, phone="040 123 4567").status_code == 303
    [saved] = callbacks_named(app, name)
    call_by = add_working_days(saved.created_at.replace(tzinfo=dt.UTC).astimezone(city_timezone()).date(),
                               app.config["SERVICE"]["callback_within_working_days"])
    text = panel_text(callback_lookup(resident(app), lang, saved.reference, "4567"))
    assert tr(app, lang, "We call by %(day)s.", day=day_name(app, lang, call_by)) in text
    assert app.config["SERVICE"]["advice_line_phone_display"] in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_callback_status_lists_each_unanswered_call_and_what_to_do(app, lang):
    first, second = dt.datetime(2026, 11, 30, 9, 30), dt.datetime(2026, 12, 1, 13, 0)
    saved = add_callback(app, phone="+358401119876", status="closed_no_answer", first_attempt_at=first,
                         closed_at=second, outcome="other_no_answer")
    response = callback_lookup(resident(app), lang, saved.reference, "9876")
    page = soup(response)
    attempts = [words(li) for li in page.select(".call-attempts li")]
    from portal import formatting

    with app.test_request_context(f"/{lang}/"):
        from flask import g

        g.lang = lang
        expected = [tr(app, lang, "%(day)s: we called, nobody answered.", day=formatting.date_only(day.date()))
                    for day in (first, second)]
    assert attempts == expected
    text = panel_text(response)
    assert tr(app, lang, "Ask for a new call") in text
    assert page.select_one(".panel").find("a", href=f"/{lang}/callback") is not None
    # Closed: no promise of a call any more.
    assert tr(app, lang, "We call by %(day)s.", day="|").split("|")[0] not in text


def test_a_new_request_has_no_attempts_listed(app):
    saved = add_callback(app, phone="+358401115555")
    page = soup(callback_lookup(resident(app), "en", saved.reference, "5555"))
    assert page.select(".call-attempts li") == []
    assert tr(app, "en", "Ask for a new call") not in words(page.select_one(".panel"))


def test_the_advisers_first_no_answer_is_the_first_attempt_shown(app):
    saved = add_callback(app, phone="+358401114444")
    client, _staff = signed_in(app, ["adviser"])
    assert act(client, "callback", saved.id, "claim").status_code == 303
    assert act(client, "callback", saved.id, "no-answer").status_code == 303
    record = load(app, CallbackRequest, saved.id)
    assert record.status == "attempt_1" and record.first_attempt_at is not None
    page = soup(callback_lookup(resident(app), "en", saved.reference, "4444"))
    assert len(page.select(".call-attempts li")) == 1


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_callback_confirmation_links_the_status_page(app, lang):
    client = resident(app)
    assert send_callback(client, lang).status_code == 303
    assert soup(client.get(f"/{lang}/callback/sent")).find("a", href=f"/{lang}/callback/status") is not None
