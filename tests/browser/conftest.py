"""Browser tests: the real app on a local port, driven by Debian's chromium through Playwright.

One server (its own SQLite database, migrated and loaded with the demo catalogue) and one browser
for the whole session; tests open pages in a few shared browser contexts, one per display setting.
Playwright's own browser download does not work here, so the tests always launch /usr/bin/chromium
and are skipped with a message when it is missing.
"""
from __future__ import annotations

import datetime as dt
import socket
import threading
from pathlib import Path

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, HOST, Portal, open_context


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _compile_catalogues(out_dir: Path) -> Path:
    """portal/translations/*/messages.po compiled into a temporary directory (fuzzy entries
    included, as `make compile` does), so pages are translated even if no .mo file was ever built."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    import portal

    for po_path in (Path(portal.__file__).parent / "translations").glob("*/LC_MESSAGES/messages.po"):
        lang = po_path.parent.parent.name
        with po_path.open("rb") as f:
            catalog = read_po(f, locale=lang)
        mo_path = out_dir / lang / "LC_MESSAGES" / "messages.mo"
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with mo_path.open("wb") as f:
            write_mo(f, catalog, use_fuzzy=True)
    return out_dir


@pytest.fixture(scope="session")
def portal_server(tmp_path_factory) -> Portal:
    """The portal on a free localhost port, with a fresh SQLite database holding the demo catalogue.

    Always SQLite, even when PORTAL_TEST_DATABASE_URL is set: the client tests cover PostgreSQL."""
    from alembic import command
    from sqlalchemy import select
    from werkzeug.serving import make_server

    from portal import create_app, db
    from portal.catalogue.models import Activity, ActivityText
    from portal.cli import alembic_config
    from portal.demo.loader import load_demo

    tmp = tmp_path_factory.mktemp("browser-portal")
    app = create_app(test_config={
        "DATABASE_URL": f"sqlite:///{tmp / 'portal.sqlite3'}",
        "SESSION_COOKIE_SECURE": False,
        "BABEL_TRANSLATION_DIRECTORIES": str(_compile_catalogues(tmp / "translations")),
    })
    synthetic = False
    with app.app_context():
        command.upgrade(alembic_config(), "head")
        session = db.session()
        counts = load_demo(session, dt.date.today())
        session.commit()
        if not counts.get("activities"):
            # No demo activities yet (portal/demo/data/activities-*.json): fall back on the generated
            # scale-test activities, so that the catalogue pages still have something to show.
            from portal.demo.synthetic import generate

            generate(session, 60)
            synthetic = True
        ids = list(session.scalars(select(Activity.id).order_by(Activity.id)))
        texts: dict[int, set[str]] = {i: set() for i in ids}
        for activity_id, lang in session.execute(select(ActivityText.activity_id, ActivityText.lang)):
            texts[activity_id].add(lang)
        session.close()
    if not ids:
        pytest.fail("The demo catalogue loaded no activities at all.")

    port = _free_port()
    server = make_server(HOST, port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="portal-browser-tests", daemon=True)
    thread.start()
    try:
        yield Portal(base_url=f"http://{HOST}:{port}", app=app, activity_ids=ids, texts_by_id=texts,
                     synthetic=synthetic)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"Debian chromium not installed at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def contexts(browser):
    """Shared browser contexts made on first use, one per setting: contexts(js=False, text_size=…)."""
    made: dict[tuple, object] = {}

    def get(**options):
        key = tuple(sorted(options.items()))
        if key not in made:
            made[key] = open_context(browser, **options)
        return made[key]

    yield get
    for context in made.values():
        context.close()


@pytest.fixture
def fresh_context(browser):
    """A context of the test's own, so its cookies and history do not reach other tests."""
    opened = []

    def make(**options):
        context = open_context(browser, **options)
        opened.append(context)
        return context

    yield make
    for context in opened:
        context.close()


@pytest.fixture
def page_in(contexts):
    """page_in(**context options): a new page in a shared context, closed after the test."""
    pages = []

    def make(**options):
        page = contexts(**options).new_page()
        pages.append(page)
        return page

    yield make
    for page in pages:
        page.close()


# --- for the form, staff and helper tests ----------------------------------------------------------

