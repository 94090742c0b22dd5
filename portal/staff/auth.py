"""Staff sign-in and access: Argon2 password hashes, a one-time code from an authenticator app
(TOTP), lockout after repeated failures, sessions that expire, and `requires(...)` on every route."""
from __future__ import annotations

import datetime as dt
import functools
import time

import pyotp
from flask import abort, g, redirect, request, session, url_for

from portal import crypto, db
from portal.db import utcnow
from portal.staff.accounts import by_email
from portal.staff.models import StaffUser
from portal.staff.passwords import password_matches

MAX_FAILURES = 5
LOCKOUT = dt.timedelta(minutes=15)
IDLE_LIMIT = 30 * 60  # seconds without a request before signing in again
ABSOLUTE_LIMIT = 10 * 3600  # a working day at most
ISSUER = "Wellbeing portal"
def check_password(email: str, password: str) -> tuple[StaffUser | None, str]:
    """The user and "ok", or None and why not: "locked" or "wrong" (the same message to the person)."""
    user = by_email(email)
    now = utcnow()
    if user and user.locked_until and user.locked_until > now:
        return None, "locked"
    if not password_matches(user, password) or not user.active:
        if user:
            with db.transaction():
                user.failed_sign_ins += 1
                if user.failed_sign_ins >= MAX_FAILURES:
                    user.locked_until, user.failed_sign_ins = now + LOCKOUT, 0
        return None, "wrong"
    return user, "ok"


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(user: StaffUser, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def code_matches(user: StaffUser, secret: str, code: str) -> bool:
    """A current code (30 s steps, one step of clock drift allowed), each accepted only once."""
    totp = pyotp.TOTP(secret)
    code = "".join(ch for ch in code if ch.isdigit())
    now = time.time()
    for drift in (0, -1, 1):
        step = int(now // totp.interval) + drift
        if totp.at(step * totp.interval) == code and (user.last_totp_step or 0) < step:
            with db.transaction():
                user.last_totp_step = step
                user.failed_sign_ins = 0
            return True
    return False


def user_secret(user: StaffUser) -> str | None:
    return crypto.decrypt(user.totp_secret) if user.totp_secret else None


def sign_in(user: StaffUser) -> None:
    session.clear()
    session["staff_id"], session["staff_version"] = user.id, user.session_version
    session["staff_since"] = session["staff_seen"] = int(time.time())


def sign_out() -> None:
    session.clear()


def sign_out_everywhere(user: StaffUser) -> None:
    with db.transaction():
        user.session_version += 1
    session.clear()


def current_staff() -> StaffUser | None:
    """The signed-in staff member, if the session is still valid; cached for the request."""
    if "staff" in g:
        return g.staff
    g.staff = None
    staff_id, now = session.get("staff_id"), int(time.time())
    if staff_id is None:
        return None
    if now - session.get("staff_seen", 0) > IDLE_LIMIT or now - session.get("staff_since", 0) > ABSOLUTE_LIMIT:
        session.clear()
        return None
    user = db.session().get(StaffUser, staff_id)
    if user is None or not user.active or user.session_version != session.get("staff_version"):
        session.clear()
        return None
    session["staff_seen"] = now
    g.staff, g.private_page = user, True
    return user


def requires(*roles: str):
    """Every staff route says who may open it; `tests/test_staff_access.py` checks none is left out."""
    def decorate(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            user = current_staff()
            if user is None:
                return redirect(url_for("staff_auth.sign_in", next=request.full_path.rstrip("?")))
            if roles and not user.has(*roles):
                abort(403)
            return view(*args, **kwargs)
        guarded.required_roles = roles or ("any staff",)
        return guarded
    return decorate


def public(view):
    """Marks a staff route that is open before signing in (the sign-in pages themselves)."""
    view.required_roles = ("public",)
    return view
