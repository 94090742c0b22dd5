"""Staff sign-in and access: Argon2 password hashes, a one-time code from an authenticator app (TOTP),
sessions kept on the server (the cookie holds only a random token), growing delays after failures,
and `requires(...)` on every route.

Brute force: every wrong password or code counts, by one UPDATE on the account and one row per address,
so failures sent in parallel all count. After five, the account waits 1 minute, then 2, 4, 8 and at most
15. A stranger can keep an account waiting, but not keep its owner out: the right password and code from
an address with no recent failures still get in (after a short pause, so guessing from many addresses
stays slow), and the owner is told at the next sign-in how many attempts failed."""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import secrets
import time
from typing import Any, cast

import pyotp
from flask import abort, current_app, g, redirect, request, url_for
from sqlalchemy import CursorResult, Table, func, or_, select, update

from portal import crypto, db
from portal.db import utcnow
from portal.staff import audit
from portal.staff.accounts import by_email
from portal.staff.models import SignInFailure, StaffSession, StaffUser
from portal.staff.passwords import password_matches

# Declarative models type __table__ as a FromClause; these are plain Tables, used for core UPDATE/DELETE.
_SESSIONS = cast(Table, StaffSession.__table__)
_FAILURES = cast(Table, SignInFailure.__table__)
_USERS = cast(Table, StaffUser.__table__)

MAX_FAILURES = 5  # failures before the first delay
FIRST_DELAY = dt.timedelta(minutes=1)  # doubled with each further failure
LONGEST_DELAY = dt.timedelta(minutes=15)
ADDRESS_WINDOW = dt.timedelta(minutes=15)
# Failures from one address (any accounts) within the window before that address is refused outright.
# As many as the form's own rate limit lets through; this one also holds across workers without Redis.
ADDRESS_LIMIT = 10
SLOWDOWN_SECONDS = 2.0  # the pause for a right sign-in while its account is waiting
IDLE_LIMIT = dt.timedelta(minutes=30)  # without a request before signing in again
ABSOLUTE_LIMIT = dt.timedelta(hours=10)  # a working day at most
HALF_WAY_LIMIT = dt.timedelta(minutes=10)  # from the right password to the code
CONFIRM_WINDOW = dt.timedelta(minutes=10)  # admin actions need the password typed this recently
SEEN_EVERY = dt.timedelta(minutes=1)  # last_seen_at is written at most this often
ISSUER = "Wellbeing portal"


# --- the cookie -------------------------------------------------------------------------------------------

def cookie_name() -> str:
    """`__Host-` (HTTPS only, this host only, path /) wherever cookies are Secure; plain for `make run`."""
    return "__Host-staff" if current_app.config.get("SESSION_COOKIE_SECURE", True) else "staff"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def write_cookie(response):
    """After each request: hand out a new session's token, or remove an ended one."""
    if "staff_cookie" in g:
        secure = current_app.config.get("SESSION_COOKIE_SECURE", True)
        if g.staff_cookie:
            response.set_cookie(cookie_name(), g.staff_cookie, path="/", secure=secure, httponly=True,
                                samesite="Lax")
        else:
            response.delete_cookie(cookie_name(), path="/", secure=secure, httponly=True, samesite="Lax")
    return response


def _row() -> StaffSession | None:
    """This browser's session row, whatever its stage, if it is neither revoked nor past its limits."""
    if "staff_row" in g:
        return g.staff_row
    g.staff_row = None
    token = request.cookies.get(cookie_name())
    if not token or len(token) > 100:
        return None
    row = db.session().scalar(select(StaffSession).where(StaffSession.token_hash == _hash(token)))
    now = utcnow()
    if row is None or row.revoked_at or row.expires_at <= now or now - row.last_seen_at > IDLE_LIMIT:
        g.staff_cookie = ""
        return None
    g.staff_row = row
    return row


