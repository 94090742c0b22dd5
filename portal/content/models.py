"""Content pages kept by staff, one version per language, and the notices shown for a while."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.collections import attribute_keyed_dict

from portal.db import Base, utcnow


class ContentPage(Base):
    """One page of the site whose words staff write (its address and kind are fixed in code)."""

    __tablename__ = "content_page"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)  # the address after /<lang>/
    kind: Mapped[str] = mapped_column(String(20))  # guide, questions
    versions: Mapped[dict[str, ContentVersion]] = relationship(
        collection_class=attribute_keyed_dict("lang"), cascade="all, delete-orphan", lazy="selectin")


class ContentVersion(Base):
    """The page in one language: a language with no version is shown honestly in another one."""

    __tablename__ = "content_version"
    __table_args__ = (UniqueConstraint("page_id", "lang"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("content_page.id", ondelete="CASCADE"), index=True)
    lang: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)  # the sanitised subset, cleaned again when shown
    reviewed_on: Mapped[dt.date] = mapped_column(Date)
    review_by: Mapped[dt.date] = mapped_column(Date, index=True)  # the reminder: check the facts again by then
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))


class Notice(Base):
    """A current notice (a scam-call warning, a closed office): shown from its first to its last day."""

    __tablename__ = "current_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    importance: Mapped[str] = mapped_column(String(10))  # info, warning
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date, index=True)
    texts: Mapped[dict[str, str]] = mapped_column(JSON)  # {lang: text}; Finnish always
    status: Mapped[str] = mapped_column(String(12), default="published")  # portal/content/states.py
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    status_changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
