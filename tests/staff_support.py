"""Helpers for the staff workspace tests: accounts, signing in (password + TOTP) like a browser,
CSRF tokens taken from the pages, and callback requests / concern notices made directly in the database."""
from __future__ import annotations

import datetime as dt
import time
import uuid

import pyotp
from form_support import new_address
from page_checks import csrf_token, soup
from sqlalchemy import select

from portal import crypto, db as portal_db
from portal.callback.models import CallbackRequest
from portal.concern.models import ConcernNotice
from portal.db import utcnow
from portal.limits import limiter
from portal.references import new_reference
from portal.staff import accounts
from portal.staff.models import AuditEntry, StaffUser

PASSWORD = "correct horse battery staple"
ROLES = ("adviser", "editor", "organiser", "admin")


def text_of(response) -> str:
    return " ".join(soup(response).get_text(" ").split())


def staff_client(app):
    """A browser of its own: its own address (rate limits) and a Referer (strict CSRF referrer check)."""
    client = app.test_client()
    client.environ_base["HTTP_REFERER"] = "https://localhost/"
    client.environ_base["REMOTE_ADDR"] = new_address()
    return client


def unique_email(prefix: str = "staff") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.fi"


class Staff:
    """A staff account made for a test: its id, e-mail, password and TOTP secret (None: not enrolled)."""

    def __init__(self, id: int, email: str, password: str, secret: str | None, name: str):
        self.id, self.email, self.password, self.secret, self.name = id, email, password, secret, name


def make_staff(app, roles, organiser_id: int | None = None, enrolled: bool = True, password: str = PASSWORD,
               name: str | None = None) -> Staff:
    email = unique_email("-".join(roles) or "none")
    name = name or f"Staff {uuid.uuid4().hex[:6]}"
    secret = pyotp.random_base32() if enrolled else None
    with app.app_context(), portal_db.transaction():
        user = accounts.create(name, email, list(roles), password, organiser_id=organiser_id)
        if secret:
            user.totp_secret = crypto.encrypt(secret)
        return Staff(user.id, email, password, secret, name)


def user(app, staff_id: int) -> StaffUser:
    with app.app_context():
        session = portal_db.session()
        try:
            return session.get(StaffUser, staff_id)
        finally:
            session.close()


def update_user(app, staff_id: int, **values) -> None:
    with app.app_context(), portal_db.transaction() as session:
        found = session.get(StaffUser, staff_id)
        for key, value in values.items():
            setattr(found, key, value)


def session_row(app, client):
    """The server-side session row behind a client's staff cookie (None when it has none)."""
    import hashlib

    from portal.staff.models import StaffSession

    cookie = client.get_cookie("__Host-staff")
    if cookie is None:
        return None
    with app.app_context():
        session = portal_db.session()
        try:
            return session.scalar(select(StaffSession).where(
                StaffSession.token_hash == hashlib.sha256(cookie.value.encode()).hexdigest()))
        finally:
            session.close()


def update_session(app, client, **values) -> None:
    from portal.staff.models import StaffSession

    row_id = session_row(app, client).id
    with app.app_context(), portal_db.transaction() as session:
        row = session.get(StaffSession, row_id)
        for key, value in values.items():
            setattr(row, key, value)


