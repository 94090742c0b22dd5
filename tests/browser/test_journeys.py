"""Journeys through the portal as the people in PRODUCT.md take them, in a real browser, from the
first page to the last, where the pages meet:

- the older resident (Finnish) and the immigrant (Swedish, English): filter the catalogue, open an
  activity, print it, add it to the calendar, go back to the same results, print the list;
- the relative: a concern notice about someone else (every step, check your answers, send) and a
  callback for someone else;
- the digi-guide at a library computer: public-computer mode, two activities in my list, the
  handout, a callback for the resident they help, "clear everything I did", and then the next
  resident at the same address sends a callback of their own.

Each journey runs in fi, sv and en with JavaScript on and off; the two runs of a language take the
two screens in turn (a 360 px phone with the largest text: the site's "Larger" on top of Chromium's
"Very large" font, and a 1280 px desktop), so every language sees both screens and both modes.
After every step the test looks at what the person would notice: one h1 and one main, the address
matching the page, html lang, no user-interface words from another language, Finnish content
marked lang="fi", the focus after an in-place update, what was typed kept after a mistake, axe-core
clean. Problems that do not stop the journey are collected and reported together at its end.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import re
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from browser_support import DEFAULT_BROWSER_FONT_PX, LANGS, use_largest_browser_font
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from test_browser_behaviour import open_display_choices, shown_ids
from test_browser_forms import (
    CONCERN_STEPS,
    REFERENCE,
    callback_records,
    concern_by_reference,
    expect_error_summary,
    fill_callback,
    quick_exit_present,
    submit,
)
from test_browser_helpers import header_count, list_names, pdf_pages, pdf_text

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 800}
DESKTOP = {"width": 1280, "height": 900}
# Free, "I use a rollator", Thursdays: six demo activities, two of them without a Swedish text.
CHOICES = {"price": "free", "access": "rollator", "day": "thu"}
CHOICE_BOXES = ("#price-free", "#access-rollator", "#day-thu")
CALLBACK_FORM = "main form[action$='/callback']"


def journey_cases(langs=LANGS):
    """Each language with JavaScript on and off, the two runs on different screens, the screens
    alternating between languages: fi js on the phone, sv js on the desktop, en js on the phone."""
    for index, lang in enumerate(langs):
        for js in (True, False):
            phone = (index + js) % 2 == 1
            yield pytest.param(lang, js, phone, id=f"{lang}-{'js' if js else 'nojs'}-{360 if phone else 1280}")


# --- what the person notices ----------------------------------------------------------------------

PAGE_STATE_JS = """() => ({
  h1: [...document.querySelectorAll('h1')].map(h => h.innerText.trim()),
  mains: document.querySelectorAll('main, [role=main]').length,
  lang: document.documentElement.getAttribute('lang'),
  htmlClass: document.documentElement.className,
  title: document.title,
})"""

# Every text the page shows or says (text nodes, accessible names, the title), by the language it
# is marked as: the closest lang attribute.
TEXT_BY_LANG_JS = """() => {
  const out = {};
  const add = (el, text) => {
    text = (text || '').replace(/\\s+/g, ' ').trim();
    if (!text) return;
    const lang = (el.closest('[lang]') || document.documentElement).getAttribute('lang');
    (out[lang] = out[lang] || []).push(text);
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    const el = node.parentElement;
    if (el && !el.closest('script, style, template, svg')) add(el, node.nodeValue);
  }
  document.querySelectorAll('[aria-label], [title], [placeholder], [alt]').forEach(el =>
    ['aria-label', 'title', 'placeholder', 'alt'].forEach(a => add(el, el.getAttribute(a))));
  add(document.documentElement, document.title);
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.join('\\n')]));
}"""

# The languages the text nodes holding `needle` are marked as.
LANGS_OF_TEXT_JS = """needle => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    if (node.nodeValue.replace(/\\s+/g, ' ').includes(needle)) {
      const el = node.parentElement;
      found.push({lang: (el.closest('[lang]') || document.documentElement).getAttribute('lang'),
                  where: el.outerHTML.slice(0, 120)});
    }
  }
  return found;
}"""

FOCUS_JS = """() => { const a = document.activeElement;
  if (!a || a === document.body || !a.isConnected) return 'nothing (the body)';
  return a.tagName.toLowerCase() + (a.id ? '#' + a.id : '')
    + (a.className ? '.' + [...a.classList].join('.') : ''); }"""

# What the person has typed or chosen in a form: everything but hidden fields and buttons.
TYPED_JS = """form => Object.fromEntries([...form.elements]
  .filter(e => e.name && !['hidden', 'submit', 'button'].includes(e.type))
  .map(e => ['checkbox', 'radio'].includes(e.type) ? [e.name + '=' + e.value, e.checked] : [e.name, e.value]))"""


# The page's HTML without what differs on every visit and cannot change what axe finds.
NORMALISED_HTML_JS = """() => { const copy = document.documentElement.cloneNode(true);
  copy.querySelectorAll('input[type=hidden]').forEach(i => i.removeAttribute('value'));
  copy.querySelectorAll('[nonce]').forEach(e => e.removeAttribute('nonce'));
  return copy.outerHTML; }"""
AXE_CLEAN: set[tuple] = set()  # pages axe found clean in this session: (js, phone, digest of the HTML)


@functools.cache
def foreign_ui_strings(lang: str) -> tuple[str, ...]:
    """The portal's own user-interface sentences in the other two languages that differ from this
    language's: any of them on a `lang` page outside an element marked with another language is an
    untranslated string leaking through. Only whole phrases without placeholders (two words and ten
    characters at least), so that names and words shared by the languages do not count."""
    from babel.messages.pofile import read_po

    import portal

    root = Path(portal.__file__).parent / "translations"
    catalogues = {}
    for code in LANGS:
        with (root / code / "LC_MESSAGES" / "messages.po").open("rb") as f:
            catalogues[code] = read_po(f, locale=code)
    found = set()
    for message in catalogues["en"]:
        if not message.id or not isinstance(message.id, str):
            continue  # the header, and plurals (they always have a placeholder)
        texts = {code: (catalogues[code].get(message.id).string if catalogues[code].get(message.id) else "")
                 for code in LANGS}
        own = texts[lang] or ""
        for other in {texts["en"] or message.id, *(texts[c] for c in LANGS if c != lang)}:
            if (other and other != own and other not in own and "%" not in other and "<" not in other
                    and " " in other.strip() and len(other) >= 10):
                found.add(" ".join(other.split()))
    return tuple(sorted(found))


class Journey:
    """One person's way through the portal in one browser page; `look` after every step."""

    def __init__(self, page, *, lang: str, js: bool, phone: bool, axe_findings, axe_mirror, translate, who: str):
        self.page, self.lang, self.js, self.phone = page, lang, js, phone
        self.axe_findings, self.axe_mirror, self.translate, self.who = axe_findings, axe_mirror, translate, who
        self.problems: list[str] = []
        self.script_errors: list[str] = []
        self.step = "the start"
        self.larger_text = False  # set once the larger text has been chosen
        # Scripts that break, and files the page asks for but does not get (htmx's own log of a
        # request it cancelled because a newer one replaced it is no problem).
        page.on("pageerror", lambda error: self.script_errors.append(str(error)))
        page.on("console", self._console)
        if phone:
            use_largest_browser_font(page)

    def _console(self, message) -> None:
        if message.type == "error" and ("Failed to load resource" in message.text
                                        or "Content Security Policy" in message.text):
            self.script_errors.append(message.text)

    def _(self, message: str, **values) -> str:
        return self.translate(self.lang, message, **values)

    # Problems that stop the journey fail at once; the others are gathered for the end.
    def fail_message(self, message: str) -> str:
        earlier = "".join(f"\n  (earlier: {p})" for p in self.problems)
        return f"{self.who}, at “{self.step}” ({self.page.url}): {message}{earlier}"

    def require(self, condition, message: str) -> None:
        assert condition, self.fail_message(message)

    def note(self, condition, message: str) -> None:
        if not condition:
            self.problems.append(f"at “{self.step}” ({self.page.url}): {message}")

    def finish(self) -> None:
        assert not self.problems, f"{self.who} noticed {len(self.problems)} problem(s):\n" + "\n".join(self.problems)

    def settle(self) -> None:
        """With JavaScript, let htmx finish any request and swap before looking."""
        if self.js:
            self.page.wait_for_function("() => document.readyState === 'complete'"
                                        " && !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")

    def look(self, step: str, *, path: str | re.Pattern, h1: str | None = None, error: bool = False) -> str:
        """What anyone notices on arriving at a page: the page's h1 is returned."""
        self.step = step
        page = self.page
        page.wait_for_load_state()
        self.settle()
        state = page.evaluate(PAGE_STATE_JS)
        self.require(len(state["h1"]) == 1 and state["mains"] == 1,
                     f"{len(state['h1'])} h1 ({state['h1'][:3]}) and {state['mains']} main: "
                     "a page has exactly one of each")
        shown = state["h1"][0]
        self.require(state["lang"] == self.lang, f'<html lang="{state["lang"]}"> on a {self.lang} page')
        address = urlparse(page.url).path
        matches = address == path if isinstance(path, str) else path.fullmatch(address)
        if not matches:
            said = page.locator(".error-summary, main").first.inner_text()[:200].replace("\n", " ")
            self.require(False, f"the address is {page.url}, expected the page at {getattr(path, 'pattern', path)}; "
                                f"the page “{shown}” says: {said!r}")
        if h1 is not None:
            self.require(shown == h1, f"the page's h1 is “{shown}”, expected “{h1}”")
        title = state["title"]
        if error:
            prefix = self._("Error:")
            self.note(title.startswith(prefix), f"the title “{title}” does not start with “{prefix}”")
            title = title.removeprefix(prefix).strip()
        self.note(title.startswith(shown), f"the title “{state['title']}” does not begin with the h1 “{shown}”")
        if self.phone and self.larger_text:
            self.note("text-larger" in state["htmlClass"].split(), "the larger text chosen earlier is gone")
        self.check_axe()
        self.check_no_foreign_ui()
        if self.script_errors:
            self.note(False, f"errors in the browser console: {self.script_errors}")
            self.script_errors.clear()
        return shown

    def check_axe(self) -> None:
        """axe-core on the page as it is now, unless this journey or another has already found the
        very same page clean on the same screen (same HTML but for form tokens and nonces)."""
        html = self.page.evaluate(NORMALISED_HTML_JS)
        key = (self.js, self.phone, hashlib.sha256(html.encode()).hexdigest())
        if key in AXE_CLEAN:
            return
        if self.js:
            found = self.axe_findings(self.page, self.step)
        else:  # axe runs in a page of its own: give it this page's screen and font size
            mirror, size = self.axe_mirror, self.axe_mirror.viewport_size
            mirror.set_viewport_size(self.page.viewport_size)
            if self.phone:
                use_largest_browser_font(mirror)
            try:
                found = self.axe_findings(self.page, self.step)
            finally:
                mirror.set_viewport_size(size)
                if self.phone:
                    use_largest_browser_font(mirror, DEFAULT_BROWSER_FONT_PX)
        self.problems.extend(f"at “{self.step}”: {p}" for p in found)
        if not found:
            AXE_CLEAN.add(key)

    def check_no_foreign_ui(self) -> None:
        texts = self.page.evaluate(TEXT_BY_LANG_JS).get(self.lang, "")
        leaked = [s for s in foreign_ui_strings(self.lang) if s in texts]
        self.note(not leaked, f"user-interface text from another language on a {self.lang} page, not marked "
                              f"with its language: {leaked[:5]}")

    def check_marked(self, text: str, lang: str) -> None:
        """Every place the page shows `text` (an activity's Finnish name) says it is in `lang`."""
        places = self.page.evaluate(LANGS_OF_TEXT_JS, text)
        wrong = [p["where"] for p in places if p["lang"] != lang]
        self.note(places and not wrong, f"“{text}” is shown without lang=\"{lang}\" at: {wrong[:3]}"
                  if places else f"“{text}” is not on the page at all")

    def focus_is(self, description: str, test_js: str) -> None:
        if self.js:
            self.note(self.page.evaluate(test_js),
                      f"after the in-place update the focus is on {self.page.evaluate(FOCUS_JS)}, not on {description}")

    def follow(self, locator) -> None:
        """Press a link or button that goes to another page (or, with htmx, may update this one)."""
        self.require(locator.count() >= 1, f"nothing to press: {locator}")
        with self.page.expect_navigation():
            locator.first.click()

    def reveal(self, selector: str) -> None:
        """Open what a person opens to reach a control: the closed <details> around it ("More
        choices", or on a phone the control that shows the filters)."""
        target = self.page.locator(selector)
        for _ in range(3):
            if target.is_visible():
                return
            closed = self.page.locator("details:not([open])").filter(has=target)
            if not closed.count():
                break
            closed.first.locator(":scope > summary").click()
        self.require(target.is_visible(), f"{selector} cannot be reached on this screen")

    def typed(self, form: str) -> dict:
        return self.page.locator(form).evaluate(TYPED_JS)

    def send_with_mistake(self, form: str, *, step: str, path: str, h1: str, fields: list[str]) -> None:
        """Send a form that has a mistake: the error summary, and everything typed still there."""
        before = self.typed(form)
        submit(self.page, form)
        self.look(f"{step}, with a mistake", path=path, h1=h1, error=True)
        expect_error_summary(self.page, self.js, fields)
        after = self.typed(form)
        lost = {name: (value, after.get(name)) for name, value in before.items() if after.get(name) != value}
        self.note(not lost, f"what was typed was lost after the error (typed, now): {lost}")


