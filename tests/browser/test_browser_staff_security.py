"""Staff security pages in a real browser with JavaScript off, axe-checked in fi, sv and en: one's own
sessions, changing the password (errors first), confirming the password before an account change (what
was typed carried along), an account's roles and organisation, the security log; and signing out ends
the session for a copy of the cookie as well. With PORTAL_SCREENSHOTS=1, screenshots at 360 px with the
largest text and at 1280 px are saved for a person to look at."""
from __future__ import annotations

import datetime as dt
import os
from urllib.parse import urlparse

import pytest
import staff_support
from browser_support import LANGS, open_context, save_screenshot
from sqlalchemy import update

pytestmark = pytest.mark.browser


def submit(page, selector: str = "main form") -> None:
    with page.expect_navigation():
        page.locator(f"{selector} button[type='submit']").first.click()


def path_of(page) -> str:
    return urlparse(page.url).path


@pytest.fixture
def signed_in_admin(portal_server, browser, fresh_limits):
    """A new administrator signed in through the pages, in a context of its own (these tests sign out)."""
    account = staff_support.make_staff(portal_server.app, ["admin"], name="Sanna Turva")
    context = open_context(browser, js=False)
    page = context.new_page()
    page.goto(portal_server.url("/en/staff/sign-in"))
    page.fill("#email", account.email)
    page.fill("#password", account.password)
    submit(page)
    page.fill("#code", staff_support.fresh_code(portal_server.app, account))
    submit(page)
    assert path_of(page) == "/en/staff/", "an administrator starts at the queue"
    yield account, context, page
    context.close()


def shoot(browser, portal_server, context, path: str, name: str) -> None:
    """The page at 1280 px, and at 360 px with the largest text, in the same session."""
    if os.environ.get("PORTAL_SCREENSHOTS") != "1":
        return
    for width, size in ((1280, None), (360, "larger")):
        shot_context = open_context(browser, js=False, width=width, text_size=size)
        shot_context.add_cookies(context.cookies())
        page = shot_context.new_page()
        page.goto(portal_server.url(path))
        save_screenshot(page, f"staff-security-{name}-{width}")
        shot_context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_sessions_password_and_security_log_pages(portal_server, signed_in_admin, assert_no_axe, lang, browser):
    account, context, page = signed_in_admin
    for path, what in ((f"/{lang}/staff/sessions", "sessions"), (f"/{lang}/staff/password", "password change"),
                       (f"/{lang}/staff/admin/audit?security=1", "security log"),
                       (f"/{lang}/staff/admin/accounts/{account.id}", "account roles")):
        page.goto(portal_server.url(path))
        assert page.get_attribute("html", "lang") == lang
        assert page.locator("h1").count() == 1
        assert_no_axe(page, f"{what} ({lang})")
    page.goto(portal_server.url(f"/{lang}/staff/password"))
    submit(page, "main form:not(.inline)")
    assert page.locator(".error-summary a[href='#current']").count() == 1
    assert_no_axe(page, f"password change sent empty ({lang})")
    if lang == "en":
        shoot(browser, portal_server, context, "/en/staff/sessions", "sessions")
        shoot(browser, portal_server, context, f"/en/staff/admin/accounts/{account.id}", "account")


def test_confirming_the_password_before_creating_an_account(portal_server, signed_in_admin, assert_no_axe, in_app,
                                                           browser):
    from portal.staff.models import StaffSession

    account, context, page = signed_in_admin

    def long_ago(session):
        session.execute(update(StaffSession).where(StaffSession.staff_id == account.id)
                        .values(password_at=dt.datetime(2000, 1, 1)))
        session.commit()

    in_app(long_ago)
    page.goto(portal_server.url("/fi/staff/admin/accounts"))
    page.fill("#name", "Veera Vahvistettu")
    page.fill("#email", "veera.vahvistettu@example.fi")
    page.check("#roles-1")  # editor
    submit(page, "main form:not(.inline):not([action])")
    assert page.locator("#confirm_password").count() == 1, "the password is asked for first"
    assert_no_axe(page, "confirm the password (fi)")
    shoot(browser, portal_server, context, "/fi/staff/admin/accounts", "accounts")
    page.fill("#confirm_password", "not the password")
    submit(page)
    assert page.locator(".error-summary a[href='#confirm_password']").count() == 1
    assert_no_axe(page, "confirm the password, wrong (fi)")
    page.fill("#confirm_password", account.password)
    submit(page)
    assert "Veera Vahvistettu" in page.locator("main .panel[role='status']").inner_text()


def test_signing_out_ends_a_copied_session(portal_server, signed_in_admin, browser):
    _account, context, page = signed_in_admin
    thief = open_context(browser, js=False)
    thief.add_cookies(context.cookies())
    stolen = thief.new_page()
    stolen.goto(portal_server.url("/en/staff/sessions"))
    assert path_of(stolen) == "/en/staff/sessions"
    page.goto(portal_server.url("/en/staff/sessions"))
    with page.expect_navigation():
        page.locator("nav.staff-nav form.sign-out button:not([name])").click()
    assert path_of(page) == "/en/staff/sign-in"
    stolen.goto(portal_server.url("/en/staff/sessions"))
    assert path_of(stolen) == "/en/staff/sign-in", "the copied cookie still worked after signing out"
    thief.close()
