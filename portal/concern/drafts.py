"""Drafts of concern notices, kept on the server and encrypted; the visitor's session holds only a
random token. A draft expires after a period without changes and is deleted then, or when sent."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import cast

from flask import session
from sqlalchemy import CursorResult, delete, select

from portal import crypto, db
from portal.concern.models import ConcernDraft
from portal.config import settings
from portal.db import utcnow

SESSION_KEY = "concern_draft"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _lifetime() -> dt.timedelta:
    return dt.timedelta(minutes=settings().concern_draft_minutes)


def current() -> tuple[ConcernDraft | None, dict]:
    """This visitor's draft and its answers; an expired draft is deleted and not returned."""
    token = session.get(SESSION_KEY)
    if not token:
        return None, {}
    draft = db.session().scalar(select(ConcernDraft).where(ConcernDraft.token_hash == token_hash(token)))
    if draft is None:
        return None, {}
    if draft.expires_at <= utcnow():
        db.session().delete(draft)
        return None, {"expired": True}
    return draft, crypto.decrypt(draft.answers)


def save(draft: ConcernDraft | None, answers: dict, ui_language: str) -> ConcernDraft:
    """The draft with these answers, saved with the request (the view commits before it moves on)."""
    if draft is None:
        token = secrets.token_urlsafe(24)
        draft = ConcernDraft(token_hash=token_hash(token), ui_language=ui_language, answers="")
        db.session().add(draft)
        # Only once the draft is stored: after a failed save the session must not point at nothing.
        db.after_commit(lambda: session.__setitem__(SESSION_KEY, token))
    draft.answers = crypto.encrypt(answers)
    draft.updated_at = utcnow()
    draft.expires_at = draft.updated_at + _lifetime()
    return draft


def discard() -> None:
    token = session.pop(SESSION_KEY, None)
    if token:
        db.session().execute(delete(ConcernDraft).where(ConcernDraft.token_hash == token_hash(token)))


def delete_expired(now: dt.datetime) -> int:
    result = cast(CursorResult, db.session().execute(delete(ConcernDraft).where(ConcernDraft.expires_at <= now)))
    return result.rowcount
