"""Saving callback requests and reading their state. Views never touch the database themselves."""
from __future__ import annotations

import datetime as dt
import hmac
from typing import cast

import phonenumbers
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal import db, handling, outbox
from portal.callback import about_activity
from portal.callback.forms import CallbackForm
from portal.callback.models import CallbackRequest
from portal.forms import e164, parse_phone
from portal.references import free_reference, normalise_reference


def by_submission(key: str) -> CallbackRequest | None:
    return db.session().scalar(select(CallbackRequest).where(CallbackRequest.submission == key))


def by_reference(reference: str) -> CallbackRequest | None:
    return db.session().scalar(select(CallbackRequest).where(CallbackRequest.reference == reference))


def save_request(form: CallbackForm, ui_language: str) -> CallbackRequest:
    """Store the request (once, however often the same form arrives) and queue the team's notice.
    The view commits before it confirms, so a confirmation shown afterwards is true.

    The form's submission key comes from a token the server issued (forms.submission_key): the
    client's word never picks the record. One INSERT in one transaction, never retried: a retry would
    send the person's details to the database again (and into its log when it fails)."""
    key = form.submission_key
    if key is None:
        raise ValueError("A callback request needs a verified submission token.")
    if existing := by_submission(key):
        return existing
    helper_phone = parse_phone(form.helper_phone.data or "")
    phone = cast(phonenumbers.PhoneNumber, parse_phone(form.phone.data))  # the form has validated it
    request = CallbackRequest(
        reference=free_reference(CallbackRequest), submission=key, ui_language=ui_language,
        for_someone_else=form.helping, name=form.name.data, phone=e164(phone),
        call_language=form.call_language.data,
        interpreter_language=form.interpreter_language.data if form.call_language.data == "other" else None,
        time_window=form.time_window.data, topic=form.topic.data or None, message=form.message.data or None,
        voicemail_ok=form.voicemail_ok.data == "yes",
        helper_name=form.helper_name.data if form.helping else None,
        helper_phone=e164(helper_phone) if form.helping and helper_phone else None,
        activity_id=about_activity.activity_id(form.activity.data),
        person_agrees=form.person_agrees.data if form.helping else None,
    )
    session = db.session()
    session.add(request)
    outbox.queue(session, f"New callback request {request.reference}",
                 f"A callback request in language '{request.call_language}' is waiting in the workspace.\n"
                 f"Reference: {request.reference}")
    try:
        session.flush()  # now, so that the same form sent twice at once is found here
        handling.arrived("callback", request)  # e.g. flagged if the same phone has a request open
        return request
    except IntegrityError:
        # The same form arrived twice at once and the other send stored it first: that is the record.
        # Nothing else of this request is written yet, so rolling back drops only this second copy.
        session.rollback()
        if existing := by_submission(key):
            return existing
        raise


def unanswered_calls(request: CallbackRequest) -> list[dt.datetime]:
    """When we called and nobody answered (UTC): the first attempt, and the second, which closed it."""
    calls = [request.first_attempt_at] if request.first_attempt_at else []
    if request.status == "closed_no_answer" and request.closed_at:
        calls.append(request.closed_at)
    return calls


def find_for_status(typed_reference: str, last_digits: str) -> CallbackRequest | None:
    """The request only if both the reference and the phone's last four digits match. Whatever was
    typed, the answer is the same for a wrong reference and for wrong digits."""
    request = by_reference(normalise_reference(typed_reference))
    # The form made any digits ASCII; anything else cannot match, and is compared all the same.
    typed = last_digits.strip().encode("utf-8", "replace")
    stored = (request.phone or "")[-4:].encode() if request is not None else b"----"
    matches = hmac.compare_digest(stored, typed)
    return request if request is not None and request.phone and matches else None
