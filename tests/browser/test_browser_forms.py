"""The resident forms in a real browser, from the first page to the stored record: the callback
request (for oneself and for someone else, then its status page) and the concern notice (the urgency
gate, every step, check your answers with a change link, sending). Each runs with JavaScript really
switched off (java_script_enabled=False) and with it on, in fi, sv and en; axe-core checks every page
and every error state; the app's own database says what was stored. Reflow at 320 CSS px with the
largest text on the callback form and a concern step."""
from __future__ import annotations

import re
import uuid
from urllib.parse import urlparse

import pytest
from browser_support import LANGS, too_wide
from sqlalchemy import func, select

pytestmark = pytest.mark.browser

REFERENCE = re.compile(r"^[ACDEFGHJKMNPQRTUVWXY34679]{4}-[ACDEFGHJKMNPQRTUVWXY34679]{4}$")
MODES = [pytest.param(False, id="nojs"), pytest.param(True, id="js")]


# --- helpers -----------------------------------------------------------------------------------------

def translated(portal_server, lang: str, message: str) -> str:
    """The app's own translation of an English message id, so the tests do not copy the catalogues."""
    from flask_babel import force_locale, gettext

    with portal_server.app.test_request_context(f"/{lang}/"), force_locale(lang):
        return str(gettext(message))


def submit(page, form_selector: str) -> None:
    """Press the form's submit button and wait for the next page (a real POST, JavaScript or not)."""
    with page.expect_navigation():
        page.locator(f"{form_selector} button[type='submit']").first.click()


def expect_error_summary(page, js: bool, fields: list[str]) -> None:
    """The error-summary pattern: one summary at the top, "Error:" in the title, a link to each failed
    field, the message beside the field, aria-invalid on it; with JavaScript the summary has the focus."""
    summary = page.locator(".error-summary")
    assert summary.count() == 1, f"no error summary on {page.url}"
    assert summary.get_attribute("role") == "alert"
    links = summary.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    for field in fields:
        assert any(link == f"#{field}" or link.startswith(f"#{field}-") for link in links), (
            f"the error summary has no link to {field}: {links}")
        target = page.locator(f"#{field}")
        described = (target.get_attribute("aria-describedby") or "") if target.count() else ""
        if target.count() and target.get_attribute("type") not in ("radio", "checkbox"):
            assert target.get_attribute("aria-invalid") == "true", f"#{field} is not marked aria-invalid"
            assert f"{field}-error" in described, f"#{field} does not point at its error message"
    for href in links:
        assert page.locator(href).count() == 1, f"the summary link {href} leads nowhere"
    title_word = page.evaluate("document.title.split(' ')[0]")
    assert title_word.endswith(":"), f"the title does not start with “Error:” ({page.title()})"
    if js:
        page.wait_for_function("document.activeElement && document.activeElement.classList.contains('error-summary')",
                               timeout=5000)
    else:
        assert "js" not in (page.get_attribute("html", "class") or "").split()


def js_state(page, js: bool) -> None:
    if js:
        page.wait_for_function("document.documentElement.classList.contains('js')")


def axe_checks(assert_no_axe, js: bool):
    """axe on every page and error state without JavaScript (the HTML every visitor gets); with
    JavaScript only where scripts change the page (error summaries take the focus, print buttons)."""
    def check(page, what: str, always: bool = False) -> None:
        if always or not js:
            assert_no_axe(page, what)
    return check


def new_page(fresh_context, js: bool, **options):
    # bypass_csp lets axe's injected script run on pages with JavaScript; without JavaScript the
    # assert_no_axe fixture checks the same HTML in a page of its own.
    return fresh_context(js=js, bypass_csp=js, **options).new_page()


# --- callback request --------------------------------------------------------------------------------

def callback_records(in_app, **where) -> list:
    from portal.callback.models import CallbackRequest

    def query(session):
        # Names and phones are encrypted with a fresh nonce each time, so SQL cannot compare them: the
        # rows are decrypted and compared here.
        return [record for record in session.scalars(select(CallbackRequest))
                if all(getattr(record, name) == value for name, value in where.items())]

    return in_app(query)


