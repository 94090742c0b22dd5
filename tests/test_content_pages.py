"""The pages staff keep (carers, professionals, questions and answers): shown in fi/sv/en with the demo's
words, a missing translation shown in Finnish and said so, edited only by editors with a CSRF token,
hostile HTML removed before it is stored, every save audited, and overdue reviews listed."""
from __future__ import annotations

import datetime as dt

import pytest
from form_support import objects
from helpers_support import LANGS, flashes, visitor
from page_checks import soup, words
from sqlalchemy import select
from staff_support import audit_entries, csrf, form_values, signed_in, text_of

from portal import db as portal_db
from portal.content.models import ContentPage, ContentVersion
from portal.demo.content import PAGES as DEMO, load_content

pytestmark = pytest.mark.usefixtures("fresh_limits")
SLUGS = ("carers", "professionals", "questions")


@pytest.fixture(scope="module")
def pages(app) -> dict[str, int]:
    """The demo pages, as `demo load` adds them: {slug: page id}."""
    with app.app_context(), portal_db.transaction() as session:
        load_content(session, dt.date.today())
    return {page.slug: page.id for page in objects(app, select(ContentPage))}


def version(app, slug: str, lang: str) -> ContentVersion | None:
    found = objects(app, select(ContentVersion).join(ContentPage).where(ContentPage.slug == slug,
                                                                        ContentVersion.lang == lang))
    return found[0] if found else None


def set_version(app, page_id: int, lang: str, **values) -> None:
    with app.app_context(), portal_db.transaction() as session:
        row = session.scalar(select(ContentVersion).where(ContentVersion.page_id == page_id,
                                                          ContentVersion.lang == lang))
        for key, value in values.items():
            setattr(row, key, value)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("slug", SLUGS)
def test_each_page_shows_its_demo_words_in_each_language(app, pages, slug, lang):
    response = visitor(app).get(f"/{lang}/{slug}")
    assert response.status_code == 200
    title, _body = DEMO[slug][1][lang]
    page = soup(response)
    assert words(page.h1) == title
    assert page.title.get_text().startswith(title)
    assert page.select_one(".translation-missing") is None
    assert len(page.select("article h2")) >= 4
    assert "last checked on" in text_of(response) or lang != "en"


def test_the_demo_content_is_loaded_once_and_keeps_what_editors_wrote(app, pages):
    set_version(app, pages["carers"], "fi", title="Toimittajan otsikko")
    with app.app_context(), portal_db.transaction() as session:
        assert load_content(session, dt.date.today()) == {"content_pages": 0}
    assert version(app, "carers", "fi").title == "Toimittajan otsikko"
    set_version(app, pages["carers"], "fi", title=DEMO["carers"][1]["fi"][0])


def test_a_missing_translation_is_shown_in_finnish_and_says_so(app, pages):
    with app.app_context(), portal_db.transaction() as session:
        session.delete(session.scalar(select(ContentVersion).where(ContentVersion.page_id == pages["questions"],
                                                                    ContentVersion.lang == "sv")))
    try:
        response = visitor(app).get("/sv/questions")
        page = soup(response)
        assert response.status_code == 200
        assert page.select_one("article")["lang"] == "fi"
        assert words(page.h1) == "Kysy Seniori-infolta"
        notice = page.select_one(".translation-missing")
        assert notice["lang"] == "sv"
        assert words(notice) == "Den här sidan har inte översatts till svenska ännu, så den visas på finska."
        # The English version is still its own.
        assert words(soup(visitor(app).get("/en/questions")).h1) == "Ask Seniori-info"
    finally:
        with app.app_context(), portal_db.transaction() as session:
            session.execute(ContentPage.__table__.delete().where(ContentPage.id == pages["questions"]))
        # A page nobody has written yet says so, in the page's language, and gives the number to call.
        empty = visitor(app).get("/en/questions")
        assert empty.status_code == 200
        assert words(soup(empty).h1) == "Questions and answers"
        assert "This page has no text yet. Call us and we will answer you." in text_of(empty)
        with app.app_context(), portal_db.transaction() as session:
            load_content(session, dt.date.today())
        pages["questions"] = objects(app, select(ContentPage).where(ContentPage.slug == "questions"))[0].id


def test_home_page_and_footer_link_to_the_pages(app, pages):
    for lang in LANGS:
        page = soup(visitor(app).get(f"/{lang}/"))
        for slug in SLUGS:
            assert page.select_one(f'main a[href="/{lang}/{slug}"]') is not None, (lang, slug)
            assert page.select_one(f'footer a[href="/{lang}/{slug}"]') is not None, (lang, slug)


