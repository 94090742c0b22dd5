"""A resident's report that a listing is wrong, waiting for an editor."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, utcnow


class ListingReport(Base):
    __tablename__ = "listing_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str | None] = mapped_column(Text)
    ui_language: Mapped[str] = mapped_column(String(2))
    # The report form's one-time token (portal.forms.submission_key): the same form sent twice is one report.
    submission: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)  # open, resolved
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
