"""Property-based fuzzing (Hypothesis) of everything a visitor can send without signing in: every public
form and every query parameter of every public route, in each language.

What must hold for any input: no 5xx, and a form shown again (an error, an expired page, a limit)
shows what was typed, cleaned as the forms clean it (control characters dropped, digits made 0-9 on
one-line fields). Values: unicode text, control characters, digits of other scripts, huge strings,
several values for one field, file parts, and fields left out.

A small run is part of the normal suite; `make fuzz` runs many more examples
(PORTAL_FUZZ_EXAMPLES=<per test>, default 25 here) and prints how many were run.
"""
from __future__ import annotations

import io
import os
from collections import Counter

import pytest
from form_support import LANGUAGES, STEP_ORDER, hidden_fields, resident, soup, walk_to_step
from hypothesis import HealthCheck, given, settings, strategies as st

from portal.forms import clean_text
from portal.limits import limiter

EXAMPLES = int(os.environ.get("PORTAL_FUZZ_EXAMPLES", "25"))
# The suite's small run is the same every time (derandomised); `make fuzz` explores afresh.
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize="PORTAL_FUZZ_EXAMPLES" not in os.environ,
                database=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                                      HealthCheck.data_too_large, HealthCheck.large_base_example])
RUN: Counter = Counter()  # examples run, by test: printed at the end of the session


# --- values ---------------------------------------------------------------------------------------------

ANY_CHARACTER = st.characters(exclude_categories=("Cs",))  # surrogates cannot be sent as UTF-8 at all
CONTROL = st.sampled_from("\x00\x01\x07\x08\x0b\x0c\x0d\x1b\x1f\x7f\x85\u200b\u200e\u202e\u2028\ufeff\ufffe")
SPECIAL = st.sampled_from(["", " ", "0", "-1", "1e9", "99999999999999999999", "9999-12-31", "0000-00-00", "1944",
                           "⁸²", "４５６７", "٤٥٦٧", "040 123 4567", "+358 40 123 4567", "ACDE-FGHJ", "00530",
                           "Kallio", "<script>alert(1)</script>", "{{ 7*7 }}", "' OR 1=1 --", "%00", "\\x00",
                           "../../etc/passwd", "yes", "no", "on", "other", "anonymous", "named", "fi", "sv", "en"])
TEXT = st.one_of(
    st.text(ANY_CHARACTER, max_size=40),
    st.text(st.one_of(CONTROL, ANY_CHARACTER), max_size=20),
    st.text(st.characters(categories=("Nd", "No")), min_size=1, max_size=12),
    SPECIAL,
    st.sampled_from([300, 5_000, 70_000]).map(lambda n: "Ä" * n),  # past the field limits, and past the body limit
)
# How one field is sent: one value, several values, a file part, or not at all.
FIELD = st.one_of(
    TEXT.map(lambda value: ("one", value)),
    st.lists(TEXT, min_size=2, max_size=3).map(lambda values: ("many", values)),
    st.binary(max_size=50).map(lambda content: ("file", content)),
    st.just(("missing", None)),
)


def form_body(fields: dict[str, tuple[str, object]], base: dict[str, str]):
    """The body to post: the page's own hidden fields (mostly kept, so that the post gets past CSRF
    to the validation) with the generated fields over them. Returns (data, multipart)."""
    data: dict[str, object] = dict(base)
    multipart = False
    for name, (how, value) in fields.items():
        if how == "missing":
            data.pop(name, None)
        elif how == "file":
            data[name] = (io.BytesIO(value), "sent.txt")
            multipart = True
        else:
            data[name] = value
    return data, multipart


def post(client, url: str, data: dict, multipart: bool):
    return client.post(url, data=data, content_type="multipart/form-data" if multipart else None)


def check_response(response, url: str, fields: dict) -> None:
    """No 5xx but a 503 the page explains; a form shown again shows what was typed."""
    assert response.status_code < 500 or response.status_code == 503, (url, response.status_code)
    if response.status_code == 503:
        assert "<h1" in response.get_data(as_text=True)
    if response.status_code in (302, 303, 413) or response.mimetype != "text/html":
        return
    page = soup(response)
    # The report form posts to its own address and has no action attribute.
    form = page.find("form", attrs={"action": url, "method": "post"}) or page.find("form", attrs={"action": None, "method": "post"})
    if form is None:
        return
    for name, (how, value) in fields.items():
        if how != "one":
            continue
        element = form.find(["input", "textarea"], attrs={"name": name})
        if element is None or element.get("type") in ("hidden", "radio", "checkbox", "submit"):
            continue
        shown = element.get_text() if element.name == "textarea" else element.get("value", "")
        expected = clean_text(value, one_line=element.name != "textarea")
        assert shown.strip() == expected.strip(), (url, name, value, shown)
        RUN["typed values checked in a form shown again"] += 1


