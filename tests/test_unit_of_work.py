"""One unit of work per request and per CLI command (portal/db.py): a request's changes are saved once,
after its view answered below 400, or not at all; a refusal saves only what save_even_if_refused()
marks; the test client fails a test whose request leaves changes neither saved nor dropped."""
from __future__ import annotations

import click
import pytest
from app_setup import database_url, make_app
from flask import abort
from sqlalchemy import func, select

from portal import db as portal_db
from portal.outbox import OutboxMessage


@pytest.fixture
def app(tmp_path):
    app = make_app(database_url(tmp_path, "unit"))

    def write(status: int):
        portal_db.session().add(OutboxMessage(subject=f"status {status}", body="-"))
        return "written", status, {"Content-Type": "text/plain"}

    def write_then_refuse():
        portal_db.session().add(OutboxMessage(subject="refused", body="-"))
        portal_db.save_even_if_refused()
        abort(403)

    def write_then_fail():
        portal_db.session().add(OutboxMessage(subject="failed", body="-"))
        portal_db.session().flush()
        raise RuntimeError("halfway")

    app.add_url_rule("/test-only/write/<int:status>", "write", write)
    app.add_url_rule("/test-only/refuse", "refuse", write_then_refuse)
    app.add_url_rule("/test-only/fail", "fail", write_then_fail)

    @app.cli.command("test-only-write")
    @click.option("--fail", is_flag=True)
    def write_command(fail: bool):
        portal_db.session().add(OutboxMessage(subject="command", body="-"))
        portal_db.session().flush()
        if fail:
            raise click.ClickException("halfway")

    from portal import _commands_as_units_of_work

    _commands_as_units_of_work(app.cli)
    yield app
    app.extensions["db_engine"].dispose()


def subjects(app) -> list[str]:
    with app.app_context():
        return list(portal_db.session().scalars(select(OutboxMessage.subject).order_by(OutboxMessage.id)))


def test_a_successful_answer_saves_the_request(app):
    assert app.test_client().get("/test-only/write/200").status_code == 200
    assert subjects(app) == ["status 200"]


def test_an_error_answer_after_a_write_fails_the_test_and_saves_nothing(app):
    with pytest.raises(AssertionError, match="neither saved nor dropped"):
        app.test_client().get("/test-only/write/400")
    assert subjects(app) == []


def test_a_refusal_keeps_what_was_marked_to_outlast_it(app):
    assert app.test_client().get("/test-only/refuse").status_code == 403
    assert subjects(app) == ["refused"]


def test_a_failing_view_saves_nothing_of_what_it_sent(app):
    with pytest.raises(RuntimeError):
        app.test_client().get("/test-only/fail")
    assert subjects(app) == []


def test_a_command_commits_once_when_it_finishes_and_nothing_when_it_fails(app):
    assert app.test_cli_runner().invoke(args=["test-only-write", "--fail"]).exit_code == 1
    assert subjects(app) == []
    assert app.test_cli_runner().invoke(args=["test-only-write"]).exit_code == 0
    assert subjects(app) == ["command"]


def test_transaction_is_refused_inside_a_request(app):
    with app.test_request_context("/"), pytest.raises(RuntimeError, match="unit of work"), portal_db.transaction():
        pass
    with app.app_context():
        assert portal_db.session().scalar(select(func.count()).select_from(OutboxMessage)) == 0

