"""Sending a concern notice: the draft becomes a notice in one transaction."""
from __future__ import annotations

import re

from flask import session
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal import crypto, db, outbox
from portal.catalogue.queries import places
from portal.concern import drafts
from portal.concern.models import ConcernDraft, ConcernNotice
from portal.forms import e164, parse_phone
from portal.references import free_reference

PERSONAL_KEYS = ("name", "age", "address", "phone", "details", "contact_name", "contact_phone", "contact_email",
                 "helper_name")


def by_submission(submission: str) -> ConcernNotice | None:
    return db.session().scalar(select(ConcernNotice).where(ConcernNotice.submission == submission))


def sent_from_this_session() -> ConcernNotice | None:
    token = session.get(drafts.SESSION_KEY) or session.get("concern_sent")
    return by_submission(drafts.token_hash(token)) if token else None


def district_of(address: str) -> str | None:
    """The district, when the address names a postal code or a neighbourhood we know; for statistics."""
    lookup = places()
    for code in re.findall(r"\b\d{5}\b", address):
        if district := lookup.district_for(code):
            return district
    for word in re.findall(r"[^\W\d_][^\W\d_-]+(?:-[^\W\d_]+)?", address):
        if district := lookup.district_for(word):
            return district
    return None


def personal_details(answers: dict) -> dict:
    details = {key: answers.get(key) for key in PERSONAL_KEYS if answers.get(key)}
    for key in ("phone", "contact_phone"):
        if number := parse_phone(details.get(key) or ""):
            details[key] = e164(number)
    return details


def send(draft: ConcernDraft, answers: dict) -> ConcernNotice:
    """Store the notice and delete the draft together; a second send of the same draft finds the first.

    The submission key is the draft's: the server made it, the visitor's session holds only its
    token. One INSERT in one transaction, never retried with the personal data (see free_reference)."""
    submission, ui_language = draft.token_hash, draft.ui_language  # read now: after a failed try it may be gone
    if existing := by_submission(submission):
        return existing
    notice = ConcernNotice(
        reference=free_reference(ConcernNotice), submission=submission, ui_language=ui_language,
        urgency=answers.get("urgency", "no"), notifier_role=answers["role"],
        anonymous=answers["identity"] == "anonymous",
        on_behalf=answers.get("on_behalf") == "yes", existing_client=answers["existing_client"],
        person_knows=answers["person_knows"], worries=answers.get("worries", []),
        district=district_of(answers.get("address") or ""), personal=crypto.encrypt(personal_details(answers)),
    )
    s = db.session()
    s.add(notice)
    s.delete(draft)
    outbox.queue(s, f"New concern notice {notice.reference}",
                 f"A concern notice is waiting in the workspace.\nReference: {notice.reference}")
    try:
        s.flush()  # now, so that the same notice sent twice at once is found here; the view commits
        return notice
    except IntegrityError:
        # The same notice was sent twice at once and the other send stored it first: nothing else of
        # this request is written yet, so rolling back drops only this second copy.
        s.rollback()
        if existing := by_submission(submission):
            return existing
        raise
