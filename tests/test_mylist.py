"""My list: collecting activities without an account (signed session cookie only), the share link,
and the large-print handout with its QR codes."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from helpers_support import (
    LANGS,
    all_row_counts,
    card_links,
    header_count,
    list_ids_in_session,
    toggle,
    token_from,
    translated,
    visitor,
)
from page_checks import check_page, soup, words

from portal.limits import limiter
from portal.qr import qr_svg

KEYS = ("chair-gym", "crafts-cafe", "digi-help")


@pytest.fixture
def person(app):
    limiter.reset()
    return browser(app)


def browser(app):
    """A visitor whose browser marks its posts as every current browser does: Sec-Fetch-Site says a
    form was sent from a page of this same site. The my-list buttons carry no CSRF token (they are on
    pages a shared cache keeps) and rely on it."""
    client = visitor(app)
    client.environ_base["HTTP_SEC_FETCH_SITE"] = "same-origin"
    return client


def add_all(client, ids, lang="en"):
    token = token_from(client, f"/{lang}/privacy")
    for activity_id in ids:
        response = toggle(client, lang, "add", activity_id, token)
        assert response.status_code == 303, response.status_code


# --- adding and removing ---------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_plain_add_and_remove_go_back_to_a_safe_next(app, person, catalogue, lang):
    chair = catalogue["chair-gym"]
    token = None  # the activity page's button carries none
    person.get(f"/{lang}/activities/{chair}")
    back = f"/{lang}/activities?category=exercise"
    response = toggle(person, lang, "add", chair, token, next=back)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(back)
    assert urlsplit(response.headers["Location"]).netloc in ("", "localhost")
    assert list_ids_in_session(app, person) == [chair]

    page = check_page(person.get(f"/{lang}/activities/{chair}"))
    form = page.select_one("form.mylist-toggle")
    assert urlsplit(form["action"]).path == f"/{lang}/my-list/remove/{chair}"
    assert translated(app, lang, "In your list") in words(form)

    response = toggle(person, lang, "remove", chair, token, next=back)
    assert response.status_code == 303 and response.headers["Location"].endswith(back)
    assert list_ids_in_session(app, person) == []
    form = soup(person.get(f"/{lang}/activities/{chair}")).select_one("form.mylist-toggle")
    assert urlsplit(form["action"]).path == f"/{lang}/my-list/add/{chair}"
    assert translated(app, lang, "Add to my list") in words(form)


@pytest.mark.parametrize("hostile", ["https://evil.example/", "//evil.example/x", "/\t/evil.example",
                                     "javascript:alert(1)", "\\\\evil.example", ""])
def test_a_hostile_next_never_leaves_the_site(person, catalogue, hostile):
    token = token_from(person)
    response = toggle(person, "en", "add", catalogue["crafts-cafe"], token, next=hostile)
    assert response.status_code == 303
    location = urlsplit(response.headers["Location"])
    assert location.netloc in ("", "localhost") and "evil" not in response.headers["Location"]
    assert location.path.startswith("/")


def test_without_next_a_plain_post_goes_to_the_list(person, catalogue):
    token = token_from(person)
    response = toggle(person, "sv", "add", catalogue["crafts-cafe"], token)
    assert response.status_code == 303 and urlsplit(response.headers["Location"]).path == "/sv/my-list"


@pytest.mark.parametrize("lang", LANGS)
def test_htmx_add_returns_only_the_toggle_in_its_in_list_state(app, person, catalogue, lang):
    digi = catalogue["digi-help"]
    token = None  # htmx's post is marked same-origin by the browser, as the plain form's is
    person.get(f"/{lang}/activities/{digi}")
    response = toggle(person, lang, "add", digi, token, htmx=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and "<body" not in html and "<header" not in html
    fragment = BeautifulSoup(html, "html.parser")
    forms = fragment.find_all("form")
    assert len(forms) == 1 and "mylist-toggle" in forms[0]["class"]
    assert urlsplit(forms[0]["action"]).path == f"/{lang}/my-list/remove/{digi}"
    assert forms[0]["data-hx-post"] == forms[0]["action"]
    status = forms[0].select_one("[role=status]")
    assert status is not None and words(status) == translated(app, lang, "In your list")
    assert translated(app, lang, "Remove from my list") in words(forms[0].find("button"))
    assert forms[0].find("input", attrs={"name": "csrf_token"}) is None
    assert list_ids_in_session(app, person) == [digi]

    response = toggle(person, lang, "remove", digi, token, htmx=True)
    fragment = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert urlsplit(fragment.find("form")["action"]).path == f"/{lang}/my-list/add/{digi}"
    assert fragment.select_one("[role=status]") is None
    assert list_ids_in_session(app, person) == []


def test_adding_twice_keeps_one_entry(app, person, catalogue):
    add_all(person, [catalogue["concert"], catalogue["concert"]])
    assert list_ids_in_session(app, person) == [catalogue["concert"]]


@pytest.mark.parametrize("marks", [{"HTTP_SEC_FETCH_SITE": "cross-site"}, {"HTTP_SEC_FETCH_SITE": "same-site"},
                                   {"HTTP_ORIGIN": "https://evil.example"}, {"HTTP_ORIGIN": "null"}, {}],
                         ids=["cross-site", "same-site", "other-origin", "null-origin", "unmarked"])
def test_a_post_not_from_this_site_needs_a_good_token(app, catalogue, marks):
    person = visitor(app)
    person.environ_base.update(marks)
    assert toggle(person, "en", "add", catalogue["chair-gym"], None).status_code == 400
    assert toggle(person, "en", "add", catalogue["chair-gym"], "not-a-token").status_code == 400
    assert toggle(person, "en", "add", catalogue["chair-gym"], None, htmx=True).status_code == 400
    assert list_ids_in_session(app, person) == []
    # A token from another browser's session is no good either.
    other = visitor(app)
    assert toggle(person, "en", "add", catalogue["chair-gym"], token_from(other)).status_code == 400
    assert list_ids_in_session(app, person) == []


def test_only_post_changes_the_list(app, person, catalogue):
    assert person.get(f"/en/my-list/add/{catalogue['chair-gym']}").status_code == 405
    assert list_ids_in_session(app, person) == []


@pytest.mark.parametrize("path", ["/en/my-list/add/abc", "/en/my-list/add/-1", "/en/my-list/add/1.5",
                                  "/en/my-list/add/%3Cscript%3E", "/en/my-list/frobnicate/1",
                                  "/en/my-list/add/1%20OR%201=1"])
def test_hostile_ids_are_not_found(app, person, path):
    token = token_from(person)
    assert person.post(path, data={"csrf_token": token}).status_code == 404
    assert list_ids_in_session(app, person) == []


# Regression (was a bug, now fixed): the toggle view never checks that the activity exists, so an unknown id is stored in the session
# and the header counts it ("My list (1)") while the list page shows nothing.
def test_unknown_activity_is_not_added(app, person):
    token = token_from(person)
    response = toggle(person, "en", "add", 987654, token)
    assert response.status_code in (303, 404)
    assert 987654 not in list_ids_in_session(app, person)
    assert header_count(person.get("/en/my-list"), "en") is None


# Regression (was a bug, now fixed): an id too large for the database's integer column is kept in the session, and every page that
# looks the list up (the list page, the handout) then fails with a 500 when the query overflows.
def test_a_huge_id_never_breaks_the_list(app, person, catalogue):
    token = token_from(person)
    add_all(person, [catalogue["chair-gym"]])
    toggle(person, "en", "add", 10 ** 30, token)
    for path in ("/en/my-list", "/en/my-list/handout", "/en/"):
        response = person.get(path)
        assert response.status_code == 200, (path, response.status_code)
    assert card_links(person.get("/en/my-list")) == [catalogue["chair-gym"]]


def test_at_most_thirty(app, person, catalogue):
    lunches = [catalogue[f"lunch-{n:02d}"] for n in range(1, 23)]
    others = [catalogue[k] for k in ("chair-gym", "crafts-cafe", "digi-help", "nature-walk", "carers-peer",
                                     "memory-cafe", "concert", "past-talk")]
    add_all(person, lunches + others)  # exactly 30
    assert len(list_ids_in_session(app, person)) == 30
    token = token_from(person)
    extra = [catalogue[k] for k in catalogue if catalogue[k] not in lunches + others]
    if extra:
        toggle(person, "en", "add", extra[0], token)
    # The 31st is refused whether or not it exists; the htmx answer does not claim it was added.
    response = toggle(person, "en", "remove", lunches[0], token)
    assert len(list_ids_in_session(app, person)) == 29
    toggle(person, "en", "add", lunches[0], token)
    response = toggle(person, "en", "add", 987650, token, htmx=True)
    assert len(list_ids_in_session(app, person)) == 30
    assert 987650 not in list_ids_in_session(app, person)
    assert "/my-list/add/987650" in response.get_data(as_text=True)
    assert header_count(person.get("/en/my-list"), "en") == 30


# --- where the list lives ---------------------------------------------------------------------------

def test_the_list_lives_only_in_the_signed_session_cookie(app, person, catalogue):
    before = all_row_counts(app)
    add_all(person, [catalogue["chair-gym"], catalogue["concert"]])
    person.get("/en/my-list")
    person.get("/en/my-list/handout")
    assert all_row_counts(app) == before
    cookie = person.get_cookie("session")
    assert cookie is not None and cookie.http_only
    assert list_ids_in_session(app, person) == [catalogue["chair-gym"], catalogue["concert"]]
    # A cookie changed by hand is not accepted: the list is then empty.
    tampered = cookie.value.replace(cookie.value[-4:], "AAAA" if cookie.value[-4:] != "AAAA" else "BBBB")
    stranger = visitor(app)
    stranger.set_cookie("session", tampered, domain="localhost")
    assert card_links(stranger.get("/en/my-list")) == []
    # Another browser does not see the list.
    assert card_links(visitor(app).get("/en/my-list")) == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_header_shows_the_count(app, person, catalogue, lang):
    assert header_count(person.get(f"/{lang}/"), lang) is None
    add_all(person, [catalogue["chair-gym"], catalogue["memory-cafe"]], lang)
    for path in (f"/{lang}/", f"/{lang}/activities", f"/{lang}/activities/{catalogue['concert']}"):
        assert header_count(person.get(path), lang) == 2


@pytest.mark.parametrize("lang", LANGS)
def test_the_page_lists_the_activities_in_the_order_added(app, person, catalogue, lang):
    chosen = [catalogue["digi-help"], catalogue["chair-gym"], catalogue["crafts-cafe"]]
    add_all(person, chosen, lang)
    page = check_page(person.get(f"/{lang}/my-list"))
    assert words(page.h1) == translated(app, lang, "My list")
    assert card_links(person.get(f"/{lang}/my-list")) == chosen
    names = [words(h) for h in page.select("ol.activity-list .card-title")]
    assert names[1] == {"fi": "Tuolijumppa", "sv": "Stolgympa", "en": "Chair exercise"}[lang]
    assert names[0] == ("Digituki" if lang == "sv" else {"fi": "Digituki", "en": "Digital help desk"}[lang])
    # Every item can be removed from the page itself.
    actions = [urlsplit(f["action"]).path for f in page.select("form.mylist-toggle")]
    assert actions == [f"/{lang}/my-list/remove/{i}" for i in chosen]


@pytest.mark.parametrize("lang", LANGS)
def test_an_empty_list_says_so(app, person, lang):
    page = check_page(person.get(f"/{lang}/my-list"))
    assert translated(app, lang, "The list is empty. Find activities and press “Add to my list”.") in words(page)


# --- sharing ----------------------------------------------------------------------------------------

def share_link(response) -> str:
    field = soup(response).find("input", id="share-link")
    assert field is not None
    return field["value"]


@pytest.mark.parametrize("lang", LANGS)
def test_the_share_link_reproduces_the_list_in_a_fresh_browser(app, person, catalogue, lang):
    chosen = [catalogue["memory-cafe"], catalogue["chair-gym"], catalogue["concert"]]
    add_all(person, chosen, lang)
    link = share_link(person.get(f"/{lang}/my-list"))
    parts = urlsplit(link)
    assert parts.scheme == "https" and parts.path == f"/{lang}/my-list"
    fresh = visitor(app)
    response = fresh.get(f"{parts.path}?{parts.query}")
    page = check_page(response)
    assert words(page.h1) == translated(app, lang, "A shared list of activities")
    assert card_links(response) == chosen
    assert list_ids_in_session(app, fresh) == []  # looking does not keep it
    assert header_count(response, lang) is None

    token = soup(response).select_one(f'form[action="/{lang}/my-list/keep"] input[name=csrf_token]')["value"]
    ids_value = soup(response).select_one(f'form[action="/{lang}/my-list/keep"] input[name=ids]')["value"]
    kept = fresh.post(f"/{lang}/my-list/keep", data={"csrf_token": token, "ids": ids_value})
    assert kept.status_code == 303 and urlsplit(kept.headers["Location"]).path == f"/{lang}/my-list"
    assert list_ids_in_session(app, fresh) == chosen
    mine = fresh.get(f"/{lang}/my-list")
    assert card_links(mine) == chosen and header_count(mine, lang) == 3


def test_keep_needs_the_csrf_token(app, person, catalogue):
    response = person.post("/en/my-list/keep", data={"ids": str(catalogue["chair-gym"])})
    assert response.status_code == 400
    assert list_ids_in_session(app, person) == []


def test_keep_adds_to_an_existing_list_without_duplicates(app, person, catalogue):
    add_all(person, [catalogue["concert"]])
    token = token_from(person)
    value = f"{catalogue['chair-gym']}.{catalogue['concert']}"
    person.post("/en/my-list/keep", data={"csrf_token": token, "ids": value})
    assert list_ids_in_session(app, person) == [catalogue["concert"], catalogue["chair-gym"]]


def test_ids_that_no_longer_exist_are_skipped(app, person, catalogue):
    value = f"{catalogue['crafts-cafe']}.987001.{catalogue['chair-gym']}"
    response = person.get(f"/en/my-list?ids={value}")
    check_page(response)
    assert card_links(response) == [catalogue["crafts-cafe"], catalogue["chair-gym"]]
    handout = handout_page(person.get(f"/en/my-list/handout?ids={value}"))
    assert [words(h) for h in handout.select(".handout-item h2")] == ["Crafts café", "Chair exercise"]


# Regression (was a bug, now fixed): the share link and the "keep" form carry the ids as given, including ones that no longer exist;
# keeping them stores the missing id in the session and the header then counts 3 for a list of 2.
def test_keeping_a_shared_list_keeps_only_existing_activities(app, person, catalogue):
    value = f"{catalogue['crafts-cafe']}.987001.{catalogue['chair-gym']}"
    response = person.get(f"/en/my-list?ids={value}")
    assert "987001" not in share_link(response)
    form = soup(response).select_one('form[action="/en/my-list/keep"]')
    person.post("/en/my-list/keep", data={"csrf_token": form.find("input", attrs={"name": "csrf_token"})["value"],
                                          "ids": form.find("input", attrs={"name": "ids"})["value"]})
    assert header_count(person.get("/en/my-list"), "en") == 2


@pytest.mark.parametrize("value", ["", "abc", "<script>alert(1)</script>", "1;DROP TABLE activity", "-1.-2",
                                   "9" * 5000, "1." * 500, "%00", "０１２", "1e9", "999999999999999999999",
                                   "' OR 1=1 --", "../../etc/passwd", "\u202e1"])
def test_hostile_ids_values_never_break(person, value):
    for path in ("/en/my-list", "/en/my-list/handout"):
        response = person.get(path, query_string={"ids": value})
        assert response.status_code == 200, (path, value, response.status_code)
        assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    for repeated in (["1", "2"], []):
        assert person.get("/en/my-list", query_string=[("ids", v) for v in repeated]).status_code == 200


def test_a_shared_list_is_cut_at_thirty(person, catalogue):
    value = ".".join(str(catalogue[f"lunch-{n:02d}"]) for n in range(1, 23))
    value += "." + ".".join(str(catalogue[k]) for k in ("chair-gym", "crafts-cafe", "digi-help", "nature-walk",
                                                         "carers-peer", "memory-cafe", "concert", "past-talk"))
    value += "." + str(catalogue["lunch-01"] + 10_000)
    response = person.get(f"/en/my-list?ids={value}")
    assert len(card_links(response)) == 30


# --- the handout ------------------------------------------------------------------------------------

RHYTHM = {"fi": "tiistaisin klo 10–11", "sv": "tisdagar kl. 10–11", "en": "Tuesdays 10–11"}
FREE = {"fi": "Maksuton", "sv": "Gratis", "en": "Free"}


def handout_page(response):
    """The handout parsed (its HTML checks are in test_the_handout_passes_the_page_checks)."""
    assert response.status_code == 200 and response.mimetype == "text/html", response.status_code
    page = soup(response)
    assert len(page.find_all("h1")) == 1
    return page


@pytest.mark.parametrize("lang", LANGS)
def test_the_handout_of_one_activity_passes_the_page_checks(person, catalogue, lang):
    check_page(person.get(f"/{lang}/my-list/handout?ids={catalogue['chair-gym']}"))


# Regression (was a bug, now fixed): qrcode's SvgPathImage draws <path id="qr-path">, and portal.qr.qr_svg keeps that id, so a handout
# with two or more activities has duplicate ids (invalid HTML that confuses assistive technology).
@pytest.mark.parametrize("lang", LANGS)
def test_the_handout_passes_the_page_checks(person, catalogue, lang):
    check_page(person.get(f"/{lang}/my-list/handout?ids={catalogue['chair-gym']}.{catalogue['concert']}"))


def next_time_in_words(app, lang, activity) -> str:
    from flask import g
    from flask_babel import force_locale

    from portal import formatting
    from portal.catalogue import schedule

    now = schedule.local_now()
    coming = schedule.next_occurrence(activity, now)
    assert coming is not None and coming.starts.date() not in {c.day for c in activity.cancellations}
    with app.test_request_context(f"/{lang}/"):
        g.lang = lang
        with force_locale(lang):
            return formatting.at_time(coming.starts, coming.ends)


def handout_items(page) -> dict[str, dict[str, str]]:
    """{name: {term: description}} for each activity on the handout."""
    found = {}
    for item in page.select(".handout-item"):
        # Text in another language is wrapped in <span lang>: read it as a browser shows it.
        facts = {words(div.find("dt")): re.sub(r" ([,;])", r"\1", words(div.find("dd")))
                 for div in item.select("dl > div")}
        found[words(item.find("h2"))] = facts
    return found


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("shared", [False, True])
def test_the_handout_says_everything_in_words(app, person, catalogue, db, lang, shared):
    from portal.catalogue.models import Activity

    chosen = [catalogue["chair-gym"], catalogue["crafts-cafe"], catalogue["carers-peer"]]
    if shared:
        response = person.get(f"/{lang}/my-list/handout?ids={'.'.join(map(str, chosen))}")
    else:
        add_all(person, chosen, lang)
        response = person.get(f"/{lang}/my-list/handout")
    page = handout_page(response)
    tr = lambda text, **v: translated(app, lang, text, **v)  # noqa: E731
    assert words(page.h1) == tr("Activities for you")
    items = handout_items(page)
    chair_name = {"fi": "Tuolijumppa", "sv": "Stolgympa", "en": "Chair exercise"}[lang]
    crafts_name = {"fi": "Käsityökahvila", "sv": "Hantverkscafé", "en": "Crafts café"}[lang]
    carers_name = {"fi": "Omaishoitajien vertaisryhmä", "sv": "Kamratgrupp för närståendevårdare",
                   "en": "Peer group for family carers"}[lang]
    assert list(items) == [chair_name, crafts_name, carers_name]

    chair = items[chair_name]
    when = chair[tr("When")]
    assert when.startswith(RHYTHM[lang])
    # The next time, in words, is the next Tuesday that is not cancelled, with its date (paper is read
    # on another day, so never "today" or "tomorrow").
    assert when.endswith(tr("Next:") + " " + next_time_in_words(app, lang, db.get(Activity, catalogue["chair-gym"])))
    assert tr("Today") not in when and tr("Tomorrow") not in when
    assert chair[tr("Price")] == FREE[lang] == tr("Free")
    assert chair[tr("Where")] == {"fi": "Kampin palvelukeskus, Salomonkatu 21 B, 00100 Helsinki",
                                  "sv": "Kampens servicecentral, Salomonsgatan 21 B, 00100 Helsingfors",
                                  "en": "Kamppi Service Centre, Salomonkatu 21 B, 00100 Helsinki"}[lang]
    assert chair[tr("Getting there")] == {"fi": "Kampin metroasema", "sv": "Kampens metrostation",
                                          "en": "Kamppi metro station"}[lang]
    # Each number says whose it is. A drop-in activity: its number is for questions, with the organiser.
    assert chair[tr("Questions")] == {"fi": "Helsingin kaupunki", "sv": "Helsingfors stad",
                                      "en": "City of Helsinki"}[lang] + ": 09 310 5555"  # as people write it
    assert tr("Phone") not in chair
    access = chair[tr("Accessibility")]
    assert access and "\n" not in access and access != tr("Not checked yet")

    crafts = items[crafts_name]
    assert crafts[tr("When")].startswith({"fi": "keskiviikkoisin klo 13–15", "sv": "onsdagar kl. 13–15",
                                          "en": "Wednesdays 13–15"}[lang])
    assert crafts[tr("Price")].startswith({"fi": "3 €", "sv": "3 €", "en": "3 €"}[lang])
    assert crafts[tr("How to join")].endswith(tr("To register:") + " 09 310 1234")  # the organiser's number

    carers = items[carers_name]
    assert carers[tr("Where")] == tr("From home, by phone or online")
    assert carers[tr("How to join")].endswith(tr("To register:") + " 040 123 4567")
    # The advice line's number, named: questions about the list as a whole go there.
    advice_line = {"fi": "Seniori-info", "sv": "Seniorinfo", "en": "Seniori-info"}[lang]
    said = tr("Questions about this list: %(name)s, %(phone)s, %(hours)s.", name=advice_line, phone="09 310 44556",
              hours="HOURS")
    assert words(page.select_one(".handout-footer")).startswith(said.split("HOURS")[0])
    assert carers[tr("Accessibility")] == tr("Not checked yet")


@pytest.mark.parametrize("lang", LANGS)
def test_each_handout_item_has_a_qr_code_of_its_absolute_address(app, person, catalogue, lang):
    chosen = [catalogue["concert"], catalogue["nature-walk"]]
    page = handout_page(person.get(f"/{lang}/my-list/handout?ids={chosen[0]}.{chosen[1]}"))
    codes = page.select(".handout-item svg")
    assert len(codes) == 2
    for svg, activity_id in zip(codes, chosen, strict=True):
        url = f"https://localhost/{lang}/activities/{activity_id}"
        expected = BeautifulSoup(str(qr_svg(url)), "html5lib").find("svg")
        assert svg.find("path")["d"] == expected.find("path")["d"]
        assert svg.get("aria-hidden") == "true"
    # A different address would give a different code.
    other = BeautifulSoup(str(qr_svg(f"https://localhost/{lang}/activities/{chosen[0] + 1}")), "html5lib")
    assert codes[0].find("path")["d"] != other.find("path")["d"]


def dark_modules(svg) -> set[tuple[int, int]]:
    return {(int(x), int(y)) for x, y in re.findall(r"M(\d+),(\d+)H", svg.find("path")["d"])}


def test_the_handout_qr_modules_are_those_of_the_url(app, person, catalogue):
    """Independently of qr_svg: the dark squares drawn are exactly the QR code of the listing's address."""
    import qrcode

    activity_id = catalogue["memory-cafe"]
    page = soup(person.get(f"/sv/my-list/handout?ids={activity_id}"))
    code = qrcode.QRCode(border=2)
    code.add_data(f"https://localhost/sv/activities/{activity_id}")
    code.make(fit=True)
    expected = {(x, y) for y, row in enumerate(code.get_matrix()) for x, dark in enumerate(row) if dark}
    assert dark_modules(page.select_one(".handout-item svg")) == expected


def test_the_handout_of_an_empty_list_says_so(app, person):
    page = check_page(person.get("/sv/my-list/handout"))
    assert translated(app, "sv", "The list is empty.") in words(page)
    assert not page.select(".handout-item")


def test_the_list_page_links_the_handout_and_an_email(app, person, catalogue):
    add_all(person, [catalogue["concert"], catalogue["chair-gym"]])
    page = soup(person.get("/en/my-list"))
    links = [a["href"] for a in page.select(".list-tools a")]
    handout = [h for h in links if "/handout" in h]
    assert handout and parse_qs(urlsplit(handout[0]).query)["ids"] == [f"{catalogue['concert']}.{catalogue['chair-gym']}"]
    mail = [h for h in links if h.startswith("mailto:")]
    assert mail and "my-list%3Fids%3D" in mail[0]
