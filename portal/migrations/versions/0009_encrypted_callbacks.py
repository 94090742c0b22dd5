"""Callback requests' personal fields encrypted at rest, like concern notices: the columns become
text (a token is longer than the value) and the rows already stored are encrypted with the newest key.

Run through `flask --app app db upgrade`, which supplies the app's keys.

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# (column, its length before)
FIELDS = (("name", 100), ("phone", 20), ("interpreter_language", 60), ("message", None), ("helper_name", 100),
          ("helper_phone", 20))


def _fernet():
    from flask import current_app, has_app_context

    if not has_app_context():
        raise RuntimeError("Run this migration with `flask --app app db upgrade`: it needs the data keys.")
    return current_app.extensions["fernet"]


def _convert(change) -> None:
    """Apply `change` (bytes -> bytes) to every stored value of the personal fields."""
    table = sa.table("callback_request", sa.column("id", sa.Integer), *(sa.column(n, sa.Text) for n, _ in FIELDS))
    connection = op.get_bind()
    for row in connection.execute(sa.select(table)).mappings().all():
        values = {name: change(row[name].encode()).decode() for name, _ in FIELDS if row[name] is not None}
        if values:
            connection.execute(table.update().where(table.c.id == row["id"]).values(**values))


def upgrade() -> None:
    fernet = _fernet()
    with op.batch_alter_table("callback_request") as batch:
        for name, length in FIELDS:
            if length:
                batch.alter_column(name, existing_type=sa.String(length), type_=sa.Text(), existing_nullable=True)
    _convert(fernet.encrypt)


def downgrade() -> None:
    _convert(_fernet().decrypt)
    with op.batch_alter_table("callback_request") as batch:
        for name, length in FIELDS:
            if length:
                batch.alter_column(name, existing_type=sa.Text(), type_=sa.String(length), existing_nullable=True)