def user_agent_summary(header: str | None) -> str | None:
    """"Firefox, Windows": enough to recognise one's own devices, nothing that singles a person out."""
    header = header or ""
    browser = next((name for key, name in (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
                                           ("Safari/", "Safari")) if key in header), None)
    system = next((name for key, name in (("Windows", "Windows"), ("Android", "Android"), ("iPhone", "iOS"),
                                          ("iPad", "iOS"), ("Mac OS", "macOS"), ("Linux", "Linux")) if key in header),
                  None)
    return ", ".join(part for part in (browser, system) if part) or None


def _start(user: StaffUser, stage: str, enrol_secret: str | None = None) -> StaffSession:
    """A new row and a new token; the browser's earlier row (if any) is revoked, so an id planted before
    signing in is worth nothing afterwards."""
    token, now = secrets.token_urlsafe(32), utcnow()
    previous = _row()
    lifetime = ABSOLUTE_LIMIT if stage == "active" else HALF_WAY_LIMIT
    row = StaffSession(token_hash=_hash(token), staff_id=user.id, stage=stage, created_at=now, last_seen_at=now,
                       expires_at=now + lifetime, password_at=now, enrol_secret=enrol_secret,
                       user_agent=user_agent_summary(request.headers.get("User-Agent")))
    session = db.session()
    if previous is not None:
        previous.revoked_at = now
    session.add(row)
    # Rows long past their limits are of no use to anyone.
    session.execute(_SESSIONS.delete().where(StaffSession.expires_at < now - dt.timedelta(days=30)))
    g.staff_cookie, g.staff_row = token, row
    g.pop("staff", None)
    return row


def _revoke(*conditions) -> None:
    session = db.session()
    session.execute(update(StaffSession).where(StaffSession.revoked_at.is_(None), *conditions)
                    .values(revoked_at=utcnow()).execution_options(synchronize_session=False))


# --- signing in -------------------------------------------------------------------------------------------

def address_key() -> str:
    """The client address as a keyed hash: failures are counted per address without storing it."""
    address = (request.remote_addr or "unknown").encode()
    return hmac.new(current_app.config["SECRET_KEY"].encode(), address, hashlib.sha256).hexdigest()


def _address_failures(address: str) -> int:
    since = utcnow() - ADDRESS_WINDOW
    return db.session().scalar(select(func.count()).select_from(SignInFailure)
                               .where(SignInFailure.address == address, SignInFailure.at > since)) or 0


def delay_after(failures: int) -> dt.timedelta | None:
    if failures < MAX_FAILURES:
        return None
    return min(FIRST_DELAY * 2 ** min(failures - MAX_FAILURES, 10), LONGEST_DELAY)


def _gate(user: StaffUser | None, address: str) -> str:
    """"ok", "slow" (the account is waiting but this address has not failed) or "refused"."""
    failures = _address_failures(address)
    if failures >= ADDRESS_LIMIT:
        return "refused"
    locked_until = db.session().scalar(select(StaffUser.locked_until).where(StaffUser.id == user.id)) if user else None
    if locked_until and locked_until > utcnow():
        return "slow" if failures == 0 else "refused"
    return "ok"


def _record_failure(user: StaffUser | None, address: str, kind: str) -> None:
    """One transaction: a row for the address, +1 on the account in the database itself (not read,
    added and written back, which loses counts when tries arrive together), and its delay."""
    now = utcnow()
    db.save_even_if_refused()  # counted whatever the answer: a refusal must not undo the count
    session = db.session()
    session.add(SignInFailure(at=now, address=address, staff_id=user.id if user else None))
    session.execute(_FAILURES.delete().where(SignInFailure.at < now - dt.timedelta(days=1)))
    audit.add(session, user.id if user else None, "sign_in_failed", "staff_user", user.id if user else None,
              kind if user else f"{kind}, unknown account")
    if user is None:
        return
    failures = session.execute(update(_USERS).where(StaffUser.id == user.id)
                               .values(failed_sign_ins=StaffUser.failed_sign_ins + 1)
                               .returning(StaffUser.failed_sign_ins)).scalar_one()
    delay = delay_after(failures)
    if delay:
        until = now + delay
        table = _USERS
        session.execute(update(table).where(table.c.id == user.id,
                                            or_(table.c.locked_until.is_(None), table.c.locked_until < until))
                        .values(locked_until=until))
        audit.add(session, user.id, "locked", "staff_user", user.id, f"{int(delay.total_seconds() // 60)} min")


