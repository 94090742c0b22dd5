"""The contact page and "Find your own contact" in a real browser: axe-clean in every language with and
without the page's scripts and with larger text at 320 px, no sideways scrolling, and the choices
at the top of "Find your own contact" move to their section without JavaScript."""
from __future__ import annotations

import pytest
from browser_support import LANGS, describe_violations, run_axe, save_screenshot, too_wide

pytestmark = pytest.mark.browser

PAGES = ["/contact", "/own-contact"]


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", PAGES)
def test_front_door_pages_have_no_axe_violations(portal_server, page_in, path, lang, js):
    page = page_in(bypass_csp=True, block_scripts=not js)
    assert page.goto(portal_server.url(f"/{lang}{path}")).status == 200
    assert page.locator("aside.urgent-help").count() == 1
    violations = run_axe(page)
    assert not violations, describe_violations(violations)


@pytest.mark.parametrize("path", PAGES)
def test_front_door_pages_fit_a_phone_with_larger_text(portal_server, page_in, path):
    page = page_in(bypass_csp=True, block_scripts=True, text_size="larger", width=320, height=740)
    page.goto(portal_server.url(f"/fi{path}"))
    assert too_wide(page) is None
    save_screenshot(page, f"front-door{path.replace('/', '-')}-320-larger")
    assert not run_axe(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    save_screenshot(page, f"front-door{path.replace('/', '-')}-1280")


def test_own_contact_choice_leads_to_its_section_without_javascript(portal_server, page_in):
    page = page_in(js=False)
    page.goto(portal_server.url("/en/own-contact"))
    page.get_by_role("link", name="Support for informal care").click()
    assert page.url.endswith("#informal-care")
    assert page.locator("#informal-care h2").is_visible()
