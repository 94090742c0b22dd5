"""Consent when helping: a helper asking for a call for someone, and every concern notifier, say whether
the person knows about the contact and agrees (yes / no / cannot ask), each answer with one line on what
it means; the answer is stored and advisers see it on the item."""
from __future__ import annotations

import pytest
from form_support import (  # noqa: F401
    LANGUAGES,
    PERSON,
    answer_step,
    callback_data,
    callback_form,
    callbacks_named,
    error_links,
    notice_by_reference,
    resident,
    send_concern,
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
from staff_support import add_callback, add_concern, signed_in

CALLBACK_HINTS = {
    "yes": "The adviser calls them as you asked.",
    "no": "The adviser knows this before calling and thinks carefully about how to go on. They may call you first.",
    "cannot_ask": "For example, because of memory problems. The adviser takes this into account and may call you "
                  "first.",
}
CHOICES = {"yes": "Yes, they know and agree", "no": "No, they do not know, or they do not agree",
           "cannot_ask": "I cannot ask them"}


def consent_options(page, name: str) -> dict[str, tuple[str, str]]:
    """{value: (label, the hint the option points to)} of the radio group `name`."""
    options = {}
    for option in page.select(f"input[type=radio][name={name}]"):
        label = words(page.find("label", attrs={"for": option["id"]}))
        hint = page.find(id=option.get("aria-describedby", "-"))
        options[option["value"]] = (label, words(hint) if hint else "")
    return options


def send_for_someone(client, lang="en", **fields):
    page = callback_form(client, lang, helping=True)
    data = callback_data(page, lang, name=fields.pop("name"), phone="040 123 4567", helper_name="Helper H", **fields)
    if not data["person_agrees"]:  # not answered: the browser sends nothing for the group
        del data["person_agrees"]
    return client.post(f"/{lang}/callback", data=data)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_helper_form_asks_whether_they_know_and_agree_with_what_each_answer_means(app, visitor, lang):
    page = check_page(callback_form(visitor, lang, helping=True), lang=lang)
    options = consent_options(page, "person_agrees")
    assert options == {value: (tr(app, lang, CHOICES[value]), tr(app, lang, CALLBACK_HINTS[value]))
                       for value in CHOICES}


def test_the_form_for_oneself_does_not_ask(visitor):
    page = soup(callback_form(visitor, "en"))
    assert page.select("input[name=person_agrees]") == []


def test_a_helper_must_answer_and_nothing_is_stored_until_they_do(app, visitor):
    name = unique("Unasked")
    response = send_for_someone(visitor, name=name, person_agrees="")
    assert response.status_code == 200
    assert error_links(response) == {"person_agrees-0": tr(app, "en", "Choose whether they know about the call and "
                                                                      "agree to it.")}
    assert callbacks_named(app, name) == []


@pytest.mark.parametrize("answer", list(CHOICES))
def test_each_answer_is_stored(app, answer):
    name = unique("Asked")
    assert send_for_someone(resident(app), name=name, person_agrees=answer).status_code == 303
    [saved] = callbacks_named(app, name)
    assert saved.person_agrees == answer


def test_an_answer_not_offered_is_refused(app, visitor):
    name = unique("Odd answer")
    response = send_for_someone(visitor, name=name, person_agrees="maybe")
    assert "person_agrees-0" in error_links(response)
    assert callbacks_named(app, name) == []


# --- the concern notice ----------------------------------------------------------------------------------

CONCERN_HINTS = {
    "yes": "The adviser can talk with them openly about the notice.",
    "no": "You can still send the notice. The adviser contacts them, and they may refuse help.",
    "cannot_ask": "For example, because of memory problems. You can still send the notice. The adviser takes this "
                  "into account.",
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_concern_notice_asks_the_same_with_what_each_answer_means(app, lang):
    client = resident(app)
    walk_to_step(client, "situation", lang)
    page = check_page(client.get(step_url(lang, "situation")), lang=lang)
    assert consent_options(page, "person_knows") == {
        value: (tr(app, lang, CHOICES[value]), tr(app, lang, CONCERN_HINTS[value])) for value in CHOICES}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_helper_is_asked_about_the_older_person_in_their_words(app, lang):
    client = resident(app)
    walk_to_step(client, "situation", lang, on_behalf="yes")
    page = soup(client.get(step_url(lang, "situation")))
    legends = [words(legend) for legend in page.select("form legend")]
    assert tr(app, lang, "Does the older person know that the person you are helping is making this notice, and do "
                         "they agree to it?") in legends
    assert consent_options(page, "person_knows")["cannot_ask"][0] == tr(app, lang, "They cannot ask them")


@pytest.mark.parametrize("answer", list(CHOICES))
def test_the_concern_answer_is_stored(app, answer):
    client = resident(app)
    walk_concern(client, situation={"existing_client": "no", "person_knows": answer})
    assert send_concern(client).status_code == 303
    reference = words(soup(client.get("/en/concern/sent")).select_one(".reference"))
    assert notice_by_reference(app, reference).person_knows == answer


def test_the_concern_answer_is_required(app):
    client = resident(app)
    walk_to_step(client, "situation")
    response = answer_step(client, "en", "situation", {"existing_client": "no"})
    assert error_links(response) == {"person_knows-0": tr(app, "en", "Choose whether they know about the notice and "
                                                                     "agree to it.")}


# --- advisers see it -------------------------------------------------------------------------------------

def _facts(page) -> dict[str, str]:
    return {words(row.find("dt")): words(row.find("dd")) for row in page.select("dl.key-facts > div")}


@pytest.mark.parametrize("answer, shown", [("yes", "Knows and agrees"), ("no", "Does not know, or does not agree"),
                                               ("cannot_ask", "Could not be asked")])
def test_advisers_see_the_callback_answer(app, answer, shown):
    item = add_callback(app, for_someone_else=True, helper_name="Helper", person_agrees=answer)
    client, _staff = signed_in(app, ["adviser"])
    facts = _facts(soup(client.get(f"/en/staff/callback/{item.id}")))
    assert facts["Knows about the call and agrees"] == shown


def test_advisers_see_no_consent_row_for_a_request_for_oneself(app):
    item = add_callback(app)
    client, _staff = signed_in(app, ["adviser"])
    assert "Knows about the call and agrees" not in _facts(soup(client.get(f"/en/staff/callback/{item.id}")))


@pytest.mark.parametrize("answer, shown", [("yes", "Knows and agrees"), ("cannot_ask", "Could not be asked"),
                                               ("unknown", "Not known")])  # "unknown": notices sent before
def test_advisers_see_the_concern_answer(app, answer, shown):
    item = add_concern(app, person_knows=answer)
    client, _staff = signed_in(app, ["adviser"])
    facts = _facts(soup(client.get(f"/en/staff/concern/{item.id}")))
    assert facts["Knows about the notice and agrees"] == shown
