"""Staff security as an attacker would test it: a copied cookie after sign-out, planted session ids,
the enrolment key in the cookie, failures sent in parallel, one code sent by several sessions at once,
a stranger keeping an adviser out, an address trying many accounts; and what staff have to keep their
accounts safe: password change, their sessions, confirming the password before account changes, the
security log, organisers linked to their organisation, each role's own start page. Unusual input on staff
pages gets a clear answer, never a 500."""
from __future__ import annotations

import base64
import datetime as dt
import threading
import zlib

import pyotp
import pytest
from form_support import new_address, objects
from sqlalchemy import select
from staff_support import (
    PASSWORD,
    csrf,
    form_tokens,
    form_values,
    fresh_code,
    make_staff,
    post_code,
    post_password,
    reset_limits,
    session_row,
    sign_in,
    signed_in,
    soup,
    staff_client,
    text_of,
    unique_email,
    update_session,
    update_user,
    user,
)

from portal.catalogue.models import Organiser
from portal.db import utcnow
from portal.staff import auth
from portal.staff.models import AuditEntry, StaffSession, StaffUser

WRONG = "The e-mail address or password is not right, or the account is locked for a while."


# Each test starts with no sign-in tries counted by the rate limiter (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("fresh_limits")


@pytest.fixture
def no_pause(monkeypatch):
    """The pause for a right sign-in into a waiting account, without waiting in the test."""
    monkeypatch.setattr(auth, "SLOWDOWN_SECONDS", 0)


def opens_queue(client) -> bool:
    return client.get("/en/staff/").status_code == 200


def copy_of(app, client):
    """Another browser holding a copy of `client`'s cookies (as a thief with the cookie would)."""
    thief = staff_client(app)
    for cookie in client._cookies.values():
        thief.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    return thief


def flask_session_text(client) -> str:
    """What the signed Flask session cookie carries, decoded (it is signed, not encrypted)."""
    cookie = client.get_cookie("session")
    if cookie is None:
        return ""
    payload = cookie.value.split(".")[1 if cookie.value.startswith(".") else 0]
    data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return (zlib.decompress(data) if cookie.value.startswith(".") else data).decode()


def security_entries(app, staff_id: int | None, action: str) -> list[AuditEntry]:
    statement = select(AuditEntry).where(AuditEntry.action == action, AuditEntry.record_type == "staff_user")
    if staff_id is not None:
        statement = statement.where(AuditEntry.record_id == staff_id)
    return objects(app, statement)


def in_parallel(count: int, work) -> list:
    results = [None] * count

    def run(index):
        results[index] = work(index)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


# --- sessions --------------------------------------------------------------------------------------------

def test_a_copied_cookie_stops_working_at_sign_out(app):
    client = sign_in(app, make_staff(app, ["adviser"]))
    thief = copy_of(app, client)
    assert opens_queue(thief)  # the copy works while the session lives ...
    row_id = session_row(app, client).id
    client.post("/en/staff/sign-out", data={"csrf_token": csrf(client)})
    assert not opens_queue(client)
    assert not opens_queue(thief)  # ... and not a moment after "Sign out"
    assert objects(app, select(StaffSession).where(StaffSession.id == row_id))[0].revoked_at is not None


def test_the_cookie_holds_only_a_random_token_with_the_host_prefix(app):
    staff = make_staff(app, ["adviser"])
    client = staff_client(app)
    post_password(client, staff.email, staff.password)
    response = post_code(client, fresh_code(app, staff))
    set_cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("__Host-staff="))
    attributes = [part.strip().lower() for part in set_cookie.split(";")]
    assert "secure" in attributes and "httponly" in attributes and "path=/" in attributes
    assert not any(part.startswith("domain=") for part in attributes)
    token = client.get_cookie("__Host-staff").value
    assert len(token) >= 40
    row = session_row(app, client)
    assert row.staff_id == staff.id and row.stage == "active"
    assert token not in row.token_hash  # only its hash is stored
    assert "staff" not in flask_session_text(client)


