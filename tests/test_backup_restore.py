"""`flask --app app backup FILE` and `restore FILE`: a restore into an empty database brings every
submission back, the encrypted fields stay readable with the keys, staff can still sign in, and new
rows continue after the restored ones. The file itself reveals nothing without the keys."""
from __future__ import annotations

import pytest
from app_setup import app_with_catalogue, database_url, make_app
from cryptography.fernet import Fernet
from form_support import callback_by_reference, resident, send_callback, sent_reference
from sqlalchemy import func, select
from staff_support import add_concern, flask_command, make_staff, sign_in

from portal import create_app, crypto, db as portal_db
from portal.callback.models import CallbackRequest
from portal.concern.models import ConcernNotice
from portal.feedback.models import ListingReport
from portal.models import load_all
from portal.staff.models import ItemNote


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    app = app_with_catalogue(tmp_path_factory.mktemp("backup"), "backupsource")
    yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture(scope="module")
def stored(source):
    """Submissions of every kind in the source database."""
    client = resident(source)
    assert send_callback(client, "en", name="Backed Up Person", phone="040 123 4567", message="Call me").status_code == 303
    reference = sent_reference(client)
    concern = add_concern(source)
    adviser = make_staff(source, ["adviser"])
    with source.app_context(), portal_db.transaction() as session:
        session.add(ItemNote(item_type="concern", item_id=concern.id, staff_id=adviser.id,
                             text=crypto.encrypt("Spoke with the neighbour")))
        session.add(ListingReport(activity_id=min(source.extensions["test_catalogue"].values()), kind="wrong_time",
                                  text="The time has changed", ui_language="fi"))
    return {"callback": reference, "concern": concern, "adviser": adviser}


def table_counts(app) -> dict[str, int]:
    load_all()
    with app.app_context():
        session = portal_db.session()
        return {t.name: session.scalar(select(func.count()).select_from(t)) for t in portal_db.Base.metadata.sorted_tables}


@pytest.fixture
def backup_file(source, stored, tmp_path):
    path = tmp_path / "portal.backup"
    result = flask_command(source, "backup", str(path))
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def empty(tmp_path):
    app = make_app(database_url(tmp_path, "restored"))
    yield app
    app.extensions["db_engine"].dispose()


def test_a_restore_into_an_empty_database_brings_everything_back(source, stored, backup_file, empty):
    result = flask_command(empty, "restore", str(backup_file))
    assert result.exit_code == 0, result.output
    assert table_counts(empty) == table_counts(source)
    assert all(table_counts(empty)[name] for name in ("callback_request", "concern_notice", "item_note",
                                                       "listing_report", "staff_user", "activity", "activity_index"))
    # The encrypted fields read as before, with the same keys.
    saved = callback_by_reference(empty, stored["callback"])
    assert (saved.name, saved.phone, saved.message) == ("Backed Up Person", "+358401234567", "Call me")
    with empty.app_context():
        session = portal_db.session()
        notice = session.get(ConcernNotice, stored["concern"].id)
        assert crypto.decrypt(notice.personal) == stored["concern"].personal_plain
        note = session.scalar(select(ItemNote).where(ItemNote.item_id == stored["concern"].id))
        assert crypto.decrypt(note.text) == "Spoke with the neighbour"
    sign_in(empty, stored["adviser"])  # the authenticator key and password hash came back too
    # The restored catalogue answers, and new submissions continue after the restored ids.
    assert resident(empty).get("/en/activities?near=00100").status_code == 200
    client = resident(empty)
    assert send_callback(client, "en", name="After Restore").status_code == 303
    with empty.app_context():
        ids = portal_db.session().scalars(select(CallbackRequest.id).order_by(CallbackRequest.id)).all()
    assert len(ids) == len(set(ids)) == table_counts(source)["callback_request"] + 1


def test_the_backup_file_reveals_nothing_without_the_keys(backup_file):
    blob = backup_file.read_bytes()
    for secret in (b"Backed Up Person", b"Call me", b"callback_request", b"Tuolijumppa"):
        assert secret not in blob
    assert backup_file.stat().st_mode & 0o077 == 0  # readable by its owner only


def test_a_restore_refuses_a_database_that_is_not_empty(source, backup_file):
    result = flask_command(source, "restore", str(backup_file))
    assert result.exit_code != 0
    assert "not empty" in result.output


def test_a_restore_with_other_keys_refuses_clearly(backup_file, tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url(tmp_path, "otherkeys"), "SECRET_KEY": "test",
                      "DATA_KEYS": [Fernet.generate_key().decode()]})
    try:
        result = flask_command(app, "restore", str(backup_file))
        assert result.exit_code != 0
        assert "cannot be opened with the configured data keys" in result.output
    finally:
        app.extensions["db_engine"].dispose()
