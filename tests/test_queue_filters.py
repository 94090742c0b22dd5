"""The queue's filters (kind, language, urgency, area, state, waiting time, who has it), all in the URL
of a GET form (bookmarkable, no script), with the count beside each choice; the Swedish view one click
away; the wait between the two call attempts; staff dates and times written per language."""
from __future__ import annotations

import datetime as dt

import pytest
from app_setup import database_url, make_app
from staff_support import act, add_callback, add_concern, load, make_staff, sign_in, soup, text_of

from portal.callback.models import CallbackRequest
from portal.db import utcnow
from portal.staff.display import staff_time

pytestmark = pytest.mark.usefixtures("fresh_limits")


@pytest.fixture(scope="module")
def queue_app(tmp_path_factory):
    """An app of its own, so that the queue holds exactly these items."""
    app = make_app(database_url(tmp_path_factory.mktemp("filters"), "filters"))
    yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture(scope="module")
def people(queue_app):
    me, other = make_staff(queue_app, ["adviser"]), make_staff(queue_app, ["adviser"])
    now = utcnow()
    items = {
        "fi_new": add_callback(queue_app, created_at=now - dt.timedelta(minutes=30)),
        "sv_new": add_callback(queue_app, created_at=now - dt.timedelta(minutes=20), call_language="sv"),
        "sv_overdue": add_callback(queue_app, created_at=now - dt.timedelta(days=10), call_language="sv"),
        "sv_mine": add_callback(queue_app, created_at=now - dt.timedelta(days=9), call_language="sv",
                                status="claimed", claimed_by_id=me.id),
        "en_other": add_callback(queue_app, created_at=now - dt.timedelta(hours=1), call_language="en",
                                 status="claimed", claimed_by_id=other.id),
        "urgent_east": add_concern(queue_app, created_at=now - dt.timedelta(minutes=5), urgency="danger",
                                   district="eastern"),
        "sv_concern": add_concern(queue_app, created_at=now - dt.timedelta(days=8), ui_language="sv",
                                  status="triage", claimed_by_id=other.id),
    }
    return sign_in(queue_app, me), me, items


def shown(client, query: str = "", lang: str = "en") -> list[str]:
    page = soup(client.get(f"/{lang}/staff/?{query}"))
    return [" ".join(row.th.get_text(" ").split()) for row in page.select("table.queue tbody tr")]


def refs(items, *names) -> list[str]:
    return [items[name].reference for name in names]


def test_swedish_unassigned_overdue(people):
    client, _me, items = people
    assert shown(client, "language=sv&holder=unassigned&due=overdue") == refs(items, "sv_overdue")
    # Repeated values of one filter mean any of them; different filters must all hold.
    assert sorted(shown(client, "language=sv&language=en&holder=others")) == sorted(refs(items, "en_other", "sv_concern"))
    assert shown(client, "holder=mine") == refs(items, "sv_mine")
    assert shown(client, "kind=concern&urgency=urgent") == refs(items, "urgent_east")
    assert shown(client, "district=eastern") == refs(items, "urgent_east")
    assert shown(client, "district=unknown") == refs(items, "sv_concern")  # callbacks have no area
    assert shown(client, "state=claimed") == refs(items, "sv_mine", "en_other")
    # Urgent first, then overdue, then the oldest, whatever the filters.
    assert shown(client, "") == refs(items, "urgent_east", "sv_overdue", "sv_mine", "sv_concern", "en_other",
                                     "fi_new", "sv_new")


def test_values_that_are_not_choices_are_ignored(people):
    client, _me, _items = people
    everything = shown(client)
    assert len(everything) == 7
    assert shown(client, "language=xx&kind=%00&holder=" + "m" * 300) == everything
    assert shown(client, "language=sv&bogus=1") == shown(client, "language=sv")


def labels(page) -> dict[str, str]:
    return {box["id"]: " ".join(page.select_one(f"label[for={box['id']}]").get_text(" ").split())
            for box in page.select("form.filters input[type=checkbox]")}


