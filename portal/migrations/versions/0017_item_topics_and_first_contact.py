"""Topics advisers tag items with for social reporting (item_topic); and the first contact of callback
requests recounted: an unanswered call attempt is no longer contact, so it is when the resident was reached.

Revision ID: 0017
Revises: 0016
"""
import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "item_topic",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_type", sa.String(length=20), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["added_by_id"], ["staff_user.id"], name=op.f("fk_item_topic_added_by_id_staff_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_topic")),
        sa.UniqueConstraint("item_type", "item_id", "topic", name=op.f("uq_item_topic_item_type")),
    )
    op.create_index("ix_item_topic_item", "item_topic", ["item_type", "item_id"])
    # Before this, a no-answer attempt stamped the first contact; being reached is the only contact a
    # callback request has (the state table's `contact` moves), so the stored figure follows it.
    op.execute("UPDATE callback_request SET first_contact_at = reached_at")


def downgrade() -> None:
    # The recounted first contacts stay: the old figure counted unanswered calls and cannot be rebuilt.
    op.drop_index("ix_item_topic_item", table_name="item_topic")
    op.drop_table("item_topic")
