"""The concern notice: one question per page, the urgency gate, "I don't know", the check-your-answers
page with change links, drafts kept encrypted on the server, the quick exit, and sending exactly once."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy.exc
from form_support import (  # noqa: F401
    CONTACT,
    LANGUAGES,
    PERSON,
    REFERENCE,
    STEP_ANSWERS,
    STEP_ORDER,
    answer_step,
    check_basics,
    decrypt,
    draft_of,
    dumps,
    error_links,
    field_error,
    field_value,
    hidden_fields,
    main_text,
    notice_by_reference,
    objects,
    outbox_mentioning,
    post_twice_at_once,
    resident,
    rows,
    send_concern,
    session_data,
    soup,
    step_url,
    tr,
    unique,
    visitor,
    walk_concern,
    walk_to_step,
    words,
)
from page_checks import check_page
from sqlalchemy import select, text, update

from portal import db as portal_db
from portal.concern import queries
from portal.concern.drafts import SESSION_KEY, token_hash
from portal.concern.models import ConcernDraft, ConcernNotice


def sent_notice(app, client, lang="en") -> ConcernNotice:
    response = client.get(f"/{lang}/concern/sent")
    assert response.status_code == 200, response.status_code
    reference = words(soup(response).select_one(".reference"))
    assert REFERENCE.match(reference)
    notice = notice_by_reference(app, reference)
    assert notice is not None
    return notice


def draft_exists(app, token: str) -> bool:
    return bool(objects(app, select(ConcernDraft.id).where(ConcernDraft.token_hash == token_hash(token))))


def quick_exit_link(response, lang) -> bool:
    return soup(response).find("a", href=f"/{lang}/concern/exit") is not None


# --- the start page and the urgency gate -------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
def test_start_page(app, visitor, lang):
    response = visitor.get(f"/{lang}/concern")
    page = check_page(response, lang=lang)
    assert words(page.h1) == tr(app, lang, "Worried about an older person?")
    text = main_text(response)
    # Honest up front: 112 first, anonymity's consequence, and that the outcome is not told.
    assert tr(app, lang, "If someone is in danger now, call %(number)s.", number="112") in text
    assert tr(app, lang, "You can stay anonymous. Then we cannot contact you to ask more.") in text
    assert tr(app, lang, "We will not tell you what happens after that, because the older person's matters are confidential.") in text
    assert page.find("a", href=f"/{lang}/concern/step/urgency") is not None
    assert quick_exit_link(response, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_danger_leads_to_112_with_a_way_to_continue(app, visitor, lang):
    response = answer_step(visitor, lang, "urgency", {"urgency": "danger"})
    page = check_page(response, lang=lang)
    assert words(page.h1) == tr(app, lang, "Call now")
    assert page.find("a", href="tel:112") is not None
    assert quick_exit_link(response, lang)
    onward = page.find("a", href=f"/{lang}/concern/step/role")
    assert onward is not None and words(onward) == tr(app, lang, "Continue with the notice")
    assert check_page(visitor.get(onward["href"]), lang=lang).find("input", attrs={"name": "role"}) is not None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_health_worry_leads_to_the_health_line_with_a_way_to_continue(app, visitor, lang):
    response = answer_step(visitor, lang, "urgency", {"urgency": "health"})
    page = check_page(response, lang=lang)
    assert words(page.h1) == tr(app, lang, "Call the health advice line today")
    assert page.find("a", href="tel:+358931010023") is not None
    assert "09 310 10023" in main_text(response)
    assert page.find("a", href=f"/{lang}/concern/step/role") is not None


def test_urgency_must_be_chosen(app, visitor):
    response = answer_step(visitor, "en", "urgency", {})
    assert error_links(response) == {"urgency-0": tr(app, "en", "Choose how urgent it is.")}
    assert draft_of(app, visitor) is None


def test_an_urgent_start_can_still_be_sent(app, visitor):
    walk_concern(visitor, "en", urgency="danger", identity="anonymous")
    assert send_concern(visitor, "en").status_code == 303
    notice = sent_notice(app, visitor)
    assert notice.anonymous is True


# --- the whole flow -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
def test_named_notice_from_start_to_confirmation(app, lang):
    client = resident(app)
    person = {**PERSON, "name": unique("Aino")}
    contact = {**CONTACT, "contact_name": unique("Liisa")}
    walk_concern(client, lang, person=person, contact=contact, role="neighbour")
    draft = draft_of(app, client)
    assert draft is not None and draft.ui_language == lang
    check = client.get(f"/{lang}/concern/check")
    page = check_page(check, lang=lang)
    assert words(page.h1) == tr(app, lang, "Check your answers")

    response = send_concern(client, lang)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/{lang}/concern/sent")
    notice = sent_notice(app, client, lang)
    assert (notice.notifier_role, notice.anonymous, notice.on_behalf) == ("neighbour", False, False)
    assert (notice.existing_client, notice.person_knows, notice.worries) == ("no", "yes", ["memory", "food"])
    assert notice.ui_language == lang and notice.status == "received" and notice.district == "central"
    personal = decrypt(app, notice.personal)
    assert personal["name"] == person["name"] and personal["contact_name"] == contact["contact_name"]
    assert personal["phone"] == "+358507654321" and personal["contact_phone"] == "+358401112233"
    assert personal["details"] == "She forgets to eat." and personal["address"] == PERSON["address"]
    # The draft is gone once the notice is stored.
    assert objects(app, select(ConcernDraft).where(ConcernDraft.id == draft.id)) == []

    sent = client.get(f"/{lang}/concern/sent")
    page = check_page(sent, lang=lang)
    assert words(page.h1) == tr(app, lang, "Your notice has been sent")
    text = main_text(sent)
    assert tr(app, lang, "We will not tell you the outcome, because the older person's matters are confidential.") in text
    assert tr(app, lang, "An adviser reads the notice within %(days)s working days.", days=3) in text
    assert tr(app, lang, "The adviser may contact you if they need to know more. The older person has the right "
                         "to know who made the notice.") in text
    assert tr(app, lang, "If someone is in danger now, call %(number)s.", number="112") in text
    assert person["name"] not in text and contact["contact_name"] not in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_anonymous_notice_skips_the_contact_step(app, lang):
    client = resident(app)
    person = {**PERSON, "name": unique("Anonymous About")}
    last = walk_concern(client, lang, identity="anonymous", person=person)
    assert last.headers["Location"].endswith(f"/{lang}/concern/check")
    # The contact step is not part of this notice: opening it by URL leads back.
    contact = client.get(step_url(lang, "contact"))
    assert contact.status_code == 302 and contact.headers["Location"].endswith(f"/{lang}/concern/check")
    check = client.get(f"/{lang}/concern/check")
    assert tr(app, lang, "How we can reach you") not in [words(h) for h in soup(check).find_all("h2")]
    assert send_concern(client, lang).status_code == 303
    notice = sent_notice(app, client, lang)
    assert notice.anonymous is True
    assert not {"contact_name", "contact_phone", "contact_email"} & set(decrypt(app, notice.personal))
    text = main_text(client.get(f"/{lang}/concern/sent"))
    assert tr(app, lang, "You stayed anonymous, so we cannot contact you.") in text
    assert tr(app, lang, "We will not tell you the outcome, because the older person's matters are confidential.") in text


def test_question_numbers_count_the_steps_this_notice_needs(app, visitor):
    answer_step(visitor, "en", "urgency", {"urgency": "no"})
    answer_step(visitor, "en", "role", {"role": "friend", "on_behalf": "no"})
    page = soup(visitor.get(step_url("en", "identity")))
    assert words(page.select_one(".step-count")) == tr(app, "en", "Question %(number)s of %(total)s", number=3, total=7)
    answer_step(visitor, "en", "identity", {"identity": "anonymous"})
    page = soup(visitor.get(step_url("en", "person")))
    assert words(page.select_one(".step-count")) == tr(app, "en", "Question %(number)s of %(total)s", number=4, total=6)


# --- the person step: "I don't know" and the age rule -----------------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("field", ["name", "age", "address", "phone"])
def test_each_person_field_accepts_i_dont_know(app, lang, field):
    client = resident(app)
    walk_concern(client, lang, person={**PERSON, field: "", f"{field}_unknown": "y"})
    page = soup(client.get(f"/{lang}/concern/check"))
    label = {"name": "Their name", "age": "Their age or year of birth", "address": "Their address or area",
             "phone": "Their phone number"}[field]
    shown = {words(row.find("dt")): words(row.find("dd")) for row in page.select("dl.summary-list > div")}
    assert shown[tr(app, lang, label)] == tr(app, lang, "I don't know")
    assert send_concern(client, lang).status_code == 303
    personal = decrypt(app, sent_notice(app, client, lang).personal)
    assert field not in personal


def test_all_person_fields_may_be_unknown(app, visitor):
    walk_to(visitor, "person")
    response = answer_step(visitor, "en", "person", {f"{f}_unknown": "y" for f in ("name", "age", "address", "phone")})
    assert response.status_code == 303


@pytest.mark.parametrize("lang", LANGUAGES)
def test_person_fields_need_a_value_or_i_dont_know(app, lang):
    client = resident(app)
    walk_to(client, "person", lang)
    response = answer_step(client, lang, "person", {})
    check_basics(response, lang, 200)
    assert error_links(response) == {
        "name": tr(app, lang, "Enter their name, or tick “I don't know”."),
        "age": tr(app, lang, "Enter their age or year of birth, or tick “I don't know”."),
        "address": tr(app, lang, "Enter their address or area, or tick “I don't know”."),
        "phone": tr(app, lang, "Enter their phone number, or tick “I don't know”."),
    }


@pytest.mark.parametrize("age, accepted", [
    ("82", True), ("50", True), ("120", True), ("49", False), ("121", False), ("0", False), ("abc", False),
    ("-80", False), ("8 2", False), ("YEAR-50", True), ("YEAR-49", False), ("YEAR-120", True), ("YEAR-121", False),
    ("1944", True),
])
def test_age_or_birth_year(app, visitor, age, accepted):
    year = dt.date.today().year
    if age.startswith("YEAR-"):
        age = str(year - int(age[5:]))
    walk_to(visitor, "person")
    response = answer_step(visitor, "en", "person", {**PERSON, "age": age})
    if accepted:
        assert response.status_code == 303, error_links(response)
    else:
        assert error_links(response) == {"age": tr(app, "en", "Enter an age like 82, or a year of birth like 1944.")}
        assert field_value(response, step_url("en", "person"), "age") == age


def test_person_phone_is_validated(app, visitor):
    walk_to(visitor, "person")
    response = answer_step(visitor, "en", "person", {**PERSON, "phone": "12345"})
    assert error_links(response) == {"phone": tr(app, "en", "Enter a phone number, like 040 123 4567 or +46 70 123 4567.")}
    assert field_value(response, step_url("en", "person"), "name") == PERSON["name"]


# --- worries, role, on behalf -----------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_worry_or_own_words_is_required(app, lang):
    client = resident(app)
    walk_to(client, "worries", lang)
    response = answer_step(client, lang, "worries", {"details": "   "})
    check_basics(response, lang, 200)
    assert error_links(response) == {"worries-0": tr(app, lang, "Choose at least one worry, or tell us in your own words.")}
    assert answer_step(client, lang, "worries", {"details": "Only my own words."}).status_code == 303


def test_worries_alone_are_enough(visitor):
    walk_to(visitor, "worries")
    assert answer_step(visitor, "en", "worries", {"worries": ["loneliness"]}).status_code == 303


def test_own_words_have_a_limit(app, visitor):
    walk_to(visitor, "worries")
    response = answer_step(visitor, "en", "worries", {"worries": ["money"], "details": "x" * 2001})
    assert error_links(response) == {"details": tr(app, "en", "Please use at most %(max)d characters.", max=2000)}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("role", ["relative", "neighbour", "friend", "professional", "organisation", "self"])
def test_statutory_duty_note_only_for_professionals(app, lang, role):
    client = resident(app)
    answer_step(client, lang, "urgency", {"urgency": "no"})
    answer_step(client, lang, "role", {"role": role, "on_behalf": "no"})
    response = client.get(step_url(lang, "identity"))
    note = tr(app, lang, "As a professional, you may have a duty by law to notify about an older person who needs "
                         "help (Act on Services for Older People, section 25). Then give your name and your work "
                         "contact details.")
    assert (note in main_text(response)) == (role == "professional")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_on_behalf_wording_and_helper_recorded(app, lang):
    client = resident(app)
    walk_to(client, "identity", lang, on_behalf="yes")
    identity = soup(client.get(step_url(lang, "identity")))
    assert words(identity.find("form", action=step_url(lang, "identity")).find("legend")) == tr(app, lang, "Does the person you are helping want to give their name?")
    answer_step(client, lang, "identity", {"identity": "named"})
    answer_step(client, lang, "person", PERSON)
    answer_step(client, lang, "situation", {"existing_client": "unknown", "person_knows": "no"})
    answer_step(client, lang, "worries", {"worries": ["coping"]})
    contact = client.get(step_url(lang, "contact"))
    labels = {label["for"]: words(label) for label in soup(contact).find_all("label") if label.get("for")}
    assert labels["contact_name"] == tr(app, lang, "The name of the person you are helping")
    assert labels["contact_phone"] == tr(app, lang, "Their phone number")
    assert "helper_name" in labels
    helper = unique("Digi Guide")
    response = answer_step(client, lang, "contact", {"contact_name": "Customer Person", "contact_phone": "040 111 2233",
                                                      "helper_name": helper})
    assert response.status_code == 303
    assert helper in main_text(client.get(f"/{lang}/concern/check"))
    send_concern(client, lang)
    notice = sent_notice(app, client, lang)
    assert notice.on_behalf is True
    personal = decrypt(app, notice.personal)
    assert personal["helper_name"] == helper and personal["contact_name"] == "Customer Person"


def test_contact_needs_a_name_and_a_phone_or_email(app, visitor):
    walk_to(visitor, "contact")
    response = answer_step(visitor, "en", "contact", {})
    assert error_links(response) == {
        "contact_name": tr(app, "en", "Enter your name."),
        "contact_phone": tr(app, "en", "Give a phone number or an e-mail address, so that an adviser can reach you."),
    }
    response = answer_step(visitor, "en", "contact", {"contact_name": "N", "contact_email": "not an address"})
    assert error_links(response) == {"contact_email": tr(app, "en", "Enter an e-mail address like name@example.fi.")}
    assert answer_step(visitor, "en", "contact", {"contact_name": "N", "contact_email": "n@example.fi"}).status_code == 303


# --- moving around: no skipping ahead, check page, change links ----------------------------------------------

walk_to = walk_to_step


def test_steps_cannot_be_opened_without_a_draft(visitor):
    for name in [*STEP_ORDER[1:], "check"]:
        url = step_url("en", name) if name != "check" else "/en/concern/check"
        response = visitor.get(url)
        assert response.status_code in (302, 303) and response.headers["Location"].endswith("/en/concern"), name


@pytest.mark.parametrize("lang", LANGUAGES)
def test_skipping_ahead_by_url_leads_to_the_next_unanswered_step(app, lang):
    client = resident(app)
    walk_to(client, "identity", lang)
    for later in ("person", "situation", "worries", "contact"):
        response = client.get(step_url(lang, later))
        assert response.status_code == 302 and response.headers["Location"].endswith(step_url(lang, "identity"))
    # Posting to a later step does not save anything either.
    before = decrypt(app, draft_of(app, client).answers)
    response = client.post(step_url(lang, "worries"), data={"worries": ["memory"], **hidden_fields(
        client.get(step_url(lang, "identity")), step_url(lang, "identity"))})
    assert response.status_code == 302 and response.headers["Location"].endswith(step_url(lang, "identity"))
    assert decrypt(app, draft_of(app, client).answers) == before
    # The check page is not shown before everything is answered.
    assert client.get(f"/{lang}/concern/check").status_code in (302, 303)
    # Earlier steps stay open, with the answers given.
    role = client.get(step_url(lang, "role"))
    assert soup(role).find("input", attrs={"name": "role", "value": "relative"}).has_attr("checked")


def test_unknown_step_is_not_found(visitor):
    assert visitor.get("/en/concern/step/secret").status_code == 404


def test_start_page_offers_to_continue_a_draft(app, visitor):
    walk_to(visitor, "person", "sv")
    page = soup(visitor.get("/sv/concern"))
    link = page.find("a", href="/sv/concern/step/person")
    assert link is not None and words(link) == tr(app, "sv", "Continue where you left off")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_check_page_lists_every_answer_with_change_links(app, lang):
    client = resident(app)
    walk_concern(client, lang, worries={"worries": ["memory", "falls"], "details": "Fell twice."})
    response = client.get(f"/{lang}/concern/check")
    page = check_page(response, lang=lang)
    rows_shown = []
    for row in page.select("dl.summary-list > div"):
        answer = words(row.find("dd"))
        change = row.select_one("dd.change a")
        rows_shown.append((answer, change["href"]))
    shown = dict(rows_shown)
    expected = {
        tr(app, lang, "A relative"): "role", tr(app, lang, "No, the worry is mine"): "role",
        tr(app, lang, "Yes, I give my name"): "identity",
        PERSON["name"]: "person", PERSON["age"]: "person", PERSON["address"]: "person", PERSON["phone"]: "person",
        tr(app, lang, "No"): "situation", tr(app, lang, "Yes, they know and agree"): "situation",
        tr(app, lang, "Memory or confusion") + ", " + tr(app, lang, "Falls or moving about"): "worries",
        "Fell twice.": "worries",
        CONTACT["contact_name"]: "contact", CONTACT["contact_phone"]: "contact", CONTACT["contact_email"]: "contact",
    }
    for answer, step in expected.items():
        assert shown.get(answer) == step_url(lang, step), (answer, shown)
    assert len(rows_shown) == 14
    # Every change link says which question it changes (for screen readers).
    for row in page.select("dl.summary-list > div"):
        assert words(row.find("dt")) in words(row.select_one("dd.change a"))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_change_returns_to_the_check_page(app, lang):
    client = resident(app)
    walk_concern(client, lang)
    for name, answers in (("person", {**PERSON, "age": "1940"}), ("worries", {"worries": ["hygiene"]}),
                          ("role", {"role": "friend", "on_behalf": "no"}), ("situation",
                           {"existing_client": "yes", "person_knows": "cannot_ask"})):
        page = client.get(step_url(lang, name))
        assert page.status_code == 200
        response = answer_step(client, lang, name, answers)
        assert response.status_code == 303 and response.headers["Location"].endswith(f"/{lang}/concern/check"), name
    text = main_text(client.get(f"/{lang}/concern/check"))
    assert "1940" in text and tr(app, lang, "Keeping clean") in text and tr(app, lang, "A friend or acquaintance") in text
    send_concern(client, lang)
    notice = sent_notice(app, client, lang)
    assert (notice.notifier_role, notice.worries, notice.existing_client, notice.person_knows) == \
        ("friend", ["hygiene"], "yes", "cannot_ask")


def test_change_links_show_the_saved_answers(visitor):
    walk_concern(visitor, "en")
    page = visitor.get(step_url("en", "person"))
    assert field_value(page, step_url("en", "person"), "address") == PERSON["address"]
    worries = soup(visitor.get(step_url("en", "worries")))
    assert worries.find("input", attrs={"name": "worries", "value": "food"}).has_attr("checked")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_changing_from_anonymous_to_named_asks_the_contact_step(app, lang):
    client = resident(app)
    walk_concern(client, lang, identity="anonymous")
    response = answer_step(client, lang, "identity", {"identity": "named"})
    assert response.status_code == 303 and response.headers["Location"].endswith(step_url(lang, "contact"))
    assert client.get(f"/{lang}/concern/check").status_code in (302, 303)
    response = answer_step(client, lang, "contact", CONTACT)
    assert response.headers["Location"].endswith(f"/{lang}/concern/check")
    assert CONTACT["contact_name"] in main_text(client.get(f"/{lang}/concern/check"))


def test_changing_from_named_to_anonymous_keeps_no_contact_details(app, visitor):
    name = unique("Notifier Who Changed Their Mind")
    walk_concern(visitor, "en", contact={**CONTACT, "contact_name": name})
    response = answer_step(visitor, "en", "identity", {"identity": "anonymous"})
    assert response.headers["Location"].endswith("/en/concern/check")
    assert name not in main_text(visitor.get("/en/concern/check"))
    send_concern(visitor, "en")
    notice = sent_notice(app, visitor)
    assert notice.anonymous is True
    # Switching to anonymous drops the name, phone and e-mail typed before: an anonymous notice stores
    # none of them, as the page promises.
    personal = decrypt(app, notice.personal)
    assert name not in dumps(personal)
    assert not {"contact_name", "contact_phone", "contact_email"} & set(personal)


# --- the draft: on the server, encrypted, expiring ---------------------------------------------------------------

def test_the_session_cookie_holds_only_a_token(app, visitor):
    name = unique("Cookie Person")
    walk_concern(visitor, "en", person={**PERSON, "name": name})
    data = session_data(app, visitor)
    assert len(data[SESSION_KEY]) >= 32
    serialised = dumps(data)
    for typed in (name, PERSON["address"], PERSON["phone"], CONTACT["contact_email"], "She forgets to eat.", "relative"):
        assert typed not in serialised
    assert name not in visitor.get_cookie("session").value
    assert draft_of(app, visitor) is not None


def test_the_draft_is_encrypted_at_rest(app, visitor):
    name = unique("Encrypted Draft")
    walk_to(visitor, "situation")
    answer_step(visitor, "en", "situation", STEP_ANSWERS["situation"])
    answer_step(visitor, "en", "person", {**PERSON, "name": name})
    token = session_data(app, visitor)[SESSION_KEY]
    [(raw,)] = rows(app, text("SELECT answers FROM concern_draft WHERE token_hash = :h").bindparams(h=token_hash(token)))
    assert name not in raw and PERSON["address"] not in raw and "Fleminginkatu" not in raw
    assert decrypt(app, raw)["name"] == name
    # The token itself is not stored, only its hash.
    assert rows(app, text("SELECT count(*) FROM concern_draft WHERE token_hash = :t").bindparams(t=token))[0][0] == 0


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_expired_draft_is_deleted_and_the_start_page_says_so(app, lang):
    client = resident(app)
    walk_to(client, "worries", lang)
    token = session_data(app, client)[SESSION_KEY]
    with app.app_context(), portal_db.transaction() as session:
        session.execute(update(ConcernDraft).where(ConcernDraft.token_hash == token_hash(token))
                        .values(expires_at=dt.datetime(2000, 1, 1)))
    response = client.get(f"/{lang}/concern")
    page = check_page(response, lang=lang)
    notice = tr(app, lang, "Your unfinished notice was deleted because it was not changed for a long time. Please start again.")
    assert notice in main_text(response)
    assert not draft_exists(app, token)
    assert page.find("a", href=f"/{lang}/concern/step/urgency") is not None
    # The old steps are closed, and the same notice is not shown again.
    assert client.get(step_url(lang, "situation")).status_code == 302


def test_a_draft_is_kept_alive_by_changes(app, visitor):
    walk_to(visitor, "person")
    first = draft_of(app, visitor)
    assert first.expires_at > dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(minutes=60)
    answer_step(visitor, "en", "person", PERSON)
    assert draft_of(app, visitor).expires_at >= first.expires_at


# --- sending -------------------------------------------------------------------------------------------------------

def test_sending_stores_one_notice_and_deletes_the_draft(app, visitor):
    walk_concern(visitor, "en")
    token = session_data(app, visitor)[SESSION_KEY]
    page = visitor.get("/en/concern/check")
    data = hidden_fields(page, "/en/concern/check")
    first = visitor.post("/en/concern/check", data=data)
    assert first.status_code == 303
    notice = sent_notice(app, visitor)
    assert not draft_exists(app, token)
    # The same page sent again (a double click, or the back button) finds the first notice.
    second = visitor.post("/en/concern/check", data=data)
    assert second.status_code == 303 and second.headers["Location"].endswith("/en/concern/sent")
    assert sent_notice(app, visitor).reference == notice.reference
    assert len(objects(app, select(ConcernNotice).where(ConcernNotice.submission == token_hash(token)))) == 1
    assert len(outbox_mentioning(app, notice.reference)) == 1


def test_two_sends_of_one_draft_at_the_same_moment_make_one_notice(app, monkeypatch):
    first_client = resident(app)
    walk_concern(first_client, "en")
    token = session_data(app, first_client)[SESSION_KEY]
    data = hidden_fields(first_client.get("/en/concern/check"), "/en/concern/check")
    second_client = resident(app)
    second_client.set_cookie("session", first_client.get_cookie("session").value, domain="localhost")

    responses = post_twice_at_once(monkeypatch, queries, first_client, second_client, "/en/concern/check", data)
    # The same notice sent twice at once (a double click on "Send the notice"): the second request finds
    # the notice the first stored and confirms it; it never says "Nothing was sent" about a notice that was.
    assert [responses[key].status_code for key in ("first", "second")] == [303, 303]
    [notice] = objects(app, select(ConcernNotice).where(ConcernNotice.submission == token_hash(token)))
    assert sent_notice(app, first_client).reference == sent_notice(app, second_client).reference == notice.reference
    assert not draft_exists(app, token)
    assert len(outbox_mentioning(app, notice.reference)) == 1


def test_personal_texts_are_encrypted_in_the_notice(app, visitor):
    name, words_typed = unique("Secret Name"), unique("Secret words about her")
    walk_concern(visitor, "en", person={**PERSON, "name": name},
                 worries={"worries": ["loneliness"], "details": words_typed})
    send_concern(visitor, "en")
    notice = sent_notice(app, visitor)
    [(raw,)] = rows(app, text("SELECT personal FROM concern_notice WHERE reference = :r").bindparams(r=notice.reference))
    for typed in (name, words_typed, "Fleminginkatu", "765 4321", "+358507654321", CONTACT["contact_email"]):
        assert typed not in raw
    personal = decrypt(app, raw)
    assert personal == {"name": name, "age": "84", "address": PERSON["address"], "phone": "+358507654321",
                        "details": words_typed, "contact_name": CONTACT["contact_name"],
                        "contact_phone": "+358401112233", "contact_email": CONTACT["contact_email"]}
    # Coded answers stay readable for the statistics.
    [(role, worries)] = rows(app, text("SELECT notifier_role, worries FROM concern_notice WHERE reference = :r")
                             .bindparams(r=notice.reference))
    assert role == "relative" and "loneliness" in str(worries)


def test_outbox_message_has_no_personal_data(app, visitor):
    name = unique("Outbox Person")
    walk_concern(visitor, "en", person={**PERSON, "name": name})
    send_concern(visitor, "en")
    notice = sent_notice(app, visitor)
    [message] = outbox_mentioning(app, notice.reference)
    for typed in (name, PERSON["address"], "765 4321", CONTACT["contact_name"], "She forgets to eat."):
        assert typed not in message.subject + message.body


@pytest.mark.parametrize("address, district", [
    ("Fleminginkatu 5, 00530 Helsinki", "central"), ("Kallio", "central"), ("Munksnäs", "western"),
    ("Malmi, near the station", "northeastern"), ("00100", "southern"), ("Somewhere 12, 99999 Nowhere", None),
])
def test_district_is_derived_from_the_address(app, visitor, address, district):
    walk_concern(visitor, "en", person={**PERSON, "address": address})
    send_concern(visitor, "en")
    assert sent_notice(app, visitor).district == district


def test_no_district_when_the_address_is_unknown(app, visitor):
    walk_concern(visitor, "en", person={**PERSON, "address": "", "address_unknown": "y"})
    send_concern(visitor, "en")
    notice = sent_notice(app, visitor)
    assert notice.district is None and "address" not in decrypt(app, notice.personal)


def test_database_failure_on_send_keeps_the_draft(app, visitor, monkeypatch):
    walk_concern(visitor, "sv")
    token = session_data(app, visitor)[SESSION_KEY]

    def down(*_args):
        raise sqlalchemy.exc.OperationalError("INSERT INTO concern_notice", {}, Exception("database is locked"))

    monkeypatch.setattr(queries, "send", down)
    response = send_concern(visitor, "sv")
    page = check_basics(response, "sv", 503)
    assert words(page.select_one(".error-summary[role=alert] h2")) == tr(app, "sv", "Your notice could not be saved")
    assert draft_exists(app, token)
    monkeypatch.undo()
    assert send_concern(visitor, "sv").status_code == 303


def test_sent_page_without_a_notice_goes_to_the_start(visitor):
    response = visitor.get("/en/concern/sent")
    assert response.status_code == 302 and response.headers["Location"].endswith("/en/concern")


# --- the quick exit ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
def test_quick_exit_is_on_every_step(app, lang):
    client = resident(app)
    for name in STEP_ORDER:
        assert quick_exit_link(client.get(step_url(lang, name)), lang), name
        answer_step(client, lang, name, STEP_ANSWERS[name])
    assert quick_exit_link(client.get(f"/{lang}/concern/check"), lang)
    assert quick_exit_link(client.get(f"/{lang}/concern"), lang)
    # Also on a page that shows errors.
    assert quick_exit_link(answer_step(client, lang, "person", {}), lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_quick_exit_deletes_the_draft_and_leaves(app, lang):
    client = resident(app)
    walk_to(client, "worries", lang)
    token = session_data(app, client)[SESSION_KEY]
    response = client.get(f"/{lang}/concern/exit")
    assert response.status_code == 303 and response.headers["Location"] == app.config["QUICK_EXIT_URL"]
    assert not draft_exists(app, token)
    assert SESSION_KEY not in session_data(app, client)
    # Nothing of it can be opened again from this browser.
    assert client.get(step_url(lang, "role")).status_code == 302
    start = client.get(f"/{lang}/concern")
    assert soup(start).find("a", href=f"/{lang}/concern/step/urgency") is not None


def test_quick_exit_follows_the_configured_url(app, visitor, monkeypatch):
    monkeypatch.setitem(app.config, "QUICK_EXIT_URL", "https://www.example.org/weather")
    walk_to(visitor, "role")
    response = visitor.get("/fi/concern/exit")
    assert response.headers["Location"] == "https://www.example.org/weather"


# --- robots, expired forms, hostile input ----------------------------------------------------------------------

def test_honeypot_on_a_step_saves_nothing(app, visitor):
    walk_to(visitor, "person")
    before = decrypt(app, draft_of(app, visitor).answers)
    response = answer_step(visitor, "en", "person", {**PERSON, "website": "spam"})
    assert response.status_code == 400
    assert decrypt(app, draft_of(app, visitor).answers) == before


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_expired_step_keeps_what_was_typed(app, lang):
    client = resident(app)
    walk_to(client, "person", lang)
    page = client.get(step_url(lang, "person"))
    data = {**hidden_fields(page, step_url(lang, "person")), **PERSON}
    data["csrf_token"] = "expired"
    response = client.post(step_url(lang, "person"), data=data)
    check_basics(response, lang, 400)
    assert field_value(response, step_url(lang, "person"), "address") == PERSON["address"]
    assert tr(app, lang, "For your safety, the page expired because it was open for a long time. Your answers are "
                         "still here: check them and press the button again.") in main_text(response)
    assert "person" not in decrypt(app, draft_of(app, client).answers).get("done", [])
    # The step shown again after an expired token carries a fresh csrf_token, so pressing the button
    # again (as the page asks) works.
    again = hidden_fields(response, step_url(lang, "person"))
    resend = client.post(step_url(lang, "person"), data={**data, **again, "csrf_token": again.get("csrf_token", "")})
    assert resend.status_code == 303


def test_check_page_without_csrf_sends_nothing(app, visitor):
    walk_concern(visitor, "en")
    token = session_data(app, visitor)[SESSION_KEY]
    response = visitor.post("/en/concern/check", data={})
    assert response.status_code == 400
    assert draft_exists(app, token)
    assert objects(app, select(ConcernNotice).where(ConcernNotice.submission == token_hash(token))) == []


@pytest.mark.parametrize("hostile", ['<script>alert("x")</script>', "'; DROP TABLE concern_notice;--",
                                     '"><img src=x onerror=alert(1)>'])
def test_hostile_text_is_escaped_on_the_check_page(app, visitor, hostile):
    walk_concern(visitor, "en", person={**PERSON, "name": hostile}, worries={"worries": [], "details": hostile})
    response = visitor.get("/en/concern/check")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script>alert" not in body and "<img src=x" not in body
    assert hostile in main_text(response)
    assert send_concern(visitor, "en").status_code == 303
    assert decrypt(app, sent_notice(app, visitor).personal)["name"] == hostile


def test_invalid_utf8_on_a_step_never_gives_a_server_error(visitor):
    walk_to(visitor, "person")
    tokens = hidden_fields(visitor.get(step_url("en", "person")), step_url("en", "person"))
    prefix = "&".join(f"{k}={v}" for k, v in tokens.items()).encode()
    for body in (b"&name=%FF%FE&age=82&address=\xff\xfe&phone_unknown=y", b"&\xc3\x28=\xe2\x82"):
        response = visitor.post(step_url("en", "person"), data=prefix + body,
                                content_type="application/x-www-form-urlencoded")
        assert response.status_code < 500


def test_oversized_step_is_refused_politely(app, visitor):
    walk_to(visitor, "worries")
    response = answer_step(visitor, "fi", "worries", {"details": "x" * 100_000}, expect_form=False)
    check_basics(response, "fi", 413)