def fill_callback(page, *, name: str, phone: str, helper: str | None = None) -> None:
    if helper is not None:
        page.fill("#helper_name", helper)
        page.fill("#helper_phone", "+46 70 123 4567")
        page.check("input[name='person_agrees'][value='yes']")  # they know about the call and agree
    page.fill("#name", name)
    page.fill("#phone", phone)
    page.check("#time_window-0")      # morning
    page.check("#voicemail_ok-0")     # yes, a message may be left
    page.check("#topic-0")            # activities and meeting people
    page.fill("#message", "Kuntosaliryhmä / gym group")


def send_callback_and_check_status(page, portal_server, in_app, axe, lang: str, js: bool,
                                   *, helping: bool) -> None:
    form = "main form[action$='/callback']"
    name = f"Resident {uuid.uuid4().hex[:8]}"
    helper = f"Helper {uuid.uuid4().hex[:8]}" if helping else None
    what = "for someone else" if helping else "for myself"

    # Empty: the error summary, nothing stored.
    submit(page, form)
    assert urlparse(page.url).path == f"/{lang}/callback"
    expected_fields = (["helper_name"] if helping else []) + ["name", "phone"] + (["person_agrees"] if helping else [])
    expect_error_summary(page, js, expected_fields)
    assert page.get_attribute("html", "lang") == lang
    assert page.locator("h1").count() == 1
    assert (page.locator("#helper_name").count() == 1) is helping, "the form forgot for whom it is"
    axe(page, f"callback form {what}, sent empty", always=True)
    assert not callback_records(in_app, name=name)

    if not helping:
        # A phone number that cannot be one: only that error, and the name typed is kept.
        page.fill("#name", name)
        page.fill("#phone", "040 CALL NOW")
        submit(page, form)
        expect_error_summary(page, js, ["phone"])
        assert page.locator(".error-summary a").count() == 1
        assert page.input_value("#name") == name, "the name typed was lost"
        assert page.input_value("#phone") == "040 CALL NOW", "what was typed was lost"
        axe(page, "callback form with a wrong phone number")

    fill_callback(page, name=name, phone="040 123 4567", helper=helper)
    submit(page, form)
    assert urlparse(page.url).path == f"/{lang}/callback/sent", f"not confirmed: {page.url}"
    reference = page.locator("strong.reference").inner_text().strip()
    assert REFERENCE.match(reference), f"the reference {reference!r} is not short and unambiguous"
    assert "09 310 44556" in page.locator("main").inner_text(), "the number the call comes from is not shown"
    axe(page, f"callback confirmation {what}", always=True)  # its print button needs JavaScript

    stored = callback_records(in_app, reference=reference)
    assert len(stored) == 1, f"{len(stored)} records with the reference {reference}"
    assert len(callback_records(in_app, name=name)) == 1, "one submission must make exactly one record"
    record = stored[0]
    assert record.phone == "+358401234567", "the phone is stored normalised (E.164)"
    assert record.ui_language == lang and record.call_language == lang
    assert record.for_someone_else is helping
    assert record.helper_name == helper
    assert record.helper_phone == ("+46701234567" if helping else None)
    assert record.person_agrees == ("yes" if helping else None), "the consent answer was not stored"
    assert (record.time_window, record.topic, record.voicemail_ok) == ("morning", "activities", True)
    assert record.status == "new"

    # The status page: empty first, then the reference (typed in lower case, as people do) and digits.
    page.goto(portal_server.url(f"/{lang}/callback/status"))
    status_form = "main form[action$='/callback/status']"
    submit(page, status_form)
    expect_error_summary(page, js, ["reference", "last_digits"])
    axe(page, "callback status page, sent empty")
    page.fill("#reference", reference.lower())
    page.fill("#last_digits", "4567")
    submit(page, status_form)
    panel = page.locator(".panel[role='status']")
    assert panel.count() == 1, "the status page found nothing"
    assert reference in panel.inner_text()
    assert translated(portal_server, lang, "Received. An adviser will call.") in panel.inner_text()
    axe(page, "callback status page with the state")


