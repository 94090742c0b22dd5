"""The record of removed activities, read by the Linked Events export's show_deleted. Never commits:
the caller's unit of work does."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.imports.models import DeletedActivity


def record(session: Session, activity_id: int) -> None:
    """Note that the activity is gone (again: a later time), wherever it is removed."""
    found = session.get(DeletedActivity, activity_id)
    if found is None:
        session.add(DeletedActivity(activity_id=activity_id, deleted_at=utcnow()))
    else:
        found.deleted_at = utcnow()


def since(session: Session, moment: dt.datetime | None = None) -> list[DeletedActivity]:
    """Deleted activities in id order, those deleted after `moment` (UTC) when given."""
    query = select(DeletedActivity).order_by(DeletedActivity.activity_id)
    if moment is not None:
        query = query.where(DeletedActivity.deleted_at > moment)
    return list(session.scalars(query))
