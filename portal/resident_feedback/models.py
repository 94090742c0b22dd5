"""Anonymous answers. Only the month (in the city's time), the channel, the page's language and the
answers are stored: no time of day, no reference, no address, nothing that links an answer to a request
or to a person."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base


class ContactAnswers(Base):
    """One questionnaire sent after a callback or a concern notice. Each point holds 1 (very poorly) to
    5 (very well), 0 for "cannot say", or NULL when the question was left unanswered."""

    __tablename__ = "contact_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)  # "2026-11"
    channel: Mapped[str] = mapped_column(String(10))  # callback, concern
    ui_language: Mapped[str] = mapped_column(String(2))
    encounter: Mapped[int | None] = mapped_column(SmallInteger)
    competence: Mapped[int | None] = mapped_column(SmallInteger)
    cooperation: Mapped[int | None] = mapped_column(SmallInteger)
    impact: Mapped[int | None] = mapped_column(SmallInteger)


class UsedFeedbackForm(Base):
    """The one-time token of a questionnaire already sent (portal.forms.submission_key), so the same form
    sent twice counts once. Kept apart from the answers, with the day only, and removed after two days
    (a token is good for one)."""

    __tablename__ = "contact_feedback_form"

    submission: Mapped[str] = mapped_column(String(64), primary_key=True)
    used_on: Mapped[dt.date] = mapped_column(Date, index=True)


class FoundAnswer(Base):
    """"Did you find what you were looking for?" on the activity search. `text` is the optional few
    words, with anything that looks like a phone number or an e-mail address taken out."""

    __tablename__ = "catalogue_found_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    ui_language: Mapped[str] = mapped_column(String(2))
    found: Mapped[bool]
    text: Mapped[str | None] = mapped_column(String(200))
