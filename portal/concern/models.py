"""Concern notices about an older person, and the drafts of notices being written.

Everything that identifies a person (names, addresses, phone numbers, the notifier's own words) is
kept encrypted in `personal`; the coded answers stay readable because the statistics count them.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.crypto import SealedText
from portal.db import Base, utcnow
from portal.handling import HandledItem

# The states of `status` and the moves between them: the state table in states.py next to this module.


class ConcernDraft(Base):
    """Answers so far, kept on the server (never in the cookie) until sent or expired."""

    __tablename__ = "concern_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # the cookie holds the token itself
    ui_language: Mapped[str] = mapped_column(String(2))
    answers: Mapped[str] = mapped_column(SealedText)  # encrypted JSON
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)


class ConcernNotice(HandledItem, Base):
    __tablename__ = "concern_notice"

    # The gate's answer: danger, health or no.
    urgency: Mapped[str] = mapped_column(String(10), default="no", server_default="no")
    notifier_role: Mapped[str] = mapped_column(String(20))
    anonymous: Mapped[bool]
    on_behalf: Mapped[bool] = mapped_column(default=False)
    existing_client: Mapped[str] = mapped_column(String(10))  # yes, no, unknown
    person_knows: Mapped[str] = mapped_column(String(10))
    worries: Mapped[list[str]] = mapped_column(JSON, default=list)
    district: Mapped[str | None] = mapped_column(String(20))
    personal: Mapped[str | None] = mapped_column(SealedText)  # encrypted JSON; None once retention removed it
    status: Mapped[str] = mapped_column(String(20), default="received", index=True)
