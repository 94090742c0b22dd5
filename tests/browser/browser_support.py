"""Helpers for the browser tests: browser contexts, axe-core, target sizes, screenshots."""
from __future__ import annotations

import importlib.resources
import json
import os
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
LANGS = ("fi", "sv", "en")
HOST = "127.0.0.1"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"

# WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
AXE_SOURCE = (importlib.resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")

MIN_TARGET = 44  # CSS px, the product's own rule (stricter than WCAG 2.5.8's 24 px)
TOLERANCE = 0.5  # sub-pixel rounding of layout boxes


@dataclass
class Portal:
    """The running app and what the tests need to know about its data."""

    base_url: str
    app: object
    activity_ids: list[int] = field(default_factory=list)
    # The UI languages each activity has its own text in.
    texts_by_id: dict[int, set[str]] = field(default_factory=dict)
    synthetic: bool = False

    def url(self, path: str) -> str:
        return self.base_url + path

    def api(self, query: str, lang: str = "en") -> dict:
        sep = "&" if query else ""
        # The test's own local http server.
        with urllib.request.urlopen(self.url(f"/api/v1/activities?{query}{sep}lang={lang}"), timeout=30) as r:  # noqa: S310
            return json.load(r)

    def fully_translated(self) -> int:
        return next(i for i in self.activity_ids if self.texts_by_id[i] >= set(LANGS))

    def missing(self, lang: str) -> int | None:
        """An activity with no text in `lang`, so that its page shows the Finnish text instead."""
        return next((i for i in self.activity_ids if lang not in self.texts_by_id[i]), None)


def display_cookies(text_size: str | None = None, contrast: str | None = None) -> list[dict]:
    return [{"name": name, "value": value, "domain": HOST, "path": "/"}
            for name, value in (("text_size", text_size), ("contrast", contrast)) if value]


def open_context(browser, *, js: bool = True, text_size: str | None = None, contrast: str | None = None,
                 bypass_csp: bool = False, block_scripts: bool = False, width: int = 1280, height: int = 900):
    """A browser context. `block_scripts` keeps JavaScript on (so axe can run) but refuses every
    script the page asks for, so the page is exactly what a visitor without JavaScript gets."""
    context = browser.new_context(java_script_enabled=js, bypass_csp=bypass_csp,
                                  viewport={"width": width, "height": height}, locale="en-GB")
    context.set_default_timeout(15_000)
    if cookies := display_cookies(text_size, contrast):
        context.add_cookies(cookies)
    if block_scripts:
        context.route("**/*", lambda route: route.abort() if route.request.resource_type == "script"
                      else route.continue_())
    return context


def run_axe(page) -> list[dict]:
    """axe-core's violations on the page as it is now. The context must have bypass_csp=True: the
    portal's CSP allows only its own scripts, so the injected axe script would be refused."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(content=AXE_SOURCE)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS)
    return result["violations"]


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']} <{v.get('helpUrl', '')}>")
        for node in v["nodes"][:8]:
            target = " ".join(" >> ".join(t) if isinstance(t, list) else str(t) for t in node["target"])
            summary = " | ".join((node.get("failureSummary") or "").split("\n"))
            lines.append(f"    at {target}: {summary}")
        if len(v["nodes"]) > 8:
            lines.append(f"    … and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


# Boxes of visible elements, with what the target-size tests need to judge them: a short selector to
# report, and whether a link is "inline" (in a sentence: its block has other text beside it).
MEASURE_JS = """
(selector) => {
  const visible = el => {
    const s = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    return s.visibility !== 'hidden' && s.display !== 'none' && r.width > 0 && r.height > 0 &&
      !el.closest('.visually-hidden, [hidden]');
  };
  const path = el => {
    const parts = [];
    for (let e = el; e && e.nodeType === 1 && parts.length < 4; e = e.parentElement) {
      let p = e.tagName.toLowerCase();
      if (e.id) { parts.unshift(p + '#' + e.id); break; }
      if (e.classList.length) p += '.' + [...e.classList].join('.');
      parts.unshift(p);
    }
    return parts.join(' > ');
  };
  const block = el => {
    let b = el.parentElement;
    while (b && ['inline', 'inline-block', 'inline-flex'].includes(getComputedStyle(b).display)) b = b.parentElement;
    return b;
  };
  return [...document.querySelectorAll(selector)].filter(visible).map(el => {
    const r = el.getBoundingClientRect();
    const b = block(el);
    const own = (el.innerText || el.value || '').trim();
    const around = b ? (b.innerText || '').replace(own, '').replace(/[\\s:.,;–-]/g, '') : '';
    return {selector: path(el), text: own.slice(0, 40), width: r.width, height: r.height,
            inline: el.tagName === 'A' && around.length > 0};
  });
}
"""


def small_targets(page, selector: str, *, allow_inline: bool = False) -> list[str]:
    boxes = page.evaluate(MEASURE_JS, selector)
    return [f"{b['selector']} “{b['text']}”: {b['width']:.0f}×{b['height']:.0f} px"
            for b in boxes
            if (b["width"] < MIN_TARGET - TOLERANCE or b["height"] < MIN_TARGET - TOLERANCE)
            and not (allow_inline and b["inline"])]


def save_screenshot(page, name: str) -> Path | None:
    if os.environ.get("PORTAL_SCREENSHOTS") != "1":
        return None
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def too_wide(page) -> str | None:
    """None when the page fits 320 CSS px; else its width and the innermost elements that reach past."""
    width = page.evaluate("document.documentElement.scrollWidth")
    if width <= 321:
        return None
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > 321
                     && ![...e.children].some(c => c.getBoundingClientRect().right > 321))
        .slice(0, 4).map(e => e.outerHTML.slice(0, 90) + ' → ' + Math.round(e.getBoundingClientRect().right) + ' px')""")
    return f"{page.url}: {width} px wide; too wide: {', '.join(wide)}"


# Chromium's "Font size" setting: 16 px by default, 24 px at its largest ("Very large").
DEFAULT_BROWSER_FONT_PX, LARGEST_BROWSER_FONT_PX = 16, 24


def use_largest_browser_font(page, px: int = LARGEST_BROWSER_FONT_PX) -> None:
    """As if the person had set the browser's font size to its largest: the portal's sizes are
    relative to the browser's, so its own "Larger" choice grows on top of this. Lasts for the
    page's later navigations too; px=DEFAULT_BROWSER_FONT_PX sets it back."""
    page.context.new_cdp_session(page).send(
        "Page.setFontSizes", {"fontSizes": {"standard": px, "fixed": px - 3}})