@pytest.fixture
def fresh_limits(portal_server):
    """The per-address rate limits emptied: every browser test comes from 127.0.0.1, and one test may
    send more forms than a minute's allowance of a single visitor."""
    from portal.limits import limiter

    limiter.reset()
    yield
    limiter.reset()


@pytest.fixture(scope="session")
def axe_mirror(browser):
    """A page that runs axe on what a JavaScript-off page shows: axe cannot finish in a context with
    JavaScript switched off (its timers never fire), so the HTML that page got is served again, at the
    same address (its CSS and images load from the app), to a page whose own scripts are refused but
    which can still run axe. mirror.show(url, html) loads it."""
    context = open_context(browser, bypass_csp=True)
    page = context.new_page()
    shown: dict[str, str] = {}

    def serve(route):
        request = route.request
        if request.is_navigation_request() and request.url == shown.get("url"):
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=shown["html"])
        elif request.resource_type == "script":
            route.abort()
        else:
            route.continue_()

    page.route("**/*", serve)

    def show(url: str, html: str) -> None:
        shown.update(url=url, html=html)
        page.goto(url)

    page.show = show
    yield page
    context.close()


@pytest.fixture
def axe_findings(axe_mirror):
    """axe_findings(page, what): axe-core's violations on the page as it is now, as a list of reports
    (empty when there are none), JavaScript on or off. For tests that check the rest before failing."""
    from browser_support import describe_violations, run_axe

    def find(page, what: str = "") -> list[str]:
        # enhance.js marks <html class="js"> on every page when the page's scripts run.
        js = page.evaluate("document.documentElement.classList.contains('js')")
        target = page
        if not js:
            axe_mirror.show(page.url, page.content())
            target = axe_mirror
        violations = run_axe(target)
        if not violations:
            return []
        return [f"axe-core found {len(violations)} violation(s) on {what or page.url} "
                f"({page.url}, JavaScript {'on' if js else 'off'}):\n" + describe_violations(violations)]

    return find


@pytest.fixture
def assert_no_axe(axe_findings):
    """assert_no_axe(page, what): zero axe-core violations on the page as it is now, JavaScript on or off."""
    def check(page, what: str = "") -> None:
        found = axe_findings(page, what)
        assert not found, found[0]

    return check


@pytest.fixture(scope="session")
def in_app(portal_server):
    """in_app(function): the function's result, run inside the browser server's app context."""
    from portal import db as portal_db

    def run(function):
        with portal_server.app.app_context():
            session = portal_db.session()
            try:
                return function(session)
            finally:
                session.close()

    return run


@pytest.fixture(scope="session")
def staff_session(portal_server, browser):
    """An administrator who is also an adviser and an editor, signed in through the pages (password,
    then the authenticator code) in a browser with JavaScript off: .account (staff_support.Staff),
    .context and .page(path) opening a page of that context."""
    from urllib.parse import urlparse

    import staff_support

    from portal.limits import limiter

    limiter.reset()
    account = staff_support.make_staff(portal_server.app, ["admin", "adviser", "editor"],
                                       name="Aada Admin")
    context = open_context(browser, js=False)
    page = context.new_page()
    page.goto(portal_server.url("/en/staff/"))
    assert urlparse(page.url).path == "/en/staff/sign-in", "staff pages ask to sign in first"
    page.fill("#email", account.email)
    page.fill("#password", account.password)
    with page.expect_navigation():
        page.locator("main form button[type='submit']").click()
    assert urlparse(page.url).path == "/en/staff/sign-in/code", f"the password was not accepted: {page.url}"
    page.fill("#code", staff_support.fresh_code(portal_server.app, account))
    with page.expect_navigation():
        page.locator("main form button[type='submit']").click()
    assert urlparse(page.url).path == "/en/staff/", f"the code was not accepted: {page.url}"
    page.close()

    class Signed:
        pass

    signed = Signed()
    signed.account, signed.context = account, context

    def open_page(path: str):
        opened = context.new_page()
        opened.goto(portal_server.url(path))
        return opened

    signed.page = open_page
    yield signed
    context.close()


@pytest.fixture(scope="session")
def translate(portal_server):
    """translate(lang, English message id): the app's own words for it, so tests need not copy them."""
    from flask_babel import force_locale, gettext

    def run(lang: str, message: str, **values) -> str:
        with portal_server.app.test_request_context(f"/{lang}/"), force_locale(lang):
            return str(gettext(message, **values))

    return run