@pytest.mark.parametrize("js", MODES)
@pytest.mark.parametrize("lang", LANGS)
def test_callback_request_end_to_end(portal_server, fresh_context, in_app, assert_no_axe, fresh_limits, lang, js):
    from portal.limits import limiter

    axe = axe_checks(assert_no_axe, js)
    page = new_page(fresh_context, js)
    page.goto(portal_server.url(f"/{lang}/callback"))
    js_state(page, js)
    assert page.get_attribute("html", "lang") == lang
    assert page.is_checked(f"#call_language-{LANGS.index(lang)}"), "the call language starts as the page's"
    assert page.locator("#helper_name").count() == 0
    axe(page, "callback form for myself")
    send_callback_and_check_status(page, portal_server, in_app, axe, lang, js, helping=False)

    limiter.reset()  # five submissions a minute per address: this test is one visitor sending two requests
    page.goto(portal_server.url(f"/{lang}/callback"))
    with page.expect_navigation():
        page.locator("main a[href*='for=other']").click()
    assert page.locator("#helper_name").count() == 1, "the helper link does not change the form"
    assert page.locator("label[for='name']").inner_text().strip() == translated(portal_server, lang, "Their name")
    axe(page, "callback form for someone else")
    send_callback_and_check_status(page, portal_server, in_app, axe, lang, js, helping=True)


def test_callback_status_with_wrong_digits_finds_nothing(portal_server, fresh_context, in_app, assert_no_axe,
                                                         fresh_limits):
    page = new_page(fresh_context, False)
    page.goto(portal_server.url("/sv/callback"))
    fill_callback(page, name=f"Resident {uuid.uuid4().hex[:8]}", phone="+358 50 765 4321")
    submit(page, "main form[action$='/callback']")
    reference = page.locator("strong.reference").inner_text().strip()
    page.goto(portal_server.url("/sv/callback/status"))
    page.fill("#reference", reference)
    page.fill("#last_digits", "4567")
    submit(page, "main form[action$='/callback/status']")
    assert page.locator(".panel[role='status']").count() == 0, "the wrong digits must not show the request"
    expect_error_summary(page, False, ["reference"])
    assert page.input_value("#reference") == reference
    assert_no_axe(page, "callback status, not found")


# --- concern notice ----------------------------------------------------------------------------------

CONCERN_STEPS = {
    # step: (fields the empty form must report, how to answer)
    "urgency": (["urgency"], lambda page, named: page.check("#urgency-2")),
    "role": (["role"], lambda page, named: page.check("#role-0")),
    "identity": (["identity"], lambda page, named: page.check("#identity-0" if named else "#identity-1")),
    "person": (["name", "age", "address", "phone"], lambda page, named: fill_person(page)),
    "situation": (["existing_client", "person_knows"],
                  lambda page, named: (page.check("#existing_client-1"), page.check("#person_knows-0"))),
    "worries": (["worries"], lambda page, named: (page.check("#worries-0"), page.check("#worries-4"),
                                                   page.fill("#details", "Hän unohtaa syödä. / Forgets to eat."))),
    "contact": (["contact_name", "contact_phone"],
                lambda page, named: (page.fill("#contact_name", "Notifier Test"), page.fill("#contact_phone", "0501234567"))),
}


def fill_person(page) -> None:
    page.fill("#name", "Aino Esimerkki")
    page.fill("#age", "1944")
    page.fill("#address", "Kallio, 00530")
    page.check("#phone_unknown")


def quick_exit_present(page) -> None:
    link = page.locator("a[href$='/concern/exit']")
    assert link.count() == 1 and link.is_visible(), f"no quick-exit link on {page.url}"


def concern_count(in_app) -> int:
    from portal.concern.models import ConcernNotice

    return in_app(lambda session: session.scalar(select(func.count()).select_from(ConcernNotice)))


def concern_by_reference(in_app, reference: str) -> list:
    from portal.concern.models import ConcernNotice

    return in_app(lambda session: list(session.scalars(select(ConcernNotice).where(ConcernNotice.reference == reference))))