def test_without_https_in_development_the_cookie_has_no_prefix(app):
    staff = make_staff(app, ["adviser"])
    app.config["SESSION_COOKIE_SECURE"] = False
    try:
        client = sign_in(app, staff)
        assert client.get_cookie("__Host-staff") is None
        assert client.get_cookie("staff") is not None
        assert opens_queue(client)
    finally:
        app.config["SESSION_COOKIE_SECURE"] = True


def test_signing_in_replaces_a_planted_session_id(app):
    victim = make_staff(app, ["adviser"])
    attacker = staff_client(app)
    post_password(attacker, victim.email, victim.password)  # a half-way session the attacker knows
    planted = attacker.get_cookie("__Host-staff").value
    browser = staff_client(app)
    browser.set_cookie("__Host-staff", planted)
    response = post_code(browser, fresh_code(app, victim))
    assert response.status_code == 303
    assert browser.get_cookie("__Host-staff").value != planted
    assert opens_queue(browser)
    assert not opens_queue(attacker)
    assert attacker.get("/en/staff/sign-in/code").status_code == 302  # the planted one is not even half-way now


def test_the_enrolment_key_is_not_in_the_cookie(app):
    staff = make_staff(app, ["adviser"], enrolled=False)
    client = staff_client(app)
    post_password(client, staff.email, staff.password)
    page = client.get("/en/staff/enrol")
    key = soup(page).select_one("code.secret").get_text().strip()
    assert key not in flask_session_text(client)
    stored = session_row(app, client).enrol_secret
    assert stored and key not in stored  # encrypted on the server


def test_sign_out_everywhere_and_deactivation_end_every_row(app):
    staff = make_staff(app, ["adviser"])
    phone, desk = sign_in(app, staff), sign_in(app, staff)
    desk.post("/en/staff/sign-out", data={"csrf_token": csrf(desk), "everywhere": "1"})
    assert not opens_queue(copy_of(app, phone)) and not opens_queue(phone)


# --- brute force -------------------------------------------------------------------------------------------

def test_twelve_wrong_passwords_sent_at_once_all_count(app, monkeypatch):
    staff = make_staff(app, ["adviser"])
    clients = [staff_client(app) for _ in range(12)]
    pages = [c.get("/en/staff/sign-in") for c in clients]
    # All twelve have checked the password before any writes its failure: the race that lost counts.
    checked = threading.Barrier(12, timeout=30)
    original = auth.password_matches

    def matches_then_wait(user, password):
        result = original(user, password)
        checked.wait()
        return result

    monkeypatch.setattr(auth, "password_matches", matches_then_wait)

    def wrong(i):
        data = form_tokens(pages[i])
        data.update(email=staff.email, password=f"wrong password {i}")
        return clients[i].post("/en/staff/sign-in", data=data).status_code

    assert in_parallel(12, wrong) == [200] * 12
    assert user(app, staff.id).failed_sign_ins == 12
    assert len(security_entries(app, staff.id, "sign_in_failed")) == 12