def test_the_professionals_page_links_to_the_concern_notice(app, pages):
    page = soup(visitor(app).get("/en/professionals"))
    assert page.select_one('main a[href="/en/concern"]') is not None
    assert "Social Welfare Act 1301/2014, section 35" in words(page)


def editor_form(client, page_id: int) -> dict:
    response = client.get(f"/en/staff/content/{page_id}")
    assert response.status_code == 200, response.status_code
    return form_values(response)


def test_an_editor_saves_a_page_and_hostile_html_never_reaches_the_database_or_the_page(app, pages):
    client, editor = signed_in(app, ("editor",))
    data = editor_form(client, pages["carers"])
    data["body_en"] = ('<h2>Help</h2><p onclick="steal()">Hello <script>alert(1)</script>'
                       '<a href="javascript:alert(2)">click</a> <img src=x onerror="alert(3)">'
                       '<a href="https://www.hel.fi/">city</a></p><style>body{display:none}</style>')
    response = client.post(f"/en/staff/content/{pages['carers']}", data=data)
    assert response.status_code == 303, text_of(response)[:400]
    assert flashes(client.get(response.headers["Location"])) == ["Saved. The page is updated."]
    stored = version(app, "carers", "en").body
    for hostile in ("<script", "alert", "onclick", "onerror", "<img", "javascript:", "<style", "display:none"):
        assert hostile not in stored, hostile
    shown = soup(visitor(app).get("/en/carers"))
    assert [words(h) for h in shown.select("article h2")] == ["Help"]
    assert shown.select_one('article a[href="https://www.hel.fi/"]') is not None
    assert shown.select("article script, article img, article [onclick]") == []
    entries = audit_entries(app, "content_page", pages["carers"])
    assert entries[-1].action == "content_saved" and entries[-1].staff_id == editor.id
    set_version(app, pages["carers"], "en", body=DEMO["carers"][1]["en"][1])


def test_a_version_needs_its_text_and_dates_and_finnish_needs_a_title(app, pages):
    client, _editor = signed_in(app, ("editor",))
    data = editor_form(client, pages["professionals"])
    data.update(title_fi="", body_sv="", review_by_en="")
    response = client.post(f"/en/staff/content/{pages['professionals']}", data=data)
    assert response.status_code == 200
    summary = words(soup(response).select_one(".error-summary"))
    assert "Write the title in Finnish." in summary and "Write the text." in summary
    assert "Enter the date." in summary
    assert version(app, "professionals", "fi").title == DEMO["professionals"][1]["fi"][0]


def test_a_save_without_the_csrf_token_is_refused(app, pages):
    client, _editor = signed_in(app, ("editor",))
    data = editor_form(client, pages["carers"])
    data.pop("csrf_token")
    data["title_en"] = "Forged title"
    response = client.post(f"/en/staff/content/{pages['carers']}", data=data)
    assert response.status_code in (200, 400)
    assert version(app, "carers", "en").title != "Forged title"


def test_an_adviser_without_the_editor_role_cannot_open_or_save_pages(app, pages):
    client, _adviser = signed_in(app, ("adviser",))
    assert client.get("/en/staff/content").status_code == 403
    assert client.get(f"/en/staff/content/{pages['carers']}").status_code == 403
    response = client.post(f"/en/staff/content/{pages['carers']}",
                           data={"csrf_token": csrf(client), "title_fi": "Adviser", "title_en": "Adviser"})
    assert response.status_code == 403
    assert version(app, "carers", "fi").title != "Adviser"
    nav = soup(client.get("/en/staff/sign-in")).select_one("nav.staff-nav")
    assert nav is None or nav.select_one('a[href="/en/staff/content"]') is None


def test_pages_past_their_review_date_are_listed_for_editors(app, pages):
    overdue = dt.date.today() - dt.timedelta(days=3)
    set_version(app, pages["professionals"], "sv", review_by=overdue)
    try:
        client, _editor = signed_in(app, ("editor",))
        page = soup(client.get("/en/staff/content"))
        listed = [words(li) for li in page.select("ul.overdue li")]
        assert any("For professionals and organisations" in item and "Swedish" in item for item in listed), listed
        assert page.select_one(f'ul.overdue a[href="/en/staff/content/{pages["professionals"]}"]') is not None
    finally:
        set_version(app, pages["professionals"], "sv", review_by=dt.date.today() + dt.timedelta(days=180))
    page = soup(signed_in(app, ("editor",))[0].get("/en/staff/content"))
    assert not any("For professionals" in words(li) for li in page.select("ul.overdue li"))
