"""Subscribable calendar feeds of filtered lists, and one activity's .ics (parsed with icalendar)."""
from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from catalogue_factory import activity, concert_day, one_off, organiser, text, venue, weekly
from helpers_support import LANGS, event_activity_id, events, parse_calendar, translated
from page_checks import all_result_ids, check_page, soup

from portal.catalogue import schedule
from portal.catalogue.models import Activity

FILTERS = [
    "",
    "category=food",
    "category=culture&category=exercise",
    "district=southern",
    "price=free",
    "access=wheelchair",
    "access=wheelchair&show=unchecked",
    "language=sv",
    "day=tue&day=sat",
    "time=evening",
    "drop_in=1",
    "online=1",
    "q=lounas",
    "audience=carers",
    "max_price=3",
    "sort=name&page=2",
    "district=nowhere",
]


def feed_ids(client, lang, query) -> list[int]:
    calendar = parse_calendar(client.get(f"/{lang}/activities.ics?{query}"))
    return [event_activity_id(e) for e in events(calendar)]


def api_ids(client, lang, query) -> list[int]:
    ids, page = [], 1
    base = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "page"]
    while True:
        response = client.get("/api/v1/activities?" + urlencode([*base, ("lang", lang), ("page", str(page))]))
        assert response.status_code == 200
        body = response.get_json()
        ids += [item["id"] for item in body["results"]]
        if page >= max(body["pages"], 1):
            return ids
        page += 1


@pytest.mark.parametrize("query", FILTERS)
def test_the_feed_holds_exactly_what_the_page_and_the_api_list(client, query):
    lang = "fi"
    page_query = "&".join(p for p in query.split("&") if not p.startswith("page="))
    on_page = all_result_ids(client, f"/{lang}/activities?{page_query}")
    in_api = api_ids(client, lang, query)
    in_feed = feed_ids(client, lang, query)
    assert len(set(on_page)) == len(on_page)  # no activity on two pages
    assert set(in_feed) == set(on_page) == set(in_api), (query, in_feed, on_page, in_api)


def test_the_unfiltered_feed_is_not_cut_to_one_page(client, catalogue):
    ids = set(feed_ids(client, "en", ""))
    assert ids == {i for key, i in catalogue.items() if key != "past-talk"}
    assert len(ids) > 20  # more than one page


@pytest.mark.parametrize("lang", LANGS)
def test_weekly_schedules_are_repeating_events_in_helsinki_time(client, catalogue, lang):
    calendar = parse_calendar(client.get(f"/{lang}/activities.ics?category=culture&category=digital&category=support"))
    by_id = {}
    for event in events(calendar):
        by_id.setdefault(event_activity_id(event), []).append(event)
    expected = {"crafts-cafe": ("WE", dt.time(13), dt.time(15)), "digi-help": ("MO", dt.time(17, 30), dt.time(19)),
                "carers-peer": ("FR", dt.time(18), dt.time(19))}
    today = schedule.local_now().date()
    for key, (day, starts, ends) in expected.items():
        [event] = by_id[catalogue[key]]
        rule = event["RRULE"]
        assert rule["FREQ"] == ["WEEKLY"] and rule["BYDAY"] == [day]
        start, end = event["DTSTART"], event["DTEND"]
        assert start.params["TZID"] == "Europe/Helsinki" and end.params["TZID"] == "Europe/Helsinki"
        assert start.dt.tzinfo is not None and str(start.dt.tzinfo) == "Europe/Helsinki"
        assert start.dt.time() == starts and end.dt.time() == ends
        assert ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][start.dt.weekday()] == day
        assert today <= start.dt.date() < today + dt.timedelta(days=7)
    zones = calendar.walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == ["Europe/Helsinki"]
    assert zones[0].walk("STANDARD") and zones[0].walk("DAYLIGHT")


def test_cancelled_dates_are_excluded_not_events(client, catalogue, db):
    cancelled = db.get(Activity, catalogue["chair-gym"]).cancellations[0].day
    calendar = parse_calendar(client.get("/en/activities.ics?category=exercise"))
    chair = [e for e in events(calendar) if event_activity_id(e) == catalogue["chair-gym"]]
    assert len(chair) == 1
    excluded = chair[0]["EXDATE"]
    excluded = excluded if isinstance(excluded, list) else [excluded]
    dates = [d.dt for ex in excluded for d in ex.dts]
    assert [d.date() for d in dates] == [cancelled]
    assert dates[0].time() == dt.time(10) and str(dates[0].tzinfo) == "Europe/Helsinki"
    for event in events(calendar):
        assert "RECURRENCE-ID" not in event
        assert event["DTSTART"].dt.date() != cancelled or "RRULE" in event


