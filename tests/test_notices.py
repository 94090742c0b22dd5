"""Current notices: an editor publishes one with a first and a last day; it shows on the home page, the
contact page and the call-back form from its first day to its last and then disappears by itself, or
earlier when withdrawn. Confirmations carry the standing anti-scam line with the configured number."""
from __future__ import annotations

import datetime as dt

import pytest
from form_support import objects, send_callback, send_concern, unique, walk_concern
from helpers_support import LANGS, flashes, visitor
from page_checks import soup, words
from sqlalchemy import select
from staff_support import audit_entries, csrf, form_tokens, signed_in, text_of

from portal.content import queries
from portal.content.models import Notice
from portal.limits import limiter

pytestmark = pytest.mark.usefixtures("fresh_limits")
TODAY = dt.date.today()


def notices_on(response) -> list[str]:
    return [words(p) for p in soup(response).select(".current-notices .notice p")]


def publish(client, *, starts_on: dt.date, ends_on: dt.date, importance: str = "warning", token: bool = True,
            **texts):
    page = client.get("/en/staff/notices/new")
    assert page.status_code == 200, page.status_code
    data = form_tokens(page)
    if not token:
        data.pop("csrf_token")
    data.update(importance=importance, starts_on=starts_on.isoformat(), ends_on=ends_on.isoformat(), **texts)
    return client.post("/en/staff/notices/new", data=data)


def stored(app, fi_text: str) -> Notice | None:
    found = objects(app, select(Notice).where(Notice.texts["fi"].as_string() == fi_text))
    return found[0] if found else None


@pytest.fixture
def editor(app):
    return signed_in(app, ("editor",))


def test_a_published_notice_shows_in_each_language_from_its_first_to_its_last_day(app, editor, monkeypatch):
    client, _staff = editor
    texts = {"text_fi": unique("Huijaussoittoja liikkeellä"), "text_sv": unique("Bedrägliga samtal"),
             "text_en": unique("Scam calls")}
    response = publish(client, starts_on=TODAY + dt.timedelta(days=1), ends_on=TODAY + dt.timedelta(days=3), **texts)
    assert response.status_code == 303, text_of(response)[:400]
    assert flashes(client.get(response.headers["Location"])) == [
        "Published. The notice is shown from its first day until its last day."]
    item = stored(app, texts["text_fi"])
    assert item.importance == "warning" and item.texts["en"] == texts["text_en"]
    assert [e.action for e in audit_entries(app, "current_notice", item.id)] == ["notice_published"]
    reader = visitor(app)
    # Not yet: it starts tomorrow.
    assert not any(texts["text_en"] in text for text in notices_on(reader.get("/en/")))
    for offset, shown in ((1, True), (3, True), (4, False)):
        monkeypatch.setattr(queries, "today", lambda offset=offset: TODAY + dt.timedelta(days=offset))
        for lang in LANGS:
            found = any(texts[f"text_{lang}"] in text for text in notices_on(reader.get(f"/{lang}/")))
            assert found is shown, (offset, lang)
        for path in ("/en/contact", "/en/callback"):
            assert any(texts["text_en"] in text for text in notices_on(reader.get(path))) is shown, (offset, path)


def test_a_notice_without_a_translation_shows_the_finnish_text_marked_as_finnish(app, editor):
    client, _staff = editor
    fi_text = unique("Toimisto on suljettu")
    assert publish(client, starts_on=TODAY, ends_on=TODAY, importance="info", text_fi=fi_text).status_code == 303
    page = soup(visitor(app).get("/sv/"))
    marked = [span for span in page.select('.current-notices [lang="fi"]') if fi_text in words(span)]
    assert marked, page.select(".current-notices")


def test_withdrawing_a_notice_takes_it_off_at_once(app, editor):
    client, _staff = editor
    fi_text = unique("Puhelinpalvelu on kiinni")
    publish(client, starts_on=TODAY, ends_on=TODAY + dt.timedelta(days=7), text_fi=fi_text)
    item = stored(app, fi_text)
    assert any(fi_text in text for text in notices_on(visitor(app).get("/fi/")))
    page = client.get("/en/staff/notices")
    action = f"/en/staff/notices/{item.id}/withdraw"
    response = client.post(action, data=form_tokens(page, action))
    assert response.status_code == 303
    assert not any(fi_text in text for text in notices_on(visitor(app).get("/fi/")))
    assert stored(app, fi_text).status == "withdrawn"
    assert [e.action for e in audit_entries(app, "current_notice", item.id)] == ["notice_published",
                                                                                "notice_withdrawn"]
    # Twice is refused by the state table, and says why.
    again = client.post(action, data={"csrf_token": csrf(client)})
    assert again.status_code == 303
    assert flashes(client.get(again.headers["Location"])) == [
        "Someone else has just taken or changed this item. The page now shows its current state."]


def test_the_last_day_cannot_be_before_the_first_and_finnish_is_needed(app, editor):
    client, _staff = editor
    response = publish(client, starts_on=TODAY, ends_on=TODAY - dt.timedelta(days=1), text_en="Only English")
    assert response.status_code == 200
    summary = words(soup(response).select_one(".error-summary"))
    assert "The last day cannot be before the first day." in summary
    assert "Write the notice in Finnish." in summary


def test_publishing_without_the_csrf_token_stores_nothing(app, editor):
    client, _staff = editor
    fi_text = unique("Väärennetty")
    response = publish(client, starts_on=TODAY, ends_on=TODAY, text_fi=fi_text, token=False)
    assert response.status_code in (200, 400)
    assert stored(app, fi_text) is None


def test_an_adviser_cannot_publish_or_withdraw(app):
    client, _adviser = signed_in(app, ("adviser",))
    assert client.get("/en/staff/notices").status_code == 403
    assert client.get("/en/staff/notices/new").status_code == 403
    assert client.post("/en/staff/notices/new", data={"csrf_token": csrf(client)}).status_code == 403
    assert client.post("/en/staff/notices/1/withdraw", data={"csrf_token": csrf(client)}).status_code == 403


@pytest.mark.parametrize("lang", LANGS)
def test_the_callback_confirmation_says_which_number_we_call_from_and_what_we_never_ask(app, lang):
    limiter.reset()
    client = visitor(app)
    assert send_callback(client, lang).status_code == 303
    page = soup(client.get(f"/{lang}/callback/sent"))
    line = words(page.select_one("main .notice[role=note]"))
    assert app.config["SERVICE"]["advice_line_phone_display"] in line
    if lang == "en":
        assert line == "We call from 09 310 44556. We never ask for bank codes or passwords."


def test_the_concern_confirmation_has_the_anti_scam_line(app):
    limiter.reset()
    client = visitor(app)
    walk_concern(client, "en")
    response = send_concern(client, "en")
    assert response.status_code == 303, response.status_code
    page = client.get(response.headers["Location"])
    assert "We never ask for bank codes or passwords." in text_of(page)
    assert app.config["SERVICE"]["advice_line_phone_display"] in text_of(page)
