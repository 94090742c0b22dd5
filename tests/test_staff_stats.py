"""Statistics: hand-made records whose figures are worked out by hand (report, page and CSV agree with
them), Finnish working days, the year of synthetic history against the Q3 2020 report's shares, polite
handling of unreadable dates, and retention (`flask purge`) keeping the counts."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from app_setup import database_url, make_app
from sqlalchemy import func, select
from staff_support import add_callback, add_concern, flask_command, make_staff, sign_in, soup

from portal import crypto, db as portal_db
from portal.callback.models import CallbackRequest
from portal.concern.models import ConcernNotice
from portal.db import utcnow
from portal.staff import stats
from portal.staff.models import ItemNote

T = dt.datetime


# Each test starts with no sign-in tries counted by the rate limiter (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("fresh_limits")


def closed_callback(app, created, first=None, reached=None, outcome=None, status=None, **values):
    status = status or ("closed" if outcome and outcome != "other_no_answer" else
                        "closed_no_answer" if outcome else "new")
    closed = (reached or first or created) + dt.timedelta(minutes=30) if outcome else None
    return add_callback(app, created_at=created, first_contact_at=first, reached_at=reached, outcome=outcome,
                        status=status, closed_at=closed, **values)


@pytest.fixture(scope="module")
def stats_app(tmp_path_factory):
    """An app on its own database with a handful of records whose statistics are known."""
    app = make_app(database_url(tmp_path_factory.mktemp("stats"), "stats"))
    # Callback requests, Q1 2025 (times in UTC).
    # Friday, reached on Monday: within one working day.
    closed_callback(app, T(2025, 1, 10, 10), T(2025, 1, 10, 12), T(2025, 1, 13, 9), "existing_client_advice")
    # Friday, reached on Tuesday: not within one working day (72 h to first contact).
    closed_callback(app, T(2025, 1, 17, 10), T(2025, 1, 20, 10), T(2025, 1, 21, 10), "city_services_advice",
                    call_language="sv")
    # Friday 3 January, reached Tuesday 7th: Monday the 6th is Epiphany, so within one working day (96 h).
    closed_callback(app, T(2025, 1, 3, 10), T(2025, 1, 7, 10), T(2025, 1, 7, 10), "health_station_advice")
    # Two unanswered calls: never reached, so no first contact (an unanswered call is not contact).
    closed_callback(app, T(2025, 2, 5, 8), None, None, "other_no_answer")
    # Reached on the same day, for someone else (4 h).
    closed_callback(app, T(2025, 2, 10, 8), T(2025, 2, 10, 12), T(2025, 2, 10, 12), "existing_client_advice",
                    call_language="en", for_someone_else=True)
    # Still waiting.
    add_callback(app, created_at=T(2025, 3, 13, 10))
    # Outside the period: the day before and the day after.
    closed_callback(app, T(2024, 12, 31, 10), T(2024, 12, 31, 11), T(2024, 12, 31, 11), "info_by_mail")
    add_callback(app, created_at=T(2025, 4, 1, 10))
    # Concern notices.
    add_concern(app, created_at=T(2025, 1, 15, 9), first_contact_at=T(2025, 1, 15, 15), status="closed",
                outcome="advice_given", closed_at=T(2025, 1, 20), notifier_role="relative")
    add_concern(app, created_at=T(2025, 2, 20, 9), first_contact_at=T(2025, 2, 21, 9), status="closed",
                outcome="duplicate", closed_at=T(2025, 2, 22), notifier_role="neighbour", ui_language="sv")
    add_concern(app, created_at=T(2025, 3, 3, 9), notifier_role="relative")
    add_concern(app, created_at=T(2025, 3, 25, 9), first_contact_at=T(2025, 3, 25, 19), status="closed",
                outcome="advice_given", closed_at=T(2025, 3, 28), notifier_role="professional", ui_language="en")
    add_concern(app, created_at=T(2025, 3, 31, 12), notifier_role="friend", urgency="health")
    add_concern(app, created_at=T(2025, 4, 1, 10), notifier_role="self")  # outside
    yield app
    app.extensions["db_engine"].dispose()


START, END = dt.date(2025, 1, 1), dt.date(2025, 3, 31)


def test_report_gives_the_hand_computed_figures(stats_app):
    with stats_app.app_context():
        r = stats.report(START, END)
    assert r.months == ["2025-01", "2025-02", "2025-03"]
    assert r.callbacks == 6 and r.concerns == 5
    assert dict(r.callbacks_by_month) == {"2025-01": 3, "2025-02": 2, "2025-03": 1}
    assert dict(r.concerns_by_month) == {"2025-01": 1, "2025-02": 1, "2025-03": 3}
    assert dict(r.callback_languages) == {"fi": 4, "sv": 1, "en": 1}
    assert dict(r.concern_languages) == {"fi": 3, "sv": 1, "en": 1}
    assert dict(r.notifier_roles) == {"relative": 2, "neighbour": 1, "professional": 1, "friend": 1}
    assert dict(r.callback_outcomes) == {"existing_client_advice": 2, "city_services_advice": 1,
                                         "health_station_advice": 1, "other_no_answer": 1}
    assert dict(r.concern_outcomes) == {"advice_given": 2, "duplicate": 1}
    assert stats.share(r.callback_outcomes["existing_client_advice"], sum(r.callback_outcomes.values())) == 0.4
    assert r.closed_no_answer == 1 and r.for_someone_else == 1
    # First contact after 2, 72, 96 and 4 hours (the unanswered one has none): median (4 + 72) / 2 = 38.
    # Concerns: 6, 24 and 10 hours: median 10.
    assert r.median_hours_to_contact == {"callback": 38.0, "concern": 10.0}
    # How they ended, as the state tables count it; the nine outcomes by the language of the call.
    assert r.endings == {"callback": {"resolved": 4, "unreached": 1}, "concern": {"resolved": 3}}
    assert r.handled_here() == 7 and r.transferred() == 0
    assert r.callback_outcomes_by_language == {
        "fi": {"existing_client_advice": 1, "health_station_advice": 1, "other_no_answer": 1},
        "sv": {"city_services_advice": 1}, "en": {"existing_client_advice": 1}}
    # Reached within one working day: the Friday→Monday, the Friday→Tuesday-after-Epiphany and the same-day one.
    assert r.reached_within_one_working_day == pytest.approx(3 / 6)


def test_one_month_and_an_empty_period(stats_app):
    with stats_app.app_context():
        february = stats.report(dt.date(2025, 2, 1), dt.date(2025, 2, 28))
        empty = stats.report(dt.date(2023, 1, 1), dt.date(2023, 1, 31))
    assert february.callbacks == 2 and february.concerns == 1
    assert february.median_hours_to_contact == {"callback": 4.0, "concern": 24.0}
    assert february.reached_within_one_working_day == pytest.approx(0.5)
    assert empty.callbacks == empty.concerns == 0
    assert empty.reached_within_one_working_day is None
    assert empty.median_hours_to_contact == {"callback": None, "concern": None}


@pytest.fixture(scope="module")
def stats_adviser(stats_app):
    return sign_in(stats_app, make_staff(stats_app, ["adviser"]))


def table_rows(page, caption_start: str) -> dict[str, list[str]]:
    for table in page.select("table"):
        caption = table.caption.get_text(" ").strip() if table.caption else ""
        if caption.startswith(caption_start):
            return {" ".join(tr.th.get_text(" ").split()): [td.get_text().strip() for td in tr.select("td")]
                    for tr in table.select("tbody tr")}
    raise AssertionError(f"no table {caption_start!r}")


def test_the_page_shows_the_same_figures(stats_adviser):
    response = stats_adviser.get("/en/staff/statistics?start=2025-01-01&end=2025-03-31")
    assert response.status_code == 200
    page = soup(response)
    facts = {" ".join(div.dt.get_text(" ").split()): " ".join(div.dd.get_text(" ").split())
             for div in page.select("dl.key-facts > div")}
    assert facts["Callback requests"] == "6"
    assert facts["Concern notices"] == "5"
    assert facts["Callback requests reached within one working day"] == "50 %"
    # Whole hours are written as people write them; fractions in the page's own style (2,5 in Finnish).
    assert facts["Median time to first contact, callback requests"] == "38 hours"
    assert facts["Median time to first contact, concern notices"] == "10 hours"
    assert facts["Closed after two unanswered calls"] == "1"
    assert facts["Requests made for someone else"] == "1"
    assert table_rows(page, "Callback requests and concern notices per month") == {
        "2025-01": ["3", "1"], "2025-02": ["2", "1"], "2025-03": ["1", "3"]}
    languages = table_rows(page, "Callback requests and concern notices by language")
    assert sorted(languages.values()) == sorted([["1", "1"], ["4", "3"], ["1", "1"]])
    roles = table_rows(page, "Concern notices by the notifier's role")
    assert roles["Relative"] == ["2"] and roles["Neighbour"] == ["1"] and roles["The older person themself"] == ["0"]
    outcomes = table_rows(page, "How callback requests were resolved")
    assert len(outcomes) == 9
    assert outcomes["Advice to a person who is already a client"] == ["2", "40 %"]
    assert outcomes["Other: no answer, already resolved or wrong number"] == ["1", "20 %"]
    assert outcomes["Information sent by letter or e-mail"] == ["0", "0 %"]
    concern_outcomes = table_rows(page, "How concern notices were resolved")
    assert concern_outcomes["Advice given"] == ["2", "67 %"] and concern_outcomes["Duplicate"] == ["1", "33 %"]
    # Charts drawn on the server, beside the tables.
    assert len(page.select("svg.chart")) >= 5
    assert page.select_one("svg.chart rect") is not None
    assert "The dates could not be read" not in response.get_data(as_text=True)


def test_the_csv_gives_the_same_figures(stats_adviser):
    response = stats_adviser.get("/en/staff/statistics.csv?start=2025-01-01&end=2025-03-31")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "statistics-2025-01-01-2025-03-31.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    # Resident feedback has rows of its own (checked in tests/test_resident_feedback.py).
    rows = [row for row in rows if not row[0].startswith(("feedback_", "found_"))]
    assert rows[0] == ["section", "key", "count"]
    data = {(section, key): value for section, key, value in rows[1:]}
    expected = {
        ("callbacks_by_month", "2025-01"): "3", ("callbacks_by_month", "2025-02"): "2",
        ("callbacks_by_month", "2025-03"): "1", ("concerns_by_month", "2025-01"): "1",
        ("concerns_by_month", "2025-02"): "1", ("concerns_by_month", "2025-03"): "3",
        ("callback_languages", "fi"): "4", ("callback_languages", "sv"): "1", ("callback_languages", "en"): "1",
        ("concern_languages", "fi"): "3", ("concern_languages", "sv"): "1", ("concern_languages", "en"): "1",
        ("notifier_roles", "relative"): "2", ("notifier_roles", "neighbour"): "1",
        ("notifier_roles", "professional"): "1", ("notifier_roles", "friend"): "1",
        ("callback_outcomes", "existing_client_advice"): "2", ("callback_outcomes", "city_services_advice"): "1",
        ("callback_outcomes", "health_station_advice"): "1", ("callback_outcomes", "other_no_answer"): "1",
        ("concern_outcomes", "advice_given"): "2", ("concern_outcomes", "duplicate"): "1",
        ("totals", "closed_no_answer"): "1",
        ("median_hours_to_first_contact", "callback"): "38.0", ("median_hours_to_first_contact", "concern"): "10.0",
        ("callback_endings", "resolved"): "4", ("callback_endings", "unreached"): "1",
        ("concern_endings", "resolved"): "3",
        ("callback_outcomes_fi", "existing_client_advice"): "1", ("callback_outcomes_fi", "health_station_advice"): "1",
        ("callback_outcomes_fi", "other_no_answer"): "1", ("callback_outcomes_sv", "city_services_advice"): "1",
        ("callback_outcomes_en", "existing_client_advice"): "1",
        ("share_reached_within_one_working_day", "callback"): "0.5",
    }
    assert data == expected
    assert len(rows) == 1 + len(expected)


@pytest.mark.parametrize("query", ["start=2025-13-45&end=2025-03-31", "start=yesterday&end=soon", "start=2025-03-31&end=2025-01-01",
                                   "start=1900-01-01&end=2025-01-01", "start=%00&end=", "start=2025-02-30",
                                   "start=" + "9" * 300])
def test_unreadable_dates_fall_back_politely(stats_adviser, query):
    response = stats_adviser.get(f"/en/staff/statistics?{query}")
    assert response.status_code == 200
    assert "The dates could not be read, so the last twelve months are shown." in response.get_data(as_text=True)
    csv_response = stats_adviser.get(f"/en/staff/statistics.csv?{query}")
    assert csv_response.status_code == 200 and csv_response.mimetype == "text/csv"


def test_the_default_period_is_the_last_twelve_months(stats_adviser):
    response = stats_adviser.get("/en/staff/statistics")
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one("input#end")["value"] == utcnow().date().isoformat()
    assert "The dates could not be read" not in response.get_data(as_text=True)


# --- a year of synthetic history -------------------------------------------------------------------------

Q3_2020_SHARES = {"existing_client_advice": 23, "health_station_advice": 7, "authority_advice": 5,
                  "new_client_assessment": 11, "ngo_private_info": 5, "city_services_advice": 19,
                  "info_by_mail": 3, "further_investigation": 8, "other_no_answer": 19}


@pytest.fixture(scope="module")
def history_app(tmp_path_factory):
    app = make_app(database_url(tmp_path_factory.mktemp("history"), "history"))
    result = flask_command(app, "demo", "history")
    assert result.exit_code == 0, result.output + repr(result.exception)
    app.extensions["history_output"] = result.output
    yield app
    app.extensions["db_engine"].dispose()


def counts(app, model, *where) -> int:
    with app.app_context():
        return portal_db.session().scalar(select(func.count()).select_from(model).where(*where))


def whole_history(app) -> stats.Report:
    today = dt.date.today()
    with app.app_context():
        return stats.report(today - dt.timedelta(days=367), today + dt.timedelta(days=1))


def test_history_report_totals_equal_the_database(history_app):
    r = whole_history(history_app)
    assert r.callbacks == counts(history_app, CallbackRequest) > 500
    assert r.concerns == counts(history_app, ConcernNotice) > 200
    assert f"{r.callbacks} callback requests" in history_app.extensions["history_output"]
    assert sum(r.callbacks_by_month.values()) == r.callbacks
    assert sum(r.concerns_by_month.values()) == r.concerns
    assert sum(r.callback_languages.values()) == r.callbacks
    assert sum(r.notifier_roles.values()) == r.concerns
    assert sum(r.callback_outcomes.values()) == counts(history_app, CallbackRequest, CallbackRequest.outcome.is_not(None))
    assert r.closed_no_answer == counts(history_app, CallbackRequest, CallbackRequest.status == "closed_no_answer")
    assert 0 < r.reached_within_one_working_day < 1


def test_history_outcome_shares_follow_the_q3_2020_report(history_app):
    r = whole_history(history_app)
    total = sum(r.callback_outcomes.values())
    assert set(r.callback_outcomes) == set(Q3_2020_SHARES)
    for code, percent in Q3_2020_SHARES.items():
        assert abs(100 * r.callback_outcomes[code] / total - percent) <= 5, (code, r.callback_outcomes[code], total)
    swedish = r.callback_languages["sv"] / r.callbacks
    assert swedish < 0.15


def test_history_statistics_page_and_csv_render(history_app):
    client = sign_in(history_app, make_staff(history_app, ["admin"]))
    assert client.get("/en/staff/statistics").status_code == 200
    assert client.get("/fi/staff/statistics.csv").status_code == 200
    assert client.get("/sv/staff/").status_code == 200


# --- retention ---------------------------------------------------------------------------------------------

def test_purge_removes_personal_data_and_keeps_the_counts(history_app):
    now = utcnow()
    days = history_app.config["SERVICE"]["retention_days"]
    old_callback = counts(history_app, CallbackRequest,
                          CallbackRequest.closed_at <= now - dt.timedelta(days=days["callback"]))
    old_concern = counts(history_app, ConcernNotice,
                         ConcernNotice.closed_at <= now - dt.timedelta(days=days["concern"]))
    assert old_callback > 0
    # A fresh closed item and an old one with a note; an old open one.
    recent = add_callback(history_app, name="Tuore Suljettu", status="closed", outcome="info_by_mail",
                          created_at=now - dt.timedelta(days=3), closed_at=now - dt.timedelta(days=2),
                          first_contact_at=now - dt.timedelta(days=2))
    with history_app.app_context():
        session = portal_db.session()
        purged = session.scalar(select(CallbackRequest).where(
            CallbackRequest.closed_at <= now - dt.timedelta(days=days["callback"] + 5)).limit(1))
        staff = make_staff(history_app, ["adviser"])
        session.add(ItemNote(item_type="callback", item_id=purged.id, staff_id=staff.id,
                             text=crypto.encrypt("Vanha muistiinpano")))
        session.commit()
        purged_id = purged.id
    waiting = add_callback(history_app, name="Odottaa Yhä", created_at=now - dt.timedelta(days=400))
    before = whole_history(history_app)

    result = flask_command(history_app, "purge")
    assert result.exit_code == 0, result.output
    assert f"{old_callback} callback requests" in result.output
    assert f"{old_concern} concern notices" in result.output

    after = whole_history(history_app)
    assert after == before  # every figure the statistics show stays
    with history_app.app_context():
        session = portal_db.session()
        old = session.scalars(select(CallbackRequest).where(
            CallbackRequest.closed_at <= now - dt.timedelta(days=days["callback"]))).all()
        assert len(old) == old_callback
        for record in old:
            assert record.name is None and record.phone is None and record.helper_name is None
            assert record.message is None and record.personal_data_removed_at is not None
            assert record.outcome is not None and record.created_at is not None
        notices = session.scalars(select(ConcernNotice).where(
            ConcernNotice.closed_at <= now - dt.timedelta(days=days["concern"]))).all()
        assert all(n.personal is None and n.personal_data_removed_at for n in notices)
        assert session.get(CallbackRequest, recent.id).name == "Tuore Suljettu"
        assert session.get(CallbackRequest, waiting.id).name == "Odottaa Yhä"
        younger = session.scalars(select(ConcernNotice).where(
            ConcernNotice.closed_at > now - dt.timedelta(days=days["concern"]))).all()
        assert younger and all(n.personal is not None for n in younger)
        assert session.get(CallbackRequest, purged_id).personal_data_removed_at is not None


# `purge` removes the text of advisers' notes on purged items too (free text about the person), and the
# item page then says "Deleted under the retention rules." for them.
def test_purge_removes_the_notes_of_purged_items(history_app):
    now = utcnow()
    days = history_app.config["SERVICE"]["retention_days"]
    staff = make_staff(history_app, ["adviser"])
    old = add_callback(history_app, status="closed", outcome="info_by_mail", created_at=now - dt.timedelta(days=400),
                       closed_at=now - dt.timedelta(days=days["callback"] + 10))
    old_concern = add_concern(history_app, status="closed", outcome="no_action",
                              created_at=now - dt.timedelta(days=800),
                              closed_at=now - dt.timedelta(days=days["concern"] + 10))
    with history_app.app_context(), portal_db.transaction() as session:
        session.add(ItemNote(item_type="callback", item_id=old.id, staff_id=staff.id,
                             text=crypto.encrypt("Poika asuu Tampereella, muistisairaus")))
        session.add(ItemNote(item_type="concern", item_id=old_concern.id, staff_id=staff.id,
                             text=crypto.encrypt("Naapuri kertoi kaatumisesta")))
    assert flask_command(history_app, "purge").exit_code == 0
    with history_app.app_context():
        session = portal_db.session()
        assert session.get(CallbackRequest, old.id).name is None
        assert session.get(ConcernNotice, old_concern.id).personal is None
        notes = session.scalars(select(ItemNote).where(
            ((ItemNote.item_type == "callback") & (ItemNote.item_id == old.id))
            | ((ItemNote.item_type == "concern") & (ItemNote.item_id == old_concern.id)))).all()
        assert len(notes) == 2
        assert [n.text for n in notes] == [None, None], "notes of purged items still hold their text"


def test_purge_twice_changes_nothing_more(history_app):
    first = flask_command(history_app, "purge")
    assert first.exit_code == 0
    second = flask_command(history_app, "purge")
    assert second.exit_code == 0
    assert "0 callback requests" in second.output and "0 concern notices" in second.output
