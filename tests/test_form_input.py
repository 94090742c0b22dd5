"""Input hardening shared by every form (portal/forms.py): file parts and JSON bodies are not read,
control characters are dropped, digits typed in any script count as 0-9 where numbers are expected,
WTForms' own messages come in the page's language; and a database that cannot be reached gives a 503
that keeps what was typed."""
from __future__ import annotations

import io

import pytest
import sqlalchemy.exc
from form_support import (
    LANGUAGES,
    PERSON,
    answer_step,
    callback_data,
    callback_form,
    callbacks_named,
    check_basics,
    draft_of,
    error_links,
    field_value,
    hidden_fields,
    resident,
    send_callback,
    soup,
    step_url,
    tr,
    unique,
    visitor,  # noqa: F401 - a fixture, taken by name as a test argument
    walk_to_step,
    words,
)
from sqlalchemy.orm import Session

# --- file parts and other bodies -------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_file_sent_for_a_text_field_is_not_read(app, lang):
    """A file part sent for a text field is read as no text: the form answers, never a 500."""
    client = resident(app)
    page = callback_form(client, lang)
    data = callback_data(page, lang, phone="040 123 4567", message="Call me.")
    data["name"] = (io.BytesIO(b"Anna Virtanen"), "name.txt")
    response = client.post(f"/{lang}/callback", data=data, content_type="multipart/form-data")
    check_basics(response, lang, 200)
    # The file is not a name: the person is asked for it, and the rest of what was typed is kept.
    assert error_links(response) == {"name": tr(app, lang, "Enter the name of the person we should call.")}
    assert field_value(response, f"/{lang}/callback", "phone") == "040 123 4567"
    assert field_value(response, f"/{lang}/callback", "message").strip() == "Call me."


def test_files_sent_to_the_status_check_and_a_concern_step_are_not_read(app):
    client = resident(app)
    page = client.get("/en/callback/status")
    data = {**hidden_fields(page, "/en/callback/status"), "reference": (io.BytesIO(b"ACDE-FGHJ"), "r.txt"),
            "last_digits": "4567"}
    assert client.post("/en/callback/status", data=data, content_type="multipart/form-data").status_code == 200
    walk_to_step(client, "person")
    step = client.get(step_url("en", "person"))
    data = {**hidden_fields(step, step_url("en", "person")), **PERSON, "age": (io.BytesIO(b"84"), "age.txt")}
    response = client.post(step_url("en", "person"), data=data, content_type="multipart/form-data")
    assert response.status_code == 200 and "age" in error_links(response)
    assert field_value(response, step_url("en", "person"), "name") == PERSON["name"]


def test_a_json_body_is_not_read_as_the_form(app, visitor):
    page = callback_form(visitor)
    tokens = hidden_fields(page, "/en/callback")
    response = visitor.post("/en/callback", json={**tokens, "name": {"nested": 1}, "phone": 4012345, "call_language": ["fi"]},
                            headers={"X-CSRFToken": tokens["csrf_token"]})
    assert response.status_code in (200, 400)


# --- digits as people's keyboards send them -----------------------------------------------------------------

def _stored(app, client, phone="040 123 4567"):
    name = unique("Digits")
    assert send_callback(client, "en", name=name, phone=phone).status_code == 303
    return callbacks_named(app, name)[0]


def _status(client, reference, digits):
    page = client.get("/en/callback/status")
    data = {**hidden_fields(page, "/en/callback/status"), "reference": reference, "last_digits": digits}
    return client.post("/en/callback/status", data=data)


def test_full_width_digits_in_the_status_check_answer_like_ascii_ones(app):
    """Full-width digits get the same answer for a real reference as for an unknown one (and never a
    500), so the answer tells nobody which references exist."""
    saved = _stored(app, resident(app))
    client = resident(app)
    full_width = "４５６７"
    found = _status(client, saved.reference, full_width)
    assert found.status_code == 200 and soup(found).select_one(".panel") is not None
    # Full-width letters and digits in the reference too.
    wide_reference = "".join(chr(ord(ch) + 0xFEE0) if ch != "-" else "－" for ch in saved.reference)
    assert soup(_status(client, wide_reference, "4567")).select_one(".panel") is not None
    # Wrong digits in any script: the same answer as for a reference that does not exist.
    wrong = _status(client, saved.reference, "１１１１")
    unknown = _status(client, "ACDE-FGHJ", "１１１１")
    arabic = _status(client, saved.reference, "٤٥٦٨")
    for response in (wrong, unknown, arabic):
        assert response.status_code == 200 and soup(response).select_one(".panel") is None
        assert list(error_links(response)) == ["reference"]


@pytest.mark.parametrize("typed", ["０４０ １２３ ４５６７", "٠٤٠ ١٢٣ ٤٥٦٧"])
def test_a_phone_number_in_other_digits_is_stored_as_digits(app, visitor, typed):
    assert _stored(app, visitor, phone=typed).phone == "+358401234567"


@pytest.mark.parametrize("age", ["⁸²", "８２", "１９４４"])
def test_an_age_in_superscript_or_full_width_digits_is_read_as_a_number(app, visitor, age):
    """An age in superscript or full-width digits is read as the number it shows, never a 500."""
    walk_to_step(visitor, "person")
    response = answer_step(visitor, "en", "person", {**PERSON, "age": age})
    assert response.status_code == 303, error_links(response)


