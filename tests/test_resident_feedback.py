"""Resident feedback: the anonymous questionnaire after a contact (the four PAKU quality points, 1-5 and
"cannot say"), "Did you find what you were looking for?" under the activity search, and both in the
staff statistics by month with small counts hidden."""
from __future__ import annotations

import datetime as dt

import pytest
from form_support import (
    LANGUAGES,
    error_links,
    hidden_fields,
    main_text,
    resident,
    send_callback,
    send_concern,
    soup,
    tr,
    unique,
    walk_concern,
    words,
)
from page_checks import check_page
from sqlalchemy import delete, func, inspect, select
from staff_support import add_callback, add_concern, make_staff, sign_in

from portal import db as portal_db
from portal.db import utcnow
from portal.limits import limiter
from portal.resident_feedback import queries
from portal.resident_feedback.models import ContactAnswers, FoundAnswer, UsedFeedbackForm

POINTS = ("encounter", "competence", "cooperation", "impact")
STATEMENTS = ("You were listened to and treated with respect.",
              "You got information or help that suited your matter.",
              "You got to the right place without being sent from one place to another.",
              "Your matter moved forward after the contact.")
SCALE = ("Very well", "Well", "Satisfactorily", "Poorly", "Very poorly", "Cannot say")


@pytest.fixture(autouse=True)
def fresh_counts(app):
    limiter.reset()
    yield
    limiter.reset()


def count(app, model, *where) -> int:
    with app.app_context():
        return portal_db.session().scalar(select(func.count()).select_from(model).where(*where))


def newest_answers(app) -> ContactAnswers:
    with app.app_context():
        session = portal_db.session()
        found = session.scalars(select(ContactAnswers).order_by(ContactAnswers.id.desc()).limit(1)).one()
        session.expunge(found)
        return found


def questionnaire(client, lang="en", channel="callback"):
    page = client.get(f"/{lang}/feedback/{channel}")
    check_page(page, lang=lang)
    return page


def send_answers(client, lang="en", channel="callback", page=None, **answers):
    page = page or questionnaire(client, lang, channel)
    data = hidden_fields(page, f"/{lang}/feedback/{channel}") if soup(page).find(
        "form", attrs={"action": f"/{lang}/feedback/{channel}"}) else _own_form(page)
    data.update(answers)
    return client.post(f"/{lang}/feedback/{channel}", data=data)


def _own_form(page):
    form = soup(page).find("form", attrs={"method": "post", "action": None})
    return {f["name"]: f.get("value", "") for f in form.select("input[type=hidden]")}


# --- the questionnaire -------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("channel", ["callback", "concern"])
def test_the_questionnaire_asks_the_four_points_on_the_cards_scale(app, lang, channel):
    page = soup(questionnaire(resident(app), lang, channel))
    assert words(page.h1) == tr(app, lang, "How did your contact with us go?")
    form = page.find("form", attrs={"method": "post", "action": None})
    fieldsets = form.find_all("fieldset")
    assert [words(f.legend) for f in fieldsets] == [tr(app, lang, s) for s in STATEMENTS]
    for code, fieldset in zip(POINTS, fieldsets, strict=True):
        radios = fieldset.find_all("input", attrs={"type": "radio"})
        assert [r["name"] for r in radios] == [code] * 6
        assert [r["value"] for r in radios] == ["5", "4", "3", "2", "1", "0"]
        labels = [words(page.find("label", attrs={"for": r["id"]})) for r in radios]
        assert labels == [tr(app, lang, label) for label in SCALE]
        assert not any(r.has_attr("checked") or r.has_attr("required") for r in radios)  # all optional
    # Plain HTML: a form with its token, no script needed.
    assert form.find("input", attrs={"name": "csrf_token"})["value"]
    assert form.find("input", attrs={"name": "submission"})["value"]
    text = main_text(questionnaire(resident(app), lang, channel))
    assert tr(app, lang, "These answers are not a formal complaint, and nobody replies to them.") in text


def test_an_unknown_channel_is_not_found(app):
    assert resident(app).get("/en/feedback/email").status_code == 404


@pytest.mark.parametrize("lang", LANGUAGES)
def test_answers_are_stored_with_month_channel_and_language_only(app, lang):
    client = resident(app)
    before = count(app, ContactAnswers)
    response = send_answers(client, lang, "concern", encounter="5", competence="0", impact="2")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/{lang}/feedback/thanks")
    thanks = check_page(client.get(response.headers["Location"]), lang=lang)
    assert words(thanks.h1) == tr(app, lang, "Thank you for your answers")
    assert count(app, ContactAnswers) == before + 1
    saved = newest_answers(app)
    today = utcnow().date()
    assert saved.month in (f"{today.year}-{today.month:02d}", queries_month(app))
    assert (saved.channel, saved.ui_language) == ("concern", lang)
    # 0 is "cannot say"; a question left unanswered is NULL.
    assert (saved.encounter, saved.competence, saved.cooperation, saved.impact) == (5, 0, None, 2)