def start(fresh_context, axe_findings, axe_mirror, translate, *, lang, js, phone, who, larger_cookie=True) -> Journey:
    # bypass_csp lets axe run in JavaScript pages; without JavaScript axe_findings checks the same
    # HTML in a page of its own.
    screen = PHONE if phone else DESKTOP
    text_size = "larger" if phone and larger_cookie else None
    page = fresh_context(js=js, bypass_csp=js, text_size=text_size, **screen).new_page()
    journey = Journey(page, lang=lang, js=js, phone=phone, axe_findings=axe_findings, axe_mirror=axe_mirror,
                      translate=translate, who=who)
    journey.larger_text = bool(text_size)
    return journey


# --- the older resident and the immigrant ---------------------------------------------------------

def find_and_keep_an_activity(j: Journey, portal_server) -> None:
    page, lang = j.page, j.lang
    page.goto(portal_server.url(f"/{lang}/"))
    j.look("the front page", path=f"/{lang}/", h1=j._("Activities and help for older people"))
    if j.phone:
        open_display_choices(page)
        j.follow(page.locator("button[name='text_size'][value='larger']"))
        j.larger_text = True
        j.look("the front page after choosing larger text", path=f"/{lang}/")
        j.require("text-larger" in page.get_attribute("html", "class"), "“Larger” did not make the text larger")

    find_activities = j._("Find activities")
    j.follow(page.locator("nav.main-nav a[href$='/activities']"))
    j.look("the catalogue", path=f"/{lang}/activities", h1=find_activities)

    # Free, a need, a day: ticked one by one, as a person does. On a phone the results come first,
    # and a "Change choices" link leads down to the choices.
    change = page.locator("main .change-choices a[href^='#']")
    if j.phone and change.count():
        change.first.click()
    for box in CHOICE_BOXES:
        j.reveal(box)
        page.locator(box).click()
    if j.js:
        page.wait_for_url(lambda url: all(f"{k}={v}" in url for k, v in CHOICES.items()))
    else:
        j.follow(page.locator("form.filters button[type='submit']"))
    expected = portal_server.api(urlparse(page.url).query, lang=lang)
    if j.js:
        page.wait_for_function("n => document.querySelector('#result-count').innerText.includes(n)",
                               arg=str(expected["count"]))
    j.look("the results for free, rollator, Thursdays", path=f"/{lang}/activities", h1=find_activities)
    query = parse_qs(urlparse(page.url).query)
    j.require(all(query.get(k) == [v] for k, v in CHOICES.items()),
              f"the address does not hold the choices: {page.url}")
    results_url, ids = page.url, shown_ids(page)
    j.require(ids == [item["id"] for item in expected["results"]] and ids,
              f"the results shown {ids} are not those of the address {[i['id'] for i in expected['results']]}")
    for box in CHOICE_BOXES:
        j.note(page.locator(box).is_checked(), f"{box} is not shown as chosen")
    j.note(str(expected["count"]) in page.locator("#result-count").inner_text(), "the count is not the number found")
    if j.js:
        j.focus_is("the last box ticked", "document.activeElement && document.activeElement.id === 'day-thu'")
        j.note(str(expected["count"]) in page.locator("#results-status").inner_text(),
               "the status message does not tell screen-reader users the new count")
    if j.phone:
        top = page.evaluate("() => { const c = document.querySelector('#results .activity-card');"
                            " return c.getBoundingClientRect().top + window.scrollY; }")
        screens = top / PHONE["height"]
        j.note(screens <= 2, f"the first result is {top:.0f} px down, {screens:.1f} screens of a 360 × 800 phone "
                             "with the largest text (at most two)")
    for item in expected["results"]:
        if item["name_language"] != lang:
            j.check_marked(item["name"], item["name_language"])

    # An activity: one in Finnish only, if the page's language has one, so the immigrant meets it.
    chosen = next((i for i in expected["results"] if i["name_language"] != lang), expected["results"][0])
    j.follow(page.locator(f"#results .activity-card h3 a[href$='/activities/{chosen['id']}']"))
    activity_path = f"/{lang}/activities/{chosen['id']}"
    name = j.look("the activity's page", path=activity_path, h1=chosen["name"])
    if chosen["name_language"] != lang:
        j.note(page.locator("h1").evaluate("h => h.closest('[lang]').getAttribute('lang')") == chosen["name_language"],
               "the Finnish name in the h1 is not marked lang=\"fi\"")
        j.note(page.locator(".translation-missing").is_visible(), "no notice says the activity is shown in Finnish")
        j.check_marked(name, chosen["name_language"])

    print_page(j, "the activity's page")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")
    printed_links = page.locator("main a[href^='http']").evaluate_all(
        "links => links.filter(a => a.getClientRects().length).map(a => a.href)")
    page.emulate_media(media="screen")
    text = pdf_text(pdf)
    if text is not None:  # pdftotext (Debian poppler-utils) reads the paper back; without it, only the screen checks
        printed = " ".join(text.split())
        pages = pdf_pages(pdf, text)
        j.note(pages <= 2, f"the activity prints on {pages} A4 pages (one or two expected)")
        j.note(" ".join(name.split()) in printed, "the printed page does not have the activity's name")
        for link in printed_links:  # a link on paper is only of use with its address
            j.note(urlparse(link).netloc in printed, f"the printed page has the link to {link} without its address")

    calendar_file(j, chosen["id"], name)
    j.look("the activity's page after the calendar file", path=activity_path, h1=name)

    page.go_back()
    j.look("the results again, with the browser's Back", path=f"/{lang}/activities", h1=find_activities)
    j.require(page.url == results_url, f"Back gives {page.url}, not the results {results_url}")
    with contextlib.suppress(PlaywrightTimeout):  # the assertion below says what is shown instead
        page.wait_for_function("ids => JSON.stringify([...document.querySelectorAll('#results .activity-card h3 a')]"
                               ".map(a => +a.getAttribute('href').match(/activities\\/(\\d+)/)[1]))"
                               " === JSON.stringify(ids)",
                               arg=ids, timeout=5000)
    j.require(shown_ids(page) == ids, f"Back shows the results {shown_ids(page)}, not the same {ids}")
    for box in CHOICE_BOXES:
        j.note(page.locator(box).is_checked(), f"after Back, {box} is no longer shown as chosen")
    page.go_forward()
    j.look("the activity again, with the browser's Forward", path=activity_path, h1=name)
    page.go_back()
    j.look("the results once more, with Back", path=f"/{lang}/activities", h1=find_activities)
    j.require(shown_ids(page) == ids, f"Back shows the results {shown_ids(page)}, not the same {ids}")
    print_page(j, "the results page")
    j.finish()


