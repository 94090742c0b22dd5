"""Which links of the results update them in place (htmx), and what the server answers each kind of
htmx request: only the chips and the page links are boosted into #results; Back and Forward, when
htmx has no copy of the page, get the whole page."""
from __future__ import annotations

import pytest
from page_checks import check_page, soup

RESULTS = {"HX-Request": "true", "HX-Target": "results"}
# What htmx 2 sends when it goes Back or Forward and its history cache has no copy of the page.
HISTORY_RESTORE = {"HX-Request": "true", "HX-History-Restore-Request": "true",
                   "HX-Current-URL": "http://localhost/fi/activities"}


def boosted(link) -> bool:
    """Whether htmx boosts this link: the nearest data-hx-boost above it (or on it) says true."""
    for element in [link, *link.parents]:
        if element.get("data-hx-boost") is not None:
            return element["data-hx-boost"] == "true"
    return False


@pytest.mark.parametrize("path", ["/fi/activities?category=food&page=2&access=seated",
                                  "/en/activities?access=wheelchair",
                                  "/en/activities?q=zzzz&category=culture"])
def test_only_chips_and_page_links_are_boosted(client, catalogue, path):
    page = check_page(client.get(path))
    assert not page.select("[data-hx-boost=true] [data-hx-boost=false]"), "boosting is switched on, then off again"
    links = page.select("#results a[href]")
    assert links
    for link in links:
        in_place = link.find_parent(class_="active-filters") or link.find_parent(class_="pagination")
        assert boosted(link) == bool(in_place), f"{link['href']} {'is' if boosted(link) else 'is not'} boosted"
        if boosted(link):
            target = link.find_parent(attrs={"data-hx-boost": "true"})
            assert target["data-hx-target"] == "#results"


def test_activity_and_calendar_links_are_ordinary_navigation(client, catalogue):
    page = check_page(client.get("/en/activities?category=exercise"))
    activity = page.select_one("#results .activity-card h3 a")
    calendar = page.select_one("#results a[href*='.ics']")
    assert activity is not None and calendar is not None
    assert not boosted(activity) and not boosted(calendar)
    # Nothing in the results inherits a target or a pushed address from #results itself.
    results = page.select_one("#results")
    assert not {"data-hx-boost", "data-hx-target", "data-hx-push-url"} & set(results.attrs)


def test_a_history_restore_gets_the_whole_page(client, catalogue):
    """htmx puts this answer in place of the whole body: the fragment would leave a page with no
    header, no form and no h1."""
    response = client.get("/fi/activities?category=exercise", headers=HISTORY_RESTORE)
    page = check_page(response)
    assert len(page.select("h1")) == 1 and len(page.select("main")) == 1
    assert page.select_one("form#filters") is not None
    assert page.select_one("#results .activity-card") is not None


def test_a_history_restore_gets_the_whole_page_even_when_it_names_the_results(client, catalogue):
    response = client.get("/fi/activities?category=exercise", headers={**HISTORY_RESTORE, "HX-Target": "results"})
    assert len(check_page(response).select("h1")) == 1


def test_the_fragment_and_the_page_vary_on_the_headers_that_choose_between_them(client, catalogue):
    for headers in ({}, RESULTS, HISTORY_RESTORE):
        vary = {v.strip().lower() for v in client.get("/fi/activities", headers=headers).headers["Vary"].split(",")}
        assert {"hx-request", "hx-target", "hx-history-restore-request"} <= vary, (headers, vary)


def test_the_results_heading_can_take_the_focus(client, catalogue):
    """After an in-place update the focus goes to the count (enhance.js): it must be focusable."""
    fragment = soup(client.get("/fi/activities?category=food", headers=RESULTS))
    assert fragment.select_one("h2#result-count")["tabindex"] == "-1"
