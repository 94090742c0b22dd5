"""With JavaScript on, "add to my list" swaps the button in place; the header's "My list (n)" must
follow at once (out of band), be said in a status region, and leave the focus on the pressed button."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_header_count_follows_the_toggle_with_javascript(portal_server, fresh_context):
    page = fresh_context(js=True).new_page()
    page.goto(portal_server.url("/en/activities"))
    page.wait_for_function("!!window.htmx && document.documentElement.classList.contains('js')")
    header = page.locator("#header-mylist")
    expect(header).to_have_text("My list")
    button = page.locator("#results form.mylist-toggle button").first
    button_id = button.get_attribute("id")
    button.click()
    expect(header).to_have_text("My list (1)")
    expect(page.locator("#mylist-status[role='status']")).to_have_text("My list (1)")
    assert page.locator("h1").count() == 1 and page.locator("#header-mylist").count() == 1
    assert page.evaluate("document.activeElement.id") == button_id
    page.locator(f"#{button_id}").click()
    expect(header).to_have_text("My list")
    assert page.evaluate("document.activeElement.id") == button_id