@pytest.fixture
def no_limits(monkeypatch):
    """The limits are tested elsewhere; here they would only stop the validation being reached."""
    monkeypatch.setattr(limiter, "enabled", False)


@pytest.fixture(scope="module", autouse=True)
def report_count():
    yield
    checked = RUN.pop("typed values checked in a form shown again", 0)
    print(f"\nfuzz: {sum(RUN.values())} examples run ({', '.join(f'{k}: {v}' for k, v in sorted(RUN.items()))}); "
          f"{checked} typed values found kept in a form shown again")


def fields_of(names: list[str]):
    return st.fixed_dictionaries(dict.fromkeys(names, FIELD))


# --- the forms ------------------------------------------------------------------------------------------

CALLBACK_FIELDS = ["name", "phone", "helper_name", "helper_phone", "person_agrees", "for_whom", "call_language",
                   "interpreter_language",
                   "time_window", "topic", "message", "voicemail_ok", "submission", "website", "csrf_token"]
STATUS_FIELDS = ["reference", "last_digits", "website", "csrf_token"]
CONCERN_STATUS_FIELDS = ["reference", "check", "website", "csrf_token"]
REPORT_FIELDS = ["kind", "text", "submission", "website", "csrf_token"]
STEP_FIELDS = {
    "urgency": ["urgency"], "role": ["role", "on_behalf"], "identity": ["identity"],
    "person": ["name", "name_unknown", "age", "age_unknown", "address", "address_unknown", "phone", "phone_unknown"],
    "situation": ["existing_client", "person_knows"], "worries": ["worries", "details"],
    "contact": ["contact_name", "contact_phone", "contact_email", "helper_name"],
}


def _quiet(fields: dict) -> dict:
    """The honeypot and the CSRF token are left as the page has them most of the time: otherwise
    nearly every example would stop at the first check."""
    return {name: spec for name, spec in fields.items()
            if name not in ("website", "csrf_token") or spec[0] == "missing" or hash(str(spec)) % 8 == 0}


@FUZZ
@given(lang=st.sampled_from(LANGUAGES),
       form=st.sampled_from(["callback", "callback-other", "status", "concern-status", "report"]),
       callback=fields_of(CALLBACK_FIELDS), status=fields_of(STATUS_FIELDS),
       concern_status=fields_of(CONCERN_STATUS_FIELDS), report=fields_of(REPORT_FIELDS))
def test_fuzz_the_callback_status_and_report_forms(app, catalogue, no_limits, lang, form, callback, status,
                                                   concern_status, report):
    RUN["forms"] += 1
    client = resident(app)
    if form.startswith("callback"):
        url, fields = f"/{lang}/callback", _quiet(callback)
        page = client.get(url + ("?for=other" if form == "callback-other" else ""))
    elif form == "status":
        url, fields = f"/{lang}/callback/status", _quiet(status)
        page = client.get(url)
    elif form == "concern-status":
        url, fields = f"/{lang}/concern/status", _quiet(concern_status)
        page = client.get(url)
    else:
        url, fields = f"/{lang}/activities/{catalogue['lunch-09']}/report", _quiet(report)
        page = client.get(url)
    assert page.status_code == 200
    base = hidden_fields(page, url) if form != "report" else _report_tokens(page)
    data, multipart = form_body(fields, base)
    check_response(post(client, url, data, multipart), url, fields)


def _report_tokens(page) -> dict[str, str]:
    form = soup(page).find("form", attrs={"method": "post", "action": None})
    return {f["name"]: f.get("value", "") for f in form.select("input[type=hidden]") if f.get("name")}


_walked: dict[tuple[str, str], object] = {}


def _client_at(app, lang: str, step: str):
    """A visitor whose draft has reached `step` (kept between examples; walked again when an example's
    answers changed the path, e.g. to anonymous, so that the step is no longer asked)."""
    client = _walked.get((lang, step))
    if client is None or client.get(f"/{lang}/concern/step/{step}").status_code != 200:
        client = resident(app)
        walk_to_step(client, step, lang=lang)
        _walked[(lang, step)] = client
    return client


