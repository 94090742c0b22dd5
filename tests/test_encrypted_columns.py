"""Encrypted columns declared once: callback requests' personal fields are stored encrypted (also the
rows stored before the migration), the status check still matches the phone's last digits, and
`keys rotate` walks the schema so that, after the old key is retired, callbacks, concern notices,
advisers' notes and authenticator keys are all still readable."""
from __future__ import annotations

import re

import pytest
from app_setup import database_url
from cryptography.fernet import Fernet
from form_support import callback_by_reference, resident, rows, send_callback, sent_reference, soup
from sqlalchemy import select, text
from staff_support import add_concern, make_staff, sign_in

from portal import create_app, crypto, db as portal_db
from portal.concern.models import ConcernNotice
from portal.models import load_all
from portal.staff.models import ItemNote

CALLBACK_FIELDS = ("name", "phone", "interpreter_language", "message", "helper_name", "helper_phone")


def app_with_keys(url: str, keys: list[str]):
    return create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret-key",
                       "WTF_CSRF_ENABLED": True, "DATA_KEYS": keys})


def send_helped_callback(app, name: str) -> str:
    client = resident(app)
    response = send_callback(client, "en", helping=True, name=name, phone="040 123 4567", helper_name=f"Helper {name}",
                             helper_phone="050 765 4321", message=f"Words of {name}", call_language="other",
                             interpreter_language="Somali")
    assert response.status_code == 303
    return sent_reference(client)


def raw_callback(app, reference: str) -> dict:
    [row] = rows(app, text("SELECT name, phone, interpreter_language, message, helper_name, helper_phone "
                           "FROM callback_request WHERE reference = :reference").bindparams(reference=reference))
    return dict(zip(CALLBACK_FIELDS, row, strict=True))


def status_found(app, reference: str, last_digits: str) -> bool:
    client = resident(app)
    page = client.get("/en/callback/status")
    hidden = {field["name"]: field.get("value", "") for field in
              soup(page).select("form[action='/en/callback/status'] input[type=hidden]")}
    response = client.post("/en/callback/status", data={**hidden, "reference": reference, "last_digits": last_digits})
    assert response.status_code == 200
    return soup(response).select_one(".panel") is not None


def test_the_schema_lists_every_encrypted_column():
    load_all()
    found = {f"{c.table.name}.{c.name}" for c in crypto.encrypted_columns(portal_db.Base.metadata)}
    assert {f"callback_request.{name}" for name in CALLBACK_FIELDS} <= found
    assert {"concern_notice.personal", "concern_draft.answers", "item_note.text", "staff_user.totp_secret",
            "staff_session.enrol_secret"} <= found


def test_a_callback_request_is_stored_encrypted_and_read_as_typed(fresh_app):
    reference = send_helped_callback(fresh_app, "Encrypted Person")
    stored = raw_callback(fresh_app, reference)
    for field, value in stored.items():
        assert value is not None and value.startswith("gAAAA"), field  # a Fernet token
    assert "Encrypted" not in " ".join(stored.values()) and "4567" not in " ".join(stored.values())
    saved = callback_by_reference(fresh_app, reference)
    assert (saved.name, saved.phone, saved.helper_name) == ("Encrypted Person", "+358401234567", "Helper Encrypted Person")
    assert saved.message == "Words of Encrypted Person" and saved.interpreter_language == "Somali"


def test_the_status_check_still_matches_the_last_four_digits(fresh_app):
    reference = send_helped_callback(fresh_app, "Status Person")
    assert status_found(fresh_app, reference, "4567")
    assert not status_found(fresh_app, reference, "4321")  # the helper's phone is not the person's


def test_the_migration_encrypts_the_rows_stored_before_it(tmp_path):
    from alembic import command

    from portal.cli import alembic_config

    app = app_with_keys(database_url(tmp_path, "premigration"), [Fernet.generate_key().decode()])
    try:
        with app.app_context():
            command.upgrade(alembic_config(), "0008")
            with portal_db.transaction() as session:
                session.execute(text(
                    "INSERT INTO callback_request (reference, submission, created_at, status_changed_at, ui_language, "
                    "for_someone_else, name, phone, call_language, time_window, message, voicemail_ok, status) "
                    "VALUES ('ABCD-EFGH', 'before-0009', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'fi', false, "
                    "'Old Plain', '+358401112222', 'fi', 'any', 'Plain words', false, 'new')"))
            command.upgrade(alembic_config(), "head")
        stored = raw_callback(app, "ABCD-EFGH")
        assert stored["name"].startswith("gAAAA") and stored["phone"].startswith("gAAAA")
        assert stored["helper_name"] is None
        saved = callback_by_reference(app, "ABCD-EFGH")
        assert (saved.name, saved.phone, saved.message) == ("Old Plain", "+358401112222", "Plain words")
    finally:
        app.extensions["db_engine"].dispose()


def test_rotating_then_retiring_the_old_key_keeps_everything_readable(fresh_app):
    url = fresh_app.config["DATABASE_URL"]
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    apps = []
    try:
        before = app_with_keys(url, [old_key])
        apps.append(before)
        reference = send_helped_callback(before, "Rotating Person")
        concern = add_concern(before)
        adviser = make_staff(before, ["adviser"])
        with before.app_context(), portal_db.transaction() as session:
            session.add(ItemNote(item_type="concern", item_id=concern.id, staff_id=adviser.id,
                                 text=crypto.encrypt("Called the daughter")))

        both = app_with_keys(url, [new_key, old_key])
        apps.append(both)
        result = both.test_cli_runner().invoke(args=["keys", "rotate"])
        assert result.exit_code == 0, result.output
        reported = dict(re.findall(r"^(\w+\.\w+): (\d+)$", result.output, re.MULTILINE))
        assert reported["callback_request.name"] == "1" and reported["callback_request.helper_phone"] == "1"
        assert reported["concern_notice.personal"] == "1" and reported["item_note.text"] == "1"
        assert reported["staff_user.totp_secret"] == "1"
        assert re.search(r"\b4 records re-encrypted", result.output), result.output  # callback, notice, note, account

        only_new = app_with_keys(url, [new_key])
        apps.append(only_new)
        saved = callback_by_reference(only_new, reference)
        assert (saved.name, saved.phone, saved.helper_name) == ("Rotating Person", "+358401234567", "Helper Rotating Person")
        assert status_found(only_new, reference, "4567")
        with only_new.app_context():
            session = portal_db.session()
            assert crypto.decrypt(session.get(ConcernNotice, concern.id).personal) == concern.personal_plain
            note = session.scalar(select(ItemNote).where(ItemNote.item_id == concern.id))
            assert crypto.decrypt(note.text) == "Called the daughter"
        sign_in(only_new, adviser)  # the authenticator key opens with the new key alone

        only_old = app_with_keys(url, [old_key])
        apps.append(only_old)
        with pytest.raises(RuntimeError):
            callback_by_reference(only_old, reference)
    finally:
        for made in apps:
            made.extensions["db_engine"].dispose()
