"""What helpers (relatives, library digi-guides) use, in a real browser: "my list" filled from the
results with JavaScript off (plain forms, the page reloads) and on (htmx swaps the button in place),
the list page, its share link opened in another browser, the large-print handout printed to an A4
PDF and read back, public-computer mode with "clear everything I did", and a resident's report that a
listing is wrong, resolved by an editor. axe-core on every page, in fi, sv and en."""
from __future__ import annotations

import math
import re
import shutil
import subprocess
from urllib.parse import parse_qs, urlparse

import pytest
from browser_support import LANGS, too_wide

pytestmark = pytest.mark.browser

RESULTS = "/activities?day=tue"  # every one of these has a Tuesday: "tiistaisin" in the handout
CARDS = "#results .activity-card"
TUESDAYS = {"fi": "tiistaisin", "sv": "tisdagar", "en": "Tuesdays"}
PDFTOTEXT, PDFINFO = shutil.which("pdftotext") or "/usr/bin/pdftotext", shutil.which("pdfinfo")


def card_name(card) -> str:
    return card.locator("h3 a").inner_text().strip()


def header_count(page) -> str:
    return page.locator("nav.main-nav a[href$='/my-list']").inner_text().strip()


def list_names(page) -> list[str]:
    return [n.strip() for n in page.locator("main ol.activity-list li .card-title a").all_inner_texts()]


def normalise(text: str) -> str:
    """Spaces as pdftotext gives them back: it may drop the (no-break) space in "4 €"."""
    text = " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u00ad", "").split())
    return re.sub(r" €", "€", text)


def add_three_without_javascript(page, portal_server, lang: str) -> list[str]:
    page.goto(portal_server.url(f"/{lang}{RESULTS}"))
    cards = page.locator(CARDS)
    assert cards.count() >= 3, "the demo catalogue should have three activities on Tuesdays"
    names = []
    for i in range(3):
        card = page.locator(CARDS).nth(i)
        names.append(card_name(card))
        with page.expect_navigation():
            card.locator("form.mylist-toggle button[type='submit']").click()
        assert urlparse(page.url).path == f"/{lang}/activities" and parse_qs(urlparse(page.url).query) == {"day": ["tue"]}, \
            "after adding, the same results page comes back"
        card = page.locator(CARDS).nth(i)
        assert card.locator(".in-list").count() == 1, f"“{names[-1]}” is not shown as in the list"
        assert "/my-list/remove/" in card.locator("form.mylist-toggle").get_attribute("action")
        # The swapped-in button still says which activity it removes (its hidden part), in the name's language.
        swapped = card.locator("form.mylist-toggle button")
        assert names[-1] in swapped.inner_text() or names[-1] in swapped.text_content(), (
            f"after adding, the button reads “{swapped.text_content().strip()}”: every button of the list sounds the same")
        assert f"({i + 1})" in header_count(page)
    return names


