"""This round's staff work in a real browser with JavaScript off, axe-core on every page, in fi, sv and en:
the queue's filters, an item handed over to gerontological social work with a note, the quarterly
report, the pages editors keep and the current notices; and the resident pages that came with them
(carers, professionals, questions, rights, privacy per kind of data, both status pages, feedback)."""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
import staff_support
from browser_support import LANGS

pytestmark = pytest.mark.browser


def path_of(page) -> str:
    return urlparse(page.url).path


def submit(page, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).first.click()


@pytest.fixture(scope="module")
def items(portal_server):
    """One Swedish callback request nobody holds and, per language, an English-speaking concern notice."""
    callback = staff_support.add_callback(portal_server.app, name="Sven Svensson", phone="+358401112223",
                                          call_language="sv", ui_language="sv", topic="services")
    concerns = {lang: staff_support.add_concern(portal_server.app, urgency="no", notifier_role="relative",
                                                worries=["memory"], ui_language="en") for lang in LANGS}
    return {"callback": callback, "concerns": concerns}


@pytest.mark.parametrize("lang", LANGS)
def test_filters_then_a_hand_over_with_a_note(portal_server, staff_session, assert_no_axe, items, lang):
    page = staff_session.page(f"/{lang}/staff/")
    try:
        # "Swedish, unassigned": ticked in the form, sent as an address that can be bookmarked.
        page.click("details.queue-filters summary")
        page.check("#filter-language-sv")
        page.check("#filter-holder-unassigned")
        submit(page, "form.filters button[type='submit']")
        chosen = parse_qs(urlparse(page.url).query)
        assert chosen.get("language") == ["sv"] and chosen.get("holder") == ["unassigned"], page.url
        references = page.locator("table.queue tbody th a").all_inner_texts()
        assert items["callback"].reference in references, "the Swedish request is in the Swedish view"
        assert items["concerns"][lang].reference not in references, "an English notice is not"
        assert page.locator("h1").count() == 1 and page.get_attribute("html", "lang") == lang
        assert_no_axe(page, f"filtered queue ({lang})")

        concern = items["concerns"][lang]
        page.goto(portal_server.url(f"/{lang}/staff/concern/{concern.id}"))
        submit(page, "main form[action$='/claim'] button[type='submit']")
        assert path_of(page) == f"/{lang}/staff/concern/{concern.id}"
        page.goto(portal_server.url(f"/{lang}/staff/hand-over/concern/{concern.id}"))
        assert_no_axe(page, f"hand-over form ({lang})")
        # Sent without a unit: the error summary, and the note typed is kept.
        page.fill("#note", "Tytär toivoo kotikäyntiä.")
        submit(page, "main form button[type='submit']")
        assert page.locator(".error-summary").count() == 1, "a hand-over without a unit is refused"
        assert page.input_value("#note") == "Tytär toivoo kotikäyntiä.", "the note typed was lost"
        assert_no_axe(page, f"hand-over errors ({lang})")
        page.check("input[name='unit'][value='gerontological_social_work']")
        submit(page, "main form button[type='submit']")
        assert path_of(page) == f"/{lang}/staff/concern/{concern.id}"
        record = staff_support.load(portal_server.app, type(concern), concern.id)
        assert record.status == "handed_over", record.status
        assert_no_axe(page, f"item after the hand-over ({lang})")
    finally:
        page.close()


@pytest.mark.parametrize("lang", LANGS)
def test_report_content_and_notice_pages(portal_server, staff_session, assert_no_axe, lang):
    for path in (f"/{lang}/staff/report", f"/{lang}/staff/statistics", f"/{lang}/staff/content",
                 f"/{lang}/staff/notices", f"/{lang}/staff/notices/new"):
        page = staff_session.page(path)
        try:
            assert path_of(page) == path, f"{path} went to {page.url}"
            assert page.locator("h1").count() == 1 and page.get_attribute("html", "lang") == lang
            assert_no_axe(page, f"{path}")
            if path.endswith("/content"):
                # The first page's editor: all three languages in one form.
                submit(page, "main a[href*='/staff/content/']")
                assert page.locator("main form textarea").count() >= 3
                assert_no_axe(page, f"content editor ({lang})")
        finally:
            page.close()


RESIDENT_PAGES = ("/carers", "/professionals", "/questions", "/rights", "/privacy/callback",
                  "/privacy/concern-notice", "/concern/status", "/callback/status", "/feedback/callback",
                  "/own-contact")


@pytest.mark.parametrize("lang", LANGS)
def test_the_new_resident_pages(portal_server, page_in, assert_no_axe, lang):
    for js in (True, False):
        page = page_in(js=js, bypass_csp=js)  # axe is injected where the page runs scripts
        for path in RESIDENT_PAGES:
            response = page.goto(portal_server.url(f"/{lang}{path}"))
            assert response is not None and response.status == 200, f"{path}: {response and response.status}"
            assert page.locator("h1").count() == 1 and page.locator("main").count() == 1
            assert page.get_attribute("html", "lang") == lang
            assert_no_axe(page, f"{path} ({lang}, JavaScript {'on' if js else 'off'})")
