"""Command-line tasks: `flask --app app db upgrade`, `demo load`, `demo synthetic --count N`, `backup FILE`,
`restore FILE`."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from portal import db

database = AppGroup("db", help="Database migrations.")
demo = AppGroup("demo", help="Demo and scale-test data.")


def alembic_config():
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.set_main_option("sqlalchemy.url", current_app.config["DATABASE_URL"].replace("%", "%%"))
    return config


@database.command("upgrade")
def upgrade():
    """Bring the database to the newest schema."""
    from alembic import command

    command.upgrade(alembic_config(), "head")


@database.command("revision")
@click.option("-m", "--message", required=True)
def revision(message: str):
    """Write a new migration from the models' changes."""
    from alembic import command

    command.revision(alembic_config(), message=message, autogenerate=True)


@demo.command("load")
@click.option("--if-empty", is_flag=True, help="Only when the catalogue has no activities yet.")
def demo_load(if_empty: bool):
    """Replace the catalogue with the realistic demo catalogue."""
    import datetime as dt

    from sqlalchemy import func, select

    from portal.catalogue.models import Activity
    from portal.demo.loader import load_demo

    if if_empty and db.session().scalar(select(func.count()).select_from(Activity)):
        click.echo("The catalogue already has activities; left as it is.")
        return
    counts = load_demo(db.session(), dt.date.today())
    click.echo(", ".join(f"{n} {what.replace('_', ' ')}" for what, n in counts.items()) + " loaded.")


@demo.command("synthetic")
@click.option("--count", type=click.IntRange(1, 1_000_000), required=True)
def demo_synthetic(count: int):
    """Add COUNT generated activities for scale tests (replaces earlier generated ones)."""
    from portal.demo.synthetic import generate

    click.echo(f"{generate(db.session(), count)} synthetic activities added.")


@demo.command("history")
@click.option("--replace", is_flag=True,
              help="Also when real submissions exist: delete them (how many is shown first).")
def demo_history(replace: bool):
    """Replace callback requests and concern notices with a year of synthetic history, up to now.
    Refuses while the database holds real submissions, unless --replace is given."""
    from portal.demo.history import described as listed, generate, real_submissions, to_delete

    real = real_submissions()
    if real and not replace:
        raise click.ClickException(
            f"This database holds real submissions ({listed(real)}); nothing was changed. To delete the real "
            "callback requests and concern notices and replace them with demo history, run again with --replace.")
    doomed = {what: n for what, n in to_delete().items() if n}
    if doomed:
        real_doomed = {what: n for what, n in real.items() if what in doomed}
        kept = {what: n for what, n in real.items() if what not in doomed}
        click.echo(f"Deleting {listed(doomed)}" + (f" (real ones among them: {listed(real_doomed)})" if real_doomed
                                                   else "") + "." + (f" Kept: {listed(kept)}." if kept else ""))
    counts = generate()
    click.echo(listed(counts) + " generated.")


catalogue = AppGroup("catalogue", help="The activity catalogue.")


@catalogue.command("refresh")
@click.option("--stale", is_flag=True, help="Only activities whose next time has passed.")
def catalogue_refresh(stale: bool):
    """Recompute the search index (run nightly from cron; pages also keep it current as they go)."""
    from portal.catalogue.indexing import refresh
    from portal.catalogue.schedule import local_now

    count = refresh(db.session(), local_now(current_app.config["PORTAL_TIMEZONE"]), stale_only=stale)
    click.echo(f"{count} activities reindexed.")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def backup_command(path: str):
    """Write the whole database to PATH, encrypted with the data keys (keep the keys apart from it)."""
    from portal.backup import write_backup

    blob, counts = write_backup(db.session())
    target = Path(path)
    target.touch(mode=0o600)
    target.write_bytes(blob)
    click.echo(f"{sum(counts.values())} rows in {len(counts)} tables written to {path}.")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def restore_command(path: str):
    """Load a backup into this database: it must be empty and migrated (`db upgrade`) to the backup's schema."""
    from portal.backup import RestoreRefused, restore_backup

    try:
        counts = restore_backup(db.session(), Path(path).read_bytes())
    except RestoreRefused as refused:
        raise click.ClickException(str(refused)) from None
    current_app.extensions.pop("places", None)
    click.echo(f"{sum(counts.values())} rows in {len(counts)} tables restored from {path}.")


def init_app(app: Flask) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(database)
    app.cli.add_command(demo)
    app.cli.add_command(catalogue)
    from portal.imports.cli import import_cli
    from portal.staff.cli import staff_cli

    app.cli.add_command(import_cli)
    app.cli.add_command(staff_cli)
