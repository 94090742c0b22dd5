""""Report a problem" texts are purged on schedule: the words a resident wrote go a configured number of
days after an editor resolved the report (or after it was sent, when nobody did); the report itself stays."""
from __future__ import annotations

import datetime as dt

import pytest
from app_setup import app_with_catalogue
from sqlalchemy import select
from staff_support import flask_command

from portal import db as portal_db
from portal.db import utcnow
from portal.feedback.models import ListingReport


@pytest.fixture
def reports_app(tmp_path):
    app = app_with_catalogue(tmp_path, "reportretention")
    yield app
    app.extensions["db_engine"].dispose()


def add_report(app, label: str, created_days_ago: int, resolved_days_ago: int | None = None) -> int:
    now = utcnow()
    with app.app_context():
        with portal_db.transaction() as session:
            report = ListingReport(activity_id=min(app.extensions["test_catalogue"].values()), kind="wrong_time",
                                   text=f"Call me, Maija, 040 123 {label}", ui_language="fi",
                                   created_at=now - dt.timedelta(days=created_days_ago),
                                   status="resolved" if resolved_days_ago is not None else "open",
                                   resolved_at=None if resolved_days_ago is None
                                   else now - dt.timedelta(days=resolved_days_ago))
            session.add(report)
        return report.id


def texts(app) -> dict[int, str | None]:
    with app.app_context():
        return {r.id: r.text for r in portal_db.session().scalars(select(ListingReport))}


def test_report_texts_are_purged_after_the_configured_period(reports_app, monkeypatch):
    monkeypatch.setitem(reports_app.config["SERVICE"], "retention_days",
                        {**reports_app.config["SERVICE"]["retention_days"], "report": 30})
    resolved_long_ago = add_report(reports_app, "1111", created_days_ago=60, resolved_days_ago=31)
    resolved_lately = add_report(reports_app, "2222", created_days_ago=60, resolved_days_ago=5)
    open_long = add_report(reports_app, "3333", created_days_ago=31)
    open_new = add_report(reports_app, "4444", created_days_ago=2)
    result = flask_command(reports_app, "purge")
    assert result.exit_code == 0, result.output
    assert "2 report texts" in result.output
    after = texts(reports_app)
    assert after[resolved_long_ago] is None and after[open_long] is None
    assert after[resolved_lately].endswith("2222") and after[open_new].endswith("4444")
    with reports_app.app_context():
        kept = portal_db.session().get(ListingReport, resolved_long_ago)
        assert kept.kind == "wrong_time" and kept.status == "resolved"  # what the editors counted stays
    # A second run finds nothing more to remove.
    assert "0 report texts" in flask_command(reports_app, "purge").output


def test_the_default_period_is_configured(reports_app):
    assert reports_app.config["SERVICE"]["retention_days"]["report"] > 0
