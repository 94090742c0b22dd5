"""Helpers for the resident form tests (callback request, concern notice).

A "resident" is a test client that behaves like one visitor: its own client address (so the per-address
rate limits of one test never touch another), a Referer header (Flask-WTF's strict referrer check
applies because the app prefers https), and the CSRF token and one-time `submission` token taken from
the rendered form, as a visitor would send them.
"""
from __future__ import annotations

import itertools
import json
import re
import threading
import uuid

import pytest
from bs4 import BeautifulSoup
from flask import g
from flask_babel import force_locale, gettext
from page_checks import soup, words
from sqlalchemy import select

from portal import db as portal_db
from portal.callback.models import CallbackRequest
from portal.concern.models import ConcernDraft, ConcernNotice
from portal.outbox import OutboxMessage
from portal.references import ALPHABET

LANGUAGES = ("fi", "sv", "en")
REFERENCE = re.compile(rf"^[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}$")

_addresses = itertools.count(1)
_address_lock = threading.Lock()


def new_address() -> str:
    """A client address no other test has used (10.x.y.z)."""
    with _address_lock:
        n = next(_addresses)
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


def resident(app, address: str | None = None):
    """A test client that behaves like one person's visitor."""
    client = app.test_client()
    client.environ_base["HTTP_REFERER"] = "https://localhost/"
    client.environ_base["REMOTE_ADDR"] = address or new_address()
    return client


@pytest.fixture
def visitor(app):
    """A fresh resident on the shared test app (import this fixture into a test module)."""
    return resident(app)


def unique(prefix: str) -> str:
    """A text no other test has typed: lets a test find its own rows in the shared database."""
    return f"{prefix} {uuid.uuid4().hex[:10]}"


# --- pages -----------------------------------------------------------------------------------------

def main_text(response) -> str:
    page = soup(response)
    return words(page.find("main") or page.body)


def html_lang(response) -> str | None:
    return soup(response).html.get("lang")


def the_form(response, action: str):
    """The <form method=post> posting to `action` (the page also has the display-settings form)."""
    page = soup(response)
    form = page.find("form", attrs={"action": action, "method": "post"})
    assert form is not None, f"no form posting to {action} in {response.request.url}"
    return form


def hidden_fields(response, action: str) -> dict[str, str]:
    return {field["name"]: field.get("value", "") for field in the_form(response, action).select("input[type=hidden]")}


def field_value(response, action: str, name: str) -> str | None:
    """What an input or textarea of the form shows (None: no such field)."""
    form = the_form(response, action)
    field = form.find(["input", "textarea"], attrs={"name": name})
    if field is None:
        return None
    return field.get_text() if field.name == "textarea" else field.get("value")


def error_links(response) -> dict[str, str]:
    """The error summary: {link target without '#': message}."""
    summary = soup(response).select_one(".error-summary")
    if summary is None:
        return {}
    return {link["href"].lstrip("#"): words(link) for link in summary.select("a[href^='#']")}


def field_error(response, field_id: str) -> str | None:
    """The message shown at the field itself (its id-error element), without the hidden "Error:" prefix."""
    element = soup(response).find(id=f"{field_id}-error")
    if element is None:
        return None
    for hidden in element.select(".visually-hidden"):
        hidden.decompose()
    return words(element)


