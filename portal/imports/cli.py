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
