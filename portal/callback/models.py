"""A resident's request to be called back by the advice line."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base

STATES = ("new", "claimed", "attempt_1", "closed_no_answer", "reached", "closed")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class CallbackRequest(Base):
    __tablename__ = "callback_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(9), unique=True)
    # The one-time token of the form that made it: a resubmitted form finds this record.
    submission: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    ui_language: Mapped[str] = mapped_column(String(2))
    for_someone_else: Mapped[bool] = mapped_column(default=False)
    name: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(20))  # E.164
    call_language: Mapped[str] = mapped_column(String(5))
    interpreter_language: Mapped[str | None] = mapped_column(String(60))
    time_window: Mapped[str] = mapped_column(String(12))
    topic: Mapped[str | None] = mapped_column(String(20))
    message: Mapped[str | None] = mapped_column(Text)
    voicemail_ok: Mapped[bool] = mapped_column(default=False)
    helper_name: Mapped[str | None] = mapped_column(String(100))
    helper_phone: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="new", index=True)
    status_changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    # The first time staff reached out (a call attempt, or contact): "time to first contact".
    first_contact_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    reached_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    outcome: Mapped[str | None] = mapped_column(String(40))
    # Set when retention removes the personal data; the row stays for the statistics.
    personal_data_removed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