def print_page(j: Journey, what: str) -> None:
    """The print button (with JavaScript; without, the words saying how to print), then what the
    print stylesheet puts on paper: the content without navigation, and no "today" or "tomorrow"
    that is wrong by the time the paper is read."""
    page = j.page
    button = page.locator("main button[data-print]")
    j.require(button.count() >= 1, f"no print button on {what}")
    if j.js:
        j.note(button.first.is_visible(), f"the print button on {what} is hidden with JavaScript on")
        page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
        button.first.click()
        times = page.evaluate("window.__printed")
        j.note(times == 1, f"pressing the print button on {what} opens the print dialog {times} times (once expected)")
    else:
        j.note(not button.first.is_visible(), f"a print button that cannot work is shown on {what}")
        j.note(page.locator("main .no-js-print").first.is_visible(),
               f"without JavaScript {what} does not say how to print")
    page.emulate_media(media="print")
    try:
        for selector in ("nav.main-nav", "nav.languages", "form.filters", "footer", "form.display-choices"):
            shown = page.locator(selector)
            j.note(not (shown.count() and shown.first.is_visible()), f"{selector} is printed with {what}")
        j.note(page.locator("main h1").is_visible(), f"the h1 of {what} is not printed")
        printed = page.locator("main").inner_text()
        for word in (j._("Today"), j._("Tomorrow")):
            j.note(not re.search(rf"\b{re.escape(word)}\b", printed, re.IGNORECASE),
                   f"{what} prints “{word}”, which is wrong by the time the paper is read")
    finally:
        page.emulate_media(media="screen")