@pytest.mark.parametrize("lang", LANGS)
def test_my_list_share_and_handout_without_javascript(portal_server, fresh_context, assert_no_axe, lang, translate):
    context = fresh_context(js=False)
    page = context.new_page()
    names = add_three_without_javascript(page, portal_server, lang)
    assert_no_axe(page, "results with three activities in my list")

    with page.expect_navigation():
        page.locator("nav.main-nav a[href$='/my-list']").click()
    assert list_names(page) == names, "my list shows the activities in the order they were added"
    assert page.locator("h1").inner_text().strip() == translate(lang, "My list")
    assert_no_axe(page, "my list")

    # What the list says about each, to find again in the printed handout.
    facts = []
    for line in page.locator("main ol.activity-list li > p:not(.summary)").all_inner_texts():
        parts = [p.strip() for p in normalise(line).split(" · ")]
        facts.append({"rhythm": [r.strip() for r in parts[0].split(";")], "price": parts[-1]})
    assert all(TUESDAYS[lang] in " ".join(f["rhythm"]) for f in facts), facts

    # The share link, opened in another browser: the same activities, and they can be kept.
    share = page.input_value("#share-link")
    assert urlparse(share).path == f"/{lang}/my-list" and "ids" in parse_qs(urlparse(share).query)
    other = fresh_context(js=False).new_page()
    other.goto(share)
    assert other.locator("h1").inner_text().strip() == translate(lang, "A shared list of activities")
    assert list_names(other) == names
    assert other.locator("form.mylist-toggle").count() == 0, "a shared list is not the visitor's own"
    assert_no_axe(other, "a shared list")
    with other.expect_navigation():
        other.locator("main form[action$='/my-list/keep'] button").click()
    assert urlparse(other.url).path == f"/{lang}/my-list" and not urlparse(other.url).query
    assert list_names(other) == names, "“keep these in my list” puts them in this browser's list"
    assert "(3)" in header_count(other)

    # The large-print handout.
    with page.expect_navigation():
        page.locator("main a[href*='/my-list/handout']").click()
    items = page.locator(".handout-item")
    assert items.count() == 3
    assert page.locator(".handout-item .handout-qr svg").count() == 3, "each activity has an inline SVG QR code"
    assert page.locator("img[src*='qr'], .handout-qr img").count() == 0
    assert_no_axe(page, "the handout")
    # Every number on the handout says whose it is ("To register: …", the organiser's for questions).
    # Which activities come first depends on the hour (the soonest first), and a drop-in activity whose
    # organiser has no phone shows none: so each item must say how to join, and every number shown,
    # with the advice line's, must be in the print.
    phones = [normalise(number) for number in items.locator("a.phone").all_inner_texts()]
    for i in range(3):
        assert items.nth(i).locator("dt", has_text=translate(lang, "How to join")).count() == 1, \
            f"handout item {i + 1} does not say how to join"

    pdf = page.pdf(format="A4")
    text = pdf_text(pdf)
    if text is None:
        pytest.skip(f"{PDFTOTEXT} (Debian poppler-utils) is not installed: the printed handout cannot be read back")
    printed = normalise(text)
    for name in names:
        assert normalise(name) in printed, f"“{name}” is missing from the printed handout"
    for fact in facts:
        for line in fact["rhythm"]:
            assert line in printed, f"the weekly time “{line}” is missing from the printed handout"
        assert fact["price"] in printed, f"the price “{fact['price']}” is missing from the printed handout"
    assert TUESDAYS[lang] in printed
    for phone in [*phones, "09 310 44556"]:
        assert phone in printed, f"the phone number {phone} is missing from the printed handout"
    pages = pdf_pages(pdf, text)
    assert pages <= math.ceil(3 / 2) + 1, f"three activities print on {pages} A4 pages"


def pdf_text(pdf: bytes) -> str | None:
    if not shutil.which(PDFTOTEXT):
        return None
    return subprocess.run([PDFTOTEXT, "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True,
                          timeout=60).stdout.decode("utf-8")


def pdf_pages(pdf: bytes, text: str) -> int:
    if PDFINFO:
        info = subprocess.run([PDFINFO, "-"], input=pdf, capture_output=True, check=True, timeout=60).stdout.decode()
        return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))
    return text.count("\f")


def test_a_longer_handout_keeps_two_activities_to_a_page(portal_server, fresh_context):
    ids = [item["id"] for item in portal_server.api("day=tue", lang="fi")["results"]][:8]
    page = fresh_context(js=False).new_page()
    page.goto(portal_server.url(f"/fi/my-list/handout?ids={'.'.join(map(str, ids))}"))
    assert page.locator(".handout-item").count() == len(ids)
    pdf = page.pdf(format="A4")
    text = pdf_text(pdf)
    if text is None:
        pytest.skip(f"{PDFTOTEXT} (Debian poppler-utils) is not installed: the printed handout cannot be read back")
    pages = pdf_pages(pdf, text)
    assert pages <= math.ceil(len(ids) / 2) + 1, f"{len(ids)} activities print on {pages} A4 pages"


