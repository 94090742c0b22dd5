"""How to join, on the activity page and the large-print handout: said once, every phone number says
whose it is, and an activity whose sign-up number we do not have never says "by phone" alone."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from helpers_support import translated
from page_checks import check_page, words

LANGS = ("fi", "sv", "en")


# "How to join" in each language, as the pages say it.
JOIN_TERMS = {"Miten pääset mukaan", "Så här deltar du", "How to join"}


def join_text(page) -> str:
    """The words of the page's "How to join" (in the key facts, or on a handout item)."""
    for dt in page.select("dl dt"):
        if words(dt) in JOIN_TERMS:
            return words(dt.find_next_sibling("dd"))
    raise AssertionError("no “How to join”")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", ["chair-gym", "crafts-cafe", "nature-walk"])
def test_the_activity_page_says_how_to_join_once(app, client, catalogue, lang, key):
    page = check_page(client.get(f"/{lang}/activities/{catalogue[key]}"))
    said = translated(app, lang, "How to join")
    assert [words(e) for e in page.select("main dt, main h2, main h3")].count(said) == 1


@pytest.mark.parametrize("lang", LANGS)
def test_the_activity_page_names_the_number_to_sign_up(app, client, catalogue, lang):
    page = check_page(client.get(f"/{lang}/activities/{catalogue['nature-walk']}"))
    assert join_text(page).endswith(translated(app, lang, "To register:") + " 040 765 4321")


@contextmanager
def without_phone(app, key: str, catalogue, website: bool = True):
    """The activity, and its organiser, with no phone number (and no website if so asked), for the
    length of the test; the shared test catalogue is put back afterwards."""
    from portal import db as portal_db
    from portal.catalogue.indexing import bump_version
    from portal.catalogue.models import Activity

    with app.app_context():
        session = portal_db.session()
        activity = session.get(Activity, catalogue[key])
        kept = activity.join_phone, activity.organiser.phone, activity.organiser.website
        activity.join_phone = activity.organiser.phone = None
        if not website:
            activity.organiser.website = None
        bump_version(session)  # as every write to the catalogue does, so cached pages are not served
        session.commit()
        try:
            yield
        finally:
            activity.join_phone, activity.organiser.phone, activity.organiser.website = kept
            bump_version(session)
            session.commit()
            session.close()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("where", ["activity", "handout"])
def test_no_sign_up_number_says_where_to_ask_instead(app, client, catalogue, lang, where):
    def tr(text, **v):
        return translated(app, lang, text, **v)

    path = (f"/{lang}/activities/{catalogue['memory-cafe']}" if where == "activity"
            else f"/{lang}/my-list/handout?ids={catalogue['memory-cafe']}")
    with without_phone(app, "memory-cafe", catalogue):
        said = join_text(check_page(client.get(path)))
    assert tr("To register:") not in said
    assert tr("We do not have a phone number for signing up.") in said
    assert tr("Ask the organiser on their website:") + " www.example.org/seniors" in said
    assert said.endswith("09 310 44556"), "then the advice line's number, which we do have"


@pytest.mark.parametrize("lang", LANGS)
def test_no_sign_up_number_and_no_website_says_to_call_the_advice_line(app, client, catalogue, lang):
    def tr(text, **v):
        return translated(app, lang, text, **v)

    with without_phone(app, "memory-cafe", catalogue, website=False):
        said = join_text(check_page(client.get(f"/{lang}/activities/{catalogue['memory-cafe']}")))
    advice_line = {"fi": "Seniori-info", "sv": "Seniorinfo", "en": "Seniori-info"}[lang]
    assert said.endswith(tr("Call %(name)s to ask how to sign up:", name=advice_line) + " 09 310 44556")
    assert tr("Ask the organiser on their website:") not in said


@pytest.mark.parametrize("lang", LANGS)
def test_the_handout_has_no_unnamed_phone(app, client, catalogue, lang):
    ids = ".".join(str(catalogue[k]) for k in ("chair-gym", "crafts-cafe", "digi-help", "carers-peer"))
    page = check_page(client.get(f"/{lang}/my-list/handout?ids={ids}"))
    terms = [words(dt) for dt in page.select(".handout-item dt")]
    assert translated(app, lang, "Phone") not in terms
    for item in page.select(".handout-item"):
        for phone in item.select("a.phone"):
            # The words just before a number say whose it is.
            before = words(phone.parent)[: words(phone.parent).index(words(phone))]
            assert before.strip(), f"a number without a name: {words(item)}"