def calendar_file(j: Journey, activity_id: int, name: str) -> None:
    """"Add to your calendar" downloads a file that a calendar app can read; the page stays."""
    import icalendar

    page = j.page
    j.step = "add to the calendar"
    link = page.locator(f"main a[href$='/activities/{activity_id}.ics']")
    j.require(link.count() == 1, "no “Add to your calendar” link")
    try:
        with page.expect_download(timeout=5000) as download_info:
            link.click()
    except PlaywrightTimeout:
        j.settle()
        shown = page.locator("body").inner_text()[:160].replace("\n", " ")
        j.require(False, f"“Add to your calendar” downloaded no file; the page shows: {shown!r}")
    content = Path(download_info.value.path()).read_bytes()
    try:
        calendar = icalendar.Calendar.from_ical(content)
    except ValueError as error:
        j.require(False, f"the calendar file does not parse: {error}")
    events = calendar.walk("VEVENT")
    j.require(events, "the calendar file has no event")
    j.note(all(str(e.get("SUMMARY")) == name for e in events),
           f"the calendar events are called {sorted({str(e.get('SUMMARY')) for e in events})}, not “{name}”")
    j.note("BEGIN:VCALENDAR" not in page.locator("body").inner_text(), "the calendar file was pasted into the page")


@pytest.mark.parametrize("lang, js, phone", list(journey_cases(("fi",))))
def test_older_resident_finds_an_activity_and_keeps_it(portal_server, fresh_context, axe_findings, axe_mirror,
                                                        translate, lang, js, phone):
    j = start(fresh_context, axe_findings, axe_mirror, translate, lang=lang, js=js, phone=phone,
              who="The older resident", larger_cookie=False)
    find_and_keep_an_activity(j, portal_server)


