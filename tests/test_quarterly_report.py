"""The quarterly report (/<lang>/staff/report, its CSV): hand-made records for Q1 2025 whose figures are
worked out by hand below, small counts (1-4) hidden in the page and the CSV (with the next smallest
of a column hidden too where one alone would be), quarters read from the URL, and the page in fi/sv/en."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from app_setup import database_url, make_app
from sqlalchemy import func, select
from staff_support import add_callback, add_concern, flask_command, make_staff, sign_in, soup

from portal import db as portal_db
from portal.callback.models import CallbackRequest
from portal.concern.models import ConcernNotice
from portal.db import utcnow
from portal.resident_feedback.models import ContactAnswers
from portal.staff import report, topics
from portal.staff.models import ItemTopic, StaffUser

T = dt.datetime
# Sign-ins are counted by the rate limiter; the tests that sign in start with none counted.
signing_in = pytest.mark.usefixtures("fresh_limits")


def callbacks(app, count, created, outcome=None, status="closed", **values):
    return [add_callback(app, created_at=created, status=status, outcome=outcome,
                         closed_at=created + dt.timedelta(hours=2) if outcome else None, **values)
            for _ in range(count)]


def concerns(app, count, created, outcome=None, status="closed", **values):
    return [add_concern(app, created_at=created, status=status, outcome=outcome,
                        closed_at=created + dt.timedelta(days=1) if outcome else None, **values)
            for _ in range(count)]


@pytest.fixture(scope="module")
def report_app(tmp_path_factory):
    app = make_app(database_url(tmp_path_factory.mktemp("quarterly"), "quarterly"))
    # Callback requests, Q1 2025: January 8, February 6, March 3 (17).
    january = callbacks(app, 6, T(2025, 1, 14, 9), "existing_client_advice")
    callbacks(app, 2, T(2025, 1, 20, 9), "city_services_advice", call_language="sv")
    february = callbacks(app, 5, T(2025, 2, 11, 9), "city_services_advice")
    callbacks(app, 1, T(2025, 2, 12, 9), "other_no_answer", status="closed_no_answer")
    march = callbacks(app, 3, T(2025, 3, 5, 9), status="new", call_language="en")
    # Concern notices: January 5 (relatives), March 2 (neighbours, Swedish) and 1 open (8).
    concerns(app, 5, T(2025, 1, 8, 9), "advice_given", notifier_role="relative")
    concerns(app, 2, T(2025, 3, 10, 9), "service_need_assessment", notifier_role="neighbour", ui_language="sv")
    concerns(app, 1, T(2025, 3, 11, 9), status="received", notifier_role="professional")
    # Outside the quarter.
    callbacks(app, 1, T(2024, 12, 31, 9), "info_by_mail")
    concerns(app, 1, T(2025, 4, 1, 9), status="received", notifier_role="self")
    # Topics: loneliness on the six January requests and two of February's (8); digital on the five of
    # February (5); carer on March's three (3). 6 + 5 + 3 = 14 items have topics.
    staff = make_staff(app, ["adviser"])
    with app.app_context(), portal_db.transaction() as session:
        adviser = session.get(StaffUser, staff.id)
        for item in january:
            topics.tag("callback", item.id, adviser, ["loneliness"])
        for n, item in enumerate(february):
            topics.tag("callback", item.id, adviser, ["digital", "loneliness"] if n < 2 else ["digital"])
        for item in march:
            topics.tag("callback", item.id, adviser, ["carer"])
        # Residents' feedback in February: 5 rated the encounter (5, 5, 4, 4, 3: average 4.2), 3 the
        # cooperation (the other 2 could not say): too few to show.
        session.add_all(ContactAnswers(month="2025-02", channel="callback", ui_language="fi", encounter=e,
                                       competence=None, cooperation=c, impact=None)
                        for e, c in ((5, 4), (5, 4), (4, 3), (4, 0), (3, 0)))
    yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture(scope="module")
def reader(report_app):
    return sign_in(report_app, make_staff(report_app, ["adviser"]))


Q1 = report.Quarter(2025, 1)


def test_published_hides_small_counts_and_the_next_smallest_when_one_alone_is_hidden():
    assert report.published({"a": 8, "b": 6, "c": 3}) == {"a": 8, "b": None, "c": None}
    assert report.published({"a": 12, "b": 2, "c": 3}) == {"a": 12, "b": None, "c": None}
    assert report.published({"a": 5, "b": 0, "c": 7}) == {"a": 5, "b": 0, "c": 7}  # zero is not a person
    assert report.published({"a": 5, "b": 0, "c": 3}) == {"a": None, "b": 0, "c": None}
    assert report.published({"a": 9, "b": 1}, with_total=False) == {"a": 9, "b": None}
    assert report.published({"a": 4}) == {"a": None}


def test_quarters_are_read_and_bounded():
    assert report.Quarter.parse("2025-Q1") == Q1 and report.Quarter.parse("2025q1") == Q1
    assert (Q1.start, Q1.end) == (dt.date(2025, 1, 1), dt.date(2025, 3, 31))
    q4 = report.Quarter.parse("2024 Q4")
    assert q4 is not None and (q4.start, q4.end) == (dt.date(2024, 10, 1), dt.date(2024, 12, 31))
    for wrong in ("2025-Q5", "2025", "Q1", "1999-Q1", "x" * 300, "2025-Q1; drop"):
        assert report.Quarter.parse(wrong) is None
    assert report.Quarter.last_complete(dt.date(2026, 12, 1)) == report.Quarter(2026, 3)
    assert report.Quarter.last_complete(dt.date(2026, 2, 1)) == report.Quarter(2025, 4)


def as_published(app) -> dict[str, dict[str, list]]:
    """{table key: {row code: counts}} as the report publishes them (None: fewer than 5)."""
    from portal.staff.views_stats import _labels

    with app.test_request_context("/en/"):
        rep = report.build(Q1)
        return {t.key: {code: counts for code, _label, counts in t.rows} | {"total": t.totals}
                for t in report.tables(rep, _labels(rep.figures.months))}


def test_the_tables_give_the_hand_computed_published_figures(report_app):
    t = as_published(report_app)
    # Callbacks 8, 6, 3: March hidden, so February (the next smallest) too. Concerns 5, 0, 3: March
    # hidden, so January too; the zero stays.
    assert t["contacts_by_month"] == {"2025-01": [8, None], "2025-02": [None, 0], "2025-03": [None, None],
                                      "total": [17, 8]}
    # Calls in Finnish 12, Swedish 2, English 3; notices in Finnish 6, Swedish 2 (hidden, so Finnish too).
    assert t["languages"] == {"fi": [12, None], "sv": [None, None], "en": [None, 0], "total": [17, 8]}
    # 14 closed: existing client 6, city services 7, no answer 1 (hidden, so the 6 as well).
    outcomes = t["callback_outcomes"]
    assert outcomes["city_services_advice"] == [7] and outcomes["existing_client_advice"] == [None]
    assert outcomes["other_no_answer"] == [None] and outcomes["info_by_mail"] == [0] and outcomes["total"] == [14]
    # Relatives 5, neighbours 2 and a professional 1: two hidden already.
    assert t["notifier_roles"]["relative"] == [5] and t["notifier_roles"]["neighbour"] == [None]
    assert t["notifier_roles"]["professional"] == [None] and t["notifier_roles"]["self"] == [0]
    # 7 closed notices: advice 5, assessment 2 (hidden, so the 5 too).
    assert t["concern_outcomes"]["advice_given"] == [None] and t["concern_outcomes"]["service_need_assessment"] == [None]
    assert t["concern_outcomes"]["total"] == [7]
    # Ended: 13 callbacks handled here (the unanswered one is neither), 7 notices; none handed over.
    assert t["handled_transferred"] == {"handled_here": [13, 7], "transferred": [0, 0], "total": [13, 7]}
    # Topics by month and the quarter: loneliness 6, 2, 0 (8): February hidden, so January too.
    assert t["top_topics"] == {"loneliness": [None, None, 0, 8], "digital": [0, 5, 0, 5],
                               "carer": [0, 0, None, None], "total": None}


def cells(page) -> list[str]:
    return [" ".join(td.get_text(" ").split()) for td in page.select("table.data td")]


@signing_in
def test_the_page_shows_them_and_never_a_count_under_five(reader):
    response = reader.get("/en/staff/report?quarter=2025-Q1")
    assert response.status_code == 200
    page = soup(response)
    assert page.h1.get_text(" ").split() == ["Quarterly", "report", "2025", "Q1"]
    facts = {" ".join(d.dt.get_text(" ").split()): " ".join(d.dd.get_text(" ").split())
             for d in page.select("dl.key-facts > div")}
    assert facts["Contacts in all"] == "25" and facts["Callback requests"] == "17"
    assert facts["Concern notices"] == "8" and facts["Closed after two unanswered calls"] == "fewer than 5"
    for text in cells(page):  # counts, shares and (feedback) averages
        assert text in ("", "–", "fewer than 5", "0") or re.fullmatch(r"\d+ %|\d\.\d", text) or int(text) >= 5, text
    outcomes = {" ".join(tr.th.get_text(" ").split()): [" ".join(td.get_text(" ").split()) for td in tr.select("td")]
                for tr in page.select("#callback_outcomes ~ div table tbody tr")}
    assert outcomes["Advice on city services or social and health services in general"] == ["7", "50 %"]
    assert outcomes["Advice to a person who is already a client"] == ["fewer than 5", ""]
    topics_rows = {" ".join(tr.th.get_text(" ").split()): [" ".join(td.get_text(" ").split()) for td in tr.select("td")]
                   for tr in page.select("#top_topics ~ div table tbody tr")}
    # Shares of the 14 items with topics: 8/14 = 57 %, 5/14 = 36 %.
    assert topics_rows["Loneliness"] == ["fewer than 5", "fewer than 5", "0", "8", "57 %"]
    assert topics_rows["Digital services and devices"] == ["0", "5", "0", "5", "36 %"]
    assert list(topics_rows) == ["Loneliness", "Digital services and devices", "Family carer's situation"]
    # Charts drawn on the server with their tables; a hidden count has no bar.
    assert len(page.select("svg.chart")) >= 6
    assert "fewer than 5" in page.select_one("svg.chart").get_text(" ")
    feedback = {" ".join(tr.th.get_text(" ").split()): [" ".join(td.get_text(" ").split()) for td in tr.select("td")]
                for tr in page.select("#feedback ~ table tbody tr")}
    assert feedback["Encounter"] == ["5", "4.2"]
    assert feedback["Cooperation"] == ["fewer than 5", "–"] and feedback["Competence"] == ["0", "–"]


@signing_in
def test_the_csv_gives_the_same_published_figures(reader):
    response = reader.get("/en/staff/report.csv?quarter=2025-Q1")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "quarterly-report-2025-Q1.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["section", "row", "column", "count", "share"]
    data = {(section, row, column): (count, share) for section, row, column, count, share in rows[1:]}
    assert data[("contacts_by_month", "2025-01", "callback")] == ("8", "")
    assert data[("contacts_by_month", "2025-02", "callback")] == ("<5", "")
    assert data[("contacts_by_month", "total", "concern")] == ("8", "")
    assert data[("callback_outcomes", "city_services_advice", "callback")] == ("7", "0.5")
    assert data[("callback_outcomes", "other_no_answer", "callback")] == ("<5", "")
    assert data[("languages", "fi", "callback")] == ("12", "0.706")
    assert data[("top_topics", "loneliness", "quarter")] == ("8", "0.571")
    assert data[("handled_transferred", "handled_here", "callback")] == ("13", "1.0")
    for count, _share in data.values():
        assert count == "<5" or count == "0" or int(count) >= 5, count


@signing_in
@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_report_in_each_language(reader, lang):
    response = reader.get(f"/{lang}/staff/report?quarter=2025-Q1")
    assert response.status_code == 200
    page = soup(response)
    assert page.html["lang"] == lang
    assert page.select_one("form.period")["method"] == "get"  # the quarter is in the URL: no script needed
    months = {"fi": "tammikuu 2025", "sv": "januari 2025", "en": "January 2025"}[lang]
    assert months in page.get_text(" ")


@signing_in
@pytest.mark.parametrize("asked", ["2025-Q7", "soon", "%00"])
def test_an_unreadable_quarter_shows_the_last_complete_one(reader, asked):
    response = reader.get(f"/en/staff/report?quarter={asked}")
    assert response.status_code == 200
    assert "The quarter could not be read" in response.get_data(as_text=True)
    assert reader.get(f"/en/staff/report.csv?quarter={asked}").status_code == 200


@signing_in
def test_the_report_needs_an_adviser(report_app):
    editor = sign_in(report_app, make_staff(report_app, ["editor"]))
    assert editor.get("/en/staff/report?quarter=2025-Q1").status_code == 403
    assert editor.get("/en/staff/report.csv?quarter=2025-Q1").status_code == 403



# --- the demo history's quarter, counted by hand from the database ---------------------------------------

@pytest.fixture(scope="module")
def history_app(tmp_path_factory):
    app = make_app(database_url(tmp_path_factory.mktemp("history-report"), "history_report"))
    result = flask_command(app, "demo", "history")
    assert result.exit_code == 0, result.output + repr(result.exception)
    yield app
    app.extensions["db_engine"].dispose()


@signing_in
def test_the_demo_quarter_matches_a_count_of_the_database(history_app):
    quarter = report.Quarter.last_complete(utcnow().date())
    start = dt.datetime.combine(quarter.start, dt.time(0))
    end = dt.datetime.combine(quarter.end + dt.timedelta(days=1), dt.time(0))
    with history_app.app_context():
        session = portal_db.session()
        rep = report.build(quarter)

        def count(model, *where):
            return session.scalar(select(func.count()).select_from(model).where(
                model.created_at >= start, model.created_at < end, *where))

        f = rep.figures
        assert f.callbacks == count(CallbackRequest) > 50 and f.concerns == count(ConcernNotice) > 20
        for code in ("fi", "sv", "en", "other"):
            assert f.callback_languages[code] == count(CallbackRequest, CallbackRequest.call_language == code)
        for code in f.callback_outcomes:
            assert f.callback_outcomes[code] == count(CallbackRequest, CallbackRequest.outcome == code)
        for role in f.notifier_roles:
            assert f.notifier_roles[role] == count(ConcernNotice, ConcernNotice.notifier_role == role)
        assert f.transferred() == (count(CallbackRequest, CallbackRequest.status == "handed_over")
                                   + count(ConcernNotice, ConcernNotice.status == "handed_over")) > 0
        # Topics: of the quarter's items, as stored.
        ids = {kind: set(session.scalars(select(model.id).where(model.created_at >= start, model.created_at < end)))
               for kind, model in (("callback", CallbackRequest), ("concern", ConcernNotice))}
        stored = session.execute(select(ItemTopic.item_type, ItemTopic.item_id, ItemTopic.topic)).all()
        by_hand: dict[str, int] = {}
        for kind, item_id, topic in stored:
            if item_id in ids[kind]:
                by_hand[topic] = by_hand.get(topic, 0) + 1
        assert dict(f.topics) == by_hand and len(by_hand) >= 8
        # No unanswered request counts as contacted.
        assert count(CallbackRequest, CallbackRequest.status == "closed_no_answer",
                     CallbackRequest.first_contact_at.is_not(None)) == 0
    client = sign_in(history_app, make_staff(history_app, ["adviser"]))
    for lang in ("fi", "sv", "en"):
        assert client.get(f"/{lang}/staff/report?quarter={quarter.code}").status_code == 200
