"""The audit log: every view and change of personal data by staff, without the data itself."""
from __future__ import annotations

from sqlalchemy.orm import Session

from portal import db
from portal.staff.models import AuditEntry


def add(session: Session, staff_id: int | None, action: str, record_type: str, record_id: int | None,
        detail: str | None = None) -> None:
    """Record within the caller's transaction, so the change and its audit entry are saved together."""
    session.add(AuditEntry(staff_id=staff_id, action=action, record_type=record_type, record_id=record_id,
                           detail=detail))


def viewed(staff_id: int, record_type: str, record_id: int) -> None:
    with db.transaction() as session:
        add(session, staff_id, "view", record_type, record_id)