def queries_month(app) -> str:
    with app.app_context():
        return queries.this_month()


def test_nothing_links_an_answer_to_a_person_or_a_request(app):
    with app.app_context():
        columns = {c["name"] for c in inspect(portal_db.session().get_bind()).get_columns("contact_feedback")}
        used = {c["name"] for c in inspect(portal_db.session().get_bind()).get_columns("contact_feedback_form")}
    assert columns == {"id", "month", "channel", "ui_language", *POINTS}
    assert used == {"submission", "used_on"}  # the used form tokens: no answer, no time of day


def test_the_same_form_sent_twice_counts_once(app):
    client = resident(app)
    page = questionnaire(client)
    before = count(app, ContactAnswers)
    first = send_answers(client, page=page, encounter="4")
    again = send_answers(client, page=page, encounter="4")
    assert first.status_code == again.status_code == 303
    assert count(app, ContactAnswers) == before + 1
    # A new questionnaire (a new token) is a new answer.
    assert send_answers(client, encounter="3").status_code == 303
    assert count(app, ContactAnswers) == before + 2


def test_a_questionnaire_with_no_answer_is_shown_again_with_a_message(app):
    client = resident(app)
    before = count(app, ContactAnswers)
    response = send_answers(client)
    page = check_page(response, lang="en")
    assert "Choose an answer to at least one question, or leave this page." in words(page.select_one(".error-summary"))
    assert count(app, ContactAnswers) == before


@pytest.mark.parametrize("case", ["no token", "forged token", "other channel's token", "bad score"])
def test_a_post_without_a_good_token_or_with_a_bad_score_stores_nothing(app, case):
    client = resident(app)
    page = questionnaire(client, channel="callback")
    data = _own_form(page)
    data["encounter"] = "5"
    if case == "no token":
        data.pop("submission")
    elif case == "forged token":
        data["submission"] = "x" * 40
    elif case == "other channel's token":
        data = _own_form(questionnaire(client, channel="concern")) | {"encounter": "5"}
    else:
        data["encounter"] = "6"
    before = count(app, ContactAnswers)
    response = client.post("/en/feedback/callback", data=data)
    assert response.status_code == 200
    check_page(response)
    assert count(app, ContactAnswers) == before
    if case == "bad score":
        assert "encounter-0" in error_links(response)


def test_an_expired_security_token_shows_the_answers_again_with_a_new_one(app):
    client = resident(app)
    data = _own_form(questionnaire(client)) | {"encounter": "4", "impact": "0"}
    data["csrf_token"] = "expired"
    before = count(app, ContactAnswers)
    response = client.post("/en/feedback/callback", data=data)
    page = check_page(response, status=400)
    assert page.find("input", attrs={"name": "encounter", "value": "4"}).has_attr("checked")
    assert page.find("input", attrs={"name": "impact", "value": "0"}).has_attr("checked")
    assert count(app, ContactAnswers) == before
    again = _own_form(response) | {"encounter": "4", "impact": "0"}
    assert client.post("/en/feedback/callback", data=again).status_code == 303
    assert count(app, ContactAnswers) == before + 1


def test_used_tokens_are_kept_two_days_only(app):
    with app.app_context(), portal_db.transaction() as session:
        session.add(UsedFeedbackForm(submission="f" * 64, used_on=utcnow().date() - dt.timedelta(days=3)))
        session.add(UsedFeedbackForm(submission="e" * 64, used_on=utcnow().date() - dt.timedelta(days=1)))
    assert send_answers(resident(app), encounter="4").status_code == 303
    assert count(app, UsedFeedbackForm, UsedFeedbackForm.submission == "f" * 64) == 0
    assert count(app, UsedFeedbackForm, UsedFeedbackForm.submission == "e" * 64) == 1


# --- where it is offered -------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_callback_confirmation_links_to_the_questionnaire(app, lang):
    client = resident(app)
    assert send_callback(client, lang).status_code == 303
    page = check_page(client.get(f"/{lang}/callback/sent"), lang=lang)
    links = [a["href"] for a in page.select("main a[href]")]
    assert f"/{lang}/feedback/callback" in links


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_concern_confirmation_links_to_the_questionnaire(app, lang):
    client = resident(app)
    walk_concern(client, lang)
    response = send_concern(client, lang)
    assert response.status_code == 303
    page = check_page(client.get(response.headers["Location"]), lang=lang)
    assert f"/{lang}/feedback/concern" in [a["href"] for a in page.select("main a[href]")]