def test_one_code_sent_by_four_sessions_at_once_is_accepted_once(app, monkeypatch):
    staff = make_staff(app, ["adviser"])
    clients = [staff_client(app) for _ in range(4)]
    for client in clients:
        assert post_password(client, staff.email, staff.password).status_code == 303
    pages = [c.get("/en/staff/sign-in/code") for c in clients]
    code = fresh_code(app, staff)
    computed = threading.Barrier(4, timeout=30)
    waited = threading.local()
    original = pyotp.TOTP.at

    def at_then_wait(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        if not getattr(waited, "done", False):
            waited.done = True
            computed.wait()
        return result

    monkeypatch.setattr(pyotp.TOTP, "at", at_then_wait)

    def send(i):
        data = form_tokens(pages[i])
        data["code"] = code
        return clients[i].post("/en/staff/sign-in/code", data=data).status_code

    assert sorted(in_parallel(4, send)) == [200, 200, 200, 303]
    monkeypatch.undo()
    assert sum(opens_queue(c) for c in clients) == 1


def test_wrong_codes_count_and_delay_the_account(app):
    staff = make_staff(app, ["adviser"])
    client = staff_client(app)
    post_password(client, staff.email, staff.password)
    for _ in range(5):
        assert post_code(client, "000000").status_code == 200
    found = user(app, staff.id)
    assert found.failed_sign_ins == 5 and found.locked_until > utcnow()
    # Now even the right code from this address waits.
    assert post_code(client, fresh_code(app, staff)).status_code == 200
    assert not opens_queue(client)
    assert [e.detail for e in security_entries(app, staff.id, "sign_in_failed")] == ["code"] * 5


def test_a_stranger_cannot_keep_the_adviser_out_and_the_adviser_is_told(app, no_pause):
    staff = make_staff(app, ["adviser"])
    stranger = staff_client(app)
    for _ in range(9):
        post_password(stranger, staff.email, "guessing 123456")
    assert user(app, staff.id).locked_until - utcnow() > dt.timedelta(minutes=14)
    # The adviser, from an address that has not failed, gets in with the right password and code.
    adviser = sign_in(app, staff, client=staff_client(app))
    page = adviser.get("/en/staff/")
    assert page.status_code == 200
    assert "Since you last signed in, 9 attempts to sign in to your account failed" in text_of(page)
    assert security_entries(app, staff.id, "sign_in_slowed")
    assert security_entries(app, staff.id, "locked")
    # The notice is shown once, and the count starts again.
    assert "attempts to sign in" not in text_of(adviser.get("/en/staff/"))
    assert user(app, staff.id).failed_sign_ins == 0
    # The stranger's address stays refused even with the right password.
    reset_limits()
    assert WRONG in text_of(post_password(stranger, staff.email, "guessing 123456"))
    update_user(app, staff.id, locked_until=utcnow() + dt.timedelta(minutes=5))
    assert post_password(stranger, staff.email, staff.password).status_code == 200


def test_an_address_trying_many_accounts_is_refused(app):
    address = new_address()
    for _ in range(auth.ADDRESS_LIMIT):
        reset_limits()  # past the form's rate limit, as several workers without a shared store would be
        client = staff_client(app)
        client.environ_base["REMOTE_ADDR"] = address
        post_password(client, unique_email("spray"), "spray password 1")
    reset_limits()
    staff = make_staff(app, ["adviser"])
    client = staff_client(app)
    client.environ_base["REMOTE_ADDR"] = address
    response = post_password(client, staff.email, staff.password)
    assert response.status_code == 200 and WRONG in text_of(response)
    # The account itself is not held back: from elsewhere it signs in at once.
    assert opens_queue(sign_in(app, staff))


# --- password, sessions, confirmation ---------------------------------------------------------------------

def change_password(client, current: str, new: str, again: str | None = None):
    page = client.get("/en/staff/password")
    data = form_tokens(page)
    data.update(current=current, new=new, again=new if again is None else again)
    return client.post("/en/staff/password", data=data)


def test_changing_the_password_ends_the_other_sessions(app):
    staff = make_staff(app, ["adviser"])
    other, this = sign_in(app, staff), sign_in(app, staff)
    new = "seven blue herons quietly"
    assert "not your current password" in text_of(change_password(this, "wrong current one", new))
    assert "not the same" in text_of(change_password(this, PASSWORD, new, "seven blue herons quietly!"))
    assert "at least 12" in text_of(change_password(this, PASSWORD, "short one"))
    assert "too easy to guess" in text_of(change_password(this, PASSWORD, "aaaaaaaaaaaaaaaa"))
    assert "other than the current" in text_of(change_password(this, PASSWORD, PASSWORD))
    assert opens_queue(other)
    response = change_password(this, PASSWORD, new)
    assert response.status_code == 303
    assert opens_queue(this) and not opens_queue(other)
    assert security_entries(app, staff.id, "password_changed")
    staff.password = new
    assert opens_queue(sign_in(app, staff))
    reset_limits()
    assert post_password(staff_client(app), staff.email, PASSWORD).status_code == 200


def test_the_sessions_page_lists_and_ends_ones_own_sessions(app):
    staff = make_staff(app, ["editor"])
    phone = staff_client(app)
    phone.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36"
    sign_in(app, staff, client=phone)
    desk = sign_in(app, staff)
    page = desk.get("/en/staff/sessions")
    assert page.status_code == 200
    assert "Chrome, Android" in text_of(page) and "this device" in text_of(page)
    phone_row = session_row(app, phone)
    # Another account's session cannot be ended from here.
    stranger = sign_in(app, make_staff(app, ["editor"]))
    stranger.post(f"/en/staff/sessions/{phone_row.id}/end", data={"csrf_token": csrf(stranger)})
    assert phone.get("/en/staff/listings").status_code == 200
    desk.post(f"/en/staff/sessions/{phone_row.id}/end", data={"csrf_token": csrf(desk)})
    assert phone.get("/en/staff/listings").status_code == 302
    assert desk.get("/en/staff/listings").status_code == 200


def test_account_changes_need_the_password_again_and_keep_what_was_typed(app):
    admin_staff = make_staff(app, ["admin"])
    admin = sign_in(app, admin_staff)
    update_session(app, admin, password_at=utcnow() - dt.timedelta(minutes=11))
    email = unique_email("later")
    data = form_tokens(admin.get("/en/staff/admin/accounts"))
    data.update(name="Myöhempi Neuvoja", email=email, roles=["adviser", "editor"])
    asked = admin.post("/en/staff/admin/accounts", data=data)
    assert asked.status_code == 200 and "Confirm it is you" in text_of(asked)
    assert objects(app, select(StaffUser).where(StaffUser.email == email)) == []
    carried = form_tokens(asked, "/en/staff/admin/accounts")
    assert soup(asked).find("input", attrs={"name": "roles", "value": "editor"}) is not None
    assert carried["name"] == "Myöhempi Neuvoja" and carried["email"] == email
    assert form_values(asked, "/en/staff/admin/accounts")["roles"] == ["adviser", "editor"]
    wrong = admin.post("/en/staff/admin/accounts", data={**form_values(asked, "/en/staff/admin/accounts"),
                                                         "confirm_password": "not my password"})
    assert "The password is not right" in text_of(wrong)
    assert objects(app, select(StaffUser).where(StaffUser.email == email)) == []
    done = admin.post("/en/staff/admin/accounts", data={**form_values(wrong, "/en/staff/admin/accounts"),
                                                        "confirm_password": PASSWORD})
    assert done.status_code == 200 and "Account created for Myöhempi Neuvoja" in text_of(done)
    assert sorted(objects(app, select(StaffUser).where(StaffUser.email == email))[0].roles) == ["adviser", "editor"]
    # Confirmed now: the next change goes straight through.
    target = make_staff(app, ["adviser"])
    response = admin.post(f"/en/staff/admin/accounts/{target.id}/reset-code", data={"csrf_token": csrf(admin)})
    assert response.status_code == 303 and user(app, target.id).totp_secret is None
    assert security_entries(app, admin_staff.id, "confirmed")


def test_resetting_an_authenticator_waits_for_the_password(app):
    admin = sign_in(app, make_staff(app, ["admin"]))
    update_session(app, admin, password_at=utcnow() - dt.timedelta(minutes=30))
    target = make_staff(app, ["adviser"])
    response = admin.post(f"/en/staff/admin/accounts/{target.id}/reset-code", data={"csrf_token": csrf(admin)})
    assert response.status_code == 200 and "Confirm it is you" in text_of(response)
    assert user(app, target.id).totp_secret is not None


def organisation(app, key: str) -> Organiser:
    return objects(app, select(Organiser).where(Organiser.key == key))[0]


def test_an_admin_changes_roles_and_links_an_organiser_to_its_organisation(app):
    admin_staff = make_staff(app, ["admin"])
    admin = sign_in(app, admin_staff)
    target = make_staff(app, ["adviser"])
    page = admin.get(f"/en/staff/admin/accounts/{target.id}")
    assert page.status_code == 200
    ngo = organisation(app, "ilo")
    data = form_tokens(page)
    data.update(roles=["organiser"], organiser_id="0")
    refused = admin.post(f"/en/staff/admin/accounts/{target.id}", data=data)
    assert "Choose the organisation of the organiser" in text_of(refused)
    data.update(organiser_id=str(ngo.id))
    assert admin.post(f"/en/staff/admin/accounts/{target.id}", data=data).status_code == 303
    changed = user(app, target.id)
    assert changed.roles == ["organiser"] and changed.organiser_id == ngo.id
    listing = admin.get("/en/staff/admin/accounts")
    assert ngo.name.get("en", ngo.name["fi"]) in text_of(listing)
    # New accounts can be linked at once as well.
    email = unique_email("org")
    data = form_tokens(listing)
    data.update(name="Järjestön Ihminen", email=email, roles=["organiser"], organiser_id=str(ngo.id))
    admin.post("/en/staff/admin/accounts", data=data)
    assert objects(app, select(StaffUser).where(StaffUser.email == email))[0].organiser_id == ngo.id
    assert [e.detail for e in security_entries(app, admin_staff.id, "roles") if e.record_id == target.id] == []
    assert objects(app, select(AuditEntry).where(AuditEntry.action == "roles", AuditEntry.record_id == target.id))


def test_the_cli_links_an_organiser_by_key_name_or_id(app, runner):
    ngo = organisation(app, "ilo")
    for given in ("ilo", ngo.name["fi"], str(ngo.id)):
        email = unique_email("cliorg")
        result = runner.invoke(args=["staff", "create", "--email", email, "--name", "Org Person", "--role", "organiser",
                                     "--organisation", given, "--password", "a long enough password"])
        assert result.exit_code == 0, result.output
        assert objects(app, select(StaffUser).where(StaffUser.email == email))[0].organiser_id == ngo.id
    unknown = runner.invoke(args=["staff", "create", "--email", unique_email("cliorg"), "--name", "X", "--role",
                                  "organiser", "--organisation", "no such organisation", "--password", "a long enough password"])
    assert unknown.exit_code != 0 and "no organisation" in unknown.output
    missing = runner.invoke(args=["staff", "create", "--email", unique_email("cliorg"), "--name", "X", "--role",
                                  "organiser", "--password", "a long enough password"])
    assert missing.exit_code != 0 and "--organisation" in missing.output


@pytest.mark.parametrize("role, start", [("adviser", "/en/staff/"), ("editor", "/en/staff/listings"),
                                         ("organiser", "/en/staff/listings"), ("admin", "/en/staff/")])
def test_each_role_lands_on_its_own_start_page(app, role, start):
    staff = make_staff(app, [role], organiser_id=organisation(app, "city").id if role == "organiser" else None)
    client = staff_client(app)
    post_password(client, staff.email, staff.password)
    response = post_code(client, fresh_code(app, staff))
    assert response.status_code == 303 and response.headers["Location"] == start
    assert client.get(start).status_code == 200


def test_the_security_log_shows_sign_ins_failures_and_refusals_to_admins(app):
    editor = make_staff(app, ["editor"])
    post_password(staff_client(app), editor.email, "wrong password 1")
    client = sign_in(app, editor)
    assert client.get("/en/staff/").status_code == 403
    admin = sign_in(app, make_staff(app, ["admin"]))
    page = admin.get(f"/en/staff/admin/audit?security=1&type=staff_user&id={editor.id}")
    assert page.status_code == 200
    text = text_of(page)
    for words in ("Sign-in failed", "Signed in", "Access refused"):
        assert words in text, words
    assert editor.password not in text and "wrong password" not in text
    assert client.get("/en/staff/admin/audit").status_code == 403


# --- unusual input ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["start=9999-12-31", "start=9999-12-31&end=9999-12-31", "start=0001-01-01",
                                   "end=9999-12-31", "start=2026-13-45", "start=%00", "start=２０２６-01-01",
                                   "start=" + "9" * 40])
