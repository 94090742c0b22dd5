"""The results with JavaScript on: only the chips and the page links update them in place; an activity,
a calendar file and the rest are ordinary navigation; Back and Forward always show one whole page that
matches the address, with htmx's history cache off (as the portal runs) and on; the focus goes to the
new count after an in-place update; no CSP violation and no script error on the way."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from browser_support import LANGS

pytestmark = pytest.mark.browser

CARD_LINKS = "#results .activity-card h3 a"
START = "/activities?category=exercise&price=free"

# Every CSP violation and script error of the page, kept on the window from the first script on.
WATCH_VIOLATIONS = """
window.__problems = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__problems.push(`CSP ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sample || ''})`));
"""


def open_page(fresh_context, *, cache: bool = False):
    context = fresh_context(js=True)
    context.add_init_script(WATCH_VIOLATIONS)
    page = context.new_page()
    problems = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    page.problems = problems
    page.cache = cache
    return page


def ready(page) -> None:
    page.wait_for_function("() => !!window.htmx && document.documentElement.classList.contains('js')")
    if page.cache:
        # The portal runs with htmx's history cache off (base.html); a site that turned it on must
        # still show the right page on Back and Forward.
        page.evaluate("htmx.config.historyCacheSize = 10")


def shown_ids(page) -> list[int]:
    hrefs = page.locator(CARD_LINKS).evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return [int(re.search(r"/activities/(\d+)", href).group(1)) for href in hrefs]


def problems_of(page) -> list[str]:
    return page.problems + page.evaluate("window.__problems || []")


def assert_whole_page_matching_address(portal_server, page, lang: str, step: str) -> None:
    """One page, not a page inside a page, and what it shows is what its address says."""
    query = urlparse(page.url).query
    expected = portal_server.api(query, lang=lang)
    # The restored page may still be arriving (htmx fetches it again when it has no copy).
    page.wait_for_function(
        "ids => { const got = [...document.querySelectorAll('#results .activity-card h3 a')]"
        ".map(a => +a.getAttribute('href').match(/activities\\/(\\d+)/)[1]); return JSON.stringify(got) === JSON.stringify(ids); }",
        arg=[item["id"] for item in expected["results"]])
    counts = page.evaluate("""() => ({h1: document.querySelectorAll('h1').length,
        main: document.querySelectorAll('main').length, header: document.querySelectorAll('header.site-header').length,
        form: document.querySelectorAll('form#filters').length, results: document.querySelectorAll('#results').length})""")
    assert counts == {"h1": 1, "main": 1, "header": 1, "form": 1, "results": 1}, f"{step}: {counts} at {page.url}"
    assert str(expected["count"]) in page.locator("#result-count").inner_text(), step
    wanted = parse_qs(query)
    for box in page.locator("form#filters input[type=checkbox]").all():
        name, value = box.get_attribute("name"), box.get_attribute("value")
        assert box.is_checked() == (value in wanted.get(name, [])), (
            f"{step}: the box {name}={value} is {'ticked' if box.is_checked() else 'not ticked'} but the address "
            f"is {page.url}: pressing “Show activities” would show other results than these")


@pytest.mark.parametrize("lang", LANGS)
def test_an_activity_is_opened_as_its_own_page_and_back_returns_to_the_results(portal_server, fresh_context, lang):
    """Before the fix the activity page was put inside the results column: two headers, two h1."""
    page = open_page(fresh_context)
    page.goto(portal_server.url(f"/{lang}{START}"))
    ready(page)
    results_url, first_ids = page.url, shown_ids(page)
    link = page.locator(CARD_LINKS).first
    href = link.get_attribute("href")
    page.evaluate("window.__sameDocument = true")
    with page.expect_navigation():
        link.click()
    assert urlparse(page.url).path == href
    assert page.evaluate("window.__sameDocument === undefined"), "the activity was swapped into the list page"
    assert page.locator("h1").count() == 1 and page.locator("main").count() == 1
    assert page.locator("#results").count() == 0

    page.go_back()
    page.wait_for_url(results_url)
    assert_whole_page_matching_address(portal_server, page, lang, "Back from the activity")
    assert shown_ids(page) == first_ids
    assert not problems_of(page), problems_of(page)


def test_calendar_files_download_instead_of_filling_the_results(portal_server, fresh_context):
    """Before the fix "Download these as a calendar file" pasted BEGIN:VCALENDAR… into the results."""
    page = open_page(fresh_context)
    page.goto(portal_server.url(f"/en{START}"))
    ready(page)
    before = page.locator("#results").inner_html()
    with page.expect_download() as download:
        page.locator("#results .list-tools a[href^='http'][href*='.ics']").click()
    assert download.value.suggested_filename.endswith(".ics")
    assert "BEGIN:VCALENDAR" not in page.locator("body").inner_text()
    assert page.locator("#results").inner_html() == before


@pytest.mark.parametrize("lang", LANGS)
def test_a_chip_updates_the_results_in_place_with_the_form_in_step_and_the_focus_on_the_count(
        portal_server, fresh_context, lang):
    page = open_page(fresh_context)
    page.goto(portal_server.url(f"/{lang}{START}"))
    ready(page)
    page.evaluate("window.__sameDocument = 'still here'")
    chip = page.locator("#results a.chip:not([href*='price=free'])")
    chip.focus()
    with page.expect_response(lambda r: r.request.headers.get("hx-target") == "results"):
        page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "price=free" not in url)
    expected = portal_server.api(urlparse(page.url).query, lang=lang)
    page.wait_for_function("n => document.querySelector('#result-count').innerText.includes(n)", arg=str(expected["count"]))

    assert page.evaluate("window.__sameDocument") == "still here", "the chip reloaded the page"
    assert_whole_page_matching_address(portal_server, page, lang, "after the chip")
    assert not page.locator("#price-free").is_checked(), "the removed choice is still ticked in the form"
    assert page.locator("#category-exercise").is_checked()
    focused = page.evaluate("document.activeElement && document.activeElement.id")
    assert focused == "result-count", (
        f"after the chip the focus is on #{focused or 'body'}: a keyboard user would start again from the top")
    status = page.locator("#results-status")
    assert status.get_attribute("role") == "status"
    assert str(expected["count"]) in status.inner_text(), "the role=status line does not announce the new count"
    assert not problems_of(page), problems_of(page)


def test_next_page_updates_the_results_in_place(portal_server, fresh_context):
    page = open_page(fresh_context)
    page.goto(portal_server.url("/en/activities"))
    ready(page)
    page.evaluate("window.__sameDocument = 'still here'")
    with page.expect_response(lambda r: r.request.headers.get("hx-target") == "results"):
        page.locator("#results .pagination a[rel=next]").click()
    page.wait_for_url(re.compile(r"[?&]page=2"))
    assert_whole_page_matching_address(portal_server, page, "en", "page 2")
    assert page.evaluate("window.__sameDocument") == "still here"
    assert page.evaluate("document.activeElement.id") == "result-count"


def test_ticking_a_box_keeps_the_focus_on_it(portal_server, fresh_context):
    """The live results of the form must not take the focus away from the box just ticked."""
    page = open_page(fresh_context)
    page.goto(portal_server.url("/en/activities"))
    ready(page)
    page.locator("#price-free").focus()
    with page.expect_response(lambda r: r.request.headers.get("hx-target") == "results"):
        page.keyboard.press("Space")
    page.wait_for_url(re.compile(r"[?&]price=free"))
    assert_whole_page_matching_address(portal_server, page, "en", "after ticking a box")
    assert page.evaluate("document.activeElement.id") == "price-free"


@pytest.mark.parametrize("cache", [False, True], ids=["without-history-cache", "with-history-cache"])
def test_back_and_forward_show_one_whole_page_that_matches_the_address(portal_server, fresh_context, cache):
    page = open_page(fresh_context, cache=cache)
    page.goto(portal_server.url(f"/fi{START}"))
    ready(page)
    visited = [page.url]

    # A chip, then a box in the form, then the next page: three addresses pushed in place.
    page.locator("#results a.chip:not([href*='price=free'])").click()
    page.wait_for_url(lambda url: "price=free" not in url)
    visited.append(page.url)
    assert_whole_page_matching_address(portal_server, page, "fi", "chip")
    page.locator("#access-seated").check()
    page.wait_for_url(re.compile(r"access=seated"))
    visited.append(page.url)
    assert_whole_page_matching_address(portal_server, page, "fi", "box")
    if page.locator("#results .pagination a[rel=next]").count():
        page.locator("#results .pagination a[rel=next]").click()
        page.wait_for_url(re.compile(r"[?&]page=2"))
        visited.append(page.url)

    for url in reversed(visited[:-1]):
        page.go_back()
        page.wait_for_url(url)
        assert_whole_page_matching_address(portal_server, page, "fi", f"Back to {url}")
    for url in visited[1:]:
        page.go_forward()
        page.wait_for_url(url)
        assert_whole_page_matching_address(portal_server, page, "fi", f"Forward to {url}")
    assert not problems_of(page), problems_of(page)


def test_no_csp_violation_or_script_error_on_the_catalogue(portal_server, fresh_context):
    """The portal's CSP allows no inline style: htmx's own indicator style is switched off
    (includeIndicatorStyles in base.html's htmx-config) and nothing else may add one."""
    page = open_page(fresh_context)
    page.goto(portal_server.url("/sv/activities"))
    ready(page)
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert page.locator("head style").count() == 0
    page.locator("#price-free").check()
    page.wait_for_url(re.compile(r"price=free"))
    page.locator("#results form.mylist-toggle button").first.click()
    page.locator("#results .in-list").first.wait_for()
    page.go_back()
    page.wait_for_url(re.compile(r"/sv/activities$"))
    page.wait_for_function("() => !document.querySelector('#price-free').checked")
    page.go_forward()
    page.wait_for_url(re.compile(r"price=free"))
    page.wait_for_timeout(300)  # let a late violation report arrive before reading the list
    assert page.locator("head style").count() == 0
    assert not problems_of(page), "\n".join(problems_of(page))
