"""`flask --app app staff create`: the first administrator, and others from the command line."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.staff import accounts
from portal.staff.models import ROLES
from portal.staff.passwords import MIN_LENGTH

staff_cli = AppGroup("staff", help="Staff accounts.")


@staff_cli.command("create")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.option("--role", "roles", multiple=True, type=click.Choice(ROLES), default=("admin",), show_default=True)
@click.option("--organisation", help="For organisers: the organisation's id, key or name.")
@click.password_option(help="At least 12 characters.")
def create_command(email: str, name: str, roles: tuple[str, ...], organisation: str | None, password: str):
    """Create a staff account. At its first sign-in it connects an authenticator app."""
    if len(password) < MIN_LENGTH:
        raise click.BadParameter(f"use at least {MIN_LENGTH} characters", param_hint="password")
    if accounts.by_email(email):
        raise click.BadParameter("an account with this e-mail address exists", param_hint="email")
    organiser_id = None
    if organisation:
        found = accounts.organisations_matching(organisation)
        if len(found) != 1:
            raise click.BadParameter("no organisation has this id, key or name" if not found else
                                     "several organisations match; use the id", param_hint="--organisation")
        organiser_id = found[0].id
    elif "organiser" in roles:
        raise click.BadParameter("an organiser needs --organisation", param_hint="--organisation")
    user = accounts.create(name, email, list(roles), password, organiser_id=organiser_id)
    linked = f", organisation {found[0].key}" if organiser_id else ""
    click.echo(f"Created {user.email} ({', '.join(user.roles)}{linked}). Sign in at /fi/staff/sign-in.")
