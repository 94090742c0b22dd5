"""axe-core on every kind of page, in fi, sv and en, with and without JavaScript, at normal and
larger text and in high contrast: WCAG 2.0/2.1/2.2 A and AA and best practices, zero violations.

"Without JavaScript" here means the page's own scripts are refused (htmx and enhance.js never run),
while the browser can still run axe: a context with JavaScript switched off could not run axe at all.
The behaviour tests use a real JavaScript-off browser."""
from __future__ import annotations

import pytest
from browser_support import LANGS, describe_violations, run_axe

pytestmark = pytest.mark.browser

# Several filters at once, access needs among them, and one value the page cannot use (reported).
FILTERED = ("category=exercise&category=culture&category=community&max_price=10&access=seated"
            "&language=fi&day=mon&day=tue&day=wed&day=thu&day=someday&sort=name")
EMPTY = "q=xyzzy-nothing-like-this&category=exercise&price=free"
UNCHECKED = "access=wheelchair&access=memory&show=unchecked"

# kind: (path after /<lang>, expected status). Activity pages are chosen from the loaded data.
PAGES = {
    "home": ("/", 200),
    "list": ("/activities", 200),
    "list-filtered": (f"/activities?{FILTERED}", 200),
    "list-empty": (f"/activities?{EMPTY}", 200),
    "list-unchecked": (f"/activities?{UNCHECKED}", 200),
    "detail-full": (None, 200),
    "detail-untranslated": (None, 200),
    "contact": ("/contact", 200),
    "accessibility": ("/accessibility", 200),
    "privacy": ("/privacy", 200),
    "open-data": ("/open-data", 200),
    "not-found": ("/no-such-page", 404),
}
# The other resident pages, in every language with JavaScript and in one language without it.
# "callback-errors" is the callback form sent empty: the error summary and the messages by the fields.
MORE_PAGES = {
    "callback": ("/callback", 200, "fi"),
    "callback-errors": ("/callback", None, "sv"),
    "callback-status": ("/callback/status", 200, "en"),
    "concern-start": ("/concern", 200, "sv"),
    "my-list": ("/my-list", 200, "fi"),
}
# The other display settings are checked on the pages that show the most: a filtered list and the
# activity pages. With JavaScript off the page differs only by what enhance.js shows or hides, so
# there each of these pages is checked in one language (a different one for each page).
DISPLAY_PAGES = {"list-filtered": "fi", "detail-full": "sv", "detail-untranslated": "en"}
DISPLAYS = {"normal": {}, "larger": {"text_size": "larger"}, "high-contrast": {"contrast": "high"}}


# Pages with nothing that JavaScript changes (no print button, no htmx) are checked without it in
# one language each; the catalogue pages in all three.
STATIC_NOJS_LANG = {"home": "fi", "contact": "sv", "accessibility": "en", "privacy": "fi", "open-data": "sv",
                    "not-found": "sv"}


def cases():
    for js in (True, False):
        mode = "js" if js else "nojs"
        for lang in LANGS:
            for kind in PAGES:
                if js or STATIC_NOJS_LANG.get(kind, lang) == lang:
                    yield pytest.param(kind, lang, "normal", js, id=f"{kind}-{lang}-normal-{mode}")
        for kind, (_path, _status, nojs_lang) in MORE_PAGES.items():
            for lang in (LANGS if js else (nojs_lang,)):
                yield pytest.param(kind, lang, "normal", js, id=f"{kind}-{lang}-normal-{mode}")
        for display in ("larger", "high-contrast"):
            for kind, nojs_lang in DISPLAY_PAGES.items():
                for lang in (LANGS if js else (nojs_lang,)):
                    yield pytest.param(kind, lang, display, js, id=f"{kind}-{lang}-{display}-{mode}")


def page_path(portal_server, kind: str, lang: str) -> str:
    path = PAGES[kind][0] if kind in PAGES else MORE_PAGES[kind][0]
    if kind == "detail-full":
        return f"/{lang}/activities/{portal_server.fully_translated()}"
    if kind == "detail-untranslated":
        # On a Finnish page every activity has its own text; show one lacking Swedish instead.
        activity_id = portal_server.missing("sv" if lang == "fi" else lang)
        if activity_id is None:
            pytest.skip(f"every activity has a {lang} text")
        return f"/{lang}/activities/{activity_id}"
    return f"/{lang}{path}"


@pytest.mark.parametrize("kind, lang, display, js", list(cases()))
def test_no_axe_violations(portal_server, page_in, kind, lang, display, js):
    page = page_in(bypass_csp=True, block_scripts=not js, **DISPLAYS[display])
    response = page.goto(portal_server.url(page_path(portal_server, kind, lang)))
    expected_status = PAGES[kind][1] if kind in PAGES else MORE_PAGES[kind][1]
    if kind == "callback-errors":
        with page.expect_navigation():
            page.locator("main form[action$='/callback'] button[type='submit']").click()
        assert page.locator(".error-summary").count() == 1, "an empty form is answered with an error summary"
    else:
        assert response.status == expected_status
    assert page.get_attribute("html", "lang") == lang
    assert page.locator("h1").count() == 1, "a page has exactly one h1"
    html_class = page.get_attribute("html", "class") or ""
    assert (f"text-{DISPLAYS[display]['text_size']}" in html_class) if display == "larger" else True
    assert ("contrast-high" in html_class) if display == "high-contrast" else True
    if js:
        page.wait_for_function("document.documentElement.classList.contains('js') && !!window.htmx")
    else:
        assert "js" not in html_class.split()

    violations = run_axe(page)
    assert not violations, (f"axe-core found {len(violations)} violation(s) on {page.url} "
                            f"({display}, JavaScript {'on' if js else 'off'}):\n" + describe_violations(violations))