@pytest.mark.parametrize("lang, js, phone", list(journey_cases(("sv", "en"))))
def test_immigrant_finds_an_activity_in_their_language(portal_server, fresh_context, axe_findings, axe_mirror,
                                                       translate, lang, js, phone):
    j = start(fresh_context, axe_findings, axe_mirror, translate, lang=lang, js=js, phone=phone,
              who="The immigrant", larger_cookie=False)
    find_and_keep_an_activity(j, portal_server)


# --- the relative ---------------------------------------------------------------------------------

def concern_step_title(portal_server, lang: str, step: str) -> str:
    from flask_babel import force_locale

    from portal.concern.flow import BY_NAME

    with portal_server.app.test_request_context(f"/{lang}/"), force_locale(lang):
        return str(BY_NAME[step].title)


def ask_for_a_call(j: Journey, in_app, *, for_other: bool, mistakes: list[str], who: str) -> str:
    """The callback form from the main navigation, sent with the given mistakes first (each a
    field to get wrong), then right; returns the reference of the stored request."""
    page, lang = j.page, j.lang
    j.follow(page.locator("nav.main-nav a[href$='/callback']"))
    h1 = j._("Ask us to call you back")
    j.look(f"{who}: the callback form", path=f"/{lang}/callback", h1=h1)
    if for_other:
        j.follow(page.locator("main a[href*='for=other']"))
        h1 = j._("Ask us to call someone you help")
        j.look(f"{who}: the callback form for someone else", path=f"/{lang}/callback", h1=h1)
        j.require(page.locator("#helper_name").count() == 1, "the form does not ask about the helper")
    j.note(page.input_value("#name") == "" and page.input_value("#phone") == "",
           "the callback form is not empty: someone else's answers are shown")
    name = f"{who.split()[0]} {uuid.uuid4().hex[:8]}"
    helper = f"Helper {uuid.uuid4().hex[:8]}" if for_other else None
    fill_callback(page, name=name, phone="040 123 4567", helper=helper)
    right = {"name": name, "phone": "040 123 4567", "helper_name": helper}
    for mistake in mistakes:  # a phone number that cannot be one, or a name left out
        page.fill(f"#{mistake}", "040 CALL NOW" if mistake == "phone" else "")
        j.send_with_mistake(CALLBACK_FORM, step=f"{who}: the callback form", path=f"/{lang}/callback", h1=h1,
                            fields=[mistake])
        page.fill(f"#{mistake}", right[mistake])
    submit(page, CALLBACK_FORM)
    j.look(f"{who}: the callback request sent", path=f"/{lang}/callback/sent", h1=j._("Your request has been sent"))
    reference = page.locator("main strong.reference").inner_text().strip()
    j.require(REFERENCE.match(reference), f"the reference {reference!r} is not short and unambiguous")
    stored = callback_records(in_app, reference=reference)
    j.require(len(stored) == 1, f"{len(stored)} stored requests with the reference {reference}")
    record = stored[0]
    j.require((record.name, record.for_someone_else, record.helper_name) == (name, for_other, helper),
              f"stored as {(record.name, record.for_someone_else, record.helper_name)}")
    return reference