def status_page(client, lang, reference):
    page = client.get(f"/{lang}/callback/status")
    data = hidden_fields(page, f"/{lang}/callback/status")
    data.update(reference=reference, last_digits="4567")
    return client.post(f"/{lang}/callback/status", data=data)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_callback_status_offers_the_questionnaire_once_the_contact_is_closed(app, lang):
    now = utcnow()
    open_one = add_callback(app, created_at=now)
    closed = add_callback(app, created_at=now - dt.timedelta(days=2), status="closed",
                          reached_at=now - dt.timedelta(days=1), closed_at=now - dt.timedelta(days=1),
                          outcome="info_by_mail")
    unreached = add_callback(app, created_at=now - dt.timedelta(days=2), status="closed_no_answer",
                             closed_at=now - dt.timedelta(days=1), outcome="other_no_answer")
    for record, offered in ((open_one, False), (closed, True), (unreached, False)):
        page = check_page(status_page(resident(app), lang, record.reference), lang=lang)
        links = [a["href"] for a in page.select("main a[href]")]
        assert (f"/{lang}/feedback/callback" in links) is offered, record.status
        # The link carries nothing about the request.
        assert not any(record.reference in href for href in links)


def concern_status_page(client, lang, reference, check):
    page = client.get(f"/{lang}/concern/status")
    data = hidden_fields(page, f"/{lang}/concern/status")
    data.update(reference=reference, check=check)
    return client.post(f"/{lang}/concern/status", data=data)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_concern_status_offers_the_questionnaire_once_the_notice_is_closed(app, lang):
    now = utcnow()
    cases = [("received", None, False), ("triage", None, False), ("closed", "advice_given", True),
             ("closed", "service_need_assessment", True)]
    for status, outcome, offered in cases:
        notice = add_concern(app, personal={"age": "1941", "name": unique("Older")}, status=status, outcome=outcome,
                             closed_at=now if status == "closed" else None)
        page = check_page(concern_status_page(resident(app), lang, notice.reference, "1941"), lang=lang)
        assert page.select_one(".panel[role=status]") is not None, "the notice was not found"
        links = [a["href"] for a in page.select("main a[href]")]
        assert (f"/{lang}/feedback/concern" in links) is offered, status
        assert not any(notice.reference in href for href in links)


# --- did you find what you were looking for? ---------------------------------------------------------------

def browser(app):
    """A visitor whose browser marks its form posts with Sec-Fetch-Site, as every current one does."""
    client = resident(app)
    client.environ_base["HTTP_SEC_FETCH_SITE"] = "same-origin"
    return client


def found_action(page) -> str:
    lang = page.request.path.strip("/").split("/")[0]
    return f"/{lang}/feedback/found"


def press(client, page, **answers):
    form = soup(page).find("form", attrs={"action": found_action(page)})
    assert form is not None, "no found-feedback form"
    data = {f["name"]: f.get("value", "") for f in form.select("input[type=hidden], input[type=text]")}
    data.update(answers)
    return client.post(form["action"], data=data)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_search_results_ask_whether_you_found_it_without_javascript(app, catalogue, lang):
    client = browser(app)
    page = client.get(f"/{lang}/activities?q=chair")
    check_page(page, lang=lang)
    assert client.get_cookie("session") is None  # the results stay cacheable: no session, no token
    form = soup(page).find("form", attrs={"action": f"/{lang}/feedback/found"})
    assert form["method"] == "post"
    assert words(form.legend) == tr(app, lang, "Did you find what you were looking for?")
    assert [r["value"] for r in form.find_all("input", attrs={"name": "found"})] == ["yes", "no"]
    before = count(app, FoundAnswer)
    response = press(client, page, found="no", text="Swimming for men, call me 040 123 4567 or a@b.fi")
    assert response.status_code == 303
    assert count(app, FoundAnswer) == before + 1
    with app.app_context():
        saved = portal_db.session().scalars(select(FoundAnswer).order_by(FoundAnswer.id.desc()).limit(1)).one()
        assert (saved.found, saved.ui_language) == (False, lang)
        assert "4567" not in saved.text and "@" not in saved.text and saved.text.startswith("Swimming for men")
    thanks = check_page(client.get(response.headers["Location"]), lang=lang)
    text = words(thanks.find("main"))
    assert tr(app, lang, "We can help you look") in text
    back = [a["href"] for a in thanks.select("main a") if words(a) == tr(app, lang, "Back to the activities")]
    assert back == [f"/{lang}/activities?q=chair"]