def current_step() -> int:
    return int(time.time() // 30)


def fresh_code(app, staff: Staff, secret: str | None = None) -> str:
    """A code the app accepts now: a step within the allowed drift, later than the last one used.
    When the account used up the steps around now (it signed in moments ago), its last step is reset."""
    secret = secret or staff.secret
    last = user(app, staff.id).last_totp_step or 0
    now = current_step()
    for step in (now, now + 1):
        if step > last:
            return pyotp.TOTP(secret).at(step * 30)
    update_user(app, staff.id, last_totp_step=None)
    return pyotp.TOTP(secret).at(now * 30)


def form_tokens(response, action: str | None = None) -> dict[str, str]:
    """The hidden fields of the POST form (the one with `action`, else the one without an action)."""
    page = soup(response)
    for form in page.find_all("form", attrs={"method": "post"}):
        if (action is None and not form.get("action")) or form.get("action") == action:
            return {f["name"]: f.get("value", "") for f in form.select("input[type=hidden]") if f.get("name")}
    raise AssertionError(f"no post form {action!r} in {response.request.url}: {response.status_code}")


def csrf(client, lang: str = "en") -> str:
    """The session's CSRF token, as any staff page carries it (the sign-in page is open to everyone)."""
    return csrf_token(client.get(f"/{lang}/staff/sign-in"))


def post_password(client, email: str, password: str, lang: str = "en", next_url: str | None = None):
    url = f"/{lang}/staff/sign-in" + (f"?next={next_url}" if next_url else "")
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    data = form_tokens(page)
    data.update(email=email, password=password)
    return client.post(url, data=data)


def post_code(client, code: str, lang: str = "en", path: str = "code"):
    url = f"/{lang}/staff/sign-in/code" if path == "code" else f"/{lang}/staff/enrol"
    page = client.get(url)
    assert page.status_code == 200, (page.status_code, page.headers.get("Location"))
    data = form_tokens(page)
    data["code"] = code
    return client.post(url, data=data)


def sign_in(app, staff: Staff, client=None, lang: str = "en"):
    """Password, then a fresh TOTP code; returns the signed-in client."""
    client = client or staff_client(app)
    response = post_password(client, staff.email, staff.password, lang)
    assert response.status_code == 303, text_of(response)[:500]
    assert response.headers["Location"].endswith(f"/{lang}/staff/sign-in/code")
    response = post_code(client, fresh_code(app, staff), lang)
    assert response.status_code == 303, text_of(response)[:500]
    return client


def signed_in(app, roles, organiser_id: int | None = None, lang: str = "en"):
    """A new account with `roles`, signed in: (client, staff)."""
    staff = make_staff(app, roles, organiser_id=organiser_id)
    return sign_in(app, staff, lang=lang), staff


def is_signed_in(client, lang: str = "en") -> bool:
    """Whether a page for any staff role opens (the sign-out form is shown only to signed-in staff)."""
    page = client.get(f"/{lang}/staff/sign-in")
    return soup(page).find("form", attrs={"action": f"/{lang}/staff/sign-out"}) is not None


def act(client, kind: str, item_id: int, action: str, lang: str = "en", **fields):
    data = {"csrf_token": csrf(client, lang), **fields}
    return client.post(f"/{lang}/staff/{kind}/{item_id}/{action}", data=data)


# --- items in the database ------------------------------------------------------------------------------

def add_callback(app, *, name: str | None = None, phone: str = "+358401234567", call_language: str = "fi",
                 created_at: dt.datetime | None = None, message: str | None = None, **values) -> CallbackRequest:
    with app.app_context():
        record = CallbackRequest(reference=new_reference(), submission=uuid.uuid4().hex,
                                 created_at=created_at or utcnow(), status_changed_at=created_at or utcnow(),
                                 ui_language=values.pop("ui_language", "fi"), name=name or f"Resident {uuid.uuid4().hex[:8]}",
                                 phone=phone, call_language=call_language, time_window="any", message=message,
                                 **values)
        with portal_db.transaction() as session:
            session.add(record)
        return record


def add_concern(app, *, personal: dict | None = None, created_at: dt.datetime | None = None, ui_language: str = "fi",
                urgency: str = "no", notifier_role: str = "relative", **values) -> ConcernNotice:
    personal = personal if personal is not None else {
        "name": f"Older {uuid.uuid4().hex[:8]}", "phone": "+358509998877",
        "details": f"Worried words {uuid.uuid4().hex[:8]}", "contact_name": f"Notifier {uuid.uuid4().hex[:8]}",
        "contact_phone": "+358401112233"}
    with app.app_context():
        record = ConcernNotice(reference=new_reference(), submission=uuid.uuid4().hex,
                               created_at=created_at or utcnow(), status_changed_at=created_at or utcnow(),
                               ui_language=ui_language, urgency=urgency, notifier_role=notifier_role,
                               anonymous=values.pop("anonymous", False), existing_client=values.pop("existing_client", "no"),
                               person_knows=values.pop("person_knows", "yes"), worries=values.pop("worries", ["memory"]),
                               personal=crypto.encrypt(personal) if personal else None, **values)
        with portal_db.transaction() as session:
            session.add(record)
        record.personal_plain = personal
        return record


def load(app, model, item_id: int):
    with app.app_context():
        session = portal_db.session()
        try:
            return session.get(model, item_id)
        finally:
            session.close()


def audit_entries(app, record_type: str, record_id: int) -> list[AuditEntry]:
    with app.app_context():
        session = portal_db.session()
        try:
            return list(session.scalars(select(AuditEntry).where(AuditEntry.record_type == record_type,
                                                                  AuditEntry.record_id == record_id)
                                        .order_by(AuditEntry.id)))
        finally:
            session.close()


def reset_limits() -> None:
    limiter.reset()


def flask_command(app, *args: str):
    """Run `flask --app app <args>` the way the `flask` command does (FlaskGroup pushes an app context
    for every command of the app, including plain click commands such as `purge`)."""
    from flask.cli import FlaskGroup

    group = FlaskGroup(create_app=lambda: app, add_default_commands=False, load_dotenv=False, set_debug_flag=False)
    return app.test_cli_runner().invoke(cli=group, args=list(args))


def form_values(response, action: str | None = None) -> dict[str, object]:
    """Everything a browser would send from the POST form as it stands (checked boxes and radios,
    selected options, textareas), without any submit button: {name: value or [values]}."""
    page = soup(response)
    form = None
    for candidate in page.find_all("form", attrs={"method": "post"}):
        if (action is None and not candidate.get("action")) or candidate.get("action") == action:
            form = candidate
            break
    assert form is not None, f"no post form {action!r}"
    data: dict[str, list[str]] = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name or field.get("disabled") is not None:
            continue
        if field.name == "textarea":
            value = field.get_text()
            data.setdefault(name, []).append(value[1:] if value.startswith("\n") else value)
        elif field.name == "select":
            chosen = field.find("option", selected=True) or field.find("option")
            if chosen is not None:
                data.setdefault(name, []).append(chosen.get("value", chosen.get_text()))
        else:
            kind = field.get("type", "text")
            if kind in ("submit", "button", "image", "reset"):
                continue
            if kind in ("checkbox", "radio") and field.get("checked") is None:
                continue
            data.setdefault(name, []).append(field.get("value", "on" if kind in ("checkbox", "radio") else ""))
    return {name: values if len(values) > 1 else values[0] for name, values in data.items()}