@pytest.mark.parametrize("js", MODES)
@pytest.mark.parametrize("lang", LANGS)
def test_concern_notice_end_to_end(portal_server, fresh_context, in_app, assert_no_axe, fresh_limits, lang, js):
    """Without JavaScript a named notifier (all seven steps); with it an anonymous one (six)."""
    named = not js
    axe = axe_checks(assert_no_axe, js)
    page = new_page(fresh_context, js)
    page.goto(portal_server.url(f"/{lang}/concern"))
    js_state(page, js)
    quick_exit_present(page)
    assert "112" in page.locator("main .emergency-notice").inner_text(), "the start page points to 112 first"
    axe(page, "concern start page")
    with page.expect_navigation():
        page.locator("main a.button.primary[href$='/concern/step/urgency']").click()

    before = concern_count(in_app)
    steps = [name for name in CONCERN_STEPS if named or name != "contact"]
    for number, step in enumerate(steps, start=1):
        fields, answer = CONCERN_STEPS[step]
        assert urlparse(page.url).path == f"/{lang}/concern/step/{step}", f"expected the {step} step, got {page.url}"
        quick_exit_present(page)
        if number > 3:  # the number of questions is known once the notifier has chosen to be named or not
            assert f"{number}" in page.locator(".step-count").inner_text()
            assert f"{len(steps)}" in page.locator(".step-count").inner_text()
        axe(page, f"concern step {step}")
        submit(page, "main form")
        assert urlparse(page.url).path == f"/{lang}/concern/step/{step}", "an empty step must not move on"
        expect_error_summary(page, js, fields)
        quick_exit_present(page)
        axe(page, f"concern step {step} with errors", always=step == "urgency")
        answer(page, named)
        submit(page, "main form")

    # Check your answers.
    assert urlparse(page.url).path == f"/{lang}/concern/check", f"expected the check page, got {page.url}"
    quick_exit_present(page)
    main_text = page.locator("main").inner_text()
    assert "Aino Esimerkki" in main_text and "1944" in main_text
    assert ("Notifier Test" in main_text) is named
    axe(page, "concern check your answers")

    # A change link goes to its step with the answers kept, and back to the check page.
    change = page.locator("main a[href$='/concern/step/situation']").first
    assert change.count() == 1
    row = page.locator("dl.summary-list > div", has=page.locator("a[href$='/concern/step/situation']")).first
    old_answer = row.locator("dd").first.inner_text()
    with page.expect_navigation():
        change.click()
    assert urlparse(page.url).path == f"/{lang}/concern/step/situation"
    assert page.is_checked("#existing_client-1") and page.is_checked("#person_knows-0"), "the answers were not kept"
    quick_exit_present(page)
    page.check("#existing_client-2")  # I don't know
    submit(page, "main form")
    assert urlparse(page.url).path == f"/{lang}/concern/check", "after a change the check page comes back"
    new_answer = page.locator("dl.summary-list > div", has=page.locator("a[href$='/concern/step/situation']")).first \
        .locator("dd").first.inner_text()
    assert new_answer != old_answer and new_answer == translated(portal_server, lang, "I don't know")

    assert concern_count(in_app) == before, "nothing is stored before the notice is sent"
    submit(page, "main form[action$='/concern/check']")
    assert urlparse(page.url).path == f"/{lang}/concern/sent"
    reference = page.locator("strong.reference").inner_text().strip()
    assert REFERENCE.match(reference)
    axe(page, "concern notice sent", always=True)  # its print button needs JavaScript

    stored = concern_by_reference(in_app, reference)
    assert len(stored) == 1 and concern_count(in_app) == before + 1, "one notice must make exactly one record"
    notice = stored[0]
    assert (notice.urgency, notice.notifier_role, notice.anonymous) == ("no", "relative", not named)
    assert (notice.existing_client, notice.person_knows) == ("unknown", "yes")
    assert notice.worries == ["memory", "falls"]
    assert notice.ui_language == lang
    assert notice.district is not None, "Kallio / 00530 should give the district for the statistics"

    # Sending again (the back button and the same button) makes no second notice.
    page.go_back()
    if urlparse(page.url).path.endswith("/check") and page.locator("main form[action$='/concern/check']").count():
        submit(page, "main form[action$='/concern/check']")
    assert concern_count(in_app) == before + 1