def check_basics(response, lang: str, status: int) -> BeautifulSoup:
    """Status, the page's language and one h1 (also for pages showing errors, whose title starts "Error:")."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:1500])
    page = soup(response)
    assert page.html.get("lang") == lang
    assert len(page.find_all("h1")) == 1
    return page


# --- translations ------------------------------------------------------------------------------------

def tr(app, lang: str, text: str, **values) -> str:
    """`text` as the app says it in `lang` (the English itself while a catalogue lacks it)."""
    with app.test_request_context(f"/{lang}/"):
        g.lang = lang
        with force_locale(lang):
            return gettext(text, **values)


def day_name(app, lang: str, day) -> str:
    from portal import formatting

    with app.test_request_context(f"/{lang}/"):
        g.lang = lang
        with force_locale(lang):
            return formatting.day_name(day)


# --- the database ------------------------------------------------------------------------------------

def objects(app, statement) -> list:
    """ORM objects (detached, their columns loaded) read in a session of their own."""
    with app.app_context():
        session = portal_db.session()
        try:
            return session.scalars(statement).all()
        finally:
            session.close()


def rows(app, statement) -> list:
    """Plain rows (a SELECT in SQL, or a Core select) read in a connection of their own."""
    with app.app_context():
        session = portal_db.session()
        try:
            return session.execute(statement).all()
        finally:
            session.close()


def callbacks_where(app, test) -> list[CallbackRequest]:
    """The callback requests whose (decrypted) fields pass `test`: names are encrypted, so SQL cannot compare them."""
    return [found for found in objects(app, select(CallbackRequest).order_by(CallbackRequest.id)) if test(found)]


def callbacks_named(app, name: str) -> list[CallbackRequest]:
    return callbacks_where(app, lambda found: found.name == name)


def callback_by_reference(app, reference: str) -> CallbackRequest | None:
    found = objects(app, select(CallbackRequest).where(CallbackRequest.reference == reference))
    return found[0] if found else None


def outbox_mentioning(app, reference: str) -> list[OutboxMessage]:
    return objects(app, select(OutboxMessage).where(OutboxMessage.subject.contains(reference)
                                                  | OutboxMessage.body.contains(reference)))


def count(app, model) -> int:
    from sqlalchemy import func

    return rows(app, select(func.count()).select_from(model))[0][0]


def notice_by_reference(app, reference: str) -> ConcernNotice | None:
    found = objects(app, select(ConcernNotice).where(ConcernNotice.reference == reference))
    return found[0] if found else None


def decrypt(app, token: str):
    from portal import crypto

    with app.app_context():
        return crypto.decrypt(token)


def session_data(app, client) -> dict:
    """The Flask session cookie decoded (it is signed, not encrypted: anyone can read it)."""
    cookie = client.get_cookie("session")
    if cookie is None:
        return {}
    return app.session_interface.get_signing_serializer(app).loads(cookie.value)


def draft_of(app, client) -> ConcernDraft | None:
    from portal.concern.drafts import SESSION_KEY, token_hash

    token = session_data(app, client).get(SESSION_KEY)
    if not token:
        return None
    found = objects(app, select(ConcernDraft).where(ConcernDraft.token_hash == token_hash(token)))
    return found[0] if found else None


# --- the callback form ---------------------------------------------------------------------------------

# person_agrees is asked of helpers only; for a request for oneself it is not kept.
CALLBACK_DEFAULTS = {"call_language": "fi", "time_window": "any", "voicemail_ok": "no", "person_agrees": "yes"}


def callback_form(client, lang: str = "en", helping: bool = False):
    response = client.get(f"/{lang}/callback" + ("?for=other" if helping else ""))
    assert response.status_code == 200
    return response


def callback_data(form_page, lang: str = "en", **fields) -> dict:
    """The hidden fields of the rendered form (csrf_token, submission, for_whom) plus the answers."""
    data = hidden_fields(form_page, f"/{lang}/callback")
    data.update(CALLBACK_DEFAULTS)
    data.update({key: value for key, value in fields.items() if value is not None})
    return data


def send_callback(client, lang: str = "en", helping: bool = False, **fields):
    """Open the form, fill it in and send it; returns the response to the POST (not followed)."""
    page = callback_form(client, lang, helping)
    fields.setdefault("name", unique("Anna Tester"))
    fields.setdefault("phone", "040 123 4567")
    return client.post(f"/{lang}/callback", data=callback_data(page, lang, **fields))


def sent_reference(client, lang: str = "en") -> str:
    response = client.get(f"/{lang}/callback/sent")
    assert response.status_code == 200, response.status_code
    element = soup(response).select_one(".reference")
    assert element is not None
    return words(element)


# --- the concern notice ---------------------------------------------------------------------------------

PERSON = {"name": "Aino Esimerkki", "age": "84", "address": "Fleminginkatu 5, 00530 Helsinki",
          "phone": "050 765 4321"}
CONTACT = {"contact_name": "Liisa Notifier", "contact_phone": "040 111 2233", "contact_email": "liisa@example.fi"}


def step_url(lang: str, name: str) -> str:
    return f"/{lang}/concern/step/{name}"


def answer_step(client, lang: str, name: str, answers: dict, expect_form: bool = True):
    """Open a step like a visitor (to get its tokens) and send the answers; returns the POST's response."""
    page = client.get(step_url(lang, name))
    if expect_form:
        assert page.status_code == 200, (name, page.status_code, page.headers.get("Location"))
        data = hidden_fields(page, step_url(lang, name))
    else:
        data = {}
    data.update(answers)
    return client.post(step_url(lang, name), data=data)


