"""The audit log: every view and change of personal data by staff, without the data itself, and the
security log in the same table (sign-ins, failures, delays, refusals, password changes)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from portal import db
from portal.staff.models import AuditEntry

# Entries about staff accounts themselves (record_type "staff_user"), as the security log lists them.
SECURITY_ACTIONS = {
    "sign_in": _l("Signed in"), "sign_in_failed": _l("Sign-in failed"), "locked": _l("Sign-ins delayed"),
    "sign_in_slowed": _l("Signed in while delayed"), "sign_in_refused": _l("Sign-in refused"),
    "sign_out": _l("Signed out"), "sign_out_everywhere": _l("Signed out on all devices"),
    "session_ended": _l("Session ended"), "refused": _l("Access refused"), "password_changed": _l("Password changed"),
    "confirmed": _l("Password confirmed"), "roles": _l("Roles changed"), "organisation": _l("Organisation changed"),
}


def add(session: Session, staff_id: int | None, action: str, record_type: str, record_id: int | None,
        detail: str | None = None) -> None:
    """Record within the caller's transaction, so the change and its audit entry are saved together."""
    session.add(AuditEntry(staff_id=staff_id, action=action, record_type=record_type, record_id=record_id,
                           detail=detail))


def viewed(staff_id: int, record_type: str, record_id: int) -> None:
    add(db.session(), staff_id, "view", record_type, record_id)


def security(action: str, staff_id: int | None, detail: str | None = None) -> None:
    """A security event about one account, saved with the request even when its answer is a refusal
    (an access refused is recorded although the page is a 403)."""
    add(db.session(), staff_id, action, "staff_user", staff_id, detail)
    db.save_even_if_refused()
