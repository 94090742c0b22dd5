"""axe-core on every kind of page, in fi, sv and en, with and without JavaScript, at normal and
larger text and in high contrast: WCAG 2.0/2.1/2.2 A and AA and best practices, zero violations.

"Without JavaScript" here means the page's own scripts are refused (htmx and enhance.js never run),
while the browser can still run axe: a context with JavaScript switched off could not run axe at all.
The behaviour tests use a real JavaScript-off browser."""
from __future__ import annotations

import pytest

from browser_support import LANGS, describe_violations, run_axe

pytestmark = pytest.mark.browser

FILTERED = ("category=exercise&category=culture&category=community&max_price=10&access=seated"
            "&language=fi&day=mon&day=tue&day=wed&day=thu&sort=name")
EMPTY = "q=xyzzy-nothing-like-this&category=exercise&price=free"
UNCHECKED = "access=wheelchair&access=memory&show=unchecked"
IGNORED = "category=nonsense&day=someday&max_price=lots"

# kind: (path after /<lang>, expected status). Detail pages are filled in from the loaded data.
PAGES = {
    "home": ("/", 200),
    "list": ("/activities", 200),
    "list-filtered": (f"/activities?{FILTERED}", 200),
    "list-empty": (f"/activities?{EMPTY}", 200),
    "list-unchecked": (f"/activities?{UNCHECKED}", 200),
    "list-ignored": (f"/activities?{IGNORED}", 200),
    "list-page-2": ("/activities?page=2", 200),
    "detail-full": (None, 200),
    "detail-untranslated": (None, 200),
    "contact": ("/contact", 200),
    "accessibility": ("/accessibility", 200),
    "privacy": ("/privacy", 200),
    "not-found": ("/no-such-page", 404),
    "no-such-activity": ("/activities/99999999", 404),
}
# Every display setting is checked on the pages that show the most: the lists and activity pages.
DISPLAY_PAGES = ("list", "list-filtered", "detail-full", "detail-untranslated")
DISPLAYS = {"larger": {"text_size": "larger"}, "high-contrast": {"contrast": "high"}}


def cases():
    for js in (True, False):
        for lang in LANGS:
            for kind in PAGES:
                yield pytest.param(kind, lang, "normal", js, id=f"{kind}-{lang}-normal-{'js' if js else 'nojs'}")
            for display in DISPLAYS:
                for kind in DISPLAY_PAGES:
                    yield pytest.param(kind, lang, display, js, id=f"{kind}-{lang}-{display}-{'js' if js else 'nojs'}")


def page_path(portal_server, kind: str, lang: str) -> str:
    path, _status = PAGES[kind]
    if kind == "detail-full":
        return f"/{lang}/activities/{portal_server.fully_translated()}"
    if kind == "detail-untranslated":
        # On a Finnish page every activity has its own text; show one lacking Swedish instead.
        activity_id = portal_server.missing("sv" if lang == "fi" else lang)
        if activity_id is None:
            pytest.skip(f"every activity has a {lang} text")
        return f"/{lang}/activities/{activity_id}"
    return f"/{lang}{path}"


@pytest.mark.parametrize(("kind", "lang", "display", "js"), list(cases()))
def test_no_axe_violations(portal_server, page_in, kind, lang, display, js):
    page = page_in(bypass_csp=True, block_scripts=not js, **DISPLAYS.get(display, {}))
    response = page.goto(portal_server.url(page_path(portal_server, kind, lang)))
    assert response.status == PAGES[kind][1]
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
