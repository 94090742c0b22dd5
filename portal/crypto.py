"""Encryption at rest for personal texts (concern notices and their drafts).

Keys come from PORTAL_DATA_KEYS (comma-separated Fernet keys, newest first) or, in development,
from instance/data_keys. Old keys stay readable after a new one is put first, and
`flask --app app keys rotate` re-encrypts everything with the newest.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import click
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import Flask, current_app
from flask.cli import AppGroup


def load_keys(instance_path: Path) -> list[str]:
    if keys := os.environ.get("PORTAL_DATA_KEYS"):
        return [k.strip() for k in keys.split(",") if k.strip()]
    key_file = instance_path / "data_keys"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(Fernet.generate_key().decode() + "\n")
        key_file.chmod(0o600)
    return [k.strip() for k in key_file.read_text().split() if k.strip()]


def init_app(app: Flask) -> None:
    keys = app.config.get("DATA_KEYS") or load_keys(Path(app.instance_path))
    app.extensions["fernet"] = MultiFernet([Fernet(k) for k in keys])
    app.cli.add_command(keys_cli)


keys_cli = AppGroup("keys", help="Encryption keys for personal data.")


@keys_cli.command("generate")
def generate_command():
    """Print a new key: put it first in PORTAL_DATA_KEYS, keep the old ones after it, then rotate."""
    click.echo(Fernet.generate_key().decode())


@keys_cli.command("rotate")
def rotate_command():
    """Re-encrypt all stored personal data with the newest key, so older keys can be retired."""
    from sqlalchemy import select

    from portal import db
    from portal.concern.models import ConcernDraft, ConcernNotice

    count = 0
    with db.transaction() as session:
        for row in session.scalars(select(ConcernDraft)):
            row.answers, count = rotate(row.answers), count + 1
        for row in session.scalars(select(ConcernNotice).where(ConcernNotice.personal.is_not(None))):
            row.personal, count = rotate(row.personal), count + 1
    click.echo(f"{count} records re-encrypted with the newest key.")


def encrypt(data) -> str:
    return current_app.extensions["fernet"].encrypt(json.dumps(data, ensure_ascii=False).encode()).decode()


def decrypt(token: str):
    try:
        return json.loads(current_app.extensions["fernet"].decrypt(token.encode()))
    except InvalidToken as error:  # a key was removed before its data was rotated
        raise RuntimeError("Encrypted data cannot be read with the configured keys.") from error


def rotate(token: str) -> str:
    return current_app.extensions["fernet"].rotate(token.encode()).decode()
