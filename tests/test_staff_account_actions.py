"""An administrator's actions on an account (take out of use, take into use, new authenticator app): each
POST answers with a redirect to the accounts page (post/redirect/get), which then says what was done and
shows the new-account form untouched: the action's POST is never validated as a new account ("Enter a
name.", "Enter an e-mail address."). Also after the password had to be typed again first."""
from __future__ import annotations

import datetime as dt

import pytest
from staff_support import (
    PASSWORD,
    csrf,
    form_tokens,
    make_staff,
    sign_in,
    soup,
    text_of,
    update_session,
    user,
)

from portal.db import utcnow

BOGUS = ("Enter a name.", "Enter an e-mail address.", "Error:")
DONE = {"deactivate": "can no longer sign in.", "activate": "can sign in again.",
        "reset-code": "connects a new authenticator app at the next sign-in."}


# Each test starts with no sign-in tries counted by the rate limiter (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("fresh_limits")


def accounts_page_after(admin, response) -> str:
    """The page the redirect leads to, as text; checks the redirect on the way."""
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/en/staff/admin/accounts")
    page = admin.get(response.headers["Location"])
    assert page.status_code == 200
    assert soup(page).select_one(".error-summary") is None
    assert not soup(page).select(".field-error, .error-message")
    return text_of(page)


@pytest.mark.parametrize("change", ["deactivate", "activate", "reset-code"])
def test_an_account_action_redirects_and_shows_no_bogus_errors(app, change):
    admin = sign_in(app, make_staff(app, ["admin"]))
    target = make_staff(app, ["adviser"], name="Tuula Kohde")
    response = admin.post(f"/en/staff/admin/accounts/{target.id}/{change}", data={"csrf_token": csrf(admin)})
    page = accounts_page_after(admin, response)
    assert f"Tuula Kohde {DONE[change]}" in page
    assert not any(bogus in page for bogus in BOGUS), page[:600]
    after = user(app, target.id)
    assert after.active is (change != "deactivate")
    assert (after.totp_secret is None) is (change == "reset-code")


def test_after_typing_the_password_again_the_action_redirects_too(app):
    admin = sign_in(app, make_staff(app, ["admin"]))
    update_session(app, admin, password_at=utcnow() - dt.timedelta(minutes=30))
    target = make_staff(app, ["adviser"], name="Veli Vahvistettava")
    url = f"/en/staff/admin/accounts/{target.id}/deactivate"
    asked = admin.post(url, data={"csrf_token": csrf(admin)})
    assert asked.status_code == 200 and "Confirm it is you" in text_of(asked)
    assert user(app, target.id).active is True
    data = form_tokens(asked, url)
    data["confirm_password"] = PASSWORD
    page = accounts_page_after(admin, admin.post(url, data=data))
    assert f"Veli Vahvistettava {DONE['deactivate']}" in page
    assert not any(bogus in page for bogus in BOGUS)
    assert user(app, target.id).active is False