def test_control_characters_are_dropped_from_every_field(app, visitor):
    name = unique("Control")
    response = send_callback(visitor, "en", name="\x00" + name + "\x07\x1b", message="a\x00b\x08c")
    assert response.status_code == 303
    [saved] = callbacks_named(app, name)
    assert saved.message == "abc"


# --- WTForms' own messages ------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_tampered_checkbox_gets_a_message_in_the_pages_language(app, lang):
    client = resident(app)
    walk_to_step(client, "worries", lang=lang)
    response = answer_step(client, lang, "worries", {"worries": ["memory", "weather"], "details": "Kept words"})
    check_basics(response, lang, 200)
    expected = tr(app, lang, "Choose from the options shown.")
    assert list(error_links(response).values()) == [expected]
    if lang != "en":
        assert expected != "Choose from the options shown."
    assert "weather" not in words(soup(response).select_one(".error-summary"))
    assert "Kept words" in soup(response).find("textarea", attrs={"name": "details"}).get_text()


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_a_tampered_radio_button_gets_a_message_in_the_pages_language(app, lang):
    client = resident(app)
    page = callback_form(client, lang)
    response = client.post(f"/{lang}/callback", data=callback_data(page, lang, name="A", phone="040 123 4567", topic="weather"))
    assert error_links(response) == {"topic-0": tr(app, lang, "Choose from the options shown.")}


# --- the database cannot be reached --------------------------------------------------------------------------

def _unreachable(*_args, **_kwargs):
    raise sqlalchemy.exc.OperationalError("SELECT", {}, Exception("connection refused"))


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("failing", ["reading the draft", "saving the step"])
def test_a_concern_step_during_a_database_outage_gets_a_503_that_keeps_the_answers(app, monkeypatch, lang, failing):
    client = resident(app)
    walk_to_step(client, "person", lang=lang)
    page = client.get(step_url(lang, "person"))
    data = {**hidden_fields(page, step_url(lang, "person")), **PERSON, "name": unique("Outage")}
    if failing == "reading the draft":
        for method in ("execute", "scalar", "scalars", "get"):
            monkeypatch.setattr(Session, method, _unreachable)
    else:
        monkeypatch.setattr(Session, "commit", _unreachable)
    response = client.post(step_url(lang, "person"), data=data)
    monkeypatch.undo()
    parsed = check_basics(response, lang, 503)
    assert words(parsed.select_one(".error-summary[role=alert] h2")) == tr(app, lang, "Your answers could not be saved just now")
    assert "09 310 44556" in words(parsed.select_one(".error-summary[role=alert]"))
    for field in ("name", "age", "address", "phone"):
        assert field_value(response, step_url(lang, "person"), field) == data[field]
    # Once the database is back, the same page sent again is saved, and the earlier answers are still there.
    again = client.post(step_url(lang, "person"), data={**data, **hidden_fields(response, step_url(lang, "person"))})
    assert again.status_code == 303
    assert draft_of(app, client) is not None


def test_a_page_opened_during_a_database_outage_is_a_503_not_a_500(app, monkeypatch):
    client = resident(app)
    walk_to_step(client, "person")
    for method in ("execute", "scalar", "scalars", "get"):
        monkeypatch.setattr(Session, method, _unreachable)
    response = client.get(step_url("fi", "person"))
    monkeypatch.undo()
    page = check_basics(response, "fi", 503)
    assert words(page.h1) == tr(app, "fi", "The service is not available just now")
    assert response.headers["Retry-After"]


def test_sending_a_notice_while_the_database_is_away_is_a_503_and_the_draft_stays(app, monkeypatch):
    client = resident(app)
    walk_to_step(client, "contact")
    answer_step(client, "en", "contact", {"contact_name": "Liisa", "contact_phone": "040 111 2233"})
    page = client.get("/en/concern/check")
    tokens = hidden_fields(page, "/en/concern/check")
    for method in ("execute", "scalar", "scalars", "get"):
        monkeypatch.setattr(Session, method, _unreachable)
    response = client.post("/en/concern/check", data=tokens)
    monkeypatch.undo()
    check_basics(response, "en", 503)
    assert tr(app, "en", "Please try again in a few minutes. Answers you had already saved are kept.") in words(soup(response).main)
    # Back again: the answers are there and the notice can be sent.
    assert client.get("/en/concern/check").status_code == 200
    assert client.post("/en/concern/check", data=tokens).status_code == 303


def test_a_limit_of_the_rate_limiter_says_when_to_try_again(app):
    """The staff sign-in keeps flask-limiter's own limit: its "too many tries" page also sends Retry-After."""
    from staff_support import post_password, staff_client, unique_email

    client = staff_client(app)
    responses = [post_password(client, unique_email("flood"), "whatever password", lang="fi") for _ in range(12)]
    blocked = [response for response in responses if response.status_code == 429]
    assert blocked
    check_basics(blocked[-1], "fi", 429)
    assert 0 < int(blocked[-1].headers["Retry-After"]) <= 3600
