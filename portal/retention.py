"""Deleting personal data on schedule (`flask --app app purge`). Closed items keep their coded
answers, dates and outcome, which the statistics count, and lose everything that identifies a person."""
from __future__ import annotations

import datetime as dt
from typing import cast

import click
from flask import Flask, current_app
from sqlalchemy import CursorResult, delete, func, select, update

from portal import db
from portal.callback.models import CallbackRequest
from portal.concern import drafts
from portal.concern.models import ConcernNotice
from portal.db import utcnow
from portal.feedback.models import ListingReport
from portal.resident_feedback import queries as found_feedback
from portal.staff.models import Handover, ItemNote, MatchKey

CALLBACK_PERSONAL = ("name", "phone", "message", "interpreter_language", "helper_name", "helper_phone")


def purge(now: dt.datetime) -> dict[str, int]:
    days = current_app.config["SERVICE"]["retention_days"]
    report = {"expired drafts": drafts.delete_expired(now)}
    s = db.session()
    report["callback requests"] = cast(CursorResult, s.execute(
        update(CallbackRequest)
        .where(CallbackRequest.closed_at <= now - dt.timedelta(days=days["callback"]),
               CallbackRequest.personal_data_removed_at.is_(None))
        .values(**dict.fromkeys(CALLBACK_PERSONAL), personal_data_removed_at=now))).rowcount
    report["concern notices"] = cast(CursorResult, s.execute(
        update(ConcernNotice)
        .where(ConcernNotice.closed_at <= now - dt.timedelta(days=days["concern"]),
               ConcernNotice.personal_data_removed_at.is_(None))
        .values(personal=None, personal_data_removed_at=now))).rowcount
    # Advisers' notes go with the item they are about.
    for kind, model in (("callback", CallbackRequest), ("concern", ConcernNotice)):
        purged = select(model.id).where(model.personal_data_removed_at.is_not(None))
        s.execute(update(ItemNote).where(ItemNote.item_type == kind, ItemNote.item_id.in_(purged),
                                         ItemNote.text.is_not(None)).values(text=None))
        # So do the hand-over's note and the keyed hashes duplicates were found by.
        s.execute(update(Handover).where(Handover.item_type == kind, Handover.item_id.in_(purged),
                                         Handover.note.is_not(None)).values(note=None))
        s.execute(delete(MatchKey).where(MatchKey.item_type == kind, MatchKey.item_id.in_(purged)))
    # The report stays (its kind tells editors what was wrong); only the resident's words go.
    report_days = dt.timedelta(days=days["report"])
    report["report texts"] = cast(CursorResult, s.execute(
        update(ListingReport)
        .where(func.coalesce(ListingReport.resolved_at, ListingReport.created_at) <= now - report_days,
               ListingReport.text.is_not(None))
        .values(text=None))).rowcount
    # The few words under "Did you find what you were looking for?" go after as long; the yes or no stays.
    report["search feedback texts"] = found_feedback.remove_old_texts(now - report_days)
    return report


@click.command("purge")
def purge_command():
    """Delete expired drafts and the personal data of items closed longer ago than the retention period."""
    report = purge(utcnow())
    click.echo("Removed personal data: " + ", ".join(f"{n} {what}" for what, n in report.items()) + ".")


def init_app(app: Flask) -> None:
    app.cli.add_command(purge_command)
