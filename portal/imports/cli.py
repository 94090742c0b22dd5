"""`flask --app app import linked-events` and `flask --app app import calendars` (run from cron)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from portal import db

import_cli = AppGroup("import", help="Import activities from Linked Events and partners' calendars.")


@import_cli.command("linked-events")
@click.option("--from-file", "files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="A saved API response (a page or one event) instead of the API; may be repeated.")
@click.option("--full", is_flag=True, help="Ask for everything, not only what changed since the last run.")
def linked_events_command(files: tuple[str, ...], full: bool):
    """Import events for older people and carers from Linked Events (a sync since the last run)."""
    from portal.config import settings
    from portal.db import utcnow
    from portal.imports import linked_events, runs

    started = utcnow()
    session = db.session()
    if files:
        pages = linked_events.read_files(files)
    else:
        config = settings()
        since = None if full else runs.last_synced(session, linked_events.SOURCE)
        url = linked_events.build_query(config.linked_events_url, config.linked_events_keywords,
                                        config.linked_events_division, since)
        click.echo(f"Asking {url}")
        pages = linked_events.fetch_pages(url)
    report = linked_events.import_linked_events(pages, session)
    runs.save(session, report, started)
    click.echo(f"Linked Events: {report.summary()}.")
    for note in report.notes:
        click.echo(f"  {note['id']}: {note['code']} {note['detail']}".rstrip())


@import_cli.command("calendars")
@click.option("--feed", "feed_id", type=int, help="Only this feed (its number on the staff page).")
@click.option("--from-file", "files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Read the feed from this .ics file instead of its URL (needs --feed); may be repeated.")
def calendars_command(feed_id: int | None, files: tuple[str, ...]):
    """Import partners' calendar feeds: new events wait for an editor, approved ones are kept current."""
    from pathlib import Path

    from sqlalchemy import select

    from portal.db import utcnow
    from portal.imports import calendars, runs
    from portal.imports.models import CalendarFeed

    if files and feed_id is None:
        raise click.UsageError("--from-file needs --feed.")
    session = db.session()
    query = select(CalendarFeed).where(CalendarFeed.active).order_by(CalendarFeed.id)
    feeds = list(session.scalars(query if feed_id is None else query.where(CalendarFeed.id == feed_id)))
    if feed_id is not None and not feeds:
        raise click.ClickException(f"No active calendar feed {feed_id}.")
    for feed in feeds:
        started = utcnow()
        try:
            texts = [Path(f).read_bytes() for f in files] if files else [calendars.fetch(feed.url)]
        except OSError as error:
            report = runs.ImportReport(calendars.source_of(feed), failed=f"bad_calendar: {type(error).__name__}")
        else:
            report = runs.ImportReport(calendars.source_of(feed))
            for text in texts:
                part = calendars.import_calendar(feed, text, session)
                for name in ("new", "changed", "unchanged", "removed", "refused"):
                    setattr(report, name, getattr(report, name) + getattr(part, name))
                report.notes += part.notes
                report.failed = report.failed or part.failed
        runs.save(session, report, started)
        click.echo(f"Calendar {feed.id}: {report.summary()}.")