@pytest.mark.parametrize("lang, js, phone", list(journey_cases()))
def test_relative_tells_of_a_concern_and_asks_a_call_for_someone_else(
        portal_server, fresh_context, axe_findings, axe_mirror, translate, in_app, fresh_limits, lang, js, phone):
    j = start(fresh_context, axe_findings, axe_mirror, translate, lang=lang, js=js, phone=phone, who="The relative")
    page = j.page
    page.goto(portal_server.url(f"/{lang}/"))
    j.look("the front page", path=f"/{lang}/", h1=j._("Activities and help for older people"))
    j.follow(page.locator("nav.main-nav a[href$='/concern']"))
    j.look("the concern notice", path=f"/{lang}/concern", h1=j._("Worried about an older person?"))
    quick_exit_present(page)
    j.follow(page.locator("main a.button.primary[href$='/concern/step/urgency']"))

    for step, (_fields, answer) in CONCERN_STEPS.items():
        step_path, title = f"/{lang}/concern/step/{step}", concern_step_title(portal_server, lang, step)
        j.look(f"the concern step “{step}”", path=step_path, h1=title)
        quick_exit_present(page)
        if step == "person":  # the name and birth year typed, the rest forgotten at first
            page.fill("#name", "Aino Esimerkki")
            page.fill("#age", "1944")
            j.send_with_mistake("main form", step=f"the concern step “{step}”", path=step_path, h1=title,
                                fields=["address", "phone"])
        answer(page, True)  # a relative who gives their name
        submit(page, "main form")

    j.look("check your answers", path=f"/{lang}/concern/check", h1=j._("Check your answers"))
    quick_exit_present(page)
    answers = page.locator("main").inner_text()
    j.note("Aino Esimerkki" in answers and "1944" in answers and "Notifier Test" in answers,
           "check your answers does not show what was typed")
    submit(page, "main form[action$='/concern/check']")
    j.look("the concern notice sent", path=f"/{lang}/concern/sent", h1=j._("Your notice has been sent"))
    reference = page.locator("main strong.reference").inner_text().strip()
    j.require(REFERENCE.match(reference), f"the reference {reference!r} is not short and unambiguous")
    stored = concern_by_reference(in_app, reference)
    j.require(len(stored) == 1, f"{len(stored)} stored notices with the reference {reference}")
    j.require((stored[0].notifier_role, stored[0].anonymous) == ("relative", False),
              f"stored as {(stored[0].notifier_role, stored[0].anonymous)}, not from a named relative")

    ask_for_a_call(j, in_app, for_other=True, mistakes=["phone"], who="The relative")
    j.finish()


