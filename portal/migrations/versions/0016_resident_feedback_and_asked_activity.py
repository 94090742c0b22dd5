"""Resident feedback (the anonymous questionnaire after a contact, the used questionnaire tokens kept
apart from it, and "Did you find what you were looking for?" on the catalogue), and the activity a
callback request was asked about ("Ask about this activity").

Revision ID: 0016
Revises: 0015
"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contact_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("ui_language", sa.String(length=2), nullable=False),
        sa.Column("encounter", sa.SmallInteger(), nullable=True),
        sa.Column("competence", sa.SmallInteger(), nullable=True),
        sa.Column("cooperation", sa.SmallInteger(), nullable=True),
        sa.Column("impact", sa.SmallInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_feedback")),
    )
    op.create_index(op.f("ix_contact_feedback_month"), "contact_feedback", ["month"])
    op.create_table(
        "contact_feedback_form",
        sa.Column("submission", sa.String(length=64), nullable=False),
        sa.Column("used_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("submission", name=op.f("pk_contact_feedback_form")),
    )
    op.create_index(op.f("ix_contact_feedback_form_used_on"), "contact_feedback_form", ["used_on"])
    op.create_table(
        "catalogue_found_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("ui_language", sa.String(length=2), nullable=False),
        sa.Column("found", sa.Boolean(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_found_feedback")),
    )
    op.create_index(op.f("ix_catalogue_found_feedback_month"), "catalogue_found_feedback", ["month"])
    with op.batch_alter_table("callback_request") as batch:
        batch.add_column(sa.Column("activity_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_callback_request_activity_id_activity"), "activity", ["activity_id"],
                                 ["id"], ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("callback_request") as batch:
        batch.drop_constraint(op.f("fk_callback_request_activity_id_activity"), type_="foreignkey")
        batch.drop_column("activity_id")
    op.drop_index(op.f("ix_catalogue_found_feedback_month"), table_name="catalogue_found_feedback")
    op.drop_table("catalogue_found_feedback")
    op.drop_index(op.f("ix_contact_feedback_form_used_on"), table_name="contact_feedback_form")
    op.drop_table("contact_feedback_form")
    op.drop_index(op.f("ix_contact_feedback_month"), table_name="contact_feedback")
    op.drop_table("contact_feedback")