@FUZZ
@given(lang=st.sampled_from(LANGUAGES), step=st.sampled_from(STEP_ORDER), data=st.data())
def test_fuzz_the_concern_steps(app, no_limits, lang, step, data):
    RUN["concern steps"] += 1
    fields = data.draw(fields_of(STEP_FIELDS[step] + ["website", "csrf_token"]).map(_quiet), label="fields")
    client = _client_at(app, lang, step)
    url = f"/{lang}/concern/step/{step}"
    page = client.get(url)
    data_, multipart = form_body(fields, hidden_fields(page, url))
    check_response(post(client, url, data_, multipart), url, fields)
    check = client.get(f"/{lang}/concern/check")
    assert check.status_code < 500


@FUZZ
@given(lang=st.sampled_from(LANGUAGES), action=st.sampled_from(["display", "public-computer", "clear", "my-list-add",
                                                               "my-list-remove", "my-list-keep", "concern-check"]),
       fields=fields_of(["next", "text_size", "contrast", "mode", "ids", "csrf_token"]),
       activity=st.one_of(st.integers(0, 3), st.integers(2**31 - 2, 2**31 + 2), st.integers(10**12, 10**20)))
def test_fuzz_the_small_forms(app, catalogue, no_limits, lang, action, fields, activity):
    """Display settings, public-computer mode, clearing, my list and the concern send button."""
    RUN["small forms"] += 1
    client = resident(app)
    # The catalogue's pages carry no token for a visitor without a session (they are cacheable):
    # the callback form gives this visitor one, valid for every form of the session.
    page = client.get(f"/{lang}/callback")
    token = soup(page).find("input", attrs={"name": "csrf_token"})["value"]
    activity_id = catalogue["chair-gym"] if activity == 0 else activity
    url = {"display": f"/{lang}/display", "public-computer": f"/{lang}/public-computer", "clear": f"/{lang}/clear",
           "my-list-add": f"/{lang}/my-list/add/{activity_id}", "my-list-remove": f"/{lang}/my-list/remove/{activity_id}",
           "my-list-keep": f"/{lang}/my-list/keep", "concern-check": f"/{lang}/concern/check"}[action]
    data, multipart = form_body(_quiet(fields), {"csrf_token": token})
    response = post(client, url, data, multipart)
    assert response.status_code < 500, (url, response.status_code)


# --- query parameters of the public pages ------------------------------------------------------------------

PARAMETERS = ["q", "category", "district", "near", "price", "max_price", "access", "language", "day", "time",
              "audience", "drop_in", "online", "show", "page", "sort", "lang", "ids", "for", "reference",
              "last_digits", "format", "from", "to", "start", "limit", "offset", "zzz"]


def _pages(catalogue, lang: str, number: int) -> list[str]:
    activity = catalogue["chair-gym"]
    return [f"/{lang}/", f"/{lang}/activities", f"/{lang}/activities.ics", "/api/v1/activities",
            f"/{lang}/activities/{activity}", f"/{lang}/activities/{activity}.ics", f"/{lang}/activities/{number}",
            f"/{lang}/activities/{number}.ics", f"/{lang}/activities/{number}/report", f"/{lang}/my-list",
            f"/{lang}/my-list/handout", f"/{lang}/contact", f"/{lang}/accessibility", f"/{lang}/privacy",
            f"/{lang}/callback", f"/{lang}/callback/sent", f"/{lang}/callback/status", f"/{lang}/concern",
            f"/{lang}/concern/check", f"/{lang}/concern/sent", f"/{lang}/concern/step/person",
            f"/{lang}/activities/{activity}/report", "/", "/healthz"]


@FUZZ
@given(lang=st.sampled_from(LANGUAGES), which=st.integers(0, 23),
       number=st.one_of(st.integers(0, 5), st.integers(2**31 - 2, 2**31 + 2), st.integers(10**12, 10**30)),
       query=st.lists(st.tuples(st.one_of(st.sampled_from(PARAMETERS), st.text(ANY_CHARACTER, max_size=8)), TEXT),
                      max_size=6),
       htmx=st.booleans())
def test_fuzz_the_query_parameters_of_every_public_page(app, catalogue, no_limits, lang, which, number, query, htmx):
    RUN["query parameters"] += 1
    client = resident(app)
    url = _pages(catalogue, lang, number)[which]
    headers = {"HX-Request": "true", "HX-Target": "results"} if htmx else {}
    response = client.get(url, query_string=[(k, v[:3000]) for k, v in query], headers=headers)
    assert response.status_code < 500, (url, query, response.status_code)
