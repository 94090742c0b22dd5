"""Deleted activities: which activity was removed and when, for the Linked Events export's show_deleted.

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deleted_activity",
        sa.Column("activity_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("activity_id", name=op.f("pk_deleted_activity")),
    )
    op.create_index(op.f("ix_deleted_activity_deleted_at"), "deleted_activity", ["deleted_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_deleted_activity_deleted_at"), table_name="deleted_activity")
    op.drop_table("deleted_activity")
