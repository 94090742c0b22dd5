"""Staff sign-in: Argon2 hashes, the same answer for a wrong password and an unknown address, lockout,
one-time codes (TOTP) used once, enrolment with a QR code, idle expiry, signing out everywhere,
deactivated accounts, the `staff create` command and the rate limit of the sign-in form."""
from __future__ import annotations

import datetime as dt

import pyotp
import pytest
from form_support import objects
from sqlalchemy import select
from staff_support import (
    PASSWORD,
    csrf,
    current_step,
    form_tokens,
    fresh_code,
    make_staff,
    post_code,
    post_password,
    reset_limits,
    session_row,
    sign_in,
    soup,
    staff_client,
    text_of,
    unique_email,
    update_session,
    update_user,
    user,
)

from portal import crypto
from portal.db import utcnow
from portal.staff.models import StaffUser

WRONG = "The e-mail address or password is not right, or the account is locked for a while."


# Each test starts with no sign-in tries counted by the rate limiter (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("fresh_limits")


def error_summary(response) -> str:
    element = soup(response).select_one(".error-summary")
    return " ".join(element.get_text(" ").split()) if element else ""


def opens_queue(client) -> bool:
    response = client.get("/en/staff/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def test_passwords_are_stored_as_argon2id_hashes(app):
    staff = make_staff(app, ["adviser"])
    stored = user(app, staff.id).password_hash
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_a_wrong_password_gets_the_same_answer_as_an_unknown_address(app):
    staff = make_staff(app, ["adviser"])
    wrong = post_password(staff_client(app), staff.email, "not the password at all")
    unknown = post_password(staff_client(app), unique_email("nobody"), "not the password at all")
    assert wrong.status_code == unknown.status_code == 200
    assert WRONG in error_summary(wrong)
    assert error_summary(wrong) == error_summary(unknown)
    assert text_of(wrong) == text_of(unknown)  # the whole page reads the same
    # Neither is signed in nor half-way (the code page sends them back to the start).
    client = staff_client(app)
    post_password(client, staff.email, "not the password at all")
    assert client.get("/en/staff/sign-in/code").status_code == 302


def test_the_right_password_leads_to_the_code_page_and_not_further(app):
    staff = make_staff(app, ["adviser"])
    client = staff_client(app)
    response = post_password(client, staff.email, staff.password)
    assert response.status_code == 303 and response.headers["Location"].endswith("/en/staff/sign-in/code")
    assert not opens_queue(client)  # the password alone is not enough


def test_five_failures_delay_the_account_one_minute_then_doubling_to_fifteen(app):
    staff = make_staff(app, ["adviser"])
    client = staff_client(app)
    for _ in range(5):
        assert WRONG in error_summary(post_password(client, staff.email, "wrong password 123"))
    locked_until = user(app, staff.id).locked_until
    assert locked_until is not None
    assert dt.timedelta(seconds=50) < locked_until - utcnow() <= dt.timedelta(minutes=1)
    # The right password from the address that failed is refused while the account waits, with the same message.
    response = post_password(client, staff.email, staff.password)
    assert response.status_code == 200 and WRONG in error_summary(response)
    for expected in (2, 4, 8, 15, 15):
        post_password(client, staff.email, "wrong password 123")
        waiting = user(app, staff.id).locked_until - utcnow()
        assert dt.timedelta(minutes=expected) - dt.timedelta(seconds=10) < waiting <= dt.timedelta(minutes=expected)
    # Once the wait is over the right password works again, from that address too.
    update_user(app, staff.id, locked_until=utcnow() - dt.timedelta(seconds=1))
    reset_limits()  # the form's own rate limit (10 tries per 15 minutes) is not what this test is about
    assert opens_queue(sign_in(app, staff, client=client))
    assert user(app, staff.id).failed_sign_ins == 0


def test_four_failures_do_not_lock(app):
    staff = make_staff(app, ["adviser"])
    client = staff_client(app)
    for _ in range(4):
        post_password(client, staff.email, "wrong password 123")
    assert user(app, staff.id).locked_until is None
    assert opens_queue(sign_in(app, staff))


def test_a_code_works_once_only(app):
    staff = make_staff(app, ["adviser"])
    client = staff_client(app)
    post_password(client, staff.email, staff.password)
    code = fresh_code(app, staff)
    assert post_code(client, code).status_code == 303
    assert opens_queue(client)
    # Sign out and try the same code again: refused.
    client.post("/en/staff/sign-out", data={"csrf_token": csrf(client)})
    assert not opens_queue(client)
    assert post_password(client, staff.email, staff.password).status_code == 303
    replay = post_code(client, code)
    assert replay.status_code == 200
    assert "The code is not right or has expired" in error_summary(replay)
    assert not opens_queue(client)


def test_a_wrong_code_fails(app):
    staff = make_staff(app, ["adviser"])
    client = staff_client(app)
    post_password(client, staff.email, staff.password)
    totp, now = pyotp.TOTP(staff.secret), current_step()
    valid = {totp.at(step * 30) for step in range(now - 2, now + 3)}
    wrong = next(c for c in ("000000", "111111", "123456", "999999") if c not in valid)
    response = post_code(client, wrong)
    assert response.status_code == 200 and "The code is not right" in error_summary(response)
    assert not opens_queue(client)
    # A code from another secret fails too.
    other = pyotp.TOTP(pyotp.random_base32()).now()
    if other not in valid:
        assert post_code(client, other).status_code == 200
    assert not opens_queue(client)


def test_enrolment_shows_a_qr_code_and_the_key_and_needs_a_valid_code(app):
    staff = make_staff(app, ["adviser"], enrolled=False)
    client = staff_client(app)
    response = post_password(client, staff.email, staff.password)
    assert response.status_code == 303 and response.headers["Location"].endswith("/en/staff/enrol")
    page = client.get("/en/staff/enrol")
    assert page.status_code == 200
    parsed = soup(page)
    svg = parsed.select_one(".qr svg")
    assert svg is not None and svg.find("path") is not None
    assert "<?xml" not in page.get_data(as_text=True)
    key = parsed.select_one("code.secret").get_text().strip()
    assert len(key) >= 16 and pyotp.TOTP(key).now().isdigit()
    # The same key across reloads (the app in the phone must keep working).
    assert soup(client.get("/en/staff/enrol")).select_one("code.secret").get_text().strip() == key
    # A wrong code: nothing saved, not signed in.
    now = current_step()
    valid = {pyotp.TOTP(key).at(s * 30) for s in range(now - 2, now + 3)}
    wrong = next(c for c in ("000000", "111111", "123456") if c not in valid)
    assert post_code(client, wrong, path="enrol").status_code == 200
    assert user(app, staff.id).totp_secret is None
    assert not opens_queue(client)
    # The right code from the key shown: enrolled and signed in.
    response = post_code(client, pyotp.TOTP(key).at(now * 30), path="enrol")
    assert response.status_code == 303
    assert opens_queue(client)
    stored = user(app, staff.id).totp_secret
    assert stored and key not in stored
    with app.app_context():
        assert crypto.decrypt(stored) == key


def test_an_enrolled_account_cannot_be_enrolled_again(app):
    staff = make_staff(app, ["adviser"])
    client = staff_client(app)
    post_password(client, staff.email, staff.password)
    assert client.get("/en/staff/enrol").status_code == 302


def test_a_session_expires_after_thirty_idle_minutes(app):
    staff = make_staff(app, ["adviser"])
    client = sign_in(app, staff)
    update_session(app, client, last_seen_at=utcnow() - dt.timedelta(minutes=29))
    assert opens_queue(client)  # 29 minutes: still valid, and the visit counts as activity
    assert utcnow() - session_row(app, client).last_seen_at < dt.timedelta(minutes=1)
    update_session(app, client, last_seen_at=utcnow() - dt.timedelta(minutes=31))
    response = client.get("/en/staff/")
    assert response.status_code == 302 and "/en/staff/sign-in" in response.headers["Location"]


def test_a_session_ends_after_ten_hours_however_busy(app):
    client = sign_in(app, make_staff(app, ["adviser"]))
    update_session(app, client, expires_at=utcnow() - dt.timedelta(seconds=1))
    assert not opens_queue(client)


def test_sign_out_ends_this_session_only(app):
    staff = make_staff(app, ["adviser"])
    first = sign_in(app, staff)
    second = sign_in(app, staff)
    response = first.post("/en/staff/sign-out", data={"csrf_token": csrf(first)})
    assert response.status_code == 303
    assert not opens_queue(first)
    assert opens_queue(second)


def test_sign_out_on_all_devices_ends_other_sessions(app):
    staff = make_staff(app, ["adviser"])
    other_device = sign_in(app, staff)
    this_device = sign_in(app, staff)
    assert opens_queue(other_device) and opens_queue(this_device)
    response = this_device.post("/en/staff/sign-out", data={"csrf_token": csrf(this_device), "everywhere": "1"})
    assert response.status_code == 303
    assert not opens_queue(this_device)
    assert not opens_queue(other_device)
    # Signing in again works and is not affected.
    assert opens_queue(sign_in(app, staff))


def test_a_deactivated_account_cannot_sign_in_and_its_sessions_end(app):
    staff = make_staff(app, ["adviser"])
    session_before = sign_in(app, staff)
    admin = sign_in(app, make_staff(app, ["admin"]))
    response = admin.post(f"/en/staff/admin/accounts/{staff.id}/deactivate", data={"csrf_token": csrf(admin)})
    assert response.status_code == 303
    assert user(app, staff.id).active is False
    assert not opens_queue(session_before)
    attempt = post_password(staff_client(app), staff.email, staff.password)
    assert attempt.status_code == 200 and WRONG in error_summary(attempt)
    # Taken back into use: works again.
    admin.post(f"/en/staff/admin/accounts/{staff.id}/activate", data={"csrf_token": csrf(admin)})
    assert opens_queue(sign_in(app, staff))


def test_an_admin_creates_an_account_that_must_enrol(app):
    admin = sign_in(app, make_staff(app, ["admin"]))
    page = admin.get("/en/staff/admin/accounts")
    email = unique_email("new")
    data = form_tokens(page)
    data.update(name="Uusi Neuvoja", email=email, roles=["adviser"])
    response = admin.post("/en/staff/admin/accounts", data=data)
    assert response.status_code == 200
    password = soup(response).select_one(".panel code.secret").get_text().strip()
    created = objects(app, select(StaffUser).where(StaffUser.email == email))[0]
    assert created.roles == ["adviser"] and created.totp_secret is None
    client = staff_client(app)
    assert post_password(client, email, password).headers["Location"].endswith("/en/staff/enrol")


def test_the_cli_creates_an_account(app, runner):
    email = unique_email("cli")
    result = runner.invoke(args=["staff", "create", "--email", email, "--name", "Cli Admin", "--role", "adviser",
                                 "--role", "editor", "--password", "a long enough password"])
    assert result.exit_code == 0, result.output
    created = objects(app, select(StaffUser).where(StaffUser.email == email))
    assert len(created) == 1
    assert sorted(created[0].roles) == ["adviser", "editor"]
    assert created[0].password_hash.startswith("$argon2id$")
    client = staff_client(app)
    assert post_password(client, email, "a long enough password").headers["Location"].endswith("/en/staff/enrol")


def test_the_cli_refuses_short_passwords_and_duplicate_addresses(app, runner):
    email = unique_email("cli")
    short = runner.invoke(args=["staff", "create", "--email", email, "--name", "Short", "--password", "elevenchars"])
    assert short.exit_code != 0
    assert "12" in short.output
    assert objects(app, select(StaffUser).where(StaffUser.email == email)) == []
    ok = runner.invoke(args=["staff", "create", "--email", email, "--name", "First", "--password", "twelve chars"])
    assert ok.exit_code == 0, ok.output
    again = runner.invoke(args=["staff", "create", "--email", email.upper(), "--name", "Second",
                                "--password", "another long password"])
    assert again.exit_code != 0
    found = objects(app, select(StaffUser).where(StaffUser.email == email))
    assert [u.name for u in found] == ["First"]


def test_the_sign_in_form_is_rate_limited(app):
    client = staff_client(app)
    statuses = [post_password(client, unique_email("flood"), "whatever password").status_code for _ in range(12)]
    assert statuses[:10] == [200] * 10
    assert statuses[10:] == [429, 429]
    # Another address is not affected.
    assert post_password(staff_client(app), unique_email("other"), "whatever password").status_code == 200
