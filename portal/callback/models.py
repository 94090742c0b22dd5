"""A resident's request to be called back by the advice line."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base
from portal.handling import HandledItem

STATES = ("new", "claimed", "attempt_1", "closed_no_answer", "reached", "closed")


class CallbackRequest(HandledItem, Base):
    __tablename__ = "callback_request"

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
    reached_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