@pytest.mark.parametrize("lang", LANGS)
def test_my_list_with_htmx_swaps_the_button_in_place(portal_server, fresh_context, assert_no_axe, lang):
    page = fresh_context(js=True, bypass_csp=True).new_page()
    page.goto(portal_server.url(f"/{lang}{RESULTS}"))
    page.wait_for_function("!!window.htmx && document.documentElement.classList.contains('js')")
    page.evaluate("window.__sameDocument = 'still here'")
    url = page.url
    names = []
    for i in range(3):
        card = page.locator(CARDS).nth(i)
        names.append(card_name(card))
        button = card.locator("form.mylist-toggle button[type='submit']")
        button.focus()
        with page.expect_response(lambda r: "/my-list/add/" in r.url and r.request.method == "POST") as response:
            page.keyboard.press("Enter")
        assert response.value.ok and response.value.request.headers.get("hx-request") == "true"
        card.locator(".in-list").wait_for()
        assert card.locator("form.mylist-toggle").count() == 1, "the swap must not leave two forms"
        assert "/my-list/remove/" in card.locator("form.mylist-toggle").get_attribute("action")
        # The swapped-in button still says which activity it removes (its hidden part), in the name's language.
        swapped = card.locator("form.mylist-toggle button")
        assert names[-1] in swapped.inner_text() or names[-1] in swapped.text_content(), (
            f"after adding, the button reads “{swapped.text_content().strip()}”: every button of the list sounds the same")
    assert page.evaluate("window.__sameDocument") == "still here", "the page was reloaded instead of updated"
    address_after = page.url
    assert_no_axe(page, "results after htmx added three activities")

    page.goto(portal_server.url(f"/{lang}/my-list"))
    assert list_names(page) == names
    assert "(3)" in header_count(page)
    assert_no_axe(page, "my list (JavaScript on)")

    # Removing on the list page swaps the button too; the list itself changes at the next visit.
    page.wait_for_function("!!window.htmx")
    page.evaluate("window.__sameDocument = 'still here'")
    first = page.locator("main ol.activity-list li").first
    with page.expect_response(lambda r: "/my-list/remove/" in r.url) as response:
        first.locator("form.mylist-toggle button").click()
    assert response.value.ok
    first.locator("form.mylist-toggle[action*='/my-list/add/']").wait_for()
    assert page.evaluate("window.__sameDocument") == "still here"
    page.reload()
    assert list_names(page) == names[1:]

    reloaded = page.context.request.get(address_after)
    assert address_after == url, (
        f"adding to my list with htmx changed the address bar from {url} to {address_after}: the toggle form "
        f"inherits hx-push-url=\"true\" from #results, and reloading or bookmarking that address gives "
        f"HTTP {reloaded.status}")


def test_keyboard_focus_stays_on_the_list_button_after_the_swap(portal_server, fresh_context):
    """Pressing "Add to my list" with the keyboard must not drop the focus to the top of the page:
    htmx puts the focus back only on an element with the same id in the new content."""
    page = fresh_context(js=True).new_page()
    page.goto(portal_server.url(f"/en{RESULTS}"))
    page.wait_for_function("!!window.htmx")
    card = page.locator(CARDS).first
    card.locator("form.mylist-toggle button").focus()
    with page.expect_response(lambda r: "/my-list/add/" in r.url):
        page.keyboard.press("Enter")
    card.locator(".in-list").wait_for()
    page.wait_for_timeout(100)
    focused = page.evaluate("""() => { const a = document.activeElement;
        return a ? (a.closest('form.mylist-toggle') ? 'toggle' : a.tagName.toLowerCase()) : 'none'; }""")
    assert focused == "toggle", (
        f"after adding with the keyboard the focus is on <{focused}>, not on the list button: a keyboard or "
        "screen-reader user is sent back to the top of the page after each activity")


# --- public computers ----------------------------------------------------------------------------------

