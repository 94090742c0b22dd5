"""Creating and changing staff accounts; each change is in the audit log."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from portal import db
from portal.db import utcnow
from portal.staff import audit
from portal.staff.models import ROLES, StaffSession, StaffUser
from portal.staff.passwords import hash_password

TAKEN = _l("There is already an account with this e-mail address.")


def by_email(email: str) -> StaffUser | None:
    email = email.strip().lower()
    # A NUL cannot be in any stored address, and PostgreSQL refuses it in a query.
    if not email or "\x00" in email:
        return None
    return db.session().scalar(select(StaffUser).where(func.lower(StaffUser.email) == email))


def organisations_matching(key: str) -> list:
    """Organisers whose id, key or name (in any language) is `key`, for `staff create --organisation`."""
    from portal.catalogue.models import Organiser

    key = key.strip().lower()
    return [o for o in db.session().scalars(select(Organiser).order_by(Organiser.id))
            if key in (str(o.id), o.key.lower(), *(name.lower() for name in (o.name or {}).values()))]


def create(name: str, email: str, roles: list[str], password: str, by: StaffUser | None = None,
           organiser_id: int | None = None) -> StaffUser:
    user = StaffUser(name=name.strip(), email=email.strip().lower(), password_hash=hash_password(password),
                     roles=[r for r in roles if r in ROLES], organiser_id=organiser_id or None)
    session = db.session()
    session.add(user)
    session.flush()
    audit.add(session, by.id if by else None, "create", "staff_user", user.id,
              ",".join(user.roles) + (f", organisation {organiser_id}" if organiser_id else ""))
    return user


def _end_sessions(session, user: StaffUser) -> None:
    session.execute(update(StaffSession).where(StaffSession.staff_id == user.id, StaffSession.revoked_at.is_(None))
                    .values(revoked_at=utcnow()).execution_options(synchronize_session=False))


def change(user: StaffUser, change: str, by: StaffUser) -> None:
    """deactivate / activate / reset-code (the next sign-in enrols a new authenticator app)."""
    session = db.session()
    if change == "deactivate":
        user.active = False
        _end_sessions(session, user)
    elif change == "activate":
        user.active, user.failed_sign_ins, user.locked_until = True, 0, None
    elif change == "reset-code":
        user.totp_secret, user.last_totp_step = None, None
        _end_sessions(session, user)
    audit.add(session, by.id, change, "staff_user", user.id)


def set_roles(user: StaffUser, roles: list[str], organiser_id: int | None, by: StaffUser) -> None:
    """New roles and organisation (every page reads them afresh, so open sessions follow at once)."""
    roles = [r for r in ROLES if r in roles]
    session = db.session()
    if roles != user.roles:
        user.roles = roles
        audit.add(session, by.id, "roles", "staff_user", user.id, ",".join(roles) or "-")
    if (organiser_id or None) != user.organiser_id:
        user.organiser_id = organiser_id or None
        audit.add(session, by.id, "organisation", "staff_user", user.id, str(organiser_id or "-"))