def _pause() -> None:
    # Before this request writes anything, so that it holds no lock while it waits.
    time.sleep(SLOWDOWN_SECONDS)


def check_password(email: str, password: str) -> tuple[StaffUser | None, str]:
    """The user and "ok", or None and why not: "locked" or "wrong" (the same message to the person).
    On "ok" the browser holds a half-way session, waiting for the code."""
    address, user = address_key(), by_email(email)
    gate = _gate(user, address)
    # The hash is checked in every case, so the time taken does not tell which addresses exist.
    right = password_matches(user, password) and user is not None and user.active
    if not right or user is None:
        _record_failure(user if user and user.active else None, address, "password")
        return None, "wrong"
    if gate == "refused":
        audit.security("sign_in_refused", user.id)
        return None, "locked"
    if gate == "slow":
        _pause()
        audit.security("sign_in_slowed", user.id)
    _start(user, "password", crypto.encrypt(new_totp_secret()) if not user.totp_secret else None)
    return user, "ok"


def half_way() -> tuple[StaffUser, StaffSession] | tuple[None, None]:
    """The account whose password was just right in this browser, and its half-way session."""
    row = _row()
    if row is None or row.stage != "password":
        return None, None
    user = db.session().get(StaffUser, row.staff_id)
    return (user, row) if user and user.active else (None, None)


