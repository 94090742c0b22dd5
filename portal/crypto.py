"""Encryption at rest for personal data (callback requests, concern notices and their drafts,
advisers' notes, staff authenticator keys).

Every encrypted column is declared with a type from here, so the schema itself lists them:
`EncryptedText` encrypts and decrypts a text on its own; `SealedText` marks a column whose value the
code seals with `encrypt()` (JSON). Keys come from PORTAL_DATA_KEYS (comma-separated Fernet keys,
newest first) or, in development, from instance/data_keys. Old keys stay readable after a new one is
put first, and `flask --app app keys rotate` re-encrypts every such column with the newest.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import click
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import Column, MetaData, Text, select, type_coerce, update
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from portal import db
from portal.db import Base


class Encrypted(TypeDecorator):
    """A text column that holds Fernet tokens (the database sees only text)."""

    impl = Text
    cache_ok = True


class EncryptedText(Encrypted):
    """A personal text, encrypted on the way in and decrypted on the way out."""

    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else _fernet().encrypt(value.encode()).decode()

    def process_result_value(self, value, dialect):
        return None if value is None else _open(value).decode()


class SealedText(Encrypted):
    """A column whose value the code seals itself with `encrypt()` and opens with `decrypt()`."""

    cache_ok = True


def encrypted_columns(metadata: MetaData) -> list[Column]:
    return [column for table in metadata.sorted_tables for column in table.columns
            if isinstance(column.type, Encrypted)]


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
    """Re-encrypt every encrypted column with the newest key, so older keys can be retired. The app
    the command runs in (create_app) has loaded every area's models, so the schema is whole."""
    per_column, rows = rotate_all(db.session())
    for column, count in per_column.items():
        click.echo(f"{column}: {count}")
    click.echo(f"{rows} records re-encrypted with the newest key.")


def rotate_all(session: Session) -> tuple[dict[str, int], int]:
    """Re-encrypt the stored tokens of every encrypted column in place, as raw text past the column
    types. Returns {table.column: values re-encrypted} and the number of rows touched."""
    per_column: dict[str, int] = {}
    touched: set[tuple] = set()
    for column in encrypted_columns(db_metadata()):
        table, key = column.table, list(column.table.primary_key.columns)
        raw = type_coerce(column, Text)
        count = 0
        for row in session.execute(select(*key, raw.label("token")).where(column.is_not(None))).all():
            match = [c == row[i] for i, c in enumerate(key)]
            try:
                token = rotate(row.token)
            except RuntimeError:
                raise click.ClickException(f"{table.name}.{column.name} of row {tuple(row[:len(key)])} cannot be "
                                           "opened with the configured keys: nothing was re-encrypted.") from None
            session.execute(update(table).where(*match).values({column.name: type_coerce(token, Text)}))
            touched.add((table.name, tuple(row[:len(key)])))
            count += 1
        per_column[f"{table.name}.{column.name}"] = count
    return per_column, len(touched)


def db_metadata() -> MetaData:
    return Base.metadata


def _fernet() -> MultiFernet:
    return current_app.extensions["fernet"]


def _open(token: str) -> bytes:
    try:
        return _fernet().decrypt(token.encode())
    except InvalidToken as error:  # a key was removed before its data was rotated
        raise RuntimeError("Encrypted data cannot be read with the configured keys.") from error


def encrypt(data) -> str:
    return _fernet().encrypt(json.dumps(data, ensure_ascii=False).encode()).decode()


def decrypt(token: str):
    return json.loads(_open(token))


def rotate(token: str) -> str:
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken as error:
        raise RuntimeError("Encrypted data cannot be read with the configured keys.") from error