def test_one_off_dates_are_events_and_past_ones_are_left_out(client, catalogue):
    calendar = parse_calendar(client.get("/sv/activities.ics?category=culture&category=health"))
    concert = [e for e in events(calendar) if event_activity_id(e) == catalogue["concert"]]
    assert len(concert) == 1 and "RRULE" not in concert[0]
    day = concert_day(schedule.local_now().date())
    assert concert[0]["DTSTART"].dt.replace(tzinfo=None) == dt.datetime.combine(day, dt.time(19))
    assert concert[0]["DTEND"].dt.replace(tzinfo=None) == dt.datetime.combine(day, dt.time(20, 30))
    assert str(concert[0]["SUMMARY"]) == "Julkonsert"
    assert catalogue["past-talk"] not in [event_activity_id(e) for e in events(calendar)]
    single = parse_calendar(client.get(f"/sv/activities/{catalogue['past-talk']}.ics"))
    assert events(single) == []


def test_the_feed_says_how_often_to_refresh(client):
    response = client.get("/fi/activities.ics?category=food")
    raw = response.get_data(as_text=True).replace("\r\n ", "")
    assert "REFRESH-INTERVAL;VALUE=DURATION:P1D" in raw
    assert "X-PUBLISHED-TTL:P1D" in raw
    calendar = parse_calendar(response)
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
    assert response.headers["Content-Disposition"].startswith("inline")


def test_uids_are_stable_between_requests(client):
    def uids():
        return sorted(str(e["UID"]) for e in events(parse_calendar(client.get("/fi/activities.ics"))))

    first = uids()
    assert first == uids()
    assert len(first) == len(set(first))
    # The same event has the same UID in every language and in the single-activity file.
    assert first == sorted(str(e["UID"]) for e in events(parse_calendar(client.get("/en/activities.ics"))))


def test_single_activity_uid_matches_the_feed(client, catalogue):
    feed = {str(e["UID"]) for e in events(parse_calendar(client.get("/fi/activities.ics?category=culture")))}
    single = {str(e["UID"]) for e in events(parse_calendar(client.get(f"/fi/activities/{catalogue['concert']}.ics")))}
    assert single and single <= feed


@pytest.mark.parametrize("lang, chair, digi", [("fi", "Tuolijumppa", "Digituki"),
                                               ("sv", "Stolgympa", "Digituki"),
                                               ("en", "Chair exercise", "Digital help desk")])
def test_summaries_in_the_page_language_with_finnish_fallback(app, client, catalogue, lang, chair, digi):
    calendar = parse_calendar(client.get(f"/{lang}/activities.ics?category=exercise&category=digital&category=nature"))
    summaries = {event_activity_id(e): str(e["SUMMARY"]) for e in events(calendar)}
    assert summaries[catalogue["chair-gym"]] == chair
    assert summaries[catalogue["digi-help"]] == digi
    assert summaries[catalogue["nature-walk"]] == "Luontokävely Vartiosaaressa"
    city = {"fi": "Helsinki", "sv": "Helsingfors", "en": "Helsinki"}[lang]
    assert str(calendar["X-WR-CALNAME"]) == translated(app, lang, "Wellbeing activities, %(city)s", city=city)
    urls = {str(e["URL"]) for e in events(calendar)}
    assert all(u.startswith(f"https://localhost/{lang}/activities/") for u in urls)


def test_text_is_escaped_on_the_wire(fresh_app):
    from portal import db as portal_db
    from portal.catalogue.indexing import reindex

    today = schedule.local_now().date()
    with fresh_app.app_context(), portal_db.transaction() as session:
        org = organiser(session, "o", {"fi": "Järjestäjä"})
        place = venue(session, "v", {"fi": "Sali; 2. krs, Talo"}, "00100", {"fi": "Kamppi"}, "southern", 60.17,
                      24.93, street={"fi": "Katu 1, A\nrappu"})
        made = [
            activity(session, "a", org, place,
                     [text("fi", "Laulu, tanssi; ja leikki\\ilo", "Rivi 1\nRivi 2; kolme, neljä")],
                     slots=[weekly("wed", "10:00", "11:00")], today=today),
            activity(session, "b", org, None, [text("fi", "Kerta, vain; kerran", "Yksi")],
                     dates=[one_off(today + dt.timedelta(days=4), "12:00", "13:00"),
                            one_off(today + dt.timedelta(days=5), "12:00", "13:00"),
                            one_off(today - dt.timedelta(days=1), "12:00", "13:00")],
                     cancelled_days=[today + dt.timedelta(days=5)], today=today),
        ]
        session.flush()
        reindex(session, made, schedule.local_now())
        ids = {a.key: a.id for a in made}
    client = fresh_app.test_client()
    response = client.get("/fi/activities.ics")
    raw = response.get_data(as_text=True).replace("\r\n ", "")
    assert "SUMMARY:Laulu\\, tanssi\\; ja leikki\\\\ilo" in raw
    assert "DESCRIPTION:Rivi 1\\nRivi 2\\; kolme\\, neljä" in raw
    assert "LOCATION:Sali\\; 2. krs\\, Talo\\, Katu 1\\, A\\nrappu\\, 00100 Helsinki" in raw
    assert all(not line or line[0] != "\n" for line in raw.split("\r\n"))
    calendar = parse_calendar(response)
    by_summary = {}
    for event in events(calendar):
        by_summary.setdefault(str(event["SUMMARY"]), []).append(event)
    [sung] = by_summary["Laulu, tanssi; ja leikki\\ilo"]
    assert str(sung["DESCRIPTION"]).startswith("Rivi 1\nRivi 2; kolme, neljä")
    # The one-off activity: the cancelled date and the past date are not events.
    once = by_summary["Kerta, vain; kerran"]
    assert [e["DTSTART"].dt.date() for e in once] == [today + dt.timedelta(days=4)]
    assert "LOCATION" not in once[0]
    assert event_activity_id(once[0]) == ids["b"]


