"""New submissions are handed to staff through this table, written in the same transaction as the
submission itself, so a notification is never lost when mail is down. `flask --app app outbox send`
(run from cron, or by hand) e-mails what is waiting when SMTP is configured.

Messages carry no personal data: only what arrived and its reference; the details are in the workspace.
"""
from __future__ import annotations

import datetime as dt
import smtplib
from email.message import EmailMessage

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import DateTime, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal import db
from portal.db import Base


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class OutboxMessage(Base):
    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(300))


def queue(session: Session, subject: str, body: str) -> None:
    """Add a message for the team. The caller's transaction commits it with the submission."""
    session.add(OutboxMessage(subject=subject, body=body))


def send_waiting(session: Session, limit: int = 100) -> tuple[int, int]:
    """Send unsent messages; returns (sent, failed). Without SMTP settings nothing is sent."""
    config = current_app.config
    if not (config.get("SMTP_HOST") and config.get("TEAM_EMAIL")):
        return 0, 0
    sent = failed = 0
    waiting = session.scalars(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
                              .order_by(OutboxMessage.id).limit(limit)).all()
    for message in waiting:
        message.attempts += 1
        try:
            _send(message, config)
            message.sent_at = _utcnow()
            sent += 1
        except (OSError, smtplib.SMTPException) as error:
            message.last_error = type(error).__name__
            failed += 1
        # Each message on its own, unlike everything else: an e-mail sent cannot be unsent, so that it
        # went is saved at once, and a later failure does not send it again.
        session.commit()
    return sent, failed


def _send(message: OutboxMessage, config) -> None:
    email = EmailMessage()
    email["Subject"] = message.subject
    email["From"] = config.get("MAIL_FROM") or config["TEAM_EMAIL"]
    email["To"] = config["TEAM_EMAIL"]
    email.set_content(message.body)
    with smtplib.SMTP(config["SMTP_HOST"], int(config.get("SMTP_PORT") or 587), timeout=20) as smtp:
        if config.get("SMTP_STARTTLS", True):
            smtp.starttls()
        if config.get("SMTP_USER"):
            smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
        smtp.send_message(email)


outbox_cli = AppGroup("outbox", help="Notifications to the team.")


@outbox_cli.command("send")
def send_command():
    """E-mail the notifications that are waiting."""
    if not current_app.config.get("SMTP_HOST"):
        click.echo("SMTP_HOST is not set: nothing sent. Messages wait in the outbox.")
        return
    sent, failed = send_waiting(db.session())
    click.echo(f"{sent} sent, {failed} failed.")


def init_app(app: Flask) -> None:
    app.cli.add_command(outbox_cli)
