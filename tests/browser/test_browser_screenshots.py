"""Screenshots for people to look at, saved to screenshots/ (gitignored) only when PORTAL_SCREENSHOTS=1:
the activity list and an activity's page, in each language, at normal and larger text, 1280 and 360
CSS px wide."""
from __future__ import annotations

import os

import pytest
from browser_support import LANGS, save_screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("PORTAL_SCREENSHOTS") != "1", reason="set PORTAL_SCREENSHOTS=1 to save screenshots"),
]


@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize("text_size", ["normal", "larger"])
def test_save_screenshots(portal_server, contexts, text_size, width):
    page = contexts(js=True, text_size=text_size, width=width, height=900).new_page()
    try:
        for lang in LANGS:
            for name, path in (("list", f"/{lang}/activities"),
                               ("detail", f"/{lang}/activities/{portal_server.fully_translated()}")):
                page.goto(portal_server.url(path))
                page.wait_for_function("document.documentElement.classList.contains('js')")
                assert save_screenshot(page, f"{name}-{lang}-{text_size}-{width}").exists()
    finally:
        page.close()