def test_a_yes_needs_no_words(app, catalogue):
    client = browser(app)
    page = client.get("/en/activities")
    before = count(app, FoundAnswer)
    response = press(client, page, found="yes")
    assert response.status_code == 303
    with app.app_context():
        saved = portal_db.session().scalars(select(FoundAnswer).order_by(FoundAnswer.id.desc()).limit(1)).one()
        assert (saved.found, saved.text) == (True, None)
    assert count(app, FoundAnswer) == before + 1
    assert "We can help you look" not in main_text(client.get(response.headers["Location"]))


def test_no_answer_chosen_shows_the_question_again(app, catalogue):
    client = browser(app)
    before = count(app, FoundAnswer)
    response = press(client, client.get("/en/activities"), text="choir")
    page = check_page(response, status=400)
    assert "found-0" in error_links(response)
    assert page.find("input", attrs={"name": "text"})["value"] == "choir"
    assert count(app, FoundAnswer) == before


@pytest.mark.parametrize("back", ["https://evil.example/", "//evil.example/x", "/en/staff/", "/en/activities?q=ok"])
def test_back_leads_only_to_the_activity_search(app, back):
    page = check_page(resident(app).get(f"/en/feedback/found/thanks?back={back}"))
    [link] = [a["href"] for a in page.select("main a") if words(a) == "Back to the activities"]
    assert link == (back if back == "/en/activities?q=ok" else "/en/activities")


def test_a_post_from_another_site_stores_nothing(app, catalogue):
    client = resident(app)
    client.environ_base["HTTP_SEC_FETCH_SITE"] = "cross-site"
    before = count(app, FoundAnswer)
    response = press(client, client.get("/en/activities"), found="yes")
    assert response.status_code == 400
    assert count(app, FoundAnswer) == before


def test_an_unmarked_post_asks_once_more_with_a_token(app, catalogue):
    client = resident(app)  # sends neither Sec-Fetch-Site nor Origin
    before = count(app, FoundAnswer)
    first = press(client, client.get("/en/activities"), found="yes", text="yoga")
    page = check_page(first, status=400)
    assert count(app, FoundAnswer) == before
    form = page.find("form", attrs={"action": "/en/feedback/found"})
    data = {f["name"]: f.get("value", "") for f in form.select("input[type=hidden], input[type=text]")}
    assert data["csrf_token"] and data["text"] == "yoga"
    data["found"] = "yes"
    assert client.post("/en/feedback/found", data=data).status_code == 303
    assert count(app, FoundAnswer) == before + 1


@pytest.mark.parametrize("typed, kept", [
    ("Tuolijumppa Kalliossa", "Tuolijumppa Kalliossa"),
    ("soita 040 123 4567 kiitos", "soita … kiitos"),
    ("+358401234567", "…"),
    ("mail aino.virtanen@example.fi", "mail …"),
    ("klo 10-12 tiistaisin", "klo 10-12 tiistaisin"),
    ("00530 Helsinki", "00530 Helsinki"),
])
def test_contact_details_are_taken_out_of_the_words(typed, kept):
    assert queries.without_contact_details(typed) == kept


def test_purge_removes_the_words_after_the_report_period_and_keeps_the_answer(fresh_app):
    from portal.retention import purge

    app, now = fresh_app, utcnow()
    days = app.config["SERVICE"]["retention_days"]["report"]
    old = now - dt.timedelta(days=days + 31)  # a month wholly before the period
    with app.app_context(), portal_db.transaction() as session:
        session.add(FoundAnswer(month=f"{old.year}-{old.month:02d}", ui_language="fi", found=False, text="vanha"))
        session.add(FoundAnswer(month=f"{now.year}-{now.month:02d}", ui_language="fi", found=False, text="uusi"))
    with app.app_context(), portal_db.transaction():
        assert purge(now)["search feedback texts"] == 1
    with app.app_context():
        kept = portal_db.session().execute(select(FoundAnswer.found, FoundAnswer.text).order_by(FoundAnswer.id)).all()
    assert kept == [(False, None), (False, "uusi")]


# --- the staff statistics ------------------------------------------------------------------------------------

MONTHS = ("2025-03", "2025-04")


