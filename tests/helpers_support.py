"""Helpers for the "helping someone" tests: my list, the handout, calendar feeds, public-computer mode
and listing reports. Builds on form_support (visitors with their own address, translations) and
page_checks (reading pages)."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from form_support import resident, session_data, tr
from icalendar import Calendar
from page_checks import csrf_token, soup, words
from sqlalchemy import func, inspect, select

from portal import db as portal_db

LANGS = ("fi", "sv", "en")


def visitor(app):
    """A fresh browser of its own (own address for rate limits, a Referer for the CSRF referrer check)."""
    return resident(app)


def token_from(client, path: str = "/en/privacy") -> str:
    """The session's CSRF token, as every page carries it (the display-settings form)."""
    return csrf_token(client.get(path))


def list_ids_in_session(app, client) -> list[int]:
    return list(session_data(app, client).get("my_list", []))


def toggle(client, lang: str, change: str, activity_id, token: str | None, htmx: bool = False, **form):
    data = dict(form)
    if token is not None:
        data["csrf_token"] = token
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(f"/{lang}/my-list/{change}/{activity_id}", data=data, headers=headers)


def header_count(response, lang: str) -> int | None:
    """The number beside "My list" in the main navigation (None when nothing is listed)."""
    link = soup(response).select_one(f'nav.main-nav a[href="/{lang}/my-list"]')
    assert link is not None, "no my-list link in the header"
    match = re.search(r"\((\d+)\)", words(link))
    return int(match.group(1)) if match else None


def card_links(response) -> list[int]:
    """Activity ids linked from the my-list page, in order."""
    ids = []
    for link in soup(response).select("ol.activity-list .card-title a"):
        ids.append(int(urlsplit(link["href"]).path.rsplit("/", 1)[1]))
    return ids


def flashes(response) -> list[str]:
    page = soup(response)
    return [words(p) for p in page.select("main > .notice[role=status] p")]


def all_row_counts(app) -> dict[str, int]:
    """Rows in every table of the database."""
    with app.app_context():
        session = portal_db.session()
        try:
            names = inspect(session.get_bind()).get_table_names()
            from sqlalchemy import table

            return {name: session.scalar(select(func.count()).select_from(table(name))) for name in names}
        finally:
            session.close()


def parse_calendar(response) -> Calendar:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.get_data())


def events(calendar: Calendar):
    return list(calendar.walk("VEVENT"))


def event_activity_id(event) -> int:
    return int(str(event["URL"]).rstrip("/").rsplit("/", 1)[1])


def translated(app, lang: str, text: str, **values) -> str:
    return tr(app, lang, text, **values)
