"""The concern notice's "I don't know" boxes never swallow a typed answer, and helper mode speaks
about the person being helped, in its choices, hints and on the check page."""
from __future__ import annotations

import pytest
from form_support import (
    LANGUAGES,
    PERSON,
    answer_step,
    check_basics,
    decrypt,
    error_links,
    field_error,
    main_text,
    resident,
    send_concern,
    soup,
    step_url,
    tr,
    walk_concern,
    walk_to_step,
    words,
)
from test_concern import sent_notice

BOTH = {
    "name": "You typed a name and also ticked “I don't know their name”. Keep one.",
    "age": "You typed an age and also ticked “I don't know their age”. Keep one.",
    "address": "You typed an address and also ticked “I don't know where they live”. Keep one.",
    "phone": "You typed a phone number and also ticked “I don't know their phone number”. Keep one.",
}
LABELS = {"name": "Their name", "age": "Their age or year of birth", "address": "Their address or area",
          "phone": "Their phone number"}


def checked(response, name: str) -> bool:
    box = soup(response).find("input", attrs={"name": name})
    return box is not None and box.has_attr("checked")


def typed(response, name: str) -> str | None:
    field = soup(response).find("input", attrs={"name": name})
    return None if field is None else field.get("value")


@pytest.mark.parametrize("lang, field", [(lang, "name") for lang in LANGUAGES]
                         + [("en", "age"), ("en", "address"), ("en", "phone")])
def test_a_typed_answer_and_i_dont_know_together_ask_to_keep_one(app, lang, field):
    client = resident(app)
    walk_to_step(client, "person", lang)
    response = answer_step(client, lang, "person", {**PERSON, f"{field}_unknown": "y"})
    check_basics(response, lang, 200)
    message = tr(app, lang, BOTH[field])
    assert error_links(response) == {field: message}
    assert field_error(response, field) == message
    # Nothing is lost: what was typed and the ticked box are both shown again.
    assert typed(response, field) == PERSON[field]
    assert checked(response, f"{field}_unknown")
    # Unticking the box keeps the typed answer, on the check page and in the notice.
    assert answer_step(client, lang, "person", PERSON).status_code == 303
    for name, data in [("situation", {"existing_client": "no", "person_knows": "yes"}),
                       ("worries", {"worries": ["memory"]}),
                       ("contact", {"contact_name": "Liisa Notifier", "contact_phone": "040 111 2233"})]:
        assert answer_step(client, lang, name, data).status_code == 303
    page = soup(client.get(f"/{lang}/concern/check"))
    shown = {words(row.find("dt")): words(row.find("dd")) for row in page.select("dl.summary-list > div")}
    assert shown[tr(app, lang, LABELS[field])] == PERSON[field]
    assert send_concern(client, lang).status_code == 303
    personal = decrypt(app, sent_notice(app, client, lang).personal)
    assert personal.get(field) not in (None, "")


def test_i_dont_know_alone_still_works_and_an_empty_field_with_it_is_no_conflict(app):
    client = resident(app)
    walk_to_step(client, "person")
    response = answer_step(client, "en", "person", {**PERSON, "name": "   ", "name_unknown": "y"})
    assert response.status_code == 303, error_links(response)


HELPER_CHOICES = {"named": "Yes, they give their name", "anonymous": "No, they stay anonymous"}
OWN_CHOICES = {"named": "Yes, I give my name", "anonymous": "No, I stay anonymous"}