def test_public_computer_mode_clears_everything(portal_server, fresh_context, axe_findings, translate):
    context = fresh_context(js=False)
    page = context.new_page()
    page.goto(portal_server.url("/fi/"))
    assert page.locator("form.clear-bar").count() == 0
    with page.expect_navigation():
        page.locator("footer form.public-switch button[name='mode'][value='on']").click()
    assert urlparse(page.url).path == "/fi/"
    assert page.locator("form.clear-bar button").is_visible(), "public-computer mode shows the clear button"
    problems = axe_findings(page, "front page in public-computer mode")

    page.locator("header details.display-details > summary").click()
    with page.expect_navigation():
        page.locator("button[name='text_size'][value='larger']").click()
    assert any(c["name"] == "text_size" for c in context.cookies())
    page.goto(portal_server.url(f"/fi{RESULTS}"))
    with page.expect_navigation():
        page.locator(CARDS).first.locator("form.mylist-toggle button").click()
    assert "(1)" in header_count(page)
    page.goto(portal_server.url("/fi/concern/step/urgency"))
    page.check("#urgency-2")
    with page.expect_navigation():
        page.locator("main form button[type='submit']").click()

    with page.expect_navigation():
        page.locator("form.clear-bar button").click()
    assert urlparse(page.url).path == "/fi/"
    assert translate("fi", "Everything you did on this computer has been cleared: your list, unfinished forms and choices.") \
        in page.locator("main .notice").inner_text()
    assert "text-normal" in page.get_attribute("html", "class")
    assert not any(c["name"] in ("text_size", "contrast") for c in context.cookies()), "the text-size cookie is left"
    assert "(" not in header_count(page), "the list count is still shown"
    assert page.locator("form.clear-bar").count() == 1, "the computer stays in public-computer mode"
    problems += axe_findings(page, "front page after clearing")
    page.goto(portal_server.url("/fi/my-list"))
    assert list_names(page) == []
    page.goto(portal_server.url("/fi/concern"))
    assert page.locator("main a.button.primary").get_attribute("href").endswith("/step/urgency"), \
        "the unfinished concern notice must be forgotten too"
    assert not problems, "\n".join(problems)


# --- reporting a wrong listing -------------------------------------------------------------------------

def reportable_activity(portal_server) -> int:
    """One the other browser tests do not look at, so the notice on it changes nothing for them."""
    taken = {portal_server.fully_translated(), *(portal_server.missing(lang) for lang in LANGS)}
    return next(i for i in reversed(portal_server.activity_ids) if i not in taken)


def test_report_a_problem_then_an_editor_resolves_it(portal_server, fresh_context, staff_session, assert_no_axe,
                                                     fresh_limits, translate):
    activity_id = reportable_activity(portal_server)
    being_checked = translate("sv", "Someone has reported that this listing may be wrong. We are checking it.")
    page = fresh_context(js=False).new_page()
    page.goto(portal_server.url(f"/sv/activities/{activity_id}"))
    assert being_checked not in page.locator("main").inner_text()
    with page.expect_navigation():
        page.locator(f"main a[href$='/activities/{activity_id}/report']").click()
    assert_no_axe(page, "report a problem")
    with page.expect_navigation():
        page.locator("main form button[type='submit']").click()
    assert page.locator(".error-summary a[href='#kind-0']").count() == 1
    assert_no_axe(page, "report a problem, sent empty")
    page.check("#kind-0")  # the day or time is wrong
    page.fill("#text", "Ryhmä on nykyään keskiviikkoisin.")
    with page.expect_navigation():
        page.locator("main form button[type='submit']").click()
    assert urlparse(page.url).path == f"/sv/activities/{activity_id}"
    notice = page.locator("main .notice[role='note']")
    assert notice.count() == 1 and being_checked in notice.inner_text(), "the listing must say it is being checked"
    assert translate("sv", "The day or time is wrong") in notice.inner_text()
    assert_no_axe(page, "a listing being checked")

    staff = staff_session.page("/en/staff/listings")
    try:
        report = staff.locator("li.report").filter(has=staff.locator(f"a[href$='/staff/listings/{activity_id}']"))
        assert report.count() == 1, "the editor sees the report"
        assert "Ryhmä on nykyään keskiviikkoisin." in report.inner_text()
        assert_no_axe(staff, "listings with a report")
        with staff.expect_navigation():
            report.locator("form button").click()
        assert staff.locator(f"li.report a[href$='/staff/listings/{activity_id}']").count() == 0
        assert staff.locator("main .notice[role='status']").count() == 1
    finally:
        staff.close()

    page.reload()
    assert being_checked not in page.locator("main").inner_text(), "the notice stays after the editor resolved it"
    assert page.locator("main .notice[role='note']").count() == 0


# --- reflow --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_my_list_and_handout_reflow_at_320_px_with_larger_text(portal_server, fresh_context, lang):
    page = fresh_context(js=False, text_size="larger", width=320, height=640).new_page()
    add_three_without_javascript(page, portal_server, lang)
    problems = []
    for path in (f"/{lang}/my-list", f"/{lang}/my-list/handout"):
        page.goto(portal_server.url(path))
        assert "text-larger" in page.get_attribute("html", "class")
        if problem := too_wide(page):
            problems.append(problem)
    assert not problems, "horizontal scrolling at 320 CSS px:\n" + "\n".join(problems)
