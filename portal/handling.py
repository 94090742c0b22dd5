"""What every request that advisers handle has, whether a callback request or a concern notice."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import utcnow


class HandledItem:
    """Mixed into the models: reference, the form it came from, who holds it, when it was first acted
    on, how it ended, and when retention removed its personal data (the row stays for statistics)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(9), unique=True)
    # The one-time token of the form that made it: a resubmitted form finds this record.
    submission: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    ui_language: Mapped[str] = mapped_column(String(2))
    status_changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    # The first time staff reached out (a call attempt, or contact): "time to first contact".
    first_contact_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    outcome: Mapped[str | None] = mapped_column(String(40))
    personal_data_removed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


# What staff's work adds when a new item arrives (the duplicate check, portal/staff/duplicates.py):
# registered by the staff package, called by the resident forms' data modules, which cannot import it.
ARRIVAL_HOOKS: list[Callable[[str, Any], None]] = []


def arrived(kind: str, record: Any) -> None:
    """A new callback request or concern notice was just stored (flushed, not yet committed)."""
    for hook in ARRIVAL_HOOKS:
        hook(kind, record)
