"""The staff workspace in a real browser with JavaScript off: signing in with a password and an
authenticator code (each code accepted once), the queue, an item page, claiming and two unanswered
calls that close a callback request, the statistics (charts drawn on the server as SVG beside data
tables), staff accounts, the audit log, the listings and a listing's edit page. axe-core checks every
page, in fi, sv and en for the queue, the items and the statistics."""
from __future__ import annotations

from urllib.parse import urlparse

import pytest
import staff_support
from browser_support import LANGS

pytestmark = pytest.mark.browser


def submit(page, selector: str = "main form") -> None:
    with page.expect_navigation():
        page.locator(f"{selector} button[type='submit']").first.click()


def path_of(page) -> str:
    return urlparse(page.url).path


def common_checks(page, lang: str) -> None:
    assert page.get_attribute("html", "lang") == lang
    assert page.locator("h1").count() == 1
    assert page.locator("nav.staff-nav").count() == 1, "signed-in staff pages show the staff navigation"


# --- signing in --------------------------------------------------------------------------------------

def test_sign_in_errors_and_a_code_is_accepted_only_once(portal_server, fresh_context, assert_no_axe, fresh_limits,
                                                          translate):
    account = staff_support.make_staff(portal_server.app, ["adviser"])
    page = fresh_context(js=False).new_page()
    page.goto(portal_server.url("/fi/staff/statistics"))
    assert path_of(page) == "/fi/staff/sign-in", "a staff page sends the visitor to sign in"
    assert page.get_attribute("html", "lang") == "fi"
    assert_no_axe(page, "staff sign-in")

    submit(page)
    assert page.locator(".error-summary a[href='#email']").count() == 1
    assert page.locator(".error-summary a[href='#password']").count() == 1
    assert_no_axe(page, "staff sign-in sent empty")

    page.fill("#email", account.email)
    page.fill("#password", "not the password")
    submit(page)
    assert path_of(page) == "/fi/staff/sign-in"
    assert page.input_value("#email") == account.email
    assert page.locator(".error-summary").count() == 1
    assert_no_axe(page, "staff sign-in with a wrong password")

    page.fill("#password", account.password)
    submit(page)
    assert path_of(page) == "/fi/staff/sign-in/code"
    assert_no_axe(page, "staff code page")
    page.fill("#code", "000000" if staff_support.fresh_code(portal_server.app, account) != "000000" else "111111")
    submit(page)
    assert path_of(page) == "/fi/staff/sign-in/code"
    assert page.locator(".error-summary a[href='#code']").count() == 1
    assert_no_axe(page, "staff code page with a wrong code")

    code = staff_support.fresh_code(portal_server.app, account)
    page.fill("#code", code)
    submit(page)
    assert path_of(page) == "/fi/staff/statistics", "after signing in the page asked for first opens"
    assert page.locator("nav.staff-nav").count() == 1

    # The same code again, from another browser with the right password: refused.
    other = fresh_context(js=False).new_page()
    other.goto(portal_server.url("/en/staff/sign-in"))
    other.fill("#email", account.email)
    other.fill("#password", account.password)
    submit(other)
    assert path_of(other) == "/en/staff/sign-in/code"
    other.fill("#code", code)
    submit(other)
    assert path_of(other) == "/en/staff/sign-in/code", "a code that was used once must not sign in again"
    assert translate("en", "The code is not right or has expired. Enter the newest code.") in \
        other.locator(".error-summary").inner_text()

    # Signing out ends the session: the workspace asks to sign in again.
    with page.expect_navigation():
        page.locator("nav.staff-nav form.sign-out button[type='submit']:not([name])").click()
    page.goto(portal_server.url("/fi/staff/"))
    assert path_of(page) == "/fi/staff/sign-in"


# --- the queue, items and the two-attempt rule ---------------------------------------------------------

