"""Every page type is valid HTML, as the W3C Nu checker (vnu) judges it, in fi, sv and en.

vnu is a Java program: it is started ONCE per test session on all the pages together (starting the JVM
per page would take minutes). The pages are rendered through the test client, written to a temporary
folder, checked, and each page type then has its own test that lists the errors found in it.

vnu.jar comes from npm's vnu-jar package (`make vnu`: node_modules/vnu-jar/build/dist/vnu.jar) or from
the path in VNU_JAR; the tests skip with a message when the jar or java is missing.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from form_support import STEP_ORDER, hidden_fields, resident, send_callback, send_concern, step_url, walk_concern
from helpers_support import toggle, token_from

from portal.limits import limiter

ROOT = Path(__file__).resolve().parent.parent
JAR = Path(os.environ.get("VNU_JAR") or ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar")
LANGS = ("fi", "sv", "en")

# The kinds of page, each rendered in every language. Each returns the HTML a browser gets.
KINDS = ["home", "catalogue", "catalogue-filtered", "catalogue-empty", "catalogue-page-2", "activity",
         "activity-finnish-only", "my-list", "my-list-empty", "my-list-shared", "handout", "callback",
         "callback-errors", "callback-sent", "callback-status", "concern-start",
         *(f"concern-{step}" for step in STEP_ORDER), "concern-check", "concern-sent", "report", "contact", "privacy",
         "accessibility", "public-computer", "staff-sign-in", "not-found", "feedback-contact", "feedback-thanks",
         "found-again", "found-thanks", "carers", "professionals", "questions", "callback-helper",
         "callback-status-found", "concern-status", "concern-status-found", "privacy-kind", "rights"]


def java() -> str | None:
    return shutil.which("java")


def render_all(app, catalogue) -> dict[str, str]:
    """{"kind/lang": html} for every kind of page in every language."""
    limiter.reset()
    pages: dict[str, str] = {}

    def keep(kind, lang, response, status=200):
        assert response.status_code == status, (kind, lang, response.status_code)
        assert response.mimetype == "text/html", (kind, lang, response.mimetype)
        pages[f"{kind}/{lang}"] = response.get_data(as_text=True)

    for lang in LANGS:
        person = resident(app)
        get = person.get
        keep("home", lang, get(f"/{lang}/"))
        keep("catalogue", lang, get(f"/{lang}/activities"))
        keep("catalogue-filtered", lang,
             get(f"/{lang}/activities?category=exercise&price=free&access=seated&day=mon&day=tue&near=00530&sort=nearest"
                 "&max_price=abc&category=bogus"))
        keep("catalogue-empty", lang, get(f"/{lang}/activities?q=zzzzzzzz&category=culture&access=wheelchair"))
        keep("catalogue-page-2", lang, get(f"/{lang}/activities?page=2&access=seated&show=unchecked"))
        keep("activity", lang, get(f"/{lang}/activities/{catalogue['chair-gym']}"))
        keep("activity-finnish-only", lang, get(f"/{lang}/activities/{catalogue['nature-walk']}"))
        keep("my-list-empty", lang, get(f"/{lang}/my-list"))
        token = token_from(person, f"/{lang}/privacy")
        for key in ("chair-gym", "nature-walk", "digi-help"):
            assert toggle(person, lang, "add", catalogue[key], token).status_code == 303
        keep("my-list", lang, get(f"/{lang}/my-list"))
        ids = ".".join(str(catalogue[k]) for k in ("chair-gym", "crafts-cafe"))
        keep("my-list-shared", lang, resident(app).get(f"/{lang}/my-list?ids={ids}"))
        keep("handout", lang, get(f"/{lang}/my-list/handout"))
        form = get(f"/{lang}/callback")
        keep("callback", lang, form)
        # Sent empty: the error summary and the messages beside the fields.
        keep("callback-errors", lang, person.post(f"/{lang}/callback", data=hidden_fields(form, f"/{lang}/callback")))
        keep("concern-start", lang, get(f"/{lang}/concern"))
        walk_concern(person, lang)
        for step in STEP_ORDER:
            keep(f"concern-{step}", lang, get(step_url(lang, step)))
        keep("concern-check", lang, get(f"/{lang}/concern/check"))
        assert send_concern(person, lang).status_code == 303
        keep("concern-sent", lang, get(f"/{lang}/concern/sent"))
        assert send_callback(person, lang).status_code in (302, 303)
        keep("callback-sent", lang, get(f"/{lang}/callback/sent"))
        keep("callback-status", lang, get(f"/{lang}/callback/status"))
        keep("callback-helper", lang, get(f"/{lang}/callback?for=other"))
        for kind, path, check in (("callback-status-found", "callback/status", {"last_digits": "4567"}),
                                  ("concern-status-found", "concern/status", {"check": "2233"})):
            sent = pages[f"{kind.split('-')[0]}-sent/{lang}"]
            reference = sent.split('class="reference">', 1)[1].split("<", 1)[0]
            page = get(f"/{lang}/{path}")
            keep(kind, lang, person.post(f"/{lang}/{path}", data={**hidden_fields(page, f"/{lang}/{path}"),
                                                                  "reference": reference, **check}))
            assert 'role="status"' in pages[f"{kind}/{lang}"], f"{kind}: nothing found"
        keep("concern-status", lang, get(f"/{lang}/concern/status"))
        keep("privacy-kind", lang, get(f"/{lang}/privacy/concern-notice"))
        keep("rights", lang, get(f"/{lang}/rights"))
        keep("report", lang, get(f"/{lang}/activities/{catalogue['chair-gym']}/report"))
        keep("contact", lang, get(f"/{lang}/contact"))
        keep("privacy", lang, get(f"/{lang}/privacy"))
        keep("accessibility", lang, get(f"/{lang}/accessibility"))
        keep("staff-sign-in", lang, get(f"/{lang}/staff/sign-in"))
        shared = resident(app)
        switched = shared.post(f"/{lang}/public-computer",
                               data={"mode": "on", "csrf_token": token_from(shared, f"/{lang}/privacy")})
        assert switched.status_code in (302, 303)
        keep("public-computer", lang, shared.get(f"/{lang}/"))
        assert 'class="clear-bar"' in pages[f"public-computer/{lang}"], "public-computer mode did not switch on"
        keep("not-found", lang, get(f"/{lang}/no-such-page"), status=404)
        keep("feedback-contact", lang, get(f"/{lang}/feedback/callback"))
        keep("feedback-thanks", lang, get(f"/{lang}/feedback/thanks"))
        keep("found-again", lang, person.post(f"/{lang}/feedback/found", data={"back": f"/{lang}/activities"},
                                              headers={"Sec-Fetch-Site": "same-origin"}), status=400)
        keep("found-thanks", lang, get(f"/{lang}/feedback/found/thanks?answer=no"))
        for slug in ("carers", "professionals", "questions"):
            keep(slug, lang, get(f"/{lang}/{slug}"))
    limiter.reset()
    return pages


def run_vnu(folder: Path) -> list[dict]:
    """vnu's messages for every .html file in the folder, in one run of the JVM."""
    files = sorted(str(p) for p in folder.glob("*.html"))
    completed = subprocess.run([java(), "-jar", str(JAR), "--format", "json", "--exit-zero-always", "--stdout",
                                *files], capture_output=True, text=True, timeout=600, check=False)
    if not completed.stdout.strip():
        pytest.fail(f"vnu printed no report (exit {completed.returncode}): {completed.stderr[:2000]}")
    return json.loads(completed.stdout)["messages"]