def test_a_weekly_slot_on_today_with_a_cancellation_today(fresh_app):
    """DTSTART is a real occurrence of the rule (RFC 5545), and a cancelled day is excluded by date and time."""
    from portal import db as portal_db
    from portal.catalogue.indexing import reindex

    now = schedule.local_now()
    today = now.date()
    day = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][today.weekday()]
    with fresh_app.app_context(), portal_db.transaction() as session:
        org = organiser(session, "o", {"fi": "Järjestäjä"})
        found = activity(session, "t", org, None, [text("fi", "Tänään", "Joka viikko")],
                         slots=[weekly(day, "23:00", "23:30")], cancelled_days=[today + dt.timedelta(days=7)],
                         today=today)
        session.flush()
        reindex(session, [found], now)
        activity_id = found.id
    [event] = events(parse_calendar(fresh_app.test_client().get(f"/en/activities/{activity_id}.ics")))
    assert event["DTSTART"].dt.replace(tzinfo=None) == dt.datetime.combine(today, dt.time(23))
    assert event["RRULE"]["BYDAY"] == [day[:2].upper()]
    excluded = event["EXDATE"]
    excluded = excluded if isinstance(excluded, list) else [excluded]
    assert [d.dt.replace(tzinfo=None) for ex in excluded for d in ex.dts] == [
        dt.datetime.combine(today + dt.timedelta(days=7), dt.time(23))]


# --- links to the feeds ------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("query", ["category=exercise&district=southern",
                                   "q=k%C3%A4vely+%26+%23tanssi%3B&language=sv&page=2",
                                   "access=wheelchair&access=hearing&day=tue",
                                   ""])
def test_the_list_links_the_feed_as_webcal_and_https(client, lang, query):
    response = client.get(f"/{lang}/activities?{query}")
    page = check_page(response)
    links = [a["href"] for a in page.find_all("a", href=True)]
    webcal = [h for h in links if h.startswith("webcal://")]
    https = [h for h in links if h.startswith("https://") and urlsplit(h).path == f"/{lang}/activities.ics"]
    assert len(webcal) == 1 and len(https) == 1, links
    wanted = sorted((k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "page")
    for link in (webcal[0], https[0]):
        parts = urlsplit(link)
        assert parts.netloc == "localhost" and parts.path == f"/{lang}/activities.ics"
        assert sorted(parse_qsl(parts.query, keep_blank_values=True)) == wanted
    assert urlsplit(webcal[0])[1:] == urlsplit(https[0])[1:]
    # Following the link gives the same activities as the list.
    parts = urlsplit(https[0])
    assert set(feed_ids(client, lang, parts.query)) == set(all_result_ids(client, f"/{lang}/activities?{parts.query}"))


@pytest.mark.parametrize("lang", LANGS)
def test_an_activity_page_links_its_own_calendar_file(app, client, catalogue, lang):
    page = soup(client.get(f"/{lang}/activities/{catalogue['crafts-cafe']}"))
    label = translated(app, lang, "Add to your calendar (.ics)")
    link = [a for a in page.find_all("a", href=True) if " ".join(a.get_text().split()) == label]
    assert len(link) == 1 and urlsplit(link[0]["href"]).path == f"/{lang}/activities/{catalogue['crafts-cafe']}.ics"
    response = client.get(link[0]["href"])
    assert response.headers["Content-Disposition"] == f'inline; filename="activity-{catalogue["crafts-cafe"]}.ics"'
    [event] = events(parse_calendar(response))
    assert str(event["SUMMARY"]) == {"fi": "Käsityökahvila", "sv": "Hantverkscafé", "en": "Crafts café"}[lang]
    assert event["RRULE"]["BYDAY"] == ["WE"]
    assert str(event["URL"]) == f"https://localhost/{lang}/activities/{catalogue['crafts-cafe']}"


@pytest.mark.parametrize("path", ["/fi/activities/0.ics", "/fi/activities/99999999.ics", "/fi/activities/abc.ics",
                                  "/xx/activities.ics"])
def test_unknown_calendars_are_not_found(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("query", ["category=%3Cscript%3E", "page=-5", "page=99999999999999999999", "near=abc",
                                   "max_price=-1", "day=funday", "q=" + "x" * 3000, "access=%00"])
def test_hostile_filters_never_break_the_feed(client, query):
    response = client.get(f"/en/activities.ics?{query}")
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 200:
        parse_calendar(response)