@pytest.mark.parametrize("lang", LANGS)
def test_concern_urgency_gate_points_to_112_and_the_health_line(portal_server, fresh_context, assert_no_axe,
                                                                fresh_limits, lang):
    page = new_page(fresh_context, False)
    page.goto(portal_server.url(f"/{lang}/concern/step/urgency"))
    page.check("#urgency-0")  # danger now
    submit(page, "main form")
    quick_exit_present(page)
    emergency = page.locator("main a[href='tel:112']")
    assert emergency.count() == 1 and emergency.inner_text().strip() == "112", "the danger answer must show 112"
    assert page.locator("h1").inner_text().strip() == translated(portal_server, lang, "Call now")
    assert_no_axe(page, "concern urgency gate: danger")

    # The notice can still be made afterwards; the gate's answer is kept for the adviser.
    with page.expect_navigation():
        page.locator("main a[href$='/concern/step/role']").click()
    assert urlparse(page.url).path == f"/{lang}/concern/step/role"
    quick_exit_present(page)

    page.goto(portal_server.url(f"/{lang}/concern/step/urgency"))
    assert page.is_checked("#urgency-0")
    page.check("#urgency-1")  # health today
    submit(page, "main form")
    health = page.locator("main .big-number a.phone")
    assert health.inner_text().strip() == "09 310 10023" and health.get_attribute("href") == "tel:+358931010023"
    quick_exit_present(page)
    assert_no_axe(page, "concern urgency gate: health today")


def test_concern_quick_exit_forgets_the_draft(portal_server, fresh_context, fresh_limits):
    context = fresh_context(js=False)
    page = context.new_page()
    page.goto(portal_server.url("/en/concern/step/urgency"))
    page.check("#urgency-2")
    submit(page, "main form")
    page.check("#role-1")
    submit(page, "main form")
    page.goto(portal_server.url("/en/concern"))
    assert page.locator("main a.button.primary").get_attribute("href").endswith("/step/identity"), \
        "the start page offers to continue the draft"
    # The quick exit leaves for an outside site, which the test cannot reach: follow the link with the
    # browser's own cookies but not the redirect.
    href = page.locator("a[href$='/concern/exit']").get_attribute("href")
    assert page.locator("a[href$='/concern/exit']").get_attribute("rel") == "noreferrer"
    response = context.request.get(portal_server.url(href), max_redirects=0)
    assert response.status == 303
    assert response.headers["location"] == portal_server.app.config["QUICK_EXIT_URL"]
    page.goto(portal_server.url("/en/concern"))
    assert page.locator("main a.button.primary").get_attribute("href").endswith("/step/urgency"), \
        "after the quick exit the draft must be gone"


# --- reflow ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_forms_reflow_at_320_px_with_larger_text(portal_server, fresh_context, fresh_limits, lang):
    """WCAG 1.4.10 at 400 % zoom with the largest text: the callback form (also with its errors and as
    a helper), and the concern steps with the most to show, with and without errors."""
    page = fresh_context(js=False, text_size="larger", width=320, height=640).new_page()
    problems = []
    page.goto(portal_server.url(f"/{lang}/callback?for=other"))
    assert "text-larger" in page.get_attribute("html", "class")
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    problems.append(too_wide(page))
    submit(page, "main form[action$='/callback']")
    problems.append(too_wide(page))

    page.goto(portal_server.url(f"/{lang}/concern/step/urgency"))
    problems.append(too_wide(page))
    for choose in ("#urgency-2", "#role-3", "#identity-0"):  # a professional: the statutory duty note
        page.check(choose)
        submit(page, "main form")
    problems.append(too_wide(page))  # the person step
    submit(page, "main form")
    problems.append(too_wide(page))  # with four errors
    problems = [p for p in problems if p]
    assert not problems, "horizontal scrolling at 320 CSS px:\n" + "\n".join(problems)
