"""The portal in a real browser: filters without JavaScript, htmx as an enhancement only, the language
switcher, the display choices, reflow at 320 CSS px and the size of targets."""
from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlparse

import pytest
from browser_support import LANGS, small_targets, too_wide

pytestmark = pytest.mark.browser

CHOSEN = {"category": ["exercise"], "price": ["free"], "access": ["seated"]}
CARD_LINKS = "#results .activity-card h3 a"


def shown_ids(page) -> list[int]:
    hrefs = page.locator(CARD_LINKS).evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return [int(re.search(r"/activities/(\d+)", href).group(1)) for href in hrefs]


def query_of(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def assert_results_match_api(portal_server, page, lang: str) -> None:
    expected = portal_server.api(urlparse(page.url).query, lang=lang)
    assert shown_ids(page) == [item["id"] for item in expected["results"]], "the page and the API disagree"
    assert str(expected["count"]) in page.locator("#result-count").inner_text()


def choose_filters_and_submit(page) -> None:
    """Choose a topic, free only and a need by clicking, as a person would, and press the button."""
    page.locator("details.more-filters > summary").click()
    page.locator("#category-exercise").click()
    page.locator("label[for='price-free']").click()  # the label is part of the target too
    page.locator("#access-seated").click()
    with page.expect_navigation():
        page.locator("form.filters button[type='submit']").click()


# --- without JavaScript ---------------------------------------------------------------------------

def test_filters_work_without_javascript(portal_server, fresh_context):
    page = fresh_context(js=False).new_page()
    page.goto(portal_server.url("/en/activities"))
    choose_filters_and_submit(page)

    assert urlparse(page.url).path == "/en/activities"
    query = query_of(page)
    for name, values in CHOSEN.items():
        assert query.get(name) == values, f"{name} is not in the address: {page.url}"
    for box in ("#category-exercise", "#price-free", "#access-seated"):
        assert page.locator(box).is_checked(), f"{box} is not kept checked on the results page"
    assert shown_ids(page), "these choices should find some demo activities"
    assert_results_match_api(portal_server, page, "en")


def test_language_switcher_keeps_the_filters(portal_server, fresh_context):
    page = fresh_context(js=False).new_page()
    page.goto(portal_server.url("/en/activities"))
    choose_filters_and_submit(page)
    query = urlparse(page.url).query
    en_ids = shown_ids(page)

    for lang, name in (("sv", "Svenska"), ("fi", "Suomi")):
        link = page.locator(f"nav.languages a[hreflang='{lang}']")
        assert link.inner_text().strip() == name, "each language is named in itself"
        with page.expect_navigation():
            link.click()
        assert urlparse(page.url).path == f"/{lang}/activities"
        assert urlparse(page.url).query == query
        assert page.get_attribute("html", "lang") == lang
        assert page.locator(f"nav.languages a[hreflang='{lang}']").get_attribute("aria-current") == "true"
        for box in ("#category-exercise", "#price-free", "#access-seated"):
            assert page.locator(box).is_checked()
        assert shown_ids(page) == en_ids
        assert_results_match_api(portal_server, page, lang)


def open_display_choices(page) -> None:
    """The choices sit in a <details> in the header (it opens without JavaScript)."""
    details = page.locator("header details:has(form.display-choices)")
    if details.count() and details.get_attribute("open") != "":
        details.locator("summary").click()


def test_text_size_and_contrast_buttons_work_without_javascript_and_persist(portal_server, fresh_context):
    page = fresh_context(js=False).new_page()
    page.goto(portal_server.url("/fi/"))
    html = page.locator("html")
    normal_size = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert "text-normal" in html.get_attribute("class")

    open_display_choices(page)
    with page.expect_navigation():
        page.locator("button[name='text_size'][value='larger']").click()
    assert urlparse(page.url).path == "/fi/", "the choice brings the visitor back to the same page"
    assert "text-larger" in html.get_attribute("class")
    assert page.locator("button[name='text_size'][value='larger']").get_attribute("aria-pressed") == "true"
    assert page.locator("button[name='text_size'][value='normal']").get_attribute("aria-pressed") == "false"
    assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") > normal_size * 1.4

    open_display_choices(page)
    with page.expect_navigation():
        page.locator("button[name='contrast'][value='high']").click()
    assert {"text-larger", "contrast-high"} <= set(html.get_attribute("class").split())

    # The next page, reached by a link, keeps both choices.
    with page.expect_navigation():
        page.locator("nav.main-nav a").first.click()
    assert urlparse(page.url).path == "/fi/activities"
    assert {"text-larger", "contrast-high"} <= set(html.get_attribute("class").split())
    assert page.locator("button[name='contrast'][value='high']").get_attribute("aria-pressed") == "true"

    # A filtered list keeps its filters when the text size is changed on it.
    page.goto(portal_server.url("/fi/activities?category=exercise&price=free"))
    open_display_choices(page)
    with page.expect_navigation():
        page.locator("button[name='text_size'][value='normal']").click()
    assert query_of(page) == {"category": ["exercise"], "price": ["free"]}
    assert "text-normal" in html.get_attribute("class")


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_print_button_only_with_javascript(portal_server, fresh_context, js):
    page = fresh_context(js=js).new_page()
    for path in ("/en/activities", f"/en/activities/{portal_server.fully_translated()}"):
        page.goto(portal_server.url(path))
        button = page.locator("button[data-print]")
        assert button.count() == 1
        if js:
            page.wait_for_function("document.documentElement.classList.contains('js')")
            assert button.is_visible(), f"the print button is hidden on {path} with JavaScript"
            assert not page.locator(".no-js-print").is_visible()
        else:
            assert not button.is_visible(), f"a print button that cannot work is shown on {path}"
            assert page.locator(".no-js-print").is_visible(), "without JavaScript, say how to print"


def test_untranslated_activity_says_so_and_marks_the_finnish_text(portal_server, fresh_context):
    page = fresh_context(js=False).new_page()
    for lang in ("sv", "en"):
        activity_id = portal_server.missing(lang)
        if activity_id is None:
            continue
        page.goto(portal_server.url(f"/{lang}/activities/{activity_id}"))
        notice = page.locator(".translation-missing")
        assert notice.is_visible()
        assert notice.get_attribute("lang") == lang
        assert page.locator("h1").evaluate("h => h.closest('[lang]').getAttribute('lang')") == "fi"


def test_list_shows_each_activity_in_the_page_language(portal_server, fresh_context):
    """A listing has its name and summary in the page's language when the activity has that text;
    only the ones without it fall back on Finnish, marked lang="fi"."""
    page = fresh_context(js=False).new_page()
    for lang in ("sv", "en"):
        page.goto(portal_server.url(f"/{lang}/activities"))
        expected = portal_server.api("", lang=lang)["results"]
        cards = page.locator(CARD_LINKS).evaluate_all(
            "links => links.map(a => ({text: a.innerText.trim(), lang: (a.querySelector('[lang]') || a.closest('[lang]')).getAttribute('lang')}))")
        shown = [(c["text"], c["lang"]) for c in cards]
        wanted = [(item["name"], item["name_language"]) for item in expected]
        assert shown == wanted, (
            f"/{lang}/activities shows names in the wrong language (first differences: "
            f"{[(s, w) for s, w in zip(shown, wanted, strict=False) if s != w][:3]})")


def test_accessibility_facts_are_in_the_page_language(portal_server, fresh_context):
    """The yes / no / not checked words of the facts table follow the page's language, whichever
    language the server happened to render first."""
    page = fresh_context(js=False).new_page()
    activity_id = portal_server.fully_translated()
    words = {}
    for lang in ("en", "fi", "sv", "en"):
        page.goto(portal_server.url(f"/{lang}/activities/{activity_id}"))
        words.setdefault(lang, set()).update(
            page.locator("table.facts td.state").evaluate_all("cells => cells.map(c => c.innerText.trim())"))
    assert words["fi"].isdisjoint(words["en"]), f"English fact states on the Finnish page: {words['fi']}"
    assert words["sv"].isdisjoint(words["en"]), f"English fact states on the Swedish page: {words['sv']}"


# --- with JavaScript: htmx enhances ---------------------------------------------------------------

def wait_for_htmx(page) -> None:
    page.wait_for_function("!!window.htmx && document.documentElement.classList.contains('js')")


def results_request(response) -> bool:
    return "/activities" in response.url and response.request.headers.get("hx-request") == "true"


def test_htmx_updates_the_results_in_place_and_the_address(portal_server, fresh_context):
    page = fresh_context(js=True).new_page()
    page.goto(portal_server.url("/en/activities"))
    wait_for_htmx(page)
    page.evaluate("window.__sameDocument = 'still here'")

    with page.expect_response(results_request) as response_info:
        page.locator("#price-free").click()
    response = response_info.value
    assert response.ok, f"the htmx request for the results failed: HTTP {response.status} for {response.url}"
    assert response.request.headers.get("hx-target") == "results"
    page.wait_for_url(re.compile(r"[?&]price=free"))
    expected = portal_server.api("price=free", lang="en")
    page.wait_for_function("n => document.querySelector('#result-count').innerText.includes(n)",
                           arg=str(expected["count"]))

    assert page.evaluate("window.__sameDocument") == "still here", "the page was reloaded instead of updated"
    assert page.locator("#results").count() == 1 and page.locator("h1").count() == 1
    assert page.locator("form.filters").count() == 1, "the partial must not bring a second form"
    assert query_of(page).get("price") == ["free"]
    assert_results_match_api(portal_server, page, "en")
    assert str(expected["count"]) in page.locator("#results-status").inner_text(), \
        "the status message (role=status) tells screen reader users the new count"


def test_htmx_back_button_restores_the_earlier_results(portal_server, fresh_context):
    page = fresh_context(js=True).new_page()
    page.goto(portal_server.url("/en/activities"))
    wait_for_htmx(page)
    all_ids = shown_ids(page)
    with page.expect_response(results_request) as response_info:
        page.locator("#price-free").click()
    assert response_info.value.ok, f"the htmx request for the results failed: HTTP {response_info.value.status}"
    page.wait_for_url(re.compile(r"[?&]price=free"))

    page.go_back()
    page.wait_for_url(re.compile(r"/en/activities$"))
    # Both lists have a full page of cards, so wait for the earlier cards themselves, not their number.
    deadline = time.monotonic() + 10
    while shown_ids(page) != all_ids and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert shown_ids(page) == all_ids
    assert not page.locator("#price-free").is_checked()


def test_removing_a_choice_keeps_the_form_in_step(portal_server, fresh_context):
    """A "your choices" chip updates the results in place (htmx): the filter form beside them must
    then show the same choices as the address and the results (enhance.js sets it from the address)."""
    page = fresh_context(js=True).new_page()
    page.goto(portal_server.url("/en/activities?category=exercise&price=free"))
    wait_for_htmx(page)
    chip = page.locator("#results a.chip:not([href*='price=free'])")
    assert chip.count() == 1, "the free-only choice has a chip that removes it"
    chip.click()
    page.wait_for_url(lambda url: "price=free" not in url)
    wait_for_htmx(page)
    assert_results_match_api(portal_server, page, "en")
    assert page.locator("#category-exercise").is_checked(), "the choice that was not removed is still ticked"
    assert not page.locator("#price-free").is_checked(), (
        "after removing “Free only” from the chips, the form still has “Free only” ticked: pressing "
        "“Show activities” or changing another box would bring the removed choice back")


# --- reflow and target size -----------------------------------------------------------------------

def reflow_paths(portal_server, lang: str) -> list[str]:
    untranslated = portal_server.missing("sv" if lang == "fi" else lang) or portal_server.fully_translated()
    return [f"/{lang}/", f"/{lang}/activities",
            f"/{lang}/activities?category=exercise&price=free&access=seated&access=hearing",
            f"/{lang}/activities/{portal_server.fully_translated()}", f"/{lang}/activities/{untranslated}"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("js, text_size", [(True, "normal"), (True, "larger"), (False, "larger")],
                         ids=["js-normal", "js-larger", "nojs-larger"])
def test_reflow_at_320_px(portal_server, contexts, lang, js, text_size):
    """No horizontal scrolling at 320 CSS px (WCAG 1.4.10, 400 % zoom), even with the largest text."""
    page = contexts(js=js, text_size=text_size, width=320, height=640).new_page()
    try:
        problems = []
        for path in reflow_paths(portal_server, lang):
            page.goto(portal_server.url(path))
            if page.locator("details.more-filters").count():
                page.locator("details.more-filters").evaluate("d => d.open = true")
            if problem := too_wide(page):
                problems.append(problem)
        assert not problems, "horizontal scrolling at 320 CSS px:\n" + "\n".join(problems)
    finally:
        page.close()


TARGET_PAGES = ("/en/", "/en/activities?category=exercise&access=seated", "detail")
HEADER_TARGETS = "header.site-header a, header.site-header button, header.site-header input:not([type=hidden])"
FORM_TARGETS = ("main form button, main form select, main form summary, "
                "main form input:not([type=hidden]):not([type=checkbox]):not([type=radio])")


def target_page(portal_server, page, path: str) -> None:
    if path == "detail":
        path = f"/en/activities/{portal_server.fully_translated()}"
    page.goto(portal_server.url(path))
    if page.locator("details.more-filters").count():
        page.locator("details.more-filters").evaluate("d => d.open = true")


@pytest.mark.parametrize("width", [1280, 360])
def test_header_and_form_targets_are_at_least_44_px(portal_server, contexts, width):
    page = contexts(js=True, width=width, height=800).new_page()
    try:
        problems = []
        for path in TARGET_PAGES:
            target_page(portal_server, page, path)
            for selector in (HEADER_TARGETS, FORM_TARGETS, "main form .choice-row"):
                problems += [f"{path}: {p}" for p in small_targets(page, selector)]
        assert not problems, "targets smaller than 44×44 px:\n" + "\n".join(problems)
    finally:
        page.close()


@pytest.mark.parametrize("width", [1280, 360])
def test_links_outside_sentences_are_at_least_44_px(portal_server, contexts, width):
    """Links that stand alone (not inside a sentence, WCAG 2.5.8's inline exception) in the main
    content, the contact block and the footer, on the same pages and on an error page."""
    page = contexts(js=True, width=width, height=800).new_page()
    try:
        problems = []
        for path in (*TARGET_PAGES, "/en/no-such-page"):
            target_page(portal_server, page, path)
            problems += [f"{path}: {p}" for p in small_targets(page, "main a, aside a, footer a", allow_inline=True)]
        assert not problems, "stand-alone links smaller than 44×44 px:\n" + "\n".join(problems)
    finally:
        page.close()