def test_each_choice_says_how_many_it_would_show(people):
    client, _me, _items = people
    page = soup(client.get("/en/staff/?language=sv"))
    found = labels(page)
    # Within Swedish: 3 callbacks and 1 notice; the language counts ignore the language filter itself.
    assert found["filter-kind-callback"] == "Callback request (3)"
    assert found["filter-kind-concern"] == "Concern notice (1)"
    assert found["filter-language-sv"] == "Swedish (4)" and found["filter-language-fi"] == "Finnish (2)"
    assert found["filter-language-en"] == "English (1)"
    assert found["filter-holder-unassigned"] == "Nobody's yet (2)" and found["filter-holder-mine"] == "Mine (1)"
    assert found["filter-due-overdue"] == "Over a working day (3)"
    # The chosen value is ticked: the form shows the view the URL asked for.
    assert page.select_one("#filter-language-sv").has_attr("checked")
    assert not page.select_one("#filter-language-fi").has_attr("checked")
    form = page.select_one("form.filters")
    assert form["method"] == "get" and form.select_one("button[type=submit]") is not None
    assert "4 open items match the filters. 7 open items in all." in text_of(client.get("/en/staff/?language=sv"))


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_swedish_view_is_one_click_away(people, lang):
    client, _me, items = people
    page = soup(client.get(f"/{lang}/staff/"))
    link = page.select_one(".quick-views a[href$='?language=sv']")
    assert link is not None
    assert "(4)" in link.parent.get_text(" ")
    assert sorted(shown(client, "language=sv", lang)) == sorted(refs(items, "sv_new", "sv_overdue", "sv_mine",
                                                                    "sv_concern"))


def test_no_match_says_so_and_offers_to_clear(people):
    client, _me, _items = people
    response = client.get("/en/staff/?kind=concern&language=en")
    assert "No open item matches these filters." in text_of(response)
    assert soup(response).select_one("main a[href$='/en/staff/']") is not None


# --- the two call attempts --------------------------------------------------------------------------------

def test_the_second_attempt_waits_the_configured_interval(queue_app, people):
    client, _me, _items = people
    item = add_callback(queue_app)
    act(client, "callback", item.id, "claim")
    act(client, "callback", item.id, "no-answer")
    page = text_of(client.get(f"/en/staff/callback/{item.id}"))
    assert "The second call attempt is possible from" in page
    response = act(client, "callback", item.id, "no-answer")
    assert "It is too soon for the second call attempt" in text_of(client.get(response.headers["Location"]))
    assert load(queue_app, CallbackRequest, item.id).status == "attempt_1"
    # In Finnish too, with the time as Finns write it.
    response = act(client, "callback", item.id, "no-answer", lang="fi")
    assert "Toisen soittoyrityksen voi tehdä aikaisintaan" in text_of(client.get(response.headers["Location"]))
    queue_app.config["CALLBACK_ATTEMPT_INTERVAL_MINUTES"] = 0
    try:
        act(client, "callback", item.id, "no-answer")
    finally:
        queue_app.config["CALLBACK_ATTEMPT_INTERVAL_MINUTES"] = 120
    assert load(queue_app, CallbackRequest, item.id).status == "closed_no_answer"


# --- dates and times ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang, expected", [("fi", "ma 30.11. 10.05"), ("sv", "mån 30 nov. 10.05"),
                                            ("en", "Mon 30 Nov, 10:05")])
def test_staff_times_are_written_as_each_language_writes_them(queue_app, lang, expected):
    from flask import g

    this_year = utcnow().year
    monday = next(dt.datetime(year, 11, 30, 8, 5) for year in range(this_year, this_year - 12, -1)
                  if dt.date(year, 11, 30).weekday() == 0)  # 10.05 in Helsinki (UTC+2 in winter)
    with queue_app.test_request_context(f"/{lang}/"):
        g.lang = lang
        written = staff_time(monday)
    if monday.year == this_year:
        assert written == expected
    else:  # another year: the year is written too
        assert str(monday.year) in written and written.endswith(expected.rsplit(" ", 1)[1])