def choice_labels(response, lang) -> dict[str, str]:
    form = soup(response).find("form", action=step_url(lang, "identity"))
    return {box["value"]: words(form.find("label", attrs={"for": box["id"]}))
            for box in form.find_all("input", attrs={"name": "identity"})}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_helper_mode_choices_and_hints_are_about_the_person_helped(app, lang):
    client = resident(app)
    walk_to_step(client, "identity", lang, on_behalf="yes")
    response = client.get(step_url(lang, "identity"))
    check_basics(response, lang, 200)
    assert choice_labels(response, lang) == {k: tr(app, lang, v) for k, v in HELPER_CHOICES.items()}
    text = main_text(response)
    assert tr(app, lang, "Does the person you are helping want to give their name?") in text
    assert tr(app, lang, "We cannot contact them. The older person will not learn who made the notice.") in text
    for own in [*OWN_CHOICES.values(), "We cannot contact you. The older person will not learn who made the notice.",
                "Do you want to give your name?"]:
        assert tr(app, lang, own) not in text
    # An unanswered question says so in words that fit both ways of filling in.
    missing = answer_step(client, lang, "identity", {})
    assert list(error_links(missing).values()) == [tr(app, lang, "Choose yes or no.")]
    assert choice_labels(missing, lang) == {k: tr(app, lang, v) for k, v in HELPER_CHOICES.items()}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_check_page_repeats_the_helper_wording(app, lang):
    client = resident(app)
    walk_concern(client, lang, on_behalf="yes", identity="anonymous")
    page = soup(client.get(f"/{lang}/concern/check"))
    shown = {words(row.find("dt")): words(row.find("dd")) for row in page.select("dl.summary-list > div")}
    assert shown[tr(app, lang, "Does the person you are helping want to give their name?")] == \
        tr(app, lang, "No, they stay anonymous")
    assert tr(app, lang, "Do you want to give your name?") not in shown


@pytest.mark.parametrize("lang", LANGUAGES)
def test_own_notice_keeps_the_first_person_wording(app, lang):
    client = resident(app)
    walk_to_step(client, "identity", lang)
    response = client.get(step_url(lang, "identity"))
    assert choice_labels(response, lang) == {k: tr(app, lang, v) for k, v in OWN_CHOICES.items()}
    assert tr(app, lang, "Do you want to give your name?") in main_text(response)
    walk = resident(app)
    walk_concern(walk, lang)
    page = soup(walk.get(f"/{lang}/concern/check"))
    shown = {words(row.find("dt")): words(row.find("dd")) for row in page.select("dl.summary-list > div")}
    assert shown[tr(app, lang, "Do you want to give your name?")] == tr(app, lang, "Yes, I give my name")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_helper_mode_contact_step_and_its_errors_are_about_the_person_helped(app, lang):
    client = resident(app)
    walk_to_step(client, "contact", lang, on_behalf="yes")
    missing = answer_step(client, lang, "contact", {})
    check_basics(missing, lang, 200)
    assert error_links(missing) == {
        "contact_name": tr(app, lang, "Enter the name of the person you are helping."),
        "contact_phone": tr(app, lang, "Give their phone number or e-mail address, so that an adviser can reach them."),
    }
    assert field_error(missing, "contact_name") == tr(app, lang, "Enter the name of the person you are helping.")
    text = main_text(missing)
    assert tr(app, lang, "An adviser may contact them to ask more. Give their phone number or e-mail address, "
                         "or both.") in text
    for own in ("Enter your name.", "An adviser may contact you to ask more. Give a phone number or an e-mail "
                "address, or both."):
        assert tr(app, lang, own) not in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_check_page_names_the_helped_persons_contact_details_as_theirs(app, lang):
    client = resident(app)
    walk_concern(client, lang, on_behalf="yes", contact={"contact_name": "Customer Person",
                                                         "contact_phone": "040 111 2233"})
    page = soup(client.get(f"/{lang}/concern/check"))
    shown = {words(row.find("dt")): words(row.find("dd")) for row in page.select("dl.summary-list > div")}
    assert shown[tr(app, lang, "The name of the person you are helping")] == "Customer Person"
    assert shown[tr(app, lang, "Their e-mail address")] == tr(app, lang, "Not given")
    assert tr(app, lang, "Your name") not in shown and tr(app, lang, "Your phone number") not in shown


def test_own_notice_keeps_the_first_person_contact_errors(app):
    client = resident(app)
    walk_to_step(client, "contact")
    assert error_links(answer_step(client, "en", "contact", {})) == {
        "contact_name": "Enter your name.",
        "contact_phone": "Give a phone number or an e-mail address, so that an adviser can reach you.",
    }