@pytest.fixture(scope="module")
def queue_items(portal_server):
    callback = staff_support.add_callback(portal_server.app, name="Kerttu Kokeilu", phone="+358401234567",
                                          call_language="sv", ui_language="sv", topic="digital", message="Apua tabletin kanssa",
                                          for_someone_else=True, helper_name="Helmi Helper", helper_phone="+358405556666")
    concern = staff_support.add_concern(portal_server.app, urgency="danger", notifier_role="neighbour",
                                        worries=["memory", "falls", "money"], ui_language="en")
    return {"callback": callback, "concern": concern}


@pytest.mark.parametrize("lang", LANGS)
def test_queue_and_item_pages(portal_server, staff_session, assert_no_axe, queue_items, lang, translate):
    page = staff_session.page(f"/{lang}/staff/")
    try:
        common_checks(page, lang)
        rows = page.locator("table.queue tbody tr")
        references = rows.locator("th a").all_inner_texts()
        callback, concern = queue_items["callback"], queue_items["concern"]
        assert callback.reference in references, "the callback request is in the queue"
        assert concern.reference in references, "the concern notice is in the queue"
        assert references.index(concern.reference) == 0 or "urgent" in (rows.first.get_attribute("class") or ""), \
            "urgent items come first"
        urgent_row = rows.filter(has=page.locator(f"a:text-is('{concern.reference}')"))
        assert urgent_row.locator(".tag-urgent").count() == 1
        assert_no_axe(page, f"staff queue ({lang})")

        with page.expect_navigation():
            urgent_row.locator("th a").click()
        assert path_of(page) == f"/{lang}/staff/concern/{concern.id}"
        common_checks(page, lang)
        text = page.locator("main").inner_text()
        assert concern.personal_plain["name"] in text and concern.personal_plain["details"] in text, \
            "the adviser sees the decrypted details"
        assert translate(lang, "Notifier said someone was in danger") in text
        assert_no_axe(page, f"staff concern notice page ({lang})")

        page.goto(portal_server.url(f"/{lang}/staff/callback/{callback.id}"))
        common_checks(page, lang)
        assert "Kerttu Kokeilu" in page.locator("main").inner_text()
        assert page.locator("main a.phone[href='tel:+358401234567']").count() == 1
        assert "Helmi Helper" in page.locator("main").inner_text(), "a helper's request shows the helper"
        assert_no_axe(page, f"staff callback page ({lang})")
    finally:
        page.close()

    viewed = [e for e in staff_support.audit_entries(portal_server.app, "concern", concern.id) if e.action == "view"]
    assert viewed, "opening a notice is written in the audit log"