def test_statistics_with_odd_dates_show_the_default_period(app, query):
    client, _staff = signed_in(app, ["adviser"])
    for path in ("/en/staff/statistics", "/en/staff/statistics.csv"):
        assert client.get(f"{path}?{query}").status_code == 200, (path, query)


@pytest.mark.parametrize("query", ["id=%00", "id=" + "9" * 20, "type=%00", "type=" + "x" * 300, "id=-1", "id=１２"])
def test_the_audit_log_ignores_odd_filters(app, query):
    client, _staff = signed_in(app, ["admin"])
    assert client.get(f"/en/staff/admin/audit?{query}").status_code == 200


def test_nul_in_the_sign_in_address_is_an_ordinary_wrong_answer(app):
    staff = make_staff(app, ["adviser"])
    response = post_password(staff_client(app), staff.email + "\x00", "whatever it is 1")
    assert response.status_code == 200 and WRONG in text_of(response)
    response = post_password(staff_client(app), "\x00", "whatever it is 1")
    assert response.status_code == 200


def test_nul_in_the_account_form_is_dropped(app):
    admin = sign_in(app, make_staff(app, ["admin"]))
    email = unique_email("nul")
    data = form_tokens(admin.get("/en/staff/admin/accounts"))
    data.update(name="Nul\x00 Nimi", email=email.replace("@", "\x00@"), roles=["adviser"])
    response = admin.post("/en/staff/admin/accounts", data=data)
    assert response.status_code == 200
    created = objects(app, select(StaffUser).where(StaffUser.email == email))
    assert [u.name for u in created] == ["Nul Nimi"]