def enrol_secret(row: StaffSession) -> str:
    if row.enrol_secret is None:
        raise ValueError("this session is not enrolling a code app")
    return crypto.decrypt(row.enrol_secret)


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(user: StaffUser, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def code_matches(user: StaffUser, secret: str, code: str) -> bool:
    """A current code (30 s steps, one step of clock drift allowed), each accepted only once: the step is
    claimed with UPDATE … WHERE last_totp_step < step, which only one of several parallel tries wins."""
    totp = pyotp.TOTP(secret)
    code = "".join(ch for ch in code if ch in "0123456789")
    now = time.time()
    for drift in (0, -1, 1):
        step = int(now // totp.interval) + drift
        if code and totp.at(step * totp.interval) == code:
            table = _USERS
            session = db.session()
            result = cast(CursorResult, session.execute(update(table).where(
                table.c.id == user.id, or_(table.c.last_totp_step.is_(None), table.c.last_totp_step < step))
                .values(last_totp_step=step)))
            claimed = result.rowcount
            return claimed == 1
    return False


def check_code(user: StaffUser, secret: str, code: str) -> bool:
    """The second step, with the same counting and delays as the password."""
    address = address_key()
    gate = _gate(user, address)
    if gate == "slow":
        _pause()  # before the code is claimed, which is a write
    if not code_matches(user, secret, code):
        _record_failure(user, address, "code")
        return False
    if gate == "refused":
        audit.security("sign_in_refused", user.id)
        return False
    if gate == "slow":
        audit.security("sign_in_slowed", user.id)
    return True


def user_secret(user: StaffUser) -> str | None:
    return crypto.decrypt(user.totp_secret) if user.totp_secret else None


def sign_in(user: StaffUser) -> int:
    """Fully signed in: a new session (new token). Returns how many tries failed since the last sign-in."""
    failures = db.session().scalar(select(StaffUser.failed_sign_ins).where(StaffUser.id == user.id)) or 0
    session = db.session()
    session.execute(update(_USERS).where(StaffUser.id == user.id)
                    .values(failed_sign_ins=0, locked_until=None))
    audit.add(session, user.id, "sign_in", "staff_user", user.id, f"{failures} failed before" if failures else None)
    _start(user, "active")
    return failures


def sign_out() -> None:
    row = _row()
    if row is not None:
        _revoke(StaffSession.id == row.id)
        audit.security("sign_out", row.staff_id)
    g.staff_cookie, g.staff_row, g.staff = "", None, None


def sign_out_everywhere(user: StaffUser) -> None:
    _revoke(StaffSession.staff_id == user.id)
    audit.security("sign_out_everywhere", user.id)
    g.staff_cookie, g.staff_row, g.staff = "", None, None


def end_other_sessions(user: StaffUser) -> None:
    """After a password change: every session of the account but this one."""
    row = _row()
    _revoke(StaffSession.staff_id == user.id, *([StaffSession.id != row.id] if row else []))


def end_all_sessions_of(user_id: int) -> None:
    _revoke(StaffSession.staff_id == user_id)


def end_session(user: StaffUser, session_id: int) -> bool:
    """Sign out one of one's own sessions (a phone left signed in, say)."""
    found = db.session().scalar(select(StaffSession.id).where(StaffSession.id == session_id,
                                                              StaffSession.staff_id == user.id,
                                                              StaffSession.revoked_at.is_(None)))
    if found is None:
        return False
    _revoke(StaffSession.id == session_id)
    audit.security("session_ended", user.id)
    return True


def open_sessions(user: StaffUser) -> list[StaffSession]:
    now = utcnow()
    return list(db.session().scalars(
        select(StaffSession).where(StaffSession.staff_id == user.id, StaffSession.stage == "active",
                                   StaffSession.revoked_at.is_(None), StaffSession.expires_at > now,
                                   StaffSession.last_seen_at > now - IDLE_LIMIT)
        .order_by(StaffSession.last_seen_at.desc())))


def this_session() -> StaffSession | None:
    row = _row()
    return row if row is not None and row.stage == "active" else None


def signed_in() -> StaffUser:
    """In a view behind @requires, which has already sent everyone else away: the signed-in member."""
    user = current_staff()
    if user is None:
        raise LookupError("signed_in() outside a view behind @requires")
    return user


def current_staff() -> StaffUser | None:
    """The signed-in staff member, if the session is still valid; cached for the request."""
    if "staff" in g:
        return g.staff
    g.staff = None
    row = _row()
    if row is None or row.stage != "active":
        return None
    user = db.session().get(StaffUser, row.staff_id)
    if user is None or not user.active:
        return None
    now = utcnow()
    if now - row.last_seen_at > SEEN_EVERY:
        row.last_seen_at = now
    g.staff, g.private_page = user, True
    return user


# --- confirming the password before admin actions -----------------------------------------------------------

def recently_confirmed() -> bool:
    row = this_session()
    return bool(row and row.password_at and utcnow() - row.password_at < CONFIRM_WINDOW)


def confirm_password(user: StaffUser, password: str) -> bool:
    """The password typed again: counted like a sign-in try when wrong."""
    address = address_key()
    if _gate(user, address) == "refused" or not password_matches(user, password):
        _record_failure(user, address, "confirmation")
        return False
    row = this_session()
    session = db.session()
    if row is not None:
        row.password_at = utcnow()
    audit.add(session, user.id, "confirmed", "staff_user", user.id)
    return True


# --- who may open what -----------------------------------------------------------------------------------

def start_page(user: StaffUser) -> str:
    """Where each role begins: the queue for advisers (and admins), the listings for editors and organisers."""
    if user.has("adviser"):
        return url_for("staff_queue.queue_page")
    if user.has("editor", "organiser"):
        return url_for("staff_catalogue.listings_page")
    return url_for("staff_auth.sessions_page")


def requires(*roles: str):
    """Every staff route says who may open it; `tests/test_staff_access.py` checks none is left out."""
    def decorate(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            user = current_staff()
            if user is None:
                return redirect(url_for("staff_auth.sign_in", next=request.full_path.rstrip("?")))
            if roles and not user.has(*roles):
                audit.security("refused", user.id, (request.endpoint or "")[:200])
                abort(403)
            return view(*args, **kwargs)
        # A function attribute, read by tests/test_staff_access.py.
        cast(Any, guarded).required_roles = roles or ("any staff",)
        return guarded
    return decorate


def public(view):
    """Marks a staff route that is open before signing in (the sign-in pages themselves)."""
    view.required_roles = ("public",)
    return view