def test_claim_and_two_unanswered_calls_close_the_request(portal_server, staff_session, assert_no_axe, translate,
                                                          in_app):
    import datetime as dt

    from portal.callback.models import CallbackRequest

    record = staff_support.add_callback(portal_server.app, name="Onni Odottaja", call_language="fi")
    stale = staff_session.page("/fi/staff/")  # a second tab with the queue as it was
    page = staff_session.page("/fi/staff/")
    try:
        row = page.locator("table.queue tbody tr").filter(has=page.locator(f"a:text-is('{record.reference}')"))
        assert row.count() == 1
        with page.expect_navigation():
            row.locator("form[action$='/claim'] button").click()
        assert path_of(page) == f"/fi/staff/callback/{record.id}", "claiming opens the item"
        state = page.locator("dl.key-facts").first.locator("dd").first
        assert state.inner_text().strip() == translate("fi", "Claimed")
        assert_no_axe(page, "staff callback, claimed")

        assert staff_support.load(portal_server.app, CallbackRequest, record.id).claimed_by_id == staff_session.account.id

        # Claiming again from the old queue changes nothing and says why.
        stale_row = stale.locator("table.queue tbody tr").filter(has=stale.locator(f"a:text-is('{record.reference}')"))
        with stale.expect_navigation():
            stale_row.locator("form[action$='/claim'] button").click()
        assert translate("fi", "Someone else has just taken or changed this item. The page now shows its current state.") \
            in stale.locator("main .notice[role='status']").inner_text()
        assert_no_axe(stale, "staff callback, claimed twice")

        submit(page, "main form[action$='/no-answer']")
        assert state.inner_text().strip() == translate("fi", "Called once, no answer")
        assert page.locator("main form[action$='/no-answer']").count() == 1, "a second attempt is offered"
        assert_no_axe(page, "staff callback, one attempt")

        # At once again: refused, the second attempt waits (CALLBACK_ATTEMPT_INTERVAL_MINUTES).
        submit(page, "main form[action$='/no-answer']")
        assert state.inner_text().strip() == translate("fi", "Called once, no answer"), "the second try came too soon"
        assert_no_axe(page, "staff callback, second attempt too soon")

        def three_hours_ago(session):
            stored = session.get(CallbackRequest, record.id)
            stored.status_changed_at -= dt.timedelta(hours=3)
            session.commit()

        in_app(three_hours_ago)
        page.reload()
        submit(page, "main form[action$='/no-answer']")
        closed = page.locator("dl.key-facts").first.locator("dd").first.inner_text()
        assert closed.startswith(translate("fi", "Closed: no answer twice")), closed
        assert page.locator("main form[action$='/no-answer'], main form[action$='/claim']").count() == 0
        assert_no_axe(page, "staff callback, closed after two attempts")
    finally:
        page.close()
        stale.close()

    stored = staff_support.load(portal_server.app, CallbackRequest, record.id)
    assert (stored.status, stored.outcome) == ("closed_no_answer", "other_no_answer")
    # Unanswered calls are attempts, not contact: the time to first contact stays open.
    assert stored.first_contact_at is None and stored.first_attempt_at is not None and stored.closed_at is not None
    actions = [e.action for e in staff_support.audit_entries(portal_server.app, "callback", record.id)]
    assert actions.count("no_answer") == 2 and "claim" in actions

    queue = staff_session.page("/fi/staff/")
    try:
        assert record.reference not in queue.locator("main").inner_text(), "a closed request leaves the queue"
    finally:
        queue.close()


# --- statistics ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_statistics_charts_are_svg_beside_data_tables(portal_server, staff_session, axe_findings, lang, in_app):
    from portal.staff.models import ItemTopic

    tagged = staff_support.add_callback(portal_server.app, name="Topi Tagattu", call_language=lang)

    def tag(session):
        session.add(ItemTopic(item_type="callback", item_id=tagged.id, topic="digital"))
        session.commit()

    in_app(tag)  # so that the top topics have a chart and a table too
    page = staff_session.page(f"/{lang}/staff/statistics")
    try:
        common_checks(page, lang)
        sections = page.locator("main section")
        charted = 0
        for i in range(sections.count()):
            section = sections.nth(i)
            heading = section.locator("h2").inner_text()
            if section.locator("table.data").count() == 0:
                # Nothing to count yet (no feedback answers in the test data): said in words, no empty chart.
                assert section.locator("svg.chart").count() == 0 and section.locator("p").count() >= 1, heading
                continue
            charted += 1
            assert section.locator("svg.chart").count() == 1, f"no chart in “{heading}”"
            svg = section.locator("svg.chart")
            assert svg.get_attribute("aria-hidden") == "true", "the chart repeats the table for the eye only"
            assert section.locator("table.data caption").count() == 1, f"no data table beside the chart “{heading}”"
            assert section.locator("table.data tbody tr").count() >= 1
        assert charted >= 7, f"only {charted} sections with a chart and a table"
        assert page.locator("a[href*='/staff/statistics.csv']").count() == 1
        problems = axe_findings(page, f"staff statistics ({lang})")

        page.goto(portal_server.url(f"/{lang}/staff/statistics?start=someday&end=2026-13-01"))
        assert page.locator("main .notice[role='status']").count() == 1, "unreadable dates are said, not ignored"
        problems += axe_findings(page, f"staff statistics with unreadable dates ({lang})")
    finally:
        page.close()

    response = staff_session.context.request.get(portal_server.url(f"/{lang}/staff/statistics.csv"))
    assert response.ok and response.headers["content-type"].startswith("text/csv")
    assert response.text().splitlines()[0] == "section,key,count"
    assert not problems, "\n".join(problems)


