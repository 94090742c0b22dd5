"""Retention: `flask --app app purge` removes the personal data of items closed long enough ago and deletes
expired drafts, keeping what the statistics count; `keys rotate` moves encrypted data to the newest key."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from cryptography.fernet import Fernet
from form_support import (
    decrypt,
    objects,
    resident,
    rows,
    send_callback,
    send_concern,
    sent_reference,
    session_data,
    soup,
    walk_concern,
    walk_to_step,
    words,
)
from sqlalchemy import select, text, update

from portal import create_app, db as portal_db
from portal.callback.models import CallbackRequest
from portal.concern.models import ConcernDraft, ConcernNotice
from portal.db import utcnow


def store_callback(app, label: str) -> str:
    client = resident(app)
    response = send_callback(client, "en", name=f"Retention {label}", phone="040 123 4567", topic="housing",
                             message=f"Message {label}", call_language="other", interpreter_language="Somali")
    assert response.status_code == 303
    return sent_reference(client)


def store_notice(app, label: str) -> str:
    client = resident(app)
    walk_concern(client, "en", person={"name": f"Person {label}", "age": "84", "address": "Kallio",
                                       "phone": "050 765 4321"})
    assert send_concern(client, "en").status_code == 303
    page = client.get("/en/concern/sent")
    return words(soup(page).select_one(".reference"))


def set_columns(app, model, reference: str, **values) -> None:
    with app.app_context(), portal_db.transaction() as session:
        session.execute(update(model).where(model.reference == reference).values(**values))


def callback(app, reference) -> CallbackRequest:
    return objects(app, select(CallbackRequest).where(CallbackRequest.reference == reference))[0]


def notice(app, reference) -> ConcernNotice:
    return objects(app, select(ConcernNotice).where(ConcernNotice.reference == reference))[0]


def purge_report(app) -> dict[str, int]:
    # `flask --app app purge` runs under FlaskGroup, which pushes an app context for every command; the test
    # runner invokes app.cli directly, and `purge` is a plain click command, so the context is pushed here.
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    return {what.strip(): int(n) for n, what in re.findall(r"(\d+) ([a-z ]+)", result.output)}


def test_purge_removes_old_personal_data_and_keeps_the_rest(fresh_app):
    app = fresh_app
    now = utcnow()
    days = app.config["SERVICE"]["retention_days"]
    old_cb, recent_cb, open_cb = (store_callback(app, label) for label in ("old", "recent", "open"))
    set_columns(app, CallbackRequest, old_cb, status="closed", outcome="advice_given",
                closed_at=now - dt.timedelta(days=days["callback"] + 1), created_at=now - dt.timedelta(days=400))
    set_columns(app, CallbackRequest, recent_cb, status="closed", outcome="advice_given",
                closed_at=now - dt.timedelta(days=days["callback"] - 1))
    set_columns(app, CallbackRequest, open_cb, status="attempt_1", created_at=now - dt.timedelta(days=900))

    old_cn, recent_cn, open_cn = (store_notice(app, label) for label in ("old", "recent", "open"))
    set_columns(app, ConcernNotice, old_cn, status="closed", outcome="referred",
                closed_at=now - dt.timedelta(days=days["concern"] + 1))
    # Closed longer ago than the callback period but not the concern period: each kind has its own.
    set_columns(app, ConcernNotice, recent_cn, status="closed", outcome="referred",
                closed_at=now - dt.timedelta(days=days["callback"] + 10))
    set_columns(app, ConcernNotice, open_cn, status="assessment", created_at=now - dt.timedelta(days=900))

    expired, live = resident(app), resident(app)
    walk_to_step(expired, "person")
    walk_to_step(live, "person")
    with app.app_context(), portal_db.transaction() as session:
        from portal.concern.drafts import token_hash

        session.execute(update(ConcernDraft).where(ConcernDraft.token_hash == token_hash(
            session_data(app, expired)["concern_draft"])).values(expires_at=now - dt.timedelta(minutes=1)))

    assert purge_report(app) == {"expired drafts": 1, "callback requests": 1, "concern notices": 1, "report texts": 0,
                                 "search feedback texts": 0}

    purged = callback(app, old_cb)
    assert (purged.name, purged.phone, purged.message, purged.interpreter_language, purged.helper_name,
            purged.helper_phone) == (None,) * 6
    assert purged.personal_data_removed_at is not None
    # What the statistics count stays.
    assert (purged.status, purged.outcome, purged.call_language, purged.topic, purged.time_window, purged.ui_language) \
        == ("closed", "advice_given", "other", "housing", "any", "en")
    for kept in (recent_cb, open_cb):
        row = callback(app, kept)
        assert row.name.startswith("Retention") and row.phone == "+358401234567" and row.personal_data_removed_at is None

    gone = notice(app, old_cn)
    assert gone.personal is None and gone.personal_data_removed_at is not None
    assert (gone.status, gone.outcome, gone.notifier_role, gone.worries, gone.existing_client, gone.district) == \
        ("closed", "referred", "relative", ["memory", "food"], "no", None)
    for kept in (recent_cn, open_cn):
        row = notice(app, kept)
        assert decrypt(app, row.personal)["name"].startswith("Person") and row.personal_data_removed_at is None

    drafts = rows(app, text("SELECT count(*) FROM concern_draft"))[0][0]
    assert drafts == 1
    # The rows themselves stay; a second run finds nothing more to do.
    assert rows(app, text("SELECT count(*) FROM callback_request"))[0][0] == 3
    assert rows(app, text("SELECT count(*) FROM concern_notice"))[0][0] == 3
    assert purge_report(app) == {"expired drafts": 0, "callback requests": 0, "concern notices": 0, "report texts": 0,
                                 "search feedback texts": 0}


def test_purged_request_no_longer_answers_the_status_page(fresh_app):
    app = fresh_app
    reference = store_callback(app, "status")
    set_columns(app, CallbackRequest, reference, status="closed", closed_at=utcnow() - dt.timedelta(days=365))
    purge_report(app)
    client = resident(app)
    page = client.get("/en/callback/status")
    data = {field["name"]: field.get("value", "") for field in
            soup(page).select("form[action='/en/callback/status'] input[type=hidden]")}
    response = client.post("/en/callback/status", data={**data, "reference": reference, "last_digits": "4567"})
    assert response.status_code == 200 and soup(response).select_one(".panel") is None


def test_purge_respects_a_configured_period(fresh_app, monkeypatch):
    app = fresh_app
    reference = store_callback(app, "configured")
    set_columns(app, CallbackRequest, reference, status="closed", closed_at=utcnow() - dt.timedelta(days=31))
    monkeypatch.setitem(app.config["SERVICE"], "retention_days", {"callback": 60, "concern": 60, "report": 60})
    assert purge_report(app)["callback requests"] == 0
    monkeypatch.setitem(app.config["SERVICE"], "retention_days", {"callback": 30, "concern": 60, "report": 60})
    assert purge_report(app)["callback requests"] == 1
    assert callback(app, reference).name is None


def _app_with_keys(url: str, keys: list[str]):
    return create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret-key",
                       "WTF_CSRF_ENABLED": True, "DATA_KEYS": keys})


def test_keys_rotate_moves_data_to_the_new_key(fresh_app):
    url = fresh_app.config["DATABASE_URL"]
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    apps = []
    try:
        before = _app_with_keys(url, [old_key])
        apps.append(before)
        reference = store_notice(before, "rotation")
        drafting = resident(before)
        walk_to_step(drafting, "worries")

        both = _app_with_keys(url, [new_key, old_key])
        apps.append(both)
        # With the new key first, the old data is still readable.
        assert decrypt(both, notice(both, reference).personal)["name"] == "Person rotation"
        result = both.test_cli_runner().invoke(args=["keys", "rotate"])
        assert result.exit_code == 0, result.output
        assert re.search(r"\b2 records re-encrypted", result.output), result.output

        only_new = _app_with_keys(url, [new_key])
        apps.append(only_new)
        assert decrypt(only_new, notice(only_new, reference).personal)["name"] == "Person rotation"
        [draft] = objects(only_new, select(ConcernDraft))
        assert decrypt(only_new, draft.answers)["name"]
        # The draft keeps working for its writer under the new key alone.
        client = only_new.test_client()
        client.environ_base.update(drafting.environ_base)
        client.set_cookie("session", drafting.get_cookie("session").value, domain="localhost")
        assert client.get("/en/concern/step/worries").status_code == 200

        only_old = _app_with_keys(url, [old_key])
        apps.append(only_old)
        with pytest.raises(RuntimeError):
            decrypt(only_old, notice(only_old, reference).personal)
    finally:
        for made in apps:
            made.extensions["db_engine"].dispose()


def test_a_purge_that_fails_halfway_removes_nothing(fresh_app, monkeypatch):
    """Callback requests are purged first; a failure at the concern notices keeps both as they were."""

    reference = store_callback(fresh_app, "halfway")
    set_columns(fresh_app, CallbackRequest, reference, status="closed", closed_at=utcnow() - dt.timedelta(days=400))
    original = portal_db.Session.execute

    def fail_at_notices(session, statement, *args, **kwargs):
        if getattr(statement, "table", None) is not None and statement.table.name == "concern_notice":
            raise RuntimeError("halfway")
        return original(session, statement, *args, **kwargs)

    monkeypatch.setattr(portal_db.Session, "execute", fail_at_notices)
    with fresh_app.app_context():
        result = fresh_app.test_cli_runner().invoke(args=["purge"])
    monkeypatch.undo()
    assert isinstance(result.exception, RuntimeError)
    assert callback(fresh_app, reference).name == "Retention halfway"
    assert purge_report(fresh_app)["callback requests"] == 1
    assert callback(fresh_app, reference).name is None
