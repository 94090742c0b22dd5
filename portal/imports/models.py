"""What the imports remember: which record came from where (so a second run changes nothing and an
editor's additions survive), each import run with its counts and refusals, and partners' feed URLs."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, utcnow


class SourceLink(Base):
    """One imported record (an activity or a venue) and the source record it stands for. Kept apart
    from the catalogue's tables so that the catalogue stays the same whether or not imports are used."""

    __tablename__ = "source_link"
    __table_args__ = (UniqueConstraint("source", "kind", "source_id"),
                      Index("ix_source_link_record", "kind", "record_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40))  # "linked_events", or "ical:<feed id>"
    kind: Mapped[str] = mapped_column(String(10))  # "activity" or "venue"
    source_id: Mapped[str] = mapped_column(String(200))  # "helsinki:afy6ikna3u", "tprek:15417", an iCal UID
    record_id: Mapped[int | None]  # the activity or venue; None while a first import waits for an editor
    # The source's own last modification time, as it wrote it, shown as "updated …".
    source_modified: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # A hash of what the source said last time: the same content again is "unchanged", never rewritten.
    fingerprint: Mapped[str] = mapped_column(String(64), default="")
    # What the importer needs to rebuild the record from part of it: a series' dates by sub-event id.
    state: Mapped[dict] = mapped_column(JSON, default=dict)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ImportRun(Base):
    """One run of an import, for editors: when, what came in, and what was refused and why."""

    __tablename__ = "import_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40), index=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # The sync point used (the newest last_modified_time seen), for the next run's last_modified_since.
    synced_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    new: Mapped[int] = mapped_column(default=0)
    changed: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    removed: Mapped[int] = mapped_column(default=0)
    refused: Mapped[int] = mapped_column(default=0)
    # [{"id": source id, "code": reason code, "detail": short text}], refused and left-out items.
    notes: Mapped[list[dict]] = mapped_column(JSON, default=list)
    failed: Mapped[str | None] = mapped_column(String(300))  # why the whole run stopped, if it did


class CalendarFeed(Base):
    """An organiser's iCalendar URL that an editor added; imported by `flask import calendars`."""

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    organiser_id: Mapped[int] = mapped_column(ForeignKey("organiser.id"))
    url: Mapped[str] = mapped_column(String(500))
    # Where the organiser's events are held (a feed's LOCATION is free text, not a place we know).
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venue.id"))
    added_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    added_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    active: Mapped[bool] = mapped_column(default=True)


class DeletedActivity(Base):
    """An activity that was removed (by an import's sync or an editor), so that the Linked Events export's
    show_deleted can tell its readers to remove it too, as the real API does. Cleared when the demo
    catalogue is loaded again (its ids start over)."""

    __tablename__ = "deleted_activity"

    activity_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    deleted_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
