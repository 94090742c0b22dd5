"""Saving callback requests and reading their state. Views never touch the database themselves."""
from __future__ import annotations

import hmac

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal import db, outbox
from portal.callback.forms import CallbackForm
from portal.callback.models import CallbackRequest
from portal.forms import e164, parse_phone
from portal.references import new_reference, normalise_reference

REFERENCE_TRIES = 5


def by_submission(token: str) -> CallbackRequest | None:
    return db.session().scalar(select(CallbackRequest).where(CallbackRequest.submission == token))


def by_reference(reference: str) -> CallbackRequest | None:
    return db.session().scalar(select(CallbackRequest).where(CallbackRequest.reference == reference))


def save_request(form: CallbackForm, ui_language: str) -> CallbackRequest:
    """Store the request (once, however often the same form arrives) and queue the team's notice.
    Returns only after the commit, so a confirmation shown afterwards is true."""
    if existing := by_submission(form.submission.data):
        return existing
    helper_phone = parse_phone(form.helper_phone.data or "")
    for _ in range(REFERENCE_TRIES):
        request = CallbackRequest(
            reference=new_reference(), submission=form.submission.data, ui_language=ui_language,
            for_someone_else=form.helping, name=form.name.data, phone=e164(parse_phone(form.phone.data)),
            call_language=form.call_language.data,
            interpreter_language=form.interpreter_language.data if form.call_language.data == "other" else None,
            time_window=form.time_window.data, topic=form.topic.data or None, message=form.message.data or None,
            voicemail_ok=form.voicemail_ok.data == "yes",
            helper_name=form.helper_name.data if form.helping else None,
            helper_phone=e164(helper_phone) if form.helping and helper_phone else None,
        )
        try:
            with db.transaction() as session:
                session.add(request)
                outbox.queue(session, f"New callback request {request.reference}",
                             f"A callback request in language '{request.call_language}' is waiting in the workspace.\n"
                             f"Reference: {request.reference}")
            return request
        except IntegrityError:
            # Either the same form arrived twice at once, or (very rarely) the reference was taken.
            if existing := by_submission(form.submission.data):
                return existing
    raise RuntimeError("Could not find a free reference.")


def find_for_status(typed_reference: str, last_digits: str) -> CallbackRequest | None:
    """The request only if both the reference and the phone's last four digits match."""
    request = by_reference(normalise_reference(typed_reference))
    if request is None or not request.phone:
        return None
    return request if hmac.compare_digest(request.phone[-4:], last_digits.strip()) else None