@pytest.fixture(scope="session")
def vnu_errors(app, catalogue, tmp_path_factory) -> dict[str, list[str]]:
    """{"kind/lang": [error, ...]} for every page, from one vnu run."""
    if java() is None:
        pytest.skip("java is not installed (Debian: apt-get install default-jre-headless): the W3C Nu checker cannot run")
    if not JAR.exists():
        pytest.skip(f"vnu.jar not found at {JAR}: run `make vnu` (npm's vnu-jar package) or set VNU_JAR")
    pages = render_all(app, catalogue)
    folder = tmp_path_factory.mktemp("vnu")
    names = {}
    for key, html in pages.items():
        path = folder / (key.replace("/", "--") + ".html")
        path.write_text(html, encoding="utf-8")
        names[path.resolve().as_posix()] = key
    found: dict[str, list[str]] = {key: [] for key in pages}
    for message in run_vnu(folder):
        if message.get("type") not in ("error", "non-document-error") and message.get("subType") != "fatal":
            continue
        key = names.get(unquote(urlsplit(message.get("url", "")).path), "?")
        where = f"line {message.get('lastLine', '?')}"
        extract = " ".join((message.get("extract") or "").split())[:160]
        found.setdefault(key, []).append(f"{where}: {message.get('message')}  «{extract}»")
    return found


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", KINDS)
def test_page_is_valid_html(vnu_errors, kind, lang):
    errors = vnu_errors.get(f"{kind}/{lang}")
    assert errors is not None, f"{kind}/{lang} was not rendered"
    assert not errors, f"vnu found {len(errors)} error(s) in {kind} ({lang}):\n" + "\n".join(errors[:25])


def test_vnu_checked_nothing_it_could_not_place(vnu_errors):
    """A message vnu could not tie to one of the pages (its own failure to read a file, say)."""
    assert not vnu_errors.get("?"), vnu_errors.get("?")
