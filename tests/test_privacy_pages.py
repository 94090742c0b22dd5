"""Privacy, one page per kind of data (callback requests, concern notices, listing reports, my list,
cookies) with the retention periods read from the settings, and the rights page; all in fi, sv and en,
reachable from the footer and the forms' privacy notices."""
from __future__ import annotations

import pytest
from form_support import LANGUAGES, main_text, resident, soup, tr, words
from page_checks import check_page

KINDS = ("callback", "concern-notice", "listing-report", "my-list", "cookies")
HEADINGS = ("What we keep", "Why", "The legal basis", "How long we keep it", "Who sees it",
            "Seeing, correcting or deleting it")


@pytest.fixture
def retention(app):
    """The retention periods, changed by a test and put back afterwards."""
    saved = dict(app.config["SERVICE"]["retention_days"])
    yield app.config["SERVICE"]["retention_days"]
    app.config["SERVICE"]["retention_days"].clear()
    app.config["SERVICE"]["retention_days"].update(saved)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_privacy_index_links_every_kind_and_the_rights_page(app, client, lang):
    page = check_page(client.get(f"/{lang}/privacy"), lang=lang)
    assert words(page.h1) == tr(app, lang, "Privacy")
    links = {a["href"] for a in page.find("main").find_all("a", href=True)}
    assert {f"/{lang}/privacy/{kind}" for kind in KINDS} <= links
    assert f"/{lang}/rights" in links
    assert tr(app, lang, "The City of %(city)s is responsible for the personal information in this service.",
              city={"fi": "Helsinki", "sv": "Helsingfors", "en": "Helsinki"}[lang]) in words(page)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_answers_the_same_six_questions(app, client, lang, kind):
    page = check_page(client.get(f"/{lang}/privacy/{kind}"), lang=lang)
    headings = [words(h2) for h2 in page.find("main").find_all("h2")]
    assert headings[:6] == [tr(app, lang, heading) for heading in HEADINGS]
    assert tr(app, lang, "Who is responsible") in headings
    assert app.config["SERVICE"]["advice_line_phone_display"] in words(page)


@pytest.mark.parametrize("kind, key, sentence", [
    ("callback", "callback", "We delete names, phone numbers, messages and the advisers' notes %(days)s days after "
                             "the request is closed."),
    ("concern-notice", "concern", "We delete the names, addresses, phone numbers, your words and the advisers' notes "
                                  "%(days)s days after the notice is closed."),
    ("listing-report", "report", "We delete your words %(days)s days after an editor has dealt with the report, or "
                                 "%(days)s days after it was sent if nobody has yet."),
])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_retention_period_is_the_one_the_purge_uses(app, client, retention, kind, key, sentence, lang):
    text = main_text(client.get(f"/{lang}/privacy/{kind}"))
    assert tr(app, lang, sentence, days=retention[key]) in text
    retention[key] = 47
    text = main_text(client.get(f"/{lang}/privacy/{kind}"))
    assert tr(app, lang, sentence, days=47) in text


def test_the_draft_and_idle_times_come_from_the_settings(app, client):
    text = main_text(client.get("/en/privacy/concern-notice"))
    hours = app.config["CONCERN_DRAFT_MINUTES"] // 60
    assert f"deleted {hours} hours after the last change" in text
    text = main_text(client.get("/en/privacy/my-list"))
    assert f"after {app.config['PUBLIC_COMPUTER_IDLE_MINUTES']} minutes without use" in text


def test_an_unknown_kind_is_not_found(client):
    assert client.get("/en/privacy/everything").status_code == 404


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_rights_page_explains_formal_complaints_and_the_ombudsman(app, client, lang):
    page = check_page(client.get(f"/{lang}/rights"), lang=lang)
    text = words(page.find("main"))
    assert words(page.h1) == tr(app, lang, "Your rights, and how to make a formal complaint")
    # The Finnish names stay in every language, so people can ask for them by name.
    for finnish in ("muistutus", "kantelu", "potilas- ja sosiaaliasiavastaava", "aluehallintovirasto", "lupa- ja valvontavirasto",
                    "tietosuojavaltuutettu"):
        assert finnish in text.lower()
    assert tr(app, lang, "Feedback you give on this website helps us improve the service, but it is not a formal "
                         "complaint. If you are not happy with a service or with how you or someone close to you "
                         "was treated, use the ways below.") in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_footer_links_privacy_and_rights(client, lang):
    footer = soup(client.get(f"/{lang}/")).find("footer")
    hrefs = {a["href"] for a in footer.find_all("a", href=True)}
    assert {f"/{lang}/privacy", f"/{lang}/rights"} <= hrefs


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path, kind", [("callback", "callback"), ("concern", "concern-notice")])
def test_the_forms_privacy_notices_link_their_page_and_the_rights(app, path, kind, lang):
    notice = soup(resident(app).get(f"/{lang}/{path}")).select_one(".privacy-notice")
    hrefs = {a["href"] for a in notice.find_all("a", href=True)}
    assert {f"/{lang}/privacy/{kind}", f"/{lang}/rights"} <= hrefs
