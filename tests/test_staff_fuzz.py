"""Property-based fuzzing (Hypothesis) of the staff side, with the values and checks of tests/test_fuzz.py:
the sign-in, code, password-change, account, roles and listing forms, and the query parameters of the
statistics and the audit log. For any input: no 5xx, and a form shown again shows what was typed in
its text fields (cleaned as the forms clean it). `make fuzz` runs more examples (PORTAL_FUZZ_EXAMPLES)."""
from __future__ import annotations

import pytest
from form_support import LANGUAGES
from hypothesis import given, strategies as st
from staff_support import form_tokens, make_staff, post_password, sign_in
from test_fuzz import FUZZ, RUN, TEXT, _quiet, check_response, fields_of, form_body, post, report_count  # noqa: F401

# Password fields are never shown again, by design; the rest must keep what was typed.
NOT_SHOWN_AGAIN = {"password", "current", "new", "again", "confirm_password", "code", "csrf_token", "website"}


@pytest.fixture(scope="module")
def staff_clients(app):
    """Signed in once for the module: an administrator (also adviser and editor), and an adviser whose
    password-change form is fuzzed."""
    admin = sign_in(app, make_staff(app, ["admin"]))
    adviser = sign_in(app, make_staff(app, ["adviser"]))
    return admin, adviser


@pytest.fixture
def no_limits(monkeypatch):
    from portal.limits import limiter

    monkeypatch.setattr(limiter, "enabled", False)


@pytest.fixture
def confirmed(app, monkeypatch):
    """Account changes need a recent password; here the confirmation page would stop every example."""
    from portal.staff import auth

    monkeypatch.setattr(auth, "recently_confirmed", lambda: True)


def shown_fields(fields: dict) -> dict:
    return {name: spec for name, spec in fields.items() if name not in NOT_SHOWN_AGAIN}


@FUZZ
@given(lang=st.sampled_from(LANGUAGES), start=TEXT, end=TEXT, which=st.sampled_from(["statistics", "statistics.csv"]))
def test_fuzz_the_statistics_period(app, staff_clients, lang, start, end, which):
    RUN["staff query parameters"] += 1
    response = staff_clients[0].get(f"/{lang}/staff/{which}", query_string={"start": start, "end": end})
    assert response.status_code == 200, (start, end, response.status_code)


@FUZZ
@given(lang=st.sampled_from(LANGUAGES), kind=TEXT, record=TEXT, security=TEXT)
def test_fuzz_the_audit_log_filters(app, staff_clients, lang, kind, record, security):
    RUN["staff query parameters"] += 1
    response = staff_clients[0].get(f"/{lang}/staff/admin/audit",
                                    query_string={"type": kind, "id": record, "security": security})
    assert response.status_code == 200, (kind, record, response.status_code)


@FUZZ
@given(lang=st.sampled_from(LANGUAGES), fields=fields_of(["email", "password", "csrf_token"]))
def test_fuzz_the_sign_in_form(app, no_limits, lang, fields):
    RUN["staff forms"] += 1
    from staff_support import staff_client

    client = staff_client(app)
    url = f"/{lang}/staff/sign-in"
    data, multipart = form_body(_quiet(fields), form_tokens(client.get(url)))
    check_response(post(client, url, data, multipart), url, shown_fields(fields))


@FUZZ
@given(lang=st.sampled_from(LANGUAGES), fields=fields_of(["code", "csrf_token"]))
def test_fuzz_the_code_form(app, no_limits, lang, fields):
    RUN["staff forms"] += 1
    from staff_support import staff_client

    staff = _half_way_account(app)
    client = staff_client(app)
    post_password(client, staff.email, staff.password, lang)
    url = f"/{lang}/staff/sign-in/code"
    data, multipart = form_body(_quiet(fields), form_tokens(client.get(url)))
    check_response(post(client, url, data, multipart), url, {})


_accounts: list = []


def _half_way_account(app):
    """One account for every example (its failures delay only itself; it is never fully signed in)."""
    if not _accounts:
        _accounts.append(make_staff(app, ["editor"]))
    return _accounts[0]


@FUZZ
@given(lang=st.sampled_from(LANGUAGES), fields=fields_of(["current", "new", "again", "csrf_token"]))
def test_fuzz_the_password_change(app, staff_clients, no_limits, lang, fields):
    RUN["staff forms"] += 1
    client, url = staff_clients[1], f"/{lang}/staff/password"
    data, multipart = form_body(_quiet(fields), form_tokens(client.get(url)))
    response = post(client, url, data, multipart)
    check_response(response, url, {})


@FUZZ
@given(lang=st.sampled_from(LANGUAGES), form=st.sampled_from(["new account", "roles"]),
       fields=fields_of(["name", "email", "roles", "organiser_id", "csrf_token"]))
def test_fuzz_the_account_forms(app, staff_clients, no_limits, confirmed, lang, form, fields):
    RUN["staff forms"] += 1
    client = staff_clients[0]
    url = f"/{lang}/staff/admin/accounts" if form == "new account" else f"/{lang}/staff/admin/accounts/{_half_way_account(app).id}"
    data, multipart = form_body(_quiet(fields), form_tokens(client.get(url), None))
    check_response(post(client, url, data, multipart), url, shown_fields(fields))


LISTING_FIELDS = ["text_fi-name", "text_fi-summary", "text_sv-description", "venue_id", "organiser_id", "categories",
                  "price_euros", "join_mode", "join_phone", "weekly", "dates", "cancelled", "checked", "csrf_token"]


@FUZZ
@given(lang=st.sampled_from(LANGUAGES), fields=fields_of(LISTING_FIELDS))
def test_fuzz_the_listing_form_preview(app, catalogue, staff_clients, no_limits, lang, fields):
    """Through the preview, so that a generated listing that happens to be valid is shown, not saved."""
    RUN["staff forms"] += 1
    from staff_support import form_values

    client = staff_clients[0]
    url = f"/{lang}/staff/listings/{catalogue['chair-gym']}"
    base = {**form_values(client.get(url)), "preview": "1"}
    data, multipart = form_body(_quiet(fields), base)
    shown = {name: spec for name, spec in shown_fields(fields).items() if name not in ("price_euros", "venue_id", "organiser_id")}
    check_response(post(client, url, data, multipart), url, shown)