@pytest.fixture
def feedback_months(app):
    """Hand-made answers in two months no other test uses: March has 6 questionnaires, April 3."""
    rows = [
        # March: encounter 5,4,4,3,5,0 -> rated 5, average 4.2; competence 5,5,5,5 (4 rated) -> fewer than 5
        ("2025-03", "callback", "fi", 5, 5, None, 1), ("2025-03", "callback", "fi", 4, 5, None, 2),
        ("2025-03", "callback", "sv", 4, 5, None, 3), ("2025-03", "concern", "fi", 3, 5, None, 4),
        ("2025-03", "callback", "fi", 5, None, None, 5), ("2025-03", "callback", "en", 0, 0, None, 5),
        ("2025-04", "callback", "fi", 2, 2, 2, 2), ("2025-04", "callback", "fi", 3, 3, 3, 3),
        ("2025-04", "concern", "fi", 4, 4, 4, 4),
    ]
    found = [("2025-03", True)] * 7 + [("2025-03", False)] * 2 + [("2025-04", False)] * 5
    with app.app_context(), portal_db.transaction() as session:
        for month, channel, lang, *scores in rows:
            session.add(ContactAnswers(month=month, channel=channel, ui_language=lang,
                                       **dict(zip(POINTS, scores, strict=True))))
        for month, was_found in found:
            session.add(FoundAnswer(month=month, ui_language="fi", found=was_found,
                                    text="uinti" if not was_found else None))
    yield
    with app.app_context(), portal_db.transaction() as session:
        session.execute(delete(ContactAnswers).where(ContactAnswers.month.in_(MONTHS)))
        session.execute(delete(FoundAnswer).where(FoundAnswer.month.in_(MONTHS)))


def test_the_figures_are_the_hand_computed_ones(app, feedback_months):
    with app.app_context():
        f = queries.figures(list(MONTHS))
    assert f.answers_by_month == {"2025-03": 6, "2025-04": 3}
    march = f.points_by_month["2025-03"]
    assert (march["encounter"].rated, march["encounter"].average, march["encounter"].cannot_say) == (5, 4.2, 1)
    assert (march["competence"].rated, march["competence"].average) == (4, None)  # fewer than 5
    assert march["impact"].average == 3.3  # (1+2+3+4+5+5) / 6
    assert (f.points["impact"].rated, f.points["impact"].average) == (9, 3.2)  # (20 + 2+3+4) / 9
    assert f.found_by_month["2025-03"] == {True: 7, False: 2}
    assert f.found_by_month["2025-04"] == {True: 0, False: 5}
    assert f.by_channel_language[("callback", "fi")] == 5
    assert queries.shown(4) is None and queries.shown(5) == 5 and queries.shown(0) == 0


def table(page, caption_start):
    for candidate in page.select("table"):
        if words(candidate.caption).startswith(caption_start):
            return {words(row.th): [words(td) for td in row.find_all("td")] for row in candidate.select("tbody tr, tfoot tr")}
    raise AssertionError(f"no table {caption_start!r}")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_statistics_page_shows_them_by_month_with_small_counts_hidden(app, feedback_months, lang):
    client = sign_in(app, make_staff(app, ["adviser"]), lang=lang)
    page = check_page(client.get(f"/{lang}/staff/statistics?start=2025-03-01&end=2025-04-30"), lang=lang)
    fewer = tr(app, lang, "fewer than 5")
    rows = table(page, tr(app, lang, "Feedback after a contact per month: answers and average score"))
    average = "4.2" if lang == "en" else "4,2"
    assert rows["2025-03"][:3] == ["6", average, fewer]
    assert rows["2025-04"][0] == fewer
    found = table(page, tr(app, lang, "“Did you find what you were looking for?” per month"))
    assert found["2025-03"] == ["7", fewer]
    assert found["2025-04"] == ["0", "5"]


def test_the_statistics_csv_has_them_with_small_counts_hidden(app, feedback_months):
    import csv
    import io

    client = sign_in(app, make_staff(app, ["adviser"]))
    response = client.get("/en/staff/statistics.csv?start=2025-03-01&end=2025-04-30")
    assert response.status_code == 200
    rows = {(section, key): value for section, key, value in csv.reader(io.StringIO(response.get_data(as_text=True)))}
    assert rows[("feedback_answers_by_month", "2025-03")] == "6"
    assert rows[("feedback_answers_by_month", "2025-04")] == "<5"
    assert rows[("feedback_average_encounter", "2025-03")] == "4.2"
    assert rows[("feedback_average_competence", "2025-03")] == ""  # 4 rated: no average
    assert rows[("found_yes_by_month", "2025-03")] == "7" and rows[("found_no_by_month", "2025-03")] == "<5"
    assert rows[("found_yes_by_month", "2025-04")] == "0" and rows[("found_no_by_month", "2025-04")] == "5"