# --- the digi-guide at a library computer ---------------------------------------------------------

def add_to_my_list(j: Journey, index: int) -> str:
    """Press "Add to my list" on a result, with the keyboard, as a digi-guide shows the resident."""
    page = j.page
    card = page.locator("#results .activity-card").nth(index)
    name = card.locator("h3 a").inner_text().strip()
    before = page.url
    button = card.locator("form.mylist-toggle button[type='submit']")
    button.focus()
    if j.js:
        with page.expect_response(lambda r: "/my-list/add/" in r.url and r.request.method == "POST"):
            page.keyboard.press("Enter")
        card.locator(".in-list").wait_for()
        j.settle()
        j.step = f"added “{name}” to my list"
        j.focus_is("the list button",
                   "!!(document.activeElement && document.activeElement.closest('form.mylist-toggle'))")
        j.note(page.url == before, f"adding to my list changed the address from {before}")
    else:
        with page.expect_navigation():
            page.keyboard.press("Enter")
    j.look(f"the results after adding “{name}” to my list", path=f"/{j.lang}/activities", h1=j._("Find activities"))
    card = page.locator("#results .activity-card").nth(index)
    j.note(card.locator(".in-list").count() == 1, f"“{name}” is not shown as in the list")
    label = " ".join(card.locator("form.mylist-toggle button").evaluate("b => b.textContent").split())
    j.note(name in label, f"the button now reads “{label}” to a screen reader: it does not name the activity")
    j.note(f"({index + 1})" in header_count(page), f"the header says “{header_count(page)}” after adding {index + 1}")
    return name


