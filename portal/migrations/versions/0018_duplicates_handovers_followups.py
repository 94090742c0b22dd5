"""Duplicates, escorted hand-overs and follow-up calls: keyed hashes of the identifiers of items
(item_match_key), flags between items that look alike (duplicate_flag), the unit an item was handed to
(item_handover) and check-in calls set when closing (follow_up_call).

Revision ID: 0018
Revises: 0017
"""
import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "item_match_key",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("item_type", sa.String(20), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("what", sa.String(10), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
    )
    op.create_index("ix_item_match_key_digest", "item_match_key", ["digest"])
    op.create_index("ix_item_match_key_item", "item_match_key", ["item_type", "item_id"])
    op.create_table(
        "duplicate_flag",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("item_type", sa.String(20), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("other_type", sa.String(20), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), sa.ForeignKey("staff_user.id"), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("kept", sa.String(5), nullable=True),
        sa.UniqueConstraint("item_type", "item_id", "other_type", "other_id"),
    )
    op.create_index("ix_duplicate_flag_other", "duplicate_flag", ["other_type", "other_id"])
    op.create_table(
        "item_handover",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("item_type", sa.String(20), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(40), nullable=False),
        sa.Column("consent", sa.String(10), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff_user.id"), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("item_type", "item_id"),
    )
    op.create_table(
        "follow_up_call",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("item_type", sa.String(20), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_by_id", sa.Integer(), sa.ForeignKey("staff_user.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_by_id", sa.Integer(), sa.ForeignKey("staff_user.id"), nullable=True),
        sa.Column("status_changed_at", sa.DateTime(), nullable=False),
        sa.Column("first_contact_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("outcome", sa.String(20), nullable=True),
        sa.UniqueConstraint("item_type", "item_id"),
    )
    op.create_index("ix_follow_up_call_due_on", "follow_up_call", ["due_on"])
    op.create_index("ix_follow_up_call_status", "follow_up_call", ["status"])


def downgrade() -> None:
    op.drop_table("follow_up_call")
    op.drop_table("item_handover")
    op.drop_table("duplicate_flag")
    op.drop_table("item_match_key")
