"""A resident's request to be called back by the advice line. What identifies the person (names, phone
numbers, their words) is encrypted at rest by the column type."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.crypto import EncryptedText
from portal.db import Base
from portal.handling import HandledItem

# The states of `status` and the moves between them: the state table in states.py next to this module.


class CallbackRequest(HandledItem, Base):
    __tablename__ = "callback_request"

    for_someone_else: Mapped[bool] = mapped_column(default=False)
    name: Mapped[str | None] = mapped_column(EncryptedText)
    phone: Mapped[str | None] = mapped_column(EncryptedText)  # E.164
    call_language: Mapped[str] = mapped_column(String(5))
    interpreter_language: Mapped[str | None] = mapped_column(EncryptedText)
    time_window: Mapped[str] = mapped_column(String(12))
    topic: Mapped[str | None] = mapped_column(String(20))
    message: Mapped[str | None] = mapped_column(EncryptedText)
    voicemail_ok: Mapped[bool] = mapped_column(default=False)
    helper_name: Mapped[str | None] = mapped_column(EncryptedText)
    helper_phone: Mapped[str | None] = mapped_column(EncryptedText)
    status: Mapped[str] = mapped_column(String(20), default="new", index=True)
    reached_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # "Ask about this activity": the activity the form was opened from (portal/callback/about_activity.py).
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id", ondelete="SET NULL"))
    # The first unanswered call (the second one closes the request: closed_at), for the status page.
    first_attempt_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # Asked of a helper: does the person to be called know about it and agree (portal/consent.py)?
    person_agrees: Mapped[str | None] = mapped_column(String(10))
