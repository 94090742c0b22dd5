"""Creating and changing staff accounts; each change is in the audit log."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal import db
from portal.staff import audit
from portal.staff.passwords import hash_password
from portal.staff.models import ROLES, StaffUser

TAKEN = _l("There is already an account with this e-mail address.")


def by_email(email: str) -> StaffUser | None:
    return db.session().scalar(select(StaffUser).where(func.lower(StaffUser.email) == email.strip().lower()))


def create(name: str, email: str, roles: list[str], password: str, by: StaffUser | None = None,
           organiser_id: int | None = None) -> StaffUser:
    user = StaffUser(name=name.strip(), email=email.strip().lower(), password_hash=hash_password(password),
                     roles=[r for r in roles if r in ROLES], organiser_id=organiser_id)
    with db.transaction() as session:
        session.add(user)
        session.flush()
        audit.add(session, by.id if by else None, "create", "staff_user", user.id, ",".join(user.roles))
    return user


def change(user: StaffUser, change: str, by: StaffUser) -> None:
    """deactivate / activate / reset-code (the next sign-in enrols a new authenticator app)."""
    with db.transaction() as session:
        if change == "deactivate":
            user.active = False
            user.session_version += 1
        elif change == "activate":
            user.active, user.failed_sign_ins, user.locked_until = True, 0, None
        elif change == "reset-code":
            user.totp_secret, user.last_totp_step = None, None
            user.session_version += 1
        audit.add(session, by.id, change, "staff_user", user.id)