# --- administration ------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_accounts_and_audit_log(portal_server, staff_session, assert_no_axe, lang, translate, in_app):
    # Account changes need the password typed in the last minutes (tests/browser/test_browser_staff_security.py
    # goes through that page); this session signed in earlier in the run.
    from sqlalchemy import update

    from portal.db import utcnow
    from portal.staff.models import StaffSession

    in_app(lambda session: (session.execute(update(StaffSession).where(StaffSession.staff_id == staff_session.account.id)
                                            .values(password_at=utcnow())), session.commit()))
    page = staff_session.page(f"/{lang}/staff/admin/accounts")
    try:
        common_checks(page, lang)
        assert staff_session.account.email in page.locator("table.data").inner_text()
        assert_no_axe(page, f"staff accounts ({lang})")

        if lang == "en":
            submit(page, "main form:not(.inline):not([action])")
            assert page.locator(".error-summary a[href='#name']").count() == 1
            assert_no_axe(page, "staff accounts, new account sent empty")
            page.fill("#name", "Niko Uusi")
            page.fill("#email", "niko.uusi@example.fi")
            page.check("#roles-0")  # adviser
            submit(page, "main form:not(.inline):not([action])")
            created = page.locator("main .panel[role='status']")
            assert created.count() == 1 and "Niko Uusi" in created.inner_text()
            assert len(created.locator("code.secret").inner_text().strip()) >= 12, "a first password is shown once"
            assert "niko.uusi@example.fi" in page.locator("table.data").inner_text()
            assert_no_axe(page, "staff accounts, account created")

        page.goto(portal_server.url(f"/{lang}/staff/admin/audit"))
        common_checks(page, lang)
        assert page.locator("table.data tbody tr").count() >= 1
        actions = page.locator("table.data tbody td:nth-child(3)").all_inner_texts()
        assert translate(lang, "Account created") in actions, f"creating accounts is not in the audit log: {actions[:8]}"
        assert_no_axe(page, f"staff audit log ({lang})")
    finally:
        page.close()


# --- listings ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_listings_and_the_edit_page(portal_server, staff_session, assert_no_axe, lang):
    activity_id = portal_server.fully_translated()
    page = staff_session.page(f"/{lang}/staff/listings")
    try:
        common_checks(page, lang)
        assert page.locator("table.data tbody tr").count() == len(portal_server.activity_ids)
        assert_no_axe(page, f"staff listings ({lang})")

        with page.expect_navigation():
            page.locator(f"table.data a[href$='/staff/listings/{activity_id}']").click()
        assert path_of(page) == f"/{lang}/staff/listings/{activity_id}"
        common_checks(page, lang)
        assert page.input_value("#text_fi-name"), "the form is filled with the listing"
        assert_no_axe(page, f"staff listing edit page ({lang})")

        if lang == "fi":
            # The preview shows the texts without saving them.
            before = page.input_value("#text_fi-name")
            with page.expect_navigation():
                page.locator("main form button[name='preview']").click()
            assert page.locator("section.preview").count() == 1
            assert before in page.locator("section.preview").inner_text()
            assert_no_axe(page, "staff listing preview")
    finally:
        page.close()


def test_staff_pages_need_a_role(portal_server, fresh_context):
    """Signed out, every staff page sends to the sign-in page (in the page's language)."""
    page = fresh_context(js=False).new_page()
    for path in ("/sv/staff/", "/sv/staff/statistics", "/sv/staff/admin/accounts", "/sv/staff/admin/audit",
                 "/sv/staff/listings", f"/sv/staff/listings/{portal_server.activity_ids[0]}"):
        page.goto(portal_server.url(path))
        assert path_of(page) == "/sv/staff/sign-in", f"{path} opened without signing in"