def walk_concern(client, lang: str = "en", *, urgency="no", role="relative", on_behalf="no", identity="named",
                 person=None, situation=None, worries=None, contact=None):
    """Answer every step up to the check page; returns the last POST's response (a redirect to check)."""
    answers = [
        ("urgency", {"urgency": urgency}),
        ("role", {"role": role, "on_behalf": on_behalf}),
        ("identity", {"identity": identity}),
        ("person", dict(PERSON if person is None else person)),
        ("situation", situation or {"existing_client": "no", "person_knows": "yes"}),
        ("worries", worries or {"worries": ["memory", "food"], "details": "She forgets to eat."}),
    ]
    if identity == "named":
        answers.append(("contact", dict(CONTACT if contact is None else contact)))
    response = None
    for name, data in answers:
        response = answer_step(client, lang, name, data)
        if name == "urgency" and urgency != "no":
            assert response.status_code == 200
            continue
        assert response.status_code == 303, (name, response.status_code, error_links(response))
    assert response.headers["Location"].endswith(f"/{lang}/concern/check")
    return response


STEP_ORDER = ["urgency", "role", "identity", "person", "situation", "worries", "contact"]
STEP_ANSWERS = {
    "urgency": {"urgency": "no"}, "role": {"role": "relative", "on_behalf": "no"}, "identity": {"identity": "named"},
    "person": PERSON, "situation": {"existing_client": "no", "person_knows": "yes"},
    "worries": {"worries": ["memory"]}, "contact": CONTACT,
}


def walk_to_step(client, step: str, lang: str = "en", **overrides):
    """Answer the steps before `step` (overrides replace single answers, e.g. on_behalf="yes")."""
    for name in STEP_ORDER[:STEP_ORDER.index(step)]:
        answers = {key: overrides.get(key, value) for key, value in STEP_ANSWERS[name].items()}
        response = answer_step(client, lang, name, answers)
        assert response.status_code == 303, (name, error_links(response))


def send_concern(client, lang: str = "en"):
    """Press "Send the notice" on the check page; returns the POST's response."""
    page = client.get(f"/{lang}/concern/check")
    assert page.status_code == 200, page.status_code
    return client.post(f"/{lang}/concern/check", data=hidden_fields(page, f"/{lang}/concern/check"))


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def post_twice_at_once(monkeypatch, queries, first_client, second_client, url: str, data: dict) -> dict:
    """Send the same form from two clients (sharing one session) so that both have looked for an
    existing record before either saves: the race a double click makes. Returns both responses."""
    both_checked = threading.Barrier(2, timeout=10)
    original = queries.by_submission
    waited = threading.local()

    def by_submission_at_the_same_time(submission):
        found = original(submission)
        if not getattr(waited, "done", False):
            waited.done = True
            both_checked.wait()
        return found

    monkeypatch.setattr(queries, "by_submission", by_submission_at_the_same_time)
    responses = {}

    def post(key, client):
        responses[key] = client.post(url, data=data)

    threads = [threading.Thread(target=post, args=(key, client))
               for key, client in (("first", first_client), ("second", second_client))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    monkeypatch.undo()
    return responses
