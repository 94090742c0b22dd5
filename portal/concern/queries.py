"""Sending a concern notice: the draft becomes a notice in one transaction."""
from __future__ import annotations

import hmac
import re

from flask import session
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal import crypto, db, handling, outbox
from portal.catalogue.queries import places
from portal.concern import drafts
from portal.concern.models import ConcernDraft, ConcernNotice
from portal.forms import e164, parse_phone
from portal.references import free_reference, normalise_reference

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
        handling.arrived("concern", notice)  # e.g. flagged if a notice about the same person is open
        return notice
    except IntegrityError:
        # The same notice was sent twice at once and the other send stored it first: nothing else of
        # this request is written yet, so rolling back drops only this second copy.
        s.rollback()
        if existing := by_submission(submission):
            return existing
        raise


def by_reference(reference: str) -> ConcernNotice | None:
    return db.session().scalar(select(ConcernNotice).where(ConcernNotice.reference == reference))


def status_checks(notice: ConcernNotice) -> dict[str, str]:
    """What the notifier can prove they sent it with: the older person's year of birth, if the notice
    gave one, and the last four digits of the notifier's phone, if they gave their name and a phone.
    Nothing once retention has removed the personal data."""
    personal = crypto.decrypt(notice.personal) if notice.personal else {}
    checks = {}
    age = str(personal.get("age") or "")
    if len(age) == 4 and age.isdigit():
        checks["year"] = age
    if not notice.anonymous and (phone := personal.get("contact_phone")):
        checks["phone"] = phone[-4:]
    return checks


def find_for_status(typed_reference: str, typed_check: str) -> ConcernNotice | None:
    """The notice only if the reference and one of its checks match. A wrong reference, a wrong check
    and a notice with nothing to check it with all give the same answer: none."""
    notice = by_reference(normalise_reference(typed_reference))
    expected = list(status_checks(notice).values()) if notice is not None else []
    typed = typed_check.strip().encode("utf-8", "replace")
    # Every expected value is compared (and one that cannot match when there is none), so the time
    # taken says little about which one matched.
    matches = [hmac.compare_digest(value.encode(), typed) for value in expected or ["----"]]
    return notice if notice is not None and expected and any(matches) else None
