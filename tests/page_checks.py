"""Helpers that read pages the way a browser and a screen reader would."""
from __future__ import annotations

import re
from collections import Counter
from urllib.parse import parse_qsl, urlsplit

from bs4 import BeautifulSoup

UI_LANGUAGES = ("fi", "sv", "en")
FIELDS_WITHOUT_LABEL = {"hidden", "submit", "button", "reset", "image"}


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html5lib")


def words(element) -> str:
    return " ".join(element.get_text(" ").split())


def url_language(response) -> str | None:
    path = urlsplit(response.request.url).path
    first = path.strip("/").split("/")[0]
    return first if first in UI_LANGUAGES else None


def check_page(response, status: int = 200, lang: str | None = None) -> BeautifulSoup:
    """The HTML basics every page must get right; returns the parsed page for further checks."""
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    assert response.mimetype == "text/html"
    page = soup(response)
    where = response.request.url

    headings = page.find_all("h1")
    assert len(headings) == 1, f"{where}: {len(headings)} h1 elements"
    heading = words(headings[0])
    assert heading, f"{where}: empty h1"
    assert page.title is not None, f"{where}: no <title>"
    # A page showing errors says so first in its title (_("Error:") in the page's language).
    title = re.sub(r"^(Error|Virhe|Fel): ", "", words(page.title))
    assert title.startswith(heading), f"{where}: title {words(page.title)!r} does not start with h1 {heading!r}"

    expected_lang = lang or url_language(response)
    if expected_lang:
        assert page.html.get("lang") == expected_lang, f"{where}: <html lang={page.html.get('lang')!r}>"

    labelled = {label.get("for") for label in page.find_all("label") if label.get("for")}
    for field in page.find_all(["input", "select", "textarea"]):
        if field.name == "input" and field.get("type", "text") in FIELDS_WITHOUT_LABEL:
            continue
        has_label = (field.get("id") in labelled or field.get("aria-label") or field.get("aria-labelledby")
                     or field.find_parent("label") is not None)
        assert has_label, f"{where}: no label for {field}"

    ids = Counter(element["id"] for element in page.find_all(id=True))
    duplicates = [name for name, count in ids.items() if count > 1]
    assert not duplicates, f"{where}: duplicate ids {duplicates}"

    for script in page.find_all("script"):
        assert script.get("src"), f"{where}: inline script {script}"
    for element in page.find_all(True):
        handlers = [name for name in element.attrs if name.lower().startswith("on")]
        assert not handlers, f"{where}: event handler attributes {handlers} on <{element.name}>"
        for name in ("href", "src", "action", "formaction"):
            value = element.get(name)
            if isinstance(value, str):
                assert not re.match(r"\s*javascript:", value, re.I), f"{where}: javascript: URL in {element}"
    for image in page.find_all("img"):
        assert image.get("alt") is not None, f"{where}: image without alt {image}"
    return page


def result_ids(response) -> list[int]:
    """The activity ids on a list page (or an htmx fragment of one), in the order shown."""
    page = soup(response)
    ids = []
    for link in page.select(".activity-card h3 a"):
        match = re.search(r"/activities/(\d+)$", urlsplit(link["href"]).path)
        assert match, link
        ids.append(int(match.group(1)))
    return ids


def all_result_ids(client, path: str) -> list[int]:
    """Every id of a filtered list, following the "next page" links."""
    ids = []
    url = path
    for _ in range(50):
        response = client.get(url)
        assert response.status_code == 200
        ids += result_ids(response)
        following = soup(response).select_one(".pagination a[rel=next]")
        if following is None:
            return ids
        url = following["href"]
    raise AssertionError("too many pages")


def csrf_token(response) -> str:
    field = soup(response).find("input", attrs={"name": "csrf_token"})
    assert field is not None, "the page has no form with a CSRF token"
    return field["value"]


def query(url: str) -> list[tuple[str, str]]:
    return sorted(parse_qsl(urlsplit(url).query, keep_blank_values=True))
