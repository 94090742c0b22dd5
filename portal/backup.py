"""Backups that keep personal data safe: `flask --app app backup FILE` writes every table into one
file encrypted with the data keys, and `flask --app app restore FILE` loads it into an empty database.

Rows are copied as stored: encrypted columns stay encrypted with their own keys and flag sets stay
numbers, so a restored database reads exactly as the original did with the same PORTAL_DATA_KEYS.
The whole file is then encrypted again (Fernet, the newest data key), so a copied backup reveals
nothing, not even the coded answers or the catalogue. Works on SQLite and PostgreSQL alike, in
memory: right for this service's size (tens of thousands of rows); a much larger deployment would
use `pg_dump` piped through encryption instead.
"""
from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
from decimal import Decimal

from alembic.migration import MigrationContext
from flask import current_app
from sqlalchemy import Column, MetaData, Table, func, select, text
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from portal.db import Base, utcnow
from portal.models import load_all

FORMAT = "wellbeing-portal-backup"
VERSION = 1


class RestoreRefused(Exception):
    """The backup cannot go into this database; the message says why."""


def _raw_tables() -> list[Table]:
    """Every table of the schema with its custom types replaced by what they store, so rows are read
    and written as the database holds them (no decrypting, no re-encrypting)."""
    load_all()
    raw = MetaData()
    tables = []
    for table in Base.metadata.sorted_tables:  # parents before children
        columns = [Column(c.name, c.type.impl_instance if isinstance(c.type, TypeDecorator) else c.type,
                          primary_key=c.primary_key) for c in table.columns]
        tables.append(Table(table.name, raw, *columns))
    return tables


def _plain(value):
    """A stored value as JSON, tagging the types JSON lacks."""
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$time": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode()}
    return value


TAGS = {"$datetime": dt.datetime.fromisoformat, "$date": dt.date.fromisoformat, "$time": dt.time.fromisoformat,
        "$decimal": Decimal, "$bytes": base64.b64decode}


def _stored(value):
    if isinstance(value, dict) and len(value) == 1:
        [(tag, content)] = value.items()
        if tag in TAGS:
            return TAGS[tag](content)
    return value


def _revision(session: Session) -> str | None:
    return MigrationContext.configure(session.connection()).get_current_revision()


def write_backup(session: Session) -> tuple[bytes, dict[str, int]]:
    """The encrypted backup of the whole database, and the rows per table."""
    tables = _raw_tables()
    counts, lines = {}, []
    for table in tables:
        key = [c for c in table.columns if c.primary_key]
        rows = session.execute(select(table).order_by(*key)).mappings().all()
        counts[table.name] = len(rows)
        lines += [json.dumps({"table": table.name, "row": {k: _plain(v) for k, v in row.items()}}, ensure_ascii=False)
                  for row in rows]
    header = {"format": FORMAT, "version": VERSION, "revision": _revision(session),
              "created_at": utcnow().isoformat(), "tables": counts}
    data = gzip.compress("\n".join([json.dumps(header), *lines]).encode(), 6)
    return current_app.extensions["fernet"].encrypt(data), counts


def read_backup(blob: bytes) -> tuple[dict, list[dict]]:
    from cryptography.fernet import InvalidToken

    try:
        data = gzip.decompress(current_app.extensions["fernet"].decrypt(blob))
    except InvalidToken:
        raise RestoreRefused("The backup cannot be opened with the configured data keys.") from None
    header, *lines = data.decode().split("\n")
    meta = json.loads(header)
    if meta.get("format") != FORMAT or meta.get("version") != VERSION:
        raise RestoreRefused("This file is not a backup of this service.")
    return meta, [json.loads(line) for line in lines if line]


def restore_backup(session: Session, blob: bytes) -> dict[str, int]:
    """Load the backup into this (migrated, empty) database in one transaction. The caller commits."""
    meta, entries = read_backup(blob)
    tables = {t.name: t for t in _raw_tables()}
    if (revision := _revision(session)) != meta["revision"]:
        raise RestoreRefused(f"The backup is of schema {meta['revision']}, this database is at {revision}: "
                             f"bring it to the same schema first.")
    if any(session.scalar(select(func.count()).select_from(t)) for t in tables.values()):
        raise RestoreRefused("This database is not empty: restore only into an empty one.")
    by_table: dict[str, list[dict]] = {}
    for entry in entries:
        by_table.setdefault(entry["table"], []).append({k: _stored(v) for k, v in entry["row"].items()})
    for name, table in tables.items():  # parents before children, so foreign keys hold
        if by_table.get(name):
            session.execute(table.insert(), by_table[name])
    if session.get_bind().dialect.name == "postgresql":
        _continue_sequences(session, tables.values())
    restored = {name: len(by_table.get(name, [])) for name in tables}
    if restored != {name: meta["tables"].get(name, 0) for name in tables}:
        raise RestoreRefused("The backup is incomplete: its rows do not match its own counts.")
    return restored


def _continue_sequences(session: Session, tables) -> None:
    """Rows came with their ids: new rows must continue after the highest one."""
    for table in tables:
        for column in table.primary_key.columns:
            sequence = session.scalar(text("SELECT pg_get_serial_sequence(:table, :column)"),
                                      {"table": table.name, "column": column.name})
            if sequence:
                # Names from the schema's own metadata, never from input; the value is bound.
                session.execute(text(f'SELECT setval(:sequence, COALESCE((SELECT MAX("{column.name}") FROM '  # noqa: S608
                                     f'"{table.name}"), 0) + 1, false)'), {"sequence": sequence})
