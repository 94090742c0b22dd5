"""A phone with the largest text, and paper, in a real browser, in fi, sv and en.

On a 360 px wide phone (740 px tall) with the site's largest text, the first result is within two
screens of the top and the advice line's phone number within the first, with JavaScript on and off;
at 320 px nothing reaches past the right edge. "More choices" stays as the person left it. Printed (A4, print media),
an activity's page takes one or two pages and says every date with its weekday and date, never
"today" or "tomorrow"."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from browser_support import LANGS, too_wide

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
SCREENS = 2
# Three choices ("Change choices (3 chosen)") that still find several demo activities.
THREE_CHOSEN = "?category=exercise&day=wed&price=free"
PDFINFO, PDFTOTEXT = shutil.which("pdfinfo"), shutil.which("pdftotext")


def top_of(page, selector: str) -> float:
    return page.locator(selector).first.evaluate("e => e.getBoundingClientRect().top + window.scrollY")


def open_on_phone(fresh_context, portal_server, path: str, js: bool):
    page = fresh_context(js=js, text_size="larger", **PHONE).new_page()
    page.goto(portal_server.url(path))
    if js:
        page.wait_for_function("!!window.htmx && document.documentElement.classList.contains('js')")
    return page


@pytest.mark.parametrize("js", [True, False], ids=["js-on", "js-off"])
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("query", ["", THREE_CHOSEN], ids=["no-choices", "three-chosen"])
def test_first_result_and_phone_within_two_screens_on_a_phone(portal_server, fresh_context, lang, js, query):
    page = open_on_phone(fresh_context, portal_server, f"/{lang}/activities{query}", js)
    assert page.evaluate("document.documentElement.className").startswith("text-larger")
    reach = SCREENS * PHONE["height"]
    first = top_of(page, "#results .activity-card")
    assert first <= reach, f"the first result starts {first:.0f} px down, more than {SCREENS} screens ({reach} px)"
    phone = page.locator("a.phone[href='tel:+358931044556']").first
    assert phone.is_visible()
    bottom = phone.evaluate("e => e.getBoundingClientRect().bottom + window.scrollY")
    assert bottom <= PHONE["height"], f"the advice line's number is {bottom:.0f} px down, past the first screen"
    # The choices are reached in one step from beside the count, and the control says how many are on.
    change = page.locator(".change-choices a")
    assert change.is_visible()
    if query:
        assert "3" in change.inner_text()
    change.click()
    assert page.evaluate("location.hash") == "#filters-heading"
    assert abs(top_of(page, "#filters-heading") - page.evaluate("window.scrollY")) < 50, \
        "after the link, the choices are at the top of the screen"


@pytest.mark.parametrize("js", [True, False], ids=["js-on", "js-off"])
def test_the_phone_layout_passes_axe(portal_server, fresh_context, assert_no_axe, js):
    page = fresh_context(js=js, bypass_csp=js, text_size="larger", **PHONE).new_page()
    page.goto(portal_server.url(f"/en/activities{THREE_CHOSEN}"))
    assert page.locator("h1").count() == 1
    assert_no_axe(page, "the catalogue on a phone with the largest text")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("text_size", ["normal", "large", "larger"])
def test_nothing_reaches_past_the_edge_at_320_px(portal_server, fresh_context, lang, text_size):
    page = fresh_context(js=False, text_size=text_size, width=320, height=700).new_page()
    activity = portal_server.fully_translated()
    for path in (f"/{lang}/activities?category=exercise&via=form", f"/{lang}/activities/{activity}",
                 f"/{lang}/my-list/handout?ids={activity}"):
        page.goto(portal_server.url(path))
        assert too_wide(page) is None, too_wide(page)


def test_more_choices_stays_as_the_person_left_it_without_javascript(portal_server, fresh_context):
    page = fresh_context(js=False).new_page()
    # A topic chosen by a link (as from the home page): the box stays closed, and says one is chosen.
    page.goto(portal_server.url("/en/activities?category=exercise"))
    details = page.locator("details.more-filters")
    assert details.get_attribute("open") is None
    assert "1 chosen" in details.locator("summary").inner_text()
    # Opened by the person, a day ticked inside it and the form sent: it is open again.
    details.locator("summary").click()
    page.locator("#day-wed").check()
    with page.expect_navigation():
        page.locator("form.filters > button[type='submit']").click()
    assert page.locator("details.more-filters").get_attribute("open") is not None
    assert page.locator("#day-wed").is_checked()


# --- paper ----------------------------------------------------------------------------------------

def printed(page) -> bytes:
    page.emulate_media(media="print")
    return page.pdf(format="A4", print_background=False)


def pdf_pages(pdf: bytes) -> int:
    info = subprocess.run([PDFINFO, "-"], input=pdf, capture_output=True, check=True, timeout=60).stdout.decode()
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


def pdf_words(pdf: bytes) -> str:
    return subprocess.run([PDFTOTEXT, "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True,
                          timeout=60).stdout.decode("utf-8")


def activity_said_relatively(portal_server, page, lang: str, relative: set[str]) -> int:
    """An activity whose page says "today" or "tomorrow" on screen (the demo has one every day)."""
    for activity_id in portal_server.activity_ids:
        page.goto(portal_server.url(f"/{lang}/activities/{activity_id}"))
        if any(word in page.locator("main").inner_text().lower() for word in relative):
            return activity_id
    pytest.skip("no activity meets today or tomorrow")


@pytest.mark.skipif(not (PDFINFO and PDFTOTEXT), reason="pdfinfo and pdftotext (Debian poppler-utils) are needed")
@pytest.mark.parametrize("lang", LANGS)
def test_a_printed_activity_page_fits_two_a4_pages_and_writes_dates_out(portal_server, fresh_context, translate,
                                                                        lang):
    relative = {translate(lang, "Today").lower(), translate(lang, "Tomorrow").lower()}
    page = fresh_context(js=False).new_page()
    activity_id = activity_said_relatively(portal_server, page, lang, relative)
    pdf = printed(page)
    assert 1 <= pdf_pages(pdf) <= 2, f"activity {activity_id} prints on {pdf_pages(pdf)} A4 pages"
    text = " ".join(pdf_words(pdf).split()).lower()
    for word in relative:
        assert not re.search(rf"\b{re.escape(word)}\b", text), f"the printed page says “{word}”"
    # No navigation, forms or buttons on paper; the advice line is there, and where the page is online.
    for gone in ("Find activities", "Add to my list", "Print", "Text size and contrast"):
        assert translate(lang, gone).lower() not in text, f"“{translate(lang, gone)}” is printed"
    assert "09 310 44556" in text
    assert f"/{lang}/activities/{activity_id}" in text


@pytest.mark.skipif(not (PDFINFO and PDFTOTEXT), reason="pdfinfo and pdftotext (Debian poppler-utils) are needed")
def test_a_printed_link_to_another_site_shows_its_address(portal_server, fresh_context, in_app):
    from sqlalchemy import select

    from portal.catalogue.models import Activity, Organiser

    def with_website(session):
        return session.scalars(select(Activity.id).join(Organiser).where(Organiser.website.is_not(None))).first()

    activity_id = in_app(with_website)
    page = fresh_context(js=False).new_page()
    page.goto(portal_server.url(f"/en/activities/{activity_id}"))
    website = page.locator("#organiser-heading ~ ul a[rel=noopener]").get_attribute("href")
    assert website.replace("https://", "").rstrip("/") in " ".join(pdf_words(printed(page)).split())


@pytest.mark.skipif(not PDFTOTEXT, reason="pdftotext (Debian poppler-utils) is needed")
@pytest.mark.parametrize("lang", LANGS)
def test_a_printed_list_writes_dates_out(portal_server, fresh_context, translate, lang):
    import datetime as dt

    from portal.catalogue import schedule, vocab

    today = schedule.local_now().date()
    days = [vocab.WEEKDAYS[(today + dt.timedelta(days=n)).weekday()] for n in (0, 1)]
    page = fresh_context(js=False).new_page()
    page.goto(portal_server.url(f"/{lang}/activities?day={days[0]}&day={days[1]}"))
    relative = {translate(lang, "Today").lower(), translate(lang, "Tomorrow").lower()}
    if not any(word in page.locator("#results").inner_text().lower() for word in relative):
        pytest.skip("no activity meets today or tomorrow")
    text = " ".join(pdf_words(printed(page)).split()).lower()
    for word in relative:
        assert not re.search(rf"\b{re.escape(word)}\b", text), f"the printed list says “{word}”"