@pytest.mark.parametrize("lang, js, phone", list(journey_cases()))
def test_digi_guide_helps_at_a_library_computer_then_the_next_resident_sends_a_callback(
        portal_server, fresh_context, axe_findings, axe_mirror, translate, in_app, fresh_limits, lang, js, phone):
    j = start(fresh_context, axe_findings, axe_mirror, translate, lang=lang, js=js, phone=phone, who="The digi-guide")
    page = j.page
    page.goto(portal_server.url(f"/{lang}/"))
    home = j._("Activities and help for older people")
    j.look("the front page", path=f"/{lang}/", h1=home)
    j.follow(page.locator("footer form.public-switch button[name='mode'][value='on']"))
    j.look("public-computer mode on", path=f"/{lang}/", h1=home)
    j.require(page.locator("form.clear-bar button").is_visible(), "public-computer mode shows no “clear” button")

    j.follow(page.locator("nav.main-nav a[href$='/activities']"))
    j.look("the catalogue", path=f"/{lang}/activities", h1=j._("Find activities"))
    names = [add_to_my_list(j, 0), add_to_my_list(j, 1)]

    j.follow(page.locator("nav.main-nav a[href$='/my-list']"))
    j.look("my list", path=f"/{lang}/my-list", h1=j._("My list"))
    j.require(list_names(page) == names, f"my list shows {list_names(page)}, not {names}")
    j.follow(page.locator("main a[href*='/my-list/handout']"))
    j.look("the handout", path=f"/{lang}/my-list/handout", h1=j._("Activities for you"))
    handout = [" ".join(t.split()) for t in page.locator(".handout-item h2").all_inner_texts()]
    j.require(handout == names, f"the handout has {handout}, not {names}")

    # The resident being helped also wants a call: the digi-guide fills it in for them.
    ask_for_a_call(j, in_app, for_other=True, mistakes=["helper_name", "phone"], who="The digi-guide")

    j.follow(page.locator("form.clear-bar button"))
    j.larger_text = False  # the display choices are forgotten too
    j.look("after “clear everything I did”", path=f"/{lang}/", h1=home)
    j.note(j._("Everything you did on this computer has been cleared: your list, unfinished forms and choices.")
           in page.locator("main").inner_text(), "nothing says that everything was cleared")
    j.note("(" not in header_count(page), f"the header still counts a list: “{header_count(page)}”")
    j.require(page.locator("form.clear-bar").count() == 1, "the computer left public-computer mode")

    # The next resident, at the same computer and address: a callback for themselves, with two slips.
    j.who = "The next resident"
    ask_for_a_call(j, in_app, for_other=False, mistakes=["phone", "name"], who="The next resident")
    j.follow(page.locator("nav.main-nav a[href$='/my-list']"))
    j.look("the next resident's list", path=f"/{lang}/my-list", h1=j._("My list"))
    j.note(list_names(page) == [], f"the next resident finds the previous list: {list_names(page)}")
    j.finish()