def test_a_time_that_ends_before_it_starts_is_refused(app, catalogue):
    client, _staff = signed_in(app, ["editor"])
    url = f"/en/staff/listings/{catalogue['chair-gym']}"
    data = form_values(client.get(url))
    data.update(weekly="tue 11:00-10:00")
    response = client.post(url, data=data)
    assert response.status_code == 200
    assert "This time ends before it starts: tue 11:00-10:00" in text_of(response)
    data.update(weekly="tue 10:00-11:00", dates="2026-12-03 15:00-13:00")
    response = client.post(url, data=data)
    assert "This time ends before it starts: 2026-12-03 15:00-13:00" in text_of(response)
    assert "15:00-13:00" in soup(response).select_one("textarea#dates").get_text()


def test_nul_in_the_listing_and_place_forms_is_dropped(app, catalogue):
    from portal.catalogue.models import Venue

    client, _staff = signed_in(app, ["editor"])
    url = f"/en/staff/listings/{catalogue['chair-gym']}"
    data = form_values(client.get(url))
    data.update({"text_fi-name": "Tuolijumppa\x00", "text_en-summary": "Sit\x00 and move.", "weekly": "tue 10:00-11:00\x00"})
    assert client.post(url, data=data).status_code in (200, 303)
    venue_id = objects(app, select(Venue).order_by(Venue.id))[0].id
    url = f"/en/staff/listings/places/{venue_id}"
    data = form_values(client.get(url))
    data.update({"name_en": "Hall\x00", "phone": "09\x00 123"})
    assert client.post(url, data=data).status_code in (200, 303)
