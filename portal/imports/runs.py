"""An import run's report: counts, and each refused or left-out item with a reason code; saved as an
ImportRun row that editors read in the staff workspace."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.imports.models import ImportRun

# Why an item was refused or left out, as editors read it (the code is stored, the label shown).
REASONS = {
    "not_an_object": _l("Not an event record."),
    "bad_id": _l("The record has no usable id."),
    "bad_field": _l("A field has the wrong type."),
    "no_finnish_name": _l("No name in Finnish."),
    "too_long": _l("A text is too long."),
    "no_start": _l("No start time: left out until it has one."),
    "postponed": _l("Postponed: left out until it has a new date."),
    "cancelled": _l("Cancelled: left out."),
    "place_unknown": _l("The place is not known (ask with include=location)."),
    "outside_city": _l("The place's postal code is not in the city's postal areas."),
    "price_not_stated": _l("Not free, and the price is not stated."),
    "unknown_keywords": _l("Some keywords are not in the mapping table (ignored)."),
    "no_dates": _l("The series has no dates."),
    "failed": _l("Could not be saved; nothing of it was imported."),
    "bad_page": _l("A page of results could not be read; nothing of this run was imported."),
    "bad_calendar": _l("The calendar could not be read."),
}


@dataclass
class ImportReport:
    source: str
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    refused: int = 0
    notes: list[dict] = field(default_factory=list)
    synced_until: dt.datetime | None = None
    failed: str | None = None
    run_id: int | None = None

    def refuse(self, source_id: object, code: str, detail: str = "") -> None:
        self.refused += 1
        self.note(source_id, code, detail)

    def note(self, source_id: object, code: str, detail: str = "") -> None:
        """An item left out or imported with a remark (not counted as refused)."""
        self.notes.append({"id": str(source_id)[:200], "code": code, "detail": detail[:200]})

    def summary(self) -> str:
        text = (f"{self.new} new, {self.changed} changed, {self.unchanged} unchanged, {self.removed} removed, "
                f"{self.refused} refused")
        return f"{text}; stopped: {self.failed}" if self.failed else text


def save(session: Session, report: ImportReport, started_at: dt.datetime) -> ImportRun:
    """Record the run (the caller's unit of work saves it)."""
    run = ImportRun(source=report.source, started_at=started_at, finished_at=utcnow(), synced_until=report.synced_until,
                    new=report.new, changed=report.changed, unchanged=report.unchanged, removed=report.removed,
                    refused=report.refused, notes=report.notes, failed=report.failed)
    session.add(run)
    session.flush()
    report.run_id = run.id
    return run


def last_synced(session: Session, source: str) -> dt.datetime | None:
    """Where the last run that finished without failing got to: the next sync asks from there."""
    return session.scalar(select(ImportRun.synced_until).where(ImportRun.source == source, ImportRun.failed.is_(None),
                                                               ImportRun.synced_until.is_not(None))
                          .order_by(ImportRun.id.desc()).limit(1))


def recent(session: Session, limit: int = 30) -> list[ImportRun]:
    return list(session.scalars(select(ImportRun).order_by(ImportRun.id.desc()).limit(limit)))
